"""One module per page; importing this package registers them all."""

from stoflow.pages import admin, dashboard, index, register, settings, sign_in

__all__ = ["admin", "dashboard", "index", "register", "settings", "sign_in"]
