"""形象进度 written as sentences: read by keywords when they point one way, else rejected."""

from __future__ import annotations

import pytest

from conftest import ROOT
from innovtrack.ingest.status import status_from_text


@pytest.mark.parametrize("text, status", [
    ("主体工程完工，设备安装调试中", "building"),
    ("已开工建设，预计年底投产", "building"),
    ("前期手续办理中，计划6月开工", "preparing"),
    ("项目尚未开工", "preparing"),
    ("受资金影响停工", "suspended"),
    ("一期已建成投产", "producing"),
    ("前期工作已完成，主体施工中", "building"),
    ("市场不好", None),
    ("已停工，设备安装完成", None),  # two ways at once: a person decides
])
def test_status_from_text(text, status):
    assert status_from_text(text) == status


def _write(path, rows):
    head = "项目编号,月份,本月完成投资（万元）,形象进度\n"
    path.write_text(head + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8")


def test_import_reads_sentences_and_rejects_unclear_ones(cli, snapshot, tmp_path):
    assert cli("import", ROOT / "data" / "seed_projects.csv").code == 0
    bad = tmp_path / "unclear.csv"
    _write(bad, [("CX-002", "2016-01", "100", "主体施工中"), ("CX-003", "2016-01", "50", "市场不好")])
    before = snapshot()
    run = cli("progress", "import", bad)
    assert run.code == 1
    assert f"{bad}:3: 形象进度:" in run.stderr
    assert snapshot() == before

    good = tmp_path / "words.csv"
    _write(good, [("CX-002", "2016-01", "100", "主体施工中"),
                  ("CX-003", "2016-01", "50", "前期手续办理中，计划6月开工")])
    run = cli("progress", "import", good)
    assert run.code == 0, run.stderr
    assert "2 形象进度 sentence(s) read by their keywords" in run.stderr
    listed = cli("progress", "list", "--month", "2016-01", "--format", "json")
    import json

    statuses = {e["code"]: e["status"] for e in json.loads(listed.stdout)}
    assert statuses == {"CX-002": "building", "CX-003": "preparing"}
