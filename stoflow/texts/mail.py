"""Texts of the mail feature (see stoflow.texts)."""

MESSAGES: dict[str, tuple[str, str]] = {}

ERROR_CODES: tuple[str, ...] = ()
