"""Periodic housekeeping run by Celery beat."""

from __future__ import annotations

import logging

from stoflow.accounts import email_links
from stoflow.accounts import service as accounts
from stoflow.db.engine import db_session
from stoflow.tasks.app import app

log = logging.getLogger(__name__)


@app.task(name="stoflow.maintenance.purge_expired_sessions")
def purge_expired_sessions() -> int:
    """Delete expired sessions, those revoked more than 30 days ago, and spent e-mail links."""
    with db_session() as db:
        purged = accounts.purge_sessions(db)
        links = email_links.purge(db)
    log.info("Purged %d expired or old revoked session(s) and %d spent e-mail link(s)", purged, links)
    return purged
