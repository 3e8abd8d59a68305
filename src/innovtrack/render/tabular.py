"""The report as JSON (SPEC §5's shape), tidy CSV and Markdown, all read off one Report.

JSON and CSV are for programs: English keys, codes, amounts as numbers in 万元, percentages
unrounded. Markdown is for people: Chinese headers, amounts in 亿元 (or --unit) to 2 decimals.
"""

from __future__ import annotations

import csv
import io
import json

from .. import programme
from ..clock import exact
from ..money import fmt, to_unit
from ..rollup import GroupRow, ProjectLine, Report
from .labels import (
    REASON_CN,
    cumulative_label,
    pace_heading,
    pct,
    period_column,
    period_label,
    status_text,
    title,
    warning,
)
from .narrative import narrative
from .safe import csv_cell
from .safe import markdown as md_text
from .supervision import CSV_KEYS as SUPERVISION_CSV_KEYS
from .supervision import csv_rows as supervision_csv_rows
from .supervision import json_sections
from .supervision import markdown_lines as supervision_markdown


def _wan(yuan: int | None):
    """money.to_unit(yuan, "万元") without Decimal: a report may carry 100,000 amounts.

    元 / 10,000 has at most four decimals, and the nearest double's shortest repr is exactly
    that decimal for any amount below 2**53 元, so the JSON text is the same as to_unit's.
    """
    if yuan is None:
        return None
    if -(2 ** 53) < yuan < 2 ** 53:
        whole, part = divmod(yuan, 10_000)
        return whole if part == 0 else yuan / 10_000
    return to_unit(yuan, "万元")


def group_dict(row: GroupRow) -> dict:
    """A table row as JSON: the keys of SPEC §5's <row>, then the starts and completions."""
    out: dict = {}
    if row.category is not None:
        out["category"] = row.category
    if row.sector is not None:
        out["sector"] = row.sector
    if row.region is not None:
        out["region"] = row.region
    out.update({
        "label": row.label, "projects": row.projects, "target": _wan(row.target),
        "plan": _wan(row.plan), "basis": row.basis, "actual_ytd": _wan(row.actual_ytd),
        "actual_period": _wan(row.actual_period), "completion_pct": row.completion_pct,
        "gap_pp": row.gap_pp, "warning": row.warning, "forecast": _wan(row.forecast),
        "forecast_pct": row.forecast_pct, "started": row.started,
        "completed": row.completed, "start_rate": row.start_rate,
        "new_projects": row.new_projects, "new_started": row.new_started,
        "new_start_rate": row.new_start_rate, "continuing_projects": row.continuing,
        "continuing_started": row.continuing_started,
        "continuing_start_rate": row.continuing_start_rate, "due": row.due,
        "due_completed": row.due_completed, "production_rate": row.production_rate,
        "reported": row.reported, "unreported": row.unreported, "no_plan": row.no_plan,
    })
    return out


def line_dict(line: ProjectLine) -> dict:
    f = line.facts
    return {
        "code": f.code, "name": f.name, "enterprise": f.enterprise, "region": f.region,
        "category": f.category, "sector": f.sector, "stage": f.stage,
        "responsible_unit": f.responsible_unit, "warning": line.warning,
        "reasons": list(line.reasons), "plan": _wan(f.plan), "actual_ytd": _wan(f.ytd),
        "actual_period": _wan(f.period), "completion_pct": line.completion_pct,
        "gap_pp": line.gap_pp, "forecast": _wan(line.forecast),
        "forecast_pct": line.forecast_pct, "status": f.status, "progress_text": f.progress_text,
        "reported": f.reported,
        "start_deadline": line.start_deadline if "not_started" in line.reasons else None,
        "problem": f.problem,
    }


def report_dict(report: Report) -> dict:
    spec = report.spec
    out: dict = {"programme": programme.PROGRAMME_NAME, "kind": spec.kind, "year": spec.year}
    if spec.quarter:
        out["quarter"] = spec.quarter
    else:
        out["month"] = spec.as_of
    out.update({
        "as_of": spec.as_of, "period": {"from": spec.period_start, "to": spec.as_of,
                                         "label": period_label(spec),
                                         "cumulative_label": cumulative_label(spec)},
        "time_progress_pct": report.time_progress_pct, "pace": pace_dict(report.pace),
        "unit": "万元",
        "yellow_margin": spec.yellow_margin, "red_margin": spec.red_margin,
        "filters": {"category": spec.category, "region": spec.region},
        "known_at": exact(spec.known_at), "targets_published": report.targets_published,
        "total": group_dict(report.total),
        "by_category": [group_dict(r) for r in report.by_category],
        "by_sector": [group_dict(r) for r in report.by_sector],
        "by_region": [group_dict(r) for r in report.by_region],
        "lagging": [line_dict(line) for line in report.lagging],
        **json_sections(report),  # problems, procedures, by_unit (SPEC §9)
        "unreported": [{"code": p.code, "name": p.name, "region": p.region,
                        "responsible_unit": p.responsible_unit} for p in report.unreported],
        "withdrawn": [{"code": p.code, "name": p.name, "withdrawn_month": p.withdrawn_month}
                      for p in report.withdrawn],
        "no_plan": [p.code for p in report.no_plan],
    })
    if report.monthly is not None:
        out["monthly"] = [{"month": m.month, "amount": _wan(m.amount),
                           "cumulative": _wan(m.cumulative), "completion_pct": m.completion_pct,
                           "time_progress_pct": m.time_progress_pct} for m in report.monthly]
    if spec.kind in ("monthly", "quarterly"):
        out["data_quality"] = [f.as_dict() for f in report.data_quality]
    out["notes"] = report.notes
    out["narrative"] = narrative(report)
    return out


def pace_dict(pace) -> dict:
    """The pace used: kind, source, the 12-month curve (cumulative %), and where it came from."""
    return {"kind": pace.kind, "source": pace.source,
            "curve": [int(v) if v.denominator == 1 else float(v) for v in pace.curve],
            "set_at": pace.set_at, "years": list(pace.years), "note": pace.note}


_ONE_PER_LINE = ("lagging", "unreported", "withdrawn", "problems", "monthly", "by_unit",
                 "data_quality")


def to_json(report: Report) -> str:
    """Indented at the top; the long lists one compact object per line.

    json.dumps with indent runs the pure-Python encoder, ten times slower than the C one that
    compact output uses; a lagging list of 20,000 projects would cost a second.
    """
    data = report_dict(report)
    encode = json.JSONEncoder(ensure_ascii=False).encode
    parts = []
    for key, value in data.items():
        if key in _ONE_PER_LINE and value:
            body = ",\n    ".join(map(encode, value))
            text = f"[\n    {body}\n  ]"
        elif key == "procedures" and value:  # {projects: [one per line], missing, past_deadline}
            inner = ['    "projects": [\n      '
                     + ",\n      ".join(map(encode, value["projects"])) + "\n    ]"
                     if value["projects"] else '    "projects": []']
            inner += [f"    {json.dumps(k)}: {encode(v)}" for k, v in value.items()
                      if k != "projects"]
            text = "{\n" + ",\n".join(inner) + "\n  }"
        else:
            text = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        parts.append(f"  {json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


# --- CSV: one row per group (or per project for the lagging report) ----------------------

GROUP_KEYS = ["level", "category", "sector", "region", "label", "projects", "target", "plan",
              "basis", "actual_ytd", "actual_period", "completion_pct", "gap_pp", "warning",
              "forecast", "forecast_pct", "started", "start_rate", "new_projects",
              "new_started", "new_start_rate", "continuing_projects", "continuing_started",
              "continuing_start_rate", "completed", "due", "due_completed", "production_rate",
              "reported", "unreported", "no_plan", "time_progress_pct", "pace"]
LINE_KEYS = ["code", "name", "enterprise", "region", "category", "sector", "stage",
             "responsible_unit", "warning", "reasons", "plan", "actual_ytd", "actual_period",
             "completion_pct", "gap_pp", "forecast", "forecast_pct", "status", "reported",
             "start_deadline", "problem", "time_progress_pct", "pace"]


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list):
        return csv_cell(";".join(value))
    return csv_cell(value)


def to_csv(report: Report) -> str:
    # every row says what its gap pp is measured against (SPEC §11)
    against = {"time_progress_pct": report.time_progress_pct, "pace": report.pace.kind}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if report.spec.kind == "lagging":
        writer.writerow(LINE_KEYS)
        for line in report.lagging:
            d = line_dict(line) | against
            writer.writerow([_cell(d[k]) for k in LINE_KEYS])
        return buf.getvalue()
    keys = GROUP_KEYS + [k for k in SUPERVISION_CSV_KEYS if k not in GROUP_KEYS]
    writer.writerow(keys)
    for level, rows in (("total", [report.total]), ("category", report.by_category),
                        ("sector", report.by_sector), ("region", report.by_region)):
        for row in rows:
            d = group_dict(row) | {"level": level} | against
            writer.writerow([_cell(d.get(k)) for k in keys])
    for d in supervision_csv_rows(report):  # level unit, problem, procedure (SPEC §9)
        writer.writerow([_cell(d.get(k)) for k in keys])
    return buf.getvalue()


# --- Markdown --------------------------------------------------------------------------------


def _md_table(heads: list[str], rows: list[list[str]], numeric: set[int]) -> list[str]:
    esc = md_text
    out = ["| " + " | ".join(heads) + " |",
           "|" + "|".join("---:" if i in numeric else "---" for i in range(len(heads))) + "|"]
    out += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return out


FORECAST_HEAD, FORECAST_PCT_HEAD = "预计全年", "预计完成率(%)"  # 预计全年完成, SPEC §11


def group_cells(row: GroupRow, unit: str, *, with_category: bool = False) -> list[str]:
    lead = [programme.CATEGORIES_SHORT.get(row.category, "")] if with_category else []
    return [*lead, row.label, str(row.projects), fmt(row.target, unit), fmt(row.plan, unit),
            fmt(row.actual_ytd, unit), fmt(row.actual_period, unit),
            pct(row.completion_pct), pct(row.gap_pp), warning(row.warning),
            fmt(row.forecast, unit), pct(row.forecast_pct)]


def group_heads(report: Report, *, with_category: bool = False) -> list[str]:
    """Short headers; the unit is stated once above the tables (单位：亿元)."""
    lead = ["类别"] if with_category else []
    return [*lead, "名称", "项目数", "年度目标", "年度计划", "累计完成", period_column(report.spec),
            "完成率(%)", "偏差(百分点)", "预警", FORECAST_HEAD, FORECAST_PCT_HEAD]


STARTS_HEADS = ["名称", "项目数", "开复工", "开复工率(%)", "新建", "开工", "开工率(%)", "续建",
                "复工", "复工率(%)", "年内应投产", "已投产", "投产率(%)", "建成投产"]


def starts_cells(row: GroupRow) -> list[str]:
    return [row.label, str(row.projects), str(row.started), pct(row.start_rate),
            str(row.new_projects), str(row.new_started), pct(row.new_start_rate),
            str(row.continuing), str(row.continuing_started), pct(row.continuing_start_rate),
            str(row.due), str(row.due_completed), pct(row.production_rate), str(row.completed)]


def lagging_heads(unit: str) -> list[str]:
    return ["项目编号", "项目名称", "地区", "领域", "年度计划", "累计完成", "完成率(%)", "预警",
            "形象进度", "滞后原因", FORECAST_HEAD, FORECAST_PCT_HEAD]


def lagging_cells(line: ProjectLine, unit: str) -> list[str]:
    f = line.facts
    return [f.code, f.name, f.region, programme.SECTOR_NAMES.get(f.sector, f.sector),
            fmt(f.plan, unit), fmt(f.ytd, unit), pct(line.completion_pct),
            warning(line.warning), status_text(f.status, f.progress_text),
            "、".join(REASON_CN[r] for r in line.reasons), fmt(line.forecast, unit),
            pct(line.forecast_pct)]



def to_markdown(report: Report) -> str:
    spec = report.spec
    unit = spec.unit
    lines = [f"# {md_text(title(report))}", "", f"{pace_heading(report)}金额单位：{unit}。", ""]
    for note in report.notes:
        lines.append(f"> {md_text(note)}")
    if report.notes:
        lines.append("")
    if spec.kind != "lagging":
        heads = group_heads(report)
        numeric = set(range(1, 8)) | {9, 10}
        lines += ["## 总体及分类别", ""]
        lines += _md_table(heads, [group_cells(r, unit) for r in
                                   [report.total, *report.by_category]], numeric)
        lines += ["", "## 分领域", ""]
        lines += _md_table(group_heads(report, with_category=True),
                           [group_cells(r, unit, with_category=True) for r in report.by_sector],
                           set(range(2, 9)) | {10, 11})
        lines += ["", "## 分地区", ""]
        lines += _md_table(heads, [group_cells(r, unit) for r in report.by_region], numeric)
        lines += ["", "## 开复工及建成投产", ""]
        lines += _md_table(STARTS_HEADS, [starts_cells(r) for r in
                                          [report.total, *report.by_category]],
                           set(range(1, 14)))
    lines += ["", f"## 进度滞后项目（{len(report.lagging)}个）", ""]
    if report.lagging:
        lines += _md_table(lagging_heads(unit), [lagging_cells(x, unit) for x in report.lagging],
                           {4, 5, 6, 10, 11})
    else:
        lines.append("无。")
    if spec.kind != "lagging":
        lines += supervision_markdown(report)  # problems, procedures, by_unit (SPEC §9)
        if report.data_quality:
            from ..quality import HEADS, flag_cells

            lines += ["", f"## 数据质量（{len(report.data_quality)}条）", ""]
            lines += _md_table(list(HEADS), [flag_cells(f) for f in report.data_quality], set())
        if spec.kind == "monthly":
            lines += ["", f"## {int(spec.as_of[5:7])}月未报送项目（{len(report.unreported)}个）", ""]
            if report.unreported:
                lines += _md_table(["地区", "项目编号", "项目名称", "责任单位"],
                                   [[p.region, p.code, p.name, p.responsible_unit or ""]
                                    for p in report.unreported], set())
            else:
                lines.append("无。")
        lines += ["", "## 综述", "", md_text(narrative(report))]
    return "\n".join(lines) + "\n"
