"""One factory per tenant table: a row of a seller, every NOT NULL column filled.

The isolation suite gives seller A a row in every tenant table, with a unique marker in
every free-text column, then searches what seller B gets back for those markers. A
factory is written by hand for each table (no generic fallback), so adding a table means
deciding what a realistic row of it looks like; `test_factories.py` fails until it exists.

A column that cannot hold the marker (a CHECK-constrained status, say) is listed in
CONSTRAINED_COLUMNS with the reason. Numeric columns get odd numbers drawn from the
marker (a price of 4711.37, a file of 734219 bytes), searched for as well.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from sqlmodel import Session, SQLModel, col, select

from stoflow.models import Job, JobAttempt, JobStatus
from stoflow.models.tenant import Product, ProductPhoto, ProductStatus

Factory = Callable[[Session, str], SQLModel]


def odd_number(marker: str, salt: int, *, low: int = 100_000, high: int = 999_999) -> int:
    """An integer in [low, high] drawn from the marker: unlike any other row's, in practice."""
    return low + (int(marker[:12], 16) * (2 * salt + 1)) % (high - low + 1)


def odd_price(marker: str, salt: int) -> Decimal:
    """A price such as 4711.37, from the marker (cents never .00, so it reads as a price)."""
    cents = odd_number(marker, salt, low=100_001, high=999_999)
    return Decimal(cents if cents % 100 else cents + 37) / 100


def stored_file(marker: str) -> bytes:
    """The content of a file a row names: a JPEG header and the marker."""
    return b"\xff\xd8\xff\xe0" + marker.encode() + b"\xff\xd9"


def make_job(session: Session, marker: str) -> Job:
    job = Job(
        kind=f"publish-{marker}",
        status=JobStatus.failed.value,
        payload={"note": marker, "listing_title": f"Title {marker}"},
        progress=40,
        message=f"Message {marker}",
        error=f"Error {marker}",
        attempts=1,
        task_id=marker,
    )
    session.add(job)
    session.flush()
    return job


def make_job_attempt(session: Session, marker: str) -> JobAttempt:
    # An attempt belongs to the seller's latest job; one is made if the seller has none.
    job = session.exec(select(Job).order_by(col(Job.id).desc())).first() or make_job(session, marker)
    number = len(session.exec(select(JobAttempt).where(JobAttempt.job_id == job.id)).all()) + 1
    attempt = JobAttempt(job_id=job.id, number=number, status=JobStatus.failed.value, error=f"Error {marker}")
    session.add(attempt)
    session.flush()
    return attempt


def make_product(session: Session, marker: str) -> Product:
    product = Product(
        sku=f"SKU-{marker}",
        status=ProductStatus.draft.value,
        title=f"Title {marker}",
        description=f"Description {marker}",
        category=f"cat-{marker}"[:64],
        gender=marker[:16],
        brand=f"Brand {marker}",
        size=marker[:32],
        colors=[f"color-{marker}"],
        materials=[{"key": f"material-{marker}", "percent": 100}],
        condition=8,
        condition_details=f"Details {marker}",
        attributes={"pattern": marker},
        measurements={"note": marker},
        notes=f"Notes {marker}",
        currency=marker[:3],
        price=odd_price(marker, 1),
        cost_price=odd_price(marker, 2),
        length_cm=odd_number(marker, 3),
        width_cm=odd_number(marker, 4),
        height_cm=odd_number(marker, 5),
        weight_g=odd_number(marker, 6),
    )
    session.add(product)
    session.flush()
    return product


def make_product_photo(session: Session, marker: str) -> ProductPhoto:
    product = session.exec(select(Product).order_by(col(Product.id).desc())).first() or make_product(session, marker)
    # Keys live under the seller's own prefix, as the photo service writes them.
    owner = int(str(getattr(session, "tenant_schema", "user_0")).removeprefix("user_"))
    photo = ProductPhoto(
        product_id=product.id,
        full_key=f"u{owner}/p{product.id}/{marker}/full.jpg",
        thumb_key=f"u{owner}/p{product.id}/{marker}/thumb.webp",
        content_type=f"image/{marker}"[:32],
        width=odd_number(marker, 7),
        height=odd_number(marker, 8),
        size_bytes=odd_number(marker, 9),
        sha256=marker[:64],
    )
    session.add(photo)
    session.flush()
    return photo


# Table name (as in stoflow.db.tenancy.tenant_metadata) -> factory.
FACTORIES: dict[str, Factory] = {
    "jobs": make_job,
    "job_attempts": make_job_attempt,
    "products": make_product,
    "product_photos": make_product_photo,
}

# "table.column" -> why the column cannot carry the marker.
CONSTRAINED_COLUMNS: dict[str, str] = {
    "jobs.status": "CHECK ck_jobs_status: one of the JobStatus values",
    "job_attempts.status": "a JobStatus value, read back as one",
    "products.status": "CHECK ck_products_status: one of the ProductStatus values",
    "products.search": "computed by PostgreSQL from the other columns",
}
