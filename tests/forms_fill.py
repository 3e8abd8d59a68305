"""Filling a monthly form the way a person does in a spreadsheet: only its input cells.

Every write goes through `put`, which refuses a locked cell, so a test can never pass by
writing where a person could not. Tampering tests use openpyxl directly on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SHEET = "进展情况表"
HEADER_ROW = 3


@dataclass
class Filled:
    row: int
    code: str
    amount: str | None = None
    ytd: str | None = None
    progress: str | None = None
    status: str | None = None
    eia: str | None = None
    problem: str | None = None
    problem_unit: str | None = None


def header(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[HEADER_ROW] if c.value}


def data_rows(ws) -> list[tuple[int, str]]:
    """(row, code) of each project row, read by the 项目编号 header."""
    col = header(ws)["项目编号"]
    out = []
    row = HEADER_ROW + 1
    while ws.cell(row, col).value:
        out.append((row, ws.cell(row, col).value))
        row += 1
    return out


def put(ws, row: int, col: int, value) -> None:
    cell = ws.cell(row, col)
    assert cell.protection.locked is False, f"{cell.coordinate} is locked on the form"
    cell.value = value


_COLUMN = {"amount": "本月完成投资（万元）", "ytd": "自年初累计完成投资（万元）",
           "progress": "形象进度", "status": "状态", "eia": "环评", "problem": "存在问题",
           "problem_unit": "需协调解决单位"}


def fill(path: Path, out: Path, rows: list[Filled], *, filled_by: str | None = None,
         phone: str | None = None, date: str | None = None) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    cols = header(ws)
    for f in rows:
        for attr, name in _COLUMN.items():
            value = getattr(f, attr)
            if value is not None:
                put(ws, f.row, cols[name], value)
    contact = {"填表人：": filled_by, "联系电话：": phone, "填报日期：": date}
    for cells in ws.iter_rows(min_row=HEADER_ROW + 1):
        for c in cells:
            if c.value in contact and contact[c.value] is not None:
                put(ws, c.row, c.column + 1, contact[c.value])
    wb.save(out)
