"""Input checks of the account forms. Errors are codes the UI translates (stoflow.i18n)."""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

from stoflow.models.public import LANGUAGES

PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 128  # argon2 cost grows with length: cap it
DISPLAY_NAME_MAX_LENGTH = 120


class FieldErrors(Exception):
    """One or more form fields are invalid: {field: error code}."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(f"{field}: {code}" for field, code in errors.items()))
        self.errors = errors


def normalise_email(raw: str) -> str:
    """The canonical form of an e-mail address; FieldErrors(email=...) if malformed."""
    raw = (raw or "").strip()
    if not raw:
        raise FieldErrors({"email": "email_required"})
    try:
        return validate_email(raw, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise FieldErrors({"email": "email_invalid"}) from None


def password_problem(password: str, *, email: str = "") -> str | None:
    """The error code of a password that may not be used, or None."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return "password_too_short"
    if len(password) > PASSWORD_MAX_LENGTH:
        return "password_too_long"
    if len(set(password)) < 4 or (email and password.lower() == email.lower()):
        return "password_too_weak"
    return None


@dataclass(frozen=True)
class Registration:
    email: str
    password: str
    display_name: str
    language: str

    @classmethod
    def parse(cls, *, email: str, password: str, display_name: str = "", language: str = "en") -> Registration:
        errors: dict[str, str] = {}
        normalised = ""
        try:
            normalised = normalise_email(email)
        except FieldErrors as error:
            errors.update(error.errors)
        problem = password_problem(password or "", email=normalised)
        if problem:
            errors["password"] = problem
        display_name = (display_name or "").strip()
        if len(display_name) > DISPLAY_NAME_MAX_LENGTH:
            errors["display_name"] = "display_name_too_long"
        if language not in LANGUAGES:
            errors["language"] = "language_invalid"
        if errors:
            raise FieldErrors(errors)
        return cls(
            email=normalised,
            password=password,
            display_name=display_name or normalised.split("@")[0],
            language=language,
        )
