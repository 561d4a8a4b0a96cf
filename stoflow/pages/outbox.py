"""/admin/outbox: the e-mails kept by the development outbox, for admins (never in production)."""

from __future__ import annotations

import reflex as rx

from stoflow.accounts.permissions import PermissionDenied
from stoflow.components.pager import paged_card
from stoflow.components.shell import app_page, page_title
from stoflow.db.engine import db_session
from stoflow.i18n import t, tr
from stoflow.mail import Template, find_links, outbox_message
from stoflow.mail import outbox_page as read_outbox
from stoflow.pages import routes
from stoflow.state.language import LanguageState
from stoflow.state.session import SessionState


class OutboxState(rx.State):
    """One page of the outbox at a time; a message's body is read only when it is opened."""

    rows: list[dict[str, str]] = []
    total: int = 0
    page: int = 1
    pages: int = 1
    to: str = ""
    loaded: bool = False
    # The message being read.
    reading: bool = False
    subject: str = ""
    to_address: str = ""
    body: str = ""
    links: list[dict[str, str]] = []

    async def _load(self) -> rx.event.EventSpec | None:
        session = await self.get_state(SessionState)
        identity = session._identity()
        if identity is None:
            return rx.redirect(routes.sign_in(next_path=routes.OUTBOX))
        try:
            with db_session() as db:
                result = read_outbox(db, identity, to=self.to or None, page=self.page)
        except PermissionDenied:
            return rx.redirect(routes.DASHBOARD)
        self.rows = [
            {
                "id": str(message.id),
                "at": message.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                "to": message.to_address,
                "subject": message.subject,
                "template": message.template,
                "language": message.language.upper(),
            }
            for message in result.messages
        ]
        self.total, self.page, self.pages = result.total, result.page, result.pages
        self.loaded = True
        return None

    @rx.event
    async def load(self) -> rx.event.EventSpec | None:
        return await self._load()

    @rx.event
    async def filter_to(self, form: dict[str, str]) -> rx.event.EventSpec | None:
        self.to = str(form.get("to", ""))[:320].strip()
        self.page = 1
        return await self._load()

    @rx.event
    async def go_to(self, page: int) -> rx.event.EventSpec | None:
        self.page = max(1, min(int(page), self.pages))
        return await self._load()

    @rx.event
    async def open_message(self, message_id: str) -> rx.event.EventSpec | None:
        session = await self.get_state(SessionState)
        identity = session._identity()
        if identity is None:
            return rx.redirect(routes.sign_in(next_path=routes.OUTBOX))
        try:
            with db_session() as db:
                message = outbox_message(db, identity, message_id=int(message_id))
        except PermissionDenied:
            return rx.redirect(routes.DASHBOARD)
        except ValueError:
            message = None
        if message is None:
            language = await self.get_state(LanguageState)
            return rx.toast.error(tr(language.lang, "outbox.gone"))
        self.subject, self.to_address, self.body = message.subject, message.to_address, message.body_text
        self.links = [{"id": f"outbox-link-{n}", "url": url} for n, url in enumerate(find_links(message.body_text))]
        self.reading = True
        return None

    @rx.event
    def set_reading(self, reading: bool) -> None:
        self.reading = bool(reading)


def _template_label(template: rx.Var) -> rx.Component:
    return rx.match(template, *[(value.value, t(f"outbox.template.{value.value}")) for value in Template], template)


def search_form() -> rx.Component:
    return rx.hstack(
        rx.form(
            rx.hstack(
                rx.input(name="to", placeholder=t("outbox.filter_to"), type="search", id="outbox-to", width="260px"),
                rx.button(rx.icon("search", size=14), t("outbox.search"), type="submit", variant="soft"),
            ),
            on_submit=OutboxState.filter_to,
            reset_on_submit=False,
            width="auto",
        ),
        rx.spacer(),
        rx.button(
            rx.icon("refresh-cw", size=14),
            t("outbox.refresh"),
            variant="ghost",
            on_click=OutboxState.load,
            id="outbox-refresh",
        ),
        spacing="3",
        wrap="wrap",
        width="100%",
        align="center",
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["at"], white_space="nowrap"),
        rx.table.cell(row["to"]),
        rx.table.cell(rx.text(row["subject"], weight="medium")),
        rx.table.cell(rx.badge(_template_label(row["template"]), variant="soft")),
        rx.table.cell(rx.code(row["language"])),
        rx.table.cell(
            rx.icon_button(
                rx.icon("mail-open", size=14),
                variant="ghost",
                size="1",
                aria_label=t("outbox.read"),
                title=t("outbox.read"),
            )
        ),
        on_click=OutboxState.open_message(row["id"]),
        cursor="pointer",
        _hover={"bg": rx.color("gray", 3)},
        class_name="outbox-row",
    )


def messages_table() -> rx.Component:
    header = [
        rx.table.column_header_cell(t(key))
        for key in ("outbox.when", "outbox.to", "outbox.subject", "outbox.template", "outbox.language")
    ]
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*header, rx.table.column_header_cell(""))),
            rx.table.body(rx.foreach(OutboxState.rows, _row)),
            size="1",
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
    )


def _link(link: rx.Var) -> rx.Component:
    return rx.link(link["url"], href=link["url"], id=link["id"], size="2", word_break="break-all")


def message_dialog() -> rx.Component:
    """The message being read: its plain-text body, and its links as links one can click."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(OutboxState.subject, id="outbox-subject"),
            rx.dialog.description(
                t("outbox.to"), ": ", OutboxState.to_address, size="2", color=rx.color("gray", 11), id="outbox-address"
            ),
            rx.box(
                rx.text(OutboxState.body, white_space="pre-wrap", size="2", id="outbox-body"),
                bg=rx.color("gray", 2),
                border=f"1px solid {rx.color('gray', 4)}",
                border_radius="8px",
                padding="16px",
                margin_y="16px",
                max_height="50vh",
                overflow_y="auto",
            ),
            rx.cond(
                OutboxState.links.length() > 0,
                rx.vstack(
                    rx.text(t("outbox.links"), weight="medium", size="2"),
                    rx.foreach(OutboxState.links, _link),
                    spacing="1",
                    width="100%",
                ),
            ),
            rx.flex(
                rx.dialog.close(rx.button(t("outbox.close"), variant="soft", color_scheme="gray", id="outbox-close")),
                justify="end",
                margin_top="16px",
            ),
            max_width="680px",
            id="outbox-dialog",
        ),
        open=OutboxState.reading,
        on_open_change=OutboxState.set_reading,
    )


@app_page(routes.OUTBOX, "outbox.title", access="staff", on_load=OutboxState.load)
def outbox_page() -> rx.Component:
    return rx.vstack(
        page_title("outbox.title", "outbox.intro"),
        paged_card(
            OutboxState,
            filters=search_form(),
            table=messages_table(),
            count_key="outbox.sent",
            pager_id="outbox-pager",
            empty=("inbox", "outbox.empty_title", "outbox.empty"),
        ),
        message_dialog(),
        width="100%",
        spacing="2",
    )
