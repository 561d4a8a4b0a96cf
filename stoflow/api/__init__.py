"""HTTP routes under /api, mounted into the Reflex app through `api_transformer`."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from stoflow.api import account, auth, health, media, products_csv
from stoflow.config import get_settings

log = logging.getLogger(__name__)


def create_api() -> FastAPI:
    api = FastAPI(title="StoFlow API", docs_url=None, redoc_url=None, openapi_url=None)
    api.include_router(health.router)
    api.include_router(auth.router)
    api.include_router(account.router)
    api.include_router(media.router)
    api.include_router(products_csv.router)
    # Reflex mounts its own app (pages, /_event websocket, /_upload) inside this one, so
    # the client address of every request and socket comes through here: X-Forwarded-For
    # and -Proto are believed only from TRUSTED_PROXIES.
    trusted = get_settings().trusted_proxy_list
    if trusted:
        api.add_middleware(ProxyHeadersMiddleware, trusted_hosts=trusted)

    @api.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        fields = {".".join(str(part) for part in item["loc"][1:]) or "body": "invalid" for item in error.errors()}
        return JSONResponse({"error": "invalid_request", "errors": fields}, status_code=422)

    @api.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        # The detail goes to the log, never to the browser.
        log.exception("Unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"error": "internal_error"}, status_code=500)

    return api
