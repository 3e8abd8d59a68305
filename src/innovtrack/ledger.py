"""Writing the ledger: project lists (with their change history) and import batches.

Every write happens in one transaction (db.Ledger.write), so a rejected or interrupted import
leaves the ledger exactly as it was. Bulk paths go through the driver's executemany/COPY with
no per-row ORM objects.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .db import Ledger, now_text
from .errors import Rejected
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

        def counted():
            nonlocal count
            for row in rows:
                count += 1
                yield row

        cur.executemany(sql, counted())
        cur.close()
        return count
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
                 added: int, updated: int, unchanged: int, by: str | None) -> int:
    from sqlalchemy import text

    return conn.execute(
        text("INSERT INTO import_batch (kind, file_name, content_hash, rows_read, added,"
             " updated, unchanged, imported_at, imported_by)"
             " VALUES (:k, :f, :h, :r, :a, :u, :n, :t, :b) RETURNING id"),
        dict(k=kind, f=file_name, h=digest, r=rows, a=added, u=updated, n=unchanged,
             t=now_text(), b=by)).scalar_one()


# --- project lists ----------------------------------------------------------------------

_PROJECT_COLUMNS = ("code",) + ProjectRecord.FIELDS


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
    path = Path(path)
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
    digest = file_hash(path)
    by = by or current_user()

    try:
        with ledger.write() as conn:
            if not ledger.is_sqlite:
                # List imports queue behind one another (SQLite's BEGIN IMMEDIATE does this):
                # two at once would both find a code new and the second would fail on it.
                conn.exec_driver_sql("LOCK TABLE project IN SHARE ROW EXCLUSIVE MODE")
            prior = find_batch(conn, "projects", digest)
            existing = {code: (pid, fp) for pid, code, fp in conn.exec_driver_sql(
                "SELECT id, code, fingerprint FROM project")}
            listed = {r.code for r in checked.records}
            result.absent = sorted(code for (code,) in conn.exec_driver_sql(
                "SELECT code FROM project WHERE state = 'active'") if code not in listed)
            new = [r for r in checked.records if r.code not in existing]
            changed = [r for r in checked.records
                       if r.code in existing and existing[r.code][1] != r.fingerprint]
            result.added = [r.code for r in new]
            result.updated = [r.code for r in changed]
            result.unchanged = len(checked.records) - len(new) - len(changed)
            if prior is not None and not result.changed:
                result.already = (f"batch #{prior.id}, {prior.file_name}, "
                                  f"at {prior.imported_at[:19]}")
            if not result.changed:
                return result  # nothing was written; the empty transaction ends
            stamp = now_text()
            batch = record_batch(conn, kind="projects", file_name=str(path), digest=digest,
                                 rows=len(checked.records), added=len(new),
                                 updated=len(changed), unchanged=result.unchanged, by=by)
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


def _insert_projects(ledger: Ledger, conn: Connection, records: list[ProjectRecord],
                     stamp: str) -> None:
    if not records:
        return
    columns = _PROJECT_COLUMNS + ("state", "fingerprint", "created_at", "updated_at")
    insert_many(ledger, conn, "project", columns, (
        (r.code, *(getattr(r, f) for f in ProjectRecord.FIELDS), "active", r.fingerprint,
         stamp, stamp) for r in records))
    ids = dict(conn.exec_driver_sql("SELECT code, id FROM project").all())
    insert_many(ledger, conn, "project_plan", ("project_id", "year", "amount"), (
        (ids[r.code], year, amount) for r in records for year, amount in r.plans.items()))


def _update_projects(ledger: Ledger, conn: Connection, records: list[ProjectRecord],
                     existing: dict[str, tuple[int, str]], batch: int, stamp: str) -> list[tuple]:
    """Apply changed fields and keep each change (old → new) in project_history.

    Returns the history rows written: (project id, at, batch, field, old, new, reason).
    """
    from sqlalchemy import bindparam, text

    ids = [existing[r.code][0] for r in records]
    old_rows: dict[int, dict] = {}
    old_plans: dict[int, dict[int, int]] = {}
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start:chunk_start + 500]
        for row in conn.execute(text("SELECT * FROM project WHERE id IN :ids")
                                .bindparams(bindparam("ids", expanding=True)), {"ids": chunk}):
            old_rows[row.id] = dict(row._mapping)
        for pid, year, amount in conn.execute(
                text("SELECT project_id, year, amount FROM project_plan WHERE project_id IN :ids")
                .bindparams(bindparam("ids", expanding=True)), {"ids": chunk}):
            old_plans.setdefault(pid, {})[year] = amount

    history = []
    for r in records:
        pid = existing[r.code][0]
        old = old_rows[pid]
        old_values = {f: old[f] for f in ProjectRecord.FIELDS}
        for year, amount in sorted(old_plans.get(pid, {}).items()):
            old_values[f"plan_{year}"] = amount
        new_values = r.values()
        for key in sorted(set(old_values) | set(new_values)):
            before, after = old_values.get(key), new_values.get(key)
            if key.startswith("plan_") and key not in new_values:
                continue  # a list without that year's column does not erase the plan
            if before != after:
                history.append((pid, stamp, batch, key, None if before is None else str(before),
                                None if after is None else str(after), None))
        sets = ", ".join(f"{f} = :{f}" for f in ProjectRecord.FIELDS)
        conn.execute(text(f"UPDATE project SET {sets}, fingerprint = :fp, updated_at = :at"
                          " WHERE id = :id"),
                     {**{f: getattr(r, f) for f in ProjectRecord.FIELDS}, "fp": r.fingerprint,
                      "at": stamp, "id": pid})
        for year, amount in r.plans.items():
            if old_plans.get(pid, {}).get(year) == amount:
                continue
            conn.execute(text("DELETE FROM project_plan WHERE project_id = :p AND year = :y"),
                         dict(p=pid, y=year))
            conn.execute(text("INSERT INTO project_plan (project_id, year, amount)"
                              " VALUES (:p, :y, :a)"), dict(p=pid, y=year, a=amount))
    insert_many(ledger, conn, "project_history",
                ("project_id", "changed_at", "batch_id", "field", "old_value", "new_value",
                 "reason"), history)
    return history
