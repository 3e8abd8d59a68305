"""The supervision sections of a report (SPEC §9) for programs, and `report supervision`.

The report's tables problems, procedures and by_unit are sections (render/sections.py) like
the others; here are their JSON dicts, their titles, the narrative's sentence, and the 督办
list, which is per responsible unit rather than section by section: its formats are
registry.SUPERVISION_FORMATS, its tables sections.Table so the terminal fits them to 80
columns like the report's, and its workbook one print-ready sheet per unit.
"""

from __future__ import annotations

from ..rollup import (
    NO_UNIT,
    ProblemItem,
    ProcedureLine,
    Report,
    UnitRow,
    UnitSupervision,
    age_months,
    supervision_list,
    unit_names,
)
from .labels import REASON_CN, month_cn, warning
from .safe import cell
from .sections import Col, Table, text_rows


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


# --- titles and the narrative's sentence ------------------------------------------------------


def problems_title(report: Report) -> str:
    items = [i for g in report.problems for i in g.items]
    overdue = sum(i.overdue for i in items)
    return f"需协调解决的问题（{len(items)}个，其中逾期{overdue}个）"


def procedures_title(report: Report) -> str:
    s = report.procedures
    n = len(s.lines) if s else 0
    late = s.past_deadline if s else 0
    return f"新建未开工项目前期手续（{n}个，其中已过开工期限{late}个）"


UNIT_NOTE = "注：一个项目或问题有几个责任单位时，分别计入每个单位。"


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


# --- report supervision (督办) ------------------------------------------------------------------


def supervision_title(report: Report) -> str:
    return f"百项创新攻坚工程督办清单（截至{month_cn(report.spec.as_of)}）"


def supervision_dict(report: Report) -> dict:
    from ..clock import exact

    units = supervision_list(report)
    return {"kind": "supervision", "as_of": report.spec.as_of,
            "known_at": exact(report.spec.known_at),
            "units": [{"unit": u.unit, "overdue_problems": [problem_dict(i) for i in u.overdue],
                       "lagging": [{"code": x.facts.code, "name": x.facts.name,
                                    "region": x.facts.region, "warning": x.warning,
                                    "reasons": list(x.reasons),
                                    "completion_pct": x.completion_pct,
                                    "plan": _wan(x.facts.plan), "actual_ytd": _wan(x.facts.ytd)}
                                   for x in u.lagging]} for u in units]}


def unit_heading(u: UnitSupervision) -> str:
    return f"{u.unit}（逾期问题{len(u.overdue)}个，滞后项目{len(u.lagging)}个）"


def unit_tables(u: UnitSupervision, as_of: str) -> list[Table]:
    """A unit's 督办单 as two tables: its overdue problems, its lagging projects."""
    problems = Table(
        "overdue_problem", f"逾期未解决问题（{len(u.overdue)}个）", "", [
            Col("seq", "序号", "int", width=6), Col("id", "编号", "int", drop=3, width=8),
            Col("code", "项目编号", "label", width=12),
            Col("name", "项目名称", drop=1, width=30, least=10),
            Col("problem", "问题", width=40, least=12),
            Col("month", "提出月份", "label", drop=4, width=10),
            Col("due_month", "解决时限", "label", drop=5, width=10),
            Col("months_overdue", "逾期(月)", "int", drop=2, width=9)],
        [{"seq": k, "id": i.id, "code": i.code, "name": i.name, "problem": i.problem,
          "month": i.month, "due_month": i.due_month or "",
          "months_overdue": age_months(i.due_month, as_of)} for k, i in enumerate(u.overdue, 1)])
    lagging = Table(
        "lagging", f"进度滞后项目（{len(u.lagging)}个）", "", [
            Col("seq", "序号", "int", width=6), Col("code", "项目编号", "label", width=12),
            Col("name", "项目名称", width=30, least=10),
            Col("region", "地区", "label", drop=2, width=10),
            Col("completion_pct", "完成率(%)", "pct", width=9, coloured=True),
            Col("warning", "预警", "warning", width=6, coloured=True),
            Col("reasons", "滞后原因", drop=1, width=19, least=10)],
        [{"seq": k, "code": x.facts.code, "name": x.facts.name, "region": x.facts.region,
          "completion_pct": x.completion_pct, "warning": x.warning,
          "reasons": "、".join(REASON_CN[r] for r in x.reasons)}
         for k, x in enumerate(u.lagging, 1)])
    return [problems, lagging]


def supervision_csv(report: Report) -> str:
    import csv
    import io

    from .tabular import _cell

    buf = io.StringIO()
    keys = ["unit", "kind", "seq", "problem_id", "code", "name", "problem", "month",
            "due_month", "months_overdue", "region", "completion_pct", "warning", "reasons"]
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(keys)
    as_of = report.spec.as_of
    for u in supervision_list(report):
        for k, i in enumerate(u.overdue, 1):
            w.writerow([_cell(v) for v in (
                u.unit, "overdue_problem", k, i.id, i.code, i.name, i.problem, i.month,
                i.due_month, age_months(i.due_month, as_of), i.region, "", "", "")])
        for k, x in enumerate(u.lagging, 1):  # _cell: no text is read as a formula
            w.writerow([_cell(v) for v in (
                u.unit, "lagging", k, "", x.facts.code, x.facts.name, "", "", "", "",
                x.facts.region, x.completion_pct, x.warning or "", ";".join(x.reasons))])
    return buf.getvalue()


def supervision_text(report: Report) -> str:
    units = supervision_list(report)
    overdue = sum(len(u.overdue) for u in units)
    if not units:
        return f"截至{month_cn(report.spec.as_of)}，无逾期未解决问题和进度滞后项目。\n"
    head = (f"截至{month_cn(report.spec.as_of)}，{len(units)}个责任单位有逾期未解决问题或进度滞后项目，"
            f"逾期未解决问题共{overdue}个。")
    body = "；".join(f"{u.unit}逾期问题{len(u.overdue)}个、滞后项目{len(u.lagging)}个" for u in units)
    return head + body + "。\n"


def supervision_plain(report: Report) -> str:
    """--format text: the sentence, control characters in a unit's name written out."""
    from .safe import visible

    return visible(supervision_text(report))


def supervision_markdown(report: Report) -> str:
    from .safe import markdown as md_text
    from .tabular import _md_table

    lines = [f"# {md_text(supervision_title(report))}", ""]
    unit = report.spec.unit
    for u in supervision_list(report):
        lines += [f"## {md_text(unit_heading(u))}", ""]
        for table in unit_tables(u, report.spec.as_of):
            if table.rows:
                lines += _md_table([c.head for c in table.columns], text_rows(table, unit),
                                   {i for i, c in enumerate(table.columns) if c.numeric})
                lines.append("")
    if len(lines) == 2:
        lines.append(md_text(supervision_text(report).rstrip("\n")))
    return "\n".join(lines) + "\n"


def print_supervision(report: Report, output: str | None, wide: bool = False) -> None:
    """The 督办 list on the terminal, its tables fitted to the width like the report's."""
    from .fit import print_all, screen

    if output:
        from .output import output_file

        with output_file(output) as fh:
            scr = screen(fh=fh)
            print_all(scr, _renderables(report, scr.width))
        return
    scr = screen(wide=wide)
    print_all(scr, _renderables(report, scr.width))


def _renderables(report: Report, width: int | None) -> list:
    from .fit import left_out_line, rich_table
    from .terminal import section_columns

    parts: list = [cell(supervision_title(report), style="bold")]
    for u in supervision_list(report):
        parts.append(cell(unit_heading(u), style="bold"))  # a unit's name shown literally
        for table in unit_tables(u, report.spec.as_of):
            if not table.rows:
                continue
            rich, left_out = rich_table(table.title, section_columns(table, report.spec.unit),
                                        width)
            parts.append(rich)
            if left_out:
                parts.append(left_out_line(left_out))
    parts.append(cell(supervision_text(report).rstrip("\n")))
    return parts


def supervision_json(report: Report) -> str:
    import json

    return json.dumps(supervision_dict(report), ensure_ascii=False, indent=2) + "\n"


def _sheet_name(unit: str, used: set[str]) -> str:
    """An Excel sheet name for a unit: at most 31 characters, none of []:*?/\\, unique."""
    import re

    from .safe import visible  # a control character is no part of a sheet's name

    base = re.sub(r"[\[\]:*?/\\']", "", visible(unit))[:28] or "单位"
    name, n = base, 1
    while name in used:
        n += 1
        name = f"{base[:26]}({n})"
    used.add(name)
    return name


def write_supervision_xlsx(report: Report, path: str) -> None:
    """One print-ready sheet per unit, to be sent as its 督办单."""
    import xlsxwriter

    from .xlsx import SAFE_OPTIONS, _cut, _text, cut_notice

    _cut[0] = 0
    wb = xlsxwriter.Workbook(path, SAFE_OPTIONS)
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
    for u in units:
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
        ws.repeat_rows(0, r + 1)
        for n, table in enumerate(unit_tables(u, as_of)):
            if n:
                r += 1
            ws.write_string(r, 0, ("一、", "二、")[n] + table.title, f["section"])  # counts only
            r += 1
            for c, col in enumerate(table.columns):
                ws.write_string(r, c, col.head, f["head"])
            r += 1
            last = len(table.columns) - 1
            for row in table.rows:
                for c, col in enumerate(table.columns):
                    value = row.get(col.key)
                    style = f["pct"] if col.kind == "pct" else (
                        f["center"] if col.kind in ("int", "label", "warning") else f["text"])
                    if col.kind == "warning":
                        value = warning(value)
                    if c == last and last < ncols - 1:  # the last column spans to the edge
                        ws.merge_range(r, c, r, ncols - 1, _text(str(value or "")), style)
                    elif value is None:
                        ws.write_blank(r, c, None, style)
                    elif isinstance(value, int | float) and not isinstance(value, bool):
                        ws.write_number(r, c, value, style)
                    else:
                        ws.write_string(r, c, _text(str(value)), style)
                r += 1
        ws.print_area(0, 0, r - 1, ncols - 1)
    if not units:
        ws = wb.add_worksheet("督办清单")
        ws.write_string(0, 0, _text(supervision_text(report).rstrip("\n")))
    wb.close()
    cut_notice()


__all__ = ["json_sections", "unit_names"]  # unit_names: for callers
