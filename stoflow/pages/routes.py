"""Every route of the app, and the builders of URLs with parameters."""

from __future__ import annotations

from urllib.parse import urlencode

HOME = "/"
SIGN_IN = "/login"
REGISTER = "/register"
DASHBOARD = "/dashboard"
SETTINGS = "/settings"
ADMIN = "/admin"


def sign_in(*, next_path: str | None = None) -> str:
    """The sign-in page; `next_path` (a local path only) is where to go afterwards."""
    if next_path and next_path.startswith("/") and not next_path.startswith("//") and next_path != SIGN_IN:
        return f"{SIGN_IN}?{urlencode({'next': next_path})}"
    return SIGN_IN
