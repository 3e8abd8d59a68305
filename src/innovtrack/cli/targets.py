"""`innovtrack targets list | set`: programme targets by year and scope."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import (
    DbOption,
    Format,
    FormatOption,
    OutputOption,
    Unit,
    UnitOption,
    ledger,
    listing_format,
    reader,
)

app = typer.Typer(help="Programme targets by year and scope (all, category, category+sector).",
                  no_args_is_help=True)


def _columns():
    from ..render.listing import Column

    return [Column("year", "年度"), Column("scope", "范围"), Column("target", "目标投资", "money"),
            Column("projects", "项目数"), Column("plan", "项目计划合计", "money"),
            Column("difference", "差额", "money"), Column("source", "来源"),
            Column("set_at", "设定时间", "time")]


@app.command("list")
def list_command(
    year: Annotated[int | None, typer.Option(help="Only this year.")] = None,
    db: DbOption = None,
    format: FormatOption = Format.table,
    unit: UnitOption = Unit.yi,
    output: OutputOption = None,
) -> None:
    """List the targets in force, each beside the sum of the projects' plans for its scope.

    A year without published targets shows the plan sums that reports fall back to.

    Example: innovtrack targets list --year 2016
    """
    from ..render.listing import emit
    from ..render.output import notice
    from ..targets import list_targets

    fmt_name = listing_format(format, output)
    listing = list_targets(reader(db), year)
    if not listing.published and year is not None:
        notice(f"{year}年未发布投资目标；报告以项目{year}年计划投资合计为准（下列为各范围计划合计）")
    emit(listing.rows, _columns(), fmt_name=fmt_name, unit=unit.value,
         output=output, title="投资目标" + (f"（{year}年）" if year else ""))


@app.command("set")
def set_command(
    year: Annotated[int, typer.Option(help="Year of the target.")],
    amount: Annotated[str, typer.Option(
        help="Planned investment, in --unit (default 万元); a unit may follow: 350亿, 3500000万元.")],
    category: Annotated[str | None, typer.Option(
        help="Scope: tackling/enterprise (攻坚, 企业技术创新); omit for the whole programme.")]
    = None,
    sector: Annotated[str | None, typer.Option(help="Scope within the category: 传统产业 …")]
    = None,
    projects: Annotated[int | None, typer.Option(help="Number of projects published.")] = None,
    source: Annotated[str | None, typer.Option(help="Where the figure was published.")] = None,
    unit: Annotated[Unit | None, typer.Option(help="Unit of --amount (default 万元).")] = None,
    db: DbOption = None,
) -> None:
    """Set a year's target for a scope; it replaces the target in force (history is kept).

    Example: innovtrack targets set --year 2017 --amount 350亿 --source 2017年实施方案
    """
    from ..money import fmt
    from ..render.output import notice
    from ..targets import parse_amount, set_target

    row = set_target(ledger(db), year=year, amount=parse_amount(amount, unit.value if unit else None),
                     category=category, sector=sector, projects=projects, source=source)
    notice(f"{row.year}年 {row.label}: target {fmt(row.amount)} 亿元"
           + (f", {row.projects} projects" if row.projects is not None else ""))


pace_app = typer.Typer(help="Construction-season curves (时序进度 for --pace seasonal), by year.",
                       no_args_is_help=True)
app.add_typer(pace_app, name="pace")


@pace_app.command("set")
def pace_set_command(
    year: Annotated[int, typer.Option(help="Year the curve is for.")],
    curve: Annotated[str, typer.Option(
        help="12 cumulative percentages of the annual plan, January to December, "
             "non-decreasing, each 0-100, ending at 100.")],
    source: Annotated[str | None, typer.Option(help="Where the curve comes from.")] = None,
    db: DbOption = None,
) -> None:
    """Set a year's construction-season curve; it replaces the one in force (history is kept).

    Example: innovtrack targets pace set --year 2017 --curve 2,4,9,17,27,38,50,62,74,86,95,100
    """
    from ..render.output import notice
    from ..targets import set_pace_curve

    row = set_pace_curve(ledger(db), year=year, curve=curve, source=source)
    notice(f"{row.year}年 施工季节曲线: {row.curve}" + (f" ({row.source})" if row.source else ""))


@pace_app.command("list")
def pace_list_command(
    year: Annotated[int | None, typer.Option(help="Only this year.")] = None,
    db: DbOption = None,
    format: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """List the curves recorded, history included; in_force marks the one reports use now.

    Years without a curve use the shipped Qinghai curve with --pace seasonal.

    Example: innovtrack targets pace list --year 2017
    """
    from ..pace import SHIPPED_CURVE, SHIPPED_SOURCE
    from ..render.listing import Column, emit
    from ..render.output import notice
    from ..targets import list_pace_curves

    rows = [{"year": r.year, "curve": r.curve, "source": r.source, "set_at": r.set_at,
             "in_force": r.in_force} for r in list_pace_curves(ledger(db), year)]
    if not rows:
        notice("no curve recorded" + (f" for {year}" if year else "") + "; --pace seasonal uses "
               f"{SHIPPED_SOURCE}: {','.join(map(str, SHIPPED_CURVE))}")
    columns = [Column("year", "年度"), Column("curve", "累计进度（%，1—12月）"),
               Column("source", "来源"), Column("set_at", "设定时间（UTC）", "time"),
               Column("in_force", "现行", "bool")]
    emit(rows, columns, fmt_name=listing_format(format), unit="亿元", output=output,
         title="施工季节曲线" + (f"（{year}年）" if year else ""))
