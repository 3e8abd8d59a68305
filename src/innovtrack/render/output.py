"""Where rendered output goes: stdout, or the file named by --output. Notices go to stderr."""

from __future__ import annotations

import sys
from pathlib import Path


def write_text(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def print_rich(renderable, output: str | None = None) -> None:
    from rich.console import Console

    if output:
        with open(output, "w", encoding="utf-8") as fh:
            Console(file=fh, width=200, no_color=True).print(renderable)
    else:
        Console(soft_wrap=False).print(renderable)


def stderr_console():
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def notice(message: str) -> None:
    """A line for the person at the terminal, never mixed into the data on stdout."""
    sys.stderr.write(message.rstrip("\n") + "\n")
