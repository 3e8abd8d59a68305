"""`innovtrack import`, `innovtrack check` and `innovtrack projects list | show`."""

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

app = typer.Typer(help="The project list: list and show projects.\n\n"
                       "Example: innovtrack projects list --region 海西州",
                  no_args_is_help=True)


def import_command(
    file: Annotated[str, typer.Argument(help="Project list: CSV (UTF-8, BOM, GB18030) or XLSX.")],
    db: DbOption = None,
    sheet: Annotated[str | None, typer.Option(help="Worksheet name or 1-based number.")] = None,
    encoding: Annotated[str | None, typer.Option(help="CSV encoding (default: detected).")] = None,
    unit: Annotated[Unit | None, typer.Option(
        help="Unit of amount columns whose header names none (default 万元).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate and report; write nothing.")]
    = False,
) -> None:
    """Import or update the project list from a CSV or XLSX file.

    Every row is validated first; any problem is reported as FILE:ROW: column: message and
    nothing is written. New projects are added, changed ones updated (the change is kept in
    history); projects missing from the file are left as they are.

    Example: innovtrack import data/seed_projects.csv
    """
    from ..ledger import import_projects
    from ..render.output import notice
    from ..render.project import import_summary
    from .progressbar import row_progress

    with row_progress(file) as on_row:
        result = import_projects(ledger(db), file, encoding=encoding, sheet=sheet,
                                 unit=unit.value if unit else None, dry_run=dry_run,
                                 on_row=on_row)
    for line in import_summary(result):
        notice(line)


def check_command(db: DbOption = None, format: FormatOption = Format.table,
                  output: OutputOption = None,
                  quality: bool = typer.Option(
                      False, "--quality", help="list accepted but unlikely entries (数据质量) "
                      "instead: spend_while_preparing, over_plan, over_total, repeated_amount,"
                      " spike; they are never rejected, so this exits 0")) -> None:
    """Check the ledger: published targets and counts against the project list, and entries.

    Lists each disagreement (one line each; --format json or csv for programs) and exits 1
    when there is any. With --quality, lists the plausibility flags instead.

    Example: innovtrack check --quality --format json
    """
    from ..check import run_checks
    from ..render.listing import emit_findings
    from ..render.output import notice

    fmt_name = listing_format(format, output)
    if quality:
        from ..quality import ledger_flags
        from ..render.listing import Column, emit

        flags = ledger_flags(reader(db))
        emit([f.as_dict() for f in flags],
             [Column("code", "项目编号"), Column("month", "月份"), Column("rule", "规则"),
              Column("detail", "说明")], fmt_name=fmt_name, output=output,
             title="数据质量", csv_keys=["code", "month", "rule", "detail"])
        notice(f"check --quality: {len(flags)} unlikely entr{'y' if len(flags) == 1 else 'ies'}")
        return

    findings = run_checks(reader(db))
    emit_findings(findings, fmt_name, output)
    if findings:
        notice(f"check: {len(findings)} disagreement(s)")
        raise typer.Exit(1)
    notice("check: targets, counts and entries agree")


def register(root: typer.Typer) -> None:
    root.command("import")(import_command)
    root.command("check")(check_command)


def _columns(years: list[int]):
    from ..render.listing import Column

    # drop: the order in which columns leave a narrow terminal (highest first; 0 stays)
    return [Column("code", "项目编号"), Column("name", "项目名称"),
            Column("enterprise", "项目单位", drop=4), Column("region", "地区", drop=3),
            Column("category", "类别", "category", drop=6), Column("sector", "领域", "sector", drop=5),
            Column("stage", "建设性质", "stage", drop=7),
            Column("total_investment", "总投资", "money", drop=2),
            *(Column(f"plan_{y}", f"{y}年计划", "money", drop=1) for y in years),
            Column("status", "形象进度", "status"), Column("state", "状态", "state", drop=8)]


@app.command("list")
def list_command(
    db: DbOption = None,
    category: Annotated[str | None, typer.Option(help="tackling/enterprise, 攻坚, 企业技术创新 …")]
    = None,
    sector: Annotated[str | None, typer.Option(help="traditional, 传统产业, new_energy …")] = None,
    region: Annotated[str | None, typer.Option(help="西宁市, 海西州, 省直 …")] = None,
    stage: Annotated[str | None, typer.Option(help="新建/new or 续建/continuing")] = None,
    status: Annotated[str | None, typer.Option(
        help="Latest construction status (在建/building …) or active/withdrawn.")] = None,
    name: Annotated[str | None, typer.Option(help="Search name, enterprise or code.")] = None,
    limit: LimitOption = None,
    format: FormatOption = Format.table,
    unit: UnitOption = Unit.yi,
    output: OutputOption = None,
    wide: WideOption = False,
) -> None:
    """List projects, filtered by category, sector, region, stage, status or name.

    Example: innovtrack projects list --category 攻坚 --region 海西州 --format json
    """
    from ..query import ProjectFilter, iter_projects, plan_years, project_keys
    from ..render.listing import emit

    fmt_name = listing_format(format, output)
    years, rows = iter_projects(reader(db), ProjectFilter(category, sector, region, stage, status,
                                                          name, limit))
    if fmt_name in ("json", "csv"):  # streamed, one project at a time
        emit(rows, [], fmt_name=fmt_name, output=output, csv_keys=project_keys(years))
        return
    rows = list(rows)
    emit(rows, _columns(plan_years(rows)), fmt_name=fmt_name, unit=unit.value, output=output,
         title=f"项目清单（{len(rows)}个）", wide=wide)


@app.command("show")
def show_command(
    code: Annotated[str, typer.Argument(help="Project code.")],
    db: DbOption = None,
    format: FormatOption = Format.table,
    unit: UnitOption = Unit.yi,
    output: OutputOption = None,
) -> None:
    """Show one project: its plan, monthly history and status timeline.

    Example: innovtrack projects show CX-001
    """
    from ..query import get_project
    from ..render.project import render_project

    fmt_name = listing_format(format, output)
    render_project(get_project(reader(db), code), fmt_name, unit.value, output)


@app.command("withdraw")
def withdraw_command(
    code: Annotated[str, typer.Argument(help="Code of the project leaving the programme.")],
    month: Annotated[str, typer.Option(
        help="First month it no longer counts: 2016-07, 2016年7月 or 201607.")],
    reason: Annotated[str, typer.Option(help="Why it leaves (kept in its history).")],
    replaced_by: Annotated[str | None, typer.Option(
        "--replaced-by", help="Code of the project that takes its place (already imported).")]
    = None,
    db: DbOption = None,
) -> None:
    """Withdraw a project from the programme from a month, optionally naming its replacement.

    Its earlier entries stay; it stops counting from that month, and entries for that month
    or later are refused.

    Example: innovtrack projects withdraw CX-045 --month 2016-07 --reason 企业经营困难 --replaced-by CX-101
    """
    from ..progress import withdraw_project
    from ..render.output import notice

    w = withdraw_project(ledger(db), code, month, reason, replaced_by=replaced_by)
    notice(f"{w.code} withdrawn from {w.month} ({w.reason})"
           + (f"; replaced by {w.replaced_by}" if w.replaced_by else ""))
