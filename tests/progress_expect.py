"""Reading the progress fixtures independently of innovtrack: plain csv, openpyxl and Decimal.

The replay tests compare the ledger with what these functions compute from the files, so the
expected figures never come from the code under test.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

PROGRESS_DIR = Path(__file__).parent / "fixtures" / "progress"
GOOD = PROGRESS_DIR / "good"
BAD = PROGRESS_DIR / "bad"
WARN = PROGRESS_DIR / "warn"
REPLAY = ["2016-01_全省汇总.csv", "2016-02_全省汇总.csv", "2016-03_海西州等.csv",
          "2016-03_补报.csv", "2016-04_全省汇总.xlsx", "2016-05_累计.csv",
          "2016-06_全省汇总.csv"]
CORRECTIONS = "2016_更正.csv"

_HEADERS = {
    "code": ("项目编号", "项目代码", "code"),
    "month": ("月份", "填报月份", "month"),
    "amount": ("本月完成投资", "当月完成投资", "amount"),
    "ytd": ("自年初累计完成投资", "累计完成投资", "ytd"),
    "status": ("形象进度", "建设状态", "status"),
    "reason": ("更正原因", "原因", "reason"),
}
STATUS = {"前期": "preparing", "前期工作": "preparing", "在建": "building", "已开工": "building",
          "复工": "building", "建成投产": "producing", "停缓建": "suspended"}
UNIT = {"万元": Decimal(10_000), "亿元": Decimal(100_000_000)}


def _rows(path: Path) -> list[list]:
    if path.suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    return list(csv.reader(text.splitlines()))


def _month(cell) -> str:
    if isinstance(cell, dt.date | dt.datetime):
        return f"{cell.year:04d}-{cell.month:02d}"
    m = re.fullmatch(r"(\d{4})(?:-|年)?(\d{1,2})月?", str(cell).strip())
    return f"{m.group(1)}-{int(m.group(2)):02d}"


def read_report(path: Path) -> list[dict]:
    """The data rows of a report: {code, month, amount, ytd, status, reason} with 元 ints."""
    rows = _rows(path)
    title_month, unit = None, "万元"
    start = 0
    for number, cells in enumerate(rows):
        start = number
        texts = ["" if c is None else str(c).strip() for c in cells]
        joined = "".join(texts)
        if m := re.search(r"(\d{4})年(\d{1,2})月", joined):
            title_month = f"{m.group(1)}-{int(m.group(2)):02d}"
        if m := re.search(r"单位：(万元|亿元)", joined):
            unit = m.group(1)
        if any(t in _HEADERS["code"] for t in texts):
            header = texts
            break
    cols, units = {}, {}
    for i, h in enumerate(header):
        name = re.sub(r"[（(].*[)）]$", "", h)
        for field, aliases in _HEADERS.items():
            if name in aliases and field not in cols:
                cols[field] = i
                units[field] = next((u for u in UNIT if u in h), unit)
    out = []
    for cells in rows[start + 1:]:
        texts = ["" if c is None else str(c).strip() for c in cells]
        if not "".join(texts) or texts[0].replace(" ", "") == "合计":
            continue

        def cell(field, cells=cells):
            i = cols.get(field)
            return None if i is None or i >= len(cells) or cells[i] in (None, "") else cells[i]

        def money(field):
            v = cell(field)
            if v is None:
                return None
            number = Decimal(repr(v)) if isinstance(v, float) else Decimal(str(v))
            return int(number * UNIT[units[field]])

        out.append({"code": cell("code"),
                    "month": _month(cell("month")) if cell("month") is not None else title_month,
                    "amount": money("amount"), "ytd": money("ytd"),
                    "status": STATUS.get(cell("status")) if cell("status") else None,
                    "reason": cell("reason")})
    return out


def expected_ledger(files: list[str], corrections: str | None = None) -> dict:
    """{(code, month): (amount 元, status)} after the files and then the corrections."""
    entries: dict[tuple[str, str], tuple[int, str | None]] = {}
    for name in files:
        for r in read_report(GOOD / name):
            amount = r["amount"]
            if amount is None:  # year-to-date only: the rest of the year so far
                before = sum(a for (c, m), (a, _s) in entries.items()
                             if c == r["code"] and m[:4] == r["month"][:4] and m < r["month"])
                amount = r["ytd"] - before
            entries[(r["code"], r["month"])] = (amount, r["status"])
    if corrections:
        for r in read_report(GOOD / corrections):
            old = entries[(r["code"], r["month"])]
            entries[(r["code"], r["month"])] = (r["amount"], r["status"] or old[1])
    return entries


def ledger_entries(ledger) -> dict:
    """The same shape, from the ledger's effective entries with plain SQL."""
    with ledger.read() as conn:
        return {(code, month): (amount, status) for code, month, amount, status in
                conn.exec_driver_sql(
                    "SELECT p.code, e.month, e.amount, e.status FROM progress_entry e"
                    " JOIN project p ON p.id = e.project_id WHERE e.superseded_by IS NULL")}
