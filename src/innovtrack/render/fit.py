"""Tables for a terminal of any width (SPEC §12): every number and code whole.

Columns that must never break (amounts, percentages, codes, regions, months) keep their full
width; names and other text wrap. When even that does not fit, columns leave in a fixed order
of priority and a line under the table names them; the first column always stays. A file, a
pipe, `--wide` or a terminal wide enough shows every column at its natural width.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

BORDER = 3  # each column: a space either side and one rule; the table adds one more rule
WRAP_MIN = 8  # display cells a wrapping column keeps by default (four Chinese characters)


@dataclass
class Column:
    head: str
    cells: list  # str or rich Text, one per row
    wrap: bool = False  # text that may fold onto more lines
    drop: int = 0  # leaves in descending order when the terminal is too narrow; 0 stays
    right: bool = False
    least: int = WRAP_MIN  # a wrapping column's least width, in display cells


def _len(value) -> int:
    from rich.cells import cell_len

    text = value.plain if hasattr(value, "plain") else str(value)
    return max((cell_len(line) for line in text.split("\n")), default=0)


def _natural(col: Column) -> int:
    return max([_len(col.head), *map(_len, col.cells)])


def _folded_lines(text: str, width: int) -> int:
    """How many lines `text` takes folded at `width` display cells."""
    from rich.cells import cell_len

    lines, used = 1, 0
    for ch in text:
        w = cell_len(ch)
        if used + w > width:
            lines, used = lines + 1, 0
        used += w
    return lines


def _head_min(head: str) -> int:
    """The least width at which a header folds onto at most one line more than it has."""
    lines = head.split("\n")
    longest = max(lines, key=_len, default="")
    width = max(2, math.ceil(_len(longest) / 2))
    while sum(_folded_lines(line, width) for line in lines) > len(lines) + 1:
        width += 1
    return width


def _need(col: Column) -> int:
    """The least width a column can take: its widest cell if it never wraps (the header may
    fold onto two lines), else a few characters."""
    head = _head_min(col.head)
    if col.wrap:
        return min(_natural(col), max(col.least, head))
    return max(head, max(map(_len, col.cells), default=0))


def table_width(widths: list[int]) -> int:
    return sum(widths) + BORDER * len(widths) + 1


def fit(columns: list[Column], width: int) -> tuple[list[int], list[int] | None]:
    """(indices of the columns kept, their widths), or (all, None) when all fit as they are."""
    natural = [_natural(c) for c in columns]
    kept = list(range(len(columns)))
    if table_width(natural) <= width:
        return kept, None
    need = [_need(c) for c in columns]
    while len(kept) > 1 and table_width([need[k] for k in kept]) > width:
        droppable = [k for k in kept[1:] if columns[k].drop > 0]
        victim = max(droppable, key=lambda k: (columns[k].drop, k)) if droppable else kept[-1]
        kept.remove(victim)
    widths = {k: need[k] for k in kept}
    spare = width - table_width(list(widths.values()))
    # Room left goes to the wrapping text first (fewer lines), then to headers (one line).
    for group in ([k for k in kept if columns[k].wrap], kept):
        while spare > 0:
            short = [k for k in group if widths[k] < natural[k]]
            if not short:
                break
            share = max(1, spare // len(short))
            for k in short:
                add = min(share, natural[k] - widths[k], spare)
                widths[k] += add
                spare -= add
    return kept, [widths[k] for k in kept]


def rich_table(title: str | None, columns: list[Column], width: int | None, *,
               bold_rows: int = 0):
    """(the rich Table, the headers left out) at `width`, or every column when width is None."""
    from rich.table import Table

    kept, widths = (list(range(len(columns))), None) if width is None else fit(columns, width)
    table = Table(title=title, header_style="bold", title_justify="left")
    for i, k in enumerate(kept):
        col = columns[k]
        if widths is None:
            table.add_column(col.head, justify="right" if col.right else "left",
                             no_wrap=not col.wrap)
        else:
            table.add_column(col.head, justify="right" if col.right else "left",
                             width=widths[i], overflow="fold")
    nrows = len(columns[0].cells) if columns else 0
    for r in range(nrows):
        table.add_row(*(columns[k].cells[r] for k in kept),
                      style="bold" if r < bold_rows else None)
    left_out = [columns[k].head for k in range(len(columns)) if k not in kept]
    return table, left_out


def left_out_line(heads: list[str]):
    from rich.text import Text

    return Text(f"（终端宽度不足，未显示：{'、'.join(heads)}；加 --wide 显示全部列）", style="dim")


@dataclass
class Screen:
    """Where a table goes and at what width: fit to a terminal, or whole for files and pipes."""

    console: object
    width: int | None  # None: every column, at natural width


_FILE_WIDTH = 180


def screen(wide: bool = False, fh=None) -> Screen:
    """A file (fh) or a pipe: every column; a terminal: its width, unless --wide."""
    import sys

    from rich.console import Console

    if fh is not None:
        return Screen(Console(file=fh, width=_FILE_WIDTH, no_color=True), None)
    if not sys.stdout.isatty():
        return Screen(Console(width=_FILE_WIDTH), None)
    console = Console(soft_wrap=False)
    return Screen(console, None if wide else console.width)


def print_all(scr: Screen, renderables: list) -> None:
    """Print; a file, pipe or --wide gets a console wide enough for the widest table."""
    console = scr.console
    if scr.width is None:
        base = console.width
        console.width = 10_000  # measure the tables unconstrained
        widest = max((console.measure(r).maximum for r in renderables if hasattr(r, "columns")),
                     default=0)
        console.width = max(base, widest)
    for r in renderables:
        # A paragraph is one long line: the terminal wraps it (soft wrap), so copying it into
        # a document does not carry line breaks in the middle of a figure.
        console.print(r, soft_wrap=getattr(r, "soft", False))


def paragraph(heading: str, text: str):
    """A heading line and a paragraph, printed soft-wrapped."""
    from rich.text import Text

    class Paragraph(Text):
        soft = True

    out = Paragraph()
    out.append(heading + "\n", "bold")
    out.append(text)
    return out
