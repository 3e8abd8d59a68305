"""`innovtrack procedures set` and `innovtrack problems add | resolve | list` (SPEC §9)."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import DbOption, Format, FormatOption, OutputOption, ledger, listing_format

procedures_app = typer.Typer(
    help="Procedures of new projects (前期手续): 立项, 用地, 规划, 环评, 设计, 招标, 施工许可."
         "\n\nExample: innovtrack procedures set CX-006 --eia done --month 2016-04",
    no_args_is_help=True)
problems_app = typer.Typer(
    help="The problem ledger (问题台账): problems raised, who is to solve them, by when, 销号."
         "\n\nExample: innovtrack problems list --open --overdue",
    no_args_is_help=True)

_STATE_HELP = "pending/未办, in_progress/办理中, done/已办结, or the month it was done"
ProcOption = Annotated[str | None, typer.Option(help=_STATE_HELP, show_default=False)]
ByOption = Annotated[str | None, typer.Option("--by", help="Who records it (default: you).")]


@procedures_app.command("set")
def set_command(
    code: Annotated[str, typer.Argument(help="Project code, e.g. CX-006.")],
    month: Annotated[str, typer.Option(
        help="The month the states are for (and a done procedure was done in): 2016-04.")],
    approval: Annotated[str | None, typer.Option(
        help="立项 (备案/核准/审批): " + _STATE_HELP, show_default=False)] = None,
    land: Annotated[str | None, typer.Option(help="用地: " + _STATE_HELP,
                                             show_default=False)] = None,
    planning: Annotated[str | None, typer.Option(help="规划: " + _STATE_HELP,
                                                 show_default=False)] = None,
    eia: Annotated[str | None, typer.Option(help="环评: " + _STATE_HELP,
                                            show_default=False)] = None,
    design: Annotated[str | None, typer.Option(help="设计: " + _STATE_HELP,
                                               show_default=False)] = None,
    tender: Annotated[str | None, typer.Option(help="招标: " + _STATE_HELP,
                                               show_default=False)] = None,
    permit: Annotated[str | None, typer.Option(help="施工许可: " + _STATE_HELP,
                                               show_default=False)] = None,
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """State where a project's procedures stand in a month (append-only, like entries).

    Example: innovtrack procedures set CX-006 --eia done --land in_progress --month 2016-04
    """
    from ..render.output import notice
    from ..supervision import PROCEDURE_NAMES, STATES, set_procedures

    result = set_procedures(ledger(db), code, month,
                            {"approval": approval, "land": land, "planning": planning,
                             "eia": eia, "design": design, "tender": tender, "permit": permit},
                            by=by)
    said = "，".join(f"{PROCEDURE_NAMES[p]} {STATES[st.state]}"
                    + (f"（{st.done_month}）" if st.done_month else "")
                    for p, st in result.states.items())
    notice(f"{result.code} {result.month}: {said}"
           + ("" if result.written else " (the ledger already says so; nothing written)"))


@problems_app.command("add")
def add_command(
    code: Annotated[str, typer.Argument(help="Project code, e.g. CX-006.")],
    text: Annotated[str, typer.Option("--text", help="The problem (存在问题).")],
    unit: Annotated[str | None, typer.Option(
        help="Unit that is to solve it (default: the project's 责任单位).")] = None,
    due: Annotated[str | None, typer.Option(
        help="Due month (解决时限; default: the month after it is raised).")] = None,
    month: Annotated[str | None, typer.Option(
        help="Month it is raised in (default: this month).")] = None,
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Raise a problem for a project in the problem ledger.

    Example: innovtrack problems add CX-006 --text "用地手续未办结" --unit 省国土资源厅 --due 2016-06
    """
    from ..render.output import notice
    from ..supervision import add_problem

    p = add_problem(ledger(db), code, text, month=month, unit=unit, due=due, by=by)
    notice(f"problem #{p['id']} raised for {p['code']} in {p['raised_month']}: {p['text']}"
           f" (to {p['unit'] or '未明确责任单位'}, due {p['due_month']})")


@problems_app.command("resolve")
def resolve_command(
    problem_id: Annotated[int, typer.Argument(metavar="ID", help="Problem id (problems list).")],
    month: Annotated[str, typer.Option(help="Month it was solved in: 2016-05.")],
    note: Annotated[str, typer.Option(help="How it was solved (解决情况).")],
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Close a problem (销号) in the month it was solved, saying how.

    Example: innovtrack problems resolve 12 --month 2016-05 --note "用地批复已取得"
    """
    from ..render.output import notice
    from ..supervision import resolve_problem

    p = resolve_problem(ledger(db), problem_id, month, note, by=by)
    notice(f"problem #{p['id']} ({p['code']}) resolved in {p['resolved_month']}: "
           f"{p['resolution']}")


def _columns():
    from ..render.listing import Column

    return [Column("id", "编号"), Column("code", "项目编号"), Column("name", "项目名称"),
            Column("text", "问题"), Column("unit", "责任单位"), Column("raised_month", "提出月份"),
            Column("due_month", "解决时限"), Column("age_months", "已历时(月)"),
            Column("overdue", "逾期", "bool"), Column("state", "状态", "problem_state"),
            Column("resolved_month", "销号月份"), Column("resolution", "解决情况")]


@problems_app.command("list")
def list_command(
    open_only: Annotated[bool, typer.Option("--open", help="Only problems open at the month.")]
    = False,
    unit: Annotated[str | None, typer.Option(help="Only problems this unit is to solve.")]
    = None,
    overdue: Annotated[bool, typer.Option(
        "--overdue", help="Only open problems past their due month.")] = False,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="The month to judge at (default: the ledger's latest).")] = None,
    code: Annotated[str | None, typer.Option(help="Only this project's problems.")] = None,
    db: DbOption = None,
    format: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """List the problem ledger at a month: open or resolved, age in months, overdue.

    Example: innovtrack problems list --open --overdue --as-of 2016-06 --format json
    """
    from ..render.listing import emit
    from ..supervision import ProblemFilter, list_problems

    month, rows = list_problems(ledger(db), ProblemFilter(open_only, unit, overdue, as_of, code))
    emit(rows, _columns(), fmt_name=listing_format(format), output=output,
         title=f"问题台账（截至{month}，{len(rows)}个）")
