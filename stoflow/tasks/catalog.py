"""Catalogue tasks: bulk changes of many products, photos of imported products, and beat's daily Trash purge."""

from __future__ import annotations

import logging

from stoflow.catalog import bulk, photo_import
from stoflow.db.engine import db_session
from stoflow.db.tenancy import TenantSession, list_tenant_schemas, tenant_session
from stoflow.storage import get_storage
from stoflow.tasks.app import app, tenant_task

log = logging.getLogger(__name__)


@tenant_task(name="stoflow.catalog.bulk_edit")
def bulk_edit(session: TenantSession, job_id: int) -> dict[str, object] | None:
    """Run bulk job `job_id`: chunks of 100 products, progress committed after each."""
    try:
        result = bulk.run_job(session, job_id)
    except Exception as error:
        log.exception("Bulk job %d of %s failed", job_id, session.tenant_schema)
        bulk.fail_job(session, job_id, f"{type(error).__name__}: {error}")
        raise
    return result.as_payload() if result is not None else None


# A photo import longer than this hands over to a fresh task (the time limit is 15 minutes).
PHOTO_IMPORT_SLICE_S = 10 * 60


@tenant_task(name="stoflow.catalog.import_photos")
def import_photos(session: TenantSession, job_id: int) -> dict[str, object] | None:
    """Run photo-import job `job_id`: fetch, check and store each photo, progress after each.

    After ten minutes the task queues itself again for the rest, so a catalogue of any
    size never meets the task time limit.
    """
    storage = get_storage()
    try:
        outcome = photo_import.run_job(session, storage, job_id, budget_s=PHOTO_IMPORT_SLICE_S)
    except Exception as error:
        log.exception("Photo import job %d of %s failed", job_id, session.tenant_schema)
        photo_import.fail_job(session, storage, job_id, f"{type(error).__name__}: {error}")
        raise
    if outcome is None:
        return None
    result, finished = outcome
    if not finished:
        import_photos.apply_async(args=(session.user_id, job_id), queue="default")
    return result.as_payload()


@app.task(name="stoflow.catalog.purge_trash")
def purge_trash() -> dict[str, int]:
    """Delete products in the Trash for over 30 days, and their files, in every seller's schema;
    and the ZIPs of import previews abandoned for over a day.

    One seller's failure is logged and does not stop the others.
    """
    with db_session() as db:
        schemas = list_tenant_schemas(db.connection())
    storage = get_storage()
    totals = {"sellers": 0, "products": 0, "files": 0, "failed": 0}
    for schema in schemas:
        user_id = int(schema.removeprefix("user_"))
        try:
            with tenant_session(user_id) as session:
                products, files = bulk.purge_trash(session, storage, user_id=user_id)
            files += photo_import.purge_old_zips(storage, user_id)
        except Exception:
            log.exception("Trash purge failed for %s", schema)
            totals["failed"] += 1
            continue
        totals["sellers"] += 1
        totals["products"] += products
        totals["files"] += files
    log.info(
        "Trash purge: %d product(s) and %d file(s) deleted over %d seller(s), %d failed",
        totals["products"],
        totals["files"],
        totals["sellers"],
        totals["failed"],
    )
    return totals
