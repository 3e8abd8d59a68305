"""`innovtrack report quarterly | monthly | lagging`: the reports of SPEC §5.

Each report command is its period options plus the options every report shares, written once
in REPORT_OPTIONS; `_report_command` joins the two into the signature Typer reads.
"""

from __future__ import annotations

import inspect
from enum import Enum
from typing import Annotated

import typer

from .common import (
    DbOption,
    OutputOption,
    ReportFormat,
    ReportFormatOption,
    Unit,
    UnitOption,
    WideOption,
)

app = typer.Typer(help="Reports: the quarterly report to the provincial government, the monthly "
                       "roll-up, lagging projects.", no_args_is_help=True)

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
MonthOption = Annotated[str | None, typer.Option(
    help="Month as 2016-05 (default: the latest month with entries).")]
AsOfOption = Annotated[str | None, typer.Option(
    "--as-of", help="Month as 2016-06 (default: the latest month with entries).")]
YearOption = Annotated[int | None, typer.Option(
    help="Year (default: the latest with entries).")]
QuarterOption = Annotated[int | None, typer.Option(
    help="Quarter 1-4 (default: the latest quarter with entries).")]


class Pace(str, Enum):  # noqa: UP042 - typer reads the values of a str Enum
    linear = "linear"
    seasonal = "seasonal"
    learned = "learned"


PaceOption = Annotated[Pace, typer.Option(
    "--pace", help="时序进度: linear (month/12, as published reports use it), seasonal (the "
                   "year's curve from `targets pace set`, else the shipped Qinghai "
                   "construction-season curve) or learned (the mean of the ledger's complete "
                   "earlier years).")]


def _option(name: str, annotation, default) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation,
                             default=default)


# The options of every report command, in the order their help lists them.
REPORT_OPTIONS = [
    _option("yellow_margin", YellowOption, 10.0),
    _option("red_margin", RedOption, 30.0),
    _option("category", CategoryOption, None),
    _option("region", RegionOption, None),
    _option("known_at", KnownAtOption, None),
    _option("pace", PaceOption, Pace.linear),
    _option("db", DbOption, None),
    _option("format", ReportFormatOption, ReportFormat.table),
    _option("unit", UnitOption, Unit.yi),
    _option("output", OutputOption, None),
    _option("wide", WideOption, False),
]


def run_report(kind: str, *, db, format, output, unit, wide, **choices) -> None:
    """Check the format against --output, build the report, render it. Every other option is
    a choice for build_report, a choice from a list passed by its value."""
    from ..render.output import notice
    from ..render.report import choose_format, emit_report
    from ..reportdata import build_report

    choices = {k: v.value if isinstance(v, Enum) else v for k, v in choices.items()}

    renderer = choose_format(format.value, output)  # before any ledger is opened
    report = build_report(db, kind=kind, unit=unit.value, monthly=renderer.monthly, **choices)
    emit_report(report, format.value, output, wide=wide)
    if output:
        notice(f"wrote {output}")


def _report_command(kind: str, period: list[inspect.Parameter], doc: str,
                    rename: dict[str, str] | None = None) -> None:
    """Register `report KIND` with its period options and REPORT_OPTIONS. rename maps an
    option's parameter to the name build_report takes (--as-of is the month)."""
    rename = rename or {}

    def command(**kw) -> None:
        run_report(kind, **{rename.get(k, k): v for k, v in kw.items()})

    command.__signature__ = inspect.Signature([*period, *REPORT_OPTIONS])
    command.__doc__ = doc
    command.__name__ = f"{kind}_command"
    app.command(kind)(command)


_report_command("quarterly", [_option("year", YearOption, None),
                              _option("quarter", QuarterOption, None)], """\
The quarterly report to the provincial government.

Totals, categories, sectors within categories, regions, starts and completions, lagging
projects with reasons, problems awaiting coordination, and the narrative paragraph.
--format text prints the narrative alone; xlsx writes a print-ready workbook and docx the
report as a Word document (both need --output).

Example: innovtrack report quarterly --year 2016 --quarter 2 --format xlsx -o 2016Q2.xlsx
""")

_report_command("monthly", [_option("month", MonthOption, None)], """\
The monthly roll-up, with the projects that have not reported for the month.

Example: innovtrack report monthly --month 2016-05 --pace seasonal
""")

_report_command("lagging", [_option("as_of", AsOfOption, None)], """\
Projects behind schedule at a month, each with every reason that applies.

Reasons: behind (yellow or red warning), not_started (a new project not started by June,
or by its planned start if later), unreported (no report for the month).

Example: innovtrack report lagging --as-of 2016-06 --region 海西州
""", rename={"as_of": "month"})
