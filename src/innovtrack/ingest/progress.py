"""Monthly progress reports: the layout of a file (where each field sits, the month it states),
what checking found (problems, warnings, counts) and the small readers they share. The checks
themselves are ingest/checks.py: rows typed once, then named checks, set-based over a staging
table where they need the ledger.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..errors import Problem, Rejected
from ..money import fmt
from . import values
from .headers import PROGRESS_FIELDS

# The columns of an entry row (a correction's, as written), in order.
ENTRY_COLUMNS = ("project_id", "month", "amount", "ytd", "status", "problem", "progress_text",
                 "note", "reported_by", "reason", "supersedes", "ytd_step")


def ytd_disagrees(reported: str, expected: str, step: str) -> str:
    """SQL: a reported year-to-date disagrees with the figure the ledger gives when they differ
    by half a unit of its last given digit or more (SPEC §2: 20.93 亿元 agrees within 50 万元).
    The one statement of the rule, for the import's checks and for `innovtrack check`."""
    return f"(({reported}) <> ({expected}) AND 2 * ABS(({reported}) - ({expected})) >= ({step}))"

_TITLE_MONTH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月")
# Problems kept in full; beyond these (a wholly wrong million-row file) they are only counted,
# so that memory stays bounded and the person reading is not buried.
PROBLEM_LIMIT = 10_000


def ordinal(month: str) -> int:
    """'2016-03' as a month count (year * 12 + month - 1), for ordering and packing."""
    return int(month[:4]) * 12 + int(month[5:7]) - 1


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
    # The sheets of a workbook read together, in order: a row's number then carries its
    # sheet's position above SHEET_SHIFT (where() gives back the sheet and the row shown).
    sheets: tuple[str, ...] = ()

    def name(self, fieldname: str) -> str:
        known = PROGRESS_FIELDS.get(fieldname)  # else a column named by position (column 3)
        return self.names.get(fieldname) or (known.label if known else fieldname)

    def where(self, row: int | None) -> tuple[str, int | None]:
        """(file, row) as a person finds them: the sheet named when several were read."""
        if not self.sheets or not row:
            return self.display, row
        return f"{self.display}[{self.sheets[row >> SHEET_SHIFT]}]", row & SHEET_ROWS

    def place(self, row: int) -> str:
        """'row 7', or 'sheet 分级管理 row 7' for a workbook read sheet by sheet."""
        if not self.sheets:
            return f"row {row}"
        return f"sheet {self.sheets[row >> SHEET_SHIFT]} row {row & SHEET_ROWS}"


SHEET_SHIFT = 21  # 2**21 > 1,048,576, the rows a sheet can have
SHEET_ROWS = (1 << SHEET_SHIFT) - 1


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
    listed_again: int = 0  # rows of a later sheet for a project and month already read
    due_unread: dict[str, int] = field(default_factory=dict)  # 解决时限 naming no month -> rows

    def rejected(self, display: str) -> Rejected:
        """The Rejected error for these problems, in row order, saying how many were left out."""
        problems = sorted(self.problems, key=lambda p: (p.row or 0, p.column or "", p.message))
        total = len(problems) + self.unlisted
        if self.unlisted:
            problems.append(Problem(display, None, None, f"… and {self.unlisted} more problems "
                                    f"(only the first {len(self.problems)} are listed)"))
        return Rejected(problems, f"{total} problem(s); nothing was written")
