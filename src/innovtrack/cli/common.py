"""Options every command shares, and opening the ledger named by --db."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer


class Format(str, Enum):  # noqa: UP042 - typer reads the values of a str Enum
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    xlsx = "xlsx"
    text = "text"


class Unit(str, Enum):  # noqa: UP042
    yi = "亿元"
    wan = "万元"


DbOption = Annotated[str | None, typer.Option(
    "--db", help="Ledger: a SQLite path or a postgresql+psycopg:// URL "
                 "(default: $INNOVTRACK_DB, else the user data directory).",
    show_default=False)]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
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


def listing_format(fmt: Format) -> str:
    if fmt in (Format.xlsx, Format.text):
        from ..errors import UsageError

        raise UsageError(f"--format {fmt.value} is for reports; listings take table, json, csv "
                         "or markdown")
    return fmt.value
