"""Integrity checks: published targets and counts against the project list, and the entries."""

from __future__ import annotations

from dataclasses import dataclass

from . import programme
from .db import Ledger, joined, split_sum, split_terms


@dataclass(frozen=True)
class Finding:
    check: str  # target / projects / enterprises / total_investment / orphan / ytd /
    # since_start
    scope: str
    expected: int
    actual: int
    message: str
    money: bool = False  # expected and actual are 元 (else counts)


def _scope_sql(category: str | None, sector: str | None) -> tuple[str, dict]:
    where, params = ["p.state = 'active'"], {}
    if category:
        where.append("p.category = :category")
        params["category"] = category
    if sector:
        where.append("p.sector = :sector")
        params["sector"] = sector
    return " AND ".join(where), params


_CATEGORY_ORDER = {c.code: i for i, c in enumerate(programme.CATEGORIES)}
_SECTOR_ORDER = {s.code: i for i, s in enumerate(programme.SECTORS)}


def _scope_order(row) -> tuple:
    """Targets in the order the plan lists them: all, then each category and its sectors."""
    year, category, sector = row[0], row[1], row[2]
    return (year, category is not None, _CATEGORY_ORDER.get(category, 99), category or "",
            sector is not None, _SECTOR_ORDER.get(sector, 99), sector or "")


def _gap(actual: int, expected: int, unit: str = "亿元") -> str:
    """'1.50 亿元 more' / '0.25 亿元 less' for money, from integer 元."""
    from .money import fmt

    diff = actual - expected
    return f"{fmt(abs(diff), unit)} {unit} {'more' if diff > 0 else 'less'}"


def run_checks(ledger: Ledger) -> list[Finding]:
    """Every disagreement between the ledger and the published figures, in a stable order."""
    from sqlalchemy import text

    from .money import fmt

    findings: list[Finding] = []
    with ledger.read() as conn:
        targets = sorted(conn.execute(text(
            "SELECT year, category, sector, amount, projects FROM target t"
            " WHERE id = (SELECT MAX(id) FROM target u WHERE u.year = t.year"
            " AND COALESCE(u.category, '') = COALESCE(t.category, '')"
            " AND COALESCE(u.sector, '') = COALESCE(t.sector, ''))")).all(), key=_scope_order)
        for year, category, sector, amount, projects in targets:
            where, params = _scope_sql(category, sector)
            scope = f"{year} {programme.scope_label(category, sector)}"
            plan = joined(*conn.execute(text(
                f"SELECT {split_sum('pp.amount')} FROM project p JOIN project_plan pp"
                f" ON pp.project_id = p.id AND pp.year = :year WHERE {where}"),
                {**params, "year": year}).one()) or 0
            if plan != amount:
                findings.append(Finding(
                    "target", scope, amount, plan,
                    f"{scope}: target {fmt(amount)} 亿元, the projects' {year} plans sum to "
                    f"{fmt(plan)} 亿元 ({_gap(plan, amount)})", money=True))
            if projects is not None:
                count = int(conn.execute(text(f"SELECT COUNT(*) FROM project p WHERE {where}"),
                                         params).scalar_one())
                if count != projects:
                    findings.append(Finding("projects", scope, projects, count,
                                            f"{scope}: {projects} projects published, "
                                            f"{count} active in the ledger"))
        if any(t.year == programme.PROGRAMME_YEAR for t in targets):
            enterprises, *total = conn.exec_driver_sql(
                f"SELECT COUNT(DISTINCT enterprise), {split_sum('total_investment')}"
                " FROM project WHERE state = 'active'").one()
            enterprises, total = int(enterprises), joined(*total) or 0
            year = programme.PROGRAMME_YEAR
            if enterprises != programme.PUBLISHED_ENTERPRISES:
                findings.append(Finding(
                    "enterprises", f"{year} 合计", programme.PUBLISHED_ENTERPRISES, enterprises,
                    f"{year} 合计: {programme.PUBLISHED_ENTERPRISES} enterprises published, "
                    f"{enterprises} in the ledger's active projects"))
            if total != programme.PUBLISHED_TOTAL_INVESTMENT:
                findings.append(Finding(
                    "total_investment", f"{year} 合计", programme.PUBLISHED_TOTAL_INVESTMENT,
                    total,
                    f"{year} 合计: total investment published "
                    f"{fmt(programme.PUBLISHED_TOTAL_INVESTMENT)} 亿元, the projects sum to "
                    f"{fmt(total)} 亿元 ({_gap(total, programme.PUBLISHED_TOTAL_INVESTMENT)})",
                    money=True))
        orphans = int(conn.exec_driver_sql(
            "SELECT COUNT(*) FROM progress_entry e LEFT JOIN project p ON p.id = e.project_id"
            " WHERE p.id IS NULL").scalar_one())
        if orphans:
            findings.append(Finding("orphan", "progress", 0, orphans,
                                    f"{orphans} progress entries name no project"))
        from .ingest.progress import ytd_disagrees

        running = split_sum("amount", " OVER (PARTITION BY project_id, substr(month, 1, 4)"
                                      " ORDER BY month)", "sum")
        reported, expected = split_terms("x.ytd", "x.sum")
        for code, month, ytd, high, low in conn.exec_driver_sql(
                "SELECT p.code, x.month, x.ytd, x.sum_high, x.sum_low FROM ("
                f" SELECT project_id, month, ytd, ytd_step, {running} FROM progress_entry"
                " WHERE superseded_by IS NULL) x JOIN project p ON p.id = x.project_id"
                " WHERE x.ytd IS NOT NULL AND"
                f" {ytd_disagrees(reported, expected, 'COALESCE(x.ytd_step, 1)')}"
                " ORDER BY p.code, x.month"):
            computed = joined(high, low)
            findings.append(Finding(
                "ytd", f"{code} {month}", ytd, computed,
                f"{code} {month}: year-to-date reported {fmt(ytd, '万元')} 万元, the monthly "
                f"entries sum to {fmt(computed, '万元')} 万元 ({_gap(ytd, computed, '万元')})",
                money=True))
        findings.extend(_since_start(conn))
    return findings


# Each project's since-start figures (SPEC §6, last part), the latest one given per month it
# runs through, with the ledger's effective entries up to that month. What a figure says of
# the time before the ledger's entries (its amount less that sum) must be what the project's
# first figure said: otherwise the figure disagrees with the ledger's sum.
_SINCE_START = """
SELECT code, through, amount, expected, first_through FROM (
  SELECT p.code, f.through, f.amount, f.step,
    FIRST_VALUE(f.amount - f.ledger) OVER w + f.ledger AS expected,
    FIRST_VALUE(f.through) OVER w AS first_through
  FROM (
    SELECT s.id, s.project_id, s.through, s.amount, s.step,
      (SELECT COALESCE(SUM(e.amount), 0) FROM progress_entry e WHERE e.project_id = s.project_id
         AND e.superseded_by IS NULL AND e.month <= s.through) AS ledger
    FROM since_start_figure s
    WHERE s.id = (SELECT MAX(u.id) FROM since_start_figure u WHERE u.project_id = s.project_id
                    AND u.through = s.through)
  ) f JOIN project p ON p.id = f.project_id
  WINDOW w AS (PARTITION BY f.project_id ORDER BY f.through, f.id
               ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
) x
WHERE {disagrees}
ORDER BY code, through
"""


def _since_start(conn) -> list[Finding]:
    """Since-start figures (开工至报告期 / 开工至上一年度底累计完成投资) that disagree with the
    ledger's monthly entries and the project's first such figure."""
    from .ingest.progress import ytd_disagrees
    from .money import fmt

    found = []
    sql = _SINCE_START.format(disagrees=ytd_disagrees("amount", "expected", "step"))
    for code, through, amount, expected, first in conn.exec_driver_sql(sql):
        expected = int(expected)
        found.append(Finding(
            "since_start", f"{code} {through}", amount, expected,
            f"{code} {through}: investment since the start reported {fmt(amount, '万元')} 万元;"
            f" the figure through {first} and the monthly entries since give "
            f"{fmt(expected, '万元')} 万元 ({_gap(amount, expected, '万元')})", money=True))
    return found
