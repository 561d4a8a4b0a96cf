"""Every route of the app, and the builders of URLs with parameters."""

from __future__ import annotations

from urllib.parse import urlencode

HOME = "/"
SIGN_IN = "/login"
REGISTER = "/register"
DASHBOARD = "/dashboard"
SETTINGS = "/settings"
ADMIN = "/admin"
AUDIT_LOG = "/admin/audit"
ADMIN_USERS = "/admin/users"
OUTBOX = "/admin/outbox"
VERIFY_EMAIL = "/verify-email"  # ?token=…
FORGOT_PASSWORD = "/forgot-password"
RESET_PASSWORD = "/reset-password"  # ?token=…
ACCOUNT = "/account"  # profile, password, sessions, data, deletion
PRODUCTS = "/products"
PRODUCT_NEW = "/products/new"
PRODUCT_IMPORT = "/products/import"
PRODUCT_EDIT = "/products/[product_id]"  # the editor of one product


def product(product_id: int | str) -> str:
    return f"{PRODUCTS}/{product_id}"


_DOT_SEGMENTS = {".", ".."}


def is_local_path(path: str) -> bool:
    """True only for a normalised path of this site (where `?next=` may lead).

    Refused: anything not starting with one `/` (absolute URLs, `javascript:`, `//host`,
    `/\\host`: browsers read `\\` as `/`), whitespace and control characters (browsers drop
    tabs and newlines, so `/<tab>/host` is `//host`), non-ASCII, and in the path part an empty
    segment (`//`), a dot segment (`/./`, `/../`, `/%2e/`) or an encoded slash or backslash
    (`%2F`, `%5C`): a browser or a proxy normalising those could reach `//host`.
    assets/auth.js applies the same rule in the page.
    """
    if not isinstance(path, str) or not path.startswith("/") or not path.isascii():
        return False
    if "\\" in path or any(ord(char) <= 32 or ord(char) == 127 for char in path):
        return False
    route = path.split("?", 1)[0].split("#", 1)[0]
    if "//" in route or "%2f" in route.lower() or "%5c" in route.lower():
        return False
    return not any(segment.lower().replace("%2e", ".") in _DOT_SEGMENTS for segment in route.split("/"))


def sign_in(*, next_path: str | None = None) -> str:
    """The sign-in page; `next_path` (a local path only) is where to go afterwards."""
    if next_path and is_local_path(next_path) and next_path.rstrip("/") not in (SIGN_IN, REGISTER):
        return f"{SIGN_IN}?{urlencode({'next': next_path})}"
    return SIGN_IN
