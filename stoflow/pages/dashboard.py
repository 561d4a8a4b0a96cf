"""/dashboard: the seller's home: greeting and recent background jobs."""

from __future__ import annotations

import reflex as rx

from stoflow.components.shell import app_page, empty_state
from stoflow.db.tenancy import tenant_session
from stoflow.i18n import t
from stoflow.jobs.service import recent_jobs
from stoflow.pages import routes
from stoflow.state.session import SessionState

JOB_KINDS = ("bulk_edit", "photo_import")  # each has a `job.kind.<kind>` text
STATUS_COLOURS = {"queued": "gray", "running": "blue", "succeeded": "green", "failed": "red", "cancelled": "orange"}


class DashboardState(rx.State):
    jobs: list[dict[str, str]] = []
    loaded: bool = False

    @rx.event
    async def load(self) -> rx.event.EventSpec | None:
        session = await self.get_state(SessionState)
        identity = session._identity()
        if identity is None:
            return rx.redirect(routes.sign_in(next_path=routes.DASHBOARD))
        # The tenant comes from the verified session, never from the browser.
        with tenant_session(identity.user_id) as tenant:
            jobs = recent_jobs(tenant, limit=10)
        self.jobs = [
            {
                "kind": job.kind,
                "message": job.message,
                "status": job.status,
                "progress": str(job.progress),
                "created": job.created_at.strftime("%Y-%m-%d %H:%M"),
                "colour": STATUS_COLOURS.get(job.status, "gray"),
            }
            for job in jobs
        ]
        self.loaded = True
        return None


def _status_badge(job: rx.Var) -> rx.Component:
    label = rx.match(
        job["status"],
        ("queued", t("job.queued")),
        ("running", t("job.running")),
        ("succeeded", t("job.succeeded")),
        ("failed", t("job.failed")),
        t("job.cancelled"),
    )
    return rx.badge(label, color_scheme=job["colour"], variant="soft")


def _jobs_table() -> rx.Component:
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell(t("job.kind")),
                rx.table.column_header_cell(t("job.status")),
                rx.table.column_header_cell(t("job.progress")),
                rx.table.column_header_cell(t("job.created")),
            )
        ),
        rx.table.body(
            rx.foreach(
                DashboardState.jobs,
                lambda job: rx.table.row(
                    rx.table.cell(
                        rx.vstack(
                            rx.match(
                                job["kind"],
                                *[(kind, t(f"job.kind.{kind}")) for kind in JOB_KINDS],
                                job["kind"],
                            ),
                            rx.text(job["message"], size="1", color=rx.color("gray", 11)),
                            spacing="1",
                        )
                    ),
                    rx.table.cell(_status_badge(job)),
                    rx.table.cell(job["progress"] + "%"),
                    rx.table.cell(job["created"]),
                ),
            )
        ),
        width="100%",
    )


def activity_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(t("dashboard.activity"), size="4"),
            rx.cond(
                DashboardState.loaded,
                rx.cond(
                    DashboardState.jobs.length() > 0,
                    _jobs_table(),
                    empty_state("activity", "dashboard.activity_empty_title", "dashboard.activity_empty"),
                ),
                rx.vstack(rx.skeleton(height="1.5em", width="100%"), rx.skeleton(height="1.5em", width="80%")),
            ),
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
        id="activity",
    )


@app_page(routes.DASHBOARD, "dashboard.title", on_load=DashboardState.load)
def dashboard_page() -> rx.Component:
    return rx.vstack(
        rx.vstack(
            rx.heading(
                t("dashboard.hello"),
                " ",
                rx.el.span(SessionState.display_name, id="greeting-name"),
                size=rx.breakpoints(initial="6", sm="7"),
                as_="h1",
            ),
            rx.text(t("dashboard.intro"), color=rx.color("gray", 11)),
            spacing="1",
        ),
        activity_card(),
        spacing="6",
        width="100%",
    )
