"""Reading single cells: text, months and amounts as offices write them."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from functools import lru_cache

from ..money import UNITS, AmountError, parse_decimal, to_yuan


class CellError(ValueError):
    """A cell whose content cannot be read as the column requires."""


def text(cell: object) -> str:
    """A cell as clean text: '' for empty; numbers as written (12.0 read back as 12)."""
    if cell is None:
        return ""
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else repr(cell)
    if isinstance(cell, dt.datetime | dt.date):
        return cell.strftime("%Y-%m-%d")
    return str(cell).strip()


_MONTH_PATTERNS = (
    # 2016-03, 2016.3, 2016年3月, 2016年3月份, 2016年3月底 (a planned month "by the end of")
    re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:份|底|末|初|中|上旬|中旬|下旬)?$"),
    re.compile(r"^(\d{4})(\d{2})$"),
    re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"),
)


_END_OF_YEAR = re.compile(r"^(\d{4})\s*年\s*(?:底|末|年底|年末)$")  # 2016年底: December


@lru_cache(maxsize=4096)
def _month_from_text(value: str) -> str:
    value = unicodedata.normalize("NFKC", value).strip()
    end_of_year = _END_OF_YEAR.match(value)
    if end_of_year and 1900 < int(end_of_year.group(1)) < 2200:
        return f"{end_of_year.group(1)}-12"
    for pattern in _MONTH_PATTERNS:
        m = pattern.match(value)
        if m:
            year, month = int(m.group(1)), int(m.group(2))
            if 1 <= month <= 12 and 1900 < year < 2200:
                if m.lastindex == 3:  # a date: 2016-07-32 is no day of July, so no July either
                    try:
                        dt.date(year, month, int(m.group(3)))
                    except ValueError:
                        raise CellError(f"not a date: {value!r}") from None
                return f"{year:04d}-{month:02d}"
            break
    raise CellError(f"not a month: {value!r} (write 2016-03, 2016年3月 or 201603)")


_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_DAYS = (25569, 73050)  # Excel's numbers for 1970-01-01 and 2099-12-31


def month(cell: object) -> str:
    """'YYYY-MM' from 2016-03, 2016-3, 2016年3月, 201603, 2016/03/01, a date cell, or a date
    cell's bare day number (42430.0)."""
    if isinstance(cell, dt.datetime | dt.date):
        return f"{cell.year:04d}-{cell.month:02d}"
    if isinstance(cell, float):
        if cell.is_integer():
            cell = int(cell)  # 201603 typed as a number
            if _SERIAL_DAYS[0] <= cell <= _SERIAL_DAYS[1]:
                # A date cell that lost its format shows Excel's day number: 42430 is
                # 2016-03-01. No month is written with five digits, so it reads only one way.
                day = _EXCEL_EPOCH + dt.timedelta(days=cell)
                return f"{day.year:04d}-{day.month:02d}"
        elif repr(cell).endswith(".1"):
            # A spreadsheet keeps 2016.10 as the number 2016.1: October or January? Not a guess.
            raise CellError(f"ambiguous month: the number {cell!r} may be 2016.10 or 2016.01 "
                            "(write 2016-10 or 2016-01, or format the cell as text)"
                            .replace("2016", str(int(cell))))
    return _month_from_text(str(cell))


_UNIT_IN_CELL = re.compile(r"^\s*(.*?\d)\s*(万元|亿元|元)\s*$")


def amount(cell: object, unit: str) -> tuple[int, bool]:
    """(元, rounded) from a cell; raises CellError for text that is not a number.

    A cell that names its own unit (5000万元, 1.2亿元) is read in that unit."""
    if isinstance(cell, str) and cell[-1:] == "元":
        m = _UNIT_IN_CELL.match(unicodedata.normalize("NFKC", cell))
        if m:
            cell, unit = m.group(1), m.group(2)
    try:
        yuan, rounded = to_yuan(cell, unit)
    except AmountError as exc:
        raise CellError(str(exc)) from None  # to_yuan holds the 10¹² 万元 bound (money.py)
    return yuan, rounded


def step(cell: object, unit: str) -> int:
    """元 in one unit of the cell's last given digit: 20.93 亿元 → 1,000,000 (0.01 亿元).

    A reported figure agrees with the ledger within half of this (SPEC §2)."""
    if cell.__class__ is str and cell.isascii():  # 1234.5: one digit after the point
        head, dot, tail = cell.strip().partition(".")
        if head.isdigit() and (not dot or tail.isdigit()):
            return max(1, UNITS[unit] // 10 ** len(tail)) if len(tail) < 9 else 1
    if isinstance(cell, str) and cell[-1:] == "元":
        m = _UNIT_IN_CELL.match(unicodedata.normalize("NFKC", cell))
        if m:
            cell, unit = m.group(1), m.group(2)
    try:
        exponent = parse_decimal(cell).as_tuple().exponent
    except AmountError:
        return 1
    if not isinstance(exponent, int):
        return 1
    return max(1, int(UNITS[unit] * Decimal(10) ** exponent))


def decimal(cell: object):
    try:
        return parse_decimal(cell)
    except AmountError as exc:
        raise CellError(str(exc)) from None


# National investment-project code: YYYY-RRRRRR-DD-TT-NNNNNN (year, division, ...).
NATIONAL_CODE = re.compile(r"^(\d{4})-(\d{6})-(\d{2})-(\d{2})-(\d{6})$")


# What a sheet writes in a cell it has nothing for: a dash or a slash (an amount column), and
# in a date column also 无 or 待定. A word in an amount column stays an error: 待定 there means
# the figure is owed, not zero.
EMPTY_MARKS = frozenset({"-", "--", "—", "——", "－", "/", "／", "\\", "×"})
PLACEHOLDERS = EMPTY_MARKS | {"无", "暂无", "待定", "n/a", "N/A", "NA"}


# --- codes and names as people type them (SPEC §7.1-7.3) -----------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00ad"))


def clean_code(cell: object) -> str:
    """A code cell as it is kept: NFKC, invisible characters (U+FEFF, U+200B …) and the spaces
    around it removed; the case as given."""
    return unicodedata.normalize("NFKC", text(cell).translate(_INVISIBLE)).strip()


def code_key(cell: object) -> str:
    """What two spellings of one code share: ｃｘ－００５, cx-005 and CX-005 → 'cx-005'."""
    return clean_code(cell).casefold()


_BRACKETS = str.maketrans({"【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")",
                           "{": "(", "}": ")", "<": "(", ">": ")", "《": "(", "》": ")"})


def name_key(name: object) -> str:
    """A project name folded for comparison: NFKC, no spaces, one kind of bracket, without a
    trailing 项目."""
    key = unicodedata.normalize("NFKC", text(name).translate(_INVISIBLE)).translate(_BRACKETS)
    key = re.sub(r"\s+", "", key).casefold()
    return key.removesuffix("项目") or key


def names_agree(a: object, b: object) -> bool:
    """Two names for one project: equal once folded, or one containing the other."""
    ka, kb = name_key(a), name_key(b)
    return bool(ka and kb) and (ka == kb or ka in kb or kb in ka)


# --- cells no office means (SPEC §7.10) --------------------------------------------------------

MAX_CELL_CHARS = 10_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def shown(value: str, limit: int = 60) -> str:
    """Cell text for a message: control characters escaped (\\x1b), never raw; cut short."""
    out = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    return out if len(out) <= limit else out[:limit] + "…"


def cell_problem(cells: list) -> tuple[int, str] | None:
    """(position, message) of the first cell of a row that no office means: a control character
    (tab, CR and LF aside) or more than 10,000 characters; None for a sound row."""
    try:
        joined = "".join(cells)
    except TypeError:  # a workbook row: only its text cells can hold such things
        joined = "".join(c for c in cells if isinstance(c, str))
    if len(joined) <= MAX_CELL_CHARS and _CONTROL.search(joined) is None:
        return None
    for pos, cell in enumerate(cells):
        if not isinstance(cell, str):
            continue
        if len(cell) > MAX_CELL_CHARS:
            return pos, f"cell of {len(cell):,} characters (at most {MAX_CELL_CHARS:,})"
        found = _CONTROL.search(cell)
        if found:
            return pos, (f"control character \\x{ord(found.group()):02x} in '{shown(cell)}'"
                         " (damaged or pasted text)")
    return None
