"""`innovtrack progress`."""

from __future__ import annotations

import typer

app = typer.Typer(help="progress commands.", no_args_is_help=True)
