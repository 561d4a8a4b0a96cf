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


def is_local_path(path: str) -> bool:
    """True for a path of this site; false for `//host`, `/\\host` (browsers read `\\` as `/`),
    absolute URLs and anything with control characters."""
    return (
        path.startswith("/")
        and not path.startswith("//")
        and "\\" not in path
        and not any(ord(char) < 32 or ord(char) == 127 for char in path)
    )


def sign_in(*, next_path: str | None = None) -> str:
    """The sign-in page; `next_path` (a local path only) is where to go afterwards."""
    if next_path and is_local_path(next_path) and next_path.rstrip("/") not in (SIGN_IN, REGISTER):
        return f"{SIGN_IN}?{urlencode({'next': next_path})}"
    return SIGN_IN
