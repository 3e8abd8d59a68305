"""`report diff` rendered: a terminal table, JSON for programs, Markdown for people.

JSON keeps English keys and codes, amounts in 万元 (as every report's JSON) and stamps in
the users' zone with their offset; the table and Markdown speak Chinese, amounts in 亿元 (or
--unit), stamps to the minute.
"""

from __future__ import annotations

import json
from decimal import Decimal

from .. import programme
from ..clock import exact, shown, zone_label
from ..diff import MONEY_FIGURES, Diff
from ..money import fmt, to_unit
from .labels import REASON_CN
from .project import field_label, history_value

FIGURE_CN = {"projects": "项目数", "target": "年度目标", "plan": "年度计划", "actual_ytd": "累计完成",
             "actual_period": "本期完成", "completion_pct": "完成率(%)", "gap_pp": "偏差(百分点)",
             "warning": "预警", "started": "开复工", "completed": "建成投产", "reported": "已报送"}
WARNING_CN = {"green": "绿", "yellow": "黄", "red": "红"}
KIND_CN = {"late": "迟报", "correction": "更正"}
_FOLD = {"项目名称", "名称", "更正原因", "原因", "来源", "原值", "新值", "填报人", "滞后原因"}


def _wan(yuan):
    return None if yuan is None else to_unit(yuan, "万元")


def diff_dict(d: Diff) -> dict:
    def moment(m):
        return {"moment": m.label, "known_at": exact(m.stamp), "issued": m.issued}

    def stamps(rows):
        return [dict(r, recorded_at=exact(r["recorded_at"])) for r in rows]

    entries = [dict(e, amount=_wan(e["amount"]), old_amount=_wan(e["old_amount"]))
               for e in stamps(d.entries)]
    targets = [dict(t, amount=_wan(t["amount"])) for t in stamps(d.targets_set)]
    changed = []
    for c in stamps(d.projects_changed):
        if c["field"] == "total_investment" or c["field"].startswith("plan_"):
            c = dict(c, old=None if c["old"] is None else _wan(int(c["old"])),
                     new=None if c["new"] is None else _wan(int(c["new"])))
        changed.append(c)
    return {"kind": d.kind, "period": d.period, "year": d.year, "as_of": d.as_of,
            "unit": "万元", "from": moment(d.start), "to": moment(d.end), "rows": d.rows,
            "entries": entries, "projects_added": stamps(d.projects_added),
            "projects_changed": changed, "projects_withdrawn": stamps(d.projects_withdrawn),
            "targets_set": targets, "lagging_entered": d.lagging_entered,
            "lagging_left": d.lagging_left}


def to_json(d: Diff) -> str:
    return json.dumps(diff_dict(d), ensure_ascii=False, indent=2) + "\n"


# --- for people ---------------------------------------------------------------------------


def _figure(figure: str, value, unit: str) -> str:
    if value is None:
        return "—"
    if figure == "warning":
        return WARNING_CN.get(value, value)
    if figure in MONEY_FIGURES:  # JSON amounts are 万元 numbers; back to 元 for fmt
        return fmt(int(Decimal(str(value)) * 10_000), unit)
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _change(figure: str, value, unit: str) -> str:
    if value is None:
        return ""
    text = _figure(figure, value, unit)
    return text if text.startswith("-") else "+" + text


def _who(label: str, m) -> str:
    if m.label == "now":
        return f"{label}：当前（{shown(m.stamp, seconds=False)}）"
    if m.issued is not None:
        return f"{label}：已报送报告 #{m.issued}（数据截至 {shown(m.stamp, seconds=False)}）"
    return f"{label}：{shown(m.stamp, seconds=False)}"


def sections(d: Diff, unit: str) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, headers, rows) per section of the diff, as people read them."""
    out = []
    out.append((f"数据变动（金额单位：{unit}）", ["范围", "名称", "指标", "原值", "新值", "变动"],
                [[{"total": "合计", "category": "类别", "sector": "领域", "region": "地区"}
                  [r["level"]], r["label"], FIGURE_CN[c["figure"]],
                  _figure(c["figure"], c["old"], unit), _figure(c["figure"], c["new"], unit),
                  _change(c["figure"], c["change"], unit)]
                 for r in d.rows for c in r["changes"]]))
    out.append(("期间录入的报送和更正", ["类型", "项目编号", "项目名称", "月份", f"原值（{unit}）",
                                   f"新值（{unit}）", "更正原因", "填报人", "录入时间"],
                [[KIND_CN[e["kind"]], e["code"], e["name"], e["month"],
                  fmt(e["old_amount"], unit) if e["old_amount"] is not None else "",
                  fmt(e["amount"], unit), e["reason"] or "", e["reported_by"] or "",
                  shown(e["recorded_at"], seconds=False)] for e in d.entries]))
    out.append(("新增项目", ["项目编号", "项目名称", "地区", "领域", "录入时间"],
                [[p["code"], p["name"], p["region"],
                  programme.SECTOR_NAMES.get(p["sector"], p["sector"]),
                  shown(p["recorded_at"], seconds=False)] for p in d.projects_added]))
    out.append(("项目信息变更", ["项目编号", "项目名称", "字段", "原值", "新值", "录入时间"],
                [[c["code"], c["name"], field_label(c["field"]),
                  history_value(c["field"], c["old"]), history_value(c["field"], c["new"]),
                  shown(c["recorded_at"], seconds=False)] for c in d.projects_changed]))
    out.append(("退出项目", ["项目编号", "项目名称", "退出月份", "原因", "替代项目", "录入时间"],
                [[w["code"], w["name"], w["month"] or "", w["reason"] or "",
                  w["replaced_by"] or "", shown(w["recorded_at"], seconds=False)]
                 for w in d.projects_withdrawn]))
    out.append(("新设目标", ["年度", "范围", f"目标投资（{unit}）", "项目数", "来源", "录入时间"],
                [[str(t["year"]), programme.scope_label(t["category"], t["sector"]),
                  fmt(t["amount"], unit), "" if t["projects"] is None else str(t["projects"]),
                  t["source"] or "", shown(t["recorded_at"], seconds=False)]
                 for t in d.targets_set]))
    for title, rows in (("新进入滞后名单", d.lagging_entered), ("移出滞后名单", d.lagging_left)):
        out.append((title, ["项目编号", "项目名称", "地区", "预警", "滞后原因"],
                    [[x["code"], x["name"], x["region"], WARNING_CN.get(x["warning"], ""),
                      "、".join(REASON_CN.get(r, r) for r in x["reasons"])] for x in rows]))
    return out


def heading(d: Diff) -> list[str]:
    what = (f"{d.year}年{'一二三四'[int(d.period[-1]) - 1]}季度" if d.kind == "quarterly"
            else f"{int(d.as_of[:4])}年{int(d.as_of[5:])}月")
    return [f"{programme.PROGRAMME_NAME}{what}报告变动对比",
            f"{_who('原', d.start)}；{_who('现', d.end)}（{zone_label()}）"]


def to_markdown(d: Diff, unit: str) -> str:
    from .tabular import _md_table

    lines = [f"# {heading(d)[0]}", "", heading(d)[1], ""]
    for title, heads, rows in sections(d, unit):
        lines += [f"## {title}", ""]
        lines += (_md_table(heads, rows, set()) if rows else ["无"]) + [""]
    return "\n".join(lines)


def print_diff(d: Diff, unit: str, output: str | None) -> None:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from .output import print_rich

    parts: list = [Text(heading(d)[0], style="bold"), Text(heading(d)[1])]
    for title, heads, rows in sections(d, unit):
        if not rows:
            parts.append(Text(f"{title}：无"))
            continue
        table = Table(title=title, header_style="bold", title_justify="left")
        for h in heads:  # codes, months, amounts and stamps never wrap; names fold
            table.add_column(h, no_wrap=h not in _FOLD, overflow="fold")
        for row in rows:
            table.add_row(*(Text(c) for c in row))
        parts.append(table)
    print_rich(Group(*parts), output)


def emit_diff(d: Diff, fmt_name: str, unit: str, output: str | None) -> None:
    from ..errors import UsageError
    from .output import write_text

    if fmt_name == "json":
        write_text(to_json(d), output)
    elif fmt_name == "markdown":
        write_text(to_markdown(d, unit), output)
    elif fmt_name == "table":
        print_diff(d, unit, output)
    else:
        raise UsageError(f"--format {fmt_name}: report diff takes table, json or markdown")
