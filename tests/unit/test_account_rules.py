"""Account input rules (no database): e-mail, password, language."""

from __future__ import annotations

import pytest

from stoflow.accounts.passwords import hash_password, verify_password
from stoflow.accounts.schemas import FieldErrors, Registration, normalise_email


def test_email_is_normalised_to_lower_case() -> None:
    assert normalise_email("  Jane.Doe@Example.COM ") == "jane.doe@example.com"


@pytest.mark.parametrize("raw", ["", "jane", "jane@", "@example.com", "jane@@example.com", "ja ne@example.com"])
def test_malformed_emails_are_refused(raw: str) -> None:
    with pytest.raises(FieldErrors) as error:
        normalise_email(raw)
    assert set(error.value.errors) == {"email"}


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short", "password_too_short"),
        ("elevenchars", "password_too_short"),
        ("a" * 129, "password_too_long"),
        ("aaaaaaaaaaaaaaaa", "password_too_weak"),
        ("abababababababab", "password_too_weak"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password: str, code: str) -> None:
    with pytest.raises(FieldErrors) as error:
        Registration.parse(email="jane@example.com", password=password)
    assert error.value.errors == {"password": code}


def test_password_equal_to_the_email_is_refused() -> None:
    with pytest.raises(FieldErrors) as error:
        Registration.parse(email="jane.doe.shop@example.com", password="Jane.Doe.Shop@example.com")
    assert error.value.errors["password"] == "password_too_weak"


def test_all_field_errors_are_reported_at_once() -> None:
    with pytest.raises(FieldErrors) as error:
        Registration.parse(email="nope", password="short", language="de")
    assert set(error.value.errors) == {"email", "password", "language"}


def test_display_name_defaults_to_the_email_name() -> None:
    registration = Registration.parse(email="Vintage.Anna@example.com", password="a long enough passphrase")
    assert registration.display_name == "vintage.anna"
    assert registration.language == "en"


def test_passwords_are_hashed_with_argon2id_and_verified() -> None:
    hashed = hash_password("a long enough passphrase")
    assert hashed.startswith("$argon2id$")
    assert verify_password("a long enough passphrase", hashed)
    assert not verify_password("another passphrase!!", hashed)
    assert not verify_password("a long enough passphrase", None)
