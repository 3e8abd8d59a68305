"""`innovtrack report quarterly | monthly | lagging`: the reports of SPEC §5."""

from __future__ import annotations

from enum import Enum
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


class Pace(str, Enum):  # noqa: UP042 - typer reads the values of a str Enum
    linear = "linear"
    seasonal = "seasonal"
    learned = "learned"


PaceOption = Annotated[Pace, typer.Option(
    "--pace", help="时序进度: linear (month/12, as published reports use it), seasonal (the "
                   "year's curve from `targets pace set`, else the shipped Qinghai "
                   "construction-season curve) or learned (the mean of the ledger's complete "
                   "earlier years).")]


def _run(kind: str, db, fmt: Format, output, unit: Unit, *, issue: bool = False,
         note: str | None = None, issued: int | None = None, **choices) -> None:
    from ..render.output import notice
    from ..render.report import NEEDS_MONTHLY, emit_report

    monthly = fmt.value in NEEDS_MONTHLY
    if (note and not issue) or (issue and choices.get("known_at")):
        from ..errors import UsageError

        raise UsageError("--note goes with --issue" if not issue else "--issue records a "
                         "report computed now; it cannot be combined with --known-at "
                         "(reprint an issued one with --issued N)")
    if issued is not None:
        from ..render.issued import emit_reprint

        emit_reprint(db, issued, kind, fmt.value, output, monthly=monthly, issue=issue,
                     **choices)
    else:
        from ..reportdata import build_report

        report = build_report(db, kind=kind, unit=unit.value, monthly=monthly, **choices)
        emit_report(report, fmt.value, output)  # first: a report that cannot be written
        if issue:                                # is not recorded as sent
            from ..clock import shown
            from ..issued import issue as record_issue

            record = record_issue(db, report, note=note)
            notice(f"issued report #{record.id}: {record.kind} {record.period}, computed at "
                   f"{shown(record.known_at)}, sha256 {record.sha256[:16]}…")
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
    pace: PaceOption = Pace.linear,
    issue: IssueOption = False,
    note: NoteOption = None,
    issued: IssuedOption = None,
    db: DbOption = None,
    format: FormatOption = Format.table,
    unit: UnitOption = Unit.yi,
    output: OutputOption = None,
) -> None:
    """The quarterly report to the provincial government.

    Totals, categories, sectors within categories, regions, starts and completions, lagging
    projects with reasons, problems awaiting coordination, and the narrative paragraph.
    --format text prints the narrative alone; xlsx writes a workbook (needs --output).

    --issue records the report as sent; --issued N prints a sent one again, exactly.

    Example: innovtrack report quarterly --year 2016 --quarter 2 --format xlsx -o 2016Q2.xlsx
    """
    _run("quarterly", db, format, output, unit, year=year, quarter=quarter,
         yellow_margin=yellow_margin, red_margin=red_margin, category=category, region=region,
         known_at=known_at, pace=pace.value, issue=issue, note=note, issued=issued)


@app.command("monthly")
def monthly_command(
    month: Annotated[str | None, typer.Option(
        help="Month as 2016-05 (default: the latest month with entries).")] = None,
    yellow_margin: YellowOption = 10.0,
    red_margin: RedOption = 30.0,
    category: CategoryOption = None,
    region: RegionOption = None,
    known_at: KnownAtOption = None,
    pace: PaceOption = Pace.linear,
    issue: IssueOption = False,
    note: NoteOption = None,
    issued: IssuedOption = None,
    db: DbOption = None,
    format: FormatOption = Format.table,
    unit: UnitOption = Unit.yi,
    output: OutputOption = None,
) -> None:
    """The monthly roll-up, with the projects that have not reported for the month.

    --issue records the report as sent; --issued N prints a sent one again, exactly.

    Example: innovtrack report monthly --month 2016-05 --pace seasonal
    """
    _run("monthly", db, format, output, unit, month=month, yellow_margin=yellow_margin,
         red_margin=red_margin, category=category, region=region, known_at=known_at,
         pace=pace.value, issue=issue, note=note, issued=issued)


@app.command("lagging")
def lagging_command(
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Month as 2016-06 (default: the latest month with entries).")] = None,
    yellow_margin: YellowOption = 10.0,
    red_margin: RedOption = 30.0,
    category: CategoryOption = None,
    region: RegionOption = None,
    known_at: KnownAtOption = None,
    pace: PaceOption = Pace.linear,
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
         red_margin=red_margin, category=category, region=region, known_at=known_at,
         pace=pace.value)


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




@app.command("supervision")
def supervision_command(
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Month as 2016-06 (default: the latest month with entries).")] = None,
    yellow_margin: YellowOption = 10.0,
    red_margin: RedOption = 30.0,
    category: CategoryOption = None,
    region: RegionOption = None,
    known_at: KnownAtOption = None,
    pace: PaceOption = Pace.linear,
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
                          category=category, region=region, known_at=known_at,
                          pace=pace.value)
    emit_supervision(report, format.value, output)
    if output:
        notice(f"wrote {output}")
