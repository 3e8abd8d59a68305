"""Validating monthly progress reports: every row checked on its own, against the file's other
rows and against the months the ledger already holds; every problem collected with its file,
row and column.

Built for million-row files: rows stream through one loop that does dict look-ups (months,
amounts and statuses are parsed once per distinct text and cached) and integer arithmetic on
compact per-project state (packed ints in dicts), never an object per row. Every row of every
layout takes the one set of checks in general(): a rule exists once. What the ledger
already holds comes through a LedgerView, so this module runs no SQL; the checker yields the
entry rows to insert while it goes, and the caller writes them only if no problem was found.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from .. import programme
from ..errors import Problem, Rejected
from ..money import UNITS, fast_to_yuan, fmt
from . import values
from .headers import PROGRESS_FIELDS
from .status import status_from_text

# Statuses packed into small ints (index 1..4; 0 = none) so per-project state stays an int.
STATUS_CODES = ("preparing", "building", "producing", "suspended")
STATUS_INDEX = {code: i + 1 for i, code in enumerate(STATUS_CODES)}
_ORDER = (-1,) + tuple(programme.STATUS_ORDER[c] for c in STATUS_CODES)

# The columns of each entry row the checker yields, in order.
ENTRY_COLUMNS = ("project_id", "month", "amount", "ytd", "status", "problem", "progress_text",
                 "note", "reported_by", "reason", "supersedes")
_LEAN = 7  # a plain monthly report's rows carry only the first seven

_TITLE_MONTH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月")
_SUGGEST_LIMIT = 20  # distinct unknown codes that get "nearest" hints (difflib is slow)
_CACHE_LIMIT = 50_000  # distinct amount texts kept parsed, per unit; bounded for memory
# Problems kept in full; beyond these (a wholly wrong million-row file) they are only counted,
# so that memory stays bounded and the person reading is not buried.
PROBLEM_LIMIT = 10_000
_MISS = object()
_BAD = object()


class Unordered(Exception):
    """A project's months come out of order in the file; the caller re-reads it sorted."""


def ordinal(month: str) -> int:
    """'2016-03' as a month count (year * 12 + month - 1), for ordering and packing."""
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def month_label(n: int) -> str:
    return f"{n // 12:04d}-{n % 12 + 1:02d}"


def wan(yuan: int) -> str:
    """元 as 万元 text for messages: exact, without trailing zeros."""
    text = fmt(yuan, "万元", 4)
    return (text.rstrip("0").rstrip(".") if "." in text else text) + " 万元"


_LOOKALIKE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def _code_key(code: str) -> str:
    """A code folded so that typing slips compare equal: CX-01, cx 001 and CX-0O1 → CX1."""
    key = unicodedata.normalize("NFKC", code).upper().translate(_LOOKALIKE)
    key = re.sub(r"[\s\-_./]+", "", key)
    return re.sub(r"\d+", lambda m: str(int(m.group())), key)


def nearest_codes(code: str, codes: list[str], n: int = 3) -> list[str]:
    """The project codes someone who typed `code` most likely meant, best first."""
    key = _code_key(code)
    same = [c for c in codes if _code_key(c) == key]
    rest = [c for c in difflib.get_close_matches(code, codes, n=n, cutoff=0.6) if c not in same]
    return (same + rest)[:n]


class LedgerView(Protocol):
    """What the ledger already holds, as the checker needs it (progress.SqlView answers it)."""

    ids: dict[str, int]  # project code -> id
    totals: dict[int, int]  # id -> total investment, 元
    withdrawn: dict[int, str]  # id -> withdrawn month, for withdrawn projects only
    years: frozenset[int]  # years with a target or a project plan
    max_pid: int  # the largest project id (per-month flags are bytearrays indexed by id)
    has_entries: bool

    def all_codes(self) -> list[str]: ...

    def code(self, pid: int) -> str: ...

    def entries_at(self, month: str) -> dict[int, tuple]:
        """Effective entries of the month: id -> (entry id, amount, ytd, status, problem,
        note, source, recorded_at, reported_by)."""

    def prefix(self, month: str) -> dict[int, int]:
        """id -> sum of the effective amounts of the same year's earlier months."""

    def latest(self) -> tuple[dict[int, int], dict[int, int], dict[int, int]]:
        """(cumulative 元 of all effective entries, last status packed as
        ordinal << 3 | status index, last month's ordinal), each by project id."""

    def status_before(self, month: str) -> dict[int, tuple[str, str]]:
        """id -> (month, status) of the latest effective status before the month."""

    def status_after(self, month: str) -> dict[int, tuple[str, str]]:
        """id -> (month, status) of the earliest effective status after the month."""

    def active_at(self, month: str) -> Iterable[int]:
        """Ids of the projects in the programme at the month (not withdrawn by then)."""

    def name(self, pid: int) -> str: ...

    def key_ids(self) -> dict[str, int]:
        """Folded code (values.code_key) -> id, for codes typed another way."""

    def names(self) -> dict[int, str]:
        """id -> the project's name."""

    def regions(self) -> dict[int, str]:
        """id -> the project's region."""


@dataclass(frozen=True)
class Layout:
    """Where each field sits in a row, what the file calls it, and the unit of its amounts."""

    display: str  # the file name (or the command) messages start with
    index: dict[str, int]
    names: dict[str, str]
    units: dict[str, str]
    month: str | None = None  # the month of every row: --month, or the file's title
    skip_blank: bool = False  # rows with a code and nothing reported are "sent nothing"
    period: int | None = None  # a month number a period header states (7月完成投资) without a year
    region: str | None = None  # the region of the reporting unit (填报单位：海东市…)

    def name(self, fieldname: str) -> str:
        return self.names.get(fieldname) or PROGRESS_FIELDS[fieldname].label


_MONTH_LINE = re.compile(r"(?:填报|报送|统计|报告)月份\s*[:：]\s*(\S+?)(?:\s|$)")
_YTD_TITLE = re.compile(r"(\d{4})\s*年\s*1\s*[-~～至到—－]\s*(\d{1,2})\s*月")
_DATED_LINE = re.compile(r"(?:填报|报送|制表|统计)?日期\s*[:：]")
_PERIOD_AMOUNT = re.compile(r"^(?:\d{4}年)?(\d{1,2})月份?(?:完成|当月)")
_PERIOD_YTD = re.compile(r"1\s*[-~～至到—－]\s*(\d{1,2})\s*月")


def month_from_title(lines: Iterable[str]) -> str | None:
    """The report month a file states above its header: a 填报月份：2016年7月 line, or a title
    such as 青海省百项创新攻坚工程2016年3月项目进展情况表 (or 2016年1-7月…). A 填报日期 line
    names when the form was filled, not the month it reports."""
    lines = [unicodedata.normalize("NFKC", line) for line in lines]
    for line in lines:
        m = _MONTH_LINE.search(line)
        if m:
            try:
                return values.month(m.group(1))
            except values.CellError:
                pass
    for line in lines:
        if _DATED_LINE.search(line):
            continue
        m = _YTD_TITLE.search(line) or _TITLE_MONTH.search(line)
        if m and 1 <= int(m.group(2)) <= 12:
            return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"
    return None


def period_month(headers: dict[str, str]) -> int | None:
    """The month number period headers state: 7月完成投资, 1-7月累计完成投资 → 7."""
    for fieldname, pattern in (("amount", _PERIOD_AMOUNT), ("ytd", _PERIOD_YTD)):
        header = re.sub(r"\s+", "", unicodedata.normalize("NFKC", headers.get(fieldname, "")))
        m = pattern.search(header)
        if m and 1 <= int(m.group(1)) <= 12:
            return int(m.group(1))
    return None


class _Month:
    """One month met in the file: its checks and the ledger's state for it, loaded once."""

    __slots__ = ("label", "ordinal", "key", "skey", "year", "error", "existing", "prefix",
                 "delta", "seen", "before", "after")

    def __init__(self, label: str, error: str | None):
        self.label = label
        self.ordinal = ordinal(label)
        self.key = self.ordinal << 32  # | row number: a project's latest row in the file
        self.skey = self.ordinal << 3  # | status index: a project's latest status
        self.year = int(label[:4])
        self.error = error
        self.existing: dict[int, tuple] = {}
        self.prefix: dict[int, int] = {}
        self.delta: dict[int, int] = {}
        self.seen = bytearray()
        self.before: dict[int, tuple[str, str]] | None = None
        self.after: dict[int, tuple[str, str]] | None = None


@dataclass
class MonthSummary:
    month: str
    entries: int
    projects: int
    missing: list[str] = field(default_factory=list)  # active projects that sent nothing


@dataclass
class Checked:
    """What the checker found: problems (nothing may be written then), warnings, counts."""

    problems: list[Problem] = field(default_factory=list)
    unlisted: int = 0  # problems past PROBLEM_LIMIT, counted only
    warnings: list[str] = field(default_factory=list)
    rows: int = 0
    derived: int = 0  # month amounts worked out from a year-to-date figure
    blank: int = 0  # rows naming a project but reporting nothing, left out
    rounded: int = 0
    status_words: int = 0  # 形象进度 sentences read by their keywords (ingest/status.py)
    sentences: dict[str, str] = field(default_factory=dict)  # distinct sentence -> status
    coarse_derived: int = 0  # month amounts derived from a year-to-date coarser than 1 万元
    coarse_step: int = 0  # the coarsest such year-to-date's last digit, 元
    projects: int = 0
    months: list[MonthSummary] = field(default_factory=list)
    late: list[tuple[int, str, int]] = field(default_factory=list)  # (pid, month, change 元)

    def rejected(self, display: str) -> Rejected:
        """The Rejected error for these problems, in row order, saying how many were left out."""
        problems = sorted(self.problems, key=lambda p: (p.row or 0, p.column or "", p.message))
        total = len(problems) + self.unlisted
        if self.unlisted:
            problems.append(Problem(display, None, None, f"… and {self.unlisted} more problems "
                                    f"(only the first {len(self.problems)} are listed)"))
        return Rejected(problems, f"{total} problem(s); nothing was written")


class ProgressChecker:
    """Checks rows of a monthly report and yields entry rows (ENTRY_COLUMNS) for the good ones.

    Rows must reach the checker with each project's months in ascending order (a monthly file,
    or several months sorted by month or by project); otherwise it raises Unordered and the
    caller feeds the rows again sorted by month. Nothing is yielded once a problem is found,
    but every row is still checked so that all problems are reported at once.
    """

    def __init__(self, layout: Layout, view: LedgerView, *, this_month: str, by: str,
                 corrections: bool = False, by_unit: bool = False):
        self.layout = layout
        self.view = view
        self.this_month = this_month
        self.by = by
        self.by_unit = by_unit  # `by` is the file's 填报单位: every entry carries it
        self.corrections = corrections
        self.out = Checked()
        self._months: dict[object, _Month] = {}
        self._by_label: dict[str, _Month] = {}
        self._deltas: dict[int, dict[int, int]] = {}
        self._hints: dict[str, str] = {}
        self._statuses: dict[object, int] = {None: 0, "": 0}
        self._latest: tuple[dict[int, int], dict[int, int], dict[int, int]] | None = None
        self._last: dict[int, int] = {}  # pid -> month key | row number of its latest row
        self._fstatus: dict[int, int] = {}  # pid -> ordinal << 3 | status of its latest row
        self._name_index: dict[str, list[int]] | None = None
        self._named: set[int] = set()  # every project a row names, blank rows too
        self._steps: dict[object, int] = {}

    # -- problems --

    def problem(self, row: int | None, fieldname: str, message: str) -> None:
        out = self.out
        if len(out.problems) < PROBLEM_LIMIT:
            out.problems.append(Problem(self.layout.display, row, self.layout.name(fieldname),
                                        message))
        else:
            out.unlisted += 1

    # -- slow paths: the first sight of a text, or a cell that is not plain --

    def _code(self, row: int | None, raw: object, name: object = None) -> int | None:
        """The project a code cell names, matched after folding (SPEC §7.3): ｃｘ－００５ and
        cx-005 are CX-005. A row without a code is matched by its name (§7.2)."""
        text = values.text(raw)
        if not text:
            if values.text(name):
                return self._by_name(row, name)
            self.problem(row, "code", "required value missing")
            return None
        pid = self.view.ids.get(text)
        if pid is None:
            pid = self.view.key_ids().get(values.code_key(text))
        if pid is None:
            shown = values.shown(values.clean_code(text))
            self.problem(row, "code", f"unknown project code {shown}{self._hint(text)}")
        return pid

    def names_by_key(self) -> dict[str, list[int]]:
        if self._name_index is None:
            index: dict[str, list[int]] = {}
            for pid, name in self.view.names().items():
                index.setdefault(values.name_key(name), []).append(pid)
            self._name_index = index
        return self._name_index

    def _listed(self, pids: list[int]) -> str:
        names = self.view.names()
        shown = ", ".join(f"{self.view.code(p)} {names[p]}" for p in sorted(
            pids, key=self.view.code)[:5])
        return shown + (f" and {len(pids) - 5} more" if len(pids) > 5 else "")

    def _by_name(self, row: int | None, raw: object) -> int | None:
        """The one project whose folded name is the row's; else an error listing candidates."""
        name = values.text(raw)
        key = values.name_key(name)
        index = self.names_by_key()
        exact = index.get(key, [])
        if len(exact) == 1:
            return exact[0]
        if exact:
            self.problem(row, "name", f"no code, and {len(exact)} projects are named "
                                      f"'{values.shown(name)}': {self._listed(exact)}; give the "
                                      "code (项目编号)")
            return None
        near = [pid for k, pids in index.items() if key and (key in k or k in key)
                for pid in pids]
        which = f"; candidates: {self._listed(near)}" if near else ""
        self.problem(row, "name", f"no code, and no project is named '{values.shown(name)}'"
                                  f"{which}; give the code (项目编号)")
        return None

    def _name_agrees(self, row: int | None, pid: int, raw: object) -> bool:
        """A row's name is its code's project's (SPEC §7.1); else an error naming both."""
        name = values.text(raw)
        if not name:
            return True
        own = self.view.names().get(pid, "")
        if values.names_agree(name, own):
            return True
        code = self.view.code(pid)
        other = self.names_by_key().get(values.name_key(name), [])
        if other:
            whose = "/".join(self.view.code(p) for p in other)
            message = f"'{values.shown(name)}' is {whose}'s name, not {code}'s ({own})"
        else:
            message = f"'{values.shown(name)}' is not the name of {code} ({own})"
        self.problem(row, "name", message + "; check which project the row is for")
        return False

    def _hint(self, code: str) -> str:
        hint = self._hints.get(code)
        if hint is None:
            hint = ""
            if len(self._hints) < _SUGGEST_LIMIT:
                near = nearest_codes(code, self.view.all_codes())
                hint = f" (nearest: {', '.join(near)})" if near else ""
            self._hints[code] = hint
        return hint

    def _month(self, row: int | None, raw: object) -> _Month | None:
        if values.text(raw) == "":
            self.problem(row, "month", "required value missing")
            return None
        try:
            label = values.month(raw)
        except values.CellError as exc:
            self.problem(row, "month", str(exc))
            return None
        state = self._by_label.get(label) or self.month_state(label)
        try:
            self._months[raw] = state
        except TypeError:  # an unhashable cell; it is simply not cached
            pass
        return state

    def month_state(self, label: str) -> _Month:
        """The state of a month, made (and its ledger state loaded) on first sight."""
        state = self._by_label.get(label)
        if state is not None:
            return state
        year = int(label[:4])
        view = self.view
        error = None
        if year not in view.years:
            known = ", ".join(str(y) for y in sorted(view.years)) or "none"
            error = (f"{label} is outside the programme's years ({known}): {year} has no "
                     "target and no project plan")
        elif label > self.this_month:
            error = f"{label} is in the future (this month is {self.this_month})"
        elif self.layout.month and label != self.layout.month:
            error = f"{label} is not the report's month {self.layout.month}"
        elif self.layout.period and int(label[5:]) != self.layout.period:
            error = (f"{label} is not the report's month ({self.layout.period}月, as its "
                     "column headers say)")
        state = _Month(label, error)
        if error is None:
            state.existing = view.entries_at(label)
            state.prefix = view.prefix(label)
            state.delta = self._deltas.setdefault(year, {})
            state.seen = bytearray(view.max_pid + 1)
        self._by_label[label] = state
        return state

    def _money(self, row: int | None, raw: object, fieldname: str) -> object:
        """元 from a cell that is not a plain number (or None for an empty one); _BAD on error."""
        if values.text(raw) == "":
            return None
        try:
            yuan, rounded = values.amount(raw, self.layout.units.get(fieldname, "万元"))
        except values.CellError as exc:
            self.problem(row, fieldname, str(exc))
            return _BAD
        if rounded:
            self.out.rounded += 1
        return yuan

    def _status(self, row: int | None, raw: object) -> int | None:
        """The status index of a cell (0 for an empty one); None after reporting a problem."""
        text = values.text(raw)
        if not text:
            return 0
        try:
            index = STATUS_INDEX[programme.status_code(text)]
        except programme.UnknownValue:
            worded = status_from_text(text)
            if worded is None:
                # No guess offered: a wrong one would move the 开复工 and 投产 counts.
                self.problem(row, "status", f"unknown status '{values.shown(text)}': its words "
                                            "point to no one status; write one of 前期, 在建, "
                                            f"建成投产, 停缓建 in {self.layout.name('status')}")
                return None
            self.out.status_words += 1
            if len(self.out.sentences) < _CACHE_LIMIT:
                self.out.sentences.setdefault(text, worded)
            return STATUS_INDEX[worded]  # not memoised: each such row is counted
        self._statuses[raw] = index
        return index

    def _step(self, raw: object, fieldname: str) -> int:
        """元 in one unit of the last digit of an amount cell (cached by its text)."""
        found = self._steps.get(raw)
        if found is None:
            found = values.step(raw, self.layout.units.get(fieldname, "万元"))
            if len(self._steps) < _CACHE_LIMIT:
                self._steps[raw] = found
        return found

    def _text(self, raw: object) -> str | None:
        return values.text(raw) or None

    def latest(self):
        if self._latest is None:
            self._latest = self.view.latest()
        return self._latest

    # -- the loop --

    def entry_columns(self) -> tuple[str, ...]:
        """The columns of the rows run() yields: all of ENTRY_COLUMNS, or for a plain monthly
        report (no 备注, 填报人 or 更正原因 column, not corrections) only the first seven, the
        reporter then being the importing user: a million rows bind four values fewer each."""
        idx = self.layout.index
        if self.corrections or self.by_unit or any(
                f in idx for f in ("note", "reported_by", "reason")):
            return ENTRY_COLUMNS
        return ENTRY_COLUMNS[:_LEAN]

    def run(self, rows: Iterable[tuple[int | None, list]]) -> Iterator[tuple]:
        """Check each row; yield its entry row while no problem has been found."""
        lay = self.layout
        idx = lay.index
        fields_at = {pos: f for f, pos in idx.items()}
        named = self._named
        ci, mi, ai, yi = idx.get("code"), idx.get("month"), idx.get("amount"), idx.get("ytd")
        si, pi, ni = idx.get("status"), idx.get("problem"), idx.get("note")
        ri, bi = idx.get("reason"), idx.get("reported_by")
        lean = len(self.entry_columns()) == _LEAN
        ki = idx.get("name")
        width = max(idx.values()) + 1
        fill = [None] * width
        out = self.out
        problems = out.problems
        problem = self.problem
        text = self._text
        corrections = self.corrections
        view = self.view
        ids_get = view.ids.get
        withdrawn = view.withdrawn
        months_get = self._months.get
        statuses_get = self._statuses.get
        last, last_get = self._last, self._last.get
        fstatus, fstatus_get = self._fstatus, self._fstatus.get
        by = self.by
        order = _ORDER
        codes = STATUS_CODES
        fixed_month = None
        if mi is None and lay.month:
            fixed_month = self.month_state(lay.month)

        # Plain amounts ("1234.5") are parsed once per distinct text, per unit.
        ascale = UNITS[lay.units.get("amount", "万元")]
        yscale = UNITS[lay.units.get("ytd", "万元")]
        caches: dict[int, dict] = {}
        acache = caches.setdefault(ascale, {None: None, "": None})
        ycache = caches.setdefault(yscale, {None: None, "": None})

        in_ledger = view.has_entries
        cum, lstatus, lmonth = self.latest() if in_ledger else ({}, {}, {})
        lstatus_get, lmonth_get = lstatus.get, lmonth.get

        def money_cell(number, raw, cache, scale, fieldname):
            """元 from an amount cell: cached by its text, plain digits without Decimal."""
            value = cache.get(raw, _MISS)
            if value is _MISS:
                value = fast_to_yuan(raw, scale) if raw.__class__ is str else None
                if value is None:
                    value = self._money(number, raw, fieldname)
                elif len(cache) < _CACHE_LIMIT:
                    cache[raw] = value
            return value

        def general(number, cells):
            """Every check of one row, for any layout: its entry row, or None."""
            if len(cells) < width:
                cells = [*cells, *fill[len(cells):]]
            bad = False
            damaged = values.cell_problem(cells)
            if damaged is not None:
                pos, message = damaged
                problem(number, fields_at.get(pos, f"column {pos + 1}"), message)
                return None

            raw = cells[ci] if ci is not None else None
            pid = ids_get(raw) if raw else None
            if pid is None:
                pid = self._code(number, raw, cells[ki] if ki is not None else None)
                if pid is None:
                    bad = True
            elif ki is not None and cells[ki] and not self._name_agrees(number, pid, cells[ki]):
                bad = True
            if pid is not None:
                named.add(pid)

            if fixed_month is not None:
                ms = fixed_month
            else:
                raw = cells[mi]
                ms = months_get(raw)
                if ms is None:
                    ms = self._month(number, raw)
            if ms is None:
                bad = True
            elif ms.error is not None:
                problem(number, "month", ms.error)
                bad = True
            elif withdrawn and pid is not None:
                w = withdrawn.get(pid)
                if w is not None and ms.label >= w:
                    problem(number, "month", f"{view.code(pid)} was withdrawn from the programme"
                                             f" from {w}; no entries from then on")
                    bad = True

            amount = None
            if ai is not None:
                amount = money_cell(number, cells[ai], acache, ascale, "amount")
                if amount is _BAD:
                    amount, bad = None, True
                elif amount is not None and amount < 0 and not corrections:
                    problem(number, "amount", f"negative amount {wan(amount)}: a month can only "
                                              "be negative as a correction with a reason "
                                              "(`innovtrack progress correct`)")
                    bad = True
            ytd = None
            if yi is not None:
                ytd = money_cell(number, cells[yi], ycache, yscale, "ytd")
                if ytd is _BAD:
                    ytd, bad = None, True
                elif ytd is not None and ytd < 0 and not corrections:
                    problem(number, "ytd", f"negative year-to-date {wan(ytd)}")
                    bad = True

            s = 0  # status index (1..4), 0 for none
            sentence = None
            if si is not None:
                raw = cells[si]
                sentence = text(raw) if raw else None
                s = statuses_get(raw)
                if s is None:
                    s = self._status(number, raw)
                    if s is None:
                        s, bad = 0, True

            reason = None
            if ri is not None:
                reason = cells[ri]
                reason = text(reason) if reason else None
            if amount is None and ytd is None and not s and not bad and lay.skip_blank \
                    and not (pi is not None and cells[pi]) and not (ni is not None and cells[ni]):
                out.blank += 1  # listed in the office's template, but nothing reported
                return None
            if corrections and reason is None:
                problem(number, "reason", "required value missing (a correction needs its reason)")
                bad = True
            if amount is None and ytd is None and not bad:
                problem(number, "amount", "required value missing (give the month's amount, "
                                          "the year-to-date figure, or both)")
                bad = True
            if bad:
                return None

            # -- against the file's earlier rows and the ledger --
            key = ms.key
            prev = last_get(pid, -1)
            if prev >= key:
                if prev >> 32 == ms.ordinal:
                    problem(number, "code", f"{view.code(pid)} {ms.label} is already in this file "
                                            f"at row {prev & 0xFFFFFFFF}")
                    return None
                raise Unordered
            last[pid] = key | (number or 0)

            old = None
            if in_ledger:
                old = ms.existing.get(pid)
                if old is not None and not corrections:
                    problem(number, "code", f"{view.code(pid)} {ms.label} is already recorded "
                                            f"({wan(old[1])}, from {old[6]} at {old[7][:16]}); "
                                            "to change it use `innovtrack progress correct` or "
                                            "`progress import --corrections`")
                    return None
            if old is None and corrections:
                problem(number, "code", f"{view.code(pid)} has no entry for {ms.label} to correct;"
                                        " record it with `innovtrack progress add` or import")
                return None

            # A row found wrong from here on still moves the project's state on (as reported),
            # so that one bad figure is reported once, not again in each later month.
            ok = True
            delta = ms.delta
            done = delta.get(pid, 0)
            before = ms.prefix.get(pid, 0) + done if in_ledger else done
            if amount is None:
                amount = ytd - before
                if amount < 0 and not corrections:
                    problem(number, "ytd", f"year-to-date going backwards: {wan(ytd)} is less "
                                           f"than the {wan(before)} already recorded for "
                                           f"{ms.year} before {ms.label}")
                    ok = False
                out.derived += 1
                step = self._step(cells[yi], "ytd")
                if step > 10_000:  # rounded coarser than 1 万元: the month carries that rounding
                    out.coarse_derived += 1
                    out.coarse_step = max(out.coarse_step, step)
            elif ytd is not None and ytd != before + amount and not (
                    2 * abs(ytd - before - amount) < self._step(cells[yi], "ytd")):
                # SPEC §2: a reported year-to-date agrees within half a unit of its last digit
                if ytd < before:
                    problem(number, "ytd", f"year-to-date going backwards: {wan(ytd)} is less "
                                           f"than the {wan(before)} already recorded for "
                                           f"{ms.year} before {ms.label}")
                else:
                    problem(number, "ytd", f"year-to-date {wan(ytd)} disagrees with the ledger: "
                                           f"earlier months of {ms.year} {wan(before)} + this "
                                           f"month {wan(amount)} = {wan(before + amount)}")
                ok = False

            if old is not None:  # a correction: what it leaves out, the old entry still says
                if not s and old[3]:
                    s = STATUS_INDEX[old[3]]
                    sentence = old[9]
                    inherited = True
                else:
                    inherited = False
                change = amount - old[1]
            else:
                inherited = False
                change = amount

            if s and not inherited:
                prior = fstatus_get(pid, 0)
                after = None
                if in_ledger:
                    lm = lmonth_get(pid)
                    if lm is None or lm < ms.ordinal:
                        ledger_status = lstatus_get(pid, 0)
                    else:  # the ledger has this month or later ones: look around it precisely
                        if ms.before is None:
                            ms.before = view.status_before(ms.label)
                            ms.after = view.status_after(ms.label)
                        found = ms.before.get(pid)
                        ledger_status = (ordinal(found[0]) << 3 | STATUS_INDEX[found[1]]
                                         if found else 0)
                        after = ms.after.get(pid)
                    if ledger_status >> 3 > prior >> 3:  # the later of the two; file's on a tie
                        prior = ledger_status
                if prior and order[s] < order[prior & 7] and reason is None:
                    problem(number, "status",
                            f"status going backwards: {programme.STATUSES[codes[(prior & 7) - 1]]}"
                            f" ({month_label(prior >> 3)}) → {programme.STATUSES[codes[s - 1]]}; "
                            "give a reason (更正原因 column, or --reason)")
                    ok = False
                elif after is not None and order[STATUS_INDEX[after[1]]] < order[s] \
                        and reason is None:
                    problem(number, "status",
                            f"{programme.STATUSES[codes[s - 1]]} in {ms.label} would put the "
                            f"later {programme.STATUSES[after[1]]} of {after[0]} behind it; give "
                            "a reason (更正原因 column, or --reason)")
                    ok = False
                fstatus[pid] = ms.skey | s

            delta[pid] = done + change
            if not ok or problems:
                return None
            ms.seen[pid] = 1
            if in_ledger and change and lmonth_get(pid, -1) > ms.ordinal:
                out.late.append((pid, ms.label, change))

            note_text = cells[pi] if pi is not None else None
            if note_text:
                note_text = text(note_text)
            else:
                note_text = None
            if lean:
                return (pid, ms.label, amount, ytd, codes[s - 1] if s else None, note_text,
                        sentence)
            note = cells[ni] if ni is not None else None
            note = text(note) if note else None
            reporter = cells[bi] if bi is not None else None
            reporter = (text(reporter) if reporter else None) or by
            if old is not None:
                if note_text is None:
                    note_text = old[4]
                if note is None:
                    note = old[5]
                if ytd is None and amount == old[1]:
                    ytd = old[2]
            return (pid, ms.label, amount, ytd, codes[s - 1] if s else None, note_text, sentence,
                    note, reporter, reason, old[0] if old is not None else None)

        count = 0
        for number, cells in rows:
            count += 1
            entry = general(number, cells)
            if entry is not None:
                yield entry
        out.rows = count
        if not problems:
            self._summarise()

    # -- after the loop --

    def _summarise(self) -> None:
        out = self.out
        view = self.view
        # A region's file (its 填报单位 a region's, or all its rows one region's) answers for
        # that region only: the other regions' projects did not "send nothing" to it (§7.6).
        region = self.layout.region
        if region is None and self._named:
            regions = view.regions()
            found = {regions.get(pid) for pid in self._named}
            region = found.pop() if len(found) == 1 else None
        scope = None
        if region is not None:
            regions = view.regions()
            scope = {pid for pid, r in regions.items() if r == region}
        for state in sorted(self._by_label.values(), key=lambda s: s.label):
            seen = state.seen
            entries = seen.count(1) if state.error is None else 0
            if not entries:
                continue
            missing = []
            everyone = entries + len(state.existing) == len(view.totals) and not view.withdrawn
            if not self.corrections and not everyone:
                for pid in view.active_at(state.label):
                    if not seen[pid] and pid not in state.existing and (
                            scope is None or pid in scope):
                        missing.append(view.code(pid))
            out.months.append(MonthSummary(state.label, entries, entries, sorted(missing)))
        out.projects = len(self._last)
        # Cumulative investment since the start may not pass the project's total investment.
        cum = self.latest()[0] if view.has_entries else {}
        change: dict[int, int] = {}
        for delta in self._deltas.values():
            for pid, d in delta.items():
                change[pid] = change.get(pid, 0) + d
        totals = view.totals
        for pid, d in change.items():
            if d <= 0:
                continue
            spent = cum.get(pid, 0) + d
            total = totals.get(pid)
            if total is not None and spent > total:
                out.warnings.append(
                    f"{view.code(pid)} {view.name(pid)}: investment completed since the start "
                    f"{wan(spent)} exceeds the project's total investment {wan(total)}")
