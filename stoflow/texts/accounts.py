"""Texts of the accounts feature (see stoflow.texts)."""

MESSAGES: dict[str, tuple[str, str]] = {}

ERROR_CODES: tuple[str, ...] = ()
