"""The app shell (sidebar, header, user menu, language switch) and the page decorator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import reflex as rx

from stoflow.components import browser_auth
from stoflow.components.nav import NAV_ENTRIES, NavEntry
from stoflow.i18n import MESSAGES, t, tr
from stoflow.pages import routes
from stoflow.state.language import LanguageState
from stoflow.state.session import SessionState

Access = Literal["user", "staff", "guest"]

SIDEBAR_WIDTH = "240px"


class SignOutState(rx.State):
    """Hears back from assets/auth.js when signing out could not reach the server."""

    @rx.event
    async def failed(self, result: dict[str, Any]) -> rx.event.EventSpec | None:
        if isinstance(result, dict) and result.get("ok"):
            return None  # the page is loading the sign-in page
        language = await self.get_state(LanguageState)
        return rx.toast.error(tr(language.lang, "network_error"))


def sign_out() -> rx.event.EventSpec:
    """End the session on the server (HttpOnly cookie), then load the sign-in page."""
    return browser_auth.sign_out(SignOutState.failed)


def logo() -> rx.Component:
    return rx.hstack(
        rx.center(
            rx.icon("layers", size=18, color="white"), bg=rx.color("accent", 9), border_radius="8px", padding="6px"
        ),
        rx.text("StoFlow", weight="bold", size="5"),
        align="center",
        spacing="2",
    )


def _nav_link(entry: NavEntry, id_prefix: str) -> rx.Component:
    active = rx.State.router.page.path == entry.route
    link = rx.link(
        rx.hstack(rx.icon(entry.icon, size=18), rx.text(t(entry.label_key), size="3"), align="center", spacing="3"),
        href=entry.route,
        underline="none",
        color=rx.cond(active, rx.color("accent", 11), rx.color("gray", 11)),
        bg=rx.cond(active, rx.color("accent", 3), "transparent"),
        font_weight=rx.cond(active, "500", "400"),
        border_radius="8px",
        padding="8px 12px",
        width="100%",
        _hover={"bg": rx.cond(active, rx.color("accent", 4), rx.color("gray", 3))},
        aria_current=rx.cond(active, "page", "false"),
        class_name="nav-link",
        id=f"{id_prefix}-{entry.route.strip('/').replace('/', '-')}",
    )
    return rx.cond(SessionState.is_staff, link) if entry.staff_only else link


def nav_links(id_prefix: str) -> rx.Component:
    return rx.el.nav(
        rx.vstack(*[_nav_link(entry, id_prefix) for entry in NAV_ENTRIES], spacing="1", width="100%"),
        width="100%",
    )


def sidebar() -> rx.Component:
    return rx.vstack(
        logo(),
        rx.box(height="1em"),
        nav_links("nav"),
        rx.spacer(),
        rx.text(t("shell.tagline"), size="1", color=rx.color("gray", 10)),
        display=["none", "none", "flex"],
        width=SIDEBAR_WIDTH,
        min_width=SIDEBAR_WIDTH,
        height="100vh",
        position="sticky",
        top="0",
        padding="24px 16px",
        border_right=f"1px solid {rx.color('gray', 4)}",
        bg=rx.color("gray", 1),
    )


def mobile_menu() -> rx.Component:
    """Below the md breakpoint the sidebar is a drawer opened by the menu button."""
    return rx.box(
        rx.drawer.root(
            rx.drawer.trigger(
                rx.icon_button(
                    rx.icon("menu", size=20), variant="ghost", size="2", aria_label=t("nav.menu"), id="mobile-menu"
                )
            ),
            rx.drawer.overlay(z_index="10"),
            rx.drawer.portal(
                rx.drawer.content(
                    rx.vstack(
                        rx.hstack(
                            logo(),
                            rx.spacer(),
                            rx.drawer.close(
                                rx.icon_button(rx.icon("x", size=18), variant="ghost", aria_label=t("shell.close"))
                            ),
                            width="100%",
                            align="center",
                        ),
                        nav_links("drawer-nav"),
                        rx.spacer(),
                        rx.text(t("shell.tagline"), size="1", color=rx.color("gray", 10)),
                        spacing="5",
                        padding="20px 16px",
                        height="100%",
                        width="100%",
                    ),
                    height="100%",
                    width="272px",
                    bg=rx.color("gray", 1),
                    z_index="20",
                    id="mobile-drawer",
                ),
            ),
            direction="left",
        ),
        display=["block", "block", "none"],
    )


def language_switch() -> rx.Component:
    return rx.segmented_control.root(
        rx.segmented_control.item("EN", value="en"),
        rx.segmented_control.item("FR", value="fr"),
        value=LanguageState.lang,
        on_change=LanguageState.set_language,
        size="1",
        aria_label=t("shell.language"),
        id="language-switch",
    )


def user_menu() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                rx.avatar(fallback=SessionState.initials, size="2", radius="full"),
                rx.text(SessionState.display_name, size="2", display=["none", "none", "inline"]),
                rx.icon("chevron-down", size=14),
                variant="ghost",
                color_scheme="gray",
                aria_label=t("shell.account_menu"),
                id="user-menu",
            )
        ),
        rx.menu.content(
            rx.vstack(
                rx.text(SessionState.display_name, size="2", weight="medium"),
                rx.text(SessionState.email, size="1", color=rx.color("gray", 10), id="user-menu-email"),
                spacing="0",
                padding="6px 12px",
            ),
            rx.menu.separator(),
            rx.menu.item(
                rx.hstack(rx.icon("settings", size=14), rx.text(t("nav.settings")), align="center"),
                on_click=rx.redirect(routes.SETTINGS),
            ),
            rx.menu.item(
                rx.hstack(rx.icon("log-out", size=14), rx.text(t("shell.sign_out")), align="center"),
                on_click=sign_out(),
                color="red",
                id="sign-out",
            ),
            align="end",
            min_width="220px",
        ),
    )


def header() -> rx.Component:
    return rx.hstack(
        mobile_menu(),
        rx.box(logo(), display=["block", "block", "none"]),
        rx.spacer(),
        language_switch(),
        user_menu(),
        align="center",
        spacing="4",
        padding=["10px 16px", "10px 16px", "12px 32px"],
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        bg=rx.color("gray", 1),
        position="sticky",
        top="0",
        z_index="5",
        width="100%",
    )


def loading() -> rx.Component:
    return rx.center(
        rx.vstack(rx.spinner(size="3"), rx.text(t("shell.loading"), color=rx.color("gray", 10)), align="center"),
        height="100vh",
        width="100%",
        id="page-loading",
    )


def shell(content: rx.Component) -> rx.Component:
    """Sidebar and header around `content`, once the guard has confirmed the session."""
    return rx.cond(
        SessionState.signed_in,
        rx.hstack(
            sidebar(),
            rx.vstack(
                header(),
                rx.el.main(
                    content,
                    width="100%",
                    max_width="1100px",
                    padding=["20px 16px", "20px 16px", "32px 32px"],
                ),
                spacing="0",
                width="100%",
                min_width="0",
                min_height="100vh",
                bg=rx.color("gray", 2),
            ),
            spacing="0",
            width="100%",
            align="start",
        ),
        loading(),
    )


def page_title(title_key: str, subtitle_key: str | None = None) -> rx.Component:
    subtitle = [rx.text(t(subtitle_key), color=rx.color("gray", 11))] if subtitle_key else []
    return rx.vstack(
        rx.heading(t(title_key), size=rx.breakpoints(initial="6", sm="7"), weight="bold", as_="h1"),
        *subtitle,
        spacing="1",
        margin_bottom="8px",
    )


def empty_state(icon: str, title_key: str, text_key: str) -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.center(
                rx.icon(icon, size=22, color=rx.color("accent", 11)),
                bg=rx.color("accent", 3),
                padding="12px",
                border_radius="9999px",
            ),
            rx.text(t(title_key), weight="medium", size="3"),
            rx.text(t(text_key), color=rx.color("gray", 11), size="2", text_align="center", max_width="380px"),
            align="center",
            spacing="2",
        ),
        padding="32px 0",
        width="100%",
    )


def app_page(
    route: str,
    title_key: str,
    *,
    access: Access = "user",
    on_load: Callable[..., Any] | None = None,
) -> Callable[[Callable[[], rx.Component]], Callable[[], rx.Component]]:
    """Register a page with its guard.

    `user` and `staff` pages get the shell and are refused to strangers (and, for
    `staff`, to sellers): until the guard has confirmed the session they show a spinner,
    never the page. `guest` pages (sign in, register) send a signed-in user to the
    dashboard. `on_load` runs after the guard; it must re-check identity itself.
    """
    guard = {
        "user": SessionState.require_user,
        "staff": SessionState.require_staff,
        "guest": SessionState.redirect_if_signed_in,
    }[access]
    events = [guard, on_load] if on_load is not None else [guard]

    def decorator(build: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        def page() -> rx.Component:
            if access == "guest":
                return build()
            content = build()
            return shell(rx.cond(SessionState.is_staff, content, loading()) if access == "staff" else content)

        page.__name__ = build.__name__
        rx.page(route=route, title=f"{MESSAGES[title_key][0]} · StoFlow", on_load=events)(page)
        return build

    return decorator
