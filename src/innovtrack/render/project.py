"""`projects show`: one project with its plans, monthly entries, status timeline and changes."""

from __future__ import annotations

import json

from .. import programme
from ..money import fmt
from .listing import json_value
from .output import print_rich, write_text


def _json(project: dict) -> str:
    def conv(obj):
        if isinstance(obj, dict):
            return {k: conv(json_value(k, v)) for k, v in obj.items()}
        if isinstance(obj, list):
            return [conv(x) for x in obj]
        return obj

    return json.dumps(conv(project), ensure_ascii=False, indent=2) + "\n"


def render_project(project: dict, fmt_name: str, unit: str, output: str | None) -> None:
    if fmt_name == "json":
        write_text(_json(project), output)
        return
    if fmt_name == "csv":
        from .listing import to_csv

        write_text(to_csv(project["entries"]), output)
        return
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
        info.add_row(label, str(value))
    parts: list = [info]
    if p["timeline"]:
        parts.append("进度节点：" + " → ".join(
            f"{t['month']} {programme.STATUSES.get(t['status'], t['status'])}"
            for t in p["timeline"]))
    if p["entries"]:
        t = Table(title="月度进度", header_style="bold")
        for head in ("月份", f"本月完成（{unit}）", f"年初累计（{unit}）", "形象进度", "存在问题",
                     "填报人"):
            t.add_column(head, justify="right" if "（" in head else "left")
        for e in p["entries"]:
            t.add_row(e["month"], fmt(e["amount"], unit), fmt(e["ytd"], unit),
                      programme.STATUSES.get(e["status"], "") if e["status"] else "",
                      e["problem"] or "", e["reported_by"] or "")
        parts.append(t)
    if p["history"]:
        t = Table(title="变更记录", header_style="bold")
        for head in ("时间", "字段", "原值", "新值"):
            t.add_column(head)
        for h in p["history"]:
            t.add_row(h["changed_at"][:19], h["field"], h["old_value"] or "", h["new_value"] or "")
        parts.append(t)
    print_rich(Group(*parts), output)
