"""The supervision sections of a report (SPEC §9) in every format, and `report supervision`.

problems (open problems at the as-of month, age, overdue), procedures (new projects not yet
started and their 前期手续) and by_unit (responsible units) are written here once: headers and
cells for the people-facing formats, dicts for JSON and CSV. The report renderers call in
with one line each, so the sections move as a block when the renderers are reorganised.
"""

from __future__ import annotations

from .. import programme
from ..money import fmt
from ..rollup import (
    NO_UNIT,
    PROCEDURE_ORDER,
    ProblemItem,
    ProcedureLine,
    ProjectLine,
    Report,
    UnitRow,
    supervision_list,
    unit_names,
)
from .labels import REASON_CN, month_cn, pct, warning
from .safe import cell

PROCEDURE_CN = programme.PROCEDURES
STATE_CN = programme.PROCEDURE_STATES


def _wan(yuan):
    from .tabular import _wan as wan

    return wan(yuan)


# --- dicts for programs ------------------------------------------------------------------------


def problem_dict(i: ProblemItem) -> dict:
    return {"id": i.id, "code": i.code, "name": i.name, "region": i.region, "month": i.month,
            "problem": i.problem, "unit": i.unit, "due_month": i.due_month,
            "age_months": i.age_months, "overdue": i.overdue}


def procedure_dict(line: ProcedureLine) -> dict:
    return {"code": line.code, "name": line.name, "region": line.region,
            "responsible_unit": line.responsible_unit, "start_deadline": line.start_deadline,
            "past_deadline": line.past_deadline,
            "done": {p: line.states[p][1] for p in line.done},
            "in_progress": [p for p in line.outstanding if line.states[p][0] == "in_progress"],
            "outstanding": list(line.outstanding)}


def unit_dict(u: UnitRow) -> dict:
    return {"unit": u.unit, "projects": u.projects, "plan": _wan(u.plan),
            "actual_ytd": _wan(u.actual_ytd), "completion_pct": u.completion_pct,
            "gap_pp": u.gap_pp, "warning": u.warning, "lagging": u.lagging,
            "open_problems": u.open_problems, "overdue_problems": u.overdue_problems}


def json_sections(report: Report) -> dict:
    """The report's JSON keys problems, procedures and by_unit."""
    section = report.procedures
    return {
        "problems": [{"responsible_unit": g.responsible_unit,
                      "items": [problem_dict(i) for i in g.items]} for g in report.problems],
        "procedures": None if section is None else {
            "projects": [procedure_dict(x) for x in section.lines],
            "missing": dict(section.missing), "past_deadline": section.past_deadline},
        "by_unit": [unit_dict(u) for u in report.by_unit],
    }


CSV_KEYS = ["unit", "lagging", "open_problems", "overdue_problems", "problem_id", "code",
            "name", "problem", "month", "due_month", "age_months", "overdue", "start_deadline",
            "past_deadline", "done", "outstanding"]


def csv_rows(report: Report) -> list[dict]:
    """Rows of the report CSV after the group rows: level unit, problem, procedure."""
    rows = []
    for u in report.by_unit:
        d = unit_dict(u)
        rows.append(d | {"level": "unit", "label": u.unit})
    for g in report.problems:
        for i in g.items:
            rows.append(problem_dict(i) | {"level": "problem", "label": i.name,
                                           "problem_id": i.id, "region": i.region})
    if report.procedures is not None:
        for x in report.procedures.lines:
            rows.append({"level": "procedure", "label": x.name, "code": x.code,
                         "name": x.name, "region": x.region, "unit": x.responsible_unit,
                         "start_deadline": x.start_deadline, "past_deadline": x.past_deadline,
                         "done": list(x.done), "outstanding": list(x.outstanding)})
    return rows


# --- tables for people -------------------------------------------------------------------------


def problems_title(report: Report) -> str:
    items = [i for g in report.problems for i in g.items]
    overdue = sum(i.overdue for i in items)
    return f"需协调解决的问题（{len(items)}个，其中逾期{overdue}个）"


PROBLEM_HEADS = ["责任单位", "编号", "项目编号", "项目名称", "提出月份", "解决时限", "已历时(月)",
                 "逾期", "问题"]


def problem_rows(report: Report) -> list[list[str]]:
    return [[g.responsible_unit if k == 0 else "", str(i.id), i.code, i.name, i.month,
             i.due_month or "", str(i.age_months), "逾期" if i.overdue else "", i.problem]
            for g in report.problems for k, i in enumerate(g.items)]


def procedures_title(report: Report) -> str:
    s = report.procedures
    n = len(s.lines) if s else 0
    late = s.past_deadline if s else 0
    return f"新建未开工项目前期手续（{n}个，其中已过开工期限{late}个）"


PROCEDURE_HEADS = ["项目编号", "项目名称", "地区", "开工期限", "已过期限", "已办结", "未办结"]


def procedure_rows(report: Report) -> list[list[str]]:
    if report.procedures is None:
        return []
    return [[x.code, x.name, x.region, x.start_deadline, "是" if x.past_deadline else "",
             "、".join(PROCEDURE_CN[p] for p in x.done) or "无",
             "、".join(PROCEDURE_CN[p] + ("（办理中）" if x.states[p][0] == "in_progress" else "")
                      for p in x.outstanding) or "无"]
            for x in report.procedures.lines]


MISSING_HEADS = ["手续", *(PROCEDURE_CN[p] for p in PROCEDURE_ORDER)]


def missing_row(report: Report) -> list[str]:
    s = report.procedures
    return ["未办结项目数", *(str(s.missing[p]) if s else "0" for p in PROCEDURE_ORDER)]


def unit_heads(unit: str) -> list[str]:
    return ["责任单位", "项目数", "年度计划", "累计完成", "完成率(%)", "预警", "滞后项目",
            "未解决问题", "逾期问题"]


def unit_rows(report: Report) -> list[list[str]]:
    unit = report.spec.unit
    return [[u.unit, str(u.projects), fmt(u.plan, unit), fmt(u.actual_ytd, unit),
             pct(u.completion_pct), warning(u.warning), str(u.lagging), str(u.open_problems),
             str(u.overdue_problems)] for u in report.by_unit]


UNIT_NOTE = "注：一个项目或问题有几个责任单位时，分别计入每个单位。"

# (title, heads, rows, right-aligned columns) of each section, in report order.
def sections(report: Report) -> list[tuple[str, list[str], list[list[str]], set[int]]]:
    return [
        (problems_title(report), PROBLEM_HEADS, problem_rows(report), {6}),
        (procedures_title(report), PROCEDURE_HEADS, procedure_rows(report), set()),
        ("前期手续未办结项目数", MISSING_HEADS, [missing_row(report)] if report.procedures
         and report.procedures.lines else [], set(range(1, 8))),
        ("分责任单位", unit_heads(report.spec.unit), unit_rows(report), {1, 2, 3, 4, 6, 7, 8}),
    ]


def terminal_parts(report: Report) -> list:
    from rich.table import Table

    parts = []
    for title, heads, rows, right in sections(report):
        table = Table(title=title, header_style="bold", title_justify="left")
        for i, head in enumerate(heads):
            table.add_column(head, justify="right" if i in right else "left")
        for row in rows:
            table.add_row(*(cell(c) for c in row))  # data shown literally, never as markup
        parts.append(table)
    return parts


def markdown_lines(report: Report) -> list[str]:
    from .tabular import _md_table

    lines = []
    for title, heads, rows, right in sections(report):
        lines += ["", f"## {title}", ""]
        lines += _md_table(heads, rows, right) if rows else ["无。"]
    return lines


def problems_sentence(report: Report) -> str:
    """需协调解决的问题N个，其中逾期M个，涉及K个责任单位，问题较多的是甲（x个）、乙（y个）."""
    items = [i for g in report.problems for i in g.items]
    if not items:
        return ""
    overdue = sum(i.overdue for i in items)
    holders = [u for u in report.by_unit if u.open_problems]
    holders.sort(key=lambda u: (u.unit == NO_UNIT, -u.open_problems, -u.overdue_problems,
                                u.unit))
    top = "、".join(f"{u.unit}（{u.open_problems}个）" for u in holders[:3])
    text = f"需协调解决的问题{len(items)}个"
    text += f"，其中逾期未解决{overdue}个" if overdue else "，均未逾期"
    return text + f"，涉及{len(holders)}个责任单位，问题较多的是{top}。"


# --- xlsx ---------------------------------------------------------------------------------------


def xlsx_sheets(book, report: Report, head: str) -> None:
    """The sheets 待协调问题, 前期手续 and 分责任单位 of the report workbook."""
    from .xlsx import _table_sheet

    columns = [("责任单位", "text", 28), ("编号", "int", 7), ("项目编号", "text", 12),
               ("项目名称", "text", 36), ("地区", "text", 8), ("提出月份", "center", 10),
               ("解决时限", "center", 10), ("已历时\n（月）", "int", 8), ("逾期", "center", 6),
               ("需协调解决的问题", "text", 50)]
    rows = [([g.responsible_unit, i.id, i.code, i.name, i.region, i.month, i.due_month,
              i.age_months, "逾期" if i.overdue else "", i.problem], False)
            for g in report.problems for i in g.items]
    _table_sheet(book, "待协调问题", f"{head}——{problems_title(report)}", columns, rows,
                 unit_line="按负责解决的单位汇总")
    columns = [("项目编号", "text", 12), ("项目名称", "text", 36), ("地区", "text", 8),
               ("开工期限", "center", 10), ("已过期限", "center", 8),
               *((PROCEDURE_CN[p], "center", 10) for p in PROCEDURE_ORDER)]
    lines = report.procedures.lines if report.procedures else []
    rows = [([x.code, x.name, x.region, x.start_deadline, "是" if x.past_deadline else "",
              *(STATE_CN[x.states[p][0]] + (f"（{x.states[p][1]}）" if x.states[p][1] else "")
                for p in PROCEDURE_ORDER)], False) for x in lines]
    if lines:
        rows.append((["合计", f"{len(lines)}个项目", "", "", str(report.procedures.past_deadline),
                      *(f"未办结{report.procedures.missing[p]}个" for p in PROCEDURE_ORDER)],
                     True))
    _table_sheet(book, "前期手续", f"{head}——{procedures_title(report)}", columns, rows,
                 unit_line="")
    unit = report.spec.unit
    columns = [("责任单位", "text", 30), ("项目数", "int", 8), (f"年度计划\n（{unit}）", "money", 12),
               (f"累计完成\n（{unit}）", "money", 12), ("完成率\n（%）", "pct", 9),
               ("滞后项目", "int", 9), ("未解决问题", "int", 10), ("逾期问题", "int", 9),
               ("预警", "center", 6)]
    rows = [([u.unit, u.projects, book.money(u.plan), book.money(u.actual_ytd),
              u.completion_pct, u.lagging, u.open_problems, u.overdue_problems,
              warning(u.warning)], False) for u in report.by_unit]
    _table_sheet(book, "分责任单位", f"{head}——分责任单位", columns, rows,
                 unit_line=f"单位：{unit}；{UNIT_NOTE[3:]}", warn=True)


# --- report supervision (督办) ------------------------------------------------------------------


def supervision_title(report: Report) -> str:
    return f"百项创新攻坚工程督办清单（截至{month_cn(report.spec.as_of)}）"


def _lag_reason(line: ProjectLine) -> str:
    return "、".join(REASON_CN[r] for r in line.reasons)


def supervision_dict(report: Report) -> dict:
    units = supervision_list(report)
    return {"kind": "supervision", "as_of": report.spec.as_of, "known_at": report.spec.known_at,
            "units": [{"unit": u.unit, "overdue_problems": [problem_dict(i) for i in u.overdue],
                       "lagging": [{"code": x.facts.code, "name": x.facts.name,
                                    "region": x.facts.region, "warning": x.warning,
                                    "reasons": list(x.reasons),
                                    "completion_pct": x.completion_pct,
                                    "plan": _wan(x.facts.plan), "actual_ytd": _wan(x.facts.ytd)}
                                   for x in u.lagging]} for u in units]}


SUP_PROBLEM_HEADS = ["序号", "编号", "项目编号", "项目名称", "问题", "提出月份", "解决时限",
                     "逾期(月)"]
SUP_LAG_HEADS = ["序号", "项目编号", "项目名称", "地区", "完成率(%)", "预警", "滞后原因"]


def _sup_problem_cells(k: int, i: ProblemItem, as_of: str) -> list[str]:
    from ..rollup import age_months

    return [str(k), str(i.id), i.code, i.name, i.problem, i.month, i.due_month or "",
            str(age_months(i.due_month, as_of))]


def _sup_lag_cells(k: int, x: ProjectLine) -> list[str]:
    return [str(k), x.facts.code, x.facts.name, x.facts.region, pct(x.completion_pct),
            warning(x.warning), _lag_reason(x)]


def _sup_csv(report: Report) -> str:
    import csv
    import io

    buf = io.StringIO()
    keys = ["unit", "kind", "seq", "problem_id", "code", "name", "problem", "month",
            "due_month", "months_overdue", "region", "completion_pct", "warning", "reasons"]
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(keys)
    from ..rollup import age_months

    for u in supervision_list(report):
        for k, i in enumerate(u.overdue, 1):
            w.writerow([u.unit, "overdue_problem", k, i.id, i.code, i.name, i.problem, i.month,
                        i.due_month, age_months(i.due_month, report.spec.as_of), i.region, "",
                        "", ""])
        for k, x in enumerate(u.lagging, 1):
            w.writerow([u.unit, "lagging", k, "", x.facts.code, x.facts.name, "", "", "", "",
                        x.facts.region, "" if x.completion_pct is None else repr(x.completion_pct),
                        x.warning or "", ";".join(x.reasons)])
    return buf.getvalue()


def _sup_text(report: Report) -> str:
    units = supervision_list(report)
    overdue = sum(len(u.overdue) for u in units)
    if not units:
        return f"截至{month_cn(report.spec.as_of)}，无逾期未解决问题和进度滞后项目。"
    head = (f"截至{month_cn(report.spec.as_of)}，{len(units)}个责任单位有逾期未解决问题或进度滞后项目，"
            f"逾期未解决问题共{overdue}个。")
    body = "；".join(f"{u.unit}逾期问题{len(u.overdue)}个、滞后项目{len(u.lagging)}个" for u in units)
    return head + body + "。"


def _sup_markdown(report: Report) -> str:
    from .tabular import _md_table

    lines = [f"# {supervision_title(report)}", ""]
    as_of = report.spec.as_of
    for u in supervision_list(report):
        lines += [f"## {u.unit}（逾期问题{len(u.overdue)}个，滞后项目{len(u.lagging)}个）", ""]
        if u.overdue:
            lines += _md_table(SUP_PROBLEM_HEADS, [_sup_problem_cells(k, i, as_of) for k, i in
                                                   enumerate(u.overdue, 1)], {0, 7})
            lines.append("")
        if u.lagging:
            lines += _md_table(SUP_LAG_HEADS, [_sup_lag_cells(k, x) for k, x in
                                               enumerate(u.lagging, 1)], {0, 4})
            lines.append("")
    if len(lines) == 2:
        lines.append(_sup_text(report))
    return "\n".join(lines) + "\n"


def _sup_terminal(report: Report, output: str | None) -> None:
    from rich.console import Group
    from rich.table import Table

    parts: list = [cell(supervision_title(report), style="bold")]
    as_of = report.spec.as_of
    for u in supervision_list(report):
        parts.append(cell(f"{u.unit}（逾期问题{len(u.overdue)}个，滞后项目{len(u.lagging)}个）",
                          style="bold"))
        for title, heads, rows, right in (
                ("逾期未解决问题", SUP_PROBLEM_HEADS,
                 [_sup_problem_cells(k, i, as_of) for k, i in enumerate(u.overdue, 1)], {0, 7}),
                ("进度滞后项目", SUP_LAG_HEADS,
                 [_sup_lag_cells(k, x) for k, x in enumerate(u.lagging, 1)], {0, 4})):
            if not rows:
                continue
            table = Table(title=title, header_style="bold", title_justify="left")
            for c, h in enumerate(heads):
                table.add_column(h, justify="right" if c in right else "left")
            for row in rows:
                table.add_row(*(cell(c) for c in row))
            parts.append(table)
    parts.append(cell(_sup_text(report)))
    _print_wide(Group(*parts), output)


def _print_wide(renderable, output: str | None) -> None:
    """Like the report: the terminal's width on a terminal, wide enough elsewhere."""
    import sys

    from rich.console import Console

    from .terminal import _WIDE

    if output:
        with open(output, "w", encoding="utf-8") as fh:
            Console(file=fh, width=_WIDE, no_color=True).print(renderable)
    elif sys.stdout.isatty():
        Console(soft_wrap=False).print(renderable)
    else:
        Console(width=_WIDE).print(renderable)


def _sheet_name(unit: str, used: set[str]) -> str:
    """An Excel sheet name for a unit: at most 31 characters, none of []:*?/\\, unique."""
    import re

    base = re.sub(r"[\[\]:*?/\\']", "", unit)[:28] or "单位"
    name, n = base, 1
    while name in used:
        n += 1
        name = f"{base[:26]}({n})"
    used.add(name)
    return name


def _sup_xlsx(report: Report, path: str) -> None:
    """One print-ready sheet per unit, to be sent as its 督办单."""
    import xlsxwriter

    from .xlsx import _text

    wb = xlsxwriter.Workbook(path)
    base = {"font_name": "宋体", "font_size": 11, "valign": "vcenter"}
    cell = base | {"border": 1, "text_wrap": True}
    f = {"title": wb.add_format(base | {"bold": True, "font_size": 16, "align": "center"}),
         "sub": wb.add_format(base),
         "section": wb.add_format(base | {"bold": True}),
         "head": wb.add_format(cell | {"bold": True, "align": "center", "bg_color": "#D9E1F2"}),
         "text": wb.add_format(cell), "center": wb.add_format(cell | {"align": "center"}),
         "pct": wb.add_format(cell | {"num_format": "0.00"})}
    widths = [6, 8, 12, 30, 40, 10, 10, 9]
    as_of = report.spec.as_of
    used: set[str] = set()
    units = supervision_list(report)
    from ..rollup import age_months

    for u in units or []:
        ws = wb.add_worksheet(_sheet_name(u.unit, used))
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.set_footer("&C第 &P 页 共 &N 页")
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        ncols = len(widths)
        ws.merge_range(0, 0, 0, ncols - 1, "督 办 单", f["title"])
        ws.merge_range(1, 0, 1, ncols - 1, f"{_text(u.unit)}：截至{month_cn(as_of)}，贵单位负责协调"
                       f"解决的问题中逾期未解决{len(u.overdue)}个，所负责项目中进度滞后"
                       f"{len(u.lagging)}个，请抓紧协调解决并报送进展情况。", f["sub"])
        ws.set_row(1, 36)
        r = 2
        ws.write_string(r, 0, f"一、逾期未解决问题（{len(u.overdue)}个）", f["section"])
        r += 1
        ws.repeat_rows(0, r)
        for c, h in enumerate(SUP_PROBLEM_HEADS):
            ws.write_string(r, c, h, f["head"])
        r += 1
        for k, i in enumerate(u.overdue, 1):
            ws.write_number(r, 0, k, f["center"])
            ws.write_number(r, 1, i.id, f["center"])
            ws.write_string(r, 2, i.code, f["text"])
            ws.write_string(r, 3, _text(i.name), f["text"])
            ws.write_string(r, 4, _text(i.problem), f["text"])
            ws.write_string(r, 5, i.month, f["center"])
            ws.write_string(r, 6, i.due_month or "", f["center"])
            ws.write_number(r, 7, age_months(i.due_month, as_of), f["center"])
            r += 1
        r += 1
        ws.write_string(r, 0, f"二、进度滞后项目（{len(u.lagging)}个）", f["section"])
        r += 1
        for c, h in enumerate(SUP_LAG_HEADS):
            ws.write_string(r, c, h, f["head"])
        r += 1
        for k, x in enumerate(u.lagging, 1):
            ws.write_number(r, 0, k, f["center"])
            ws.write_string(r, 1, x.facts.code, f["text"])
            ws.write_string(r, 2, _text(x.facts.name), f["text"])
            ws.write_string(r, 3, x.facts.region, f["text"])
            if x.completion_pct is None:
                ws.write_blank(r, 4, None, f["pct"])
            else:
                ws.write_number(r, 4, x.completion_pct, f["pct"])
            ws.write_string(r, 5, warning(x.warning), f["center"])
            ws.merge_range(r, 6, r, 7, _lag_reason(x), f["text"])
            r += 1
        ws.print_area(0, 0, r - 1, ncols - 1)
    if not units:
        ws = wb.add_worksheet("督办清单")
        ws.write_string(0, 0, _sup_text(report))
    wb.close()


def _sup_json(report: Report, output: str | None) -> None:
    import json

    from .output import write_text

    write_text(json.dumps(supervision_dict(report), ensure_ascii=False, indent=2) + "\n", output)


def _writer(render):
    def write(report: Report, output: str | None) -> None:
        from .output import write_text

        write_text(render(report), output)
    return write


def _sup_workbook(report: Report, output: str | None) -> None:
    if not output:
        from ..errors import UsageError

        raise UsageError("--format xlsx writes a workbook: name it with --output FILE.xlsx")
    _sup_xlsx(report, output)


SUPERVISION_RENDERERS = {
    "table": _sup_terminal, "json": _sup_json, "csv": _writer(_sup_csv),
    "markdown": _writer(_sup_markdown), "text": _writer(lambda r: _sup_text(r) + "\n"),
    "xlsx": _sup_workbook,
}


def emit_supervision(report: Report, fmt_name: str, output: str | None) -> None:
    """`report supervision` in the asked format."""
    SUPERVISION_RENDERERS[fmt_name](report, output)


__all__ = ["emit_supervision", "json_sections", "unit_names"]  # unit_names: for callers
