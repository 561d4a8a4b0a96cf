"""Every visible text exists in English and French, and every key used is defined."""

from __future__ import annotations

import re

import pytest

from stoflow.config import PROJECT_ROOT
from stoflow.i18n import ERROR_CODES, MESSAGES, tr

# Audit action values ("auth.sign_in") look like keys but are data: their labels are "action.<value>".
SOURCES = sorted(path for path in (PROJECT_ROOT / "stoflow").rglob("*.py") if path.parent.name != "audit")
# t("key") and tr(language, "key")
KEY_USE = re.compile(r"""\b(?:t|tr\([^,()]+,)\(?\s*["']([a-z_]+(?:\.[a-z_]+)+|[a-z_]+)["']""")
# keys handed to helpers that call t() themselves: page_title("settings.title"), NavEntry(..., "nav.admin")
KEY_LITERAL = re.compile(
    r"""["']((?:nav|auth|dashboard|settings|admin|job|role|lang|shell)\.[a-z_.]+)(?<!\.js)["']"""  # not auth.js
)
# Error codes: what the API can answer and what assets/auth.js makes up itself.
BRIEF_CODES = {
    "email_invalid",
    "email_taken",
    "password_too_short",
    "password_too_long",
    "password_too_weak",
    "display_name_too_long",
    "language_invalid",
    "invalid_credentials",
    "account_inactive",
    "origin_not_allowed",
    "invalid_request",
    "internal_error",
    "network_error",
}


def test_every_text_has_english_and_french() -> None:
    for key, (english, french) in MESSAGES.items():
        assert english.strip() and french.strip(), key
        assert english == english.strip() and french == french.strip(), key


def test_texts_that_differ_between_languages_are_translated() -> None:
    """A French text equal to the English one is allowed only for words both languages share."""
    same = {
        key
        for key, (english, french) in MESSAGES.items()
        if english == french and not key.startswith("country.")  # Canada, France: the same name
    }
    shared_words = {
        "Menu",
        "E-mail",
        "Sport",
        "Session",
        "Support",
        "Services",
        "Redis",
        "Page",
        "Action",
        "Description",
        "SKU",
        "Photo",
        "Photos",
        "—",
    }
    assert {MESSAGES[key][0] for key in same} <= shared_words, sorted(same)


def test_every_key_used_in_the_code_exists() -> None:
    used: set[str] = set()
    for path in SOURCES:
        source = path.read_text()
        used |= set(KEY_USE.findall(source)) | set(KEY_LITERAL.findall(source))
    assert {"nav.dashboard", "settings.language_saved", "auth.password_hint"} <= used, "the scan is broken"
    missing = sorted(key for key in used if key not in MESSAGES)
    assert not missing


def test_every_error_code_the_accounts_layer_emits_is_translated() -> None:
    emitted: set[str] = set()
    for path in (PROJECT_ROOT / "stoflow" / "accounts").glob("*.py"):
        emitted |= set(
            re.findall(
                r'"((?:email|password|display_name|language)_[a-z_]+(?<!_at)|invalid_credentials|account_inactive)"',
                path.read_text(),
            )
        )
    assert {"email_invalid", "password_too_short", "invalid_credentials"} <= emitted, "the scan is broken"
    assert emitted <= set(ERROR_CODES)


def test_every_error_code_the_api_and_the_page_script_emit_is_translated() -> None:
    api = "".join(path.read_text() for path in (PROJECT_ROOT / "stoflow" / "api").glob("*.py"))
    from_api = set(re.findall(r'"error": "([a-z_]+)"', api)) - {"invalid_fields", "not_signed_in"}
    script = (PROJECT_ROOT / "assets" / "auth.js").read_text()
    form_fields = {"display_name", "current_password", "new_password"}
    from_script = set(re.findall(r'"([a-z]+_[a-z_]+)"', script)) - form_fields
    assert {"origin_not_allowed", "invalid_request"} <= from_api and "network_error" in from_script
    assert from_api | from_script | BRIEF_CODES <= set(ERROR_CODES)
    assert set(ERROR_CODES) <= set(MESSAGES)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "E-mail ou mot de passe incorrect."),
        ("en", "Wrong e-mail or password."),
        ("de", "Wrong e-mail or password."),
    ],
)
def test_server_side_translation(language: str, expected: str) -> None:
    assert tr(language, "invalid_credentials") == expected


def test_every_audit_action_has_a_label() -> None:
    from stoflow.audit.service import AuditAction

    assert all(f"action.{action.value}" in MESSAGES for action in AuditAction)
