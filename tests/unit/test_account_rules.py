"""Account input rules (no database): e-mail, password, language."""

from __future__ import annotations

import pytest

from stoflow.accounts.passwords import hash_password, verify_password
from stoflow.accounts.schemas import (
    COMMON_PASSWORDS,
    PASSWORD_MAX_LENGTH,
    FieldErrors,
    Registration,
    email_key,
    normalise_email,
    password_problem,
    password_strength,
)


def test_email_is_normalised_to_lower_case() -> None:
    assert normalise_email("  Jane.Doe@Example.COM ") == "jane.doe@example.com"


@pytest.mark.parametrize(
    "spelling",
    [
        "seller.b@probe-shop.fr",
        "Seller.B@Probe-Shop.FR",
        "seller.b@ｐrobe-shop.fr",
        "ｓｅｌｌｅｒ.ｂ@ＰＲＯＢＥ-shop.fr",
    ],
)
def test_every_spelling_of_an_address_has_one_form_for_storage_lookup_and_limits(spelling: str) -> None:
    """Full-width letters are the ASCII ones (NFKC): they used to count apart for the rate limits."""
    assert normalise_email(spelling) == "seller.b@probe-shop.fr"
    assert email_key(spelling) == "seller.b@probe-shop.fr"


def test_an_international_domain_is_kept_in_its_ascii_idna_form() -> None:
    assert normalise_email("Anna@Bücher.DE") == normalise_email("anna@xn--bcher-kva.de") == "anna@xn--bcher-kva.de"


def test_input_that_is_no_address_still_has_one_key_per_spelling() -> None:
    assert email_key(" ＮＯＰＥ ") == email_key("nope") == "nope"


@pytest.mark.parametrize("length", [72, 73, 100, PASSWORD_MAX_LENGTH])
def test_long_passwords_up_to_the_maximum_are_accepted_not_crashed(length: int) -> None:
    """zxcvbn refuses more than 72 characters: a longer password is rated on its prefix."""
    password = ("Velvet otter juggles 9 lanterns near the quiet harbour; " * 3)[:length]
    assert len(password) == length
    assert password_problem(password, email="jane@example.com") is None
    assert password_strength(password) == 4
    assert Registration.parse(email="jane@example.com", password=password, country="FR").password == password


def test_a_long_password_is_still_rated() -> None:
    assert password_problem("ab" * 50, email="jane@example.com") == "password_too_weak"


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
        Registration.parse(email="jane@example.com", password=password, country="FR")
    assert error.value.errors == {"password": code}


def test_password_equal_to_the_email_is_refused() -> None:
    with pytest.raises(FieldErrors) as error:
        Registration.parse(email="jane.doe.shop@example.com", password="Jane.Doe.Shop@example.com", country="FR")
    assert error.value.errors["password"] == "password_too_weak"


def test_all_field_errors_are_reported_at_once() -> None:
    with pytest.raises(FieldErrors) as error:
        Registration.parse(email="nope", password="short", language="de", country="XX")
    assert set(error.value.errors) == {"email", "password", "language", "country"}


def test_display_name_defaults_to_the_email_name() -> None:
    registration = Registration.parse(
        email="Vintage.Anna@example.com", password="a long enough passphrase", country="fr"
    )
    assert registration.display_name == "vintage.anna"
    assert registration.language == "en"
    assert registration.country == "FR"


@pytest.mark.parametrize("password", ["passwordpassword", "qwertyuiop123", "iloveyou12345", "1234567890123"])
def test_common_and_guessable_passwords_are_refused(password: str) -> None:
    with pytest.raises(FieldErrors) as error:
        Registration.parse(email="jane@example.com", password=password, country="FR")
    assert error.value.errors["password"] in {"password_common", "password_too_weak"}


def test_a_password_of_the_bundled_common_list_is_refused_as_common() -> None:
    common = next(p for p in sorted(COMMON_PASSWORDS) if len(p) >= 12 and len(set(p)) >= 4)
    with pytest.raises(FieldErrors) as error:
        Registration.parse(email="jane@example.com", password=common.upper(), country="FR")
    assert error.value.errors == {"password": "password_common"}


def test_a_password_made_of_the_shop_name_is_weak() -> None:
    with pytest.raises(FieldErrors) as error:
        Registration.parse(
            email="jane@example.com", password="VintageAnnaShop1", display_name="Vintage Anna Shop", country="FR"
        )
    assert error.value.errors == {"password": "password_too_weak"}


def test_strength_grows_with_unpredictability() -> None:
    assert password_strength("") == 0
    assert password_strength("aaaaaaaaaaab") <= 1
    assert password_strength("correct horse battery staple") == 4


def test_unknown_country_is_refused() -> None:
    with pytest.raises(FieldErrors) as error:
        Registration.parse(email="jane@example.com", password="correct horse battery staple", country="Narnia")
    assert error.value.errors == {"country": "country_invalid"}


def test_passwords_are_hashed_with_argon2id_and_verified() -> None:
    hashed = hash_password("a long enough passphrase")
    assert hashed.startswith("$argon2id$")
    assert verify_password("a long enough passphrase", hashed)
    assert not verify_password("another passphrase!!", hashed)
    assert not verify_password("a long enough passphrase", None)
