"""Writing a report model in the asked format to stdout or --output."""

from __future__ import annotations

from ..errors import UsageError
from ..rollup import Report

# Formats that show the month-by-month curve (it costs one more pass over the year's entries,
# which the JSON of a 100,000-project ledger cannot afford within its time budget).
NEEDS_MONTHLY = {"xlsx"}


def emit_report(report: Report, fmt_name: str, output: str | None) -> None:
    from ..reportdata import gc_paused

    with gc_paused():
        _emit(report, fmt_name, output)


def _emit(report: Report, fmt_name: str, output: str | None) -> None:
    from .output import write_text

    if fmt_name == "json":
        from .tabular import to_json

        write_text(to_json(report), output)
    elif fmt_name == "csv":
        from .tabular import to_csv

        write_text(to_csv(report), output)
    elif fmt_name == "markdown":
        from .tabular import to_markdown

        write_text(to_markdown(report), output)
    elif fmt_name == "text":
        from .narrative import narrative
        from .safe import visible

        write_text(visible(narrative(report)) + "\n", output)
    elif fmt_name == "xlsx":
        if not output:
            raise UsageError("--format xlsx writes a workbook: name it with --output FILE.xlsx")
        from .output import atomic_path
        from .xlsx import write_xlsx

        with atomic_path(output) as path:
            write_xlsx(report, path)
    else:
        from .terminal import print_report

        print_report(report, output)
