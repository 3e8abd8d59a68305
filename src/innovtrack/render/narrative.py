"""The narrative paragraph in Chinese, as the commission sends it to the provincial government.

Every number in it comes from the report model, formatted as the tables show it (亿元 to two
decimals, percentages to two decimals), so a reader can find each figure in the tables.
"""

from __future__ import annotations

from ..pace import KIND_CN
from ..rollup import GroupRow, Report
from .labels import amount, cumulative_label, pct, period_label, programme_subject


def gap_phrase(gap: float | None) -> str:
    """超时序进度X个百分点 / 低于时序进度X个百分点 / 与时序进度持平."""
    if gap is None:
        return ""
    shown = pct(abs(gap))
    if shown == pct(0.0):
        return "与时序进度持平"
    return f"{'超' if gap > 0 else '低于'}时序进度{shown}个百分点"


def _share(row: GroupRow, unit: str, *, short: bool = False) -> str:
    """完成X亿元，占年度计划的Y%，低于时序进度Z个百分点."""
    text = f"完成{amount(row.actual_ytd, unit)}{unit}"
    if row.completion_pct is None:
        return text + "（无年度计划）"
    text += f"，占{'' if short else '年度计划的'}{pct(row.completion_pct)}%"
    return text + f"，{gap_phrase(row.gap_pp)}"


def forecast_sentence(row: GroupRow, unit: str) -> str:
    """按目前进度，预计全年完成投资X亿元，占年度计划的Y%。 ('' when the pace expects nothing yet)."""
    if row.forecast is None:
        return ""
    text = f"按目前进度，预计全年完成投资{amount(row.forecast, unit)}{unit}"
    if row.forecast_pct is not None:
        text += f"，占年度计划的{pct(row.forecast_pct)}%"
    return text + "。"


def narrative(report: Report) -> str:
    """One paragraph: totals, categories, sectors, starts and completions, lagging, problems."""
    spec = report.spec
    unit = spec.unit
    total = report.total
    subject = programme_subject(spec.category, spec.region)
    parts = []

    head = f"{cumulative_label(spec)}，{subject}累计完成投资{amount(total.actual_ytd, unit)}{unit}"
    if total.completion_pct is not None:
        head += f"，占年度计划的{pct(total.completion_pct)}%，{gap_phrase(total.gap_pp)}"
        if report.pace.kind != "linear":  # the published convention is month / 12
            head += (f"（时序进度按{KIND_CN[report.pace.kind]}计为"
                     f"{pct(report.time_progress_pct)}%）")
    else:
        head += "（无年度计划）"
    if spec.period_start != f"{spec.year}-01":
        head += f"；其中{period_label(spec)}完成{amount(total.actual_period, unit)}{unit}"
    parts.append(head + "。")

    if len(report.by_category) > 1:
        parts.append("其中，" + "；".join(
            f"{row.label}{_share(row, unit)}" for row in report.by_category) + "。")
    tackling = [row for row in report.by_sector if row.category == "tackling"]
    if tackling and not spec.region:
        parts.append("分领域看，" + "；".join(
            f"{row.label}{_share(row, unit, short=True)}" for row in tackling) + "。")
    if report.by_region and not spec.region:
        ranked = [r for r in report.by_region if r.completion_pct is not None]
        ranked.sort(key=lambda r: -r.completion_pct)
        if len(ranked) >= 2:
            top, bottom = ranked[0], ranked[-1]
            parts.append(f"分地区看，{top.label}完成率最高，为{pct(top.completion_pct)}%；"
                         f"{bottom.label}最低，为{pct(bottom.completion_pct)}%。")

    parts.append(forecast_sentence(total, unit))

    month = int(spec.as_of[5:7])
    starts = (f"截至{month}月底，开复工{total.started}个，开复工率{pct(total.start_rate) or '0.00'}%")
    detail = []
    if total.new_projects:
        detail.append(f"新建项目开工{total.new_started}个，开工率{pct(total.new_start_rate)}%")
    if total.continuing:
        detail.append(f"续建项目复工{total.continuing_started}个，"
                      f"复工率{pct(total.continuing_start_rate)}%")
    if detail:
        starts += "（" + "；".join(detail) + "）"
    starts += f"；建成投产{total.completed}个"
    if total.due:
        starts += (f"，年内计划投产的{total.due}个项目已投产{total.due_completed}个，"
                   f"投产率{pct(total.production_rate)}%")
    parts.append(starts + "。")

    lagging = report.lagging
    if lagging:
        red = sum(1 for line in lagging if line.warning == "red")
        yellow = sum(1 for line in lagging if line.warning == "yellow")
        not_started = sum(1 for line in lagging if "not_started" in line.reasons)
        unreported = sum(1 for line in lagging if "unreported" in line.reasons)
        kinds = []
        if red:
            kinds.append(f"红色预警{red}个")
        if yellow:
            kinds.append(f"黄色预警{yellow}个")
        if not_started:
            kinds.append(f"新建项目未按期开工{not_started}个")
        if unreported:
            kinds.append(f"{month}月未报送{unreported}个")
        parts.append(f"进度滞后项目{len(lagging)}个，其中" + "，".join(kinds) + "。")
    else:
        parts.append("无进度滞后项目。")

    from .supervision import problems_sentence

    parts.append(problems_sentence(report))  # open and overdue problems, units (SPEC §9)
    return "".join(parts)


def narrative_text(report: Report) -> str:
    """`--format text`: the paragraph alone, ready to paste into the report (control
    characters in a name written out)."""
    from .safe import visible

    return visible(narrative(report)) + "\n"
