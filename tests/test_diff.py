"""`report diff` (SPEC §8): the issued Q2 report against now after a target change, a list
update, a new project, a withdrawal, a correction and a late report; every section of the
diff is checked against the changes the test made, not against the code's own output."""

from __future__ import annotations

import json

from test_report import build
from test_reproducible import (
    CORRECTION,
    LATE,
    NEW_PROJECT,
    NEW_TARGET_WAN,
    PLAN_CHANGE,
    Q2,
    REGION_CHANGE,
    WITHDRAWN,
    change_everything,
)


def diff_json(cli, *args) -> dict:
    run = cli("report", "diff", *args, "--format", "json")
    assert run.code == 0, run.stderr
    return json.loads(run.stdout)


def issued_ledger(cli, ledger, tmp_path) -> dict:
    build(cli, ledger)
    run = cli("report", *Q2, "--issue", "--format", "json")
    assert run.code == 0, run.stderr
    change_everything(cli, tmp_path)
    return json.loads(run.stdout)


def changes_of(d: dict, level: str, label: str) -> dict:
    row = next(r for r in d["rows"] if r["level"] == level and r["label"] == label)
    return {c["figure"]: c for c in row["changes"]}


def test_diff_of_the_issued_report_against_now(cli, ledger, tmp_path):
    sent = issued_ledger(cli, ledger, tmp_path)
    d = diff_json(cli)  # default: the latest issued report against now
    assert (d["kind"], d["period"], d["from"]["issued"], d["to"]["moment"]) == (
        "quarterly", "2016Q2", 1, "now")
    assert d["from"]["known_at"] == sent["known_at"]

    total = changes_of(d, "total", "合计")
    assert total["target"] == {"figure": "target", "old": 95000, "new": NEW_TARGET_WAN,
                               "change": NEW_TARGET_WAN - 95000}
    ytd = total["actual_ytd"]
    assert ytd["change"] == -(2600 - CORRECTION[2]) + LATE[2]
    assert ytd["old"] == sent["total"]["actual_ytd"]
    # 海北州's one project (T06) was not touched: its row is not in the diff
    assert "海北州" not in [r["label"] for r in d["rows"]]
    assert "海南州" in [r["label"] for r in d["rows"]]  # T07's late report

    correction, late = d["entries"]
    assert (correction["kind"], correction["code"], correction["month"], correction["old_amount"],
            correction["amount"], correction["reason"], correction["reported_by"]) == (
        "correction", CORRECTION[0], CORRECTION[1], 2600, CORRECTION[2], "统计口径调整",
        "西宁市经信委")
    assert (late["kind"], late["code"], late["month"], late["amount"], late["old_amount"]) == (
        "late", LATE[0], LATE[1], LATE[2], None)

    assert [p["code"] for p in d["projects_added"]] == [NEW_PROJECT[1]]
    changed = {(c["code"], c["field"]): (c["old"], c["new"]) for c in d["projects_changed"]}
    assert changed == {(PLAN_CHANGE[0], "plan_2016"): (PLAN_CHANGE[1], PLAN_CHANGE[2]),
                       (REGION_CHANGE[0], "region"): REGION_CHANGE[1:]}
    assert [(w["code"], w["month"], w["reason"]) for w in d["projects_withdrawn"]] == [WITHDRAWN]
    assert [(t["year"], t["category"], t["amount"]) for t in d["targets_set"]] == [
        (2016, None, NEW_TARGET_WAN)]
    entered = {x["code"]: x["reasons"] for x in d["lagging_entered"]}
    assert "unreported" in entered[NEW_PROJECT[1]]
    assert WITHDRAWN[0] in [x["code"] for x in d["lagging_left"]]


def test_diff_between_two_moments_and_in_every_format(cli, ledger, tmp_path):
    sent = issued_ledger(cli, ledger, tmp_path)
    # from the issued report's own stamp to issued:1 itself: nothing moved
    same = diff_json(cli, "--year", "2016", "--quarter", "2", "--from", sent["known_at"],
                     "--to", "issued:1")
    assert same["rows"] == [] and same["entries"] == [] and same["projects_added"] == []
    table = cli("report", "diff", "--year", "2016", "--quarter", "2", "--from", "issued:1")
    assert table.code == 0, table.stderr
    assert "期间录入的报送和更正" in table.stdout
    assert CORRECTION[0] in table.stdout and NEW_PROJECT[1] in table.stdout
    markdown = cli("report", "diff", "--format", "markdown")
    assert markdown.code == 0
    assert "## 期间录入的报送和更正" in markdown.stdout and "| 更正 | T01 |" in markdown.stdout
    assert "## 新增项目" in markdown.stdout and "## 退出项目" in markdown.stdout
    assert cli("report", "diff", "--format", "csv").code == 2


def test_diff_without_an_issued_report_asks_for_from(cli, ledger):
    build(cli, ledger)
    run = cli("report", "diff", "--year", "2016", "--quarter", "2")
    assert run.code == 2 and "--from" in run.stderr
    run = cli("report", "diff", "--year", "2016", "--quarter", "2", "--from", "2000-01-01")
    assert run.code == 0, run.stderr


def test_diff_picks_the_latest_issued_report_of_any_kind(cli, ledger):
    build(cli, ledger)
    run = cli("report", "monthly", "--month", "2016-05", "--issue", "--format", "json")
    assert run.code == 0, run.stderr
    run = cli("progress", "correct", "T01", "--month", "2016-05", "--amount", "2000",
              "--reason", "统计口径调整")
    assert run.code == 0
    d = diff_json(cli)
    assert (d["kind"], d["period"], d["from"]["issued"]) == ("monthly", "2016-05", 1)
    assert [(e["code"], e["old_amount"], e["amount"]) for e in d["entries"]] == [
        ("T01", 2600, 2000)]
    # two moments without a period: the period is the one the first resolves to
    d = diff_json(cli, "--from", "2000-01-01")
    assert (d["kind"], d["from"]["issued"], d["to"]["moment"]) == ("quarterly", None, "now")
    assert d["rows"] and d["projects_added"]
