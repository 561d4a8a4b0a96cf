"""Alembic environment of the tenant tables (`alembic -n tenant ...`).

Autogenerate compares the tenant models with `template_tenant`. An upgrade run from
here migrates template_tenant and every seller schema, like `alembic upgrade head`.
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from stoflow.db.engine import get_engine
from stoflow.db.migrations import upgrade_tenants
from stoflow.db.tenancy import TEMPLATE_SCHEMA, VERSION_TABLE, tenant_metadata

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    return not (type_ == "table" and name == VERSION_TABLE)


def run_autogenerate() -> None:
    # SET LOCAL: the search path ends with this transaction, never outlives it on the pool.
    with get_engine().connect() as connection, connection.begin():
        connection.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{TEMPLATE_SCHEMA}"')
        connection.exec_driver_sql(f'SET LOCAL search_path TO "{TEMPLATE_SCHEMA}"')
        context.configure(
            connection=connection,
            target_metadata=tenant_metadata(),
            version_table=VERSION_TABLE,
            version_table_schema=TEMPLATE_SCHEMA,
            include_object=include_object,
            compare_type=True,
        )
        context.run_migrations()


cmd_opts = config.cmd_opts
command_name = getattr(cmd_opts, "cmd", (None,))[0].__name__ if cmd_opts is not None else ""
if command_name in ("upgrade",):
    upgrade_tenants().raise_for_failures()
else:
    run_autogenerate()
