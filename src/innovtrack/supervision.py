"""Supervision (督查落实, SPEC §9): the procedures of new projects and the problem ledger.

Procedures (前期手续) are statements, append-only like entries: "in month M, procedure P of
project X is pending / in progress / done (in month D)"; the latest statement by month wins.
Problems (问题台账) are raised by 存在问题 cells and `problems add`, matched across months by
project and normalised text, and resolved once (销号). Monthly files feed both through
FileSupervision, which reads its own columns beside the progress checker and writes in the
import's transaction. The pure rules (open, overdue, age) live in rollup.py with the report.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from . import programme
from .errors import NotFound, Problem, Rejected
from .ingest import values
from .rollup import (
    ProcedureFact,
    age_months,
    is_open,
    is_overdue,
    next_month,
    procedure_states,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from .db import Ledger


# --- the seven procedures and their states ---------------------------------------------------


@dataclass(frozen=True)
class Procedure:
    code: str
    name: str  # as reports name it
    aliases: tuple[str, ...]  # headers of monthly-file columns


_SUFFIXES = ("", "手续", "情况", "办理情况", "手续办理情况", "进展")


def _procedure(code: str, name: str, *names: str) -> Procedure:
    """A procedure and the headers offices give its column: each name, bare or with 手续 /
    情况 / 办理情况, and the code itself."""
    return Procedure(code, name, tuple(dict.fromkeys(
        [n + s for n in (name, *names) for s in _SUFFIXES] + [code])))


# Header names beyond the procedure's own (programme.PROCEDURES) that offices give its column.
_OTHER_NAMES = {
    "approval": ("项目立项", "立项（备案/核准/审批）", "立项(备案/核准/审批)", "备案核准", "核准备案",
                 "备案/核准/审批", "备案", "核准", "立项备案", "项目备案"),
    "land": ("土地", "用地审批", "土地审批", "用地预审", "土地预审", "用地许可"),
    "planning": ("规划许可", "规划选址", "选址", "规划许可证"),
    "eia": ("环评批复", "环境影响评价", "环境影响评价批复", "环评审批"),
    "design": ("初步设计", "施工图设计", "设计审查", "初设"),
    "tender": ("招投标", "施工招标", "设备招标"),
    "permit": ("施工许可证", "开工许可"),
}
PROCEDURES: tuple[Procedure, ...] = tuple(
    _procedure(code, name, *_OTHER_NAMES[code]) for code, name in programme.PROCEDURES.items())
PROCEDURE_CODES = tuple(p.code for p in PROCEDURES)
PROCEDURE_NAMES = {p.code: p.name for p in PROCEDURES}

STATES = programme.PROCEDURE_STATES
_STATE_WORDS = {
    "done": ("已办结", "已完成", "已取得", "已批复", "已办理", "已核准", "已备案", "已审批",
             "已批准", "已获批", "已签订", "已招标", "已核发", "已下达", "已审定", "已办", "已批",
             "完成", "办结", "不涉及", "无需办理", "不需办理", "done", "√", "✓", "✔", "是"),
    "in_progress": ("办理中", "正在办理", "在办", "进行中", "正在进行", "正在办", "审批中",
                    "报批中", "编制中", "正在编制", "申报中", "待批", "待审批", "已上报", "已报送",
                    "已申报", "in_progress", "in progress"),
    "pending": ("未办", "未启动", "未办理", "未开展", "未开始", "未取得", "未申报", "尚未办理",
                "暂未办理", "未", "否", "pending", "无", "×"),
}
_WORD_STATE = {unicodedata.normalize("NFKC", w).lower(): s
               for s, words in _STATE_WORDS.items() for w in words}
_BY_LENGTH = sorted(_WORD_STATE, key=len, reverse=True)  # 未办结 before 未办, 已办结 before 已办
_MONTH_INSIDE = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}(?:\s*[-/.月]\s*\d{1,2}\s*日?|\s*月)?")


class Statement(NamedTuple):
    """One procedure's state as a file row or a command states it."""

    state: str  # pending / in_progress / done
    done_month: str | None
    dated: bool = True  # False: 已办结 without a date, done "by" the month it is stated in


def read_procedure(cell: object, month: str) -> Statement | None:
    """A procedure cell as offices write it, stated in `month`: None for an empty cell (it
    says nothing new); raises CellError for anything else that is not a state.

    已办结 / 已完成 / 已取得 / 已批复 / √ → done in `month`; a date or month (2016-04, 2016年4月,
    已批复（2016.4）) → done then; 办理中 / 正在办理 → in progress; 未办 / 未启动 → pending.
    """
    text = values.text(cell)
    if not text or text in values.EMPTY_MARKS - {"×"}:
        return None
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()
    state = _WORD_STATE.get(key)
    if state is not None:
        return Statement(state, month if state == "done" else None, False)
    found = None
    try:
        done = values.month(cell)
    except values.CellError:
        done = None
        found = _MONTH_INSIDE.search(key)
        rest = _MONTH_INSIDE.sub("", key).strip("()（）:：,，;；") if found else ""
        if found and (not rest or _WORD_STATE.get(rest) == "done"):
            done = values.month(found.group())
    if done is None:
        # A sentence that opens with a state word: 已办结，批复文号… / 正在办理中 / 未办结
        for word in _BY_LENGTH:
            if key.startswith(word) and len(word) > 1:
                state = _WORD_STATE[word]
                if state == "done" and found:
                    done = values.month(found.group())
                    break
                return Statement(state, month if state == "done" else None, False)
    if done is None:
        raise values.CellError(
            f"unknown procedure state {text!r} (write 已办结, 办理中 or 未办, or the month it "
            "was done: 2016-04)")
    if done > month:
        raise values.CellError(f"done in {done}, after the report's month {month}")
    return Statement("done", done)


# --- problems: what counts as the same one --------------------------------------------------

_NO_PROBLEM = frozenset({"无", "暂无", "没有", "无问题", "暂无问题", "没有问题", "无困难",
                         "无。", "none", "nil", "n/a", "na"}) | values.EMPTY_MARKS
_TRIM = "。．.；;，,！!、 "


@lru_cache(maxsize=8192)  # a monthly file repeats a few texts over thousands of rows
def problem_key(text: str | None) -> str:
    """The text two reports of the same problem share: NFKC, no spaces, no closing
    punctuation, case folded. '' for an empty cell or 无, which raise and resolve nothing."""
    if not text:
        return ""
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold().strip(_TRIM)
    return "" if not key or key in _NO_PROBLEM else key


class Sighting(NamedTuple):
    """A problem stated for a project in a month (a 存在问题 cell, `progress add --problem`,
    `problems add`), with the unit and due month the statement gives, if any."""

    project_id: int
    month: str
    text: str
    unit: str | None = None
    due: str | None = None


def _project_units(conn: Connection, pids: Iterable[int]) -> dict[int, str | None]:
    ids = sorted(set(pids))
    out: dict[int, str | None] = {}
    for i in range(0, len(ids), 1000):
        chunk = ", ".join(str(int(p)) for p in ids[i:i + 1000])
        out.update(conn.exec_driver_sql(
            f"SELECT id, responsible_unit FROM project WHERE id IN ({chunk})").all())
    return out


def raise_problems(conn: Connection, sightings: Iterable[Sighting], *, stamp: str,
                   source: str | None, by: str | None,
                   stamps: Iterable[str] | None = None, ledger: Ledger | None = None) -> int:
    """Record sightings in the problem ledger; returns how many new problems they raised.

    A sighting is the same problem as one of its project with the same normalised text that
    is still open at the sighting's month (or resolved only in a later month); otherwise it
    raises a new problem in its month, due when it says or else the month after, to be
    solved by the unit it names or else the project's 责任单位.
    """
    from sqlalchemy import text

    items = [(s, st, key) for s, st in zip(sightings, stamps or _repeat(stamp), strict=False)
             if (key := problem_key(s.text))]
    if not items:
        return 0
    items.sort(key=lambda x: (x[0].month, x[1]))
    pids = {s.project_id for s, _, _ in items}
    known: dict[tuple[int, str], list[str | None]] = {}  # (pid, key) -> resolved months
    ids = sorted(pids)
    for i in range(0, len(ids), 1000):
        chunk = ", ".join(str(int(p)) for p in ids[i:i + 1000])
        for pid, key, resolved in conn.exec_driver_sql(
                f"SELECT project_id, text_key, resolved_month FROM problem"
                f" WHERE project_id IN ({chunk})"):
            known.setdefault((pid, key), []).append(resolved)
    units = _project_units(conn, pids)
    new = []
    for s, recorded, key in items:
        resolved = known.get((s.project_id, key))
        if resolved is None:
            resolved = known[(s.project_id, key)] = []
        elif any(r is None or r >= s.month for r in resolved):
            continue  # the same problem, reported again
        resolved.append(None)
        new.append((s.project_id, s.text.strip(), key, s.month,
                    s.unit or units.get(s.project_id), s.due or next_month(s.month), source,
                    by, recorded))
    if not new:
        return 0
    columns = ("project_id", "text", "text_key", "raised_month", "unit", "due_month", "source",
               "raised_by", "recorded_at")
    if ledger is not None:  # a file may raise thousands: the bulk path of ledger.py
        from .ledger import insert_many

        insert_many(ledger, conn, "problem", columns, new)
    else:
        conn.execute(text(f"INSERT INTO problem ({', '.join(columns)}) VALUES"
                          f" ({', '.join(':' + c for c in columns)})"),
                     [dict(zip(columns, row, strict=True)) for row in new])
    return len(new)


def _repeat(value: str) -> Iterator[str]:
    while True:
        yield value


def problems_from_entries(conn: Connection) -> int:
    """The problems the effective entries already state (the schema migration that brings in
    the problem ledger runs this once), each recorded when its first entry was."""
    rows = conn.exec_driver_sql(
        "SELECT project_id, month, problem, recorded_at, source FROM progress_entry"
        " WHERE superseded_by IS NULL AND problem IS NOT NULL ORDER BY month, id").all()
    sightings = [Sighting(pid, month, problem) for pid, month, problem, _, _ in rows]
    return raise_problems(conn, sightings, stamp="", source="entries", by=None,
                          stamps=[r[3] for r in rows])


# --- procedures: writing statements ----------------------------------------------------------


class ProcedureRow(NamedTuple):
    project_id: int
    procedure: str
    month: str
    statement: Statement


def record_procedures(conn: Connection, rows: Iterable[ProcedureRow], *, stamp: str,
                      source: str | None, by: str | None) -> int:
    """Append the statements that change what the ledger says at their month (a file stating
    已办结 every month adds one row, not twelve); returns how many were written."""
    from sqlalchemy import text

    rows = sorted(rows, key=lambda r: r.month)
    if not rows:
        return 0
    history: dict[int, list[ProcedureFact]] = {}
    ids = sorted({r.project_id for r in rows})
    for i in range(0, len(ids), 1000):
        chunk = ", ".join(str(int(p)) for p in ids[i:i + 1000])
        for row in conn.exec_driver_sql(
                "SELECT project_id, procedure, month, state, done_month FROM procedure_change"
                f" WHERE project_id IN ({chunk}) ORDER BY month, recorded_at, id"):
            history.setdefault(row[0], []).append(ProcedureFact(*row))
    written: list[dict] = []
    for r in rows:
        past = history.setdefault(r.project_id, [])
        current = procedure_states(past, r.month)[r.procedure]
        st = r.statement
        if current == (st.state, st.done_month) or (
                current[0] == st.state == "done" and not st.dated):
            continue  # nothing new; an undated 已办结 keeps the month it was done in
        written.append({"p": r.project_id, "c": r.procedure, "s": st.state, "m": r.month,
                        "d": st.done_month, "t": stamp, "src": source, "b": by})
        past.append(ProcedureFact(r.project_id, r.procedure, r.month, st.state, st.done_month))
    if written:
        conn.execute(text(
            "INSERT INTO procedure_change (project_id, procedure, state, month, done_month,"
            " recorded_at, source, recorded_by) VALUES (:p, :c, :s, :m, :d, :t, :src, :b)"),
            written)
    return len(written)


# --- the columns of a monthly file ----------------------------------------------------------

SUPERVISION_FIELDS = ("problem_unit", "due", *PROCEDURE_CODES)


class FileSupervision:
    """The supervision columns of one monthly file, read beside the progress checker and
    written in the import's transaction.

    A file with procedure, unit or due columns has its rows with such cells kept while the
    checker streams them, read after it (problems reported through its `problem`). A file
    whose only supervision column is 存在问题 — the common monthly report, up to a million
    rows — costs the stream nothing: its problems are read back from the entries the import
    wrote (this batch's, past the ids the ledger held before it).
    """

    def __init__(self, conn: Connection, index: dict[str, int], month: str | None):
        self.index = index
        self.month = month
        self.cells = [f for f in SUPERVISION_FIELDS if f in index]
        self.fields = (["problem"] if "problem" in index else []) + self.cells
        self.kept: list[tuple[int | None, list]] = []
        self.sightings: list[Sighting] = []
        self.statements: list[ProcedureRow] = []
        self.first_id = None
        if not self.cells and "problem" in index:
            self.first_id = conn.exec_driver_sql(
                "SELECT COALESCE(MAX(id), 0) FROM progress_entry").scalar()

    @property
    def active(self) -> bool:
        """Whether rows must be kept while they stream."""
        return bool(self.cells)

    def tee(self, rows: Iterable[tuple[int | None, list]]) -> Iterator[tuple[int | None, list]]:
        """The rows unchanged; those with a supervision cell filled are kept (only the few
        that state a problem or a procedure). One column: one index test per row."""
        positions = [self.index[f] for f in self.fields]
        append = self.kept.append
        if len(positions) == 1:
            (i,) = positions
            for item in rows:
                cells = item[1]
                if len(cells) > i and cells[i]:
                    append(item)
                yield item
            return
        for item in rows:
            cells = item[1]
            n = len(cells)
            if any(i < n and cells[i] not in (None, "") for i in positions):
                append(item)
            yield item

    def check(self, resolved: dict[int, tuple],
              problem: Callable[[int | None, str, str], None]) -> None:
        """Read the kept cells of the rows the intake checks matched to a project and month
        (`resolved`: row number -> (project id, month, problem unit, due month), as the row
        checks read them); report what cannot be read. Rows the checks reject or skip are
        left to them."""
        index = self.index
        fields = [(f, index[f]) for f in self.fields]
        for number, row in self.kept:
            hit = resolved.get(number)
            if hit is None:
                continue
            pid, month, unit, due = hit
            n = len(row)
            cells = {f: row[i] for f, i in fields if i < n and row[i] not in (None, "")}
            for proc in PROCEDURE_CODES:
                if proc in cells:
                    try:
                        st = read_procedure(cells[proc], month)
                    except values.CellError as exc:
                        problem(number, proc, str(exc))
                        continue
                    if st is not None:
                        self.statements.append(ProcedureRow(pid, proc, month, st))
            if due is not None and due < month:
                problem(number, "due", f"due {due} is before the month {month} the problem "
                                       "is raised in")
                continue
            text = values.text(cells.get("problem"))
            if text:  # 无 and the like are left out by raise_problems
                self.sightings.append(Sighting(pid, month, text, unit or None, due))

    def write(self, ledger: Ledger, conn: Connection, *, stamp: str, source: str,
              by: str | None, batch: int) -> None:
        if self.first_id is not None:
            self.sightings = [Sighting(*r) for r in conn.exec_driver_sql(
                "SELECT project_id, month, problem FROM progress_entry"
                f" WHERE id > {int(self.first_id)} AND batch_id = {int(batch)}"
                " AND problem IS NOT NULL")]
        record_procedures(conn, self.statements, stamp=stamp, source=source, by=by)
        raise_problems(conn, self.sightings, stamp=stamp, source=source, by=by, ledger=ledger)


# --- commands ---------------------------------------------------------------------------------


def _project_id(conn: Connection, code: str) -> int:
    from sqlalchemy import text

    pid = conn.execute(text("SELECT id FROM project WHERE code = :c"), {"c": code}).scalar()
    if pid is None:
        from .ingest.progress import nearest_codes

        codes = [c for (c,) in conn.exec_driver_sql("SELECT code FROM project")]
        near = nearest_codes(code, codes)
        raise NotFound(f"no project {code!r}" + (f"; nearest: {', '.join(near)}" if near else ""))
    return pid


def _month_option(command: str, option: str, value: str | None,
                  problems: list[Problem]) -> str | None:
    if value is None:
        return None
    from .progress import this_month

    try:
        label = values.month(value)
    except values.CellError as exc:
        problems.append(Problem(command, None, option, str(exc)))
        return None
    if label > this_month() and option != "--due":
        problems.append(Problem(command, None, option,
                                f"{label} is in the future (this month is {this_month()})"))
        return None
    return label


@dataclass
class ProcedureSet:
    code: str
    month: str
    states: dict[str, Statement]
    written: int


def set_procedures(ledger: Ledger, code: str, month: str, states: dict[str, str], *,
                   by: str | None = None) -> ProcedureSet:
    """`procedures set CODE --eia done --month 2016-04`: state procedures in a month (values
    as a monthly file writes them: done/已办结, in_progress/办理中, pending/未办, a month)."""
    from .db import now_text

    cmd = "procedures set"
    problems: list[Problem] = []
    label = _month_option(cmd, "--month", month, problems)
    given = {p: v for p, v in states.items() if v is not None}
    if not given:
        problems.append(Problem(cmd, None, None, "name at least one procedure: "
                                + ", ".join(f"--{p}" for p in PROCEDURE_CODES)))
    read: dict[str, Statement] = {}
    for proc, value in given.items():
        key = value.strip().lower().replace("-", "_")
        try:
            st = (Statement(key, label if key == "done" else None) if key in STATES
                  else read_procedure(value, label or "9999-12"))
        except values.CellError as exc:
            problems.append(Problem(cmd, None, f"--{proc}", str(exc)))
            continue
        if st is None:
            problems.append(Problem(cmd, None, f"--{proc}", "empty value"))
        else:
            read[proc] = st
    if problems:
        raise Rejected(problems)
    from .ledger import current_user

    with ledger.write() as conn:
        pid = _project_id(conn, code)
        written = record_procedures(conn, [ProcedureRow(pid, p, label, st) for p, st in
                                           read.items()], stamp=now_text(), source="cli",
                                    by=by or current_user())
    return ProcedureSet(code, label, read, written)


def add_problem(ledger: Ledger, code: str, text: str, *, month: str | None = None,
                unit: str | None = None, due: str | None = None,
                by: str | None = None) -> dict:
    """`problems add CODE --text TEXT [--unit U] [--due YYYY-MM] [--month M]`: raise a problem
    (in this month unless --month says otherwise). The same open problem is not raised twice."""
    from .db import now_text
    from .ledger import current_user
    from .progress import this_month

    cmd = "problems add"
    problems: list[Problem] = []
    label = _month_option(cmd, "--month", month, problems) if month else this_month()
    due_label = _month_option(cmd, "--due", due, problems)
    if not problem_key(text):
        problems.append(Problem(cmd, None, "--text", "required value missing (无 is no problem)"))
    if label and due_label and due_label < label:
        problems.append(Problem(cmd, None, "--due", f"due {due_label} is before the month "
                                                    f"{label} the problem is raised in"))
    if problems:
        raise Rejected(problems)
    with ledger.write() as conn:
        pid = _project_id(conn, code)
        new = raise_problems(conn, [Sighting(pid, label, text, (unit or "").strip() or None,
                                             due_label)],
                             stamp=now_text(), source="cli", by=by or current_user())
        if not new:
            raise Rejected([Problem(cmd, None, "--text", f"{code} already has this problem, open "
                                    f"in {label} (`innovtrack problems list --code {code}` "
                                    "shows it)")])
        latest = conn.exec_driver_sql(
            f"SELECT MAX(id) FROM problem WHERE project_id = {int(pid)}").scalar_one()
        return _problem_rows(conn, f"p.id = {int(latest)}", {})[0]


def resolve_problem(ledger: Ledger, problem_id: int, month: str, note: str, *,
                    by: str | None = None) -> dict:
    """`problems resolve ID --month M --note TEXT` (销号): close an open problem in a month."""
    from sqlalchemy import text

    from .db import now_text
    from .ledger import current_user

    cmd = "problems resolve"
    problems: list[Problem] = []
    label = _month_option(cmd, "--month", month, problems)
    if not (note or "").strip():
        problems.append(Problem(cmd, None, "--note", "required value missing (how it was "
                                                     "solved)"))
    if problems:
        raise Rejected(problems)
    with ledger.write() as conn:
        row = conn.execute(text("SELECT raised_month, resolved_month, resolution FROM problem"
                                " WHERE id = :i"), {"i": problem_id}).first()
        if row is None:
            raise Rejected([Problem(cmd, None, "ID", f"no problem #{problem_id} in the ledger "
                                    "(`innovtrack problems list` shows their ids)")])
        raised, resolved, resolution = row
        if resolved is not None:
            problems.append(Problem(cmd, None, "ID", f"problem #{problem_id} was already "
                                    f"resolved in {resolved} ({resolution})"))
        elif label < raised:
            problems.append(Problem(cmd, None, "--month", f"{label} is before the problem was "
                                    f"raised ({raised})"))
        if problems:
            raise Rejected(problems)
        done = conn.execute(text(
            "UPDATE problem SET resolved_month = :m, resolution = :n, resolved_by = :b,"
            " resolved_at = :t WHERE id = :i AND resolved_month IS NULL"),
            {"m": label, "n": note.strip(), "b": by or current_user(), "t": now_text(),
             "i": problem_id}).rowcount
        if done != 1:
            raise Rejected([Problem(cmd, None, "ID", f"problem #{problem_id} was resolved by "
                                    "someone else at the same time")])
        return _problem_rows(conn, f"p.id = {int(problem_id)}", {})[0]


# --- listing ----------------------------------------------------------------------------------


def project_supervision(conn: Connection, project_id: int) -> dict:
    """`projects show`: each procedure as the latest statement says, and the project's
    problems (open ones as of their latest month)."""
    from sqlalchemy import text

    facts = [ProcedureFact(*r) for r in conn.execute(text(
        "SELECT project_id, procedure, month, state, done_month FROM procedure_change"
        " WHERE project_id = :p ORDER BY month, recorded_at, id"), {"p": project_id})]
    procedures = {p: {"state": state, "done_month": done}
                  for p, (state, done) in procedure_states(facts, "9999-12").items()}
    return {"procedures": procedures,
            "problems": _problem_rows(conn, "p.project_id = :pid", {"pid": project_id})}


_PROBLEM_SELECT = (
    "SELECT p.id, j.code, j.name, j.region, p.text, p.raised_month, p.unit, p.due_month,"
    " p.resolved_month, p.resolution, p.source, p.recorded_at, p.resolved_at"
    " FROM problem p JOIN project j ON j.id = p.project_id")


def _problem_rows(conn: Connection, where: str, params: dict,
                  as_of: str | None = None) -> list[dict]:
    from sqlalchemy import text

    out = []
    for (pid, code, name, region, body, raised, unit, due, resolved, resolution, source,
         recorded_at, _resolved_at) in conn.execute(
            text(f"{_PROBLEM_SELECT} WHERE {where} ORDER BY p.raised_month, j.code, p.id"),
            params):
        at = as_of or max(raised, resolved or raised)
        still = is_open(raised, resolved, at)
        out.append({"id": pid, "code": code, "name": name, "region": region, "text": body,
                    "raised_month": raised, "unit": unit, "due_month": due,
                    "state": "open" if still else "resolved",
                    "resolved_month": None if still else resolved,
                    "resolution": None if still else resolution,
                    "age_months": age_months(raised, at) if still else None,
                    "overdue": still and is_overdue(due, at),
                    "source": source, "recorded_at": recorded_at})
    return out


@dataclass
class ProblemFilter:
    open_only: bool = False
    unit: str | None = None
    overdue: bool = False
    as_of: str | None = None
    code: str | None = None
    messages: list[str] = field(default_factory=list)


def list_problems(ledger: Ledger, flt: ProblemFilter) -> tuple[str, list[dict]]:
    """(as-of month, problems raised by it) with their state at that month, filtered.

    The as-of month defaults to the latest month the ledger has an entry or a problem for.
    --unit matches any unit a problem names (甲局、乙委 is both's).
    """
    from .rollup import unit_names

    problems: list[Problem] = []
    as_of = _month_option("problems list", "--as-of", flt.as_of, problems)
    if problems:
        raise Rejected(problems)
    with ledger.read() as conn:
        if as_of is None:
            as_of = conn.exec_driver_sql(
                "SELECT MAX(m) FROM (SELECT MAX(month) AS m FROM progress_entry"
                " WHERE superseded_by IS NULL UNION ALL SELECT MAX(raised_month) FROM problem)"
                " x").scalar()
        if as_of is None:
            from .progress import this_month

            as_of = this_month()
        where, params = ["p.raised_month <= :m"], {"m": as_of}
        if flt.code:
            where.append("j.code = :c")
            params["c"] = flt.code
        rows = _problem_rows(conn, " AND ".join(where), params, as_of)
    if flt.open_only or flt.overdue:
        rows = [r for r in rows if r["state"] == "open"]
    if flt.overdue:
        rows = [r for r in rows if r["overdue"]]
    if flt.unit:
        wanted = flt.unit.strip()
        rows = [r for r in rows if wanted in unit_names(r["unit"])]
    return as_of, rows
