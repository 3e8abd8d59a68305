"""`innovtrack report quarterly | monthly | lagging`: the reports of SPEC §5."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import DbOption, Format, FormatOption, OutputOption, Unit, UnitOption

app = typer.Typer(help="Reports: the quarterly report to the provincial government, the monthly "
                       "roll-up, lagging projects, the 督办 list.", no_args_is_help=True)

YellowOption = Annotated[float, typer.Option(
    "--yellow-margin", help="Yellow below time progress by more than this many points.")]
RedOption = Annotated[float, typer.Option(
    "--red-margin", help="Red below time progress by more than this many points.")]
CategoryOption = Annotated[str | None, typer.Option(
    help="Only this category: tackling/enterprise, 攻坚, 企业技术创新.")]
RegionOption = Annotated[str | None, typer.Option(help="Only this region: 西宁市, 海西州, 省直 …")]
KnownAtOption = Annotated[str | None, typer.Option(
    "--known-at", metavar="TIMESTAMP",
    help="Report the ledger as it stood then (UTC; a date alone means the end of that day): "
         "entries recorded later, corrections included, are ignored.")]


def _run(kind: str, db, fmt: Format, output, unit: Unit, **choices) -> None:
    from ..render.output import notice
    from ..render.report import NEEDS_MONTHLY, emit_report
    from ..reportdata import build_report

    report = build_report(db, kind=kind, unit=unit.value,
                          monthly=fmt.value in NEEDS_MONTHLY, **choices)
    emit_report(report, fmt.value, output)
    if output:
        notice(f"wrote {output}")


@app.command("quarterly")
def quarterly_command(
    year: Annotated[int | None, typer.Option(help="Year (default: the latest with entries).")]
    = None,
    quarter: Annotated[int | None, typer.Option(
        help="Quarter 1-4 (default: the latest quarter with entries).")] = None,
    yellow_margin: YellowOption = 10.0,
    red_margin: RedOption = 30.0,
    category: CategoryOption = None,
    region: RegionOption = None,
    known_at: KnownAtOption = None,
    db: DbOption = None,
    format: FormatOption = Format.table,
    unit: UnitOption = Unit.yi,
    output: OutputOption = None,
) -> None:
    """The quarterly report to the provincial government.

    Totals, categories, sectors within categories, regions, starts and completions, lagging
    projects with reasons, problems awaiting coordination, and the narrative paragraph.
    --format text prints the narrative alone; xlsx writes a workbook (needs --output).

    Example: innovtrack report quarterly --year 2016 --quarter 2 --format xlsx -o 2016Q2.xlsx
    """
    _run("quarterly", db, format, output, unit, year=year, quarter=quarter,
         yellow_margin=yellow_margin, red_margin=red_margin, category=category, region=region,
         known_at=known_at)


@app.command("monthly")
def monthly_command(
    month: Annotated[str | None, typer.Option(
        help="Month as 2016-05 (default: the latest month with entries).")] = None,
    yellow_margin: YellowOption = 10.0,
    red_margin: RedOption = 30.0,
    category: CategoryOption = None,
    region: RegionOption = None,
    known_at: KnownAtOption = None,
    db: DbOption = None,
    format: FormatOption = Format.table,
    unit: UnitOption = Unit.yi,
    output: OutputOption = None,
) -> None:
    """The monthly roll-up, with the projects that have not reported for the month.

    Example: innovtrack report monthly --month 2016-05
    """
    _run("monthly", db, format, output, unit, month=month, yellow_margin=yellow_margin,
         red_margin=red_margin, category=category, region=region, known_at=known_at)


@app.command("lagging")
def lagging_command(
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Month as 2016-06 (default: the latest month with entries).")] = None,
    yellow_margin: YellowOption = 10.0,
    red_margin: RedOption = 30.0,
    category: CategoryOption = None,
    region: RegionOption = None,
    known_at: KnownAtOption = None,
    db: DbOption = None,
    format: FormatOption = Format.table,
    unit: UnitOption = Unit.yi,
    output: OutputOption = None,
) -> None:
    """Projects behind schedule at a month, each with every reason that applies.

    Reasons: behind (yellow or red warning), not_started (a new project not started by June,
    or by its planned start if later), unreported (no report for the month).

    Example: innovtrack report lagging --as-of 2016-06 --region 海西州
    """
    _run("lagging", db, format, output, unit, month=as_of, yellow_margin=yellow_margin,
         red_margin=red_margin, category=category, region=region, known_at=known_at)


@app.command("supervision")
def supervision_command(
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Month as 2016-06 (default: the latest month with entries).")] = None,
    yellow_margin: YellowOption = 10.0,
    red_margin: RedOption = 30.0,
    category: CategoryOption = None,
    region: RegionOption = None,
    known_at: KnownAtOption = None,
    db: DbOption = None,
    format: FormatOption = Format.table,
    unit: UnitOption = Unit.yi,
    output: OutputOption = None,
) -> None:
    """The 督办 list: per responsible unit, its overdue problems and its lagging projects.

    Units with the most overdue problems come first; --format xlsx writes one print-ready
    sheet per unit (a 督办单 to send as it is).

    Example: innovtrack report supervision --as-of 2016-06 --format xlsx -o 督办单.xlsx
    """
    from ..render.output import notice
    from ..render.supervision import emit_supervision
    from ..reportdata import build_report

    report = build_report(db, kind="supervision", unit=unit.value, monthly=False,
                          month=as_of, yellow_margin=yellow_margin, red_margin=red_margin,
                          category=category, region=region, known_at=known_at)
    emit_supervision(report, format.value, output)
    if output:
        notice(f"wrote {output}")
