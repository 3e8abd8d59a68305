"""Reading and writing amounts: integer 元 in, 万元/亿元 out.

Money is never a binary float between input and storage (SPEC §2): text goes through Decimal,
a numeric spreadsheet cell through its shortest decimal form, and the result is an int of 元.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

UNITS = {"元": 1, "万元": 10_000, "亿元": 100_000_000}
UNIT_ALIASES = {
    "元": "元", "yuan": "元", "万元": "万元", "万": "万元", "wan": "万元",
    "亿元": "亿元", "亿": "亿元", "yi": "亿元",
}

# Full-width digits, signs and punctuation an office spreadsheet may carry.
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－＋", "0123456789.,-+")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
# What an office writes for a number: digits with an optional point. Decimal() alone would also
# take 1e5, 1_000, NaN and other scripts' digits (١٢٣), none of which a form means as an amount.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)


class AmountError(ValueError):
    """Text that is not an amount of money."""


# SPEC §7.10: no amount beyond 10¹² 万元 enters the ledger. Bounded amounts keep every
# per-project figure far inside a 64-bit integer; the sums across projects use split_sum.
MAX_WAN = 10 ** 12
MAX_YUAN = MAX_WAN * UNITS["万元"]


def check_bound(yuan: int) -> int:
    """`yuan` itself, or AmountError when it is beyond ±10¹² 万元."""
    if -MAX_YUAN <= yuan <= MAX_YUAN:
        return yuan
    raise AmountError(_BEYOND)


_BEYOND = "amount beyond 10^12 万元 (SPEC §7.10): not a plausible figure"


def unit_name(text: str) -> str:
    """The canonical unit for '万元', 'wan', '亿' and the like."""
    try:
        return UNIT_ALIASES[text.strip().lower()]
    except KeyError:
        raise AmountError(f"unknown unit {text!r} (use 万元 or 亿元)") from None


def parse_decimal(value: object) -> Decimal:
    """A Decimal from a cell: text with separators and full-width digits, or a number."""
    if isinstance(value, bool):
        raise AmountError(f"not a number: {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float | Decimal):
        # repr() is the shortest text that reads back as the same float: 8.2, not 8.1999…
        number = Decimal(repr(value)) if isinstance(value, float) else value
        if not number.is_finite():
            raise AmountError(f"not a number: {value!r}")
        return number
    if not isinstance(value, str):
        value = str(value)  # a date typed into an amount column reads '2016-03-01', not a repr
    text = value.strip().translate(_FULLWIDTH).replace(" ", "").replace("\u00a0", "")
    if "," in text:
        if not _GROUPED.match(text):
            raise AmountError(f"not a number: {value!r}")
        text = text.replace(",", "")
    if not _PLAIN_NUMBER.fullmatch(text):
        raise AmountError(f"not a number: {value!r}")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise AmountError(f"not a number: {value!r}") from None
    if not number.is_finite():
        raise AmountError(f"not a number: {value!r}")
    return number


def to_yuan(value: object, unit: str = "万元") -> tuple[int, bool]:
    """(元, rounded): the amount in integer 元 and whether a fraction of a 元 was dropped."""
    number = parse_decimal(value)
    if abs(number) > _MAX_IN[unit]:  # before scaling: 1e999999 would overflow the context
        raise AmountError(f"{_BEYOND}: {value!r}")
    number *= UNITS[unit]
    whole = number.to_integral_value(rounding=ROUND_HALF_UP)
    return check_bound(int(whole)), whole != number


_MAX_IN = {unit: Decimal(MAX_YUAN) / scale for unit, scale in UNITS.items()}


def fast_to_yuan(text: str, scale: int) -> int | None:
    """The common case without Decimal: plain digits with at most four decimals, within the
    bound; else None (and the caller reads the cell with to_yuan, which names the fault)."""
    # Hot path of bulk imports: 1 M rows pass through here, so no regex and no Decimal.
    head, dot, tail = text.partition(".")
    if not head.isdigit() or not head.isascii():
        return None
    if len(head) > 17:  # beyond any bound; int() of 5,000 digits would be slow too
        return None
    if not dot:
        value = int(head) * scale
        return value if value <= MAX_YUAN else None
    if not tail.isdigit() or not tail.isascii() or len(tail) > 4:
        return None
    value = int(head + tail) * scale
    div = 10 ** len(tail)
    if value % div:
        return None
    value //= div
    return value if value <= MAX_YUAN else None


def fmt(yuan: int | None, unit: str = "亿元", places: int = 2) -> str:
    """Text for a table cell: 元 in the given unit, exact rounding, thousands separators."""
    if yuan is None:
        return ""
    value = (Decimal(yuan) / UNITS[unit]).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return f"{value:,}"


def to_unit(yuan: int | None, unit: str = "万元", places: int = 4) -> float | int | None:
    """A JSON number in the given unit, exact to `places` decimals (from the stored 元)."""
    if yuan is None:
        return None
    value = (Decimal(yuan) / UNITS[unit]).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    if value == value.to_integral_value():
        return int(value)
    return float(value)
