"""Operator commands: `python -m stoflow.cli setup | migrate | seed-reference`.

`setup` is what `make run` does before starting the processes: migrate everything, seed
what the app needs (the reference data), and create the first admin (a generated password
goes to a file readable by the owner only, and is printed once in development only).
`seed-reference` reloads the reference data from the bundled CSV files.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from sqlalchemy.exc import OperationalError

from stoflow.accounts import service as accounts
from stoflow.accounts.schemas import FieldErrors
from stoflow.config import ConfigError, Settings, get_settings
from stoflow.db.engine import db_session, get_engine
from stoflow.db.migrations import MigrationError, upgrade_all
from stoflow.reference.seed import ReferenceDataError, seed_reference

log = logging.getLogger("stoflow.cli")

ADMIN_PASSWORD_FILE = "admin-password"


def migrate() -> None:
    report = upgrade_all()
    print(f"Database migrated ({len(report.migrated)} tenant schema(s) in {report.seconds:.1f} s).")


def seed_reference_data() -> None:
    report = seed_reference(get_engine())
    print(f"Reference data loaded: {report.summary()}.")


def create_first_admin(settings: Settings) -> None:
    configured = settings.stoflow_admin_password
    with db_session() as db:
        admin, generated = accounts.ensure_admin(
            db,
            email=settings.stoflow_admin_email,
            password=configured.get_secret_value() if configured else None,
        )
    password_file = settings.stoflow_data_dir / ADMIN_PASSWORD_FILE
    if generated:
        settings.stoflow_data_dir.mkdir(parents=True, exist_ok=True)
        # Created readable by the owner only (no moment where the umask's mode applies).
        with os.fdopen(os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as file:
            file.write(generated + "\n")
        password_file.chmod(0o600)  # a file left by an earlier run keeps its mode otherwise
        if settings.stoflow_env == "development":
            print(f"Created the admin {admin.email} with the password: {generated}")
            print(f"(shown once; also kept in {password_file}, readable by you only)")
        else:  # never in logs a platform may keep and show to others
            print(f"Created the admin {admin.email}; its generated password is in {password_file}")
            print("(readable by you only: sign in, change the password, then delete the file)")
    elif configured:
        print(f"Admin: {admin.email} (password from STOFLOW_ADMIN_PASSWORD)")
    elif password_file.exists():
        print(f"Admin: {admin.email} (password in {password_file})")
    else:
        print(f"Admin: {admin.email}")


def setup() -> None:
    settings = get_settings()
    migrate()
    seed_reference_data()
    create_first_admin(settings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stoflow.cli", description=__doc__)
    parser.add_argument("command", choices=("setup", "migrate", "seed-reference"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s [%(name)s] %(message)s")
    try:
        {"setup": setup, "migrate": migrate, "seed-reference": seed_reference_data}[args.command]()
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    except OperationalError as error:
        print(f"Cannot reach the database: {str(error.orig).strip()}", file=sys.stderr)
        return 2
    except MigrationError as error:
        print(f"Migration failed: {error}", file=sys.stderr)
        return 1
    except ReferenceDataError as error:
        print(f"Reference data not loaded: {error}", file=sys.stderr)
        return 1
    except FieldErrors as error:
        print(f"Cannot create the first admin: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
