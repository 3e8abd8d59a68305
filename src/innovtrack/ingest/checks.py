"""Checking monthly progress: each file is read once into typed rows, then a list of named checks.

ROW_CHECKS look at one typed row alone (a month in the programme's years, nothing negative,
a reason for a correction, something reported). The rows then go into a staging table
(TEMP intake_row) on the import's own transaction, and LEDGER_CHECKS run as set-based SQL
over it, alike on SQLite and PostgreSQL: unknown codes, names against codes, withdrawn
projects, a project's month twice in the file, months already recorded, year-to-date against
the earlier months, status order. Each check returns its problems as data and may set `skip`
on the rows it found wrong, so that later checks do not report them twice. Adding a rule is
adding one function to a list. Nothing is written to the ledger until every check passed;
then the entries are inserted from the staging table in one statement.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING

from .. import programme
from ..clock import shown
from ..errors import Problem
from ..money import UNITS, fast_to_yuan
from . import progress as _limits
from . import values
from .progress import Checked, Layout, MonthSummary, nearest_codes, wan, ytd_disagrees
from .status import status_from_text

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

STAGE = "intake_row"
# The staging table's columns, in the order Staged rows carry them.
STAGED_COLUMNS = ("row", "code", "name", "month", "amount", "ytd", "step", "status",
                  "progress_text", "problem", "note", "reported_by", "reason", "blank",
                  "since_start", "since_step", "before_year", "before_step", "problem_unit",
                  "due", "resolution")
_SUGGEST_LIMIT = 20  # distinct unknown codes that get "nearest" hints (difflib is slow)
_CACHE_LIMIT = 50_000  # distinct cell texts kept parsed, per reader; bounded for memory


# --- reading one row -------------------------------------------------------------------------


@dataclass
class Context:
    """What the checks of one file (or one command) share: its layout, the programme's years,
    the problems found so far and the counts the notice reports."""

    layout: Layout
    years: frozenset[int]
    this_month: str
    corrections: bool
    out: Checked = field(default_factory=Checked)
    months: dict = field(default_factory=dict)  # month cell -> label, or ("!", error)
    month_errors: dict = field(default_factory=dict)  # label -> why the file may not have it
    money: dict = field(default_factory=dict)  # field -> {cell: (元, rounded) or error text}
    steps: dict = field(default_factory=dict)  # ytd cell -> 元 of its last digit
    statuses: dict = field(default_factory=dict)  # status cell -> code, or None (unknown)
    pick: Callable | None = None  # the fields of a row by position (read_row sets it)
    width: int = 0

    def problem(self, row: int | None, fieldname: str, message: str) -> None:
        out = self.out
        if len(out.problems) < _limits.PROBLEM_LIMIT:
            file, row = self.layout.where(row)
            out.problems.append(Problem(file, row or None, self.layout.name(fieldname), message))
        else:
            out.unlisted += 1


@dataclass(slots=True)
class Staged:
    """One row as typed: amounts in 元, the month as YYYY-MM, the status as its code."""

    row: int  # the row a person sees (0 for a command)
    code: str
    name: str | None
    month: str | None
    amount: int | None
    ytd: int | None
    step: int  # 元 in one unit of the year-to-date's last digit (SPEC §2)
    status: str | None
    progress_text: str | None  # the 形象进度 cell as written
    problem: str | None
    note: str | None
    reported_by: str | None
    reason: str | None
    blank: int = 0  # 1: a template row naming a project and reporting nothing
    # Other key-project systems' files (SPEC §6, last part): investment since the project
    # started, through the report month or through the end of the year before (元, with the
    # 元 of its last digit); and for the problem ledger (§9) the unit that is to solve the
    # problem (责任单位或责任人), its due month (解决时限) and how it stands (解决情况).
    since_start: int | None = None
    since_step: int = 1
    before_year: int | None = None
    before_step: int = 1
    problem_unit: str | None = None
    due: str | None = None
    resolution: str | None = None

    def values(self) -> tuple:
        return (self.row, self.code, self.name, self.month, self.amount, self.ytd, self.step,
                self.status, self.progress_text, self.problem, self.note, self.reported_by,
                self.reason, int(self.blank), self.since_start, self.since_step,
                self.before_year, self.before_step, self.problem_unit, self.due,
                self.resolution)


def _month_of(ctx: Context, number: int, raw: object) -> str | None:
    """The month of a cell (or of the file); a problem and None when it is not one."""
    if "month" not in ctx.layout.index:  # the month the file states (checked by _layout)
        return ctx.layout.month
    if values.text(raw) == "":
        ctx.problem(number, "month", "required value missing")
        return None
    try:
        label = ctx.months.get(raw)
    except TypeError:  # an unhashable cell
        label = None
    if label is None:
        try:
            label = values.month(raw)
        except values.CellError as exc:
            label = ("!", str(exc))
        if len(ctx.months) < _CACHE_LIMIT:
            ctx.months[raw] = label
    if isinstance(label, tuple):
        ctx.problem(number, "month", label[1])
        return None
    return label


def _money_of(ctx: Context, number: int, raw: object, fieldname: str) -> tuple[int | None, bool]:
    """(元 or None for an empty cell, ok). Each distinct cell text is read once per file."""
    if raw is None or raw == "":
        return None, True
    cache = ctx.money.setdefault(fieldname, {})
    try:
        found = cache.get(raw)
    except TypeError:  # an unhashable cell
        found = None
    if found is None:
        unit = ctx.layout.units.get(fieldname, "万元")
        yuan = fast_to_yuan(raw, UNITS[unit]) if raw.__class__ is str else None
        if yuan is not None:  # plain digits, the common cell: read without Decimal
            found = (yuan, False)
        elif isinstance(raw, str) and not raw.strip():
            found = (None, False)
        else:
            try:
                found = values.amount(raw, unit)
            except values.CellError as exc:
                found = str(exc)
        if len(cache) < _CACHE_LIMIT:
            cache[raw] = found
    if found.__class__ is str:
        ctx.problem(number, fieldname, found)
        return None, False
    if found[1]:
        ctx.out.rounded += 1
    return found[0], True


def _step_of(ctx: Context, raw: object) -> int:
    step = ctx.steps.get(raw) if raw.__class__ in (str, int, float) else None
    if step is None:
        step = values.step(raw, ctx.layout.units.get("ytd", "万元"))
        if len(ctx.steps) < _CACHE_LIMIT:
            ctx.steps[raw] = step
    return step


def _status_of(ctx: Context, number: int, text: str) -> tuple[str | None, bool]:
    """(status code or None for an empty cell, ok). A sentence is read by its keywords only
    when they point one way (ingest/status.py); each such row is counted for the notice."""
    if not text:
        return None, True
    code = ctx.statuses.get(text, "")
    if code == "":
        try:
            code = programme.status_code(text)
        except programme.UnknownValue:
            code = None
        if len(ctx.statuses) < _CACHE_LIMIT:
            ctx.statuses[text] = code
    if code is not None:
        return code, True
    worded = status_from_text(text)
    if worded is None:
        # No guess offered: a wrong one would move the 开复工 and 投产 counts.
        ctx.problem(number, "status", f"unknown status '{values.shown(text)}': its words point "
                                      "to no one status; write one of 前期, 在建, 建成投产, 停缓建 "
                                      f"in {ctx.layout.name('status')}")
        return None, False
    ctx.out.status_words += 1
    if len(ctx.out.sentences) < _CACHE_LIMIT:
        ctx.out.sentences.setdefault(text, worded)
    return worded, True


_READ = ("code", "name", "month", "amount", "ytd", "status", "problem", "note", "reported_by",
         "reason", "since_start", "before_year", "problem_unit", "due", "resolution")


def _text(cell: object) -> str | None:
    if cell is None:
        return None
    if cell.__class__ is str:
        return cell.strip() or None
    return values.text(cell) or None


def read_row(ctx: Context, number: int | None, cells: list) -> Staged | None:
    """A row's cells as a Staged row; None (with its problems noted) when a cell is unreadable.

    Reading is checking for what a cell can be alone: a control character or an overlong cell
    (SPEC §7.10), a month, amounts and a status that can be read."""
    lay = ctx.layout
    if ctx.pick is None:  # the fields' positions, once per file; a missing field reads None
        width = max(lay.index.values()) + 1
        ctx.width = width
        ctx.pick = itemgetter(*(lay.index.get(f, width) for f in _READ))
    width = ctx.width
    row = cells[:width]
    row += [None] * (width + 1 - len(row))
    number = number or 0
    damaged = values.cell_problem(cells)
    if damaged is not None:
        fields_at = {pos: f for f, pos in lay.index.items()}
        pos, message = damaged
        ctx.problem(number, fields_at.get(pos, f"column {pos + 1}"), message)
        return None
    (code, name, month, amount, ytd, sentence, problem, note, by, reason, since, before,
     problem_unit, due, resolution) = ctx.pick(row)

    ok = True
    if code.__class__ is str and code.isascii() and code.isprintable():
        code = code.strip()
    else:  # full-width, a BOM, a U+200B, a number
        code = values.clean_code(code)
    name = _text(name)
    if not code and not name:
        ctx.problem(number, "code", "required value missing")
        ok = False
    month = _month_of(ctx, number, month)
    ok &= month is not None
    raw_ytd = ytd
    amount, good = _money_of(ctx, number, amount, "amount")
    ok &= good
    ytd, good = _money_of(ctx, number, ytd, "ytd")
    ok &= good
    step = 1 if ytd is None else _step_of(ctx, raw_ytd)
    sentence = _text(sentence)
    status, good = _status_of(ctx, number, sentence or "")
    ok &= good
    raw_since, raw_before = since, before
    since, good = _money_of(ctx, number, since, "since_start")
    ok &= good
    before, good = _money_of(ctx, number, before, "before_year")
    ok &= good
    due = _due_of(ctx, number, due, month)
    if not ok:
        return None
    staged = Staged(number, code, name, month, amount, ytd, step, status, sentence,
                    _text(problem), _text(note), _text(by), _text(reason))
    if since is not None:
        staged.since_start = since
        staged.since_step = values.step(raw_since, lay.units.get("since_start", "万元"))
    if before is not None:
        staged.before_year = before
        staged.before_step = values.step(raw_before, lay.units.get("before_year", "万元"))
    staged.problem_unit, staged.due, staged.resolution = (_text(problem_unit), due,
                                                          _text(resolution))
    return staged


_DUE_MONTH = re.compile(r"^(?:(\d{4})\s*年)?\s*(\d{1,2})\s*月\s*(?:份|底|末|初|中|上旬|中旬|下旬)?"
                        r"(?:前|以前|之前)?$")
_DUE_YEAR_END = re.compile(r"^(?:(\d{4})\s*年|本年|今年)?\s*(?:年底|年末|底|末|年内|内)"
                           r"(?:前|以前|之前)?$")


def _due_of(ctx: Context, number: int, raw: object, month: str | None) -> str | None:
    """The due month of a 解决时限 cell (SPEC §6): a date or a month, 8月底 in the report's
    year, 年底前 its December. A cell that names no month (长期, 尽快) leaves it to the
    problem ledger's default and is counted for the notice."""
    shown = _text(raw)
    if shown is None or shown in values.PLACEHOLDERS:
        return None
    try:
        return values.month(raw)
    except values.CellError:
        pass
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", shown))
    m = _DUE_MONTH.match(key)
    if m and 1 <= int(m.group(2)) <= 12 and (m.group(1) or month):
        return f"{m.group(1) or month[:4]}-{int(m.group(2)):02d}"
    m = _DUE_YEAR_END.match(key)
    if m and (m.group(1) or month):
        return f"{m.group(1) or month[:4]}-12"
    ctx.out.due_unread[shown] = ctx.out.due_unread.get(shown, 0) + 1
    return None


# --- the checks of one row ----------------------------------------------------------------------


def month_in_programme(ctx: Context, r: Staged) -> list[tuple[str, str]]:
    """A month of the programme's years, not in the future, and the one the file states."""
    error = ctx.month_errors.get(r.month)
    if error is None:
        year = int(r.month[:4])
        lay = ctx.layout
        error = ""
        if year not in ctx.years:
            known = ", ".join(str(y) for y in sorted(ctx.years)) or "none"
            error = (f"{r.month} is outside the programme's years ({known}): {year} has no "
                     "target and no project plan")
        elif r.month > ctx.this_month:
            error = f"{r.month} is in the future (this month is {ctx.this_month})"
        elif lay.month and r.month != lay.month:
            error = f"{r.month} is not the report's month {lay.month}"
        elif lay.period and int(r.month[5:]) != lay.period:
            error = (f"{r.month} is not the report's month ({lay.period}月, as its column "
                     "headers say)")
        ctx.month_errors[r.month] = error
    return [("month", error)] if error else _NONE


def not_negative(ctx: Context, r: Staged) -> list[tuple[str, str]]:
    """A month can only be negative as a correction with its reason."""
    found = []
    if ctx.corrections:
        return found
    if r.amount is not None and r.amount < 0:
        found.append(("amount", f"negative amount {wan(r.amount)}: a month can only be negative "
                                "as a correction with a reason (`innovtrack progress correct`)"))
    if r.ytd is not None and r.ytd < 0:
        found.append(("ytd", f"negative year-to-date {wan(r.ytd)}"))
    return found


def reason_given(ctx: Context, r: Staged) -> list[tuple[str, str]]:
    if ctx.corrections and r.reason is None:
        return [("reason", "required value missing (a correction needs its reason)")]
    return _NONE


def something_reported(ctx: Context, r: Staged) -> list[tuple[str, str]]:
    """A row with a problem or a status but no figure is not "nothing": it owes its amount."""
    if r.amount is None and r.ytd is None and not r.blank:
        return [("amount", "required value missing (give the month's amount, the year-to-date "
                           "figure, or both)")]
    return _NONE


_NONE: list = []  # what a check returns for a sound row (never appended to)


ROW_CHECKS: tuple[Callable[[Context, Staged], list[tuple[str, str]]], ...] = (
    month_in_programme, not_negative, reason_given, something_reported,
)


def typed_rows(ctx: Context, rows: Iterable[tuple[int | None, list]]) -> Iterator[Staged]:
    """Every row that reads and passes ROW_CHECKS, typed; the others leave their problems."""
    blank_ok = ctx.layout.skip_blank
    count = 0
    for number, cells in rows:
        count += 1
        r = read_row(ctx, number, cells)
        if r is None:
            continue
        if blank_ok and r.amount is None and r.ytd is None and r.status is None \
                and r.problem is None and r.note is None:
            r.blank = 1  # listed in the office's template, but nothing reported
            ctx.out.blank += 1
        bad = False
        for check in ROW_CHECKS:
            for fieldname, message in check(ctx, r):
                ctx.problem(r.row, fieldname, message)
                bad = True
        if not bad:
            yield r
    ctx.out.rows = count


# --- the staging table -------------------------------------------------------------------------


_STAGE_DDL = f"""CREATE TEMP TABLE {STAGE} (
    row INTEGER PRIMARY KEY, code TEXT NOT NULL, name TEXT, month TEXT NOT NULL,
    amount BIGINT, ytd BIGINT, step BIGINT NOT NULL, status TEXT, progress_text TEXT,
    problem TEXT, note TEXT, reported_by TEXT, reason TEXT, blank INTEGER NOT NULL,
    since_start BIGINT, since_step BIGINT NOT NULL, before_year BIGINT,
    before_step BIGINT NOT NULL, problem_unit TEXT, due TEXT, resolution TEXT,
    project_id BIGINT, skip INTEGER NOT NULL DEFAULT 0, old_id BIGINT, old_amount BIGINT,
    before_sum BIGINT, derived INTEGER NOT NULL DEFAULT 0){{tail}}"""


# Columns a file may lack: staged only when its layout has them (fewer values bound per row).
_OPTIONAL = {"name": "name", "problem": "problem", "note": "note", "reported_by": "reported_by",
             "reason": "reason"}


def stage(conn: Connection, rows: Iterable[Staged], layout: Layout) -> None:
    """Load typed rows into the staging table of this transaction (dropped at its end)."""
    from .. import store

    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {store.temp_name(conn, STAGE)}")
    conn.exec_driver_sql(_STAGE_DDL.replace("{tail}", store.temp_tail(conn)))
    columns = tuple(c for c in STAGED_COLUMNS
                    if c not in _OPTIONAL or _OPTIONAL[c] in layout.index)
    pick = attrgetter(*columns)
    store.insert_many(conn, STAGE, columns, (pick(r) for r in rows))


def staged_projects(conn: Connection) -> dict[int, tuple]:
    """The staged rows the checks matched to a project: row number -> (project id, month,
    the unit to solve its problem, its due month), as the row checks read them."""
    return {row: (pid, month, unit, due) for row, pid, month, unit, due in conn.exec_driver_sql(
        f"SELECT row, project_id, month, problem_unit, due FROM {STAGE}"
        " WHERE project_id IS NOT NULL AND month IS NOT NULL")}


def unstage(conn: Connection) -> None:
    from .. import store

    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {store.temp_name(conn, STAGE)}")


def _rows(conn: Connection, sql: str, params: dict | None = None) -> list:
    from sqlalchemy import text

    return conn.execute(text(sql), params or {}).all()


def _skip(conn: Connection, rows: Iterable[int]) -> None:
    from sqlalchemy import text

    rows = [{"r": r} for r in rows]
    if rows:
        conn.execute(text(f"UPDATE {STAGE} SET skip = 1 WHERE row = :r"), rows)


_LIVE = "skip = 0 AND blank = 0"  # the staged rows still to be checked and written


# --- the checks that need the ledger -------------------------------------------------------------


def known_projects(ctx: Context, conn: Connection) -> None:
    """Each row's project: by its code as the ledger spells it, else by the folded code
    (ｃｘ－００５ is CX-005, SPEC §7.3), else, for a row without a code, by its name (§7.2)."""
    conn.exec_driver_sql(f"UPDATE {STAGE} SET project_id = (SELECT p.id FROM project p"
                         f" WHERE p.code = {STAGE}.code) WHERE code <> ''")
    unmatched = _rows(conn, f"SELECT DISTINCT code FROM {STAGE} WHERE project_id IS NULL"
                            " AND code <> ''")
    if unmatched:
        ledger = _rows(conn, "SELECT id, code FROM project")
        keys = {values.code_key(c): pid for pid, c in ledger}
        found = [{"p": keys[values.code_key(c)], "c": c} for (c,) in unmatched
                 if values.code_key(c) in keys]
        if found:
            from sqlalchemy import text

            conn.execute(text(f"UPDATE {STAGE} SET project_id = :p WHERE code = :c"), found)
        codes = [c for _pid, c in ledger]
        hints: dict[str, str] = {}
        for row, code in _rows(conn, f"SELECT row, code FROM {STAGE} WHERE project_id IS NULL"
                                     " AND code <> '' ORDER BY row"):
            hint = hints.get(code)
            if hint is None:
                hint = ""
                if len(hints) < _SUGGEST_LIMIT:
                    near = nearest_codes(code, codes)
                    hint = f" (nearest: {', '.join(near)})" if near else ""
                hints[code] = hint
            ctx.problem(row, "code", f"unknown project code {values.shown(code)}{hint}")
    nameless = _rows(conn, f"SELECT row, name FROM {STAGE} WHERE code = '' ORDER BY row")
    if nameless:
        index: dict[str, list[tuple[int, str, str]]] = {}
        for pid, code, name in _rows(conn, "SELECT id, code, name FROM project"):
            index.setdefault(values.name_key(name), []).append((pid, code, name))
        found = []
        for row, name in nameless:
            pid = _by_name(ctx, row, name, index)
            if pid is not None:
                found.append({"p": pid, "r": row})
        if found:
            from sqlalchemy import text

            conn.execute(text(f"UPDATE {STAGE} SET project_id = :p WHERE row = :r"), found)
    conn.exec_driver_sql(f"UPDATE {STAGE} SET skip = 1 WHERE project_id IS NULL")
    # Built once the ids are in: the checks after this one look rows up by project and month.
    conn.exec_driver_sql(f"CREATE INDEX {STAGE}_pm ON {STAGE} (project_id, month)")


def _listed(projects: list[tuple[int, str, str]]) -> str:
    projects = sorted(projects, key=lambda p: p[1])
    shown = ", ".join(f"{code} {name}" for _pid, code, name in projects[:5])
    return shown + (f" and {len(projects) - 5} more" if len(projects) > 5 else "")


def _by_name(ctx: Context, row: int, name: str, index: dict) -> int | None:
    """The one project whose folded name is the row's; else an error listing candidates."""
    key = values.name_key(name)
    exact = index.get(key, [])
    if len(exact) == 1:
        return exact[0][0]
    if exact:
        ctx.problem(row, "name", f"no code, and {len(exact)} projects are named "
                                 f"'{values.shown(name)}': {_listed(exact)}; give the code "
                                 "(项目编号)")
        return None
    near = [p for k, ps in index.items() if key and (key in k or k in key) for p in ps]
    which = f"; candidates: {_listed(near)}" if near else ""
    ctx.problem(row, "name", f"no code, and no project is named '{values.shown(name)}'{which};"
                             " give the code (项目编号)")
    return None


def names_agree(ctx: Context, conn: Connection) -> None:
    """A row's name is its code's project's (SPEC §7.1); else an error naming both."""
    rows = _rows(conn, f"SELECT s.row, s.name, p.code, p.name FROM {STAGE} s JOIN project p"
                       f" ON p.id = s.project_id WHERE s.code <> '' AND s.name IS NOT NULL"
                       f" AND s.name <> p.name ORDER BY s.row")
    wrong = [r for r in rows if not values.names_agree(r[1], r[3])]
    if not wrong:
        return
    index: dict[str, list[str]] = {}
    for code, name in _rows(conn, "SELECT code, name FROM project"):
        index.setdefault(values.name_key(name), []).append(code)
    for row, name, code, own in wrong:
        other = index.get(values.name_key(name))
        shown = values.shown(name)
        message = (f"'{shown}' is {'/'.join(other)}'s name, not {code}'s ({own})" if other
                   else f"'{shown}' is not the name of {code} ({own})")
        ctx.problem(row, "name", message + "; check which project the row is for")
    _skip(conn, [r[0] for r in wrong])


def not_withdrawn(ctx: Context, conn: Connection) -> None:
    """No entries for a project from the month it left the programme."""
    rows = _rows(conn, f"SELECT s.row, p.code, p.withdrawn_month FROM {STAGE} s JOIN project p"
                       " ON p.id = s.project_id WHERE p.state = 'withdrawn'"
                       " AND p.withdrawn_month IS NOT NULL AND s.month >= p.withdrawn_month"
                       f" AND s.{_LIVE}")
    for row, code, month in rows:
        ctx.problem(row, "month", f"{code} was withdrawn from the programme from {month}; "
                                  "no entries from then on")
    _skip(conn, [r[0] for r in rows])


def once_in_the_file(ctx: Context, conn: Connection) -> None:
    """A project's month once per file: a second row for it is an error naming the first."""
    # GROUP BY walks the (project_id, month) index: no sort of the whole file
    rows = _rows(conn, f"SELECT s.row, p.code, s.month, d.first FROM (SELECT project_id, month,"
                       f" MIN(row) AS first FROM {STAGE} WHERE {_LIVE} GROUP BY project_id,"
                       f" month HAVING COUNT(*) > 1) d JOIN {STAGE} s ON s.project_id ="
                       f" d.project_id AND s.month = d.month AND s.row <> d.first AND s.{_LIVE}"
                       " JOIN project p ON p.id = s.project_id ORDER BY s.row")
    for row, code, month, first in rows:
        ctx.problem(row, "code", f"{code} {month} is already in this file at "
                                 f"{ctx.layout.place(first)}")
    _skip(conn, [r[0] for r in rows])


def not_yet_recorded(ctx: Context, conn: Connection) -> None:
    """A month already in the ledger is changed by a correction, not by a second entry; a
    correction needs the entry it corrects."""
    if ctx.corrections:
        conn.exec_driver_sql(
            f"UPDATE {STAGE} SET old_id = e.id, old_amount = e.amount FROM progress_entry e"
            f" WHERE e.project_id = {STAGE}.project_id AND e.month = {STAGE}.month"
            f" AND e.superseded_by IS NULL AND {STAGE}.skip = 0")
        rows = _rows(conn, f"SELECT s.row, p.code, s.month FROM {STAGE} s JOIN project p"
                           f" ON p.id = s.project_id WHERE s.old_id IS NULL AND s.{_LIVE}")
        for row, code, month in rows:
            ctx.problem(row, "code", f"{code} has no entry for {month} to correct; record it "
                                     "with `innovtrack progress add` or import")
    else:
        rows = _rows(conn, f"SELECT s.row, p.code, s.month, e.amount, e.source, e.recorded_at"
                           f" FROM {STAGE} s JOIN progress_entry e ON e.project_id = s.project_id"
                           " AND e.month = s.month AND e.superseded_by IS NULL"
                           f" JOIN project p ON p.id = s.project_id WHERE s.{_LIVE}")
        for row, code, month, amount, source, at in rows:
            ctx.problem(row, "code", f"{code} {month} is already recorded ({wan(amount)}, from "
                                     f"{source} at {shown(at, seconds=False)}); to change it use `innovtrack "
                                     "progress correct` or `progress import --corrections`")
    _skip(conn, [r[0] for r in rows])


# Per project and year, the file's rows in month order with the ledger's earlier months of
# the year (`ledger_before`, the effective amounts as they stand). A row's change to the year's
# running total is its amount less the entry it replaces (`gsum` sums them in one window pass);
# a row giving only the year-to-date sets that total itself and starts a new group (`grp`),
# its month amount being the difference (SPEC §2). `anchor` is what such a row adds beyond
# the changes, so the total after row i is anchor of its group + gsum; the figure before a
# row is ledger_before + the total after the row before it.
_YTD = f"""
WITH b AS (
  SELECT s.row, s.project_id, substr(s.month, 1, 4) AS year, s.month, s.amount, s.ytd, s.step,
    COALESCE(s.old_amount, 0) AS old,
    (SELECT COALESCE(SUM(e.amount), 0) FROM progress_entry e WHERE e.project_id = s.project_id
       AND e.superseded_by IS NULL AND e.month >= substr(s.month, 1, 4) || '-01'
       AND e.month < s.month) AS ledger_before
  FROM {STAGE} s WHERE s.{_LIVE}
), g AS (
  SELECT b.*,
    COUNT(CASE WHEN amount IS NULL THEN 1 END) OVER w AS grp,
    SUM(CASE WHEN amount IS NULL THEN 0 ELSE amount - old END) OVER w AS gsum
  FROM b WINDOW w AS (PARTITION BY project_id, year ORDER BY month ROWS UNBOUNDED PRECEDING)
), d AS (
  SELECT project_id, year, grp, ytd - ledger_before - old - gsum AS anchor
  FROM g WHERE amount IS NULL
), r AS (
  SELECT g.row, g.month, g.amount, g.ytd, g.step, g.ledger_before + CASE
      WHEN g.amount IS NULL THEN COALESCE(prev.anchor, 0) + g.gsum
      ELSE COALESCE(own.anchor, 0) + g.gsum - (g.amount - g.old) END AS before_sum
  FROM g
  LEFT JOIN d own ON g.amount IS NOT NULL AND own.project_id = g.project_id
   AND own.year = g.year AND own.grp = g.grp
  LEFT JOIN d prev ON g.amount IS NULL AND prev.project_id = g.project_id
   AND prev.year = g.year AND prev.grp = g.grp - 1
)
-- only the rows the check has something to say about: a month to work out, or a disagreement
SELECT row, month, amount, ytd, step, before_sum FROM r
WHERE amount IS NULL OR (ytd IS NOT NULL
                         AND {ytd_disagrees("ytd", "before_sum + amount", "step")})
"""


def year_to_date(ctx: Context, conn: Connection) -> None:
    """A year-to-date agrees with the ledger's earlier months within half a unit of its last
    given digit (SPEC §2); a row giving only the year-to-date has its month worked out."""
    from sqlalchemy import text

    out = ctx.out
    derived = []
    for row, month, amount, ytd, step, before in _rows(conn, _YTD):
        before = int(before)
        if amount is None:
            amount = ytd - before
            derived.append({"r": row, "a": amount, "b": before})
            out.derived += 1
            if step > 10_000:  # rounded coarser than 1 万元: the month carries that rounding
                out.coarse_derived += 1
                out.coarse_step = max(out.coarse_step, step)
            if amount < 0 and not ctx.corrections:
                ctx.problem(row, "ytd", f"year-to-date going backwards: {wan(ytd)} is less than"
                                        f" the {wan(before)} already recorded for {month[:4]} "
                                        f"before {month}")
        else:  # the query returns only the rows that disagree beyond the figure's precision
            if ytd < before:
                ctx.problem(row, "ytd", f"year-to-date going backwards: {wan(ytd)} is less than"
                                        f" the {wan(before)} already recorded for {month[:4]} "
                                        f"before {month}")
            else:
                ctx.problem(row, "ytd", f"year-to-date {wan(ytd)} disagrees with the ledger: "
                                        f"earlier months of {month[:4]} {wan(before)} + this "
                                        f"month {wan(amount)} = {wan(before + amount)}")
    if derived:
        conn.execute(text(f"UPDATE {STAGE} SET amount = :a, before_sum = :b, derived = 1"
                          " WHERE row = :r"), derived)


_ORDER_SQL = "CASE {col} " + " ".join(
    f"WHEN '{code}' THEN {n}" for code, n in programme.STATUS_ORDER.items()) + " END"

# Each row's status against the latest one before its month (the file's earlier rows, or the
# ledger's, whichever is later; the file's on a tie) and the ledger's earliest one after it.
_STATUS = f"""
WITH f AS (
  SELECT s.row, s.project_id, s.month, s.status, s.reason,
    MAX(CASE WHEN s.status IS NOT NULL THEN s.month || s.status END) OVER (
        PARTITION BY s.project_id ORDER BY s.month ROWS BETWEEN UNBOUNDED PRECEDING
        AND 1 PRECEDING) AS file_before,
    (SELECT MAX(e.month || e.status) FROM progress_entry e WHERE e.project_id = s.project_id
       AND e.superseded_by IS NULL AND e.status IS NOT NULL AND e.month < s.month)
       AS ledger_before,
    (SELECT MIN(e.month || e.status) FROM progress_entry e WHERE e.project_id = s.project_id
       AND e.superseded_by IS NULL AND e.status IS NOT NULL AND e.month > s.month)
       AS ledger_after
  FROM {STAGE} s WHERE s.{_LIVE}
), p AS (
  SELECT f.*, CASE WHEN ledger_before IS NULL THEN file_before
                   WHEN file_before IS NULL THEN ledger_before
                   WHEN substr(ledger_before, 1, 7) > substr(file_before, 1, 7)
                   THEN ledger_before ELSE file_before END AS prior
  FROM f
)
SELECT row, month, status, prior, ledger_after FROM p
WHERE status IS NOT NULL AND reason IS NULL AND (
  (prior IS NOT NULL AND {_ORDER_SQL.format(col="status")}
     < {_ORDER_SQL.format(col="substr(prior, 8)")})
  OR (ledger_after IS NOT NULL AND {_ORDER_SQL.format(col="substr(ledger_after, 8)")}
     < {_ORDER_SQL.format(col="status")}))
"""


def status_order(ctx: Context, conn: Connection) -> None:
    """A status does not go backwards (建成投产 → 在建) without a reason (SPEC §5's order)."""
    names, order = programme.STATUSES, programme.STATUS_ORDER
    for row, month, status, prior, after in _rows(conn, _STATUS):
        if prior is not None and order[status] < order[prior[7:]]:
            ctx.problem(row, "status", f"status going backwards: {names[prior[7:]]} "
                                       f"({prior[:7]}) → {names[status]}; give a reason "
                                       "(更正原因 column, or --reason)")
        else:
            ctx.problem(row, "status", f"{names[status]} in {month} would put the later "
                                       f"{names[after[7:]]} of {after[:7]} behind it; give a "
                                       "reason (更正原因 column, or --reason)")


LEDGER_CHECKS: tuple[Callable[[Context, Connection], None], ...] = (
    known_projects, names_agree, not_withdrawn, once_in_the_file, not_yet_recorded,
    year_to_date, status_order,
)


def check_staged(ctx: Context, conn: Connection) -> None:
    for check in LEDGER_CHECKS:
        check(ctx, conn)


# --- what the notice and the summary say -----------------------------------------------------------


def summarise(ctx: Context, conn: Connection, *, months: bool = True) -> None:
    """Per month, the entries and the active projects that sent nothing (a region's file
    answers for that region only, SPEC §7.6); the projects whose investment passes their
    total; the entries changed before months that already carry a reported year-to-date."""
    out = ctx.out
    region = ctx.layout.region
    if region is None:  # the regions of the projects the file names (two are enough to know)
        found = _rows(conn, f"SELECT p.region FROM project p WHERE EXISTS (SELECT 1 FROM {STAGE}"
                            " s WHERE s.project_id = p.id) GROUP BY p.region LIMIT 2")
        region = found[0][0] if len(found) == 1 else None
    scope, params = "", {}
    if region is not None:
        scope, params = " AND p.region = :region", {"region": region}
    active = ("(p.state <> 'withdrawn' OR p.withdrawn_month IS NULL OR p.withdrawn_month > :m)"
              + scope)
    per_month = _rows(conn, f"SELECT month, COUNT(*) FROM {STAGE} WHERE {_LIVE}"
                            " GROUP BY month ORDER BY month")
    # How many of the scope's projects each month already has, from the file or the ledger:
    # when that is all of them (the usual whole-province file), nobody is missing.
    staged = dict(per_month) if not scope else dict(_rows(conn, (
        f"SELECT s.month, COUNT(*) FROM {STAGE} s JOIN project p ON p.id = s.project_id"
        f" WHERE s.{_LIVE}{scope} GROUP BY s.month"), params))
    recorded = {}
    if per_month:
        recorded = dict(_rows(conn, (
            "SELECT e.month, COUNT(*) FROM progress_entry e JOIN project p ON p.id ="
            " e.project_id WHERE e.superseded_by IS NULL AND e.month >= :first"
            f" AND e.month <= :last{scope} GROUP BY e.month"),
            {"first": per_month[0][0], "last": per_month[-1][0], **params}))
    for month, entries in per_month:
        missing = []
        if months and not ctx.corrections:
            expected = _rows(conn, f"SELECT COUNT(*) FROM project p WHERE {active}",
                             {"m": month, **params})[0][0]
            if int(staged.get(month, 0)) + int(recorded.get(month, 0)) < int(expected):
                missing = [c for (c,) in _rows(conn, (
                    f"SELECT p.code FROM project p WHERE {active}"
                    f" AND NOT EXISTS (SELECT 1 FROM {STAGE} s WHERE s.project_id = p.id"
                    f" AND s.month = :m AND s.{_LIVE})"
                    " AND NOT EXISTS (SELECT 1 FROM progress_entry e WHERE e.project_id = p.id"
                    " AND e.month = :m AND e.superseded_by IS NULL) ORDER BY p.code"),
                    {"m": month, **params})]
        out.months.append(MonthSummary(month, int(entries), int(entries), missing))
    out.projects = int(_rows(conn, f"SELECT COUNT(DISTINCT project_id) FROM {STAGE}"
                                   f" WHERE {_LIVE}")[0][0])
    # Cumulative investment since the start may not pass the project's total investment.
    for code, name, spent, total in _rows(conn, (
            "SELECT p.code, p.name, c.change + COALESCE((SELECT SUM(e.amount) FROM"
            " progress_entry e WHERE e.project_id = p.id AND e.superseded_by IS NULL), 0),"
            " p.total_investment FROM (SELECT project_id, SUM(amount - COALESCE(old_amount, 0))"
            f" AS change FROM {STAGE} WHERE {_LIVE} GROUP BY project_id) c"
            " JOIN project p ON p.id = c.project_id WHERE c.change > 0 ORDER BY p.code")):
        if int(spent) > total:
            out.warnings.append(f"{code} {name}: investment completed since the start "
                                f"{wan(int(spent))} exceeds the project's total investment "
                                f"{wan(total)}")
    latest = _rows(conn, "SELECT MAX(month) FROM progress_entry WHERE superseded_by IS NULL")
    if not per_month or latest[0][0] is None or latest[0][0] <= per_month[0][0]:
        return  # the ledger holds no month after the file's first: nothing entered late
    out.late = [(pid, month, int(change)) for pid, month, change in _rows(conn, (
        f"SELECT s.project_id, s.month, s.amount - COALESCE(s.old_amount, 0) FROM {STAGE} s"
        f" WHERE s.{_LIVE} AND s.amount - COALESCE(s.old_amount, 0) <> 0 AND EXISTS ("
        " SELECT 1 FROM progress_entry e WHERE e.project_id = s.project_id"
        " AND e.superseded_by IS NULL AND e.month > s.month) ORDER BY s.row"))]


# --- writing the staged rows ----------------------------------------------------------------------

_WRITE_COLUMNS = ("project_id", "month", "amount", "ytd", "status", "problem", "progress_text",
                  "note", "reported_by", "reason", "ytd_step")


def insert_entries(conn: Connection, *, stamp: str, source: str, batch: int | None,
                   by: str, returning: bool = False) -> int | list[int]:
    """The staged rows as new entries, in file order; the count (or the new ids)."""
    from sqlalchemy import text

    cols = ", ".join(_WRITE_COLUMNS)
    special = {"reported_by": "COALESCE(reported_by, :by)",
               "ytd_step": "CASE WHEN ytd IS NULL THEN NULL ELSE step END"}
    picked = ", ".join(special.get(c, c) for c in _WRITE_COLUMNS)
    sql = (f"INSERT INTO progress_entry ({cols}, recorded_at, source, batch_id)"
           f" SELECT {picked}, :stamp, :source, :batch FROM {STAGE} WHERE {_LIVE} ORDER BY row")
    params = {"by": by, "stamp": stamp, "source": source, "batch": batch}
    if returning:
        return [i for (i,) in conn.execute(text(sql + " RETURNING id"), params)]
    return conn.execute(text(sql), params).rowcount


def correction_rows(conn: Connection, by: str) -> list[tuple]:
    """The staged corrections as entry rows (ENTRY_COLUMNS): what a correction leaves out
    (status and its sentence, problem, note; the year-to-date when the amount stays) the entry
    it corrects still says."""
    return [tuple(r) for r in _rows(conn, (
        "SELECT s.project_id, s.month, s.amount,"
        " CASE WHEN s.ytd IS NULL AND s.amount = o.amount THEN o.ytd ELSE s.ytd END,"
        " COALESCE(s.status, o.status),"
        " COALESCE(s.problem, o.problem),"
        " CASE WHEN s.status IS NULL THEN o.progress_text ELSE s.progress_text END,"
        " COALESCE(s.note, o.note), COALESCE(s.reported_by, :by), s.reason, s.old_id,"
        " CASE WHEN s.ytd IS NOT NULL THEN s.step WHEN s.amount = o.amount THEN o.ytd_step END"
        f" FROM {STAGE} s JOIN progress_entry o ON o.id = s.old_id WHERE s.{_LIVE}"
        " ORDER BY s.row"), {"by": by})]


def insert_since_start(conn: Connection, *, stamp: str, source: str, batch: int | None) -> int:
    """The staged since-start figures (SPEC §6, last part) kept with their projects: through
    the report month (开工至报告期), or through December of the year before (开工至上一年度底)."""
    from sqlalchemy import text

    before = "CAST(CAST(substr(month, 1, 4) AS INTEGER) - 1 AS TEXT) || '-12'"
    sql = ("INSERT INTO since_start_figure (project_id, month, through, amount, step, source,"
           " batch_id, recorded_at)"
           f" SELECT project_id, month, month, since_start, since_step, :source, :batch, :stamp"
           f" FROM {STAGE} WHERE {_LIVE} AND since_start IS NOT NULL"
           f" UNION ALL SELECT project_id, month, {before}, before_year, before_step, :source,"
           f" :batch, :stamp FROM {STAGE} WHERE {_LIVE} AND before_year IS NOT NULL")
    return conn.execute(text(sql), {"source": source, "batch": batch, "stamp": stamp}).rowcount
