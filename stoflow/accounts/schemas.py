"""Input checks of the account forms. Errors are codes the UI translates (stoflow.i18n)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from stoflow.models.public import LANGUAGES

PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 128  # argon2 cost grows with length: cap it
# zxcvbn refuses longer input (ValueError): longer passwords are rated on this prefix,
# which can only make the rating stricter.
STRENGTH_RATED_LENGTH = 72
DISPLAY_NAME_MAX_LENGTH = 120
MIN_STRENGTH = 2  # zxcvbn score (0-4) a password needs: 2 is "somewhat guessable", ~10^8 guesses

# The 30,000 most common passwords of public breach corpora, as zxcvbn (a pinned
# dependency) bundles them. Compared lower-cased.
COMMON_PASSWORDS: frozenset[str] = frozenset(FREQUENCY_LISTS["passwords"])

# ISO 3166-1 alpha-2 codes a seller may choose (the markets Vinted, eBay and Etsy serve them in).
COUNTRIES = (
    "AT", "BE", "CA", "CH", "CZ", "DE", "DK", "ES", "FI", "FR", "GB", "GR", "HU", "IE", "IT", "LT", "LU",
    "NL", "PL", "PT", "RO", "SE", "SK", "US",
)  # fmt: skip


class FieldErrors(Exception):
    """One or more form fields are invalid: {field: error code}."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(f"{field}: {code}" for field, code in errors.items()))
        self.errors = errors


def normalise_email(raw: str) -> str:
    """The one canonical form of an e-mail address, for storage, look-ups and rate limits.

    NFKC first (a full-width `ｐ` is a `p`), then the syntax check, the domain in IDNA
    (ASCII) form, everything lower case. FieldErrors(email=...) if malformed.
    """
    raw = unicodedata.normalize("NFKC", raw or "").strip()
    if not raw:
        raise FieldErrors({"email": "email_required"})
    try:
        checked = validate_email(raw, check_deliverability=False)
    except EmailNotValidError:
        raise FieldErrors({"email": "email_invalid"}) from None
    domain = checked.ascii_domain or checked.domain
    return f"{checked.local_part}@{domain}".lower()


def email_key(raw: str) -> str:
    """The key of an address for rate limits: its canonical form, or for input that is not
    an address, the same NFKC + lower-case folding (so no spelling counts apart)."""
    try:
        return normalise_email(raw)
    except FieldErrors:
        return unicodedata.normalize("NFKC", raw or "").strip().lower()[:320]


def password_strength(password: str, *, user_inputs: tuple[str, ...] = ()) -> int:
    """zxcvbn's score of a password, 0 (guessed at once) to 4 (very strong)."""
    if not password:
        return 0
    inputs: list[str] = []
    for value in filter(None, user_inputs):
        name = value.split("@")[0]
        inputs += [value, name, name.replace(" ", ""), *name.replace(".", " ").split()]
    return int(zxcvbn(password[:STRENGTH_RATED_LENGTH], user_inputs=inputs)["score"])


def password_problem(password: str, *, email: str = "", display_name: str = "") -> str | None:
    """The error code of a password that may not be used, or None."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return "password_too_short"
    if len(password) > PASSWORD_MAX_LENGTH:
        return "password_too_long"
    if password.lower() in COMMON_PASSWORDS:
        return "password_common"
    if len(set(password)) < 4 or (email and password.lower() == email.lower()):
        return "password_too_weak"
    if password_strength(password, user_inputs=(email, display_name)) < MIN_STRENGTH:
        return "password_too_weak"
    return None


def country_problem(country: str) -> str | None:
    return None if country in COUNTRIES else "country_invalid"


@dataclass(frozen=True)
class Registration:
    email: str
    password: str
    display_name: str
    language: str
    country: str = ""

    @classmethod
    def parse(
        cls, *, email: str, password: str, display_name: str = "", language: str = "en", country: str = ""
    ) -> Registration:
        errors: dict[str, str] = {}
        normalised = ""
        try:
            normalised = normalise_email(email)
        except FieldErrors as error:
            errors.update(error.errors)
        display_name = (display_name or "").strip()
        problem = password_problem(password or "", email=normalised, display_name=display_name)
        if problem:
            errors["password"] = problem
        if len(display_name) > DISPLAY_NAME_MAX_LENGTH:
            errors["display_name"] = "display_name_too_long"
        if language not in LANGUAGES:
            errors["language"] = "language_invalid"
        country = (country or "").strip().upper()
        if country_problem(country):
            errors["country"] = "country_invalid"
        if errors:
            raise FieldErrors(errors)
        return cls(
            email=normalised,
            password=password,
            display_name=display_name or normalised.split("@")[0],
            language=language,
            country=country,
        )
