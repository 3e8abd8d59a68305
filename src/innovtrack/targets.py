"""Programme targets by year and scope: listing the targets in force and setting new ones.

A target is never edited: `set` appends a row, and the latest row set (by set_at, then id)
per (year, category, sector) is the one in force, so the history of published figures is kept. A year
without published targets is reported against the sum of the projects' plans instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import asof, programme
from .db import Ledger, joined, now_text, split_sum
from .errors import UsageError


def in_force_sql(known_at: str | None = None) -> str:
    """The targets in force (by recorded time; as of :known_at when given), one per scope."""
    return ("SELECT t.id, t.year, t.category, t.sector, t.amount, t.projects, t.source,"
            f" t.set_at FROM {asof.targets(known_at)} t WHERE 1 = 1")


IN_FORCE_SQL = in_force_sql()


@dataclass(frozen=True)
class TargetRow:
    year: int
    category: str | None
    sector: str | None
    amount: int  # 元
    projects: int | None
    source: str | None
    set_at: str

    @property
    def label(self) -> str:
        return programme.scope_label(self.category, self.sector)


def _order(t: TargetRow) -> tuple:
    cats = [c.code for c in programme.CATEGORIES]
    secs = [s.code for s in programme.SECTORS]
    return (t.year, -1 if t.category is None else cats.index(t.category),
            -1 if t.sector is None else secs.index(t.sector))


def targets_in_force(conn, year: int | None = None) -> list[TargetRow]:
    """The targets in force (one per scope), in programme order; all years unless `year`."""
    from sqlalchemy import text

    sql = IN_FORCE_SQL + (" AND t.year = :year" if year is not None else "")
    rows = [TargetRow(*r[1:]) for r in conn.execute(text(sql), {"year": year})]
    return sorted(rows, key=_order)


@dataclass
class TargetListing:
    year: int | None
    rows: list[dict]
    published: bool  # False: the year has no targets; the rows are the projects' plans


def list_targets(ledger: Ledger, year: int | None = None) -> TargetListing:
    """Targets in force with the sum of the projects' plans for the same scope beside each.

    For a year without any published target, the rows are the plan sums per scope, marked so.
    """
    from sqlalchemy import text

    with ledger.read() as conn:
        targets = targets_in_force(conn, year)
        plans = {(y, c, s): (joined(high, low), n) for y, c, s, high, low, n in conn.execute(text(
            f"SELECT pp.year, p.category, p.sector, {split_sum('pp.amount')}, COUNT(*) FROM project p"
            " JOIN project_plan pp ON pp.project_id = p.id WHERE p.state = 'active'"
            + (" AND pp.year = :year" if year is not None else "")
            + " GROUP BY pp.year, p.category, p.sector"), {"year": year})}

    def plan_sum(y: int, category: str | None, sector: str | None) -> tuple[int, int]:
        amount = count = 0
        for (py, pc, ps), (a, n) in plans.items():
            if py == y and category in (None, pc) and sector in (None, ps):
                amount += a
                count += n
        return amount, count

    rows = []
    for t in targets:
        plan, _ = plan_sum(t.year, t.category, t.sector)
        rows.append({"year": t.year, "scope": t.label, "category": t.category,
                     "sector": t.sector, "target": t.amount, "projects": t.projects,
                     "plan": plan, "difference": plan - t.amount, "source": t.source,
                     "set_at": t.set_at})
    if year is not None and not targets:
        # No published targets: show what reports fall back to, the plan sums per scope.
        scopes: list[tuple[str | None, str | None]] = [(None, None)]
        for c in programme.CATEGORIES:
            scopes.append((c.code, None))
            scopes += [(c.code, s.code) for s in programme.SECTORS if s.category == c.code
                       and (year, c.code, s.code) in plans]
        for category, sector in scopes:
            plan, count = plan_sum(year, category, sector)
            if count:
                rows.append({"year": year, "scope": programme.scope_label(category, sector),
                             "category": category, "sector": sector, "target": None,
                             "projects": count, "plan": plan, "difference": None,
                             "source": "项目计划投资合计（未发布目标）", "set_at": None})
        return TargetListing(year, rows, published=False)
    return TargetListing(year, rows, published=True)


def parse_amount(text: str, unit: str | None = None) -> int:
    """元 from '350', '350亿', '3,500,000万元' (a unit in the text wins over `unit`)."""
    from .money import AmountError, to_yuan, unit_name

    value = text.strip()
    for suffix in sorted(("亿元", "万元", "亿", "万", "元"), key=len, reverse=True):
        if value.endswith(suffix):
            value, unit = value[: -len(suffix)], unit_name(suffix)
            break
    try:
        yuan, _ = to_yuan(value, unit_name(unit) if unit else "万元")
    except AmountError as exc:
        raise UsageError(f"--amount {text!r}: {exc}") from None
    return yuan


def set_target(ledger: Ledger, *, year: int, amount: int, category: str | None = None,
               sector: str | None = None, projects: int | None = None,
               source: str | None = None) -> TargetRow:
    """Record a target for a year and scope; it replaces the one in force for that scope."""
    from sqlalchemy import text

    if not 2000 <= year <= 2100:
        raise UsageError(f"--year {year}: not a plausible year")
    if amount < 0:
        raise UsageError("--amount must not be negative")
    if projects is not None and projects < 0:
        raise UsageError("--projects must not be negative")
    category = programme.category_code(category) if category else None
    if sector:
        sector = programme.sector_code(sector, category)
        sector_category = programme.SECTOR_CATEGORY[sector]
        if category is None:
            category = sector_category
    stamp = now_text()
    with ledger.write() as conn:
        conn.execute(text(
            "INSERT INTO target (year, category, sector, amount, projects, source, set_at)"
            " VALUES (:y, :c, :s, :a, :p, :src, :at)"),
            dict(y=year, c=category, s=sector or None, a=amount, p=projects, src=source,
                 at=stamp))
    return TargetRow(year, category, sector or None, amount, projects, source, stamp)


# --- construction-season curves (SPEC §11) ----------------------------------------------------

# The curve in force for a year at a moment: the latest recorded at or before it (by set_at,
# then id), so a report printed with --known-at shows the curve of that moment.
def pace_in_force_sql(known_at: str | None) -> str:
    """(curve, source, set_at) of the curve in force for :year, as of :known_at if given."""
    return ("SELECT curve, source, set_at FROM pace_curve WHERE year = :year"
            + (" AND set_at <= :known_at" if known_at else "")
            + " ORDER BY set_at DESC, id DESC LIMIT 1")


@dataclass(frozen=True)
class PaceCurveRow:
    year: int
    curve: str  # '2,4,9,…,100'
    source: str | None
    set_at: str
    in_force: bool


def set_pace_curve(ledger: Ledger, *, year: int, curve: str,
                   source: str | None = None) -> PaceCurveRow:
    """Record a year's curve (validated first; nothing is written if it is refused)."""
    from sqlalchemy import text

    from .pace import curve_text, parse_curve

    if not 2000 <= year <= 2100:
        raise UsageError(f"--year {year}: not a plausible year")
    normal = curve_text(parse_curve(curve))
    stamp = now_text()
    with ledger.write() as conn:
        conn.execute(text("INSERT INTO pace_curve (year, curve, source, set_at)"
                          " VALUES (:y, :c, :s, :at)"),
                     dict(y=year, c=normal, s=source, at=stamp))
    return PaceCurveRow(year, normal, source, stamp, True)


def list_pace_curves(ledger: Ledger, year: int | None = None) -> list[PaceCurveRow]:
    """Every curve recorded (history included), by year and time; the latest per year is the
    one in force now."""
    from sqlalchemy import text

    with ledger.read() as conn:
        rows = conn.execute(text(
            "SELECT year, curve, source, set_at FROM pace_curve"
            + (" WHERE year = :year" if year is not None else "")
            + " ORDER BY year, set_at, id"), {"year": year}).all()
    latest = {y: i for i, (y, *_rest) in enumerate(rows)}
    return [PaceCurveRow(y, c, s, at, latest[y] == i) for i, (y, c, s, at) in enumerate(rows)]
