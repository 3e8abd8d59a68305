"""Plausibility (数据质量, SPEC §7.9): entries that were accepted but are unlikely.

Each rule is one named SQL condition over the effective entries with their running figures
(window functions, alike on SQLite and PostgreSQL), and a sentence saying what it saw. Nothing
here rejects anything: `check --quality` lists the flags, and the monthly and quarterly
reports carry them as their `data_quality` section. Adding a rule is adding one line to RULES.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .db import joined_sql, split_sum
from .money import fmt


@dataclass(frozen=True)
class Flag:
    code: str
    month: str
    rule: str
    detail: str

    def as_dict(self) -> dict:
        return {"code": self.code, "month": self.month, "rule": self.rule, "detail": self.detail}


def _wan(yuan) -> str:
    return f"{fmt(int(yuan), '万元', 2)} 万元"


@dataclass(frozen=True)
class Rule:
    name: str
    label: str  # how a report names it
    where: str  # over the columns of _BASE
    detail: Callable[[tuple], str]  # (code, month, amount, ytd, cum, plan, total, prev1, prev2)


RULES: tuple[Rule, ...] = (
    Rule("spend_while_preparing", "前期阶段投资偏大", "status_now = 'preparing' AND plan > 0 AND ytd * 10 > plan",
         lambda r: f"年初累计完成 {_wan(r[3])}，超过年度计划 {_wan(r[5])} 的 10%，形象进度仍为前期"),
    Rule("over_plan", "超年度计划", "plan > 0 AND ytd * 2 > plan * 3",
         lambda r: f"年初累计完成 {_wan(r[3])}，超过年度计划 {_wan(r[5])} 的 150%"),
    Rule("over_total", "超总投资", "total > 0 AND cum > total",
         lambda r: f"自首次填报累计完成 {_wan(r[4])}，超过总投资 {_wan(r[6])}"),
    Rule("repeated_amount", "连续三月金额相同", "amount <> 0 AND prev1 = amount AND prev2 = amount"
                            " AND prev2_at = at - 2",
         lambda r: f"连续三个月本月完成投资均为 {_wan(r[2])}"),
    Rule("spike", "单月超全年计划", "plan > 0 AND amount > plan",
         lambda r: f"本月完成 {_wan(r[2])}，超过全年计划 {_wan(r[5])}"),
)

# Running sums in two halves (db.split_sum): a ledger holding figures past the bound, as an
# older release let in, must not make SUM overflow; the halves are joined in SQL, where an
# integer too large turns REAL on SQLite (NUMERIC on PostgreSQL) instead of raising.
_YTD = split_sum("amount", " OVER (PARTITION BY project_id, substr(month, 1, 4) ORDER BY month"
                           " ROWS UNBOUNDED PRECEDING)", "ytd")
_CUM = split_sum("amount", " OVER (PARTITION BY project_id ORDER BY month"
                           " ROWS UNBOUNDED PRECEDING)", "cum")

_BASE = """
WITH w AS (
  SELECT x.*, """ + _YTD + ", " + _CUM + """ FROM {entries} x
), e AS (
  SELECT project_id, month, amount, status,
    CAST(substr(month, 1, 4) AS INTEGER) * 12 + CAST(substr(month, 6, 2) AS INTEGER) AS at,
    """ + joined_sql("ytd") + " AS ytd, " + joined_sql("cum") + """ AS cum,
    LAG(amount, 1) OVER (PARTITION BY project_id ORDER BY month) AS prev1,
    LAG(amount, 2) OVER (PARTITION BY project_id ORDER BY month) AS prev2,
    MAX(CASE WHEN status IS NOT NULL THEN month || status END) OVER (
        PARTITION BY project_id ORDER BY month ROWS UNBOUNDED PRECEDING) AS status_seen
  FROM w x
), f AS (
  SELECT e.*, substr(e.status_seen, 8) AS status_now,
    LAG(e.at, 2) OVER (PARTITION BY e.project_id ORDER BY e.month) AS prev2_at,
    pp.amount AS plan, p.total_investment AS total, p.code
  FROM e JOIN {projects} p ON p.id = e.project_id
  LEFT JOIN {plans} pp ON pp.project_id = e.project_id
   AND pp.year = CAST(substr(e.month, 1, 4) AS INTEGER)
)
SELECT code, month, amount, ytd, cum, plan, total, prev1, prev2 FROM f
WHERE ({where}) AND month >= :first AND month <= :last
ORDER BY code, month
"""

EFFECTIVE = "(SELECT * FROM progress_entry WHERE superseded_by IS NULL)"


LABELS = {rule.name: rule.label for rule in RULES}
HEADS = ("项目编号", "月份", "规则", "说明")


def flag_cells(flag: Flag) -> list[str]:
    """A flag as a report table's row (terminal, Markdown)."""
    return [flag.code, flag.month, LABELS[flag.rule], flag.detail]


def find_flags(rows: Callable[[str, dict], list[tuple]], *, first: str = "0000-00",
               last: str = "9999-99", entries: str = EFFECTIVE, projects: str = "project",
               plans: str = "project_plan", params: dict | None = None) -> list[Flag]:
    """Every rule's flags for the months first..last, in code, month and rule order.

    `rows(sql, params)` runs a query with :name parameters; `entries` is the SQL of the
    effective entries, `projects` and `plans` the relations of the project list (a report's,
    as known at its moment)."""
    out = []
    for rule in RULES:
        for r in rows(_BASE.format(entries=entries, projects=projects, plans=plans,
                                   where=rule.where),
                      {**(params or {}), "first": first, "last": last}):
            out.append(Flag(r[0], r[1], rule.name, rule.detail(r)))
    order = {rule.name: i for i, rule in enumerate(RULES)}
    return sorted(out, key=lambda f: (f.code, f.month, order[f.rule]))


def ledger_flags(ledger) -> list[Flag]:
    """The flags of every effective entry in the ledger (`check --quality`)."""
    from sqlalchemy import text

    with ledger.read() as conn:
        return find_flags(lambda sql, params: conn.execute(text(sql), params).all())
