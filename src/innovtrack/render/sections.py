"""The sections of a report as plain tables: named columns, rows of raw values by column key.

Every people-facing format (terminal, Markdown, Excel, Word) walks `report.kind.sections` and
renders what the builder registered here returns, so a column is defined once and a figure
sits under the same header everywhere. Amounts stay integer 元 and percentages unrounded in
the rows; each renderer formats them for where they go. Adding a section: one builder
decorated with @section("name"), and the name in the report kinds (rollup.KINDS).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .. import programme
from ..rollup import GroupRow, Report
from .labels import REASON_CN, WARNING_CN, period_column, status_text


@dataclass(frozen=True)
class Col:
    """One column: the key its cells are found by, its header, and how its values read.

    kind: text (wraps), label (short text that never wraps: codes, regions, months), int,
    money (元), pct, warning (a colour code). drop: when a terminal is too narrow, columns
    leave in descending order of drop; 0 never leaves. coloured: shown in the row's warning
    colour. width: the column's width in Excel and Word, in characters.
    """

    key: str
    head: str
    kind: str = "text"
    drop: int = 0
    width: int = 10
    coloured: bool = False
    grouped: bool = False  # people see a value only where it changes; a sheet keeps each
    least: int = 8  # text: the least width a terminal gives it before columns leave
    sheet_head: str | None = None  # a longer header where there is room (Excel)

    def shown(self, rows: list[dict], n: int):
        """Row n's value as people read the column (grouped: blank under the same value)."""
        value = rows[n].get(self.key)
        if self.grouped and n and rows[n - 1].get(self.key) == value:
            return ""
        return value

    @property
    def numeric(self) -> bool:
        return self.kind in ("int", "money", "pct")


@dataclass
class Table:
    """A section as a table. rows: {column key: raw value}; a row's "warning" colours it."""

    key: str  # the section's name: CSV's `section`, the order of sheets
    title: str  # 分领域
    sheet: str  # the Excel sheet name (at most 31 characters)
    columns: list[Col]
    rows: list[dict]
    totals: int = 0  # the first `totals` rows are 合计 rows (bold)
    unit_line: str = ""  # 单位：亿元, above the table in Excel
    projects: bool = False  # one row per project: Excel and Word number them (序号)


@dataclass
class Prose:
    """A section that is a paragraph (the narrative)."""

    key: str
    title: str
    text: str


Section = Table | Prose
BUILDERS: dict[str, Callable[[Report], Section]] = {}


def section(name: str):
    """Register a section builder under the name report kinds list it by."""
    def register(fn: Callable[[Report], Section]) -> Callable[[Report], Section]:
        BUILDERS[name] = fn
        return fn
    return register


def sections(report: Report) -> list[Section]:
    """The report's sections, in its kind's order."""
    return [BUILDERS[name](report) for name in report.kind.sections]


def build(report: Report, name: str) -> Section:
    return BUILDERS[name](report)


# --- the group tables: total, categories, sectors, regions ---------------------------------


def _group_columns(report: Report, lead: list[Col]) -> list[Col]:
    return [*lead, Col("projects", "项目数", "int", width=8),
            Col("target", "年度目标", "money", drop=5, width=12),
            Col("plan", "年度计划", "money", drop=2, width=12),
            Col("actual_ytd", "累计完成", "money", width=12),
            Col("actual_period", period_column(report.spec), "money", drop=4, width=12),
            Col("completion_pct", "完成率(%)", "pct", width=9, coloured=True),
            Col("gap_pp", "偏差(百分点)", "pct", drop=3, width=12,
                sheet_head="与时序进度差\n（百分点）"),
            Col("warning", "预警", "warning", width=6, coloured=True),
            Col("forecast", "预计全年", "money", drop=8, width=13, sheet_head="预计全年完成"),
            Col("forecast_pct", "预计完成率(%)", "pct", drop=7, width=10,
                sheet_head="预计完成率\n（%）")]


def _group_row(row: GroupRow, **lead) -> dict:
    return {**lead, "label": row.label, "projects": row.projects, "target": row.target,
            "plan": row.plan, "actual_ytd": row.actual_ytd, "actual_period": row.actual_period,
            "completion_pct": row.completion_pct, "gap_pp": row.gap_pp, "warning": row.warning,
            "forecast": row.forecast, "forecast_pct": row.forecast_pct}


def _unit_line(report: Report) -> str:
    return f"单位：{report.spec.unit}"


@section("totals")
def totals_table(report: Report) -> Table:
    name = Col("label", "名称", width=18)
    return Table("totals", "总体及分类别", "总体及分类别", _group_columns(report, [name]),
                 [_group_row(r) for r in (report.total, *report.by_category)], totals=1,
                 unit_line=_unit_line(report))


@section("by_sector")
def sector_table(report: Report) -> Table:
    lead = [Col("category", "类别", "label", width=14), Col("label", "领域", width=12)]
    rows = [_group_row(report.total, category="")]
    rows += [_group_row(r, category=programme.CATEGORIES_SHORT.get(r.category, ""))
             for r in report.by_sector]
    return Table("by_sector", "分领域", "分领域", _group_columns(report, lead), rows, totals=1,
                 unit_line=_unit_line(report))


@section("by_region")
def region_table(report: Report) -> Table:
    name = Col("label", "地区", "label", width=10)
    return Table("by_region", "分地区", "分地区", _group_columns(report, [name]),
                 [_group_row(r) for r in (report.total, *report.by_region)], totals=1,
                 unit_line=_unit_line(report))


@section("starts")
def starts_table(report: Report) -> Table:
    columns = [Col("group", "分组", "label", drop=11, width=6), Col("label", "名称", width=16),
               Col("projects", "项目数", "int", width=8), Col("started", "开复工", "int", width=8),
               Col("start_rate", "开复工率(%)", "pct", width=10),
               Col("new_projects", "新建", "int", drop=7, width=7),
               Col("new_started", "开工", "int", drop=5, width=7),
               Col("new_start_rate", "开工率(%)", "pct", drop=2, width=9),
               Col("continuing", "续建", "int", drop=6, width=7),
               Col("continuing_started", "复工", "int", drop=4, width=7),
               Col("continuing_start_rate", "复工率(%)", "pct", drop=3, width=9),
               Col("due", "年内应投产", "int", drop=9, width=9),
               Col("due_completed", "已投产", "int", drop=8, width=8),
               Col("production_rate", "投产率(%)", "pct", drop=1, width=9),
               Col("completed", "建成投产", "int", drop=10, width=9)]

    def row(group: str, r: GroupRow) -> dict:
        return {"group": group, "label": r.label, "projects": r.projects, "started": r.started,
                "start_rate": r.start_rate, "new_projects": r.new_projects,
                "new_started": r.new_started, "new_start_rate": r.new_start_rate,
                "continuing": r.continuing, "continuing_started": r.continuing_started,
                "continuing_start_rate": r.continuing_start_rate, "due": r.due,
                "due_completed": r.due_completed, "production_rate": r.production_rate,
                "completed": r.completed}

    rows = [row("", report.total)]
    rows += [row("类别", r) for r in report.by_category]
    rows += [row("领域", r) for r in report.by_sector]
    rows += [row("地区", r) for r in report.by_region]
    return Table("starts", "开复工及建成投产", "开复工及投产", columns, rows, totals=1,
                 unit_line="单位：个、%")


# --- the project tables ----------------------------------------------------------------------


@section("lagging")
def lagging_table(report: Report) -> Table:
    columns = [Col("code", "项目编号", "label", width=10), Col("name", "项目名称", width=32, least=14),
               Col("region", "地区", "label", drop=5, width=8),
               Col("sector", "领域", "label", drop=7, width=10),
               Col("responsible_unit", "责任单位", drop=9, width=24),
               Col("plan", "年度计划", "money", drop=6, width=11),
               Col("actual_ytd", "累计完成", "money", drop=4, width=11),
               Col("completion_pct", "完成率(%)", "pct", width=9, coloured=True),
               Col("warning", "预警", "warning", width=6, coloured=True),
               Col("status", "形象进度", drop=3, width=24, least=8),  # status（sentence as written）
               Col("reasons", "滞后原因", width=30, least=12),
               Col("forecast", "预计全年", "money", drop=11, width=13, sheet_head="预计全年完成"),
               Col("forecast_pct", "预计完成率(%)", "pct", drop=10, width=10,
                   sheet_head="预计完成率\n（%）")]
    rows = []
    for line in report.lagging:
        f = line.facts
        rows.append({"code": f.code, "name": f.name, "region": f.region,
                     "sector": programme.SECTOR_NAMES.get(f.sector, f.sector),
                     "responsible_unit": f.responsible_unit or "", "plan": f.plan,
                     "actual_ytd": f.ytd, "completion_pct": line.completion_pct,
                     "warning": line.warning,
                     "status": status_text(f.status, f.progress_text),
                     "reasons": "、".join(REASON_CN[r] for r in line.reasons),
                     "forecast": line.forecast, "forecast_pct": line.forecast_pct})
    return Table("lagging", f"进度滞后项目（{len(rows)}个）", "滞后项目", columns, rows,
                 unit_line=_unit_line(report), projects=True)


@section("problems")
def problems_table(report: Report) -> Table:
    """The ledger's open problems at M by the unit that solves them: age, due month, overdue."""
    from .supervision import problems_title

    columns = [Col("responsible_unit", "责任单位", width=28, grouped=True, least=10),
               Col("id", "编号", "int", drop=3, width=7),
               Col("code", "项目编号", "label", width=12),
               Col("name", "项目名称", drop=1, width=36, least=10),
               Col("region", "地区", "label", drop=5, width=8),
               Col("month", "提出月份", "label", drop=4, width=10),
               Col("due_month", "解决时限", "label", drop=6, width=10),
               Col("age_months", "已历时(月)", "int", drop=2, width=8,
                   sheet_head="已历时\n（月）"),
               Col("overdue", "逾期", "label", width=6),
               Col("problem", "问题", width=50, least=12, sheet_head="需协调解决的问题")]
    rows = [{"responsible_unit": g.responsible_unit, "id": i.id, "code": i.code, "name": i.name,
             "region": i.region, "month": i.month, "due_month": i.due_month or "",
             "age_months": i.age_months, "overdue": "逾期" if i.overdue else "",
             "problem": i.problem}
            for g in report.problems for i in g.items]
    return Table("problems", problems_title(report), "待协调问题", columns, rows,
                 unit_line="按负责解决的单位汇总", projects=True)


@section("procedures")
def procedures_table(report: Report) -> Table:
    """New projects not started by M and their 前期手续; the 合计 row counts the outstanding."""
    from .supervision import procedures_title

    names = programme.PROCEDURES
    columns = [Col("code", "项目编号", "label", width=12),
               Col("name", "项目名称", width=30, least=10),
               Col("region", "地区", "label", drop=3, width=8),
               Col("start_deadline", "开工期限", "label", drop=2, width=10),
               Col("past_deadline", "已过期限", "label", drop=1, width=8),
               Col("done", "已办结", width=30, least=8),
               Col("outstanding", "未办结", width=40, least=10)]
    section = report.procedures
    lines = section.lines if section else []
    rows = []
    if lines:
        rows.append({"code": "合计", "name": f"{len(lines)}个项目", "region": "",
                     "start_deadline": "", "past_deadline": str(section.past_deadline),
                     "done": "",
                     "outstanding": "、".join(f"{names[p]}{n}个" for p, n in
                                             section.missing.items() if n) or "无"})
    for x in lines:
        rows.append({"code": x.code, "name": x.name, "region": x.region,
                     "start_deadline": x.start_deadline,
                     "past_deadline": "是" if x.past_deadline else "",
                     "done": "、".join(f"{names[p]}（{x.states[p][1]}）" if x.states[p][1]
                                      else names[p] for p in x.done) or "无",
                     "outstanding": "、".join(
                         names[p] + ("（办理中）" if x.states[p][0] == "in_progress" else "")
                         for p in x.outstanding) or "无"})
    return Table("procedures", procedures_title(report), "前期手续", columns, rows,
                 totals=1 if lines else 0)


@section("by_unit")
def unit_table(report: Report) -> Table:
    """Each responsible unit: its projects' figures, lagging projects, open and overdue
    problems (a project or problem naming several units counts under each)."""
    from .supervision import UNIT_NOTE

    columns = [Col("unit", "责任单位", width=30, least=10),
               Col("projects", "项目数", "int", width=8),
               Col("plan", "年度计划", "money", drop=3, width=12),
               Col("actual_ytd", "累计完成", "money", drop=2, width=12),
               Col("completion_pct", "完成率(%)", "pct", width=9, coloured=True),
               Col("lagging", "滞后项目", "int", width=9),
               Col("open_problems", "未解决问题", "int", width=10),
               Col("overdue_problems", "逾期问题", "int", width=9),
               Col("warning", "预警", "warning", drop=1, width=6, coloured=True)]
    rows = [{"unit": u.unit, "projects": u.projects, "plan": u.plan, "actual_ytd": u.actual_ytd,
             "completion_pct": u.completion_pct, "lagging": u.lagging,
             "open_problems": u.open_problems, "overdue_problems": u.overdue_problems,
             "warning": u.warning} for u in report.by_unit]
    return Table("by_unit", "分责任单位", "分责任单位", columns, rows,
                 unit_line=f"{_unit_line(report)}；{UNIT_NOTE[3:]}")


@section("data_quality")
def quality_table(report: Report) -> Table:
    """Entries accepted but unlikely (SPEC §7.9): flagged, never rejected."""
    from ..quality import HEADS, LABELS

    keys = ("code", "month", "rule", "detail")
    kinds = ("label", "label", "text", "text")
    columns = [Col(k, h, kind, width=w, least=8)
               for k, h, kind, w in zip(keys, HEADS, kinds, (12, 10, 16, 50), strict=True)]
    rows = [{"code": f.code, "month": f.month, "rule": LABELS[f.rule], "detail": f.detail}
            for f in report.data_quality]
    return Table("data_quality", f"数据质量（{len(rows)}条）", "数据质量", columns, rows)


@section("unreported")
def unreported_table(report: Report) -> Table:
    columns = [Col("region", "地区", "label", width=8), Col("code", "项目编号", "label", width=10),
               Col("name", "项目名称", width=32, least=12),
               Col("responsible_unit", "责任单位", drop=1, width=26)]
    rows = [{"region": p.region, "code": p.code, "name": p.name,
             "responsible_unit": p.responsible_unit or ""} for p in report.unreported]
    return Table("unreported", f"{report.spec.month_number}月未报送项目（{len(rows)}个）",
                 "未报送项目", columns, rows, projects=True)


@section("narrative")
def narrative_section(report: Report) -> Prose:
    from .narrative import narrative

    return Prose("narrative", "综述", narrative(report))


# --- cell text, as the terminal, Markdown and Word show it -----------------------------------


def cell_text(col: Col, value, unit: str) -> str:
    """A raw value as people read it: 亿元 (or the unit) and percentages to 2 decimals."""
    from ..money import fmt
    from .labels import pct

    if value is None or value == "":
        return ""
    if col.kind == "money":
        return fmt(value, unit)
    if col.kind == "pct":
        return pct(value)
    if col.kind == "warning":
        return WARNING_CN.get(value, "")
    return str(value)


def text_rows(table: Table, unit: str) -> list[list[str]]:
    rows = table.rows
    return [[cell_text(c, c.shown(rows, n), unit) for c in table.columns]
            for n in range(len(rows))]

