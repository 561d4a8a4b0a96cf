"""Following a seller's background job from a page: a live progress bar, then its outcome.

A page state takes `JobWatch` as a mixin, sets `job_id` when it queues a job, and returns
a background event that calls `_follow`: every half second it reads the job's progress
(in the seller's own schema, from the verified session) until the job ends, then hands
the final progress to the page, which shows the outcome.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import reflex as rx
from sqlmodel import Session

from stoflow.db.tenancy import tenant_session
from stoflow.i18n import tr
from stoflow.jobs.service import JobProgress
from stoflow.state.language import LanguageState
from stoflow.state.session import SessionState

POLL_S = 0.5
MAX_POLLS = 7200  # an hour; the job goes on regardless, the dashboard shows how it ended


class JobWatch(rx.State, mixin=True):
    job_id: int = 0  # the job being followed (0: none)
    job_progress: int = 0
    job_text: str = ""

    async def _follow(
        self,
        read: Callable[[Session, int], JobProgress[Any] | None],
        label_key: str,
        finish: Callable[[JobProgress[Any], str], Awaitable[Any]],
    ) -> Any:
        """Poll job `job_id` with `read` until it ends; then `await finish(progress, language)`
        (inside the state lock) and return what it returns: the outcome's toast."""
        for _ in range(MAX_POLLS):
            async with self:
                identity = (await self.get_state(SessionState))._identity()
                language = (await self.get_state(LanguageState)).lang
                if identity is None or not self.job_id:
                    self.job_id = 0
                    return None
                with tenant_session(identity.user_id) as db:
                    progress = read(db, self.job_id)
                if progress is None:
                    self.job_id = 0
                    return None
                self.job_progress = progress.progress
                self.job_text = f"{tr(language, label_key)}: {progress.done}/{progress.total}"
                if progress.finished:
                    self.job_id = 0
                    return await finish(progress, language)
            await asyncio.sleep(POLL_S)
        return None
