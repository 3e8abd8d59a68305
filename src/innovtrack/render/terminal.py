"""The report as rich tables for the terminal: Chinese headers, 亿元 to 2 decimals, the
completion column in its warning colour, a title naming programme, period and as-of month."""

from __future__ import annotations

from ..rollup import GroupRow, Report
from .labels import WARNING_STYLE, pace_heading, title
from .narrative import narrative
from .safe import cell, visible
from .tabular import (
    STARTS_HEADS,
    group_cells,
    group_heads,
    lagging_cells,
    lagging_heads,
    starts_cells,
)


def _group_table(report: Report, caption: str, rows: list[GroupRow], bold_first: bool = False,
                 with_category: bool = False):
    from rich.table import Table

    lead = 1 if with_category else 0
    table = Table(title=caption, header_style="bold", title_justify="left")
    for i, head in enumerate(group_heads(report, with_category=with_category)):
        table.add_column(head, justify="right" if 1 <= i - lead != 8 else "left",
                         no_wrap=True)
    for k, row in enumerate(rows):
        texts = group_cells(row, report.spec.unit, with_category=with_category)
        style = WARNING_STYLE.get(row.warning, "")
        cells = [cell(t, style if i in (lead + 6, lead + 8) else "") for i, t in enumerate(texts)]
        table.add_row(*cells, style="bold" if bold_first and k == 0 else None)
    return table


def report_renderables(report: Report) -> list:
    from rich.table import Table
    from rich.text import Text

    spec = report.spec
    unit = spec.unit
    parts: list = [Text(title(report), style="bold"),
                   Text(pace_heading(report) + "金额单位：" + unit)]
    parts += [cell("注：" + n, style="dim") for n in report.notes]
    if spec.kind != "lagging":
        parts.append(_group_table(report, "总体及分类别", [report.total, *report.by_category],
                                  bold_first=True))
        parts.append(_group_table(report, "分领域", report.by_sector, with_category=True))
        parts.append(_group_table(report, "分地区", report.by_region))
        starts = Table(title="开复工及建成投产", header_style="bold", title_justify="left")
        for i, head in enumerate(STARTS_HEADS):
            starts.add_column(head, justify="right" if i else "left")
        for k, row in enumerate([report.total, *report.by_category]):
            starts.add_row(*starts_cells(row), style="bold" if k == 0 else None)
        parts.append(starts)
    lag = Table(title=f"进度滞后项目（{len(report.lagging)}个）", header_style="bold",
                title_justify="left")
    for i, head in enumerate(lagging_heads(unit)):
        lag.add_column(head, justify="right" if i in (4, 5, 6, 10, 11) else "left")
    for line in report.lagging:
        style = WARNING_STYLE.get(line.warning, "")
        cells = [cell(t, style if i in (6, 7) else "")
                 for i, t in enumerate(lagging_cells(line, unit))]
        lag.add_row(*cells)
    parts.append(lag)
    if spec.kind != "lagging":
        from .supervision import terminal_parts

        parts += terminal_parts(report)  # problems, procedures, by_unit (SPEC §9)
        if report.data_quality:
            from ..quality import HEADS, flag_cells

            quality = Table(title=f"数据质量（{len(report.data_quality)}条）", header_style="bold",
                            title_justify="left")
            for head in HEADS:
                quality.add_column(head)
            for flag in report.data_quality:
                quality.add_row(*map(cell, flag_cells(flag)))
            parts.append(quality)
        if spec.kind == "monthly":
            unrep = Table(title=f"{int(spec.as_of[5:7])}月未报送项目（{len(report.unreported)}个）",
                          header_style="bold", title_justify="left")
            for head in ("地区", "项目编号", "项目名称", "责任单位"):
                unrep.add_column(head)
            for p in report.unreported:
                unrep.add_row(*map(cell, (p.region, p.code, p.name, p.responsible_unit or "")))
            parts.append(unrep)
    return parts


def print_report(report: Report, output: str | None) -> None:
    """To the terminal at its width; to a pipe or a file wide enough that no figure is cut."""
    import sys

    from rich.console import Console, Group

    group = Group(*report_renderables(report))
    # The narrative is one long line: the terminal wraps it (soft wrap), so copying it into a
    # document does not carry line breaks in the middle of a figure.
    closing = None
    if report.spec.kind != "lagging":
        from rich.text import Text

        closing = Text.assemble(("综述\n", "bold"), visible(narrative(report)))
    if output:
        from .output import output_file

        with output_file(output) as fh:
            console = Console(file=fh, width=_WIDE, no_color=True)
            console.print(group)
            if closing:
                console.print(closing, soft_wrap=True)
        return
    console = Console(soft_wrap=False) if sys.stdout.isatty() else Console(width=_WIDE)
    console.print(group)
    if closing:
        console.print(closing, soft_wrap=True)


_WIDE = 180
