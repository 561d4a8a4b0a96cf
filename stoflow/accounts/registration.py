"""Registration without telling whether an address is registered.

The route checks the form and answers "check your e-mail" at once, the same for every
valid form; the work happens after the answer (so its timing says nothing either): a
new address gets its account and the verification link, an address that already has an
account gets a notice to its owner instead.
"""

from __future__ import annotations

from stoflow.accounts import notices, self_service
from stoflow.accounts import service as accounts
from stoflow.accounts.schemas import Registration
from stoflow.audit.service import AuditAction, RequestContext, record_own
from stoflow.db.engine import db_session


def register_or_notify(registration: Registration, context: RequestContext | None = None) -> None:
    """Create the account and mail its verification link, or mail the existing owner a notice."""
    try:
        with db_session() as db:
            user = accounts.create_seller(db, registration)
            after = {"language": user.language, "country": user.country}
            record_own(db, AuditAction.registered, user_id=user.id, email=user.email, context=context, after=after)
            link = self_service.start_verification(db, user)
    except accounts.AddressTaken:
        with db_session() as db:
            owner = accounts.user_by_email(db, registration.email)
            # An unverified account's name was typed by whoever registered the address:
            # greet its owner by name only once the mailbox has proven to be theirs.
            name = owner.display_name if owner and owner.email_verified_at else ""
            recipient = (owner.email, owner.language, name) if owner and owner.is_active else None
        if recipient is not None:
            email, language, display_name = recipient
            notices.send_account_exists(email=email, language=language, display_name=display_name)
        return
    notices.send_link(link)
