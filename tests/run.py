"""Run the whole suite on SQLite, then on PostgreSQL when reachable (mandatory in CI)."""

from __future__ import annotations

import os
import subprocess
import sys

import sqlalchemy as sa

PG_ADMIN_URL = os.environ.get("CRM_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def postgres_reachable() -> bool:
    """Tell whether the PostgreSQL server the tests use answers."""
    engine = sa.create_engine(PG_ADMIN_URL)
    try:
        with engine.connect():
            return True
    except sa.exc.OperationalError:
        return False
    finally:
        engine.dispose()


def main() -> int:
    """Run pytest once per database; return the first failing exit code."""
    pytest = [sys.executable, "-m", "pytest", *sys.argv[1:]]
    code = subprocess.call([*pytest, "--db=sqlite"])  # noqa: S603 - our own interpreter and arguments
    if code != 0:
        return code
    if not postgres_reachable():
        if os.environ.get("CI"):
            print("PostgreSQL is not reachable and CI requires it.", file=sys.stderr)
            return 1
        print("PostgreSQL is not reachable: skipped the PostgreSQL run (CI makes it mandatory).")
        return 0
    return subprocess.call([*pytest, "--db=postgresql"])  # noqa: S603


if __name__ == "__main__":
    sys.exit(main())
