"""Integrity checks: published targets and counts against the project list, and the entries."""

from __future__ import annotations

from dataclasses import dataclass

from . import programme
from .db import Ledger


@dataclass(frozen=True)
class Finding:
    check: str  # target / projects / enterprises / total_investment / orphan / ytd
    scope: str
    expected: object
    actual: object
    message: str


def _scope_sql(category: str | None, sector: str | None) -> tuple[str, dict]:
    where, params = ["p.state = 'active'"], {}
    if category:
        where.append("p.category = :category")
        params["category"] = category
    if sector:
        where.append("p.sector = :sector")
        params["sector"] = sector
    return " AND ".join(where), params


def run_checks(ledger: Ledger) -> list[Finding]:
    from sqlalchemy import text

    from .money import fmt

    findings: list[Finding] = []
    with ledger.read() as conn:
        targets = conn.execute(text(
            "SELECT year, category, sector, amount, projects FROM target t"
            " WHERE id = (SELECT MAX(id) FROM target u WHERE u.year = t.year"
            " AND COALESCE(u.category, '') = COALESCE(t.category, '')"
            " AND COALESCE(u.sector, '') = COALESCE(t.sector, ''))"
            " ORDER BY year, category NULLS FIRST, sector NULLS FIRST")).all()
        for year, category, sector, amount, projects in targets:
            where, params = _scope_sql(category, sector)
            scope = f"{year} {programme.scope_label(category, sector)}"
            plan = conn.execute(text(
                f"SELECT COALESCE(SUM(pp.amount), 0) FROM project p JOIN project_plan pp"
                f" ON pp.project_id = p.id AND pp.year = :year WHERE {where}"),
                {**params, "year": year}).scalar_one()
            if plan != amount:
                findings.append(Finding("target", scope, amount, plan,
                                        f"{scope}: target {fmt(amount)} 亿元, projects' plans sum "
                                        f"to {fmt(plan)} 亿元 (difference {fmt(plan - amount)})"))
            if projects is not None:
                count = conn.execute(text(f"SELECT COUNT(*) FROM project p WHERE {where}"),
                                     params).scalar_one()
                if count != projects:
                    findings.append(Finding("projects", scope, projects, count,
                                            f"{scope}: {projects} projects published, "
                                            f"{count} active in the ledger"))
        if any(t.year == programme.PROGRAMME_YEAR for t in targets):
            enterprises, total = conn.exec_driver_sql(
                "SELECT COUNT(DISTINCT enterprise), COALESCE(SUM(total_investment), 0)"
                " FROM project WHERE state = 'active'").one()
            if enterprises != programme.PUBLISHED_ENTERPRISES:
                findings.append(Finding("enterprises", "合计", programme.PUBLISHED_ENTERPRISES,
                                        enterprises, f"{programme.PUBLISHED_ENTERPRISES} "
                                        f"enterprises published, {enterprises} in the ledger"))
            if total != programme.PUBLISHED_TOTAL_INVESTMENT:
                findings.append(Finding(
                    "total_investment", "合计", programme.PUBLISHED_TOTAL_INVESTMENT, total,
                    f"total investment published {fmt(programme.PUBLISHED_TOTAL_INVESTMENT)} 亿元,"
                    f" projects sum to {fmt(total)} 亿元"))
        orphans = conn.exec_driver_sql(
            "SELECT COUNT(*) FROM progress_entry e LEFT JOIN project p ON p.id = e.project_id"
            " WHERE p.id IS NULL").scalar_one()
        if orphans:
            findings.append(Finding("orphan", "progress", 0, orphans,
                                    f"{orphans} progress entries name no project"))
        for code, month, ytd, computed in conn.exec_driver_sql(
                "SELECT p.code, x.month, x.ytd, x.computed FROM ("
                " SELECT project_id, month, ytd, SUM(amount) OVER ("
                "  PARTITION BY project_id, substr(month, 1, 4) ORDER BY month) AS computed"
                " FROM progress_entry WHERE superseded_by IS NULL) x"
                " JOIN project p ON p.id = x.project_id"
                " WHERE x.ytd IS NOT NULL AND x.ytd <> x.computed ORDER BY p.code, x.month"):
            findings.append(Finding("ytd", f"{code} {month}", ytd, computed,
                                    f"{code} {month}: year-to-date reported {fmt(ytd, '万元')} 万元,"
                                    f" the monthly entries sum to {fmt(computed, '万元')} 万元"))
    return findings
