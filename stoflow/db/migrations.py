"""Schema migrations: the shared schemas, then `template_tenant` and every seller schema.

Two Alembic script directories: `alembic/` (public, product_attributes) and
`alembic/tenant/` (the tenant tables). `alembic upgrade head` runs the first and then
`upgrade_tenants`, which migrates each tenant schema in its own transaction: a tenant
that fails is rolled back, reported by name, and the others still go ahead.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from functools import lru_cache

from alembic.config import Config
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from alembic import command
from stoflow.config import PROJECT_ROOT
from stoflow.db.engine import get_engine
from stoflow.db.tenancy import TEMPLATE_SCHEMA, VERSION_TABLE, check_schema_name, list_tenant_schemas

log = logging.getLogger(__name__)

ALEMBIC_INI = PROJECT_ROOT / "alembic.ini"
TENANT_SCRIPTS = PROJECT_ROOT / "alembic" / "tenant"


class MigrationError(RuntimeError):
    """Some tenant schemas could not be migrated; the message names them."""


@dataclass
class TenantMigrationReport:
    migrated: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def raise_for_failures(self) -> None:
        if self.failed:
            names = ", ".join(f"{schema} ({error})" for schema, error in self.failed.items())
            raise MigrationError(f"{len(self.failed)} tenant schema(s) failed to migrate: {names}")


def core_config() -> Config:
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    return config


@lru_cache(maxsize=1)
def tenant_scripts() -> ScriptDirectory:
    return ScriptDirectory(str(TENANT_SCRIPTS), version_locations=[str(TENANT_SCRIPTS / "versions")])


@lru_cache(maxsize=1)
def tenant_head() -> str:
    head = tenant_scripts().get_current_head()
    if head is None:
        raise MigrationError("The tenant migrations have no head revision.")
    return head


def migrate_tenant_schema(connection: Connection, schema: str, destination: str = "heads") -> None:
    """Bring one tenant schema to `destination`, inside the caller's transaction."""
    check_schema_name(schema)
    scripts = tenant_scripts()
    connection.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    connection.exec_driver_sql(f'SET LOCAL search_path TO "{schema}"')
    # In place on this connection; the caller resets it (see upgrade_tenants).
    connection.execution_options(schema_translate_map={None: schema})
    context = MigrationContext.configure(
        connection=connection,
        opts={
            "script": scripts,
            "fn": lambda rev, _ctx: scripts._upgrade_revs(destination, rev),
            "version_table": VERSION_TABLE,
            "version_table_schema": schema,
            "transactional_ddl": True,
        },
    )
    with Operations.context(context):
        context.run_migrations()


def upgrade_tenants(engine: Engine | None = None, schemas: list[str] | None = None) -> TenantMigrationReport:
    """Migrate `template_tenant` and every `user_*` schema to head, one transaction each."""
    engine = engine or get_engine()
    report = TenantMigrationReport()
    started = time.perf_counter()
    with engine.connect() as connection:
        if schemas is None:
            schemas = [TEMPLATE_SCHEMA, *list_tenant_schemas(connection)]
            connection.rollback()
        for schema in schemas:
            try:
                with connection.begin():
                    migrate_tenant_schema(connection, schema)
                report.migrated.append(schema)
            except Exception as error:  # one tenant's failure must not stop the others
                log.error("Tenant schema %s failed to migrate: %s", schema, error)
                report.failed[schema] = str(error).splitlines()[0]
            finally:
                connection.execution_options(schema_translate_map=None)
    report.seconds = time.perf_counter() - started
    return report


def upgrade_core() -> None:
    """Migrate the shared schemas (public, product_attributes) to head."""
    config = core_config()
    config.attributes["migrate_tenants"] = False
    config.attributes["configure_logger"] = False  # keep the caller's logging as it is
    command.upgrade(config, "head")


def upgrade_all() -> TenantMigrationReport:
    """What `alembic upgrade head` does: shared schemas first, then every tenant schema."""
    upgrade_core()
    report = upgrade_tenants()
    report.raise_for_failures()
    return report


def current_tenant_revision(connection: Connection, schema: str) -> str | None:
    check_schema_name(schema)
    return connection.execute(text(f'SELECT version_num FROM "{schema}".{VERSION_TABLE}')).scalar()
