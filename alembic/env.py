"""Alembic environment of the shared schemas (public, product_attributes).

After the shared schemas, `alembic upgrade head` also migrates template_tenant and every
seller schema (stoflow.db.migrations.upgrade_tenants); a failing tenant is named and
the command exits non-zero once the others are done.
"""

from __future__ import annotations

import logging
from logging.config import fileConfig

from sqlmodel import SQLModel

import stoflow.models  # noqa: F401  (registers the tables)
from alembic import context
from stoflow.db.engine import get_engine
from stoflow.db.migrations import upgrade_tenants
from stoflow.models.base import ATTRIBUTES_SCHEMA, PUBLIC_SCHEMA

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)
log = logging.getLogger("stoflow.migrations")

SHARED_SCHEMAS = (PUBLIC_SCHEMA, ATTRIBUTES_SCHEMA)


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    """Autogenerate looks at the shared schemas only; tenant tables have their own env."""
    if type_ == "table":
        return obj.schema in SHARED_SCHEMAS
    return True


def _is_cli_upgrade() -> bool:
    cmd_opts = config.cmd_opts
    return cmd_opts is not None and getattr(cmd_opts, "cmd", (None,))[0].__name__ == "upgrade"


def run_migrations_online() -> None:
    engine = get_engine()
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=SQLModel.metadata,
            include_schemas=True,
            include_object=include_object,
            version_table_schema=PUBLIC_SCHEMA,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()

    if config.attributes.get("migrate_tenants", _is_cli_upgrade()):
        report = upgrade_tenants(engine)
        log.info("Migrated %d tenant schema(s) in %.1f s", len(report.migrated), report.seconds)
        if report.failed:
            for schema, error in report.failed.items():
                log.error("FAILED %s: %s", schema, error)
            raise SystemExit(f"{len(report.failed)} tenant schema(s) failed to migrate: {', '.join(report.failed)}")


if context.is_offline_mode():
    raise SystemExit("Offline (--sql) migrations are not supported: tenant schemas are discovered live.")
run_migrations_online()
