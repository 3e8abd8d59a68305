"""The report as one Excel workbook laid out the way provincial offices keep them.

Each table on its own sheet: a title row, a 单位 line, a frozen header, the 合计 row first,
number formats, and the warning colours as conditional formats (so they follow the figures if
someone edits them). The first sheet carries the narrative and two native charts: plan against
actual by sector, and the year's cumulative completion month by month against 时序进度.

Text is always written with write_string, so a name or problem that starts with =, +, - or @
stays text and never becomes a formula. The workbook is written in constant_memory mode, row by
row; the per-project detail sheet of 100,000 rows keeps per-cell Python work to a minimum.
"""

from __future__ import annotations

from .. import programme
from ..money import UNITS
from ..pace import KIND_CN
from ..rollup import GroupRow, Report
from .labels import REASON_CN, WARNING_CN, pace_heading, period_column, status_text, title
from .narrative import narrative
from .safe import XLSX_CELL_LIMIT, xlsx_text

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


class _Book:
    """The workbook and its formats."""

    def __init__(self, path: str, unit: str):
        import xlsxwriter

        self.wb = xlsxwriter.Workbook(path, {"constant_memory": True})
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
            "text": add(cell),
            "int": add(cell | {"num_format": "0"}),
            "money": add(cell | {"num_format": "#,##0.00"}),
            "pct": add(cell | {"num_format": "0.00"}),
            "center": add(cell | {"align": "center"}),
            "total_text": add(cell | {"bold": True}),
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
        ws.merge_range(0, 0, 0, ncols - 1, text, self.f["title"])
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


def _group_columns(report: Report, lead: list[str]) -> list[tuple[str, str, int]]:
    unit = report.spec.unit
    return [(h, "text", 14) for h in lead] + [
        ("项目数", "int", 8), (f"年度目标\n（{unit}）", "money", 12),
        (f"年度计划\n（{unit}）", "money", 12), (f"累计完成\n（{unit}）", "money", 12),
        (f"{period_column(report.spec)}\n（{unit}）", "money", 12), ("完成率\n（%）", "pct", 9),
        ("与时序进度差\n（百分点）", "pct", 12), ("预警", "center", 6),
        (f"预计全年完成\n（{unit}）", "money", 13), ("预计完成率\n（%）", "pct", 10)]


def _group_values(book: _Book, row: GroupRow) -> list:
    return [row.projects, book.money(row.target), book.money(row.plan),
            book.money(row.actual_ytd), book.money(row.actual_period), row.completion_pct,
            row.gap_pp, WARNING_CN.get(row.warning, "") if row.warning else "",
            book.money(row.forecast), row.forecast_pct]


def _table_sheet(book: _Book, name: str, heading: str, columns: list[tuple[str, str, int]],
                 rows: list[tuple[list, bool]], *, unit_line: str, warn: bool = False,
                 freeze_cols: int = 1):
    """A sheet: title, 单位 line, header (frozen), then rows; returns (sheet, first, last)."""
    ws = book.wb.add_worksheet(name)
    ncols = len(columns)
    book.heading(ws, ncols, heading, unit_line)
    for c, (_, _, width) in enumerate(columns):
        ws.set_column(c, c, width)
    ws.set_row(2, 32)
    for c, (head, _, _) in enumerate(columns):
        ws.write_string(2, c, head, book.f["head"])
    ws.freeze_panes(3, freeze_cols)
    r = 3
    kinds = [kind for _, kind, _ in columns]
    plain = [(kind in ("text", "center"), book.f[kind]) for kind in kinds]
    bold = [(kind in ("text", "center"), book.f["total_" + kind]) for kind in kinds]
    write_string, write_number, write_blank = ws.write_string, ws.write_number, ws.write_blank
    for values, total in rows:
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
        kinds = [k for _, k, _ in columns]
        heads = [h for h, _, _ in columns]
        book.warning_formats(ws, 3, r - 1, heads.index("预警"), kinds.index("pct"))
    return ws, 3, r - 1


def write_xlsx(report: Report, path: str) -> None:
    spec = report.spec
    unit = spec.unit
    book = _Book(path, unit)
    wb = book.wb
    _cut[0] = 0
    unit_line = f"单位：{unit}"
    head = title(report)

    # 综述 first: narrative, notes and the charts (their data sits on the later sheets).
    summary = wb.add_worksheet("综述")
    summary.set_column(0, 9, 13)
    book.heading(summary, 10, head, "")
    summary.merge_range(2, 0, 2, 9, pace_heading(report), book.f["subtitle"])
    text = narrative(report) if spec.kind != "lagging" else ""
    if text:
        summary.set_row(3, max(60, 18 * (len(text) // 60 + 1)))
        summary.merge_range(3, 0, 3, 9, text, book.f["narrative"])
    r = 4
    for note in report.notes:
        summary.merge_range(r, 0, r, 9, "注：" + note, book.f["note"])
        r += 1
    chart_row = r + 1

    sector_sheet = None
    if spec.kind != "lagging":
        columns = _group_columns(report, ["名称"])
        _table_sheet(book, "总体及分类别", f"{head}——总体及分类别", columns,
                     [([report.total.label, *_group_values(book, report.total)], True)]
                     + [([row.label, *_group_values(book, row)], False)
                        for row in report.by_category], unit_line=unit_line, warn=True)
        columns = _group_columns(report, ["类别", "领域"])
        sector_sheet, s_first, s_last = _table_sheet(
            book, "分领域", f"{head}——分领域", columns,
            [(["合计", "", *_group_values(book, report.total)], True)]
            + [([programme.CATEGORY_NAMES[row.category], row.label,
                 *_group_values(book, row)], False) for row in report.by_sector],
            unit_line=unit_line, warn=True, freeze_cols=2)
        columns = _group_columns(report, ["地区"])
        _table_sheet(book, "分地区", f"{head}——分地区", columns,
                     [([report.total.label, *_group_values(book, report.total)], True)]
                     + [([row.label, *_group_values(book, row)], False)
                        for row in report.by_region], unit_line=unit_line, warn=True)
        _starts_sheet(book, report, head)
    _lagging_sheet(book, report, head)
    if spec.kind != "lagging":
        from .supervision import xlsx_sheets

        xlsx_sheets(book, report, head)  # problems, procedures, by_unit (SPEC §9)
        if spec.kind == "monthly":
            _unreported_sheet(book, report, head)
    month_sheet = _monthly_sheet(book, report, head) if report.monthly else None
    _detail_sheet(book, report, head)

    if sector_sheet is not None and s_last > s_first:
        chart = wb.add_chart({"type": "column"})
        for col, name in ((4, "年度计划"), (5, "累计完成")):
            chart.add_series({"name": name,
                              "categories": ["分领域", s_first + 1, 1, s_last, 1],
                              "values": ["分领域", s_first + 1, col, s_last, col]})
        chart.set_title({"name": f"分领域年度计划与累计完成（{unit}）"})
        chart.set_y_axis({"name": unit, "num_format": "#,##0"})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 720, "height": 320})
        summary.insert_chart(chart_row, 0, chart)
        chart_row += 17
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
        chart.set_size({"width": 720, "height": 320})
        summary.insert_chart(chart_row, 0, chart)
    wb.close()
    if _cut[0]:
        from .output import notice

        notice(f"{_cut[0]} cell(s) longer than {XLSX_CELL_LIMIT:,} characters, the most an xlsx "
               "cell holds, were cut to fit; the full text is in --format json")


def _starts_sheet(book: _Book, report: Report, head: str) -> None:
    columns = [("分组", "text", 8), ("名称", "text", 16), ("项目数", "int", 8),
               ("开复工", "int", 8), ("开复工率\n（%）", "pct", 10), ("新建", "int", 7),
               ("开工", "int", 7), ("开工率\n（%）", "pct", 9), ("续建", "int", 7),
               ("复工", "int", 7), ("复工率\n（%）", "pct", 9), ("年内计划\n投产", "int", 9),
               ("已投产", "int", 8), ("投产率\n（%）", "pct", 9), ("建成投产\n（合计）", "int", 9)]

    def values(level: str, row: GroupRow) -> list:
        return [level, row.label, row.projects, row.started, row.start_rate, row.new_projects,
                row.new_started, row.new_start_rate, row.continuing, row.continuing_started,
                row.continuing_start_rate, row.due, row.due_completed, row.production_rate,
                row.completed]

    rows = [(values("合计", report.total), True)]
    rows += [(values("类别", r), False) for r in report.by_category]
    rows += [(values("领域", r), False) for r in report.by_sector]
    rows += [(values("地区", r), False) for r in report.by_region]
    _table_sheet(book, "开复工及投产", f"{head}——开复工及建成投产", columns, rows,
                 unit_line="单位：个、%", freeze_cols=2)


def _lagging_sheet(book: _Book, report: Report, head: str) -> None:
    """The lagging list, lean: the detail sheet carries every project's figures."""
    columns = [("项目编号", "text", 12), ("项目名称", "text", 36), ("地区", "text", 8),
               ("领域", "text", 10), ("责任单位", "text", 26), ("完成率\n（%）", "pct", 9),
               ("形象进度", "text", 24), ("滞后原因", "text", 30), ("预警", "center", 6),
               (f"预计全年完成\n（{book.unit}）", "money", 13), ("预计完成率\n（%）", "pct", 10)]
    sector_names = programme.SECTOR_NAMES
    rows = []
    for line in report.lagging:
        f = line.facts
        rows.append(([f.code, f.name, f.region, sector_names.get(f.sector, f.sector),
                      f.responsible_unit, line.completion_pct,
                      status_text(f.status, f.progress_text) or None,
                      "、".join(REASON_CN[r] for r in line.reasons),
                      WARNING_CN.get(line.warning) if line.warning else None,
                      book.money(line.forecast), line.forecast_pct], False))
    _table_sheet(book, "滞后项目", f"{head}——进度滞后项目（{len(report.lagging)}个）", columns,
                 rows, unit_line="", warn=True)


def _unreported_sheet(book: _Book, report: Report, head: str) -> None:
    columns = [("地区", "text", 8), ("项目编号", "text", 12), ("项目名称", "text", 36),
               ("责任单位", "text", 28)]
    rows = [([p.region, p.code, p.name, p.responsible_unit or ""], False)
            for p in report.unreported]
    _table_sheet(book, "未报送项目", f"{head}——未报送项目（{len(rows)}个）", columns, rows,
                 unit_line="")


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
    columns = [("项目编号", 12), ("项目名称", 36), ("所在地区", 8), ("领域", 10),
               ("年度计划\n（万元）", 12), ("累计完成\n（万元）", 12),
               (f"{period_column(report.spec)}\n（万元）", 12), ("完成率\n（%）", 9),
               ("与时序进度差\n（百分点）", 12), ("预警", 6), ("形象进度（填报原文）", 30)]
    book.heading(ws, len(columns), f"{head}——项目明细", "单位：万元")
    for c, (_, width) in enumerate(columns):
        ws.set_column(c, c, width)
    ws.set_row(2, 32)
    for c, (text, _) in enumerate(columns):
        ws.write_string(2, c, text, book.f["head"])
    ws.freeze_panes(4, 1)
    f = book.f
    total = report.total
    ws.write_string(3, 0, "合计", f["total_text"])
    ws.write_string(3, 1, f"{total.projects}个项目", f["total_text"])
    ws.write_blank(3, 2, None, f["total_text"])
    ws.write_blank(3, 3, None, f["total_text"])
    ws.write_number(3, 4, total.plan / 10_000, f["total_money"])
    ws.write_number(3, 5, total.actual_ytd / 10_000, f["total_money"])
    ws.write_number(3, 6, total.actual_period / 10_000, f["total_money"])
    for c in (7, 8, 9, 10):
        ws.write_blank(3, c, None, f["total_text"])
    texts = report.progress_texts()

    # The hot loop: 10 cells per project, up to 100,000 projects. Bound methods and formats
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
        write_string(r, 0, code)
        write_string(r, 1, _text(name))
        write_string(r, 2, region)
        write_string(r, 3, sector_names.get(sector, sector))
        if plan is not None:
            write_number(r, 4, plan / 10_000, money)
        write_number(r, 5, ytd / 10_000, money)
        write_number(r, 6, period / 10_000, money)
        if completion is not None:
            write_number(r, 7, completion, pct_f)
            write_number(r, 8, gap, pct_f)
            write_string(r, 9, warn_cn[warning])
        if texts:
            sentence = texts.get(code)
            if sentence:
                write_string(r, 10, _text(sentence))
    book.warning_formats(ws, 4, r, 9, 7)
    ws.autofilter(2, 0, r, 10)
