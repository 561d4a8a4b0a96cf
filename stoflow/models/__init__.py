"""SQLModel tables. Public tables live in `public`; tenant tables have no schema and are
mapped to `user_{id}` by the tenant session (see stoflow.db.tenancy)."""

from stoflow.models.attributes import (
    AttributeValue,
    Brand,
    Category,
    CategoryAttribute,
    CategorySizeGroup,
    Color,
    Condition,
    EbayCategory,
    EbayCategoryRule,
    Material,
    Size,
    VintedCategory,
    VintedCategoryRule,
)
from stoflow.models.public import (
    AuditEvent,
    EmailToken,
    EmailTokenPurpose,
    OutboxMessage,
    RetiredRefreshToken,
    Role,
    Tenant,
    User,
    UserSession,
)
from stoflow.models.tenant import Job, JobAttempt, JobStatus

__all__ = [
    "AttributeValue",
    "AuditEvent",
    "Brand",
    "Category",
    "CategoryAttribute",
    "CategorySizeGroup",
    "Color",
    "Condition",
    "EbayCategory",
    "EbayCategoryRule",
    "EmailToken",
    "EmailTokenPurpose",
    "Job",
    "JobAttempt",
    "JobStatus",
    "Material",
    "OutboxMessage",
    "RetiredRefreshToken",
    "Role",
    "Size",
    "Tenant",
    "User",
    "UserSession",
    "VintedCategory",
    "VintedCategoryRule",
]
