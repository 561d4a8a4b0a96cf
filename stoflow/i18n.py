"""French and English text.

Every visible string has a key in MESSAGES with both languages. In pages, `t(key)` is a
Var that follows the user's language; on the server, `tr(language, key)` gives the text.
A unit test checks that both languages have every key and that no key used is missing.
"""

from __future__ import annotations

from typing import Any

LANGUAGES = ("en", "fr")
DEFAULT_LANGUAGE = "en"

# key: (English, French)
MESSAGES: dict[str, tuple[str, str]] = {
    # --- form errors (codes returned by stoflow.accounts and /api/auth) ---
    "email_required": ("Enter your e-mail address.", "Saisissez votre adresse e-mail."),
    "email_invalid": ("This is not a valid e-mail address.", "Cette adresse e-mail n'est pas valide."),
    "email_taken": (
        "An account already exists with this e-mail address.",
        "Un compte existe déjà avec cette adresse e-mail.",
    ),
    "password_too_short": (
        "Use at least 12 characters.",
        "Utilisez au moins 12 caractères.",
    ),
    "password_too_long": ("Use at most 128 characters.", "Utilisez au plus 128 caractères."),
    "password_too_weak": (
        "This password is too easy to guess.",
        "Ce mot de passe est trop facile à deviner.",
    ),
    "display_name_too_long": ("Use at most 120 characters.", "Utilisez au plus 120 caractères."),
    "language_invalid": ("Choose English or French.", "Choisissez l'anglais ou le français."),
    "invalid_credentials": ("Wrong e-mail or password.", "E-mail ou mot de passe incorrect."),
    "account_inactive": (
        "This account is deactivated. Contact support.",
        "Ce compte est désactivé. Contactez le support.",
    ),
    "origin_not_allowed": (
        "This request did not come from StoFlow.",
        "Cette requête ne provient pas de StoFlow.",
    ),
    "invalid_request": ("Some fields are invalid.", "Certains champs ne sont pas valides."),
    "internal_error": (
        "Something went wrong on our side. Please try again.",
        "Un problème est survenu de notre côté. Veuillez réessayer.",
    ),
    "network_error": (
        "StoFlow cannot be reached. Check your connection and try again.",
        "StoFlow est injoignable. Vérifiez votre connexion et réessayez.",
    ),
}


def tr(language: str, key: str) -> str:
    """The text of `key` in `language` (English when the language is unknown)."""
    english, french = MESSAGES[key]
    return french if language == "fr" else english


def t(key: str) -> Any:
    """A Var holding the text of `key` in the current user's language."""
    import reflex as rx

    from stoflow.state.language import LanguageState

    english, french = MESSAGES[key]
    if english == french:
        return english
    return rx.cond(LanguageState.lang == "fr", french, english)
