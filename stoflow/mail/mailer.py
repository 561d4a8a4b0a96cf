"""Sending e-mail: the Mailer port, its SMTP and development-outbox adapters, and the outbox reader.

With SMTP_URL set, messages go to that server. Without it (development, tests) they are
stored in public.mail_outbox, shown to admins at /admin/outbox, and their links are
written to the log so a developer can click them.
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Protocol
from urllib.parse import unquote, urlsplit

from sqlalchemy import func
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from stoflow.accounts.permissions import HasRole, Permission, PermissionDenied, require
from stoflow.config import ConfigError, get_settings
from stoflow.db.engine import db_session
from stoflow.mail.templates import Template, email_language, render
from stoflow.models.public import OutboxMessage

logger = logging.getLogger(__name__)

SMTP_TIMEOUT_S = 10
DEFAULT_PORTS = {"smtp": 587, "smtps": 465, "smtp+plain": 25}
PAGE_SIZE = 25

_LINK = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    html: str
    template: str
    language: str


class MailError(Exception):
    """An e-mail could not be handed to the mail server; the message says why (never a password)."""


class Mailer(Protocol):
    def send(self, email: Email) -> None: ...


def find_links(text: str) -> list[str]:
    """The http(s) links in a plain-text body, in order, each once."""
    return list(dict.fromkeys(match.rstrip(".,;:!?)") for match in _LINK.findall(text)))


class SmtpMailer:
    """Delivers through an SMTP server named by a URL.

    `smtp://user:pass@host:587` upgrades with STARTTLS when the server offers it (and
    refuses to send credentials when it does not); `smtps://host:465` is TLS from the
    start; `smtp+plain://host:25` never encrypts (a local development or test server).
    """

    def __init__(self, url: str, sender: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in DEFAULT_PORTS:
            raise ConfigError("SMTP_URL must start with smtp://, smtps:// or smtp+plain://.")
        try:
            port = parts.port
        except ValueError:
            raise ConfigError("SMTP_URL has an invalid port.") from None
        if not parts.hostname:
            raise ConfigError("SMTP_URL must name a host, e.g. smtp://user:password@smtp.example.com:587.")
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = port or DEFAULT_PORTS[parts.scheme]
        self.username = unquote(parts.username) if parts.username else None
        self._password = unquote(parts.password) if parts.password else ""
        self.sender = sender

    def __repr__(self) -> str:  # never the password
        return f"SmtpMailer({self.scheme}://{self.host}:{self.port}, user={self.username!r})"

    def message(self, email: Email) -> EmailMessage:
        """The MIME message for `email`: multipart/alternative, plain text then HTML."""
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = email.to
        message["Subject"] = email.subject
        message["Date"] = format_datetime(datetime.now(UTC))
        domain = parseaddr(self.sender)[1].rpartition("@")[2] or "stoflow.app"
        message["Message-ID"] = make_msgid(domain=domain)
        message.set_content(email.text)
        message.add_alternative(email.html, subtype="html")
        return message

    def _connect(self) -> smtplib.SMTP:
        if self.scheme == "smtps":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=SMTP_TIMEOUT_S, context=ssl.create_default_context())
        connection = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_S)
        if self.scheme != "smtp":
            return connection
        try:
            connection.ehlo()
            if connection.has_extn("starttls"):
                connection.starttls(context=ssl.create_default_context())
                connection.ehlo()
            elif self.username:
                raise MailError(
                    f"The mail server {self.host}:{self.port} does not offer STARTTLS: "
                    "StoFlow will not send the SMTP password unencrypted (use smtps://, "
                    "or smtp+plain:// for a local test server)."
                )
        except BaseException:
            connection.close()
            raise
        return connection

    def send(self, email: Email) -> None:
        where = f"{self.host}:{self.port}"
        try:
            message = self.message(email)
        except ValueError as error:  # a header with a line break, a malformed address
            raise MailError(f"The e-mail to {email.to!r} is malformed: {error}") from None
        try:
            with self._connect() as connection:
                if self.username:
                    connection.login(self.username, self._password)
                connection.send_message(message)
        except smtplib.SMTPAuthenticationError as error:
            raise MailError(
                f"The mail server {where} refused the user name or password of SMTP_URL ({error.smtp_code})."
            ) from None
        except smtplib.SMTPRecipientsRefused:
            raise MailError(f"The mail server {where} refused the recipient {email.to}.") from None
        except (smtplib.SMTPException, OSError) as error:
            reason = str(error) or type(error).__name__
            raise MailError(f"Could not send the e-mail to {email.to} through {where}: {reason}") from None
        logger.info("mail sent: to=%s template=%s via %s", email.to, email.template, where)


class OutboxMailer:
    """Keeps messages in public.mail_outbox instead of sending them (no SMTP server set)."""

    def send(self, email: Email) -> None:
        try:
            with db_session() as db:
                db.add(
                    OutboxMessage(
                        to_address=email.to,
                        subject=email.subject,
                        body_text=email.text,
                        body_html=email.html,
                        template=email.template,
                        language=email.language,
                    )
                )
        except SQLAlchemyError as error:
            raise MailError(f"The e-mail to {email.to} could not be kept in the outbox: {error}") from error
        if get_settings().is_production:
            # Links in these e-mails sign people in: keep them out of production logs.
            logger.warning("SMTP_URL is not set: the e-mail to %s was kept in the outbox, not sent.", email.to)
            return
        logger.info("outbox: to=%s subject=%s %s", email.to, email.subject, " ".join(find_links(email.text)))


def get_mailer() -> Mailer:
    """The SMTP mailer when SMTP_URL is set, else the development outbox (ConfigError if SMTP_URL is malformed)."""
    settings = get_settings()
    if settings.smtp_url is not None and settings.smtp_url.get_secret_value():
        return SmtpMailer(settings.smtp_url.get_secret_value(), settings.mail_from)
    return OutboxMailer()


def send_email(
    to: str, template: Template | str, language: str, *, mailer: Mailer | None = None, **context: str
) -> Email:
    """Render `template` in `language` for `to` and send it (through `mailer`, else get_mailer()).

    Raises MailError whenever the message cannot be sent; returns what was sent.
    """
    template = Template(template)
    language = email_language(language)
    rendered = render(template, language, **context)
    email = Email(
        to=to,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        template=template.value,
        language=language,
    )
    if mailer is None:
        try:
            mailer = get_mailer()
        except ConfigError as error:  # a malformed SMTP_URL: callers handle every failure to send the same way
            raise MailError(str(error)) from None
    mailer.send(email)
    return email


@dataclass(frozen=True)
class OutboxPage:
    messages: list[OutboxMessage]
    total: int
    page: int
    pages: int


def _require_outbox_reader(reader: HasRole | None) -> None:
    require(reader, Permission.outbox_view)
    if get_settings().is_production:  # a development tool: it holds other people's sign-in links
        raise PermissionDenied(Permission.outbox_view)


def outbox_page(db: Session, reader: HasRole | None, *, to: str | None = None, page: int = 1) -> OutboxPage:
    """One page of the outbox, newest first, filtered by a part of the recipient's address.

    Admins only, and never in production.
    """
    _require_outbox_reader(reader)
    query = select(OutboxMessage)
    if to and to.strip():
        escaped = to.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(col(OutboxMessage.to_address).ilike(f"%{escaped}%", escape="\\"))
    total = db.exec(select(func.count()).select_from(query.subquery())).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    messages = db.exec(
        query.order_by(col(OutboxMessage.created_at).desc(), col(OutboxMessage.id).desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return OutboxPage(messages=list(messages), total=total, page=page, pages=pages)


def outbox_message(db: Session, reader: HasRole | None, *, message_id: int) -> OutboxMessage | None:
    """One message of the outbox (None when it is gone). Admins only, and never in production."""
    _require_outbox_reader(reader)
    return db.get(OutboxMessage, message_id)
