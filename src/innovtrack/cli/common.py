"""Options every command shares, and opening the ledger named by --db."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from ..render.registry import LISTING_FORMATS, REPORT_FORMATS, SUPERVISION_FORMATS

# The --format choices come from the renderer tables, so each command's help lists exactly
# the formats it accepts (typer reads the values of a str Enum).
Format = Enum("Format", {name: name for name in LISTING_FORMATS}, type=str)
ReportFormat = Enum("ReportFormat", {name: name for name in REPORT_FORMATS}, type=str)
SupervisionFormat = Enum("SupervisionFormat", {name: name for name in SUPERVISION_FORMATS},
                         type=str)


class Unit(str, Enum):  # noqa: UP042
    yi = "亿元"
    wan = "万元"


DbOption = Annotated[str | None, typer.Option(
    "--db", help="Ledger: a SQLite path or a postgresql+psycopg:// URL "
                 "(default: $INNOVTRACK_DB, else the user data directory).",
    show_default=False)]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
ReportFormatOption = Annotated[ReportFormat, typer.Option(
    "--format", "-f", help="Output format (xlsx and docx write the file named by --output).")]
SupervisionFormatOption = Annotated[SupervisionFormat, typer.Option(
    "--format", "-f", help="Output format (xlsx writes one sheet per unit to --output).")]
WideOption = Annotated[bool, typer.Option(
    "--wide", help="Every column, however narrow the terminal (it wraps long lines).")]
OutputOption = Annotated[str | None, typer.Option("--output", "-o",
                                                  help="Write to this file instead of stdout.")]
UnitOption = Annotated[Unit, typer.Option("--unit", help="Amounts in 亿元 or 万元 (tables).")]
LimitOption = Annotated[int | None, typer.Option("--limit", help="Show at most N rows.")]


def ledger(db: str | None):
    from ..db import open_ledger

    return open_ledger(db)


def reader(db: str | None):
    """The ledger for a read-only command: never created where there is none (SPEC §7.8)."""
    from ..db import open_ledger

    return open_ledger(db, create=False)


def listing_format(fmt: Format, output: str | None = None) -> str:
    """The format's name, checked against --output's ending before any ledger is opened (a
    usage error must not depend on whether the ledger exists)."""
    if output:
        from ..render.registry import choose

        choose(LISTING_FORMATS, fmt.value, output)
    return fmt.value
