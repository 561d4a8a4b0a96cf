"""What signing in and checking a session cost.

    python bench/auth.py --rounds 200

On an embedded PostgreSQL (or --database-url), with one verified seller, times:

    sign_in_ms_p50 / _p95        authenticate (argon2id verify) + open a token family
    unknown_email_ms_p50         the refusal of an unknown e-mail (the same hash work)
    refresh_ms_p50 / _p95        rotate a refresh token (row lock, retire, new pair)
    event_check_ms_p50 / _p95    the session check of every Reflex event (JWT + live family)

The event check is what the session middleware and protected handlers add to each event.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.tenants import database_server, fresh_database, percentile

PASSWORD = "correct horse battery staple"


def _time(function: Callable[[], object], rounds: int) -> list[float]:
    durations = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        durations.append((time.perf_counter() - started) * 1000)
    return durations


def run(rounds: int, server_url: str) -> dict[str, float]:
    os.environ["DATABASE_URL"] = fresh_database(server_url)
    from datetime import timedelta

    from stoflow.accounts import service as accounts
    from stoflow.accounts import tokens
    from stoflow.accounts.web_session import identity_for_socket
    from stoflow.db.engine import db_session
    from stoflow.db.migrations import upgrade_all
    from stoflow.models.base import utcnow

    upgrade_all()
    email = "seller@bench.example.com"
    with db_session() as db:
        user = accounts.register(db, email=email, password=PASSWORD, country="FR")
        user.email_verified_at = utcnow()
        db.add(user)

    def sign_in() -> tokens.TokenPair:
        with db_session() as db:
            found = accounts.authenticate(db, email=email, password=PASSWORD)
            return tokens.open_family(db, user=found, ttl=timedelta(hours=1))

    def unknown() -> None:
        try:
            with db_session() as db:
                accounts.authenticate(db, email="nobody@bench.example.com", password=PASSWORD)
        except accounts.SignInRefused:
            pass

    sign_in_ms = _time(sign_in, rounds)
    unknown_ms = _time(unknown, rounds)

    pair = sign_in()
    current = [pair.refresh]

    def refresh() -> None:
        with db_session() as db:
            current[0] = tokens.rotate(db, current[0]).refresh

    refresh_ms = _time(refresh, rounds)

    def event_check() -> None:
        with db_session() as db:
            assert identity_for_socket(db, access=pair.access, refresh=current[0], bound_family=pair.session_id)

    event_ms = _time(event_check, rounds * 5)
    return {
        "sign_in_ms_p50": statistics.median(sign_in_ms),
        "sign_in_ms_p95": percentile(sign_in_ms, 0.95),
        "unknown_email_ms_p50": statistics.median(unknown_ms),
        "refresh_ms_p50": statistics.median(refresh_ms),
        "refresh_ms_p95": percentile(refresh_ms, 0.95),
        "event_check_ms_p50": statistics.median(event_ms),
        "event_check_ms_p95": percentile(event_ms, 0.95),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--database-url", help="a PostgreSQL server to use instead of an embedded one")
    args = parser.parse_args()

    with database_server(args.database_url) as server_url:
        figures = run(args.rounds, server_url)
    for name, value in figures.items():
        print(f"{name} {value:.2f}")


if __name__ == "__main__":
    main()
