"""Reflex configuration. StoFlow's own settings live in stoflow/config.py."""

import os

import reflex as rx
from reflex_base.plugins.sitemap import SitemapPlugin

PORT = int(os.environ.get("PORT", "3000"))
PUBLIC_URL = os.environ.get("PUBLIC_URL", f"http://localhost:{PORT}").rstrip("/")
# A backend-only web process (`reflex run --backend-only`, another instance behind a load
# balancer) serves no pages: Reflex refuses a frontend port for it.
BACKEND_ONLY = os.environ.get("REFLEX_BACKEND_ONLY", "").lower() in ("1", "true", "yes")

config = rx.Config(
    app_name="stoflow",
    # The database is StoFlow's own (stoflow.db); rx.Model is not used.
    db_url=None,
    # REFLEX_REDIS_URL (set by the launcher from REDIS_URL) selects the redis state
    # manager, so several web instances can share state.
    frontend_port=None if BACKEND_ONLY else PORT,
    backend_port=PORT,
    deploy_url=PUBLIC_URL,
    cors_allowed_origins=[PUBLIC_URL],
    telemetry_enabled=False,
    show_built_with_reflex=False,
    disable_plugins=[SitemapPlugin],
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(appearance="light", accent_color="indigo", gray_color="slate", radius="medium")
        ),
    ],
)
