"""The editor's choices and checks, from the reference data (stoflow.reference)."""

from __future__ import annotations

from stoflow.catalog.rules import ReferenceCheck
from stoflow.db.engine import db_session
from stoflow.reference import service as reference

FREE_TEXT = {"brand"}  # suggested from the reference list, but a seller's own brand is fine


def reference_check() -> ReferenceCheck:
    """A check of attribute values against the reference data (one session for the form)."""

    def known(attribute: str, key: str) -> bool:
        if attribute in FREE_TEXT:
            return True
        with db_session() as db:
            try:
                return reference.is_valid(db, attribute, key)
            except reference.UnknownAttribute:
                return False

    return known
