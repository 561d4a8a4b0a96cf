"""The e-mails StoFlow sends, in English and French, as plain text and HTML.

Each template is a short list of blocks (paragraphs and one button); `render` lays them
out twice, as a plain-text part and as simple inline-styled HTML (what mail clients
display reliably). Every value interpolated into the HTML is escaped. Subjects are in
stoflow.texts.mail; the bodies live here, beside their layout.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from stoflow.i18n import DEFAULT_LANGUAGE, LANGUAGES, tr


class Template(StrEnum):
    verify_email = "verify_email"
    reset_password = "reset_password"
    password_changed = "password_changed"
    account_deleted = "account_deleted"
    account_exists = "account_exists"


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class _Button:
    label: str
    link: str


_Block = str | _Button


def email_language(language: str | None) -> str:
    """`language` when StoFlow writes e-mails in it, else English."""
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def _checked_link(link: str) -> str:
    # Links come from our own code; refuse anything but http(s) so a bug cannot mail a javascript: URL.
    parts = urlsplit(link)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"an e-mail link must be an absolute http(s) URL, not {link!r}")
    return link


def _greeting(language: str, display_name: str) -> str:
    # The name is whatever was typed at registration: shown only when it reads as a name
    # (letters, digits, spaces, ' - & and a dot that ends a word), never as something a
    # mail client would turn into a link ("evil.example", "http://", "a@b", "evil。example").
    name = " ".join(display_name.split())  # one line, whatever was typed
    if len(name) > 60 or not re.fullmatch(r"[\w '’&.-]*", name) or re.search(r"\.\w", name):
        name = ""
    if language == "fr":
        return f"Bonjour {name}," if name else "Bonjour,"
    return f"Hello {name}," if name else "Hello,"


def _verify_email(language: str, *, link: str, display_name: str = "") -> list[_Block]:
    # Sent to an address whose owner may not be whoever registered it: none of the
    # registrant's text (display_name) goes into this mail, above the link or anywhere.
    if language == "fr":
        return [
            _greeting(language, ""),
            "Bienvenue sur StoFlow ! Confirmez votre adresse e-mail pour terminer la création de votre compte.",
            _Button("Confirmer mon adresse", _checked_link(link)),
            "Ce lien est valable 24 heures et ne peut servir qu'une seule fois.",
            "Si vous n'avez pas créé de compte StoFlow, ignorez cet e-mail : il ne se passera rien.",
        ]
    return [
        _greeting(language, ""),
        "Welcome to StoFlow! Confirm your e-mail address to finish setting up your account.",
        _Button("Confirm my address", _checked_link(link)),
        "This link is valid for 24 hours and works only once.",
        "If you did not create a StoFlow account, ignore this e-mail: nothing will happen.",
    ]


def _reset_password(language: str, *, link: str, display_name: str = "") -> list[_Block]:
    # Sent to an address whose owner may not be whoever registered it: none of the
    # registrant's text (display_name) goes into this mail, above the link or anywhere.
    if language == "fr":
        return [
            _greeting(language, ""),
            "Une réinitialisation du mot de passe de votre compte StoFlow a été demandée.",
            _Button("Choisir un nouveau mot de passe", _checked_link(link)),
            "Ce lien est valable 1 heure et ne peut servir qu'une seule fois.",
            "Si vous n'êtes pas à l'origine de cette demande, ignorez cet e-mail : votre mot de passe reste inchangé.",
        ]
    return [
        _greeting(language, ""),
        "Someone asked to reset the password of your StoFlow account.",
        _Button("Choose a new password", _checked_link(link)),
        "This link is valid for 1 hour and works only once.",
        "If you did not ask for this, ignore this e-mail: your password stays the same.",
    ]


def _password_changed(language: str, *, forgot_link: str, display_name: str = "") -> list[_Block]:
    if language == "fr":
        return [
            _greeting(language, display_name),
            "Le mot de passe de votre compte StoFlow vient d'être modifié. Si c'était vous, il n'y a rien à faire.",
            "Si ce n'était pas vous, réinitialisez votre mot de passe dès maintenant :",
            _Button("Réinitialiser mon mot de passe", _checked_link(forgot_link)),
        ]
    return [
        _greeting(language, display_name),
        "The password of your StoFlow account was just changed. If it was you, there is nothing to do.",
        "If it was not you, reset your password now:",
        _Button("Reset my password", _checked_link(forgot_link)),
    ]


def _account_deleted(language: str, *, display_name: str = "") -> list[_Block]:
    if language == "fr":
        return [
            _greeting(language, display_name),
            "Comme vous l'avez demandé, votre compte StoFlow et toutes ses données ont été supprimés.",
            "Merci d'avoir utilisé StoFlow. Vous pourrez créer un nouveau compte quand vous le souhaiterez.",
        ]
    return [
        _greeting(language, display_name),
        "As you asked, your StoFlow account and all its data have been deleted.",
        "Thank you for using StoFlow. You are welcome to create a new account whenever you like.",
    ]


def _account_exists(language: str, *, sign_in_link: str, forgot_link: str, display_name: str = "") -> list[_Block]:
    """To the owner of an address someone tried to register again (the form said "check
    your e-mail" as for a new address, so it tells nobody else that the account exists)."""
    if language == "fr":
        return [
            _greeting(language, display_name),
            "Quelqu'un vient de demander la création d'un compte StoFlow avec votre adresse e-mail. "
            "Vous avez déjà un compte : aucun autre n'a été créé.",
            "Si c'était vous, connectez-vous :",
            _Button("Me connecter", _checked_link(sign_in_link)),
            "Mot de passe oublié ? Choisissez-en un nouveau :",
            _Button("Réinitialiser mon mot de passe", _checked_link(forgot_link)),
            "Si ce n'était pas vous, ignorez cet e-mail : votre compte reste inchangé.",
        ]
    return [
        _greeting(language, display_name),
        "Someone just asked to create a StoFlow account with your e-mail address. "
        "You already have an account: no other was created.",
        "If it was you, sign in:",
        _Button("Sign in", _checked_link(sign_in_link)),
        "Forgot your password? Choose a new one:",
        _Button("Reset my password", _checked_link(forgot_link)),
        "If it was not you, ignore this e-mail: your account stays as it is.",
    ]


_BODIES: dict[Template, Callable[..., list[_Block]]] = {
    Template.verify_email: _verify_email,
    Template.reset_password: _reset_password,
    Template.password_changed: _password_changed,
    Template.account_deleted: _account_deleted,
    Template.account_exists: _account_exists,
}

_SIGNATURE = {"en": "The StoFlow team", "fr": "L'équipe StoFlow"}
_BUTTON_FALLBACK = {
    "en": "If the button does not work, copy this address into your browser:",
    "fr": "Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur :",
}

_FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
_ACCENT = "#5b5bd6"


def _text(language: str, blocks: list[_Block]) -> str:
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, _Button):
            colon = " :" if language == "fr" else ":"
            lines += [f"{block.label}{colon}", block.link, ""]
        else:
            lines += [block, ""]
    lines += [f"— {_SIGNATURE[language]}", ""]
    return "\n".join(lines)


def _html(language: str, subject: str, blocks: list[_Block]) -> str:
    e = html.escape
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, _Button):
            href = e(block.link, quote=True)
            parts.append(
                '<p style="margin:24px 0;">'
                f'<a href="{href}" style="display:inline-block;background:{_ACCENT};color:#ffffff;'
                'text-decoration:none;font-weight:600;padding:12px 20px;border-radius:8px;">'
                f"{e(block.label)}</a></p>"
                '<p style="margin:0 0 16px;font-size:13px;color:#71717a;">'
                f"{e(_BUTTON_FALLBACK[language])}<br>"
                f'<a href="{href}" style="color:{_ACCENT};word-break:break-all;">{e(block.link)}</a></p>'
            )
        else:
            parts.append(f'<p style="margin:0 0 16px;">{e(block)}</p>')
    body = "\n".join(parts)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{e(language)}">\n'
        '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(subject)}</title></head>\n"
        '<body style="margin:0;padding:0;background:#f4f4f5;">\n'
        f'<div style="max-width:560px;margin:0 auto;padding:32px 16px;font-family:{_FONT};">\n'
        f'<p style="margin:0 0 16px;font-size:20px;font-weight:700;color:{_ACCENT};">StoFlow</p>\n'
        '<div style="background:#ffffff;border-radius:12px;padding:32px 24px;color:#18181b;'
        'font-size:15px;line-height:1.55;">\n'
        f"{body}\n"
        f'<p style="margin:24px 0 0;color:#52525b;">— {e(_SIGNATURE[language])}</p>\n'
        "</div>\n</div>\n</body>\n</html>\n"
    )


def render(template: Template | str, language: str, **context: str) -> RenderedEmail:
    """The subject, plain-text and HTML bodies of `template` in `language` (English if unknown).

    verify_email and reset_password take `link` and `display_name`; password_changed takes
    `forgot_link` and `display_name`; account_deleted takes `display_name`; account_exists
    takes `sign_in_link`, `forgot_link` and `display_name`. A missing or
    unknown value raises TypeError, a link that is not http(s) ValueError.
    """
    template = Template(template)
    language = email_language(language)
    blocks = _BODIES[template](language, **context)
    subject = tr(language, f"mail.subject.{template.value}")
    return RenderedEmail(subject=subject, text=_text(language, blocks), html=_html(language, subject, blocks))
