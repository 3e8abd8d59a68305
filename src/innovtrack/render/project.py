"""`projects show`: one project with its plans, monthly entries, status timeline and changes."""

from __future__ import annotations

import json

from .. import programme
from ..clock import shown
from ..money import fmt, to_unit
from .labels import status_text
from .listing import is_money, json_value
from .output import print_rich, write_text
from .safe import cell

# How the change history and import summaries name a project's fields.
FIELD_LABELS = {
    "name": "项目名称", "enterprise": "项目单位", "region": "所在地区", "category": "类别",
    "sector": "领域", "industry": "行业", "stage": "建设性质", "total_investment": "总投资",
    "responsible_unit": "责任单位", "planned_start": "计划开工时间",
    "planned_completion": "计划投产时间", "content": "建设内容",
    "state": "状态", "withdrawn_month": "退出月份", "replaces": "替代项目",
    "replaced_by": "由此项目替代",
}


def field_label(name: str) -> str:
    if name.startswith("plan_") and name[5:].isdigit():
        return f"{name[5:]}年计划投资"
    return FIELD_LABELS.get(name, name)


def wan_text(yuan: int) -> str:
    """元 as 万元 text, exact and without trailing zeros: 82,000 / 156,000.5."""
    text = fmt(yuan, "万元", 4)
    return text.rstrip("0").rstrip(".") if "." in text else text


def history_value(name: str, value: str | None) -> str:
    """A stored old/new value (money is 元 text) as a person reads it."""
    if value is None or value == "":
        return "—"
    if is_money(name):
        try:
            return f"{wan_text(int(value))} 万元"
        except ValueError:
            return value
    labels = {"category": programme.CATEGORY_NAMES, "sector": programme.SECTOR_NAMES,
              "stage": programme.STAGES}.get(name, {})
    return labels.get(value, value)


def _json_history(h: dict) -> dict:
    out = dict(h)
    if is_money(h["field"]):
        for key in ("old_value", "new_value"):
            if h[key] not in (None, ""):
                out[key] = to_unit(int(h[key]), "万元")  # JSON amounts are 万元 numbers
    return out


def _json(project: dict) -> str:
    def conv(obj):
        if isinstance(obj, dict):
            return {k: conv(json_value(k, v)) for k, v in obj.items()}
        if isinstance(obj, list):
            return [conv(x) for x in obj]
        return obj

    data = dict(project, history=[_json_history(h) for h in project.get("history", [])])
    return json.dumps(conv(data), ensure_ascii=False, indent=2) + "\n"


_SHOW = 50  # projects a dry run names one by one


def procedures_line(procedures: dict) -> str:
    """前期手续：立项 已办结（2016-03）；用地 办理中；… (SPEC §9)."""
    from ..supervision import PROCEDURE_NAMES, STATES

    return "前期手续：" + "；".join(
        f"{PROCEDURE_NAMES[code]} {STATES[v['state']]}"
        + (f"（{v['done_month']}）" if v["done_month"] else "")
        for code, v in procedures.items())


def import_summary(result) -> list[str]:
    """The lines `innovtrack import` prints on stderr about a ledger.ProjectImport."""
    file = result.file
    lines = list(result.notices) + list(result.warnings)
    if result.already:
        lines.append(f"{file}: already imported ({result.already}); nothing changed")
    elif not result.changed:
        lines.append(f"{file}: {result.rows} projects, all unchanged; nothing written")
    else:
        if result.dry_run:
            lines += [f"  + {code}" for code in result.added[:_SHOW]]
            if len(result.added) > _SHOW:
                lines.append(f"  + … and {len(result.added) - _SHOW} more")
            for code, changes in list(result.changes.items())[:_SHOW]:
                lines.append(f"  ~ {code}: " + "; ".join(
                    f"{field_label(f)} {history_value(f, old)} → {history_value(f, new)}"
                    for f, old, new in changes))
            if len(result.changes) > _SHOW:
                lines.append(f"  ~ … and {len(result.changes) - _SHOW} more")
        add, update = ("would add", "would update") if result.dry_run else ("added", "updated")
        lines.append(f"{file}: {result.rows} projects: {add} {len(result.added)}, "
                     f"{update} {len(result.updated)}, {result.unchanged} unchanged"
                     + ("; dry run, nothing written" if result.dry_run else ""))
    if result.absent:
        shown = ", ".join(result.absent[:10]) + (" …" if len(result.absent) > 10 else "")
        lines.append(f"{file}: {len(result.absent)} active project(s) in the ledger are not in "
                     f"this list and are kept as they are: {shown}")
    return lines


def render_project(project: dict, fmt_name: str, unit: str, output: str | None) -> None:
    from .registry import LISTING_FORMATS, choose

    renderer = choose(LISTING_FORMATS, fmt_name, output)  # refuses -f json -o x.csv
    _PROJECT_FORMATS[fmt_name](project, unit, output, renderer)


def _project_json(project: dict, unit: str, output: str | None, renderer) -> None:
    write_text(_json(project), output)


def _project_csv(project: dict, unit: str, output: str | None, renderer) -> None:
    from .listing import to_csv
    from .registry import deliver

    # The monthly entries, with their header even when there are none yet.
    deliver(renderer, to_csv(project["entries"], ["month", "amount", "ytd", "status", "problem",
                                                  "note", "reported_by", "recorded_at",
                                                  "source", "reason", "supersedes"]), output)


def _project_table(project: dict, unit: str, output: str | None, renderer) -> None:
    """The project, its plans, entries, corrections and changes as rich tables (Markdown
    readers get the same text)."""
    from rich.console import Group
    from rich.table import Table

    p = project
    info = Table.grid(padding=(0, 2))
    info.add_column(style="bold")
    info.add_column()
    plans = "；".join(f"{k[5:]}年 {fmt(v, unit)}" for k, v in p.items() if k.startswith("plan_"))
    for label, value in (
        ("项目编号", p["code"]), ("项目名称", p["name"]), ("项目单位", p["enterprise"]),
        ("所在地区", p["region"]), ("类别", programme.CATEGORY_NAMES.get(p["category"], "")),
        ("领域", programme.SECTOR_NAMES.get(p["sector"], "")), ("行业", p["industry"] or ""),
        ("建设性质", programme.STAGES.get(p["stage"], "")),
        ("总投资", f"{fmt(p['total_investment'], unit)} {unit}"),
        ("计划投资", f"{plans}（{unit}）" if plans else "—"),
        ("责任单位", p["responsible_unit"] or ""),
        ("计划开工/投产", f"{p['planned_start'] or '—'} / {p['planned_completion'] or '—'}"),
        ("建设内容", p["content"] or ""),
        ("形象进度", programme.STATUSES.get(p["status"], "—") if p["status"] else "—"),
        ("状态", "在列" if p["state"] == "active"
         else f"已退出（{p['withdrawn_month']}，{p['withdrawn_reason'] or ''}）"),
    ):
        info.add_row(label, cell(value))
    for label, key in (("替代项目", "replaces"), ("由此项目替代", "replaced_by")):
        if p.get(key):
            info.add_row(label, cell(p[key]))
    parts: list = [info]
    if p["timeline"]:
        parts.append(cell("进度节点：" + " → ".join(
            f"{t['month']} {programme.STATUSES.get(t['status'], t['status'])}"
            for t in p["timeline"])))
    if p.get("started") or p.get("completed"):
        parts.append(cell(f"开复工：{p.get('started') or '—'}；建成投产：{p.get('completed') or '—'}"))
    if p.get("procedures"):
        parts.append(procedures_line(p["procedures"]))
    if p["entries"]:
        t = Table(title="月度进度", header_style="bold")
        for head in ("月份", f"本月完成（{unit}）", f"年初累计（{unit}）", "形象进度", "存在问题",
                     "填报人", "更正原因"):
            t.add_column(head, justify="right" if "（" in head else "left")
        for e in p["entries"]:
            t.add_row(*map(cell, (e["month"], fmt(e["amount"], unit), fmt(e["ytd"], unit),
                                  status_text(e["status"], e.get("progress_text")),
                                  e["problem"] or "", e["reported_by"] or "",
                                  (e["reason"] or "") if e.get("supersedes") else "")))
        parts.append(t)
    if p.get("corrections"):
        t = Table(title="更正记录", header_style="bold")
        for head in ("月份", f"原值（{unit}）", f"更正为（{unit}）", "原填报", "更正时间", "更正人",
                     "更正原因"):
            t.add_column(head, justify="right" if "（" in head else "left")
        for c in p["corrections"]:
            t.add_row(*map(cell, (c["month"], fmt(c["old_amount"], unit), fmt(c["amount"], unit),
                                  f"{c['old_reported_by'] or ''} "
                                  f"{shown(c['old_recorded_at'], seconds=False)}",
                                  shown(c["recorded_at"], seconds=False), c["reported_by"] or "",
                                  c["reason"] or "")))
        parts.append(t)
    if p.get("problems"):
        t = Table(title="问题台账", header_style="bold")
        for head in ("编号", "提出月份", "问题", "责任单位", "解决时限", "状态", "解决情况"):
            t.add_column(head)
        for q in p["problems"]:
            t.add_row(*map(cell, (str(q["id"]), q["raised_month"], q["text"], q["unit"] or "",
                                  q["due_month"], "未销号" if q["state"] == "open"
                                  else f"已销号（{q['resolved_month']}）", q["resolution"] or "")))
        parts.append(t)
    if p["history"]:
        t = Table(title="变更记录", header_style="bold")
        for head in ("时间", "字段", "原值", "新值"):
            t.add_column(head)
        for h in p["history"]:
            t.add_row(*map(cell, (shown(h["changed_at"]), field_label(h["field"]),
                                  history_value(h["field"], h["old_value"]),
                                  history_value(h["field"], h["new_value"]))))
        parts.append(t)
    print_rich(Group(*parts), output)


_PROJECT_FORMATS = {"json": _project_json, "csv": _project_csv, "table": _project_table,
                    "markdown": _project_table}
