"""E-mail: templates in English and French, and the mailers that deliver them.

from stoflow.mail import Template, send_email
send_email(user.email, Template.verify_email, user.language, link=link, display_name=user.display_name)
"""

from stoflow.mail.mailer import (
    PAGE_SIZE,
    Email,
    Mailer,
    MailError,
    OutboxMailer,
    OutboxPage,
    SmtpMailer,
    find_links,
    get_mailer,
    outbox_message,
    outbox_page,
    send_email,
)
from stoflow.mail.templates import RenderedEmail, Template, email_language, render

__all__ = [
    "PAGE_SIZE",
    "Email",
    "MailError",
    "Mailer",
    "OutboxMailer",
    "OutboxPage",
    "RenderedEmail",
    "SmtpMailer",
    "Template",
    "email_language",
    "find_links",
    "get_mailer",
    "outbox_message",
    "outbox_page",
    "render",
    "send_email",
]
