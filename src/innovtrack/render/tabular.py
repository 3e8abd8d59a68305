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
from ..money import to_unit
from ..rollup import GroupRow, ProjectLine, Report
from .labels import cumulative_label, pace_heading, period_label, title
from .narrative import narrative
from .safe import csv_cell
from .safe import markdown as md_text
from .supervision import json_sections


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


# --- CSV: every section of the report, one row per group or project, a `section` column ---

# How a report section's rows appear in the CSV, from the JSON's lists; a section named here
# by nothing is looked up in the JSON under its own name (a list of objects).
_CSV_ROWS = {
    "totals": lambda d: [("total", [d["total"]]), ("by_category", d["by_category"])],
    "starts": lambda d: [],  # the starts and completions are columns of the group rows
    "problems": lambda d: [("problems", [{"responsible_unit": g["responsible_unit"],
                                          "label": item["name"], **item}
                                         for g in d["problems"] for item in g["items"]])],
    "procedures": lambda d: [("procedures", [
        {**x, "label": x["name"], "done": list(x["done"])}
        for x in (d["procedures"] or {}).get("projects", [])])],
    "by_unit": lambda d: [("by_unit", [{"label": u["unit"], **u} for u in d["by_unit"]])],
    "narrative": lambda d: [("narrative", [{"text": d["narrative"]}])],
}
_PLACES = 4  # percentages (and 万元, which never carry more) to 4 decimals


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return repr(round(value, _PLACES))
    if isinstance(value, list):
        return csv_cell(";".join(value))
    return csv_cell(value)


def csv_rows(report: Report) -> list[tuple[str, list[dict]]]:
    """(section, rows) in the report kind's order, rows as the JSON has them."""
    d = report_dict(report)
    out = []
    for name in report.kind.sections:
        split = _CSV_ROWS.get(name)
        out += split(d) if split else [(name, d.get(name) or [])]
    return out


# The group rows keep the `level` column the CSV had before it carried every section.
_LEVEL = {"total": "total", "by_category": "category", "by_sector": "sector",
          "by_region": "region", "by_unit": "unit", "problems": "problem",
          "procedures": "procedure"}


def to_csv(report: Report) -> str:
    # every row says what its gap pp is measured against (SPEC §11)
    against = {"time_progress_pct": report.time_progress_pct, "pace": report.pace.kind}
    parts = [(section, [row | against for row in rows]) for section, rows in csv_rows(report)]
    keys = ["section", "level",
            *dict.fromkeys(k for _, rows in parts for row in rows for k in row)]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(keys)
    for section, rows in parts:
        for row in rows:
            d = row | {"section": section, "level": _LEVEL.get(section)}
            writer.writerow([_cell(d.get(k)) for k in keys])
    return buf.getvalue()


# --- Markdown --------------------------------------------------------------------------------


def _md_table(heads: list[str], rows: list[list[str]], numeric: set[int]) -> list[str]:
    esc = md_text
    out = ["| " + " | ".join(heads) + " |",
           "|" + "|".join("---:" if i in numeric else "---" for i in range(len(heads))) + "|"]
    out += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return out


def to_markdown(report: Report) -> str:
    from .sections import Prose, sections, text_rows

    spec = report.spec
    unit = spec.unit
    lines = [f"# {md_text(title(report))}", "", f"{pace_heading(report)}金额单位：{unit}。", ""]
    for note in report.notes:
        lines.append(f"> {md_text(note)}")
    if report.notes:
        lines.append("")
    for sec in sections(report):
        lines += [f"## {md_text(sec.title)}", ""]
        if isinstance(sec, Prose):
            lines.append(md_text(sec.text))
        elif sec.rows:
            lines += _md_table([c.head for c in sec.columns], text_rows(sec, unit),
                               {i for i, c in enumerate(sec.columns) if c.numeric})
        else:
            lines.append("无。")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
