"""Seller provisioning and tenant migration at scale.

    python bench/tenants.py --tenants 1000

Provisions N sellers (user row + schema + tables + migration record, one transaction
each, as registration does but without the argon2 hash) on an embedded PostgreSQL (or
--database-url), then migrates every tenant schema and prints:

    provision_ms_p50 <ms>
    provision_ms_p95 <ms>
    migrate_all_s <s>        all N schemas taken from empty to head (tenant migrations applied)
    migrate_noop_s <s>       `alembic upgrade head` on N schemas already at head

Budgets (docs/ARCHITECTURE.md): p50 < 250 ms per seller; all 1,000 migrated in < 60 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def fresh_database(server_url: str) -> str:
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"stoflow_bench_{uuid.uuid4().hex[:8]}"
    admin = make_url(server_url).set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return (
        make_url(server_url).set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    )


@contextmanager
def database_server(url: str | None) -> Iterator[str]:
    """`url`, or an embedded PostgreSQL in a temporary directory for the benchmark's length."""
    if url:
        yield url
        return
    from stoflow.launcher.embedded import EmbeddedServices

    services = EmbeddedServices(Path(tempfile.mkdtemp(prefix="stoflow-bench-")))
    services.start(database=True, redis=False)
    try:
        assert services.database_url is not None
        yield services.database_url
    finally:
        services.stop()


def run(tenants: int, server_url: str) -> dict[str, float]:
    os.environ["DATABASE_URL"] = fresh_database(server_url)
    from sqlalchemy import text

    from stoflow.accounts.passwords import hash_password
    from stoflow.db.engine import db_session, get_engine
    from stoflow.db.migrations import upgrade_all, upgrade_tenants
    from stoflow.db.tenancy import list_tenant_schemas, provision_tenant
    from stoflow.models import User

    upgrade_all()
    password_hash = hash_password("benchmark passphrase")
    durations: list[float] = []
    for number in range(tenants):
        started = time.perf_counter()
        with db_session() as db:
            user = User(email=f"seller{number}@bench.example.com", password_hash=password_hash)
            db.add(user)
            db.flush()
            assert user.id is not None
            provision_tenant(db, user.id)
        durations.append((time.perf_counter() - started) * 1000)
        if (number + 1) % 100 == 0:
            print(f"  provisioned {number + 1}/{tenants}", file=sys.stderr)

    with get_engine().connect() as connection:
        schemas = list_tenant_schemas(connection)
    assert len(schemas) == tenants

    started = time.perf_counter()
    noop = upgrade_tenants()
    migrate_noop_s = time.perf_counter() - started
    assert not noop.failed

    # Take every tenant schema back to empty (as if created before the first tenant
    # migration), then time migrating them all to head.
    for start in range(0, len(schemas), 50):  # batches: one transaction would run out of locks
        with get_engine().begin() as connection:
            for schema in schemas[start : start + 50]:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE; CREATE SCHEMA "{schema}"'))
    started = time.perf_counter()
    report = upgrade_tenants()
    migrate_all_s = time.perf_counter() - started
    assert not report.failed, report.failed
    assert len(report.migrated) == tenants + 1  # + template_tenant

    return {
        "provision_ms_p50": statistics.median(durations),
        "provision_ms_p95": percentile(durations, 0.95),
        "migrate_all_s": migrate_all_s,
        "migrate_noop_s": migrate_noop_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--database-url", help="a PostgreSQL server to use instead of an embedded one")
    args = parser.parse_args()

    with database_server(args.database_url) as server_url:
        figures = run(args.tenants, server_url)
    for name, value in figures.items():
        print(f"{name} {value:.1f}" if name.endswith("_ms_p50") or name.endswith("_ms_p95") else f"{name} {value:.2f}")


if __name__ == "__main__":
    main()
