"""Plausibility flags (数据质量, SPEC §7.9): listed by `check --quality` and in the monthly and
quarterly reports' data_quality section; never a reason to reject an entry."""

from __future__ import annotations

import csv
import json

import pytest

from conftest import ROOT
from innovtrack.ledger import import_projects
from innovtrack.progress import record_entry

# Plans and totals (万元) of data/seed_projects.csv the entries below are measured against:
# CX-023 plan 55,600; CX-037 plan 51,290; CX-040 plan 45,700; CX-044 plan 6,900, total 27,500.
ENTRIES = [
    ("CX-023", "2016-01", "6000", "前期"),  # 6,000 > 10 % of 55,600 while 前期
    ("CX-037", "2016-01", "40000", None),
    ("CX-037", "2016-02", "40000", None),  # 80,000 > 150 % of 51,290 = 76,935
    ("CX-044", "2016-01", "30000", None),  # > total 27,500, > 150 % of 6,900, > plan 6,900
    ("CX-042", "2016-01", "100", None), ("CX-042", "2016-02", "100", None),
    ("CX-042", "2016-03", "100", None),  # three months alike
    ("CX-040", "2016-01", "50000", None),  # one month above the whole plan 45,700
    ("CX-001", "2016-01", "100", "在建"), ("CX-001", "2016-02", "200", None),  # nothing odd
]
EXPECTED = {
    ("CX-023", "2016-01", "spend_while_preparing"),
    ("CX-037", "2016-02", "over_plan"),
    ("CX-044", "2016-01", "over_total"), ("CX-044", "2016-01", "over_plan"),
    ("CX-044", "2016-01", "spike"),
    ("CX-042", "2016-03", "repeated_amount"),
    ("CX-040", "2016-01", "spike"),
}


@pytest.fixture
def flagged(ledger):
    import_projects(ledger, ROOT / "data" / "seed_projects.csv")
    for code, month, amount, status in ENTRIES:
        record_entry(ledger, code, month, amount=amount, status=status)
    return ledger


def test_check_quality_lists_each_rule_and_exits_0(flagged, cli):
    run = cli("check", "--quality", "--format", "json")
    assert run.code == 0, run.stderr
    flags = json.loads(run.stdout)
    assert {(f["code"], f["month"], f["rule"]) for f in flags} == EXPECTED
    assert all(set(f) == {"code", "month", "rule", "detail"} and f["detail"] for f in flags)
    assert "30,000.00 万元" in next(f["detail"] for f in flags if f["rule"] == "over_total")


@pytest.mark.parametrize("args", [("monthly", "--month", "2016-03"),
                                  ("quarterly", "--year", "2016", "--quarter", "1")])
def test_reports_carry_a_data_quality_section(flagged, cli, args):
    run = cli("report", *args, "--format", "json")
    assert run.code == 0, run.stderr
    data = json.loads(run.stdout)
    assert {(f["code"], f["month"], f["rule"]) for f in data["data_quality"]} == EXPECTED


def test_a_report_lists_only_its_months_and_its_projects(flagged, cli):
    run = cli("report", "monthly", "--month", "2016-01", "--region", "西宁市", "--format", "json")
    data = json.loads(run.stdout)
    with open(ROOT / "data" / "seed_projects.csv", encoding="utf-8-sig", newline="") as fh:
        region = {r["项目编号"]: r["所在地区"] for r in csv.DictReader(fh)}
    assert {region[code] for code, _m, _r in EXPECTED} == {"海东市"}  # none is 西宁市's
    assert data["data_quality"] == []
    run = cli("report", "monthly", "--month", "2016-01", "--format", "json")
    got = {(f["code"], f["month"], f["rule"]) for f in json.loads(run.stdout)["data_quality"]}
    assert got == {e for e in EXPECTED if e[1] == "2016-01"}


def test_the_report_tables_show_the_flags(flagged, cli):
    run = cli("report", "monthly", "--month", "2016-03", "--format", "markdown")
    assert run.code == 0, run.stderr
    assert f"## 数据质量（{len(EXPECTED)}条）" in run.stdout
    assert "| CX-042 | 2016-03 | 连续三月金额相同 |" in run.stdout
    shown = cli("report", "quarterly", "--year", "2016", "--quarter", "1").stdout
    assert "数据质量" in shown and "超总投资" in shown
