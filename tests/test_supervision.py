"""Supervision at its edges (SPEC §9): procedure cells as offices write them, problems raised
and matched, the migration that brings existing problems into the ledger, and bad input that
must be refused with nothing written."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from conftest import FIXTURES
from innovtrack import db
from innovtrack.ingest.values import CellError
from innovtrack.supervision import Statement, problem_key, read_procedure

PROJECTS = FIXTURES / "supervision" / "projects.csv"
HEAD = ("项目编号,本月完成投资（万元）,自年初累计完成投资（万元）,形象进度,环评,用地,存在问题,"
        "需协调解决单位,解决时限")


@pytest.mark.parametrize("cell, month, want", [
    ("已办结", "2016-04", Statement("done", "2016-04", False)),
    ("√", "2016-04", Statement("done", "2016-04", False)),
    ("已取得", "2016-04", Statement("done", "2016-04", False)),
    ("已批复", "2016-04", Statement("done", "2016-04", False)),
    ("2016-03", "2016-04", Statement("done", "2016-03")),
    ("2016年2月", "2016-04", Statement("done", "2016-02")),
    ("2016.3.15", "2016-04", Statement("done", "2016-03")),
    ("已批复（2016.3）", "2016-04", Statement("done", "2016-03")),
    (dt.datetime(2016, 1, 20), "2016-04", Statement("done", "2016-01")),
    ("办理中", "2016-04", Statement("in_progress", None, False)),
    ("正在办理", "2016-04", Statement("in_progress", None, False)),
    ("未办", "2016-04", Statement("pending", None, False)),
    ("未启动", "2016-04", Statement("pending", None, False)),
    ("已办结，批复文号青环发〔2016〕12号", "2016-04", Statement("done", "2016-04", False)),
    ("已取得批复（2016年3月）", "2016-04", Statement("done", "2016-03")),
    ("正在办理中", "2016-04", Statement("in_progress", None, False)),
    ("审批中", "2016-04", Statement("in_progress", None, False)),
    ("未办结", "2016-04", Statement("pending", None, False)),
    ("尚未办理", "2016-04", Statement("pending", None, False)),
    ("", "2016-04", None),
    (None, "2016-04", None),
])
def test_procedure_cells_as_offices_write_them(cell, month, want):
    assert read_procedure(cell, month) == want


@pytest.mark.parametrize("cell", ["差不多", "快了", "2016-05"])
def test_a_procedure_cell_that_is_no_state_is_an_error(cell):
    with pytest.raises(CellError):
        read_procedure(cell, "2016-04")  # 2016-05: done after the report's month


def test_problem_texts_that_are_the_same_problem():
    assert problem_key(" 用地指标不足， 需国土部门协调。") == problem_key("用地指标不足，需国土部门协调")
    assert problem_key("ＡＢＣ") == problem_key("abc")
    for nothing in ("", None, "无", "暂无", "无。", "-", "/"):
        assert problem_key(nothing) == ""


def _write(tmp_path, name, rows, month="2016年3月"):
    path = tmp_path / name
    path.write_text(f"青海省百项创新攻坚工程{month}项目进展情况表\n{HEAD}\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("row, message", [
    ("SV-01,10,10,前期,差不多,,,,", "环评: unknown procedure state '差不多'"),
    ("SV-01,10,10,前期,2016-05,,,,", "环评: done in 2016-05, after the report's month 2016-03"),
    ("SV-01,10,10,前期,,,缺电,省电力公司,2016-02",
     "解决时限: due 2016-02 is before the month 2016-03 the problem is raised in"),
])
def test_bad_supervision_cells_reject_the_file(cli, snapshot, tmp_path, row, message):
    assert cli("import", PROJECTS).code == 0
    good = "SV-02,5,5,前期,办理中,,缺水,,"
    path = _write(tmp_path, "bad.csv", [good, row])
    before = snapshot()
    run = cli("progress", "import", path)
    assert run.code == 1
    assert f"{path}:4: {message}" in run.stderr, run.stderr
    assert "nothing was written" in run.stderr
    assert snapshot() == before


def test_a_due_cell_naming_no_month_keeps_the_default_and_says_so(cli, tmp_path):
    """解决时限 read once, by the intake (SPEC §6): 下个月 names no month, so the problem takes
    the ledger's default (the month after) and the notice counts the cell."""
    assert cli("import", PROJECTS).code == 0
    run = cli("progress", "import", _write(tmp_path, "due.csv", ["SV-01,10,10,前期,,,缺电,,下个月"]))
    assert run.code == 0, run.stderr
    assert "解决时限" in run.stderr and "下个月" in run.stderr
    got = json.loads(cli("problems", "list", "--format", "json").stdout)
    assert [(q["code"], q["due_month"]) for q in got] == [("SV-01", "2016-04")]


def test_bad_commands_are_refused_and_write_nothing(cli, snapshot):
    assert cli("import", PROJECTS).code == 0
    assert cli("problems", "add", "SV-01", "--text", "缺电", "--month", "2016-03").code == 0
    assert cli("problems", "resolve", "1", "--month", "2016-04", "--note", "已通电").code == 0
    before = snapshot()
    for args, message in [
        (("procedures", "set", "SV-01", "--eia", "差不多", "--month", "2016-04"),
         "--eia: unknown procedure state '差不多'"),
        (("procedures", "set", "SV-01", "--month", "2016-04"), "name at least one procedure"),
        (("procedures", "set", "NOPE", "--eia", "done", "--month", "2016-04"), "no project"),
        (("problems", "resolve", "99", "--month", "2016-04", "--note", "x"), "no problem #99"),
        (("problems", "resolve", "1", "--month", "2016-05", "--note", "x"),
         "problem #1 was already resolved in 2016-04 (已通电)"),
        (("problems", "add", "SV-01", "--text", "缺水", "--month", "2016-04", "--due",
          "2016-03"), "--due: due 2016-03 is before the month 2016-04"),
        (("problems", "add", "SV-01", "--text", "无", "--month", "2016-04"), "--text"),
        (("problems", "add", "SV-01", "--text", "缺电。", "--month", "2016-04"),
         "SV-01 already has this problem, open in 2016-04"),
        (("procedures", "set", "SV-01", "--eia", "done", "--month", "2099-04"),
         "--month: 2099-04 is in the future"),
        (("problems", "resolve", "1", "--month", "2099-04", "--note", "x"), "in the future"),
    ]:
        run = cli(*args)
        assert run.code == 1, (args, run.stdout, run.stderr)
        assert message in run.stderr, (args, run.stderr)
        assert "Traceback" not in run.stderr
    assert snapshot() == before


def test_resolving_before_it_was_raised_is_refused(cli, snapshot):
    assert cli("import", PROJECTS).code == 0
    assert cli("problems", "add", "SV-01", "--text", "缺电", "--month", "2016-03").code == 0
    before = snapshot()
    run = cli("problems", "resolve", "1", "--month", "2016-02", "--note", "x")
    assert run.code == 1 and "before the problem was raised (2016-03)" in run.stderr
    assert snapshot() == before


def test_progress_add_raises_a_problem_and_the_same_text_later_is_the_same(cli):
    assert cli("import", PROJECTS).code == 0
    assert cli("progress", "add", "SV-06", "--month", "2016-01", "--amount", "10",
               "--problem", "缺电").code == 0
    assert cli("progress", "add", "SV-06", "--month", "2016-02", "--amount", "10",
               "--problem", "缺电。").code == 0
    got = json.loads(cli("problems", "list", "--format", "json").stdout)
    assert [(p["code"], p["raised_month"], p["unit"], p["due_month"]) for p in got] == \
        [("SV-06", "2016-01", "西宁市经济和信息化委员会", "2016-02")]
    assert got[0]["overdue"] is False  # at 2016-02, its due month: not yet
    got = json.loads(cli("problems", "list", "--as-of", "2016-03", "--overdue",
                         "--format", "json").stdout)
    assert [p["age_months"] for p in got] == [2]


def test_a_late_file_of_an_earlier_month_names_the_same_problem(cli, tmp_path):
    assert cli("import", PROJECTS).code == 0
    assert cli("progress", "add", "SV-06", "--month", "2016-03", "--amount", "10",
               "--problem", "缺电").code == 0
    assert cli("problems", "resolve", "1", "--month", "2016-05", "--note", "已通电").code == 0
    # April's file comes in after the 销号 of May: still the same problem, not a new one
    path = _write(tmp_path, "apr.csv", ["SV-06,10,20,在建,,,缺电,,"], month="2016年4月")
    assert cli("progress", "import", path).code == 0
    got = json.loads(cli("problems", "list", "--format", "json").stdout)
    assert len(got) == 1


def test_a_resolution_recorded_later_is_not_in_a_report_known_at_before(cli, tmp_path):
    assert cli("import", PROJECTS).code == 0
    assert cli("progress", "add", "SV-06", "--month", "2016-01", "--amount", "10",
               "--problem", "缺电").code == 0
    from innovtrack.db import now_text

    stamp = now_text() + "+00:00"  # the ledger stamps UTC; typed times are Beijing time
    assert cli("problems", "resolve", "1", "--month", "2016-01", "--note", "已通电").code == 0
    now = json.loads(cli("report", "monthly", "--month", "2016-01", "--format", "json").stdout)
    then = json.loads(cli("report", "monthly", "--month", "2016-01", "--known-at",
                          stamp.replace(" ", "T"), "--format", "json").stdout)
    assert now["problems"] == []
    assert [i["code"] for g in then["problems"] for i in g["items"]] == ["SV-06"]


def test_the_migration_brings_the_problems_of_existing_entries_into_the_ledger(
        db_location, monkeypatch):
    # A ledger of the previous release: entries with problems, no problem table.
    with monkeypatch.context() as m:
        m.setattr(db, "MIGRATIONS", db.MIGRATIONS[:2])
        m.setattr(db, "SCHEMA_VERSION", 2)
        old = db.Ledger(db_location)
        old.migrate()
        with old.write() as conn:
            conn.exec_driver_sql(
                "INSERT INTO project (code, name, enterprise, region, category, sector, stage,"
                " total_investment, responsible_unit, fingerprint, created_at, updated_at)"
                " VALUES ('OLD-1', '旧项目', '旧单位', '西宁市', 'tackling', 'green', 'new',"
                " 100000000, '甲局、乙委', 'x', 't', 't')")
            for i, (month, problem) in enumerate([("2016-01", "缺电"), ("2016-02", "缺电。"),
                                                  ("2016-03", "无"), ("2016-04", "缺水")]):
                conn.exec_driver_sql(
                    "INSERT INTO progress_entry (project_id, month, amount, problem, recorded_at)"
                    f" VALUES (1, '{month}', 0, '{problem}', '2016-0{i + 1}-10 00:00:00.000000')")
        old.close()
    ledger = db.open_ledger(db_location)
    with ledger.read() as conn:
        rows = conn.exec_driver_sql("SELECT text, raised_month, unit, due_month, recorded_at"
                                    " FROM problem ORDER BY id").all()
    assert [tuple(r) for r in rows] == [
        ("缺电", "2016-01", "甲局、乙委", "2016-02", "2016-01-10 00:00:00.000000"),
        ("缺水", "2016-04", "甲局、乙委", "2016-05", "2016-04-10 00:00:00.000000")]


def test_readme_shows_the_supervision_list_as_it_prints(cli):
    from test_report_demo import _block, _lines, first_command

    first_command(cli)
    run = cli("report", "supervision", "--as-of", "2016-06", "--region", "海北州")
    assert run.code == 0, run.stderr
    assert _lines(run.stdout) == _lines(_block("supervision")), (
        "README is out of date: paste the output of `innovtrack report supervision --as-of "
        "2016-06 --region 海北州` on the demo ledger")


def test_problems_list_in_table_csv_and_markdown(cli):
    assert cli("import", PROJECTS).code == 0
    assert cli("problems", "add", "SV-01", "--text", "[red]缺电|停工", "--month", "2016-03").code == 0
    run = cli("problems", "list", "--format", "csv")
    assert run.code == 0
    head, row = run.stdout.splitlines()
    assert head.split(",")[:8] == ["id", "code", "name", "region", "text", "raised_month", "unit",
                                   "due_month"]
    assert "[red]缺电|停工" in row
    run = cli("problems", "list")
    assert run.code == 0 and "问题台账" in run.stdout
    run = cli("problems", "list", "--format", "markdown")
    assert "\\[red\\]缺电\\|停工" in run.stdout  # Markdown syntax escaped (render/safe.py)
    run = cli("report", "monthly", "--month", "2016-03")
    assert "[red]缺电|停工" in run.stdout  # literally, not as rich markup


def test_procedure_columns_under_other_names(cli, tmp_path):
    assert cli("import", PROJECTS).code == 0
    path = tmp_path / "2016年3月.csv"
    path.write_text("青海省百项创新攻坚工程2016年3月项目进展情况表\n"
                    "项目编号,本月完成投资（万元）,自年初累计完成投资（万元）,立项（备案）,土地预审情况,"
                    "环评审批,施工许可证办理情况,存在问题,责任单位或责任人,解决期限\n"
                    "SV-01,10,10,已备案,审批中,2016年2月,未办理,缺电,省电力公司,2016年5月\n",
                    encoding="gbk")
    run = cli("progress", "import", path)
    assert run.code == 0, run.stderr
    got = json.loads(cli("projects", "show", "SV-01", "--format", "json").stdout)
    assert {k: (v["state"], v["done_month"]) for k, v in got["procedures"].items()
            if v["state"] != "pending"} == {"approval": ("done", "2016-03"),
                                            "land": ("in_progress", None),
                                            "eia": ("done", "2016-02")}
    assert [(p["unit"], p["due_month"]) for p in got["problems"]] == [("省电力公司", "2016-05")]


def test_a_dry_run_writes_no_procedure_and_no_problem(cli, snapshot, tmp_path):
    assert cli("import", PROJECTS).code == 0
    path = _write(tmp_path, "mar.csv", ["SV-01,10,10,前期,已办结,办理中,缺电,,"])
    before = snapshot()
    run = cli("progress", "import", path, "--dry-run")
    assert run.code == 0, run.stderr
    assert snapshot() == before
    assert cli("progress", "import", path).code == 0
    after = snapshot()
    assert len(after["problem"]) == 1 and len(after["procedure_change"]) == 2


def test_procedures_as_known_at_a_moment(cli):
    assert cli("import", PROJECTS).code == 0
    assert cli("progress", "add", "SV-02", "--month", "2016-03", "--amount", "0",
               "--status", "前期").code == 0
    assert cli("procedures", "set", "SV-02", "--eia", "done", "--month", "2016-02").code == 0
    from innovtrack.db import now_text

    stamp = now_text().replace(" ", "T") + "+00:00"  # UTC, as the ledger stamps
    assert cli("procedures", "set", "SV-02", "--land", "已办结", "--month", "2016-03").code == 0

    def outstanding(*extra):
        got = json.loads(cli("report", "monthly", "--month", "2016-03", *extra,
                             "--format", "json").stdout)
        (line,) = [x for x in got["procedures"]["projects"] if x["code"] == "SV-02"]
        return line["outstanding"]

    assert outstanding() == ["approval", "planning", "design", "tender", "permit"]
    assert outstanding("--known-at", stamp) == ["approval", "land", "planning", "design",
                                                "tender", "permit"]


def test_a_file_with_only_a_problem_column_and_a_corrections_file_raise_problems(cli, tmp_path):
    assert cli("import", PROJECTS).code == 0
    path = tmp_path / "2016年3月.csv"
    path.write_text("项目编号,月份,本月完成投资（万元）,自年初累计完成投资（万元）,形象进度,存在问题\n"
                    "SV-06,2016-03,10,10,在建,缺电\nSV-07,2016-03,10,10,在建,无\n"
                    "SV-08,2016-03,10,10,在建,\n", encoding="utf-8")
    assert cli("progress", "import", path).code == 0
    fix = tmp_path / "更正.csv"
    fix.write_text("项目编号,月份,本月完成投资（万元）,存在问题,更正原因\n"
                   "SV-08,2016-03,12,缺水,企业复核\n", encoding="utf-8")
    run = cli("progress", "import", fix, "--corrections")
    assert run.code == 0, run.stderr
    got = json.loads(cli("problems", "list", "--format", "json").stdout)
    assert sorted((p["code"], p["text"], p["raised_month"]) for p in got) == [
        ("SV-06", "缺电", "2016-03"), ("SV-08", "缺水", "2016-03")]
