"""The ledger as recorded by a moment: the relations every report reads (SPEC §8).

Each function returns an SQL relation (a table name, or a parenthesised SELECT using the
`:known_at` parameter, a UTC stamp) that queries use in place of the table, so any query —
the report's, or one added later — reads projects, plans, targets and entries as of a moment
by joining these. `known_at=None` means everything known now.

How the past is kept. The project and project_plan tables hold the present; database
triggers copy a row's previous state into project_past / plan_past whenever any writer
changes it, stamped with the project's updated_at (which every writer sets to the stamp of
its change). A version table written by the triggers is exact by construction and cannot be
forgotten by a new writer; reconstructing the past by undoing project_history would depend
on every writer recording every field, typed back from text. project_history stays the
readable record of what changed (field: old → new, reason), which `report diff` shows.

  project as of T:  the current row if updated_at <= T, else the past row valid over T
                    ([valid_from, valid_to) — a project imported after T has neither).
  plan as of T:     the earliest plan_past row after T (its amount, NULL: there was no plan
                    then), else the current plan, for projects created by T.
  target in force:  per year and scope, the latest set by T (by set_at, then id).
  entry as of T:    per project and month, the latest entry recorded by T.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

# The project's columns a past state keeps (everything but the id, fingerprint and stamps).
PROJECT_COLUMNS = ("code", "name", "enterprise", "region", "category", "sector", "industry",
                   "stage", "total_investment", "responsible_unit", "planned_start",
                   "planned_completion", "content", "state", "withdrawn_month",
                   "withdrawn_reason", "replaces")
_NOT_NULL = {"code", "name", "enterprise", "region", "category", "sector", "stage",
             "total_investment", "state"}
_MONEY = {"total_investment"}


def projects(known_at: str | None) -> str:
    """(id, code, name, …, replaces): the projects recorded by then, as they stood."""
    if known_at is None:
        return "project"
    cols = ", ".join(PROJECT_COLUMNS)
    return (f"(SELECT id, {cols} FROM project WHERE updated_at <= :known_at"
            f" UNION ALL SELECT project_id AS id, {cols} FROM project_past"
            " WHERE valid_from <= :known_at AND valid_to > :known_at)")


def plans(known_at: str | None) -> str:
    """(project_id, year, amount): the yearly plans as they stood."""
    if known_at is None:
        return "project_plan"
    return ("(SELECT pp.project_id, pp.year, pp.amount FROM project_plan pp"
            " JOIN project pr ON pr.id = pp.project_id WHERE pr.created_at <= :known_at"
            " AND NOT EXISTS (SELECT 1 FROM plan_past x WHERE x.project_id = pp.project_id"
            " AND x.year = pp.year AND x.valid_to > :known_at)"
            " UNION ALL SELECT x.project_id, x.year, x.amount FROM plan_past x"
            " JOIN project pr ON pr.id = x.project_id WHERE pr.created_at <= :known_at"
            " AND x.valid_to > :known_at AND x.amount IS NOT NULL AND NOT EXISTS ("
            " SELECT 1 FROM plan_past z WHERE z.project_id = x.project_id AND z.year = x.year"
            " AND z.valid_to > :known_at AND (z.valid_to < x.valid_to"
            " OR (z.valid_to = x.valid_to AND z.id < x.id))))")


def targets(known_at: str | None) -> str:
    """(id, year, category, sector, amount, projects, source, set_at): one per scope, in force.

    The latest set by recorded time wins (ties by id); COALESCE makes NULL scopes ("all")
    compare equal.
    """
    by = " AND t.set_at <= :known_at" if known_at is not None else ""
    later = " AND u.set_at <= :known_at" if known_at is not None else ""
    return ("(SELECT t.id, t.year, t.category, t.sector, t.amount, t.projects, t.source,"
            f" t.set_at FROM target t WHERE 1 = 1{by} AND NOT EXISTS (SELECT 1 FROM target u"
            " WHERE u.year = t.year AND COALESCE(u.category, '') = COALESCE(t.category, '')"
            f" AND COALESCE(u.sector, '') = COALESCE(t.sector, ''){later}"
            " AND (u.set_at > t.set_at OR (u.set_at = t.set_at AND u.id > t.id))))")


def entries(known_at: str | None, *, index_hint: str = "", text: bool = False) -> str:
    """(project_id, month, amount, status, problem[, progress_text]): the effective entries.

    Now: the entries nobody superseded (`index_hint`, e.g. SQLite's INDEXED BY, applies to
    this case only). At a past moment: per project and month, the latest entry recorded by
    then (by recorded_at, then id), whatever superseded it later. `text` adds the 形象进度
    sentence as written (a covering-index read leaves it out).
    """
    extra = ", progress_text" if text else ""
    if known_at is None:
        return (f"(SELECT project_id, month, amount, status, problem{extra} FROM progress_entry"
                f"{index_hint} WHERE superseded_by IS NULL)")
    return (f"(SELECT e.project_id, e.month, e.amount, e.status, e.problem{extra.replace(' ', ' e.')}"
            " FROM progress_entry e WHERE e.recorded_at <= :known_at AND NOT EXISTS ("
            " SELECT 1 FROM progress_entry l WHERE l.project_id = e.project_id"
            " AND l.month = e.month AND l.recorded_at <= :known_at"
            " AND (l.recorded_at > e.recorded_at OR (l.recorded_at = e.recorded_at"
            " AND l.id > e.id))))")


# --- schema: the past tables, the triggers that fill them, the issued reports ---------------


def _column_ddl() -> str:
    types = {c: "BIGINT" if c in _MONEY else "TEXT" for c in PROJECT_COLUMNS}
    return ",\n        ".join(f"{c} {types[c]}{' NOT NULL' if c in _NOT_NULL else ''}"
                              for c in PROJECT_COLUMNS)


def _tables() -> list[str]:
    return [
        f"""CREATE TABLE project_past (
        id {{id}},
        project_id BIGINT NOT NULL REFERENCES project(id),
        valid_from TEXT NOT NULL,
        valid_to TEXT NOT NULL,
        {_column_ddl()}
    )""",
        "CREATE INDEX project_past_at ON project_past(valid_to, valid_from)",
        """CREATE TABLE plan_past (
        id {id},
        project_id BIGINT NOT NULL REFERENCES project(id),
        year INTEGER NOT NULL,
        amount BIGINT,
        valid_to TEXT NOT NULL
    )""",
        "CREATE INDEX plan_past_project ON plan_past(project_id, year, valid_to)",
        "CREATE INDEX target_set ON target(year, set_at)",
        """CREATE TABLE issued_report (
        id {id},
        kind TEXT NOT NULL,
        period TEXT NOT NULL,
        options TEXT NOT NULL,
        known_at TEXT NOT NULL,
        issued_at TEXT NOT NULL,
        issued_by TEXT,
        note TEXT,
        sha256 TEXT NOT NULL,
        body TEXT NOT NULL
    )""",
        "CREATE INDEX issued_report_period ON issued_report(kind, period)",
    ]


def _keep_project(old: str = "OLD.") -> str:
    cols = ", ".join(PROJECT_COLUMNS)
    values = ", ".join(old + c for c in PROJECT_COLUMNS)
    return (f"INSERT INTO project_past (project_id, valid_from, valid_to, {cols})"
            f" VALUES (OLD.id, OLD.updated_at, NEW.updated_at, {values});")


def _keep_plan(row: str, amount: str) -> str:
    """plan_past gets (row's project, year, amount) valid until the project's change stamp."""
    return ("INSERT INTO plan_past (project_id, year, amount, valid_to)"
            f" SELECT {row}.project_id, {row}.year, {amount}, p.updated_at FROM project p"
            f" WHERE p.id = {row}.project_id")


# A plan inserted for a project that existed before (created_at < updated_at, the stamp of
# the change) did not exist until then: plan_past records its absence (amount NULL).
_EXISTED = "p.created_at < p.updated_at"


def _sqlite_triggers() -> list[str]:
    return [
        "CREATE TRIGGER project_keep_past AFTER UPDATE ON project"
        f" WHEN OLD.updated_at < NEW.updated_at BEGIN {_keep_project()} END",
        "CREATE TRIGGER plan_keep_past_delete AFTER DELETE ON project_plan"
        f" BEGIN {_keep_plan('OLD', 'OLD.amount')}; END",
        "CREATE TRIGGER plan_keep_past_update AFTER UPDATE ON project_plan"
        f" WHEN OLD.amount IS NOT NEW.amount BEGIN {_keep_plan('OLD', 'OLD.amount')}; END",
        "CREATE TRIGGER plan_keep_absence AFTER INSERT ON project_plan"
        f" BEGIN {_keep_plan('NEW', 'NULL')} AND {_EXISTED}; END",
    ]


def _postgresql_triggers() -> list[str]:
    """The same rules per statement, over its transition tables: a COPY of 100,000 plans runs
    one INSERT … SELECT instead of 100,000 trigger calls."""
    cols = ", ".join(PROJECT_COLUMNS)
    old_cols = ", ".join("o." + c for c in PROJECT_COLUMNS)

    def function(name: str, body: str) -> str:
        return (f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$"
                f" BEGIN {body}; RETURN NULL; END $$")

    def trigger(name: str, event: str, table: str, tables: str, fn: str) -> str:
        return (f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {tables}"
                f" FOR EACH STATEMENT EXECUTE FUNCTION {fn}()")

    keep_plan = "INSERT INTO plan_past (project_id, year, amount, valid_to)"
    return [
        function("innovtrack_project_keep_past",
                 f"INSERT INTO project_past (project_id, valid_from, valid_to, {cols})"
                 f" SELECT o.id, o.updated_at, n.updated_at, {old_cols} FROM old_rows o"
                 " JOIN new_rows n ON n.id = o.id WHERE o.updated_at < n.updated_at"),
        trigger("project_keep_past", "UPDATE", "project",
                "OLD TABLE AS old_rows NEW TABLE AS new_rows", "innovtrack_project_keep_past"),
        function("innovtrack_plan_keep_deleted",
                 f"{keep_plan} SELECT o.project_id, o.year, o.amount, p.updated_at"
                 " FROM old_rows o JOIN project p ON p.id = o.project_id"),
        trigger("plan_keep_past_delete", "DELETE", "project_plan", "OLD TABLE AS old_rows",
                "innovtrack_plan_keep_deleted"),
        function("innovtrack_plan_keep_updated",
                 f"{keep_plan} SELECT o.project_id, o.year, o.amount, p.updated_at"
                 " FROM old_rows o JOIN new_rows n ON n.project_id = o.project_id"
                 " AND n.year = o.year JOIN project p ON p.id = o.project_id"
                 " WHERE o.amount IS DISTINCT FROM n.amount"),
        trigger("plan_keep_past_update", "UPDATE", "project_plan",
                "OLD TABLE AS old_rows NEW TABLE AS new_rows", "innovtrack_plan_keep_updated"),
        function("innovtrack_plan_keep_absence",
                 f"{keep_plan} SELECT n.project_id, n.year, NULL, p.updated_at"
                 f" FROM new_rows n JOIN project p ON p.id = n.project_id WHERE {_EXISTED}"),
        trigger("plan_keep_absence", "INSERT", "project_plan", "NEW TABLE AS new_rows",
                "innovtrack_plan_keep_absence"),
    ]


def version_ddl(dialect: str) -> list[str]:
    """The statements of the migration that adds the past tables and their triggers."""
    return _tables() + (_sqlite_triggers() if dialect == "sqlite" else _postgresql_triggers())


def backfill_past(conn: Connection) -> None:
    """A ledger from before this migration: rebuild the past states from project_history.

    Walking each project's changes from the newest back, undoing each group of changes made
    at one stamp gives the state before it; plan changes become plan_past rows.
    """
    from sqlalchemy import text

    cols = ", ".join(PROJECT_COLUMNS)
    current = {row[0]: row for row in conn.execute(text(
        f"SELECT id, created_at, {cols} FROM project"))}
    changes: dict[int, list] = {}
    for row in conn.execute(text(
            "SELECT project_id, changed_at, field, old_value FROM project_history"
            " ORDER BY project_id, changed_at DESC, id DESC")):
        changes.setdefault(row[0], []).append(row)
    past_rows, plan_rows = [], []
    for pid, history in changes.items():
        if pid not in current:
            continue
        created = current[pid][1]
        state = dict(zip(PROJECT_COLUMNS, current[pid][2:], strict=True))
        stamps = sorted({h[1] for h in history}, reverse=True)
        for i, stamp in enumerate(stamps):
            for _pid, _at, name, old in (h for h in history if h[1] == stamp):
                if name.startswith("plan_") and name[5:].isdigit():
                    plan_rows.append(dict(p=pid, y=int(name[5:]),
                                          a=None if old is None else int(old), t=stamp))
                elif name in state:
                    state[name] = int(old) if name in _MONEY and old is not None else old
                    if name == "state" and old == "active":
                        state["withdrawn_reason"] = None
            since = stamps[i + 1] if i + 1 < len(stamps) else created
            past_rows.append(dict(state, project_id=pid, valid_from=since, valid_to=stamp))
    if past_rows:
        conn.execute(text(
            f"INSERT INTO project_past (project_id, valid_from, valid_to, {cols}) VALUES"
            f" (:project_id, :valid_from, :valid_to, {', '.join(':' + c for c in PROJECT_COLUMNS)})"
        ), past_rows)
    if plan_rows:
        conn.execute(text("INSERT INTO plan_past (project_id, year, amount, valid_to)"
                          " VALUES (:p, :y, :a, :t)"), plan_rows)
