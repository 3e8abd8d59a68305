"""Where the ledger is, opening it, pragmas and the versioned schema.

One place decides the location (--db, then INNOVTRACK_DB, then the user data directory).
Migrations are ordered and append-only: each runs in a savepoint of one upgrade transaction and
records itself, so a ledger from an older release is upgraded in place, all or nothing, and one
from a newer release is refused.
"""

from __future__ import annotations

import os
import re
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


def _m6_intake(conn: Connection) -> None:
    """SPEC §7.5/7.7 and §2: the 形象进度 sentence as written, the precision a year-to-date
    was given to, and who signed a file (填表人, 联系电话)."""
    _ddl(conn, ["ALTER TABLE progress_entry ADD COLUMN progress_text TEXT",
                "ALTER TABLE progress_entry ADD COLUMN ytd_step BIGINT",
                "ALTER TABLE import_batch ADD COLUMN filled_by TEXT",
                "ALTER TABLE import_batch ADD COLUMN contact_phone TEXT"])


def _m7_since_start(conn: Connection) -> None:
    """SPEC §6, last part: the investment a project reports since it started (开工至报告期 /
    开工至上一年度底累计完成投资), as reported, with the month it runs through; what it says of
    the years before the ledger's entries is kept with the project and checked by `check`."""
    _ddl(conn, ["""CREATE TABLE since_start_figure (
        id {id},
        project_id BIGINT NOT NULL REFERENCES project(id),
        month TEXT NOT NULL,
        through TEXT NOT NULL,
        amount BIGINT NOT NULL,
        step BIGINT NOT NULL,
        source TEXT,
        batch_id BIGINT,
        recorded_at TEXT NOT NULL
    )""", "CREATE INDEX since_start_figure_project ON since_start_figure(project_id, through)"])


# The monthly cycle (SPEC §10): each returned form that went in, with the unit it was made
# for and the 填表人 / 联系电话 / 填报日期 its footer gave; the import batch holds the rest.
_V8 = [
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


def _m8_form_returns(conn: Connection) -> None:
    _ddl(conn, _V8)


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
    Migration(6, "intake-text", _m6_intake),
    Migration(7, "since-start", _m7_since_start),
    Migration(8, "form-returns", _m8_form_returns),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


# --- opening ----------------------------------------------------------------------------

BUSY_TIMEOUT_VAR = "INNOVTRACK_BUSY_TIMEOUT"  # seconds a writer waits for another's lock
PG_TIMEOUT_VAR = "INNOVTRACK_PG_CONNECT_TIMEOUT"  # seconds to reach a PostgreSQL server
_BUSY_TIMEOUT_S = 30.0
_PG_CONNECT_TIMEOUT_S = 10


def _seconds(var: str, default: float) -> float:
    raw = os.environ.get(var, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        raise LedgerError(f"{var}={raw!r}: not a number of seconds") from None
    if not 0 <= value < 86_400:
        raise LedgerError(f"{var}={raw!r}: not a number of seconds between 0 and 86400")
    return value


def busy_timeout() -> float:
    return _seconds(BUSY_TIMEOUT_VAR, _BUSY_TIMEOUT_S)


def _sqlite_engine(url: str) -> Engine:
    from sqlalchemy import create_engine, event

    wait = busy_timeout()
    engine = create_engine(url, connect_args={"timeout": wait})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised by every test
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite would defer it).
        # Nothing here writes to the file: WAL is switched on once, when the ledger is
        # created (open_ledger), so a read-only ledger can still be read.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
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
        self.location = redact(location)  # as every message shows it: no password
        self.url = to_url(location)
        if self.url.startswith("sqlite"):
            self.engine = _sqlite_engine(self.url)
        else:
            from sqlalchemy import create_engine

            try:
                self.engine = create_engine(self.url, pool_pre_ping=False,
                                            connect_args=_pg_connect_args(self.url))
            except Exception as exc:  # bad URL, missing driver
                raise LedgerError(f"cannot open ledger {self.location}: "
                                  f"{redact_text(str(exc), location)}") from None
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
        # Only a missing table means a new ledger (str(exc) names the table in its SQL for any
        # error, a damaged file's included).
        reason = str(exc.orig)
        if "schema_migration" in reason and ("no such table" in reason
                                             or "does not exist" in reason):
            return 0
        raise


def sqlite_path(location: str) -> str | None:
    """The file of a SQLite location (None for PostgreSQL or an in-memory database)."""
    url = to_url(location)
    if not url.startswith("sqlite:///"):
        return None
    path = url.removeprefix("sqlite:///").split("?", 1)[0]
    return path if path and path != ":memory:" else None


SQLITE_MAGIC = b"SQLite format 3\x00"


def sqlite_state(path: str, shown: str | None = None) -> str:
    """'missing', 'empty' (a 0-byte file, or a database without tables) or 'ledger'; refuses
    anything else with a LedgerError, without changing a byte: another program's database,
    a file that is no SQLite database, a damaged one. Read through a read-only connection,
    which takes no write lock and switches no journal mode."""
    import sqlite3
    from urllib.parse import quote

    shown = shown or path
    file = Path(path)
    try:
        if not file.exists():
            return "missing"
        if file.is_dir():
            raise LedgerError(f"ledger {shown} is a directory; name a file with --db")
        with open(file, "rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise LedgerError(f"cannot read ledger {shown}: {exc.strerror or exc}") from None
    if not head:
        return "empty"
    if head != SQLITE_MAGIC:
        raise LedgerError(f"{shown} is not an innovtrack ledger (not a SQLite database); "
                          "it was left as it is; name another file with --db")
    try:
        conn = sqlite3.connect(f"file:{quote(str(file.resolve()))}?mode=ro", uri=True,
                               timeout=busy_timeout())
        try:
            tables = {name for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise LedgerError(f"ledger {shown} cannot be read: {exc} (the file is damaged or "
                          "is not a ledger; restore it from a backup)") from None
    if "schema_migration" in tables:
        return "ledger"
    if not tables:
        return "empty"
    shown_tables = ", ".join(sorted(tables)[:5]) + (" …" if len(tables) > 5 else "")
    raise LedgerError(f"{shown} is another program's SQLite database (tables: {shown_tables}), "
                      "not an innovtrack ledger; it was left as it is; name another file "
                      "with --db")


def no_ledger(shown: str) -> LedgerError:
    return LedgerError(f"no ledger at {shown}; create one by importing the project list: "
                       f"innovtrack import FILE --db {shown}")


def open_ledger(location: str | None = None, *, create: bool = True) -> Ledger:
    """Open (creating or upgrading as needed) the ledger at the resolved location.

    create=False is for read-only commands (SPEC §7.8): where no ledger is, they are told so,
    and neither a file nor a directory is made.
    """
    from sqlalchemy.exc import SQLAlchemyError

    loc = resolve_location(location)
    ledger = _OPEN.get(loc)
    if ledger is not None:
        return ledger
    shown = redact(loc)
    path = sqlite_path(loc)
    if path is not None:
        state = sqlite_state(path, shown)
        if state != "ledger" and not create:
            raise no_ledger(shown)
        if state == "missing":
            try:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise LedgerError(f"cannot create ledger {shown}: "
                                  f"{exc.strerror or exc}") from None
    ledger = Ledger(loc)
    try:
        version = _quick_version(ledger)
        if version == 0 and not create:
            raise no_ledger(shown)
        if version != SCHEMA_VERSION:
            ledger.migrate()  # also refuses a newer ledger
            if version == 0 and ledger.is_sqlite:
                # A new ledger: WAL lets reports read while an import writes. The mode is kept
                # in the file and cannot change inside the migration's transaction, so it is
                # set once, here, and never on opening (a read-only ledger stays readable).
                with ledger.engine.connect() as conn:
                    conn.connection.driver_connection.execute("PRAGMA journal_mode = WAL")
    except SQLAlchemyError as exc:
        ledger.close()
        raise LedgerError(f"cannot open ledger {shown}: {db_reason(exc, loc)}") from None
    except BaseException:
        ledger.close()  # a refused (newer) ledger: do not keep its engine open
        raise
    _OPEN[loc] = ledger
    return ledger


# --- PostgreSQL: a bounded connect, and no password in any message ----------------------------


def _pg_connect_args(url: str) -> dict:
    """connect_timeout for psycopg, unless the URL names its own."""
    from urllib.parse import parse_qs, urlsplit

    if "connect_timeout" in parse_qs(urlsplit(url).query):
        return {}
    return {"connect_timeout": max(1, round(_seconds(PG_TIMEOUT_VAR, _PG_CONNECT_TIMEOUT_S)))}


_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s]*:)(?P<password>[^@\s]*)@",
                       re.IGNORECASE)
_PASSWORD_PARAM = re.compile(r"(?P<head>\bpassword\s*=\s*)(?P<password>'[^']*'|[^\s&]*)",
                             re.IGNORECASE)


def redact(location: str) -> str:
    """A location as messages show it: postgresql://user:***@host/db."""
    text = _PASSWORD.sub(lambda m: f"{m['head']}***@", location)
    return _PASSWORD_PARAM.sub(lambda m: f"{m['head']}***", text)


def redact_text(message: str, location: str | None = None) -> str:
    """A driver's message with the location's password (and any URL's) blanked out."""
    secrets = []
    if location:
        secrets += [m["password"] for m in _PASSWORD.finditer(location)]
        secrets += [m["password"].strip("'") for m in _PASSWORD_PARAM.finditer(location)]
    for secret in secrets:
        if secret:
            from urllib.parse import unquote

            for form in {secret, unquote(secret)}:
                message = message.replace(form, "***")
    return redact(message)


# Driver messages that have a plain meaning, and what a person should do about them.
_REASONS: tuple[tuple[str, str], ...] = (
    ("database is locked", "locked by another writer past the busy timeout ({wait:g} s); "
                           "try again when it has finished (INNOVTRACK_BUSY_TIMEOUT waits longer)"),
    ("readonly database", "the ledger is read-only (file permissions, an immutable file or a "
                          "read-only disk); nothing was written"),
    ("read-only", "the ledger is read-only; nothing was written"),
    ("disk is full", "the disk is full; nothing was written"),
    ("disk i/o error", "a disk I/O error (a full or failing disk); nothing was written"),
    ("malformed", "the file is damaged (database disk image is malformed); restore it from a "
                  "backup"),
    ("file is not a database", "the file is not a SQLite database"),
    ("unable to open database file", "cannot open the file there (a missing or unwritable "
                                     "directory, or a path inside a file)"),
    ("timeout expired", "the PostgreSQL server did not answer in time "
                        "(INNOVTRACK_PG_CONNECT_TIMEOUT, or connect_timeout in the URL)"),
)


def db_reason(exc: BaseException, location: str | None = None) -> str:
    """One line for a database error: a plain reason when the driver's text has a known
    meaning, else the driver's first line; never a password."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    low = text.lower()
    for needle, reason in _REASONS:
        if needle in low:
            return reason.format(wait=busy_timeout())
    return redact_text(text, location)


def is_db_error(exc: BaseException) -> bool:
    """An error raised by SQLAlchemy, sqlite3 or psycopg (checked by module, so the CLI can ask
    without importing them)."""
    module = type(exc).__module__ or ""
    return module.split(".")[0] in ("sqlalchemy", "sqlite3", "psycopg", "_sqlite3")


def describe_db_error(exc: BaseException) -> str:
    """The one line the CLI prints for a database error escaping a command."""
    loc = next(iter(_OPEN)) if len(_OPEN) == 1 else _READING.get("location")
    if loc:
        return f"ledger {redact(loc)}: {db_reason(exc, loc)}"
    return f"ledger: {db_reason(exc)}"


_READING: dict[str, str] = {}  # the ledger read_driver reads without SQLAlchemy


def close_all() -> None:
    for ledger in _OPEN.values():
        ledger.close()
    _OPEN.clear()


# --- sums of money that cannot overflow ------------------------------------------------------
# SQLite's SUM of integers raises "integer overflow" past 2**63, and PostgreSQL's CAST of a
# NUMERIC sum to BIGINT fails the same way; a sum over 100,000 projects of amounts within
# 10¹² 万元 can pass 2**63 元. So money is summed in two parts, each far from overflowing for
# any number of rows a ledger can hold, and joined in Python, whose integers have no bound:
# amount = (amount / 2**32) * 2**32 + remainder holds for negative amounts too, since
# both dialects truncate the quotient towards zero and give the remainder the dividend's sign.

_SPLIT = 1 << 32


def split_sum(expr: str, over: str = "", name: str | None = None) -> str:
    """Two SQL columns whose joined() is SUM(expr), exactly and without overflow.
    `over` is a window clause (" OVER (...)") for a running sum; `name` names the columns
    name_high and name_low."""
    high, low = (f" AS {name}_high", f" AS {name}_low") if name else ("", "")
    # The remainder is written out: "%" would be a placeholder to psycopg.
    q = f"(({expr}) / {_SPLIT})"
    return f"SUM{q}{over}{high}, SUM(({expr}) - {q} * {_SPLIT}){over}{low}"


def split_equals(value: str, name: str) -> str:
    """SQL saying `value` equals the split sum named `name`, without overflowing on SQLite
    (its integer product turns REAL rather than raising; PostgreSQL's sums are NUMERIC)."""
    return f"{value} - {name}_low = {name}_high * {_SPLIT}"


def joined_sql(name: str) -> str:
    """The split sum named `name` joined again in SQL: exact within BIGINT; beyond it REAL on
    SQLite (whose integer product turns REAL rather than raising), NUMERIC on PostgreSQL."""
    return f"({name}_high * {_SPLIT} + {name}_low)"


def split_terms(value: str, name: str) -> tuple[str, str]:
    """Two SQL terms, (value - name_low) and (name_high * split), whose difference is value
    minus the split sum named `name`: a rule comparing a figure with a sum reads them without
    overflowing (SQLite's integer product turns REAL rather than raising)."""
    return f"({value} - {name}_low)", f"({name}_high * {_SPLIT})"


def joined(high, low) -> int | None:
    """The sum from split_sum's two columns (None when it summed no rows)."""
    if high is None:
        return None
    return int(high) * _SPLIT + int(low)


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

    loc = resolve_location(location)
    path = sqlite_path(loc)
    conn = None
    if path and sqlite_state(path, redact(loc)) == "ledger":
        _READING["location"] = loc
        conn = sqlite3.connect(path, timeout=busy_timeout(), isolation_level=None)
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
    ledger = open_ledger(location, create=False)
    with ledger.read() as sa_conn:
        yield DriverReader(sa_conn.connection.driver_connection, ledger.is_sqlite)
