"""The report as rich tables for the terminal: Chinese headers, 亿元 to 2 decimals, the
completion column in its warning colour, a title naming programme, period and as-of month."""

from __future__ import annotations

from ..rollup import GroupRow, Report
from .labels import WARNING_STYLE, pct, title
from .narrative import narrative
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
    from rich.text import Text

    lead = 1 if with_category else 0
    table = Table(title=caption, header_style="bold", title_justify="left")
    for i, head in enumerate(group_heads(report, with_category=with_category)):
        table.add_column(head, justify="right" if 1 <= i - lead <= 7 else "left",
                         no_wrap=True)
    for k, row in enumerate(rows):
        cells: list = list(group_cells(row, report.spec.unit, with_category=with_category))
        style = WARNING_STYLE.get(row.warning, "")
        cells[lead + 6] = Text(cells[lead + 6], style=style)
        cells[lead + 8] = Text(cells[lead + 8], style=style)
        table.add_row(*cells, style="bold" if bold_first and k == 0 else None)
    return table


def report_renderables(report: Report) -> list:
    from rich.table import Table
    from rich.text import Text

    spec = report.spec
    unit = spec.unit
    parts: list = [Text(title(report), style="bold"),
                   Text(f"时序进度 {pct(report.time_progress_pct)}%；预警：低于时序进度"
                        f" {spec.yellow_margin:g} 个百分点以上为黄色，{spec.red_margin:g}"
                        " 个百分点以上为红色。金额单位：" + unit)]
    parts += [Text("注：" + n, style="dim") for n in report.notes]
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
        lag.add_column(head, justify="right" if i in (4, 5, 6) else "left")
    for line in report.lagging:
        cells: list = list(lagging_cells(line, unit))
        style = WARNING_STYLE.get(line.warning, "")
        cells[6] = Text(cells[6], style=style)
        cells[7] = Text(cells[7], style=style)
        lag.add_row(*cells)
    parts.append(lag)
    if spec.kind != "lagging":
        count = sum(len(g.items) for g in report.problems)
        probs = Table(title=f"需协调解决的问题（{count}个）", header_style="bold",
                      title_justify="left")
        for head in ("责任单位", "项目编号", "项目名称", "月份", "问题"):
            probs.add_column(head)
        for g in report.problems:
            for k, item in enumerate(g.items):
                probs.add_row(g.responsible_unit if k == 0 else "", item.code, item.name,
                              item.month, item.problem)
        parts.append(probs)
        if report.data_quality:
            from ..quality import HEADS, flag_cells

            quality = Table(title=f"数据质量（{len(report.data_quality)}条）", header_style="bold",
                            title_justify="left")
            for head in HEADS:
                quality.add_column(head)
            for flag in report.data_quality:
                quality.add_row(*flag_cells(flag))
            parts.append(quality)
        if spec.kind == "monthly":
            unrep = Table(title=f"{int(spec.as_of[5:7])}月未报送项目（{len(report.unreported)}个）",
                          header_style="bold", title_justify="left")
            for head in ("地区", "项目编号", "项目名称", "责任单位"):
                unrep.add_column(head)
            for p in report.unreported:
                unrep.add_row(p.region, p.code, p.name, p.responsible_unit or "")
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

        closing = Text.assemble(("综述\n", "bold"), narrative(report))
    if output:
        with open(output, "w", encoding="utf-8") as fh:
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
