"""Where the ledger is, opening it, pragmas and the versioned schema.

One place decides the location (--db, then INNOVTRACK_DB, then the user data directory).
Migrations are ordered and append-only: each runs in a savepoint of one upgrade transaction and
records itself, so a ledger from an older release is upgraded in place, all or nothing, and one
from a newer release is refused.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import LedgerError

if TYPE_CHECKING:  # SQLAlchemy costs ~0.15 s to import; `--help` must not pay for it.
    from sqlalchemy.engine import Connection, Engine

ENV_VAR = "INNOVTRACK_DB"
APP_NAME = "innovtrack"


def default_location() -> str:
    import platformdirs

    return str(Path(platformdirs.user_data_dir(APP_NAME)) / "ledger.db")


def resolve_location(option: str | None) -> str:
    """The ledger location: the --db option, else $INNOVTRACK_DB, else the user data dir."""
    return option or os.environ.get(ENV_VAR) or default_location()


def to_url(location: str) -> str:
    """An SQLAlchemy URL for a path or URL; postgres:// and postgresql:// use psycopg 3."""
    if "://" not in location:
        return "sqlite:///" + str(Path(location).expanduser())
    for prefix in ("postgres://", "postgresql://"):
        if location.startswith(prefix):
            return "postgresql+psycopg://" + location[len(prefix):]
    return location


def now_text() -> str:
    """The recorded-at stamp: UTC, fixed width, so text order is time order."""
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


# --- schema -----------------------------------------------------------------------------
# DDL is written once for both dialects; {id} is the auto-increment primary key.

_V1 = [
    """CREATE TABLE project (
        id {id},
        code TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        enterprise TEXT NOT NULL,
        region TEXT NOT NULL,
        category TEXT NOT NULL,
        sector TEXT NOT NULL,
        industry TEXT,
        stage TEXT NOT NULL,
        total_investment BIGINT NOT NULL,
        responsible_unit TEXT,
        planned_start TEXT,
        planned_completion TEXT,
        content TEXT,
        state TEXT NOT NULL DEFAULT 'active',
        withdrawn_month TEXT,
        withdrawn_reason TEXT,
        replaces TEXT,
        fingerprint TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    """CREATE TABLE project_plan (
        project_id BIGINT NOT NULL REFERENCES project(id),
        year INTEGER NOT NULL,
        amount BIGINT NOT NULL,
        PRIMARY KEY (project_id, year)
    )""",
    """CREATE TABLE project_history (
        id {id},
        project_id BIGINT NOT NULL REFERENCES project(id),
        changed_at TEXT NOT NULL,
        batch_id BIGINT,
        field TEXT NOT NULL,
        old_value TEXT,
        new_value TEXT,
        reason TEXT
    )""",
    "CREATE INDEX project_history_project ON project_history(project_id)",
    """CREATE TABLE import_batch (
        id {id},
        kind TEXT NOT NULL,
        file_name TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        rows_read INTEGER NOT NULL,
        added INTEGER NOT NULL,
        updated INTEGER NOT NULL,
        unchanged INTEGER NOT NULL,
        imported_at TEXT NOT NULL,
        imported_by TEXT
    )""",
    "CREATE INDEX import_batch_hash ON import_batch(kind, content_hash)",
    """CREATE TABLE progress_entry (
        id {id},
        project_id BIGINT NOT NULL REFERENCES project(id),
        month TEXT NOT NULL,
        amount BIGINT NOT NULL,
        ytd BIGINT,
        status TEXT,
        problem TEXT,
        note TEXT,
        reported_by TEXT,
        recorded_at TEXT NOT NULL,
        source TEXT,
        batch_id BIGINT,
        supersedes BIGINT,
        superseded_by BIGINT,
        reason TEXT
    )""",
    # One effective entry per project and month; the partial index also covers the roll-up
    # (month, project, amount, status), so reports never touch the table itself.
    """CREATE UNIQUE INDEX progress_effective
        ON progress_entry(month, project_id, amount, status)
        WHERE superseded_by IS NULL""",
    "CREATE UNIQUE INDEX progress_one_effective ON progress_entry(project_id, month)"
    " WHERE superseded_by IS NULL",
    "CREATE INDEX progress_recorded ON progress_entry(project_id, month, recorded_at)",
    """CREATE TABLE target (
        id {id},
        year INTEGER NOT NULL,
        category TEXT,
        sector TEXT,
        amount BIGINT NOT NULL,
        projects INTEGER,
        source TEXT,
        set_at TEXT NOT NULL
    )""",
    "CREATE INDEX target_year ON target(year)",
]


def _ddl(conn: Connection, statements: list[str]) -> None:
    pk = ("INTEGER PRIMARY KEY" if conn.dialect.name == "sqlite"
          else "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")
    for sql in statements:
        conn.exec_driver_sql(sql.replace("{id}", pk))


def _m1_schema(conn: Connection) -> None:
    _ddl(conn, _V1)


def _m2_programme(conn: Connection) -> None:
    """Load the 2016 programme's published targets into the new ledger."""
    from sqlalchemy import text

    from .programme import PUBLISHED_TARGETS

    stamp = now_text()
    for t in PUBLISHED_TARGETS:
        conn.execute(
            text("INSERT INTO target (year, category, sector, amount, projects, source, set_at)"
                 " VALUES (:y, :c, :s, :a, :p, :src, :at)"),
            dict(y=t.year, c=t.category, s=t.sector, a=t.amount, p=t.projects,
                 src=t.source, at=stamp),
        )


def _m3_pace_curve(conn: Connection) -> None:
    """Construction-season curves by year (SPEC §11): append-only, the latest recorded at or
    before the report's moment is in force."""
    _ddl(conn, ["""CREATE TABLE pace_curve (
        id {id},
        year INTEGER NOT NULL,
        curve TEXT NOT NULL,
        source TEXT,
        set_at TEXT NOT NULL
    )""", "CREATE INDEX pace_curve_year ON pace_curve(year, set_at)"])


def _m4_versions(conn: Connection) -> None:
    """Keep every past state of a project and its plans, and the reports as issued (SPEC §8)."""
    from .asof import backfill_past, version_ddl

    _ddl(conn, version_ddl(conn.dialect.name))
    backfill_past(conn)
# Supervision (SPEC §9): procedure statements are append-only like entries; a problem's only
# update is its resolution (销号), set once, like an entry's superseded_by.
_V5 = [
    """CREATE TABLE procedure_change (
        id {id},
        project_id BIGINT NOT NULL REFERENCES project(id),
        procedure TEXT NOT NULL,
        state TEXT NOT NULL,
        month TEXT NOT NULL,
        done_month TEXT,
        recorded_at TEXT NOT NULL,
        source TEXT,
        recorded_by TEXT
    )""",
    "CREATE INDEX procedure_change_project ON procedure_change(project_id, procedure, month)",
    """CREATE TABLE problem (
        id {id},
        project_id BIGINT NOT NULL REFERENCES project(id),
        text TEXT NOT NULL,
        text_key TEXT NOT NULL,
        raised_month TEXT NOT NULL,
        unit TEXT,
        due_month TEXT NOT NULL,
        source TEXT,
        raised_by TEXT,
        recorded_at TEXT NOT NULL,
        resolved_month TEXT,
        resolution TEXT,
        resolved_by TEXT,
        resolved_at TEXT
    )""",
    "CREATE INDEX problem_project ON problem(project_id, text_key)",
    "CREATE INDEX problem_raised ON problem(raised_month)",
]


def _m5_supervision(conn: Connection) -> None:
    """The procedure and problem tables; the problems that existing entries already state
    become the ledger's first problems (by the same rule an import applies)."""
    _ddl(conn, _V5)
    from .supervision import problems_from_entries

    problems_from_entries(conn)


# The monthly cycle (SPEC §10): each returned form that went in, with the unit it was made
# for and the 填表人 / 联系电话 / 填报日期 its footer gave; the import batch holds the rest.
_V6 = [
    """CREATE TABLE form_return (
        id {id},
        batch_id BIGINT NOT NULL REFERENCES import_batch(id),
        month TEXT NOT NULL,
        by_kind TEXT NOT NULL,
        unit TEXT NOT NULL,
        filled_by TEXT,
        phone TEXT,
        filled_date TEXT,
        recorded_at TEXT NOT NULL
    )""",
    "CREATE INDEX form_return_month ON form_return(month, by_kind, unit)",
]


def _m6_form_returns(conn: Connection) -> None:
    _ddl(conn, _V6)


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[Connection], None]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "schema", _m1_schema),
    Migration(2, "programme-2016", _m2_programme),
    Migration(3, "pace-curve", _m3_pace_curve),
    Migration(4, "versions-and-issued-reports", _m4_versions),
    Migration(5, "supervision", _m5_supervision),
    Migration(6, "form-returns", _m6_form_returns),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


# --- opening ----------------------------------------------------------------------------

_BUSY_TIMEOUT_MS = 30_000


def _sqlite_engine(url: str) -> Engine:
    from sqlalchemy import create_engine, event

    path = url.removeprefix("sqlite:///")
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": _BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised by every test
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite would defer it).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # pragma: no cover
        # Writers take the write lock up front, so two writers queue on the busy timeout
        # instead of failing when a read lock cannot be upgraded.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")

    return engine


class Ledger:
    """An open ledger: the engine and the transaction helpers every writer and reader uses."""

    def __init__(self, location: str):
        self.location = location
        self.url = to_url(location)
        if self.url.startswith("sqlite"):
            self.engine = _sqlite_engine(self.url)
        else:
            from sqlalchemy import create_engine

            try:
                self.engine = create_engine(self.url, pool_pre_ping=False)
            except Exception as exc:  # bad URL, missing driver
                raise LedgerError(f"cannot open ledger {location}: {exc}") from exc
        self.dialect = self.engine.dialect.name

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @contextmanager
    def write(self, *, foreign_keys: bool = True) -> Iterator[Connection]:
        """One write transaction: everything inside commits together or not at all.

        foreign_keys=False skips SQLite's per-row foreign-key lookups, for a bulk load whose
        every reference the caller has already checked (the pragma only takes effect outside
        a transaction, so it is set here, before BEGIN, and restored after).
        """
        with self.engine.connect() as conn:
            conn.info["write"] = True
            relax = self.is_sqlite and not foreign_keys
            if relax:
                conn.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
            try:
                with conn.begin():
                    yield conn
            finally:
                conn.info.pop("write", None)
                if relax:
                    conn.connection.driver_connection.execute("PRAGMA foreign_keys = ON")

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction: one consistent snapshot for a whole report."""
        with self.engine.connect() as conn, conn.begin():
            if not self.is_sqlite:
                conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            yield conn

    def close(self) -> None:
        self.engine.dispose()

    # -- migrations --

    def schema_version(self, conn: Connection) -> int:
        from sqlalchemy import inspect

        if not inspect(conn).has_table("schema_migration"):
            return 0
        return conn.exec_driver_sql("SELECT MAX(version) FROM schema_migration").scalar() or 0

    def migrate(self) -> list[Migration]:
        """Apply the migrations this ledger lacks; refuse a ledger from a newer release."""
        from sqlalchemy import text

        applied: list[Migration] = []
        with self.write() as conn:
            if not self.is_sqlite:
                # Two processes opening a new PostgreSQL ledger at once must not both migrate;
                # the lock is taken before the first CREATE, which is not safe to race (two
                # CREATE TABLE IF NOT EXISTS can both try to create it). One lock per schema.
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock("
                                     "hashtext('innovtrack-migrate:' || current_schema())::bigint)")
            conn.exec_driver_sql(
                "CREATE TABLE IF NOT EXISTS schema_migration ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            current = self.schema_version(conn)
            if current > SCHEMA_VERSION:
                raise LedgerError(
                    f"ledger {self.location} has schema version {current}, newer than this "
                    f"innovtrack ({SCHEMA_VERSION}); upgrade innovtrack to use it"
                )
            for m in MIGRATIONS:
                if m.version <= current:
                    continue
                with conn.begin_nested():
                    m.apply(conn)
                    conn.execute(
                        text("INSERT INTO schema_migration VALUES (:v, :n, :t)"),
                        dict(v=m.version, n=m.name, t=now_text()),
                    )
                applied.append(m)
        return applied


_OPEN: dict[str, Ledger] = {}


def _quick_version(ledger: Ledger) -> int:
    """The schema version without taking a write lock (0 for a new ledger)."""
    from sqlalchemy.exc import DBAPIError

    try:
        with ledger.engine.connect() as conn:
            return conn.exec_driver_sql("SELECT MAX(version) FROM schema_migration").scalar() or 0
    except DBAPIError as exc:
        if "schema_migration" in str(exc):
            return 0
        raise


def open_ledger(location: str | None = None) -> Ledger:
    """Open (creating or upgrading as needed) the ledger at the resolved location."""
    from sqlalchemy.exc import SQLAlchemyError

    loc = resolve_location(location)
    ledger = _OPEN.get(loc)
    if ledger is not None:
        return ledger
    ledger = Ledger(loc)
    try:
        if _quick_version(ledger) != SCHEMA_VERSION:
            ledger.migrate()  # also refuses a newer ledger
    except SQLAlchemyError as exc:
        ledger.close()
        first = str(exc).splitlines()[0]
        raise LedgerError(f"cannot open ledger {loc}: {first}") from exc
    except BaseException:
        ledger.close()  # a refused (newer) ledger: do not keep its engine open
        raise
    _OPEN[loc] = ledger
    return ledger


def close_all() -> None:
    for ledger in _OPEN.values():
        ledger.close()
    _OPEN.clear()


# --- a light reader for reports -------------------------------------------------------------


@dataclass
class DriverReader:
    """One read transaction on the DBAPI connection itself: `conn` is a sqlite3 or psycopg
    connection, `sqlite` says which (parameters are ? / :name on SQLite, %s on PostgreSQL)."""

    conn: object
    sqlite: bool


@contextmanager
def read_driver(location: str | None = None) -> Iterator[DriverReader]:
    """A consistent read snapshot for a report, on the driver connection.

    A SQLite ledger already at this release's schema is read through the standard library
    alone: reports over 100,000 projects must not pay SQLAlchemy's 0.15 s import. Anything
    else (a new, older or newer ledger, PostgreSQL) goes through open_ledger as usual.
    """
    import sqlite3

    url = to_url(resolve_location(location))
    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else None
    conn = None
    if path and path != ":memory:" and Path(path).is_file():
        conn = sqlite3.connect(path, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            version = conn.execute("SELECT MAX(version) FROM schema_migration").fetchone()[0]
        except sqlite3.DatabaseError:
            version = None
        if version != SCHEMA_VERSION:
            conn.close()
            conn = None
    if conn is not None:
        try:
            conn.execute("BEGIN")
            yield DriverReader(conn, True)
        finally:
            conn.close()  # a read transaction: closing rolls it back
        return
    ledger = open_ledger(location)
    with ledger.read() as sa_conn:
        yield DriverReader(sa_conn.connection.driver_connection, ledger.is_sqlite)
