# StoFlow image: one image for every process (web, worker, beat); the command picks it.
#   docker compose up        (see docker-compose.yml and README.md, "Production")
FROM python:3.11-slim AS base

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    REFLEX_TELEMETRY_ENABLED=false \
    REFLEX_CHECK_LATEST_VERSION=false \
    NPM_CONFIG_REGISTRY=https://registry.npmjs.org \
    REFLEX_BUN_PATH=/opt/tools/node_modules/.bin/bun

RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm unzip curl \
    && rm -rf /var/lib/apt/lists/*
RUN npm install --prefix /opt/tools bun@1.4.5

WORKDIR /app
COPY requirements.txt constraints.txt ./
RUN pip install -r requirements.txt

COPY . .
# Build the frontend into the image, so a web container starts without compiling it.
RUN reflex export --frontend-only --no-zip

RUN useradd --create-home --uid 1000 stoflow && chown -R stoflow /app
USER stoflow

EXPOSE 3000
CMD ["reflex", "run", "--env", "prod", "--single-port", "--frontend-port", "3000", "--backend-port", "3000", "--backend-host", "0.0.0.0"]
