"""Every test gets a ledger of its own: a SQLite file under tmp_path, or, when
INNOVTRACK_TEST_DB names a PostgreSQL server, a fresh schema on it (dropped afterwards).

Subprocesses started by a test inherit INNOVTRACK_DB, so they use the same ledger and never a
real one.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent
PG_URL = os.environ.get("INNOVTRACK_TEST_DB", "")


def _pg_admin():
    import psycopg

    url = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    return psycopg.connect(url, autocommit=True)


@pytest.fixture(autouse=True)
def db_location(tmp_path, monkeypatch):
    """The ledger location for this test, also exported as INNOVTRACK_DB."""
    from innovtrack import db

    if PG_URL:
        schema = "t_" + uuid.uuid4().hex[:12]
        with _pg_admin() as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        sep = "&" if "?" in PG_URL else "?"
        location = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    else:
        location = str(tmp_path / "ledger.db")
    monkeypatch.setenv("INNOVTRACK_DB", location)
    # A bug shows its traceback in tests; users see one line (cli.main).
    monkeypatch.setenv("INNOVTRACK_DEBUG", "1")
    yield location
    db.close_all()
    if PG_URL:
        with _pg_admin() as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def ledger(db_location):
    from innovtrack.db import open_ledger

    return open_ledger(db_location)


@pytest.fixture
def is_pg() -> bool:
    return bool(PG_URL)


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def run_cli(*args: str) -> Run:
    """Run the real CLI entry point in-process; stdout and stderr captured apart."""
    from innovtrack.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return Run(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli():
    return run_cli


def dump_ledger(location: str) -> dict[str, list[tuple]]:
    """Every row of every table, for before/after comparisons of rejected imports."""
    from sqlalchemy import inspect

    from innovtrack.db import open_ledger

    ledger = open_ledger(location)
    out = {}
    with ledger.read() as conn:
        for table in sorted(inspect(conn).get_table_names()):
            out[table] = sorted(map(tuple, conn.exec_driver_sql(f"SELECT * FROM {table}")), key=repr)
    return out


@pytest.fixture
def snapshot(db_location):
    return lambda: dump_ledger(db_location)


sys.path.insert(0, str(Path(__file__).parent))
