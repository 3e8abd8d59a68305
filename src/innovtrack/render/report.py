"""Writing a report model in the asked format to stdout or --output (render/registry.py)."""

from __future__ import annotations

from ..rollup import Report
from .registry import REPORT_FORMATS, Renderer, choose, deliver


def choose_format(fmt_name: str, output: str | None) -> Renderer:
    """The report renderer, checked against --output before any ledger is opened."""
    return choose(REPORT_FORMATS, fmt_name, output)


def emit_report(report: Report, fmt_name: str, output: str | None, *, wide: bool = False) -> None:
    from ..reportdata import gc_paused
    renderer = choose_format(fmt_name, output)
    render = renderer.load()
    with gc_paused():
        if renderer.writes == "file":
            render(report, output)
        elif renderer.writes == "console":
            render(report, output, wide=wide)
        else:
            deliver(renderer, render(report), output)
