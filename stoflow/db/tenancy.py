"""One PostgreSQL schema per seller.

Tenant tables are declared once, without a schema. A tenant session maps them to
`user_{id}` with SQLAlchemy's `schema_translate_map`, an option of each execution, not
of the pooled connection, so nothing can leak to the next user of that connection. As
a second guard for raw SQL, each tenant transaction also runs `SET LOCAL search_path`,
which PostgreSQL forgets at commit or rollback.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Connection, Engine, MetaData, Table, event, text
from sqlmodel import Session, SQLModel

import stoflow.models  # noqa: F401  (registers every table on SQLModel.metadata)
from stoflow.db.engine import get_engine
from stoflow.models.public import Tenant

TEMPLATE_SCHEMA = "template_tenant"
TENANT_SCHEMA_PATTERN = re.compile(r"^user_[1-9][0-9]{0,18}$")
VERSION_TABLE = "alembic_version"


def schema_for(user_id: int) -> str:
    """The schema name of a seller, built only from a positive integer id."""
    if type(user_id) is not int or user_id <= 0:
        raise ValueError(f"A tenant id must be a positive integer, not {user_id!r}")
    return f"user_{user_id}"


def check_schema_name(schema: str) -> str:
    """Accept only `template_tenant` and `user_{int}`, the names we build ourselves."""
    if schema != TEMPLATE_SCHEMA and not TENANT_SCHEMA_PATTERN.match(schema):
        raise ValueError(f"Not a tenant schema name: {schema!r}")
    return schema


@lru_cache(maxsize=1)
def tenant_metadata() -> MetaData:
    """A MetaData holding only the tenant tables (those declared without a schema)."""
    metadata = MetaData()
    for table in SQLModel.metadata.sorted_tables:
        if table.schema is None:
            table.to_metadata(metadata)
    return metadata


def tenant_tables() -> list[Table]:
    return list(tenant_metadata().sorted_tables)


@lru_cache(maxsize=4096)
def _tenant_engine(schema: str) -> Engine:
    return get_engine().execution_options(schema_translate_map={None: schema})


class TenantSession(Session):
    """A Session bound to one seller's schema (see module docstring)."""

    tenant_schema: str

    @property
    def user_id(self) -> int:
        """The seller this session belongs to (its schema is `user_{id}`)."""
        return int(self.tenant_schema.removeprefix("user_"))


@event.listens_for(TenantSession, "after_begin")
def _pin_search_path(session: Session, transaction: object, connection: Connection) -> None:
    schema = getattr(session, "tenant_schema", None)
    if schema:
        connection.exec_driver_sql(f'SET LOCAL search_path TO "{schema}"')


@contextmanager
def tenant_session(user_id: int) -> Iterator[TenantSession]:
    """A session on seller `user_id`'s schema; commits on success, rolls back on error.

    `user_id` must come from the server-side identity (a verified session, or a task
    argument the server wrote), never from anything the browser sent.
    """
    schema = schema_for(user_id)
    with TenantSession(_tenant_engine(schema), expire_on_commit=False) as session:
        session.tenant_schema = schema
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def _create_tenant_tables(connection: Connection, schema: str) -> None:
    # Connection.execution_options changes the connection in place: undo it afterwards so
    # the caller's connection (shared with public statements) is left as it was.
    connection.execution_options(schema_translate_map={None: schema})
    try:
        tenant_metadata().create_all(connection, checkfirst=False)
    finally:
        connection.execution_options(schema_translate_map=None)


def _stamp(connection: Connection, schema: str, revision: str) -> None:
    connection.exec_driver_sql(
        f'CREATE TABLE "{schema}".{VERSION_TABLE} (version_num VARCHAR(32) NOT NULL, '
        f"CONSTRAINT {VERSION_TABLE}_pkc PRIMARY KEY (version_num))"
    )
    connection.execute(text(f'INSERT INTO "{schema}".{VERSION_TABLE} (version_num) VALUES (:rev)'), {"rev": revision})


def provision_tenant(session: Session, user_id: int) -> str:
    """Create seller `user_id`'s schema, its tables and its migration record.

    Runs in the caller's transaction: if anything later fails (or this does), nothing
    of the tenant is left behind.
    """
    from stoflow.db.migrations import tenant_head  # late: migrations imports this module

    schema = schema_for(user_id)
    connection = session.connection()
    connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    _create_tenant_tables(connection, schema)
    _stamp(connection, schema, tenant_head())
    session.add(Tenant(user_id=user_id, schema_name=schema))
    session.flush()
    return schema


def deprovision_tenant(session: Session, user_id: int) -> None:
    """Drop seller `user_id`'s schema and its registry row."""
    schema = schema_for(user_id)
    session.connection().exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    tenant = session.get(Tenant, user_id)
    if tenant is not None:
        session.delete(tenant)
    session.flush()


def list_tenant_schemas(connection: Connection) -> list[str]:
    """Every seller schema that exists in the database, in id order."""
    rows = connection.execute(text("SELECT nspname FROM pg_namespace WHERE nspname ~ '^user_[0-9]+$'")).scalars()
    return sorted((check_schema_name(name) for name in rows), key=lambda name: int(name[5:]))
