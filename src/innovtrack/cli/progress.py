"""`innovtrack progress add | import | correct | list`: the monthly progress ledger."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import (
    DbOption,
    Format,
    FormatOption,
    LimitOption,
    OutputOption,
    Unit,
    UnitOption,
    WideOption,
    ledger,
    listing_format,
    reader,
)

app = typer.Typer(help="The monthly progress ledger: record, import, correct and list entries."
                       "\n\nExample: innovtrack progress add CX-001 --month 2016-03 --amount 1200",
                  no_args_is_help=True)

CodeArg = Annotated[str, typer.Argument(help="Project code, e.g. CX-001.")]
MonthOption = Annotated[str, typer.Option(help="Month: 2016-03, 2016年3月 or 201603.")]
AmountUnit = Annotated[Unit, typer.Option("--unit", help="Unit of --amount and --ytd.")]
YtdOption = Annotated[str | None, typer.Option(
    "--ytd", help="Year-to-date figure as reported; checked against the ledger's months.")]
StatusOption = Annotated[str | None, typer.Option(
    help="形象进度: 前期, 在建, 建成投产, 停缓建 (or preparing/building/producing/suspended).")]
ProblemOption = Annotated[str | None, typer.Option(help="存在问题: problems needing coordination.")]
NoteOption = Annotated[str | None, typer.Option(help="备注.")]
ByOption = Annotated[str | None, typer.Option("--by", help="Who reported (default: you).")]


@app.command("add")
def add_command(
    code: CodeArg,
    month: MonthOption,
    amount: Annotated[str | None, typer.Option(
        help="Investment completed this month (本月完成投资). Without it, --ytd gives it.")]
    = None,
    unit: AmountUnit = Unit.wan,
    ytd: YtdOption = None,
    status: StatusOption = None,
    problem: ProblemOption = None,
    note: NoteOption = None,
    by: ByOption = None,
    reason: Annotated[str | None, typer.Option(
        help="Why, when the status goes backwards (建成投产 → 在建, say).")] = None,
    db: DbOption = None,
) -> None:
    """Record one project's month: the amount completed, year-to-date, status and problems.

    A month is recorded once; to change it use `progress correct`.

    Example: innovtrack progress add CX-001 --month 2016-03 --amount 1200 --ytd 2600 --status 在建
    """
    from ..progress import record_entry
    from ..render.output import notice
    from ..render.progress import entry_lines

    result = record_entry(ledger(db), code, month, amount=amount, ytd=ytd, unit=unit.value,
                          status=status, problem=problem, note=note, by=by, reason=reason)
    for line in entry_lines("recorded", result):
        notice(line)


@app.command("correct")
def correct_command(
    code: CodeArg,
    month: MonthOption,
    amount: Annotated[str, typer.Option(
        help="The month's corrected amount (may be negative, e.g. a refund).")],
    reason: Annotated[str, typer.Option(help="Why the entry is corrected (更正原因).")],
    unit: AmountUnit = Unit.wan,
    ytd: YtdOption = None,
    status: StatusOption = None,
    problem: ProblemOption = None,
    note: NoteOption = None,
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Correct a month: a new entry supersedes the effective one, which stays in history.

    Example: innovtrack progress correct CX-001 --month 2016-03 --amount 1150 --reason 统计口径调整
    """
    from ..progress import correct_entry
    from ..render.output import notice
    from ..render.progress import entry_lines

    result = correct_entry(ledger(db), code, month, amount=amount, reason=reason, ytd=ytd,
                           unit=unit.value, status=status, problem=problem, note=note, by=by)
    for line in entry_lines("corrected", result):
        notice(line)


@app.command("import")
def import_command(
    files: Annotated[list[str], typer.Argument(
        help="Monthly reports: CSV (UTF-8, BOM, GB18030) or XLSX, as offices send them; "
             "several are recorded one after another, each in its own transaction.")],
    db: DbOption = None,
    corrections: Annotated[bool, typer.Option(
        "--corrections", help="Each row corrects a recorded month; needs a 更正原因 column.")]
    = False,
    month: Annotated[str | None, typer.Option(
        help="The report's month, when the file has no 月份 column (else read from its title).")]
    = None,
    sheet: Annotated[str | None, typer.Option(help="Worksheet name or 1-based number.")] = None,
    encoding: Annotated[str | None, typer.Option(help="CSV encoding (default: detected).")] = None,
    unit: Annotated[Unit | None, typer.Option(
        help="Unit of amount columns whose header names none (default 万元).")] = None,
    by: ByOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and summarise; write nothing.")]
    = False,
) -> None:
    """Record a whole monthly report file from a region or department.

    Rows give the month's amount, the year-to-date figure or both (a year-to-date figure alone
    becomes the month's amount from the ledger's earlier months). Every row is checked first;
    any problem is reported as FILE:ROW: column: message and nothing is written. Importing the
    same file again changes nothing.

    With several files, each goes in whole or not at all, in the order given (a month's
    year-to-date figures build on the months before it); the first rejected file stops the
    run, and the files recorded before it stay recorded.

    Example: innovtrack progress import 海西州2016年3月项目进展.xlsx

    Example: innovtrack progress import data/months/*.csv
    """
    from ..errors import Rejected
    from ..progress import import_progress
    from ..render.output import notice
    from ..render.progress import import_lines
    from .progressbar import row_progress

    done: list[str] = []
    for file in files:
        try:
            with row_progress(file) as on_row:
                result = import_progress(ledger(db), file, encoding=encoding, sheet=sheet,
                                         unit=unit.value if unit else None, month=month,
                                         corrections=corrections, dry_run=dry_run, by=by,
                                         on_row=on_row)
        except Rejected:
            if done:
                notice(f"recorded before the rejected file {file}: {', '.join(done)}")
            raise
        done.append(file)
        for line in import_lines(result):
            notice(line)


@app.command("list")
def list_command(
    db: DbOption = None,
    month: Annotated[str | None, typer.Option(help="Only this month (2016-03, 2016年3月 …).")]
    = None,
    code: Annotated[str | None, typer.Option(help="Only this project.")] = None,
    region: Annotated[str | None, typer.Option(help="西宁市, 海西州, 省直 …")] = None,
    category: Annotated[str | None, typer.Option(help="tackling/enterprise, 攻坚, 企业技术创新 …")]
    = None,
    history: Annotated[bool, typer.Option(
        "--history", help="Also superseded entries, with who, when, source and reason.")] = False,
    limit: LimitOption = None,
    format: FormatOption = Format.table,
    unit: UnitOption = Unit.yi,
    output: OutputOption = None,
    wide: WideOption = False,
) -> None:
    """List progress entries: the effective one per project and month, or the whole history.

    Example: innovtrack progress list --month 2016-03 --region 海西州 --format csv
    """
    from ..progress import EntryFilter, iter_entries
    from ..render.listing import emit
    from ..render.progress import entry_columns

    fmt_name = listing_format(format, output)
    rows = iter_entries(reader(db), EntryFilter(month=month, code=code, region=region,
                                                category=category, history=history, limit=limit))
    emit(rows, entry_columns(history), fmt_name=fmt_name, unit=unit.value,
         output=output, title=lambda n: f"月度进度（{n}条）", wide=wide)
