"""The live progress of a job a page follows (see stoflow.state.jobs.JobWatch)."""

from __future__ import annotations

from typing import Any

import reflex as rx


def job_progress(state: Any, id_prefix: str) -> rx.Component:
    """While `state.job_id` is set: "Processed: 120/250" over a progress bar."""
    return rx.cond(
        state.job_id > 0,
        rx.vstack(
            rx.text(state.job_text, size="2", id=f"{id_prefix}-text"),
            rx.progress(value=state.job_progress, width="100%", id=f"{id_prefix}-progress"),
            width="100%",
            spacing="1",
        ),
    )
