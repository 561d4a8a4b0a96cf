"""Tenant tables: declared once, without a schema; each seller has a copy in `user_{id}`."""

from stoflow.models.tenant.jobs import Job, JobAttempt, JobStatus
from stoflow.models.tenant.products import Product, ProductPhoto, ProductStatus

__all__ = ["Job", "JobAttempt", "JobStatus", "Product", "ProductPhoto", "ProductStatus"]
