"""The innovtrack command line: one Typer sub-app per noun, joined here.

Commands parse arguments, call one library function and render its result; errors raised
anywhere below are turned into messages on stderr and exit codes in `main` alone.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from .. import __version__
from . import forms, progress, projects, report, supervision, targets

app = typer.Typer(
    name="innovtrack",
    help="Track the 百项创新攻坚工程: project list, monthly progress, quarterly reports.\n\n"
         "Example: innovtrack import data/seed_projects.csv && innovtrack report quarterly",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"innovtrack {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Track the 百项创新攻坚工程: project list, monthly progress, quarterly reports.

    Example: innovtrack import data/seed_projects.csv && innovtrack projects list
    """


projects.register(app)
app.add_typer(projects.app, name="projects")
app.add_typer(progress.app, name="progress")
app.add_typer(report.app, name="report")
app.add_typer(targets.app, name="targets")
app.add_typer(supervision.procedures_app, name="procedures")
app.add_typer(supervision.problems_app, name="problems")
app.add_typer(forms.app, name="forms")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; every innovtrack error becomes a message and an exit code here."""
    from ..errors import InnovtrackError, Rejected
    from ..programme import UnknownValue

    def message(text) -> str:  # imported only on the way out: `--help` must not pay for it
        from ..render.safe import message as one_line

        return one_line(text)

    try:
        app(args=argv, prog_name="innovtrack")
        return 0
    except SystemExit as exc:  # standalone mode: help, usage errors (2), typer.Exit
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except Rejected as exc:
        for problem in exc.problems:
            sys.stderr.write(f"{message(problem)}\n")
        sys.stderr.write(f"innovtrack: {message(exc)}\n")
        return exc.exit_code
    except InnovtrackError as exc:
        sys.stderr.write(f"innovtrack: {message(exc)}\n")
        return exc.exit_code
    except UnknownValue as exc:
        sys.stderr.write(f"innovtrack: {message(exc)}\n")
        return 2
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the edges of the machine: the ledger, the disk, the network
        text = _edge_error(exc)
        if text is None:
            import os

            if os.environ.get("INNOVTRACK_DEBUG"):
                raise
            # A bug, not the user's input: still one line, never a traceback on their screen.
            text = (f"internal error: {type(exc).__name__}: {exc} (please report it; "
                    "INNOVTRACK_DEBUG=1 shows where)")
        sys.stderr.write(f"innovtrack: {message(text)}\n")
        return 1
    finally:
        from ..db import close_all

        close_all()


def _edge_error(exc: Exception) -> str | None:
    """One line for a failure outside innovtrack's own checks, or None for a bug (which must
    show its traceback): a database error (locked, read-only, full, damaged, unreachable), or
    a file that cannot be written (a full disk, a missing directory, no permission)."""
    from ..db import describe_db_error, is_db_error

    if is_db_error(exc):
        return describe_db_error(exc)
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        return f"cannot write or read{where}: {exc.strerror or exc}"
    if isinstance(exc, MemoryError):
        return "out of memory"
    return None


def run() -> None:
    sys.exit(main())
