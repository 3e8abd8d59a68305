"""The pace of the year (时序进度) and the forecast of where it will end (SPEC §11).

A pace is a curve: the cumulative share of the annual plan, in %, expected by the end of each
month 1..12. `linear` is month / 12 (every published report's 时序进度); `seasonal` is the
year's curve set with `targets pace set`, else the shipped Qinghai construction-season curve;
`learned` is the mean curve of the ledger's complete earlier years. Pure: plain values in,
plain values out; the ledger is read in reportdata and written in targets.

Curve points are exact Fractions (a typed 2.5 is 5/2; linear 1/12 stays 1/12), so the
forecast in integer 元 is exact arithmetic, rounded once, half up, to the 元.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from .errors import Problem, Rejected

KINDS = ("linear", "seasonal", "learned")

# Published completion figures of Qinghai's key projects: ≈ 6–15 % by March, ≈ 38 % by June,
# ≈ 71 % by August, ≈ 80 % by September (SPEC §11).
SHIPPED_CURVE = (2, 4, 9, 17, 27, 38, 50, 62, 74, 86, 95, 100)
SHIPPED_SOURCE = "内置青海曲线，据全省重点项目历年完成进度"
LINEAR_SOURCE = "月份/12"
KIND_CN = {"linear": "时间均匀进度", "seasonal": "施工季节曲线", "learned": "往年实际进度"}


@dataclass(frozen=True)
class Pace:
    """The pace a report measures against, and where its curve comes from."""

    kind: str  # linear / seasonal / learned
    source: str  # for people: 月份/12, the curve's --source, the years learned from
    curve: tuple[Fraction, ...]  # cumulative % of the annual plan by the end of months 1..12
    set_at: str | None = None  # a set curve: when it was recorded (UTC)
    years: tuple[int, ...] = ()  # a learned curve: the complete years it is the mean of
    note: str | None = None  # why the pace is not the one asked for (learned → fallback)

    def at(self, month: int) -> Fraction:
        """The cumulative % expected by the end of `month` (1..12)."""
        return self.curve[month - 1]

    @property
    def label(self) -> str:
        return f"{KIND_CN[self.kind]}（{self.source}）"


def linear() -> Pace:
    return Pace("linear", LINEAR_SOURCE, tuple(Fraction(100 * m, 12) for m in range(1, 13)))


def shipped() -> Pace:
    return Pace("seasonal", SHIPPED_SOURCE, tuple(Fraction(v) for v in SHIPPED_CURVE))


def seasonal(stored: tuple[str, str | None, str] | None) -> Pace:
    """The year's set curve (curve text, source, set_at) if there is one, else the shipped."""
    if stored is None:
        return shipped()
    text, source, set_at = stored
    return Pace("seasonal", source or f"{set_at[:10]}设定", parse_curve(text), set_at=set_at)


def parse_curve(text: str) -> tuple[Fraction, ...]:
    """Twelve cumulative percentages from '2,4,9,…,100'; every problem found at once.

    Each is a number 0–100, none below the one before, the last exactly 100. Separated by
    commas (full-width too); a trailing % is allowed.
    """
    # as typed or pasted from a table: full-width digits and commas, a % after a number
    parts = [p.strip().removesuffix("%").strip()
             for p in unicodedata.normalize("NFKC", text).split(",")]
    problems = []
    values: list[Fraction | None] = []
    for i, part in enumerate(parts, 1):
        try:
            value = Decimal(part)
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            problems.append(f"month {i}: not a number: {part!r}")
            values.append(None)
            continue
        if not 0 <= value <= 100:
            problems.append(f"month {i}: {part} is outside 0–100")
        values.append(Fraction(value))
    if len(parts) != 12:
        problems.append(f"{len(parts)} numbers given; a curve has 12, one per month")
    known = [(i, v) for i, v in enumerate(values, 1) if v is not None]
    for (j, before), (i, value) in zip(known, known[1:], strict=False):
        if value < before:
            problems.append(f"month {i}: {parts[i - 1]} is below month {j}'s "
                            f"{parts[j - 1]}; a cumulative curve never falls")
    if len(parts) == 12 and values[-1] is not None and values[-1] != 100:
        problems.append(f"month 12: {parts[-1]}; the curve must end at 100")
    if problems:
        raise Rejected([Problem("--curve", None, None, p) for p in problems])
    return tuple(values)


def curve_text(curve: Sequence[Fraction]) -> str:
    """A curve as stored and shown: '2,4,9,…,100' (decimals as typed, no float noise)."""
    return ",".join(_number_text(v) for v in curve)


def _number_text(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return format(Decimal(value.numerator) / Decimal(value.denominator), "f")


def complete_years(monthly: Mapping[str, int], before: int) -> list[int]:
    """The years before `before` that are complete: an effective entry in each of the 12
    months (`monthly` holds only months with entries) and a positive year total."""
    years = sorted({int(m[:4]) for m in monthly if int(m[:4]) < before})
    return [y for y in years
            if all(f"{y}-{m:02d}" in monthly for m in range(1, 13))
            and sum(monthly[f"{y}-{m:02d}"] for m in range(1, 13)) > 0]


def learned(monthly: Mapping[str, int], year: int, fallback: Pace) -> Pace:
    """The mean, over the complete years before `year`, of each year's cumulative share of
    its own total by month; `fallback` (the year's seasonal curve) with a note when none is
    complete. `monthly` maps YYYY-MM to the month's total 元 over every project."""
    years = complete_years(monthly, year)
    if not years:
        return Pace(fallback.kind, fallback.source, fallback.curve, fallback.set_at,
                    note=f"账本中无{year}年以前的完整年度（12个月均有报送），"
                         f"时序进度改按{fallback.label}计算。")
    shares = []
    for y in years:
        amounts = [monthly[f"{y}-{m:02d}"] for m in range(1, 13)]
        total, running, share = sum(amounts), 0, []
        for amount in amounts:
            running += amount
            share.append(Fraction(running * 100, total))
        shares.append(share)
    curve = tuple(sum(s[m] for s in shares) / len(shares) for m in range(12))
    source = "、".join(str(y) for y in years) + "年实际进度均值"
    return Pace("learned", source, curve, years=tuple(years))


def forecast(ytd: int, pace_pct: Fraction) -> int | None:
    """预计全年完成 in 元: the year-to-date ÷ (pace at M / 100), half up to the 元.

    None when the pace expects nothing yet (0 % by M): no year-end follows from it.
    """
    if pace_pct <= 0:
        return None
    num, den = ytd * 100 * pace_pct.denominator, pace_pct.numerator
    return (2 * num + den) // (2 * den)


def forecast_pct(forecast_yuan: int | None, denominator: int | None) -> float | None:
    """The forecast as a % of the target (or plan) it is measured against."""
    if forecast_yuan is None or not denominator:
        return None
    return forecast_yuan * 100 / denominator
