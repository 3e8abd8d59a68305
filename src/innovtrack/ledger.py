"""Writing the ledger: project lists (with their change history) and import batches.

Every write happens in one transaction (db.Ledger.write), so a rejected or interrupted import
leaves the ledger exactly as it was. Bulk paths go through the driver's executemany/COPY with
no per-row ORM objects.
"""

from __future__ import annotations

import gc
import getpass
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

from .clock import shown
from .db import Ledger, now_text
from .errors import Problem, Rejected
from .ingest.headers import PROJECT_FIELDS
from .ingest.projects import REQUIRED, ProjectRecord, validate_projects
from .ingest.table import file_hash, open_table

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return os.environ.get("USER", "unknown")


# --- bulk helpers -----------------------------------------------------------------------


def insert_many(ledger: Ledger, conn: Connection, table: str, columns: Sequence[str],
                rows: Iterable[Sequence]) -> int:
    """Insert rows in bulk on the driver connection: executemany on SQLite, COPY on PostgreSQL."""
    raw = conn.connection.driver_connection
    count = 0
    if ledger.is_sqlite:
        sql = (f"INSERT INTO {table} ({', '.join(columns)}) "
               f"VALUES ({', '.join('?' for _ in columns)})")
        cur = raw.cursor()
        try:
            cur.executemany(sql, rows)
            return cur.rowcount  # executemany sums the rows of every execution
        finally:
            cur.close()
    with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
        for row in rows:
            cp.write_row(row)
            count += 1
    return count


def placeholders(ledger: Ledger, n: int) -> str:
    mark = "?" if ledger.is_sqlite else "%s"
    return ", ".join(mark for _ in range(n))


def find_batch(conn: Connection, kind: str, digest: str):
    from sqlalchemy import text

    return conn.execute(
        text("SELECT id, file_name, imported_at FROM import_batch"
             " WHERE kind = :k AND content_hash = :h ORDER BY id LIMIT 1"),
        dict(k=kind, h=digest)).first()


def record_batch(conn: Connection, *, kind: str, file_name: str, digest: str, rows: int,
                 added: int, updated: int, unchanged: int, by: str | None,
                 signed: dict | None = None) -> int:
    """A new import batch; `signed` holds the file's 填表人 (filled_by) and 联系电话 (phone)."""
    from sqlalchemy import text

    signed = signed or {}
    return conn.execute(
        text("INSERT INTO import_batch (kind, file_name, content_hash, rows_read, added,"
             " updated, unchanged, imported_at, imported_by, filled_by, contact_phone)"
             " VALUES (:k, :f, :h, :r, :a, :u, :n, :t, :b, :fb, :ph) RETURNING id"),
        dict(k=kind, f=file_name, h=digest, r=rows, a=added, u=updated, n=unchanged,
             t=now_text(), b=by, fb=signed.get("filled_by"),
             ph=signed.get("phone"))).scalar_one()


# --- project lists ----------------------------------------------------------------------

_PROJECT_COLUMNS = ("code",) + ProjectRecord.FIELDS
_BULK_RECORDS = 10_000  # lists from this size are written without SQLite's foreign-key checks


@dataclass
class ProjectImport:
    file: str
    rows: int = 0
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    dry_run: bool = False
    already: str | None = None  # "batch #3 at …" when the same file went in before
    notices: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    batch_id: int | None = None
    absent: list[str] = field(default_factory=list)  # active projects the list leaves out
    changes: dict[str, list[tuple[str, str | None, str | None]]] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)


class _DryRun(Exception):
    """Raised at the end of a dry run's transaction, so that all of it is rolled back."""


def import_projects(ledger: Ledger, path: str | Path, *, encoding: str | None = None,
                    sheet: str | None = None, unit: str | None = None, dry_run: bool = False,
                    by: str | None = None,
                    on_row: Callable[[int], None] | None = None) -> ProjectImport:
    """Validate a project list and add or update its projects in one transaction.

    A project absent from the list is left alone (the list rolls; withdrawal is explicit).
    Raises Rejected with every problem when any row is bad; then nothing is written. A dry
    run does all the work inside the transaction and rolls it back, so what it reports is
    exactly what the import would do.
    """
    with _cycle_collector_paused():
        return _import_projects(ledger, Path(path), encoding=encoding, sheet=sheet, unit=unit,
                                dry_run=dry_run, by=by, on_row=on_row)


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector for a bulk import (reference counting still frees).

    An import builds a few objects per row, none in a cycle, and keeps them until it ends; the
    collector would walk them all again and again as they pile up: ~10% of a large import.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _import_projects(ledger: Ledger, path: Path, *, encoding: str | None, sheet: str | None,
                     unit: str | None, dry_run: bool, by: str | None,
                     on_row: Callable[[int], None] | None) -> ProjectImport:
    table = open_table(path, PROJECT_FIELDS, required=REQUIRED, encoding=encoding, sheet=sheet,
                       default_unit=unit)
    checked = validate_projects(table, on_row)
    if checked.problems:
        raise Rejected(checked.problems)
    result = ProjectImport(file=str(path), rows=len(checked.records), dry_run=dry_run,
                           notices=list(table.notices), warnings=checked.warnings)
    if checked.rounded:
        result.notices.append(f"{table.display}: {checked.rounded} amount(s) finer than 1 元 "
                              "were rounded to 元")
    if table.footer_rows:
        result.notices.append(table.footer_notice())
    digest = file_hash(path)
    by = by or current_user()

    try:
        # Every project id written below is read from the ledger inside this transaction, so
        # a large list spares SQLite its per-row foreign-key lookups (~10% of the write).
        with ledger.write(foreign_keys=len(checked.records) < _BULK_RECORDS) as conn:
            if not ledger.is_sqlite:
                # List imports queue behind one another (SQLite's BEGIN IMMEDIATE does this):
                # two at once would both find a code new and the second would fail on it.
                conn.exec_driver_sql("LOCK TABLE project IN SHARE ROW EXCLUSIVE MODE")
            prior = find_batch(conn, "projects", digest)
            known = _driver_rows(conn, "SELECT id, code, fingerprint, state, name FROM project")
            existing = {code: (pid, fp) for pid, code, fp, _state, _name in known}
            _match_ledger(checked.records, known, table.display)
            listed = {r.code for r in checked.records}
            result.absent = sorted(code for _pid, code, _fp, state, _name in known
                                   if state == "active" and code not in listed)
            new = [r for r in checked.records if r.code not in existing]
            changed = [r for r in checked.records
                       if r.code in existing and existing[r.code][1] != r.fingerprint]
            result.added = [r.code for r in new]
            result.updated = [r.code for r in changed]
            result.unchanged = len(checked.records) - len(new) - len(changed)
            if prior is not None and not result.changed:
                result.already = (f"batch #{prior.id}, {prior.file_name}, "
                                  f"at {shown(prior.imported_at)}")
            if not result.changed:
                return result  # nothing was written; the empty transaction ends
            stamp = now_text()
            batch = record_batch(conn, kind="projects", file_name=str(path), digest=digest,
                                 rows=len(checked.records), added=len(new),
                                 updated=len(changed), unchanged=result.unchanged, by=by,
                                 signed=table.signed)
            _insert_projects(ledger, conn, new, stamp)
            if changed:
                code_of = {existing[r.code][0]: r.code for r in changed}
                for pid, _at, _batch, fieldname, old, new_value, _reason in _update_projects(
                        ledger, conn, changed, existing, batch, stamp):
                    result.changes.setdefault(code_of[pid], []).append(
                        (fieldname, old, new_value))
            if dry_run:
                raise _DryRun
            result.batch_id = batch
    except _DryRun:
        pass
    return result


def _match_ledger(records: list[ProjectRecord], known: list[tuple], display: str) -> None:
    """Each record's code as the ledger spells it (ｃｘ－００５ in a list is the ledger's
    CX-005, not a second project), and its name the ledger's for that code (SPEC §7.1, 7.3).

    Raises Rejected naming both projects when a row's name is another project's."""
    from .ingest import values

    by_code = {code: (code, name) for _pid, code, _fp, _state, name in known}
    by_key = None
    problems = []
    names_by_key = None
    label = PROJECT_FIELDS["name"].label
    for r in records:
        found = by_code.get(r.code)
        if found is None:
            if by_key is None:
                by_key = {values.code_key(c): (c, n) for c, n in by_code.values()}
            found = by_key.get(values.code_key(r.code))
            if found is None:
                continue  # a new project: its name is the file's own
            r.code = found[0]
        if values.names_agree(r.name, found[1]):
            continue
        if names_by_key is None:
            names_by_key = {}
            for code, name in by_code.values():
                names_by_key.setdefault(values.name_key(name), []).append(code)
        other = names_by_key.get(values.name_key(r.name))
        shown = values.shown(r.name)
        message = (f"'{shown}' is {'/'.join(other)}'s name, not {r.code}'s ({found[1]})" if other
                   else f"'{shown}' is not the name of {r.code} ({found[1]})")
        problems.append(Problem(display, r.row, label, message + "; check the code"))
    if problems:
        raise Rejected(problems)


def _insert_projects(ledger: Ledger, conn: Connection, records: list[ProjectRecord],
                     stamp: str) -> None:
    if not records:
        return
    columns = _PROJECT_COLUMNS + ("fingerprint", "state", "created_at", "updated_at")
    row = attrgetter(*_PROJECT_COLUMNS, "fingerprint")
    tail = ("active", stamp, stamp)
    insert_many(ledger, conn, "project", columns, (row(r) + tail for r in records))
    ids = dict(_driver_rows(conn, "SELECT code, id FROM project"))
    insert_many(ledger, conn, "project_plan", ("project_id", "year", "amount"), (
        (ids[r.code], year, amount) for r in records for year, amount in r.plans.items()))


def _update_projects(ledger: Ledger, conn: Connection, records: list[ProjectRecord],
                     existing: dict[str, tuple[int, str]], batch: int, stamp: str) -> list[tuple]:
    """Apply changed fields and keep each change (old → new) in project_history.

    Returns the history rows written: (project id, at, batch, field, old, new, reason).
    """
    ids = [existing[r.code][0] for r in records]
    fields = ProjectRecord.FIELDS
    mark = "?" if ledger.is_sqlite else "%s"
    project_sql = f"SELECT id, {', '.join(fields)} FROM project"
    plan_sql = "SELECT project_id, year, amount FROM project_plan"
    if len(ids) * 4 > len(existing):
        # Most of the ledger changes: one pass over it beats looking each project up.
        wanted = set(ids)
        old_rows = {row[0]: row[1:] for row in _driver_rows(conn, project_sql)
                    if row[0] in wanted}
        plan_rows = [row for row in _driver_rows(conn, plan_sql) if row[0] in wanted]
    else:
        old_rows, plan_rows = {}, []
        for chunk_start in range(0, len(ids), 500):
            chunk = ids[chunk_start:chunk_start + 500]
            where = f" IN ({', '.join(mark for _ in chunk)})"
            old_rows.update((row[0], row[1:]) for row in
                            _driver_rows(conn, f"{project_sql} WHERE id{where}", chunk))
            plan_rows += _driver_rows(conn, f"{plan_sql} WHERE project_id{where}", chunk)
    old_plans: dict[int, dict[int, int]] = {}
    for pid, year, amount in plan_rows:
        old_plans.setdefault(pid, {})[year] = amount

    history = []
    replaced_plans = []
    field_values = attrgetter(*fields)
    for r, pid in zip(records, ids, strict=True):
        new, old = field_values(r), old_rows[pid]
        plans_before = old_plans.get(pid, {})
        # The changed fields and plans (a year the list leaves out keeps its plan), by name.
        changes = [] if old == new else [
            (f, before, after) for f, before, after in zip(fields, old, new, strict=True)
            if before != after]
        if r.plans != plans_before:
            for year, amount in r.plans.items():
                if plans_before.get(year) != amount:
                    changes.append((f"plan_{year}", plans_before.get(year), amount))
                    replaced_plans.append((pid, year, amount))
        for key, before, after in sorted(changes, key=itemgetter(0)):
            history.append((pid, stamp, batch, key, None if before is None else str(before),
                            None if after is None else str(after), None))
    sets = ", ".join(f"{f} = {mark}" for f in fields)
    raw = conn.connection.driver_connection
    cur = raw.cursor()
    try:
        cur.executemany(f"UPDATE project SET {sets}, fingerprint = {mark}, updated_at = {mark}"
                        f" WHERE id = {mark}", ((*field_values(r), r.fingerprint, stamp, pid)
                                                for r, pid in zip(records, ids, strict=True)))
        if replaced_plans:
            cur.executemany(f"DELETE FROM project_plan WHERE project_id = {mark} AND year = {mark}",
                            [(pid, year) for pid, year, _amount in replaced_plans])
    finally:
        cur.close()
    insert_many(ledger, conn, "project_plan", ("project_id", "year", "amount"), replaced_plans)
    insert_many(ledger, conn, "project_history",
                ("project_id", "changed_at", "batch_id", "field", "old_value", "new_value",
                 "reason"), history)
    return history


def _driver_rows(conn: Connection, sql: str, params: Sequence = ()) -> list[tuple]:
    """All rows of a query, read on the driver connection (no SQLAlchemy row objects)."""
    cur = conn.connection.driver_connection.cursor()
    try:
        cur.execute(sql, params)
        return cur.fetchall()
    finally:
        cur.close()
