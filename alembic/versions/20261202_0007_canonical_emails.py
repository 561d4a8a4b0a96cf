"""canonical e-mail addresses

Addresses are now stored in one canonical form (NFKC, the domain in IDNA ASCII form,
lower case: stoflow.accounts.schemas.normalise_email), and looked up in that form. An
account registered earlier with a Unicode domain (`léa@café.fr`) would no longer be
found: this rewrites stored addresses to the canonical form. Two accounts whose
addresses become the same are left as they are and named in the log (a person decides).

The rule is copied here, not imported, so this migration does what it did when written.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 07:00:00
"""

import logging
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from email_validator import EmailNotValidError, validate_email

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("alembic.runtime.migration")


def canonical(address: str) -> str | None:
    """The canonical form of a stored address (None: not an address; left alone)."""
    raw = unicodedata.normalize("NFKC", address or "").strip()
    try:
        checked = validate_email(raw, check_deliverability=False)
    except EmailNotValidError:
        return None
    return f"{checked.local_part}@{checked.ascii_domain or checked.domain}".lower()


def rewrite_addresses(connection: sa.Connection) -> list[tuple[int, str, str]]:
    """Rewrite every stored address to its canonical form; returns (id, old, new) of those changed."""
    rows = connection.execute(sa.text("SELECT id, email FROM public.users ORDER BY id")).all()
    taken = {email for _, email in rows}
    changed = []
    for user_id, email in rows:
        wanted = canonical(email)
        if wanted is None or wanted == email:
            continue
        if wanted in taken:
            log.warning("Not rewriting the address of user %s: %r is another account's", user_id, wanted)
            continue
        connection.execute(sa.text("UPDATE public.users SET email = :e WHERE id = :i"), {"e": wanted, "i": user_id})
        taken.discard(email)
        taken.add(wanted)
        changed.append((user_id, email, wanted))
    return changed


def upgrade() -> None:
    for user_id, old, new in rewrite_addresses(op.get_bind()):
        log.info("User %s: address %r stored as %r", user_id, old, new)


def downgrade() -> None:
    pass  # the canonical form is still a valid address: nothing to undo
