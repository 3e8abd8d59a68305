"""SPEC §8: every fact carries its recorded time. A report printed at T and the same report
printed later with `--known-at T` (or `--issued N`) are equal byte for byte, after a target
change, a list update (a plan and an attribute), a new project, a withdrawal, a correction and
a late report — each of which the report printed now does show."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from test_report import FIXTURE, build, report_json

Q2 = ("quarterly", "--year", "2016", "--quarter", "2")
NEW_TARGET_WAN = 120000
PLAN_CHANGE = ("T02", 12000, 14000)  # code, 2016 plan before and after (万元)
REGION_CHANGE = ("T03", "海西州", "海东市")
NEW_PROJECT = ["", "N01", "稀土储氢合金研发项目", "青海新材料研究院有限公司", "西宁市",
               "企业技术创新项目", "新材料", "", "新建", "8000", "2000", "", "西宁市经济和信息化委员会",
               "2016-09", "2018-06", "建设储氢合金中试线"]
WITHDRAWN = ("E05", "2016-06", "企业申请退出")  # did not report for June
CORRECTION = ("T01", "2016-05", 2000)  # 万元; the file says 2600
LATE = ("T07", "2016-06", 500)


def updated_list(tmp_path):
    """The fixture list as an office sends it again: one plan and one region changed, one new
    project, the 合计 row left off."""
    with open(FIXTURE / "projects.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    head = rows[2]
    code, plan, region = head.index("项目编号"), head.index("2016年计划投资（万元）"), head.index("所在地区")
    out = rows[:3]
    for row in rows[3:]:
        if not row[code]:
            continue  # the 合计 row
        if row[code] == PLAN_CHANGE[0]:
            assert row[plan] == str(PLAN_CHANGE[1])
            row[plan] = str(PLAN_CHANGE[2])
        if row[code] == REGION_CHANGE[0]:
            assert row[region] == REGION_CHANGE[1]
            row[region] = REGION_CHANGE[2]
        out.append(row)
    out.append(NEW_PROJECT)
    path = tmp_path / "项目清单（调整后）.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(out)
    return path


def change_everything(cli, tmp_path) -> None:
    for args in (
        ("targets", "set", "--year", "2016", "--amount", str(NEW_TARGET_WAN), "--source", "调整"),
        ("import", updated_list(tmp_path)),
        ("projects", "withdraw", WITHDRAWN[0], "--month", WITHDRAWN[1], "--reason", WITHDRAWN[2]),
        ("progress", "correct", CORRECTION[0], "--month", CORRECTION[1], "--amount",
         str(CORRECTION[2]), "--reason", "统计口径调整", "--by", "西宁市经信委"),
        ("progress", "add", LATE[0], "--month", LATE[1], "--amount", str(LATE[2]), "--status",
         "在建", "--by", "海南州工信局"),
    ):
        run = cli(*args)
        assert run.code == 0, (args, run.stderr)


def region_row(report: dict, region: str) -> dict:
    return next(r for r in report["by_region"] if r["region"] == region)


def test_a_report_printed_at_t_prints_again_byte_for_byte(cli, ledger, tmp_path):
    build(cli, ledger)
    sent_json = cli("report", *Q2, "--format", "json", "--issue", "--note", "报省政府")
    assert sent_json.code == 0, sent_json.stderr
    assert "issued report #1" in sent_json.stderr
    sent = json.loads(sent_json.stdout)
    stamp = sent["known_at"]
    sent_table = cli("report", *Q2, "--known-at", stamp).stdout
    sent_markdown = cli("report", *Q2, "--format", "markdown").stdout
    monthly_text = cli("report", "monthly", "--month", "2016-06", "--format", "json").stdout
    monthly_stamp = json.loads(monthly_text)["known_at"]

    change_everything(cli, tmp_path)

    now = report_json(cli, *Q2)
    # every change is in the report printed now ...
    assert now["total"]["target"] == NEW_TARGET_WAN != sent["total"]["target"]
    assert now["total"]["plan"] == (sent["total"]["plan"] + PLAN_CHANGE[2] - PLAN_CHANGE[1]
                                    + int(NEW_PROJECT[10]) - 1000)  # E05's plan is 1000 万元
    assert now["total"]["projects"] == sent["total"]["projects"]  # N01 in, E05 out
    assert "N01" in [p["code"] for p in now["unreported"]]
    assert WITHDRAWN[0] in [p["code"] for p in now["withdrawn"]]
    assert WITHDRAWN[0] not in [p["code"] for p in sent["withdrawn"]]
    assert region_row(now, "海东市")["projects"] == region_row(sent, "海东市")["projects"] + 1
    assert now["total"]["actual_ytd"] == sent["total"]["actual_ytd"] - (2600 - 2000) + LATE[2]
    # ... and none of them in the report printed again at T
    again = cli("report", *Q2, "--known-at", stamp, "--format", "json")
    assert again.code == 0, again.stderr
    assert again.stdout == sent_json.stdout
    assert cli("report", *Q2, "--known-at", stamp).stdout == sent_table
    again_monthly = cli("report", "monthly", "--month", "2016-06", "--known-at", monthly_stamp,
                        "--format", "json").stdout
    assert again_monthly == monthly_text
    # the issued report: the JSON as sent, and the other formats as they printed
    assert cli("report", "quarterly", "--issued", "1", "--format", "json").stdout \
        == sent_json.stdout
    assert cli("report", "quarterly", "--issued", "1", "--format", "markdown").stdout \
        == sent_markdown
    assert cli("report", *Q2, "--known-at", "issued:1", "--format", "json").stdout \
        == sent_json.stdout


def test_known_at_between_two_changes_sees_the_first_only(cli, ledger, tmp_path):
    build(cli, ledger)
    run = cli("import", updated_list(tmp_path))
    assert run.code == 0, run.stderr
    middle = report_json(cli, *Q2)
    run = cli("targets", "set", "--year", "2016", "--amount", str(NEW_TARGET_WAN))
    assert run.code == 0, run.stderr
    got = report_json(cli, *Q2, "--known-at", middle["known_at"])
    assert got["total"]["target"] == 95000  # the fixture's target, not the later one
    assert got["total"]["plan"] == middle["total"]["plan"]
    assert "N01" in [p["code"] for p in got["unreported"]]


def test_issued_reports_are_listed_with_their_sha256(cli, ledger):
    import hashlib

    build(cli, ledger)
    first = cli("report", *Q2, "--issue", "--format", "json")
    second = cli("report", "monthly", "--month", "2016-05", "--issue", "--note", "月报",
                 "--format", "json")
    assert first.code == 0 and second.code == 0
    listed = json.loads(cli("report", "issued", "--format", "json").stdout)
    assert [(i["id"], i["kind"], i["period"], i["note"]) for i in listed] == [
        (1, "quarterly", "2016Q2", None), (2, "monthly", "2016-05", "月报")]
    assert listed[0]["sha256"] == hashlib.sha256(first.stdout.encode()).hexdigest()
    assert listed[1]["known_at"] == json.loads(second.stdout)["known_at"]
    rows = list(csv.DictReader(cli("report", "issued", "--format", "csv").stdout.splitlines()))
    assert [r["period"] for r in rows] == ["2016Q2", "2016-05"]
    monthly = json.loads(cli("report", "issued", "--kind", "monthly", "--format", "json").stdout)
    assert [i["id"] for i in monthly] == [2]
    assert cli("report", "issued", "--kind", "weekly").code == 2
    assert json.loads(rows[0]["options"])["quarter"] == 2
    # a monthly report is not reprinted as a quarterly one
    wrong = cli("report", "quarterly", "--issued", "2")
    assert wrong.code == 2 and "report monthly --issued 2" in wrong.stderr
    assert cli("report", "quarterly", "--issued", "9").code == 1
    both = cli("report", "quarterly", "--issued", "1", "--year", "2016")
    assert both.code == 2 and "--year" in both.stderr
    assert cli("report", "monthly", "--issued", "2", "--format", "json").stdout == second.stdout
    # what --issue records is a report computed now, with a note only when issued
    run = cli("report", *Q2, "--issue", "--known-at", listed[0]["known_at"])
    assert run.code == 2 and "--known-at" in run.stderr
    run = cli("report", *Q2, "--note", "报省政府")
    assert run.code == 2 and "--issue" in run.stderr
    assert len(json.loads(cli("report", "issued", "--format", "json").stdout)) == 2


def test_an_issued_report_that_no_longer_recomputes_is_still_printed_as_sent(cli, ledger):
    build(cli, ledger)
    sent = cli("report", *Q2, "--issue", "--format", "json").stdout
    with ledger.write() as conn:  # a hand-made repair of the ledger, behind its back
        conn.exec_driver_sql("UPDATE progress_entry SET amount = amount + 1")
    again = cli("report", "quarterly", "--issued", "1", "--format", "json")
    assert again.code == 0 and again.stdout == sent
    assert "no longer gives the JSON sent" in again.stderr
    table = cli("report", "quarterly", "--issued", "1")
    assert table.code == 1 and "--format json" in table.stderr


RELEASED = Path(__file__).parent / "fixtures" / "released"


def test_a_ledger_from_before_versions_is_upgraded_with_its_past(cli, tmp_path, is_pg):
    """A ledger written by the released innovtrack (schema 2: no past tables; made by
    fixtures/released/make_fixture.py) that already holds a list update and a withdrawal:
    the upgrade keeps every figure of its report, and rebuilds the past from
    project_history, so --known-at before the update shows the list as first imported."""
    if is_pg:
        pytest.skip("the released ledger is a SQLite file (its SQL dump)")
    import sqlite3

    path = tmp_path / "released.db"
    with sqlite3.connect(path) as conn:
        conn.executescript((RELEASED / "ledger-v2.sql").read_text(encoding="utf-8"))
        assert conn.execute("SELECT MAX(version) FROM schema_migration").fetchone()[0] == 2
    meta = json.loads((RELEASED / "ledger-v2.json").read_text(encoding="utf-8"))
    released = json.loads((RELEASED / "ledger-v2-q2.json").read_text(encoding="utf-8"))

    now = report_json(cli, *Q2, "--db", path)  # upgrades the ledger in place

    def figures(rows):  # the released version's keys, as it printed them
        rows = rows if isinstance(rows, list) else [rows]
        return [{k: r.get(k) for k in keys} for r in rows]

    for key in ("total", "by_category", "by_sector", "by_region"):
        sample = released[key][0] if isinstance(released[key], list) else released[key]
        keys = list(sample)
        assert figures(now[key]) == figures(released[key]), key
    assert [x["code"] for x in now["lagging"]] == [x["code"] for x in released["lagging"]]

    got = report_json(cli, *Q2, "--db", path, "--known-at", meta["before_update"] + "+00:00")
    reference = tmp_path / "reference.db"  # the list as first imported, nothing else
    assert cli("import", FIXTURE / "projects.csv", "--db", reference).code == 0
    want = report_json(cli, *Q2, "--db", reference)
    for key in ("total", "by_category", "by_sector", "by_region", "withdrawn", "lagging"):
        assert got[key] == want[key], key
    assert now["total"]["plan"] != got["total"]["plan"]


def test_a_replacement_after_t_is_invisible_at_t(cli, ledger, tmp_path):
    build(cli, ledger)
    assert cli("import", updated_list(tmp_path)).code == 0
    sent = cli("report", *Q2, "--format", "json").stdout
    run = cli("projects", "withdraw", WITHDRAWN[0], "--month", "2016-06", "--reason", "项目调整",
              "--replaced-by", NEW_PROJECT[1])
    assert run.code == 0, run.stderr
    now = report_json(cli, *Q2)
    assert WITHDRAWN[0] in [p["code"] for p in now["withdrawn"]]
    stamp = json.loads(sent)["known_at"]
    assert cli("report", *Q2, "--known-at", stamp, "--format", "json").stdout == sent


def test_an_issued_workbook_is_reprinted_with_the_same_cells(cli, ledger, tmp_path):
    import openpyxl

    build(cli, ledger)
    sent = tmp_path / "sent.xlsx"
    run = cli("report", *Q2, "--issue", "--format", "xlsx", "--output", sent)
    assert run.code == 0, run.stderr
    change_everything(cli, tmp_path)
    again = tmp_path / "again.xlsx"
    run = cli("report", "quarterly", "--issued", "1", "--format", "xlsx", "--output", again)
    assert run.code == 0, run.stderr
    now = tmp_path / "now.xlsx"
    assert cli("report", *Q2, "--format", "xlsx", "--output", now).code == 0

    def cells(path):
        book = openpyxl.load_workbook(path)
        return {ws.title: [[c.value for c in row] for row in ws.iter_rows()]
                for ws in book.worksheets}

    assert cells(again) == cells(sent)
    assert cells(now) != cells(sent)
