"""E-mail delivery: over a real SMTP server (aiosmtpd), into the development outbox, and its admin view."""

from __future__ import annotations

import datetime as dt
import logging
import ssl
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography.fernet import Fernet
from sqlmodel import Session, select

from stoflow.accounts.permissions import PermissionDenied
from stoflow.config import get_settings
from stoflow.db.engine import db_session
from stoflow.launcher.embedded import free_port
from stoflow.mail import (
    PAGE_SIZE,
    Email,
    MailError,
    OutboxMailer,
    SmtpMailer,
    Template,
    get_mailer,
    outbox_message,
    outbox_page,
    render,
    send_email,
)
from stoflow.models import OutboxMessage, User
from tests.conftest import clear_caches, unique_email

SENDER = "StoFlow <no-reply@stoflow.test>"
LINK = "http://localhost:3000/verify-email?token=tok-123&lang=fr"
SMTP_USER = "mailer@stoflow.test"
SMTP_PASSWORD = "p@ss:w/rd secret"


@dataclass
class Inbox:
    """An aiosmtpd handler that keeps what it receives, and who signed in to send it."""

    received: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append((list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        login, password = auth_data.login.decode(), auth_data.password.decode()
        self.logins.append((login, password))
        return AuthResult(success=(login, password) == (SMTP_USER, SMTP_PASSWORD), handled=False)


@contextmanager
def _serve(inbox: Inbox, **options: Any) -> Iterator[int]:
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
def smtp_port(inbox: Inbox) -> Iterator[int]:
    """A plain SMTP server (no TLS, no AUTH)."""
    with _serve(inbox) as port:
        yield port


@pytest.fixture
def smtp_auth_port(inbox: Inbox) -> Iterator[int]:
    """A plain SMTP server that accepts AUTH without TLS (as a local relay would)."""
    with _serve(inbox, authenticator=inbox.authenticate, auth_require_tls=False) as port:
        yield port


@pytest.fixture
def self_signed(tmp_path: Path) -> ssl.SSLContext:
    """A server TLS context whose certificate no client trusts."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    return context


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, database_url: str) -> Iterator[pytest.MonkeyPatch]:
    """Change settings from the environment for one test; everything is read again afterwards."""
    monkeypatch.delenv("SMTP_URL", raising=False)
    clear_caches()
    yield monkeypatch
    monkeypatch.undo()
    clear_caches()


def _email(to: str, language: str = "fr", display_name: str = "Anna") -> Email:
    rendered = render(Template.verify_email, language, link=LINK, display_name=display_name)
    return Email(
        to=to,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        template=Template.verify_email.value,
        language=language,
    )


def _parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def _staff(db: Session, role: str) -> User:
    user = User(email=unique_email(role), password_hash="x", role=role)
    db.add(user)
    db.flush()
    return user


# --- SMTP ---------------------------------------------------------------------------


def test_smtp_delivers_a_multipart_message_with_the_link_in_both_parts(inbox: Inbox, smtp_port: int) -> None:
    to = unique_email()
    SmtpMailer(f"smtp+plain://127.0.0.1:{smtp_port}", SENDER).send(_email(to, "fr"))

    [(recipients, message)] = inbox.received
    assert recipients == [to]
    assert message.get_content_type() == "multipart/alternative"
    assert message["Subject"] == "Confirmez votre adresse e-mail"
    assert message["From"] == SENDER and message["To"] == to
    assert message["Date"] and message["Message-ID"].endswith("@stoflow.test>")
    text, html = _parts(message)
    assert LINK in text and "24 heures" in text
    assert 'href="http://localhost:3000/verify-email?token=tok-123&amp;lang=fr"' in html


def test_smtp_sends_in_the_recipients_language(inbox: Inbox, smtp_port: int) -> None:
    mailer = SmtpMailer(f"smtp+plain://127.0.0.1:{smtp_port}", SENDER)
    send_email(unique_email(), Template.reset_password, "en", mailer=mailer, link=LINK, display_name="Anna")
    send_email(unique_email(), Template.reset_password, "de", mailer=mailer, link=LINK, display_name="Anna")
    assert [message["Subject"] for _, message in inbox.received] == ["Reset your StoFlow password"] * 2
    assert "1 hour" in _parts(inbox.received[0][1])[0]


def test_smtp_signs_in_with_the_url_decoded_credentials(inbox: Inbox, smtp_auth_port: int) -> None:
    url = f"smtp+plain://{quote(SMTP_USER, safe='')}:{quote(SMTP_PASSWORD, safe='')}@127.0.0.1:{smtp_auth_port}"
    SmtpMailer(url, SENDER).send(_email(unique_email()))
    assert inbox.logins == [(SMTP_USER, SMTP_PASSWORD)]
    assert len(inbox.received) == 1


def test_smtp_wrong_credentials_give_a_mail_error_without_the_password(inbox: Inbox, smtp_auth_port: int) -> None:
    url = f"smtp+plain://{quote(SMTP_USER, safe='')}:not-the-password-42@127.0.0.1:{smtp_auth_port}"
    with pytest.raises(MailError) as error:
        SmtpMailer(url, SENDER).send(_email(unique_email()))
    assert "refused the user name or password" in str(error.value)
    assert "not-the-password-42" not in str(error.value)
    assert inbox.received == []


def test_smtp_closed_port_gives_a_mail_error_quickly() -> None:
    port = free_port()
    started = time.monotonic()
    with pytest.raises(MailError, match=f"127.0.0.1:{port}"):
        SmtpMailer(f"smtp://127.0.0.1:{port}", SENDER).send(_email(unique_email()))
    assert time.monotonic() - started < 5


def test_smtp_never_sends_the_password_unencrypted(inbox: Inbox, smtp_auth_port: int) -> None:
    """smtp:// means STARTTLS: a server that does not offer it gets no credentials."""
    url = f"smtp://{quote(SMTP_USER, safe='')}:{quote(SMTP_PASSWORD, safe='')}@127.0.0.1:{smtp_auth_port}"
    with pytest.raises(MailError, match="STARTTLS"):
        SmtpMailer(url, SENDER).send(_email(unique_email()))
    assert inbox.logins == [] and inbox.received == []


def test_smtp_upgrades_with_starttls_and_checks_the_certificate(inbox: Inbox, self_signed: ssl.SSLContext) -> None:
    with _serve(inbox, tls_context=self_signed) as port, pytest.raises(MailError, match=r"(?i)certificate"):
        SmtpMailer(f"smtp://127.0.0.1:{port}", SENDER).send(_email(unique_email()))
    assert inbox.received == []


def test_smtps_checks_the_certificate(inbox: Inbox, self_signed: ssl.SSLContext) -> None:
    with _serve(inbox, ssl_context=self_signed) as port, pytest.raises(MailError, match=r"(?i)certificate"):
        SmtpMailer(f"smtps://127.0.0.1:{port}", SENDER).send(_email(unique_email()))
    assert inbox.received == []


# --- the development outbox -------------------------------------------------------------


def test_outbox_keeps_the_message_and_logs_its_link(env: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    to = unique_email("outbox")
    with caplog.at_level(logging.INFO, logger="stoflow.mail"):
        sent = send_email(to, Template.verify_email, "fr", link=LINK, display_name="Anna")

    with db_session() as db:
        [row] = db.exec(select(OutboxMessage).where(OutboxMessage.to_address == to)).all()
    assert (row.subject, row.template, row.language) == ("Confirmez votre adresse e-mail", "verify_email", "fr")
    assert row.body_text == sent.text and row.body_html == sent.html and LINK in row.body_text
    [line] = [record.getMessage() for record in caplog.records if record.getMessage().startswith("outbox:")]
    assert f"to={to}" in line and "subject=Confirmez votre adresse e-mail" in line and LINK in line


def test_get_mailer_follows_smtp_url(env: pytest.MonkeyPatch) -> None:
    assert isinstance(get_mailer(), OutboxMailer)

    env.setenv("SMTP_URL", "smtps://user:secret@smtp.example.com")
    clear_caches()
    mailer = get_mailer()
    assert isinstance(mailer, SmtpMailer)
    assert (mailer.host, mailer.port, mailer.username) == ("smtp.example.com", 465, "user")
    assert mailer.sender == get_settings().mail_from
    assert "secret" not in repr(mailer)

    env.setenv("SMTP_URL", "imap://user:secret@mail.example.com")
    clear_caches()
    with pytest.raises(MailError, match="SMTP_URL") as error:
        send_email(unique_email(), Template.account_deleted, "en", display_name="Anna")
    assert "secret" not in str(error.value)


def test_outbox_is_refused_to_sellers_and_support(db: Session, make_seller) -> None:  # type: ignore[no-untyped-def]
    for reader in (make_seller(), _staff(db, "support"), None):
        with pytest.raises(PermissionDenied):
            outbox_page(db, reader)
        with pytest.raises(PermissionDenied):
            outbox_message(db, reader, message_id=1)


def test_outbox_lists_newest_first_with_a_recipient_filter_and_pages(db: Session) -> None:
    admin = _staff(db, "admin")
    marker = uuid.uuid4().hex[:10]
    start = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    count = PAGE_SIZE + 5
    for n in range(count):
        db.add(
            OutboxMessage(
                created_at=start + dt.timedelta(seconds=n),
                to_address=f"buyer-{marker}-{n}@example.com",
                subject=f"message {n}",
                body_text="text",
                body_html="<p>html</p>",
                template="verify_email",
                language="en",
            )
        )
    db.flush()

    first = outbox_page(db, admin, to=f"  {marker.upper()} ")
    assert (first.total, first.page, first.pages) == (count, 1, 2)
    assert [m.subject for m in first.messages] == [f"message {n}" for n in range(count - 1, count - 1 - PAGE_SIZE, -1)]
    last = outbox_page(db, admin, to=marker, page=99)
    assert last.page == 2 and [m.subject for m in last.messages] == [f"message {n}" for n in range(4, -1, -1)]
    only = outbox_page(db, admin, to=f"{marker}-7@")
    assert [m.subject for m in only.messages] == ["message 7"]
    assert outbox_message(db, admin, message_id=only.messages[0].id).subject == "message 7"  # type: ignore[arg-type,union-attr]
    assert outbox_page(db, admin, to="%").total == 0  # a wildcard is a character like any other
    assert outbox_page(db, admin).total >= count


def test_outbox_is_refused_even_to_admins_in_production(
    env: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    admin = User(email=unique_email("admin"), password_hash="x", role="admin")  # not stored: only its role counts
    env.setenv("STOFLOW_ENV", "production")
    env.setenv("PUBLIC_URL", "https://app.stoflow.test")
    env.setenv("JWT_SECRET_KEY", "x" * 48)
    env.setenv("ENCRYPTION_KEY", Fernet.generate_key().decode())
    clear_caches()
    assert get_settings().is_production
    with db_session() as db, pytest.raises(PermissionDenied):
        outbox_page(db, admin)
    with caplog.at_level(logging.INFO, logger="stoflow.mail"):
        send_email(unique_email(), Template.verify_email, "en", link=LINK, display_name="Anna")
    assert "not sent" in caplog.text and LINK not in caplog.text  # sign-in links stay out of production logs


# --- what the e-mails say ------------------------------------------------------------------


def test_a_display_name_never_reaches_the_verification_email(inbox: Inbox, smtp_port: int) -> None:
    """Whoever registers an address chooses the name: its owner must not read it above the link."""
    mailer = SmtpMailer(f"smtp+plain://127.0.0.1:{smtp_port}", SENDER)
    name = "<script>x</script> Visit evil.example"
    send_email(unique_email(), Template.verify_email, "en", mailer=mailer, link=LINK, display_name=name)
    text, html = _parts(inbox.received[0][1])
    assert text.startswith("Hello,") and "evil" not in text and "script" not in text
    assert "<script>" not in html and "evil" not in html and "Hello," in html
