"""Writing a report model in the asked format to stdout or --output (render/registry.py)."""

from __future__ import annotations

from ..rollup import Report
from .registry import REPORT_FORMATS, SUPERVISION_FORMATS, Renderer, choose, deliver

# A report kind with renderers of its own; every other kind is rendered section by section.
_FORMATS_OF = {"supervision": SUPERVISION_FORMATS}


def formats_of(kind: str) -> dict[str, Renderer]:
    return _FORMATS_OF.get(kind, REPORT_FORMATS)


def choose_format(fmt_name: str, output: str | None, kind: str = "quarterly") -> Renderer:
    """The report renderer, checked against --output before any ledger is opened."""
    return choose(formats_of(kind), fmt_name, output)


def emit_report(report: Report, fmt_name: str, output: str | None, *, wide: bool = False) -> None:
    from ..reportdata import gc_paused

    renderer = choose_format(fmt_name, output, report.spec.kind)
    render = renderer.load()
    with gc_paused():
        if renderer.writes == "file":
            from .output import atomic_path

            with atomic_path(output) as path:  # renamed into place once whole
                render(report, path)
        elif renderer.writes == "console":
            render(report, output, wide=wide)
        else:
            deliver(renderer, render(report), output)
