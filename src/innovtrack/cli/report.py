"""`innovtrack report quarterly | monthly | lagging | supervision | issued | diff` (SPEC §5, §9).

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
    Format,
    FormatOption,
    OutputOption,
    ReportFormat,
    ReportFormatOption,
    SupervisionFormat,
    SupervisionFormatOption,
    Unit,
    UnitOption,
    WideOption,
)

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
    help="Report the ledger exactly as recorded then (Beijing time unless $INNOVTRACK_TZ or "
         "the stamp says otherwise; a date alone means the end of that day; issued:N is the "
         "moment issued report N was computed at): projects, plans, withdrawals, targets, "
         "entries and corrections recorded later are left out.")]
IssueOption = Annotated[bool, typer.Option(
    "--issue", help="Record this report as issued (sent): kind, period, options, stamp, who, "
                    "sha256 of its JSON; `report issued` lists them.")]
NoteOption = Annotated[str | None, typer.Option("--note", help="With --issue: to whom, why.")]
IssuedOption = Annotated[int | None, typer.Option(
    "--issued", metavar="N", help="Print issued report N again, exactly as it was sent.")]
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
# A report that is sent (quarterly, monthly) may be recorded as issued and printed again.
ISSUE_OPTIONS = [
    _option("issue", IssueOption, False),
    _option("note", NoteOption, None),
    _option("issued", IssuedOption, None),
]


def run_report(kind: str, *, db, format, output, unit, wide, issue: bool = False,
               note: str | None = None, issued: int | None = None, **choices) -> None:
    """Check the format against --output, build the report, render it (--issue: then record
    it as sent; --issued N: print sent report N again). Every other option is a choice for
    build_report, a choice from a list passed by its value."""
    from ..render.output import notice
    from ..render.report import choose_format, emit_report

    choices = {k: v.value if isinstance(v, Enum) else v for k, v in choices.items()}
    if (note and not issue) or (issue and choices.get("known_at")):
        from ..errors import UsageError

        raise UsageError("--note goes with --issue" if not issue else "--issue records a "
                         "report computed now; it cannot be combined with --known-at "
                         "(reprint an issued one with --issued N)")
    renderer = choose_format(format.value, output, kind)  # before any ledger is opened
    if issued is not None:
        from ..render.issued import emit_reprint

        emit_reprint(db, issued, kind, format.value, output, monthly=renderer.monthly,
                     issue=issue, wide=wide, **choices)
    else:
        from ..reportdata import build_report

        report = build_report(db, kind=kind, unit=unit.value, monthly=renderer.monthly,
                              **choices)
        emit_report(report, format.value, output, wide=wide)  # first: a report that cannot
        if issue:                                             # be written is not recorded
            from ..clock import shown
            from ..issued import issue as record_issue

            record = record_issue(db, report, note=note)
            notice(f"issued report #{record.id}: {record.kind} {record.period}, computed at "
                   f"{shown(record.known_at)}, sha256 {record.sha256[:16]}…")
    if output:
        notice(f"wrote {output}")


def _report_command(kind: str, period: list[inspect.Parameter], doc: str,
                    rename: dict[str, str] | None = None,
                    options: list[inspect.Parameter] = REPORT_OPTIONS) -> None:
    """Register `report KIND` with its period options and REPORT_OPTIONS. rename maps an
    option's parameter to the name build_report takes (--as-of is the month)."""
    rename = rename or {}

    def command(**kw) -> None:
        run_report(kind, **{rename.get(k, k): v for k, v in kw.items()})

    command.__signature__ = inspect.Signature([*period, *options])
    command.__doc__ = doc
    command.__name__ = f"{kind}_command"
    app.command(kind)(command)


_report_command("quarterly", [_option("year", YearOption, None),
                              _option("quarter", QuarterOption, None), *ISSUE_OPTIONS], """\
The quarterly report to the provincial government.

Totals, categories, sectors within categories, regions, starts and completions, lagging
projects with reasons, problems awaiting coordination, and the narrative paragraph.
--format text prints the narrative alone; xlsx writes a print-ready workbook and docx the
report as a Word document (both need --output). --issue records the report as sent;
--issued N prints a sent one again, exactly.

Example: innovtrack report quarterly --year 2016 --quarter 2 --format xlsx -o 2016Q2.xlsx
""")

_report_command("monthly", [_option("month", MonthOption, None), *ISSUE_OPTIONS], """\
The monthly roll-up, with the projects that have not reported for the month.

--issue records the report as sent; --issued N prints a sent one again, exactly.

Example: innovtrack report monthly --month 2016-05 --pace seasonal
""")

_report_command("lagging", [_option("as_of", AsOfOption, None)], """\
Projects behind schedule at a month, each with every reason that applies.

Reasons: behind (yellow or red warning), not_started (a new project not started by June,
or by its planned start if later), unreported (no report for the month).

Example: innovtrack report lagging --as-of 2016-06 --region 海西州
""", rename={"as_of": "month"})

# 督办: the report options with its own formats (render/registry.py SUPERVISION_FORMATS).
_report_command("supervision", [_option("as_of", AsOfOption, None)], """\
The 督办 list: per responsible unit, its overdue problems and its lagging projects.

Units with the most overdue problems come first; --format xlsx writes one print-ready
sheet per unit (a 督办单 to send as it is).

Example: innovtrack report supervision --as-of 2016-06 --format xlsx -o 督办单.xlsx
""", rename={"as_of": "month"}, options=[
    _option("format", SupervisionFormatOption, SupervisionFormat.table)
    if o.name == "format" else o for o in REPORT_OPTIONS])


@app.command("issued")
def issued_command(
    kind: Annotated[str | None, typer.Option(help="Only quarterly or monthly reports.")] = None,
    db: DbOption = None,
    format: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """The reports recorded as issued (--issue), oldest first: number, kind, period, the stamp
    each was computed at, when and by whom it was issued, the note and its JSON's sha256.

    Example: innovtrack report issued --format json
    """
    from ..issued import list_issued
    from ..render.issued import emit_listing
    from .common import listing_format

    emit_listing(list_issued(db, kind=kind), listing_format(format), output)


@app.command("diff")
def diff_command(
    year: Annotated[int | None, typer.Option(help="Year of the report compared.")] = None,
    quarter: Annotated[int | None, typer.Option(help="Quarter 1-4 (a quarterly report).")]
    = None,
    month: Annotated[str | None, typer.Option(help="Month as 2016-05 (a monthly report).")]
    = None,
    start: Annotated[str | None, typer.Option(
        "--from", metavar="MOMENT",
        help="issued:N, a time (Beijing time unless it says otherwise) or now "
             "(default: the latest issued report of the period).")] = None,
    end: Annotated[str | None, typer.Option("--to", metavar="MOMENT",
                                            help="issued:N, a time or now (default now).")]
    = None,
    db: DbOption = None,
    format: FormatOption = Format.table,
    unit: UnitOption = Unit.yi,
    output: OutputOption = None,
) -> None:
    """What changed in a report between two moments: the group figures that moved (old, new,
    change), the entries recorded between (late reports, corrections with reason and who),
    projects added, changed and withdrawn, targets set, lagging projects that entered or left.

    Example: innovtrack report diff --year 2016 --quarter 2 --from issued:1 --to now
    """
    from ..diff import build_diff
    from ..render.diff import emit_diff

    emit_diff(build_diff(db, year=year, quarter=quarter, month=month, start=start, end=end),
              format.value, unit.value, output)
