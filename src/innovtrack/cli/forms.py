"""`innovtrack forms make | status`: the monthly cycle (SPEC §10), forms out and 催报."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from .common import DbOption, OutputOption, ledger

app = typer.Typer(help="The monthly cycle: a form per reporting unit, and who has not reported."
                       "\n\nExample: innovtrack forms make --month 2016-03 --output forms/",
                  no_args_is_help=True)


class StatusFormat(str, Enum):  # noqa: UP042
    table = "table"
    json = "json"
    csv = "csv"


class By(str, Enum):  # noqa: UP042 - typer reads the values of a str Enum
    region = "region"
    unit = "unit"


MonthOption = Annotated[str, typer.Option(help="The report month: 2016-03, 2016年3月 or 201603.")]
ByOption = Annotated[By, typer.Option(
    "--by", help="Reporting units: region (所在地区) or unit (责任单位).")]


@app.command("make")
def make_command(
    month: MonthOption,
    by: ByOption = By.region,
    output: Annotated[str | None, typer.Option(
        "--output", "-o", help="Directory for the forms (default: the current one).")] = None,
    db: DbOption = None,
) -> None:
    """Write one XLSX form per reporting unit, its active projects prefilled and locked.

    A returned form goes in with `innovtrack progress import FILE`, which checks it against
    the form's hidden record sheet.

    Example: innovtrack forms make --month 2016-03 --output forms/
    """
    from ..forms import make_forms
    from ..render.output import notice

    made, left_out = make_forms(ledger(db), month, by=by.value, output=output)
    for form in made:
        notice(f"{form.path}: {form.unit}, {form.projects} project(s)")
    notice(f"{len(made)} form(s) written")
    if left_out:
        notice(f"{left_out} active project(s) name no reporting unit and are on no form")


@app.command("status")
def status_command(
    month: MonthOption,
    by: ByOption = By.region,
    format: Annotated[StatusFormat, typer.Option(
        "--format", "-f", help="Output format.")] = StatusFormat.table,
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """催报: per reporting unit, its projects, how many reported, which did not, the last import
    and the 填表人 / 联系电话 its form gave; units that sent nothing first.

    Example: innovtrack forms status --month 2016-03
    """
    from ..forms import form_status
    from ..render.forms import emit_status

    rows = form_status(ledger(db), month, by=by.value)
    emit_status(rows, fmt_name=format.value, month=month, output=output)
