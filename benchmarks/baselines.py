#!/usr/bin/env python3
"""Reference programs that run.py times as whole processes beside innovtrack.

    python benchmarks/baselines.py executemany FILE DB
        stdlib csv + sqlite3.executemany of a monthly report file into a typed table,
        one transaction, no validation.
    python benchmarks/baselines.py xlsx ROWS OUT.xlsx
        xlsxwriter alone (constant_memory) writing ROWS rows x 10 columns of mixed text and
        numbers plus a header: the cells of a report's project detail sheet.

Kept apart from run.py so that each is a plain program whose start-up is part of its time,
just as innovtrack's is.
"""

from __future__ import annotations

import csv
import sqlite3
import sys

PROGRESS_DDL = (
    "CREATE TABLE progress(code TEXT, month TEXT, amount REAL, ytd REAL, status TEXT, problem TEXT)"
)


def executemany(path: str, db: str) -> None:
    con = sqlite3.connect(db)
    con.execute(PROGRESS_DDL)
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        with con:  # one transaction
            con.executemany("INSERT INTO progress VALUES (?, ?, ?, ?, ?, ?)", reader)
    con.close()


_NAMES = [
    "年产5万吨碳酸锂项目",
    "高效光伏电池技术改造项目",
    "藏毯生产线建设项目",
    "镁合金产业化项目",
    "枸杞精深加工扩建项目",
    "工业危险固废处置项目",
]
_REGIONS = ["西宁市", "海东市", "海北州", "黄南州", "海南州", "果洛州", "玉树州", "海西州", "省直"]
_SECTORS = ["传统产业", "新兴产业", "节能环保", "电子信息", "新能源", "新材料", "化工"]
_WARNINGS = ["绿", "黄", "红"]


def xlsx(rows: int, out: str) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(out, {"constant_memory": True})
    ws = wb.add_worksheet("项目明细")
    ws.write_row(
        0,
        0,
        [
            "项目编号",
            "项目名称",
            "所在地区",
            "领域",
            "年度计划",
            "累计完成",
            "本季度完成",
            "完成率%",
            "偏差",
            "预警",
        ],
    )
    for i in range(1, rows + 1):
        plan = 100 + (i * 7919) % 50000
        ytd = plan * ((i * 31) % 120) / 100
        ws.write_string(i, 0, f"P{i:06d}")
        ws.write_string(i, 1, _NAMES[i % len(_NAMES)])
        ws.write_string(i, 2, _REGIONS[i % len(_REGIONS)])
        ws.write_string(i, 3, _SECTORS[i % len(_SECTORS)])
        ws.write_number(i, 4, plan)
        ws.write_number(i, 5, ytd)
        ws.write_number(i, 6, ytd / 3)
        ws.write_number(i, 7, ytd / plan * 100)
        ws.write_number(i, 8, ytd / plan * 100 - 100)
        ws.write_string(i, 9, _WARNINGS[i % 3])
    wb.close()


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[0] == "executemany":
        executemany(argv[1], argv[2])
    elif len(argv) == 3 and argv[0] == "xlsx":
        xlsx(int(argv[1]), argv[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
