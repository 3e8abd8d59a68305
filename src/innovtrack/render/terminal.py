"""The report as rich tables for the terminal: Chinese headers, 亿元 to 2 decimals, the
completion and warning columns in their warning colour, a title naming programme, period and
as-of month. Each section of the report kind is one table, fitted to the terminal (fit.py)."""

from __future__ import annotations

from ..rollup import Report
from .labels import WARNING_STYLE, pace_heading, title
from .safe import cell, visible
from .sections import Prose, Table, cell_text, sections


def section_columns(table: Table, unit: str):
    """A section's columns as terminal columns: values as rich Text (a name holding "[red]"
    shows as typed), coloured cells styled."""
    from .fit import Column

    out = []
    for col in table.columns:
        cells = []
        for n, row in enumerate(table.rows):
            text = cell_text(col, col.shown(table.rows, n), unit)
            style = WARNING_STYLE.get(row.get("warning"), "") if col.coloured else ""
            cells.append(cell(text, style))  # data shown literally, never as markup
        out.append(Column(col.head, cells, wrap=col.kind == "text", drop=col.drop,
                          right=col.numeric, least=col.least))
    return out


def report_renderables(report: Report, width: int | None = None) -> list:
    """The title lines, then each section as a table (and a line naming any columns left out
    at this width), the narrative last."""
    from .fit import left_out_line, paragraph, rich_table

    spec = report.spec
    parts: list = [cell(title(report), style="bold"),
                   cell(pace_heading(report) + "金额单位：" + spec.unit)]
    parts += [cell("注：" + n, style="dim") for n in report.notes]
    for sec in sections(report):
        if isinstance(sec, Prose):
            parts.append(paragraph(sec.title, visible(sec.text)))
            continue
        table, left_out = rich_table(sec.title, section_columns(sec, spec.unit), width,
                                     bold_rows=sec.totals)
        parts.append(table)
        if left_out:
            parts.append(left_out_line(left_out))
    return parts


def print_report(report: Report, output: str | None, wide: bool = False) -> None:
    """To the terminal at its width; to a pipe or a file whole, so no figure is cut."""
    from .fit import screen

    if output:
        from .output import output_file

        with output_file(output) as fh:
            _print(report, screen(fh=fh))
        return
    _print(report, screen(wide=wide))


def _print(report: Report, scr) -> None:
    from .fit import print_all

    print_all(scr, report_renderables(report, scr.width))
