"""The benchmark's data generator makes files that are well-formed and internally consistent.

The benchmark's speed is checked by benchmarks/run.py, never here; this only keeps the
generator (and run.py's command line) from rotting. Deselect with `-m "not benchmark"`.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

pytestmark = pytest.mark.benchmark

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
PROJECTS, MONTHS = 50, 3
STATUS_ORDER = {"前期": 0, "在建": 1, "建成投产": 2}
PROGRESS_HEADER = [
    "项目编号",
    "月份",
    "本月完成投资（万元）",
    "自年初累计完成投资（万元）",
    "形象进度",
    "存在问题",
]


def generate(outdir: Path, *args: str) -> None:
    subprocess.run(
        [sys.executable, str(BENCH / "generate.py"), str(outdir), "--quiet", *args],
        check=True,
        timeout=120,
    )


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    # 14 months across a year boundary, so year-to-date resets are exercised too
    out = tmp_path_factory.mktemp("bench-data")
    generate(
        out,
        "--projects",
        str(PROJECTS),
        "--months",
        "14",
        "--start",
        "2016-01",
        "--big-rows",
        "120",
    )
    return out


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bench-tiny")
    generate(out, "--projects", str(PROJECTS), "--months", str(MONTHS))
    return out


def month_rows(data: Path) -> list[list[str]]:
    rows = []
    for name in sorted(p.name for p in data.glob("progress_????-??.csv")):
        header, body = read_csv(data / name)
        assert header == PROGRESS_HEADER
        assert all(r[1] == name[9:16] for r in body), f"{name} holds rows of another month"
        rows += body
    return rows


def test_tiny_files_and_counts(tiny: Path):
    names = sorted(p.name for p in tiny.iterdir())
    assert names == [
        "manifest.json",
        "progress_1m.csv",
        "progress_2016-01.csv",
        "progress_2016-02.csv",
        "progress_2016-03.csv",
        "projects.csv",
    ]
    header, projects = read_csv(tiny / "projects.csv")
    assert header == [
        "项目编号",
        "项目名称",
        "项目单位",
        "所在地区",
        "类别",
        "领域",
        "行业",
        "建设性质",
        "总投资（万元）",
        "2016年计划投资（万元）",
        "责任单位",
        "计划开工时间",
        "计划投产时间",
        "主要建设内容",
    ]
    assert len(projects) == PROJECTS
    assert [p[0] for p in projects] == [f"P{i:06d}" for i in range(1, PROJECTS + 1)]
    for name in ("progress_2016-01.csv", "progress_2016-02.csv", "progress_2016-03.csv"):
        _, rows = read_csv(tiny / name)
        assert len(rows) == PROJECTS
    # fewer than 1,000,000 rows in all: the big file holds every row, months in order
    header, big = read_csv(tiny / "progress_1m.csv")
    assert header == PROGRESS_HEADER
    assert big == month_rows(tiny)
    manifest = json.loads((tiny / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["progress_rows"] == manifest["big_rows"] == PROJECTS * MONTHS


def test_big_file_is_first_rows_in_month_order(data: Path):
    _, big = read_csv(data / "progress_1m.csv")
    assert big == month_rows(data)[:120]  # 2 whole months and 20 rows of the third


def test_deterministic(tiny: Path, tmp_path: Path):
    generate(tmp_path, "--projects", str(PROJECTS), "--months", str(MONTHS))
    for name in ("projects.csv", "progress_2016-02.csv", "progress_1m.csv"):
        assert (tmp_path / name).read_bytes() == (tiny / name).read_bytes()
    # a project's data does not depend on how many others are generated
    other = tmp_path / "fewer"
    generate(other, "--projects", "10", "--months", str(MONTHS))
    assert read_csv(other / "projects.csv")[1] == read_csv(tiny / "projects.csv")[1][:10]


def test_project_values(data: Path):
    header, projects = read_csv(data / "projects.csv")
    plan_cols = [i for i, h in enumerate(header) if h.endswith("年计划投资（万元）")]
    assert [header[i][:4] for i in plan_cols] == ["2016", "2017"]
    sectors = {
        "创新攻坚项目": {"传统产业", "新兴产业", "节能环保", "电子信息"},
        "企业技术创新项目": {
            "新能源",
            "装备制造",
            "新材料",
            "化工",
            "生物医药",
            "有色和冶金",
            "轻工纺织",
        },
    }
    regions = {
        "西宁市",
        "海东市",
        "海北州",
        "黄南州",
        "海南州",
        "果洛州",
        "玉树州",
        "海西州",
        "省直",
    }
    for row in projects:
        assert len(row) == len(header)
        rec = dict(zip(header, row, strict=True))
        assert rec["领域"] in sectors[rec["类别"]]
        assert rec["所在地区"] in regions
        assert rec["建设性质"] in {"新建", "续建"}
        assert rec["项目名称"].endswith("项目") and rec["项目单位"]
        total = Decimal(rec["总投资（万元）"])
        plans = [Decimal(row[i]) for i in plan_cols]
        assert total > 0
        assert all(0 <= p <= total for p in plans)
        assert sum(plans) <= total
        for col in ("计划开工时间", "计划投产时间"):
            year, month = rec[col].split("-")
            assert len(year) == 4 and 1 <= int(month) <= 12
        assert rec["计划开工时间"] < rec["计划投产时间"]


def test_progress_values(data: Path):
    rows = month_rows(data)
    assert len(rows) == PROJECTS * 14
    by_project = defaultdict(list)
    for code, month, amount, ytd, status, problem in rows:
        assert len(month) == 7 and month[4] == "-"
        for text in (amount, ytd):
            whole, _, frac = text.partition(".")
            assert whole.isdigit() and len(frac) <= 2 and (frac == "" or frac.isdigit()), text
        assert status in STATUS_ORDER
        assert "," not in problem
        by_project[code].append((month, Decimal(amount), Decimal(ytd), status))
    assert len(by_project) == PROJECTS

    _, projects = read_csv(data / "projects.csv")
    totals = {p[0]: Decimal(p[8]) for p in projects}
    spent_somewhere = False
    for code, entries in by_project.items():
        entries.sort()
        running, year, last_status = Decimal(0), None, -1
        for month, amount, ytd, status in entries:
            if month[:4] != year:
                year, running = month[:4], Decimal(0)
            running += amount
            assert ytd == running, f"{code} {month}: ytd {ytd} != sum of months {running}"
            assert STATUS_ORDER[status] >= last_status, f"{code} {month}: status went backwards"
            last_status = STATUS_ORDER[status]
            if status != "在建":
                assert amount == 0, f"{code} {month}: money spent while {status}"
            spent_somewhere |= amount > 0
        assert sum(e[1] for e in entries) <= totals[code]
    assert spent_somewhere


def test_run_py_parses_its_arguments():
    out = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0
    assert "--size" in out.stdout and "--pg" in out.stdout
