"""The e-mails of the account flows, sent after the transaction that made them commits."""

from __future__ import annotations

import logging

from stoflow.accounts.self_service import LinkToSend
from stoflow.config import get_settings
from stoflow.mail.mailer import MailError, send_email
from stoflow.mail.templates import Template
from stoflow.models.public import EmailTokenPurpose
from stoflow.pages import routes

log = logging.getLogger(__name__)

_TEMPLATES = {
    EmailTokenPurpose.verify_email: Template.verify_email,
    EmailTokenPurpose.reset_password: Template.reset_password,
}


def send_link(link: LinkToSend | None) -> bool:
    """E-mail a verification or reset link; False (logged) if the mail server refused it."""
    if link is None:
        return False
    try:
        send_email(link.email, _TEMPLATES[link.purpose], link.language, link=link.url, display_name=link.display_name)
    except MailError as error:
        log.warning("Could not send the %s message to %s: %s", link.purpose.value, link.email, error)
        return False
    return True


def send_password_changed(*, email: str, language: str, display_name: str) -> None:
    forgot = f"{get_settings().public_url.rstrip('/')}{routes.FORGOT_PASSWORD}"
    try:
        send_email(email, Template.password_changed, language, forgot_link=forgot, display_name=display_name)
    except MailError as error:
        log.warning("Could not send the password-changed notice to %s: %s", email, error)


def send_account_deleted(*, email: str, language: str, display_name: str) -> None:
    try:
        send_email(email, Template.account_deleted, language, display_name=display_name)
    except MailError as error:
        log.warning("Could not send the account-deleted notice to %s: %s", email, error)


def send_account_exists(*, email: str, language: str, display_name: str) -> None:
    """Tell the owner of an address that someone tried to register it again."""
    base = get_settings().public_url.rstrip("/")
    try:
        send_email(
            email,
            Template.account_exists,
            language,
            sign_in_link=f"{base}{routes.SIGN_IN}",
            forgot_link=f"{base}{routes.FORGOT_PASSWORD}",
            display_name=display_name,
        )
    except MailError as error:
        log.warning("Could not send the account-exists notice to %s: %s", email, error)
