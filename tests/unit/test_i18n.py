"""Every visible text exists in English and French, and every key used is defined."""

from __future__ import annotations

import re

import pytest

from stoflow.config import PROJECT_ROOT
from stoflow.i18n import ERROR_CODES, MESSAGES, tr

SOURCES = [path for path in (PROJECT_ROOT / "stoflow").rglob("*.py")]
KEY_USE = re.compile(r"""\b(?:t|tr\([^,]+,)\(?\s*["']([a-z_.]+)["']""")
LABEL_KEY = re.compile(r"""["']((?:nav|auth|dashboard|settings|admin|job|role|lang|shell)\.[a-z_.]+)["']""")


def test_every_text_has_english_and_french() -> None:
    for key, (english, french) in MESSAGES.items():
        assert english.strip() and french.strip(), key


def test_every_key_used_in_the_code_exists() -> None:
    used: set[str] = set()
    for path in SOURCES:
        source = path.read_text()
        used |= set(KEY_USE.findall(source)) | set(LABEL_KEY.findall(source))
    assert used, "the scan found no key at all: the pattern is broken"
    missing = sorted(key for key in used if key not in MESSAGES)
    assert not missing


def test_every_error_code_the_accounts_layer_emits_is_translated() -> None:
    emitted: set[str] = set()
    for path in (PROJECT_ROOT / "stoflow" / "accounts").glob("*.py"):
        emitted |= set(
            re.findall(
                r'"((?:email|password|display_name|language)_[a-z_]+|invalid_credentials|account_inactive)"',
                path.read_text(),
            )
        )
    assert "email_taken" in emitted and "password_too_short" in emitted
    assert emitted <= set(ERROR_CODES)
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
