"""The pager under a paged table: "Page 2 of 5 · Events: 230", Previous, Next."""

from __future__ import annotations

from typing import Any

import reflex as rx

from stoflow.components.shell import empty_state
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


def paged_card(
    state: Any,
    *,
    filters: rx.Component,
    table: rx.Component,
    count_key: str,
    pager_id: str,
    empty: tuple[str, str, str],
) -> rx.Component:
    """The card of a paged list page: its filters, then the table and its pager, the empty
    state (`empty` = icon, title key, text key) when nothing matches, or skeletons while
    loading. `state` also has `loaded`."""
    return rx.card(
        rx.vstack(
            filters,
            rx.cond(
                state.loaded,
                rx.cond(
                    state.total > 0,
                    rx.vstack(
                        table,
                        pager(state, count_key=count_key, pager_id=pager_id),
                        width="100%",
                        spacing="3",
                    ),
                    empty_state(*empty),
                ),
                rx.vstack(
                    rx.skeleton(height="1.5em", width="100%"),
                    rx.skeleton(height="1.5em", width="90%"),
                    rx.skeleton(height="1.5em", width="95%"),
                    width="100%",
                    class_name="list-loading",
                ),
            ),
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
    )
