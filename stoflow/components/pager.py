"""The pager under a paged table: "Page 2 of 5 · Events: 230", Previous, Next."""

from __future__ import annotations

from typing import Any

import reflex as rx

from stoflow.i18n import t


def pager(state: Any, *, count_key: str, pager_id: str) -> rx.Component:
    """`state` has `page`, `pages`, `total` and a `go_to(page)` event."""
    return rx.hstack(
        rx.text(
            t("pager.page"),
            " ",
            state.page,
            " ",
            t("pager.of"),
            " ",
            state.pages,
            " · ",
            t(count_key),
            ": ",
            state.total,
            size="2",
            color=rx.color("gray", 11),
            id=pager_id,
        ),
        rx.spacer(),
        rx.button(
            t("pager.previous"),
            variant="soft",
            disabled=state.page <= 1,
            on_click=state.go_to(state.page - 1),
        ),
        rx.button(
            t("pager.next"),
            variant="soft",
            disabled=state.page >= state.pages,
            on_click=state.go_to(state.page + 1),
        ),
        width="100%",
        align="center",
    )
