"""Mapping a header row onto fields (SPEC §6): Chinese or English names, units in brackets.

`总投资（亿元）`, `总投资(万元)`, `total_investment_wan` and `2016年计划投资` all map; case,
spaces and full-width forms are ignored. Columns that map to nothing are named once in a notice.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..money import UNIT_ALIASES
from ..supervision import PROCEDURES


@dataclass(frozen=True)
class FieldSpec:
    label: str  # how messages name the column when the file lacks it
    aliases: tuple[str, ...]
    money: bool = False
    # Aliases that name this field only when the header also has `paired_with`: 完成投资 is
    # the month amount in a file that also has a year-to-date column (SPEC §6, last part).
    paired: tuple[str, ...] = ()
    paired_with: str | None = None


def _k(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", text)).lower()


PROJECT_FIELDS: dict[str, FieldSpec] = {
    "code": FieldSpec("项目编号", ("项目编号", "项目代码", "编号", "code", "项目编码")),
    "name": FieldSpec("项目名称", ("项目名称", "name")),
    "enterprise": FieldSpec("项目单位", ("项目单位", "企业名称", "建设单位", "承担单位",
                                       "enterprise", "项目业主", "企业")),
    "region": FieldSpec("所在地区", ("所在地区", "地区", "市州", "region", "所在市州")),
    "category": FieldSpec("类别", ("类别", "项目类别", "category")),
    "sector": FieldSpec("领域", ("领域", "产业领域", "行业领域", "sector")),
    "industry": FieldSpec("行业", ("行业", "industry")),
    "stage": FieldSpec("建设性质", ("建设性质", "stage")),
    "total_investment": FieldSpec("总投资", ("总投资", "totalinvestment", "项目总投资"),
                                  money=True),
    "responsible_unit": FieldSpec("责任单位", ("责任单位", "responsibleunit")),
    "planned_start": FieldSpec("计划开工时间", ("计划开工时间", "plannedstart", "开工时间")),
    "planned_completion": FieldSpec("计划投产时间", ("计划投产时间", "plannedcompletion",
                                                   "投产时间", "计划建成时间")),
    "content": FieldSpec("建设内容", ("建设内容", "主要建设内容", "content",
                                    "主要建设内容及规模", "建设规模及内容")),
}

PROGRESS_FIELDS: dict[str, FieldSpec] = {
    "code": PROJECT_FIELDS["code"],
    "name": PROJECT_FIELDS["name"],
    "month": FieldSpec("月份", ("月份", "填报月份", "month", "报告期", "统计月份")),
    "amount": FieldSpec("本月完成投资", ("本月完成投资", "amount", "当月完成投资"), money=True,
                        paired=("完成投资",), paired_with="ytd"),
    "ytd": FieldSpec("自年初累计完成投资", ("自年初累计完成投资", "累计完成投资", "ytd",
                                        "年初累计完成投资", "本年累计完成投资",
                                        "年初至报告期累计完成投资", "年初至今累计完成投资"),
                     money=True),
    "status": FieldSpec("形象进度", ("形象进度", "建设状态", "项目状态", "status",
                                    "年初至报告期形象进度")),
    # Since the project started (SPEC §6, last part): through the report month, or through the
    # end of the year before. Kept with the project, never read as the month or the year-to-date.
    "since_start": FieldSpec("开工至报告期累计完成投资", (
        "开工至报告期累计完成投资", "开工至今累计完成投资", "开工以来累计完成投资",
        "自开工累计完成投资", "开工累计完成投资", "sincestart"), money=True),
    "before_year": FieldSpec("开工至上一年度底累计完成投资", (
        "开工至上一年度底累计完成投资", "开工至上年底累计完成投资", "开工至上年末累计完成投资",
        "截至上年底累计完成投资", "截至上年末累计完成投资", "beforeyear"), money=True),
    "year": FieldSpec("年份", ("年份", "年度", "year")),
    # How a problem stands (解决情况); its solver and due month are the supervision fields below.
    "resolution": FieldSpec("解决情况", ("解决情况", "resolution")),
    "problem": FieldSpec("存在问题", ("存在问题", "需协调解决的问题", "problem",
                                    "存在的问题", "需协调解决问题")),
    "reason": FieldSpec("更正原因", ("更正原因", "原因", "reason")),
    "reported_by": FieldSpec("填报人", ("填报人", "填报单位", "reportedby")),
    "note": FieldSpec("备注", ("备注", "说明", "情况说明", "note")),
    # Supervision (SPEC §9): who is to solve the problem, by when, and the procedures.
    "problem_unit": FieldSpec("需协调解决单位", ("需协调解决单位", "责任单位", "责任单位或责任人",
                                             "问题责任单位", "问题责任单位或责任人", "协调解决单位",
                                             "需协调单位", "problemunit")),
    "due": FieldSpec("解决时限", ("解决时限", "问题解决时限", "完成时限", "解决期限",
                                  "要求解决时间", "计划解决时间", "要求完成时限", "due")),
    **{p.code: FieldSpec(p.name, p.aliases) for p in PROCEDURES},
}

# 2016年计划投资, 2016计划投资, 2016年度投资计划, 2016年计划, plan2016, 计划投资（2016年）
_PLAN = re.compile(r"^(?:(\d{4})年?(?:度)?(?:计划投资|计划完成投资|投资计划|计划)|plan(\d{4})"
                   r"|(?:计划投资|计划完成投资|投资计划)\((\d{4})年?度?\))$")
_BRACKET = re.compile(r"^(.*?)[(\[]([^()\[\]]*)[)\]]$")
_UNIT_SUFFIX = re.compile(r"^(.*?)(wan|yi|yuan|万元|亿元)$")


# Headers that name a period rather than a fixed word, as monthly report forms do:
# 1-6月累计完成投资 / 2016年1～6月完成投资 (year to date), 6月完成投资 (the month).
_PERIOD_HEADERS: tuple[tuple[str, re.Pattern], ...] = (
    ("ytd", re.compile(r"^(?:\d{4}年)?1[-~至到—－]\d{1,2}月份?(?:实际)?(?:累计)?(?:完成投资|完成)$")),
    ("ytd", re.compile(r"^(?:本年|本年度|年初至今|年初以来|年初至报告期)(?:实际)?(?:累计)?完成投资$")),
    ("amount", re.compile(r"^(?:\d{4}年)?\d{1,2}月份?(?:实际)?(?:完成投资|完成)$")),
    ("status", re.compile(r"^(?:\d{4}年)?(?:1[-~至到—－])?\d{1,2}月份?(?:实际)?形象进度$")),
)

# What is never the month amount or the year-to-date, whatever else its header says (SPEC §6,
# last part): a plan (计划完成投资 is the month's plan), a figure since the project started,
# a share of a plan or of the total.
_NEVER_FIGURE = re.compile(r"计划|开工|上一?年度?[底末]|占|%|百分|比例|比重")
FIGURES = frozenset({"amount", "ytd"})


def never_figure(header: str) -> bool:
    """Whether a header names a plan, a since-start figure or a percentage (never the month
    amount or the year-to-date)."""
    return bool(_NEVER_FIGURE.search(unicodedata.normalize("NFKC", header)))


def _period_field(header: str, fields: dict[str, FieldSpec]) -> str | None:
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", header)).lower()
    text = _BRACKET.sub(r"\1", text).removesuffix("额")
    for name, pattern in _PERIOD_HEADERS:
        if name in fields and pattern.match(text):
            return name
    return None


@dataclass
class ColumnMap:
    index: dict[str, int] = field(default_factory=dict)  # field -> column position
    units: dict[str, str] = field(default_factory=dict)  # money field -> 元/万元/亿元
    plans: dict[int, int] = field(default_factory=dict)  # plan year -> column position
    plan_units: dict[int, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # field or plan_YYYY -> header text
    ignored: list[str] = field(default_factory=list)
    # A second column for a field already mapped (two 项目编号 columns): (field or plan_YYYY,
    # its position, its header text). Its cells must agree with the first column's.
    duplicates: list[tuple[str, int, str, str | None]] = field(default_factory=list)


def split_unit(header: str) -> tuple[str, str | None]:
    """('总投资', '亿元') from '总投资（亿元）'; a bracket that is not a unit is dropped."""
    key = _k(header)
    unit = None
    m = _BRACKET.match(key)
    if m:
        key, inside = m.group(1), m.group(2)
        unit = UNIT_ALIASES.get(inside.removeprefix("单位").lstrip(":"))  # （单位：亿元）
    else:
        m = _UNIT_SUFFIX.match(key)
        if m and m.group(1):
            key, unit = m.group(1), UNIT_ALIASES.get(m.group(2))
    return key, unit


def map_header(cells: list, fields: dict[str, FieldSpec], default_unit: str | None,
               with_plans: bool = True) -> ColumnMap:
    lookup = {_k(alias): name for name, spec in fields.items() for alias in spec.aliases}
    cmap = ColumnMap()
    for pos, cell in enumerate(cells):
        if cell is None or not isinstance(cell, str) or not cell.strip():
            continue
        # The header as the file shows it, on one line: messages name columns by this text
        # (a workbook header cell often wraps: "计划投产\n时间").
        shown = " ".join(cell.split())
        key, unit = split_unit(cell)
        name = lookup.get(key) or lookup.get(key.removesuffix("额"))  # 总投资额, 完成投资额
        if name is None:
            name = lookup.get(_k(cell))  # a header whose bracket is part of the name
        if name is None:
            name = _period_field(cell, fields)
        if name in FIGURES and never_figure(cell):
            name = None
        plan = (_PLAN.match(key) or _PLAN.match(_k(cell))) if with_plans and name is None \
            else None  # the second for 计划投资（2016年）, whose bracket is not a unit
        year = int(plan.group(1) or plan.group(2) or plan.group(3)) if plan else None
        # The first column for a field is read; a second one must agree with it row by row.
        if name is not None and name in cmap.index:
            money = unit or default_unit or "万元" if fields[name].money else None
            cmap.duplicates.append((name, pos, shown, money))
        elif year is not None and year in cmap.plans:
            cmap.duplicates.append((f"plan_{year}", pos, shown, unit or default_unit or "万元"))
        elif name is not None:
            cmap.index[name] = pos
            cmap.names[name] = shown
            if fields[name].money:
                cmap.units[name] = unit or default_unit or "万元"
        elif year is not None and year not in cmap.plans:
            cmap.plans[year] = pos
            cmap.plan_units[year] = unit or default_unit or "万元"
            cmap.names[f"plan_{year}"] = shown
        else:
            cmap.ignored.append(shown)
    _pair(cmap, cells, fields, default_unit)
    return cmap


def _pair(cmap: ColumnMap, cells: list, fields: dict[str, FieldSpec],
          default_unit: str | None) -> None:
    """Map the ignored headers that are a paired alias of a field (完成投资 beside a
    year-to-date column), now that the whole header is known."""
    for name, spec in fields.items():
        if not spec.paired or name in cmap.index or spec.paired_with not in cmap.index:
            continue
        aliases = {_k(a) for a in spec.paired}
        for pos, cell in enumerate(cells):
            if not isinstance(cell, str) or " ".join(cell.split()) not in cmap.ignored:
                continue
            key, unit = split_unit(cell)
            if key in aliases or key.removesuffix("额") in aliases:
                shown = " ".join(cell.split())
                cmap.ignored.remove(shown)
                cmap.index[name] = pos
                cmap.names[name] = shown
                if spec.money:
                    cmap.units[name] = unit or default_unit or "万元"
                break
