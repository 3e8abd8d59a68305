"""Words and number formats shared by every report renderer, so the formats read alike."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .. import programme
from ..money import UNITS

WARNING_CN = {"green": "绿", "yellow": "黄", "red": "红"}
WARNING_STYLE = {"green": "green", "yellow": "yellow", "red": "bold red"}
REASON_CN = {"behind": "完成率低于时序进度", "not_started": "未按期开工", "unreported": "未报送"}
QUARTER_CUMULATIVE = {1: "一季度", 2: "上半年", 3: "前三季度", 4: "全年"}
QUARTER_NAME = {1: "一季度", 2: "二季度", 3: "三季度", 4: "四季度"}


def amount(yuan: int | None, unit: str = "亿元", places: int = 2) -> str:
    """An amount for text (no thousands separators): 元 in the unit, exact half-up rounding."""
    if yuan is None:
        return ""
    value = (Decimal(yuan) / UNITS[unit]).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return str(value)


def pct(value: float | None, places: int = 2) -> str:
    return "" if value is None else f"{value:.{places}f}"


def warning(code: str | None) -> str:
    return WARNING_CN.get(code, "") if code else ""


def month_cn(month: str) -> str:
    return f"{int(month[:4])}年{int(month[5:7])}月"


def programme_subject(category: str | None, region: str | None) -> str:
    """What the report covers: 百项创新攻坚工程, narrowed by the filters."""
    subject = programme.PROGRAMME_NAME
    if category:
        subject += programme.CATEGORY_NAMES[category]
    if region:
        subject = f"{region}{subject}" + ("" if category else "项目")
    return subject


def period_label(spec) -> str:
    """The period reported on its own: 二季度, 5月."""
    if spec.quarter:
        return QUARTER_NAME[spec.quarter]
    return f"{int(spec.as_of[5:7])}月"


def cumulative_label(spec) -> str:
    """The span of the year-to-date figures: 上半年, 1—5月."""
    if spec.quarter:
        return QUARTER_CUMULATIVE[spec.quarter]
    m = int(spec.as_of[5:7])
    return "1月" if m == 1 else f"1—{m}月"


def title(report) -> str:
    """百项创新攻坚工程2016年二季度推进情况（截至2016年6月底）."""
    spec = report.spec
    subject = programme_subject(spec.category, spec.region)
    if report.kind.subject:
        what = report.kind.subject
    elif spec.quarter:
        what = f"{QUARTER_NAME[spec.quarter]}推进情况"
    else:
        what = f"{int(spec.as_of[5:7])}月推进情况"
    head = f"{subject}{spec.year}年{what}（截至{spec.year}年{int(spec.as_of[5:7])}月底）"
    if spec.replay and spec.known_at:
        from ..clock import shown, zone_label

        head += f"〔按{shown(spec.known_at, seconds=False)}（{zone_label()}）时账本所记数据，此后的报送和更正未计入〕"
    return head


def pace_heading(report) -> str:
    """时序进度 38.00%，按施工季节曲线（来源）；预警：… — the pace used and the colour rule."""
    spec = report.spec
    return (f"时序进度 {pct(report.time_progress_pct)}%，按{report.pace.label}；预警：低于时序进度"
            f" {spec.yellow_margin:g} 个百分点以上为黄色，{spec.red_margin:g} 个百分点以上为红色。")


def period_column(spec) -> str:
    return "本季度完成" if spec.quarter else "本月完成"


def status_text(status: str | None, sentence: str | None) -> str:
    """形象进度 as a cell shows it: the status, and the sentence it was read from (SPEC §7.7)."""
    from .. import programme

    label = programme.STATUSES.get(status, "") if status else ""
    return f"{label}（{sentence}）" if sentence and sentence != label else label
