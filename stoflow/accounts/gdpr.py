"""A seller's GDPR rights: download all their data (a ZIP), and delete their account.

The export is generic over the tenant tables: every table of `tenant_metadata()` gets
its own `data/<table>.json`, so a new tenant table is exported without touching this
module. Files kept outside the database (photos) reach the export and the deletion
through two hook lists that the storage feature fills at import time:

    from stoflow.accounts import gdpr

    gdpr.PHOTO_SOURCES.append(photos_of_seller)    # (user_id) -> iterable of (path, bytes)
    gdpr.FILE_DELETERS.append(delete_seller_files)  # (user_id) -> None

Both lists are empty until photo storage exists.
"""

from __future__ import annotations

import base64
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import Enum
from pathlib import PurePosixPath
from typing import IO, Any

from sqlalchemy import Table, select
from sqlmodel import Session, col, or_
from sqlmodel import select as sqlmodel_select

from stoflow.accounts.passwords import verify_password
from stoflow.accounts.schemas import FieldErrors
from stoflow.accounts.self_service import refuse_wrong_password
from stoflow.audit.service import AuditAction, RequestContext, record_own
from stoflow.db.tenancy import deprovision_tenant, tenant_session, tenant_tables
from stoflow.models.base import utcnow
from stoflow.models.public import AiUsage, AuditEvent, Role, User, UserSession

PhotoSource = Callable[[int], Iterable[tuple[str, bytes]]]
FileDeleter = Callable[[int], None]

# Photo storage registers here a function yielding (path under `photos/`, content) for
# every file of a seller, so the export carries the pictures next to their rows.
PHOTO_SOURCES: list[PhotoSource] = []
# Photo storage registers here a function removing every file of a seller. It must be
# idempotent: if the database transaction fails afterwards, the deletion is retried.
FILE_DELETERS: list[FileDeleter] = []

ROWS_PER_FETCH = 500  # tenant rows are streamed from a server-side cursor, this many at a time

README = """\
StoFlow - export of your data / export de vos données
=====================================================

English
-------
This archive holds every piece of data StoFlow keeps about your account, as of {exported_at} (UTC).
All files are UTF-8 JSON; dates are ISO 8601 in UTC.

  account.json     your profile: e-mail, display name, language, country, role, and the dates
                   the account was created, last signed in to, and verified.
  sessions.json    the devices you signed in from: when, last activity, IP address, browser,
                   and whether the session was ended.
  audit_log.json   the security log of your account: sign-ins, changes you made, and actions
                   StoFlow staff took on your account (staff addresses are not included).
  ai_usage.json    each use of the AI assistant: when, what for, the model, tokens and cost.
  data/*.json      one file per table of your own StoFlow space (jobs, products, ...): a list of
                   rows, each row an object {{column: value}}. Binary values are base64 encoded.
  photos/          the pictures you uploaded, if any.

Passwords and sign-in tokens are never exported: StoFlow only keeps unreadable hashes of them.

Français
--------
Cette archive contient toutes les données que StoFlow conserve sur votre compte, au {exported_at} (UTC).
Tous les fichiers sont en JSON UTF-8 ; les dates sont au format ISO 8601, en UTC.

  account.json     votre profil : e-mail, nom affiché, langue, pays, rôle, et les dates de
                   création du compte, de dernière connexion et de vérification.
  sessions.json    les appareils depuis lesquels vous vous êtes connecté : date, dernière activité,
                   adresse IP, navigateur, et si la session a été fermée.
  audit_log.json   le journal de sécurité de votre compte : connexions, modifications que vous avez
                   faites, et actions de l'équipe StoFlow sur votre compte (sans leurs adresses).
  ai_usage.json    chaque utilisation de l'assistant IA : date, usage, modèle, jetons et coût.
  data/*.json      un fichier par table de votre espace StoFlow (tâches, produits, ...) : une liste
                   de lignes, chacune un objet {{colonne: valeur}}. Les valeurs binaires sont en base64.
  photos/          les photos que vous avez envoyées, le cas échéant.

Les mots de passe et jetons de connexion ne sont jamais exportés : StoFlow n'en garde que des
empreintes illisibles.
"""


class AccountNotFound(LookupError):
    """The account no longer exists (deleted meanwhile). `code` is an i18n key."""

    code = "account_not_found"

    def __init__(self, user_id: int) -> None:
        super().__init__(f"no user {user_id}")


@dataclass(frozen=True)
class ExportArchive:
    filename: str
    data: bytes


def _to_json(value: Any) -> Any:
    """JSON for the column types JSON lacks; anything unforeseen becomes its text."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    return str(value)  # UUID, Decimal, timedelta, IP addresses, ...


def _dumps(value: Any, *, indent: int | None = None) -> bytes:
    return json.dumps(value, default=_to_json, ensure_ascii=False, indent=indent).encode()


def _entry(name: str, when: datetime, *, compress: bool = True) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16  # rw-r--r-- once unzipped
    return info


def _write_json_list(stream: IO[bytes], items: Iterable[Any]) -> None:
    """A JSON array, one item per line, written as the items come (never all in memory)."""
    stream.write(b"[")
    separator = b"\n"
    for item in items:
        stream.write(separator)
        stream.write(_dumps(item))
        separator = b",\n"
    stream.write(b"\n]\n")


def _account(user: User) -> dict[str, Any]:
    # An allow-list: new columns (hashes, lockout counters) stay out until chosen here.
    return {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "language": user.language,
        "country": user.country,
        "role": user.role,
        "is_active": user.is_active,
        "created_at": user.created_at,
        "last_login_at": user.last_login_at,
        "email_verified_at": user.email_verified_at,
        "password_changed_at": user.password_changed_at,
    }


def _sessions(db: Session, user_id: int) -> list[dict[str, Any]]:
    rows = db.exec(
        sqlmodel_select(UserSession).where(UserSession.user_id == user_id).order_by(col(UserSession.created_at))
    )
    return [
        {
            "created_at": row.created_at,
            "last_seen_at": row.last_seen_at,
            "expires_at": row.expires_at,
            "revoked_at": row.revoked_at,
            "ip": row.ip,
            "user_agent": row.user_agent,
        }
        for row in rows
    ]


def _audit_log(db: Session, user_id: int) -> Iterator[dict[str, Any]]:
    events = db.exec(
        sqlmodel_select(AuditEvent)
        .where(or_(col(AuditEvent.actor_user_id) == user_id, col(AuditEvent.target_user_id) == user_id))
        .order_by(col(AuditEvent.at), col(AuditEvent.id))
        .execution_options(yield_per=ROWS_PER_FETCH)
    )
    for event in events:
        by_user = event.actor_user_id == user_id
        # The IP and browser of a staff member acting on this account are the staff
        # member's personal data, not the seller's: only the seller's own are exported.
        yield {
            "at": event.at,
            "action": event.action,
            "by": "you" if by_user else ("staff" if event.actor_user_id is not None else "system"),
            "ip": event.ip if by_user else None,
            "user_agent": event.user_agent if by_user else None,
            "before": event.before,
            "after": event.after,
        }


def _ai_usage(db: Session, user_id: int) -> list[dict[str, Any]]:
    rows = db.exec(sqlmodel_select(AiUsage).where(AiUsage.user_id == user_id).order_by(col(AiUsage.at)))
    return [
        {
            "at": row.at,
            "feature": row.feature,
            "model": row.model,
            "input_tokens": row.input_tokens,
            "output_tokens": row.output_tokens,
            "cost_eur": row.cost_eur,
            "outcome": row.outcome,
        }
        for row in rows
    ]


def _table_rows(session: Session, table: Table) -> Iterator[dict[str, Any]]:
    query = select(table).order_by(*table.primary_key.columns).execution_options(yield_per=ROWS_PER_FETCH)
    for row in session.connection().execute(query).mappings():
        yield dict(row)


def _photo_entry_name(path: str) -> str:
    """`photos/<path>`, refusing paths that would escape the folder once unzipped."""
    parts = [part for part in PurePosixPath(path.replace("\\", "/")).parts if part not in ("/", ".")]
    if not parts or ".." in parts:
        raise ValueError(f"Not a photo path inside the export: {path!r}")
    return "photos/" + "/".join(parts)


def export_archive(db: Session, user_id: int, *, context: RequestContext | None = None) -> ExportArchive:
    """Everything StoFlow keeps about seller `user_id`, as a ZIP of JSON files and photos.

    Never includes password or token hashes. The export is audited in the caller's
    transaction (the caller commits). Raises AccountNotFound for an unknown user.
    """
    user = db.get(User, user_id)
    if user is None:
        raise AccountNotFound(user_id)
    now = utcnow()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_entry("README.txt", now), README.format(exported_at=now.strftime("%Y-%m-%d %H:%M")))
        archive.writestr(_entry("account.json", now), _dumps(_account(user), indent=2))
        archive.writestr(_entry("sessions.json", now), _dumps(_sessions(db, user_id), indent=2))
        with archive.open(_entry("audit_log.json", now), "w") as stream:
            _write_json_list(stream, _audit_log(db, user_id))
        archive.writestr(_entry("ai_usage.json", now), _dumps(_ai_usage(db, user_id), indent=2))
        with tenant_session(user_id) as tenant:
            # One snapshot for every table, so rows that refer to each other agree.
            tenant.connection().exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            for table in tenant_tables():
                with archive.open(_entry(f"data/{table.name}.json", now), "w") as stream:
                    _write_json_list(stream, _table_rows(tenant, table))
        for source in PHOTO_SOURCES:
            for path, content in source(user_id):
                # Pictures are compressed already: store them as they are.
                archive.writestr(_entry(_photo_entry_name(path), now, compress=False), content)
    filename = f"stoflow-export-{now:%Y%m%d}.zip"
    record_own(
        db, AuditAction.data_exported, user_id=user_id, email=user.email, context=context, after={"filename": filename}
    )
    return ExportArchive(filename=filename, data=buffer.getvalue())


def _is_last_active_admin(db: Session, user: User) -> bool:
    if user.role != Role.admin or not user.is_active:
        return False
    # Lock every active admin row: two admins deleting themselves at once cannot both
    # see the other one still there.
    admins = db.exec(
        sqlmodel_select(User.id).where(User.role == Role.admin.value, col(User.is_active).is_(True)).with_for_update()
    ).all()
    return not any(admin_id != user.id for admin_id in admins)


def delete_account(db: Session, *, user_id: int, password: str, context: RequestContext | None = None) -> str:
    """Delete seller `user_id` for good, after checking their password; returns their e-mail.

    Drops their schema (every row of their space), their files, sessions and e-mail
    tokens, and the account; the audit log keeps the event. All in the caller's
    transaction (the caller commits). Raises FieldErrors and changes nothing when the
    password is wrong (`password`: password_wrong) or the user is the last active admin
    (`form`: last_admin); AccountNotFound for an unknown user.
    """
    user = db.exec(
        sqlmodel_select(User).where(User.id == user_id).with_for_update().execution_options(populate_existing=True)
    ).first()
    if user is None:
        raise AccountNotFound(user_id)
    if not verify_password(password or "", user.password_hash):
        raise refuse_wrong_password(db, user, purpose="delete_account", field="password", context=context)
    if _is_last_active_admin(db, user):
        raise FieldErrors({"form": "last_admin"})
    email = user.email
    record_own(db, AuditAction.account_deleted, user_id=user_id, email=email, context=context, before={"email": email})
    deprovision_tenant(db, user_id)
    db.delete(user)  # sessions, retired tokens, e-mail tokens: ON DELETE CASCADE
    db.flush()
    # Files last: a database failure above leaves the seller with their account and
    # their photos. A deleter failing here raises, and the caller rolls back.
    for delete_files in FILE_DELETERS:
        delete_files(user_id)
    return email


def _register_photo_storage() -> None:
    """The photo storage's part of an export and of a deletion."""
    from stoflow.catalog import photos

    PHOTO_SOURCES.append(photos.seller_photos)
    FILE_DELETERS.append(photos.delete_seller_files)


_register_photo_storage()
