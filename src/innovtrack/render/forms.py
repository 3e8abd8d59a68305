"""The monthly form as a workbook (SPEC §10), and the 催报 listing of `forms status`.

The form's columns, title and record come from forms.py; this module only lays them out:
locked grey cells for what the ledger knows, unlocked input cells with Excel data validation,
sheet protection without a password, the hidden record sheet, and the print setup of §12.
"""

from __future__ import annotations

from pathlib import Path

from ..forms import (
    COLUMNS,
    CONTACT_LABELS,
    FORM_MARK,
    FORM_SHEET,
    FORM_VERSION,
    LOCKED,
    PROCEDURE_CHOICES,
    STATUS_CHOICES,
    FormProject,
    cell_key,
    title,
)
from .listing import Column

HEADER_ROW = 3  # 1-based, as the spreadsheet shows it: title, 填报单位 line, header
SHEET_NAME = "进展情况表"

_VALIDATION = {
    "money": {"validate": "decimal", "criteria": ">=", "value": 0,
              "error_title": "数字有误", "error_message": "请填写不小于0的数字（万元）"},
    "status": {"validate": "list", "source": list(STATUS_CHOICES),
               "error_title": "状态有误", "error_message": "请从下拉列表选择：" + "、".join(STATUS_CHOICES)},
    "procedure": {"validate": "list", "source": list(PROCEDURE_CHOICES),
                  "error_title": "手续状态有误",
                  "error_message": "请从下拉列表选择：" + "、".join(PROCEDURE_CHOICES)},
}


def _print_ready(ws, header_row0: int, last_row: int, last_col: int) -> None:
    """SPEC §12: A4 landscape, one page wide, the header repeated, 第 &P 页 共 &N 页."""
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0, header_row0)
    ws.set_footer("&C第 &P 页 共 &N 页")
    ws.print_area(0, 0, last_row, last_col)


def write_form(path: Path, *, unit: str, month: str, by: str, by_label: str,
               projects: list[FormProject]) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    base = {"font_name": "宋体", "font_size": 10, "border": 1, "valign": "vcenter",
            "text_wrap": True}
    fmt = {
        "title": book.add_format({"bold": True, "font_size": 16, "align": "center",
                                  "valign": "vcenter", "font_name": "宋体"}),
        "line": book.add_format({"font_name": "宋体", "font_size": 11}),
        "input_line": book.add_format({"font_name": "宋体", "font_size": 11, "locked": False,
                                       "bottom": 1}),
        "header": book.add_format({**base, "bold": True, "align": "center",
                                   "bg_color": "#D9D9D9"}),
        "locked": book.add_format({**base, "bg_color": "#E7E6E6"}),
        "locked_money": book.add_format({**base, "bg_color": "#E7E6E6",
                                         "num_format": "#,##0.####"}),
        "input": book.add_format({**base, "locked": False}),
        "input_money": book.add_format({**base, "locked": False, "num_format": "#,##0.####"}),
    }
    ws = book.add_worksheet(SHEET_NAME)
    last_col = len(COLUMNS) - 1
    ws.merge_range(0, 0, 0, last_col, title(unit, month), fmt["title"])
    ws.set_row(0, 30)
    ws.write(1, 0, f"填报单位：{unit}", fmt["line"])
    ws.write(1, last_col - 1, "单位：万元", fmt["line"])
    h = HEADER_ROW - 1
    ws.set_row(h, 36)
    for col, c in enumerate(COLUMNS):
        ws.write(h, col, c.header, fmt["header"])
        ws.set_column(col, col, c.width)

    record_rows = []
    for i, p in enumerate(projects, start=1):
        r = h + i
        locked = {}
        for col, c in enumerate(COLUMNS):
            if c.locked:
                value = c.value(i, p)
                locked[c.key] = cell_key(value)
                if value is None:
                    ws.write_blank(r, col, None, fmt["locked"])
                elif c.key in ("plan", "before"):
                    ws.write_number(r, col, float(value), fmt["locked_money"])
                else:
                    ws.write(r, col, value, fmt["locked"])
            elif c.kind == "procedure" and p.stage != "new":
                ws.write_blank(r, col, None, fmt["locked"])  # continuing: procedures done
            else:
                ws.write_blank(r, col, None,
                               fmt["input_money"] if c.kind == "money" else fmt["input"])
        record_rows.append((r + 1, locked))
    first, last = h + 1, h + len(projects)
    if projects:
        for col, c in enumerate(COLUMNS):
            rule = _VALIDATION.get(c.kind)
            if rule is None:
                continue
            if c.kind == "procedure":
                for r in range(first, last + 1):
                    if projects[r - first].stage == "new":
                        ws.data_validation(r, col, r, col, rule)
            else:
                ws.data_validation(first, col, last, col, rule)

    # The contact line: label, then an input cell spanning two columns.
    r = last + 2
    col = 1
    for label in CONTACT_LABELS.values():
        ws.write(r, col, f"{label}：", fmt["line"])
        ws.merge_range(r, col + 1, r, col + 2, "", fmt["input_line"])
        col += 4
    ws.write(r + 1, 1, "注：灰色单元格由系统预填，请勿改动；请在白色单元格填写本月情况，"
                       "状态和前期手续请从下拉列表选择。", fmt["line"])
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True,
                    "format_columns": True, "format_rows": True})
    ws.freeze_panes(HEADER_ROW, 3)
    _print_ready(ws, h, r + 1, last_col)

    rec = book.add_worksheet(FORM_SHEET)
    meta = [("form", FORM_MARK), ("version", FORM_VERSION), ("month", month), ("by", by),
            ("by_label", by_label), ("unit", unit), ("header_row", HEADER_ROW),
            ("projects", len(projects))]
    for i, (k, v) in enumerate(meta):
        rec.write_string(i, 0, k)
        rec.write_string(i, 1, str(v))
    t = len(meta) + 1
    keys = [c.key for c in LOCKED]
    rec.write_row(t, 0, ["row", *keys])
    for i, (row, locked) in enumerate(record_rows, start=1):
        rec.write_number(t + i, 0, row)
        for j, k in enumerate(keys, start=1):
            rec.write_string(t + i, j, locked[k])
    rec.protect("")
    rec.hide()
    ws.activate()
    book.close()


# --- forms status ------------------------------------------------------------------------------

STATUS_COLUMNS = [
    Column("unit", "填报单位"),
    Column("projects", "项目数"),
    Column("reported", "已报"),
    Column("missing", "未报"),
    Column("imported_at", "最近导入", "time"),
    Column("filled_by", "填表人"),
    Column("phone", "联系电话"),
]


def status_table(rows: list[dict], month: str):
    """The table of units, then one line per unit naming the projects it has not reported
    (whole, so the list can be sent as it is)."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from .listing import cell_text

    sent = sum(1 for r in rows if r["reported"])
    table = Table(title=f"{month} 报送情况（{sent}/{len(rows)} 个单位已报）", header_style="bold")
    for c in STATUS_COLUMNS:
        numeric = c.key in ("projects", "reported", "missing")
        table.add_column(c.header, justify="right" if numeric else "left", no_wrap=True)
    for r in rows:
        table.add_row(*(cell_text(c, r, "万元") for c in STATUS_COLUMNS))
    lines = [Text(f"{r['unit']}未报{r['missing']}项：" + "、".join(r["not_reported"]))
             for r in rows if r["missing"]]
    return Group(table, *lines)


def emit_status(rows: list[dict], *, fmt_name: str, month: str, output: str | None) -> None:
    from .listing import to_csv, to_json
    from .output import print_rich, write_text

    if fmt_name == "json":
        write_text(to_json(rows), output)
    elif fmt_name == "csv":  # a cell per unit: the codes joined as a person writes a list
        write_text(to_csv([{**r, "not_reported": "、".join(r["not_reported"])} for r in rows]),
                   output)
    else:
        print_rich(status_table(rows, month), output)
