"""`innovtrack targets list | set`: the published 2016 targets, new years, replacement, units."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SEED = Path(__file__).resolve().parents[1] / "data" / "seed_projects.csv"
FIXTURE = Path(__file__).parent / "fixtures" / "report" / "projects.csv"
YI = 100_000_000

# SPEC §1, as published (亿元), independent of programme.py
PUBLISHED_2016 = {("合计"): 327, "创新攻坚项目": 288, "创新攻坚项目·传统产业": 169,
                  "创新攻坚项目·新兴产业": 98.5, "创新攻坚项目·节能环保": 6.5,
                  "创新攻坚项目·电子信息": 14, "企业技术创新项目": 39}


def listing(cli, *args) -> list[dict]:
    run = cli("targets", "list", *args, "--format", "json")
    assert run.code == 0, run.stderr
    return json.loads(run.stdout)


def test_a_new_ledger_holds_the_published_2016_targets(cli, ledger):
    rows = listing(cli, "--year", "2016")
    # JSON amounts are 万元 numbers (SPEC §2)
    assert {r["scope"]: r["target"] for r in rows} == {k: v * 10_000
                                                      for k, v in PUBLISHED_2016.items()}
    assert [r["scope"] for r in rows][:2] == ["合计", "创新攻坚项目"]
    assert {r["year"] for r in rows} == {2016}


def test_plans_beside_targets_from_the_seed_list(cli):
    assert cli("import", SEED).code == 0
    rows = listing(cli, "--year", "2016")
    # the seed list is built to meet every published figure: no difference anywhere
    assert all(r["plan"] == r["target"] and r["difference"] == 0 for r in rows), rows


def test_set_replaces_the_target_in_force_and_keeps_history(cli, ledger):
    run = cli("targets", "set", "--year", "2017", "--amount", "350亿", "--source", "2017年实施方案",
              "--projects", "210")
    assert run.code == 0, run.stderr
    assert "350.00 亿元" in run.stderr
    run = cli("targets", "set", "--year", "2017", "--amount", "3600000")  # 万元 by default
    assert run.code == 0, run.stderr
    rows = listing(cli, "--year", "2017")
    assert [(r["scope"], r["target"]) for r in rows] == [("合计", 3_600_000)]
    with ledger.read() as conn:
        history = conn.exec_driver_sql(
            "SELECT amount FROM target WHERE year = 2017 ORDER BY id").scalars().all()
    assert history == [350 * YI, 360 * YI]
    # 2016 untouched
    assert len(listing(cli, "--year", "2016")) == 7


@pytest.mark.parametrize("args, scope", [
    (["--category", "攻坚"], "创新攻坚项目"),
    (["--category", "enterprise"], "企业技术创新项目"),
    (["--sector", "传统产业"], "创新攻坚项目·传统产业"),  # the sector names its category
    (["--category", "tackling", "--sector", "节能环保"], "创新攻坚项目·节能环保"),
])
def test_set_scopes(cli, args, scope):
    run = cli("targets", "set", "--year", "2018", "--amount", "12.5", "--unit", "亿元", *args)
    assert run.code == 0, run.stderr
    rows = listing(cli, "--year", "2018")
    assert [(r["scope"], r["target"]) for r in rows] == [(scope, 125_000)]


@pytest.mark.parametrize("args, message", [
    (["--amount", "约一千"], "not a number"),
    (["--amount", "-5"], "negative"),
    (["--amount", "5", "--category", "农业"], "unknown category"),
    (["--amount", "5", "--category", "enterprise", "--sector", "传统产业"], "unknown sector"),
])
def test_set_rejects_bad_input_and_writes_nothing(cli, snapshot, args, message):
    before = snapshot()
    run = cli("targets", "set", "--year", "2017", *args)
    assert run.code != 0
    assert message in run.stderr
    assert snapshot() == before


def test_a_year_without_targets_lists_the_plan_sums_and_says_so(cli):
    assert cli("import", FIXTURE).code == 0
    run = cli("targets", "list", "--year", "2017", "--format", "json")
    assert run.code == 0, run.stderr
    assert "2017年未发布投资目标" in run.stderr
    rows = json.loads(run.stdout)
    # fixture plans for 2017 (万元): T01 10000, T02 15000, T03 6000 (tackling, traditional),
    # E04 1500 (enterprise, biomedicine)
    got = {r["scope"]: (r["plan"], r["projects"], r["target"]) for r in rows}
    assert got == {"合计": (32_500, 4, None), "创新攻坚项目": (31_000, 3, None),
                   "创新攻坚项目·传统产业": (31_000, 3, None), "企业技术创新项目": (1_500, 1, None),
                   "企业技术创新项目·生物医药": (1_500, 1, None)}


def test_table_output(cli, ledger):
    run = cli("targets", "list")
    assert run.code == 0, run.stderr
    assert "327.00" in run.stdout and "98.50" in run.stdout
