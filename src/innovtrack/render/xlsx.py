"""The report as one Excel workbook laid out the way provincial offices keep them.

Each section of the report kind on its own sheet (render/sections.py): a title row, a 单位
line, a frozen header, the 合计 row first, 序号 on project tables, number formats, and the
warning colours as conditional formats (so they follow the figures if someone edits them).
Every sheet prints (SPEC §12): A4 landscape, one page wide, the header row on every page,
第 N 页 共 M 页 in the footer. The first sheet carries the narrative and native charts, each on
its own scale: plan against actual for the tackling sectors, the same for the enterprise
fields, and the year's cumulative completion month by month against 时序进度.

Text is always written with write_string, so a name or problem that starts with =, +, - or @
stays text and never becomes a formula. The workbook is written in constant_memory mode, row by
row; the per-project detail sheet of 100,000 rows keeps per-cell Python work to a minimum.
"""

from __future__ import annotations

import math

from .. import programme
from ..money import UNITS
from ..pace import KIND_CN
from ..rollup import Report
from .labels import WARNING_CN, pace_heading, period_column, title
from .safe import XLSX_CELL_LIMIT, xlsx_text
from .sections import Prose, Table, sections

# merge_range and write() would read "=…" text as a formula and "http…" as a link: data is text
SAFE_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False}

_RED = {"bg_color": "#FFC7CE", "font_color": "#9C0006"}
_YELLOW = {"bg_color": "#FFEB9C", "font_color": "#9C5700"}
_GREEN = {"bg_color": "#C6EFCE", "font_color": "#006100"}


_cut = [0]  # cells cut to the xlsx limit by the workbook being written


def _text(value: str) -> str:
    """Text exactly as given. xlsxwriter's constant_memory mode copies a string that looks like
    rich-text XML ("<r>…</r>") into the sheet unescaped; an invisible word joiner at the end
    keeps such a name from being read as markup. A text longer than a cell holds is cut, and
    the cut is counted for the notice write_xlsx prints (xlsxwriter would cut it silently)."""
    if len(value) > XLSX_CELL_LIMIT - 1:
        value, cut = xlsx_text(value)
        if cut:
            _cut[0] += 1
            return value
    return value + "\u2060" if value.startswith("<r>") and value.endswith("</r>") else value


def _lines(text: str, width: int) -> int:
    """Lines a text cell takes at a column width (in Excel's character units, the width of a
    digit; a Chinese character of 宋体 11 pt takes about 1.6 of them)."""
    from rich.cells import cell_len

    return max(1, math.ceil(cell_len(text) * 0.8 / max(1, width)))


class _Book:
    """The workbook and its formats."""

    def __init__(self, path: str, unit: str):
        import xlsxwriter

        self.wb = xlsxwriter.Workbook(path, SAFE_OPTIONS | {"constant_memory": True})
        self.unit = unit
        self.scale = UNITS[unit]
        add = self.wb.add_format
        base = {"font_name": "宋体", "font_size": 11, "valign": "vcenter"}
        cell = base | {"border": 1}
        self.f = {
            "title": add(base | {"bold": True, "font_size": 16, "align": "center"}),
            "subtitle": add(base | {"align": "left"}),
            "unit": add(base | {"align": "right"}),
            "head": add(cell | {"bold": True, "align": "center", "text_wrap": True,
                                "bg_color": "#D9E1F2"}),
            "text": add(cell | {"text_wrap": True}),  # names fold; the row grows to fit
            "int": add(cell | {"num_format": "0"}),
            "money": add(cell | {"num_format": "#,##0.00"}),
            "pct": add(cell | {"num_format": "0.00"}),
            "center": add(cell | {"align": "center"}),
            "total_text": add(cell | {"bold": True, "text_wrap": True}),
            "total_int": add(cell | {"bold": True, "num_format": "0"}),
            "total_money": add(cell | {"bold": True, "num_format": "#,##0.00"}),
            "total_pct": add(cell | {"bold": True, "num_format": "0.00"}),
            "total_center": add(cell | {"bold": True, "align": "center"}),
            "narrative": add(base | {"text_wrap": True, "valign": "top", "font_size": 12}),
            "note": add(base | {"italic": True, "font_color": "#595959"}),
            "red": add(_RED), "yellow": add(_YELLOW), "green": add(_GREEN),
            "plain_money": add({"num_format": "#,##0.00"}),
            "plain_pct": add({"num_format": "0.00"}),
        }

    def money(self, yuan: int | None, scale: int | None = None):
        return None if yuan is None else yuan / (scale or self.scale)

    def heading(self, ws, ncols: int, text: str, unit_line: str) -> None:
        """Title row and 单位 line, then the header goes in row 2."""
        ws.merge_range(0, 0, 0, ncols - 1, _text(text), self.f["title"])
        ws.set_row(0, 28)
        ws.merge_range(1, 0, 1, ncols - 1, unit_line, self.f["unit"])

    def warning_formats(self, ws, first: int, last: int, warn_col: int,
                        pct_col: int | None) -> None:
        """Colour the 预警 column, and the 完成率 column by it, as conditional formats."""
        if last < first:
            return
        from xlsxwriter.utility import xl_col_to_name

        letter = xl_col_to_name(warn_col)
        for code in ("red", "yellow", "green"):
            ws.conditional_format(first, warn_col, last, warn_col, {
                "type": "cell", "criteria": "==", "value": f'"{WARNING_CN[code]}"',
                "format": self.f[code]})
            if pct_col is not None:
                ws.conditional_format(first, pct_col, last, pct_col, {
                    "type": "formula", "criteria": f'=${letter}{first + 1}="{WARNING_CN[code]}"',
                    "format": self.f[code]})


# Excel cell formats by section column kind.
_KIND_FORMAT = {"text": "text", "label": "text", "int": "int", "money": "money", "pct": "pct",
                "warning": "center"}
FOOTER = "&C第 &P 页 共 &N 页"


def print_setup(ws, header_row: int | None) -> None:
    """A4 landscape, fit to one page wide (any number tall), the header row repeated on each
    page, page numbers in the footer: the sheet prints as an office sends it."""
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    if header_row is not None:
        ws.repeat_rows(header_row)
    ws.set_footer(FOOTER)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    ws.center_horizontally()


def _table_sheet(book: _Book, name: str, heading: str, columns: list[tuple[str, str, int]],
                 rows: list[tuple[list, bool]], *, unit_line: str, warn: bool = False,
                 freeze_cols: int = 1):
    """A sheet: title, 单位 line, header (frozen, repeated when printed), then rows; returns
    (sheet, first data row, last data row)."""
    ws = book.wb.add_worksheet(name)
    ncols = len(columns)
    book.heading(ws, ncols, heading, unit_line)
    for c, (_, _, width) in enumerate(columns):
        ws.set_column(c, c, width)
    ws.set_row(2, 32)
    for c, (head, _, _) in enumerate(columns):
        ws.write_string(2, c, head, book.f["head"])
    ws.freeze_panes(3, freeze_cols)
    print_setup(ws, 2)
    r = 3
    kinds = [kind for _, kind, _ in columns]
    plain = [(kind in ("text", "center"), book.f[kind]) for kind in kinds]
    bold = [(kind in ("text", "center"), book.f["total_" + kind]) for kind in kinds]
    write_string, write_number, write_blank = ws.write_string, ws.write_number, ws.write_blank
    widths = [width for _, _, width in columns]
    for values, total in rows:
        lines = max((_lines(v, widths[c]) for c, v in enumerate(values)
                     if plain[c][0] and isinstance(v, str)), default=1)
        if lines > 1:  # a folded name: the row is as tall as its text (no viewer works it out)
            ws.set_row(r, 14.5 * lines)
        for c, value in enumerate(values):
            is_text, fmt = (bold if total else plain)[c]
            if value is None or value == "":
                write_blank(r, c, None, fmt)
            elif is_text:
                write_string(r, c, _text(str(value)), fmt)
            else:
                write_number(r, c, value, fmt)
        r += 1
    if warn:
        book.warning_formats(ws, 3, r - 1, kinds.index("center"), kinds.index("pct"))
    return ws, 3, r - 1


def _section_sheet(book: _Book, table: Table, head: str):
    """A report section as a sheet; (sheet name, first data row, columns by key)."""
    unit = book.unit
    columns: list[tuple[str, str, int]] = [("序号", "int", 6)] if table.projects else []
    for col in table.columns:
        text = col.sheet_head or col.head
        label = f"{text}\n（{unit}）" if col.kind == "money" else text
        columns.append((label, _KIND_FORMAT[col.kind], col.width))
    rows = []
    for n, row in enumerate(table.rows):
        values = [n + 1] if table.projects else []
        for col in table.columns:
            value = row.get(col.key)
            if col.kind == "money":
                value = book.money(value)
            elif col.kind == "warning":
                value = WARNING_CN.get(value, "") if value else ""
            values.append(value)
        rows.append((values, n < table.totals))
    lead = 1 if table.projects else 0
    key_col = next((i for i, c in enumerate(table.columns) if c.key in ("label", "code")), 0)
    _, first, _ = _table_sheet(book, table.sheet, f"{head}——{table.title}", columns, rows,
                               unit_line=table.unit_line,
                               warn=any(c.kind == "warning" for c in table.columns),
                               freeze_cols=lead + key_col + 1)
    return table.sheet, first, {c.key: lead + i for i, c in enumerate(table.columns)}


def write_xlsx(report: Report, path: str) -> None:
    spec = report.spec
    unit = spec.unit
    book = _Book(path, unit)
    wb = book.wb
    _cut[0] = 0
    head = title(report)
    tables = [s for s in sections(report) if isinstance(s, Table)]
    prose = [s for s in sections(report) if isinstance(s, Prose)]

    # 综述 first: narrative, notes and the charts (their data sits on the later sheets).
    summary = wb.add_worksheet("综述")
    summary.set_column(0, 9, 13)
    print_setup(summary, None)
    book.heading(summary, 10, head, "")
    summary.merge_range(2, 0, 2, 9, pace_heading(report), book.f["subtitle"])
    r = 3
    for sec in prose:
        summary.set_row(r, max(60, 18 * (len(sec.text) // 60 + 1)))
        summary.merge_range(r, 0, r, 9, _text(sec.text), book.f["narrative"])
        r += 1
    for note in report.notes:
        summary.merge_range(r, 0, r, 9, _text("注：" + note), book.f["note"])
        r += 1
    chart_row = r + 1

    placed = {t.key: _section_sheet(book, t, head) for t in tables}
    month_sheet = _monthly_sheet(book, report, head) if report.monthly else None
    _detail_sheet(book, report, head)

    # One chart per category: 169 亿 of 传统产业 would flatten the enterprise fields' 4–8 亿.
    chart_rows = []
    if "by_sector" in placed:
        name, first, col = placed["by_sector"]
        for category in programme.CATEGORIES:
            rows = [first + 1 + i for i, row in enumerate(report.by_sector)
                    if row.category == category.code]
            if not rows:
                continue
            chart = wb.add_chart({"type": "column"})
            for key, label in (("plan", "年度计划"), ("actual_ytd", "累计完成")):
                chart.add_series({"name": label,
                                  "categories": [name, rows[0], col["label"], rows[-1],
                                                 col["label"]],
                                  "values": [name, rows[0], col[key], rows[-1], col[key]]})
            chart.set_title({"name": f"{category.name}分领域年度计划与累计完成（{unit}）"})
            chart.set_y_axis({"name": unit, "num_format": "#,##0.0"})
            chart.set_legend({"position": "bottom"})
            chart.set_size({"width": 900, "height": 300})
            summary.insert_chart(chart_row, 0, chart)
            chart_rows.append(chart_row)
            chart_row += 16
    if month_sheet is not None:
        name, first, last = month_sheet
        chart = wb.add_chart({"type": "line"})
        chart.add_series({"name": "累计完成率", "categories": [name, first, 0, last, 0],
                          "values": [name, first, 3, last, 3], "marker": {"type": "circle"}})
        # the pace the report measured against, month by month (the 时序进度 column)
        chart.add_series({"name": f"时序进度（{KIND_CN[report.pace.kind]}）",
                          "categories": [name, first, 0, last, 0],
                          "values": [name, first, 4, last, 4],
                          "line": {"dash_type": "dash"}})
        chart.set_title({"name": f"{spec.year}年累计完成率与时序进度（%）"})
        chart.set_y_axis({"name": "%", "min": 0})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 900, "height": 300})
        summary.insert_chart(chart_row, 0, chart)
        chart_rows.append(chart_row)
    # The narrative and one chart fill the first page; two charts to each page after it, so
    # no chart is cut in two.
    summary.set_h_pagebreaks(chart_rows[1::2])
    wb.close()
    cut_notice()


def cut_notice() -> None:
    """After a workbook is written: how many cells _text cut to the xlsx limit, if any."""
    if _cut[0]:
        from .output import notice

        notice(f"{_cut[0]} cell(s) longer than {XLSX_CELL_LIMIT:,} characters, the most an xlsx "
               "cell holds, were cut to fit; the full text is in --format json")


def _monthly_sheet(book: _Book, report: Report, head: str) -> tuple[str, int, int]:
    unit = report.spec.unit
    columns = [("月份", "center", 10), (f"当月完成\n（{unit}）", "money", 12),
               (f"累计完成\n（{unit}）", "money", 12), ("累计完成率\n（%）", "pct", 11),
               (f"时序进度\n（%，{KIND_CN[report.pace.kind]}）", "pct", 12)]
    rows = [([m.month, book.money(m.amount), book.money(m.cumulative), m.completion_pct,
              m.time_progress_pct], False) for m in report.monthly or []]
    _, first, last = _table_sheet(book, "月度进度", f"{head}——月度累计完成与时序进度", columns,
                                  rows, unit_line=f"单位：{unit}")
    return "月度进度", first, last


def _detail_sheet(book: _Book, report: Report, head: str) -> None:
    """项目明细: one row per project (up to 100,000), amounts in 万元."""
    ws = book.wb.add_worksheet("项目明细")
    columns = [("序号", 6), ("项目编号", 10), ("项目名称", 36), ("所在地区", 8), ("领域", 10),
               ("年度计划\n（万元）", 12), ("累计完成\n（万元）", 12),
               (f"{period_column(report.spec)}\n（万元）", 12), ("完成率\n（%）", 9),
               ("与时序进度差\n（百分点）", 12), ("预警", 6), ("形象进度（填报原文）", 30)]
    book.heading(ws, len(columns), f"{head}——项目明细", "单位：万元")
    for c, (_, width) in enumerate(columns):
        ws.set_column(c, c, width)
    ws.set_row(2, 32)
    for c, (text, _) in enumerate(columns):
        ws.write_string(2, c, text, book.f["head"])
    ws.freeze_panes(4, 2)
    print_setup(ws, 2)
    f = book.f
    total = report.total
    ws.write_blank(3, 0, None, f["total_text"])
    ws.write_string(3, 1, "合计", f["total_text"])
    ws.write_string(3, 2, f"{total.projects}个项目", f["total_text"])
    ws.write_blank(3, 3, None, f["total_text"])
    ws.write_blank(3, 4, None, f["total_text"])
    ws.write_number(3, 5, total.plan / 10_000, f["total_money"])
    ws.write_number(3, 6, total.actual_ytd / 10_000, f["total_money"])
    ws.write_number(3, 7, total.actual_period / 10_000, f["total_money"])
    for c in (8, 9, 10, 11):
        ws.write_blank(3, c, None, f["total_text"])
    texts = report.progress_texts()

    # The hot loop: 11 cells per project, up to 100,000 projects. Bound methods and formats
    # are looked up once; text cells carry no format (no borders on a sheet this long) and
    # missing figures are left empty, since each format attribute costs xlsxwriter time.
    write_string, write_number = ws.write_string, ws.write_number
    money, pct_f = f["plain_money"], f["plain_pct"]
    sector_names = programme.SECTOR_NAMES
    warn_cn = WARNING_CN
    r = 3
    for code, name, region, sector, plan, ytd, period, completion, gap, warning in \
            report.detail_rows():
        r += 1
        write_number(r, 0, r - 3)
        write_string(r, 1, code)
        write_string(r, 2, _text(name))
        write_string(r, 3, region)
        write_string(r, 4, sector_names.get(sector, sector))
        if plan is not None:
            write_number(r, 5, plan / 10_000, money)
        write_number(r, 6, ytd / 10_000, money)
        write_number(r, 7, period / 10_000, money)
        if completion is not None:
            write_number(r, 8, completion, pct_f)
            write_number(r, 9, gap, pct_f)
            write_string(r, 10, warn_cn[warning])
        if texts:
            sentence = texts.get(code)
            if sentence:
                write_string(r, 11, _text(sentence))
    book.warning_formats(ws, 4, r, 10, 8)
    ws.autofilter(2, 0, r, 11)
