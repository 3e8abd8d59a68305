"""`innovtrack progress add | correct | list`, `projects show` and `projects withdraw`
(issue 3), driven through the real CLI: exit codes, stdout and stderr apart."""

from __future__ import annotations

import getpass
import json

import pytest

from innovtrack.ledger import import_projects
from progress_expect import GOOD, ledger_entries
from test_progress_import import SEED


@pytest.fixture
def seeded(ledger):
    import_projects(ledger, SEED)
    return ledger


def add(cli, code, month, *args):
    return cli("progress", "add", code, "--month", month, *args)


def entries_sql(ledger, code: str) -> list[tuple]:
    with ledger.read() as conn:
        return [(*r[:7], bool(r[7])) for r in conn.exec_driver_sql(
            "SELECT e.month, e.amount, e.ytd, e.status, e.reported_by, e.source, e.reason,"
            " e.superseded_by IS NULL FROM progress_entry e JOIN project p"
            f" ON p.id = e.project_id WHERE p.code = '{code}' ORDER BY e.id")]



# --- add ---------------------------------------------------------------------------------------


def test_add_records_one_month_in_yuan(seeded, cli):
    run = add(cli, "CX-001", "2016-03", "--amount", "1,234.56", "--status", "已开工",
              "--problem", "用地手续尚未办结")
    assert run.code == 0, run.stderr
    assert run.stdout == ""
    assert "recorded CX-001 2016-03" in run.stderr
    assert entries_sql(seeded, "CX-001") == [
        ("2016-03", 12_345_600, None, "building", getpass.getuser(), "cli", None, True)]


@pytest.mark.parametrize("month", ["2016-03", "2016年3月", "201603", "2016-3", "2016/03"])
def test_add_reads_every_month_form(seeded, cli, month):
    assert add(cli, "CX-002", month, "--amount", "5").code == 0
    assert entries_sql(seeded, "CX-002")[0][0] == "2016-03"


def test_add_in_yi_and_by(seeded, cli):
    run = add(cli, "QY-010", "2016-01", "--amount", "0.35", "--unit", "亿元", "--ytd", "0.35",
              "--by", "海东市工信局")
    assert run.code == 0, run.stderr
    assert entries_sql(seeded, "QY-010")[0][1:5] == (35_000_000, 35_000_000, None, "海东市工信局")


def test_ytd_is_checked_against_the_ledger_and_both_figures_shown(seeded, cli, snapshot):
    assert add(cli, "CX-003", "2016-01", "--amount", "100").code == 0
    assert add(cli, "CX-003", "2016-02", "--amount", "50", "--ytd", "150").code == 0
    before = snapshot()
    run = add(cli, "CX-003", "2016-03", "--amount", "20", "--ytd", "175")
    assert run.code == 1
    assert run.stderr.splitlines()[0] == (
        "progress add: --ytd: year-to-date 175 万元 disagrees with the ledger: earlier months of "
        "2016 150 万元 + this month 20 万元 = 170 万元")
    assert snapshot() == before


def test_ytd_alone_gives_the_month_amount(seeded, cli):
    assert add(cli, "CX-004", "2016-01", "--amount", "80").code == 0
    run = add(cli, "CX-004", "2016-02", "--ytd", "200.5")
    assert run.code == 0, run.stderr
    assert entries_sql(seeded, "CX-004")[1][1:3] == (1_205_000, 2_005_000)
    back = add(cli, "CX-004", "2016-03", "--ytd", "150")
    assert back.code == 1 and "going backwards" in back.stderr


def test_second_entry_for_a_month_points_to_correct(seeded, cli, snapshot):
    assert add(cli, "CX-005", "2016-02", "--amount", "10").code == 0
    before = snapshot()
    run = add(cli, "CX-005", "2016-02", "--amount", "11")
    assert run.code == 1
    assert "already recorded" in run.stderr and "progress correct" in run.stderr
    assert snapshot() == before


@pytest.mark.parametrize("args, column, words", [
    (["CX-0O6", "--month", "2016-01", "--amount", "1"], "CODE", ["unknown project code", "CX-006"]),
    (["CX-006", "--month", "2015-12", "--amount", "1"], "--month", ["outside the programme"]),
    (["CX-006", "--month", "2016-13", "--amount", "1"], "--month", ["not a month"]),
    (["CX-006", "--month", "2016-01", "--amount", "约一千"], "--amount", ["not a number"]),
    (["CX-006", "--month", "2016-01", "--amount", "-5"], "--amount", ["negative", "correct"]),
    (["CX-006", "--month", "2016-01", "--amount", "1", "--status", "快完工"], "--status",
     ["unknown status"]),
    (["CX-006", "--month", "2016-01"], "--amount", ["required value missing"]),
])
def test_add_rejects_bad_input_naming_the_option(seeded, cli, snapshot, args, column, words):
    before = snapshot()
    run = cli("progress", "add", *args)
    assert run.code == 1
    first = run.stderr.splitlines()[0]
    assert first.startswith(f"progress add: {column}: ")
    assert all(w in first for w in words), first
    assert snapshot() == before


def test_status_going_backwards_needs_a_reason(seeded, cli):
    assert add(cli, "CX-007", "2016-01", "--amount", "1", "--status", "建成投产").code == 0
    run = add(cli, "CX-007", "2016-02", "--amount", "0", "--status", "前期")
    assert run.code == 1 and "status going backwards" in run.stderr
    ok = add(cli, "CX-007", "2016-02", "--amount", "0", "--status", "在建", "--reason", "返修")
    assert ok.code == 0, ok.stderr
    assert entries_sql(seeded, "CX-007")[1][3] == "building"
    assert entries_sql(seeded, "CX-007")[1][6] == "返修"
    # 在建 ↔ 停缓建 is not going backwards.
    assert add(cli, "CX-007", "2016-03", "--amount", "0", "--status", "停缓建").code == 0
    assert add(cli, "CX-007", "2016-04", "--amount", "0", "--status", "复工").code == 0


def test_a_late_month_is_checked_against_later_ones(seeded, cli):
    assert add(cli, "CX-008", "2016-01", "--amount", "1", "--status", "前期").code == 0
    assert add(cli, "CX-008", "2016-03", "--amount", "1", "--status", "前期").code == 0
    run = add(cli, "CX-008", "2016-02", "--amount", "1", "--status", "建成投产")
    assert run.code == 1 and "2016-03" in run.stderr
    assert add(cli, "CX-008", "2016-02", "--amount", "1", "--status", "前期").code == 0


def test_cumulative_over_total_is_a_warning(seeded, cli):
    with seeded.read() as conn:
        total = conn.exec_driver_sql(
            "SELECT total_investment FROM project WHERE code = 'CX-009'").scalar()
    run = add(cli, "CX-009", "2016-01", "--amount", str(total // 10_000 + 1))
    assert run.code == 0
    assert "warning: CX-009" in run.stderr and "total investment" in run.stderr


# --- correct -----------------------------------------------------------------------------------


def test_correct_supersedes_and_keeps_the_old_entry(seeded, cli):
    assert add(cli, "QY-001", "2016-01", "--amount", "100", "--status", "在建",
               "--problem", "资金未到位").code == 0
    run = cli("progress", "correct", "QY-001", "--month", "2016年1月", "--amount", "-20",
              "--reason", "退回设备预付款", "--by", "省经信委")
    assert run.code == 0, run.stderr
    assert "supersedes" in run.stderr
    rows = entries_sql(seeded, "QY-001")
    assert rows[0][:2] == ("2016-01", 1_000_000) and rows[0][7] is False
    assert rows[1] == ("2016-01", -200_000, None, "building", "省经信委", "cli",
                       "退回设备预付款", True)
    with seeded.read() as conn:
        old, new = conn.exec_driver_sql(
            "SELECT id, supersedes, superseded_by FROM progress_entry ORDER BY id").all()
    assert new[1] == old[0] and old[2] == new[0]


def test_correct_needs_an_entry_and_a_reason(seeded, cli):
    run = cli("progress", "correct", "QY-002", "--month", "2016-01", "--amount", "1",
              "--reason", "x")
    assert run.code == 1 and "no entry for 2016-01 to correct" in run.stderr
    usage = cli("progress", "correct", "QY-002", "--month", "2016-01", "--amount", "1")
    assert usage.code == 2


# --- list --------------------------------------------------------------------------------------


@pytest.fixture
def history(seeded, cli):
    assert add(cli, "CX-010", "2016-01", "--amount", "10", "--status", "在建").code == 0
    assert add(cli, "CX-010", "2016-02", "--amount", "20", "--ytd", "30").code == 0
    assert add(cli, "QY-020", "2016-01", "--amount", "5").code == 0
    assert cli("progress", "correct", "CX-010", "--month", "2016-02", "--amount", "25",
               "--reason", "漏报").code == 0
    return seeded


KEYS = ["code", "month", "amount", "ytd", "status", "problem", "note", "reported_by",
        "recorded_at", "source", "progress_text"]


def test_list_json_keys_amounts_in_wan_and_effective_only(history, cli):
    run = cli("progress", "list", "--format", "json")
    assert run.code == 0, run.stderr
    data = json.loads(run.stdout)
    assert [list(d) for d in data] == [KEYS] * 3
    assert [(d["code"], d["month"], d["amount"], d["ytd"]) for d in data] == [
        ("CX-010", "2016-01", 10, None), ("CX-010", "2016-02", 25, None),
        ("QY-020", "2016-01", 5, None)]


def test_list_history_shows_superseded_with_reason(history, cli):
    data = json.loads(cli("progress", "list", "--history", "--code", "CX-010",
                          "--format", "json").stdout)
    assert [list(d) for d in data] == [KEYS + ["superseded", "reason"]] * 3
    assert [(d["month"], d["amount"], d["superseded"], d["reason"]) for d in data] == [
        ("2016-01", 10, False, None), ("2016-02", 20, True, None), ("2016-02", 25, False, "漏报")]


@pytest.mark.parametrize("args, codes", [
    (["--month", "2016年1月"], ["CX-010", "QY-020"]),
    (["--code", "QY-020"], ["QY-020"]),
    (["--category", "攻坚"], ["CX-010", "CX-010"]),
    (["--category", "enterprise"], ["QY-020"]),
])
def test_list_filters(history, cli, args, codes):
    data = json.loads(cli("progress", "list", *args, "--format", "json").stdout)
    assert [d["code"] for d in data] == codes


def test_list_by_region(history, cli):
    with history.read() as conn:
        region = conn.exec_driver_sql("SELECT region FROM project WHERE code = 'QY-020'").scalar()
        same = {c for (c,) in conn.exec_driver_sql(
            f"SELECT code FROM project WHERE region = '{region}'")}
    data = json.loads(cli("progress", "list", "--region", region, "--format", "json").stdout)
    assert data and {d["code"] for d in data} <= same and "QY-020" in {d["code"] for d in data}


def test_list_csv_and_table(history, cli):
    csv_run = cli("progress", "list", "--format", "csv")
    assert csv_run.stdout.splitlines()[0] == ",".join(KEYS)
    assert len(csv_run.stdout.splitlines()) == 4
    table = cli("progress", "list", "--unit", "万元")
    assert table.code == 0 and "CX-010" in table.stdout and "25.00" in table.stdout


def test_list_unknown_code(history, cli):
    run = cli("progress", "list", "--code", "CX-01O")
    assert run.code == 1 and "CX-010" in run.stderr


# --- projects show and withdraw -------------------------------------------------------------------


def test_show_has_monthly_history_timeline_and_corrections(history, cli):
    assert add(cli, "CX-010", "2016-03", "--amount", "0", "--status", "建成投产").code == 0
    data = json.loads(cli("projects", "show", "CX-010", "--format", "json").stdout)
    assert [(e["month"], e["amount"]) for e in data["entries"]] == [
        ("2016-01", 10), ("2016-02", 25), ("2016-03", 0)]
    assert data["timeline"] == [{"month": "2016-01", "status": "building"},
                                {"month": "2016-03", "status": "producing"}]
    assert (data["started"], data["completed"]) == ("2016-01", "2016-03")
    (c,) = data["corrections"]
    assert (c["month"], c["old_amount"], c["amount"], c["reason"]) == ("2016-02", 20, 25, "漏报")
    table = cli("projects", "show", "CX-010")
    assert "更正记录" in table.stdout and "漏报" in table.stdout and "建成投产" in table.stdout


def test_withdraw_stops_entries_from_that_month_and_keeps_history(seeded, cli, snapshot):
    assert add(cli, "CX-011", "2016-01", "--amount", "10").code == 0
    early = cli("projects", "withdraw", "CX-011", "--month", "2016-01", "--reason", "x")
    assert early.code == 1 and "2016-01" in early.stderr
    run = cli("projects", "withdraw", "CX-011", "--month", "2016-02", "--reason", "企业经营困难",
              "--replaced-by", "CX-012")
    assert run.code == 0, run.stderr
    with seeded.read() as conn:
        rows = dict((c, (s, w, r, rep)) for c, s, w, r, rep in conn.exec_driver_sql(
            "SELECT code, state, withdrawn_month, withdrawn_reason, replaces FROM project"
            " WHERE code IN ('CX-011', 'CX-012')"))
        fields = sorted(f for (f,) in conn.exec_driver_sql(
            "SELECT field FROM project_history h JOIN project p ON p.id = h.project_id"
            " WHERE p.code = 'CX-011'"))
    assert rows == {"CX-011": ("withdrawn", "2016-02", "企业经营困难", None),
                    "CX-012": ("active", None, None, "CX-011")}
    assert fields == ["replaced_by", "state", "withdrawn_month"]
    before = snapshot()
    refused = add(cli, "CX-011", "2016-02", "--amount", "1")
    assert refused.code == 1 and "CX-011" in refused.stderr and "withdrawn" in refused.stderr
    assert snapshot() == before
    assert entries_sql(seeded, "CX-011")[0][:2] == ("2016-01", 100_000)  # history stays
    again = cli("projects", "withdraw", "CX-011", "--month", "2016-03", "--reason", "x")
    assert again.code == 1 and "already withdrawn" in again.stderr
    show = json.loads(cli("projects", "show", "CX-012", "--format", "json").stdout)
    assert show["replaces"] == "CX-011"


def test_withdrawn_project_is_not_missing_from_later_months(seeded, cli):
    from innovtrack.progress import import_progress

    for name in ("2016-01_全省汇总.csv", "2016-02_全省汇总.csv"):
        import_progress(seeded, GOOD / name)
    assert cli("projects", "withdraw", "QY-100", "--month", "2016-03", "--reason", "撤项").code == 0
    result = import_progress(seeded, GOOD / "2016-03_海西州等.csv")  # without QY-097..QY-100
    assert result.months[0].missing == ["QY-097", "QY-098", "QY-099"]


def test_withdrawn_project_rows_in_a_file_are_refused(seeded, cli):
    from innovtrack.errors import Rejected
    from innovtrack.progress import import_progress

    assert cli("projects", "withdraw", "QY-100", "--month", "2016-01", "--reason", "撤项").code == 0
    with pytest.raises(Rejected) as exc:
        import_progress(seeded, GOOD / "2016-01_全省汇总.csv")
    (p,) = exc.value.problems
    assert p.row == 201 and "QY-100" in p.message and "withdrawn" in p.message
    assert ledger_entries(seeded) == {}


def test_withdraw_unknown_replacement(seeded, cli):
    run = cli("projects", "withdraw", "CX-013", "--month", "2016-02", "--reason", "x",
              "--replaced-by", "CX-999")
    assert run.code == 1 and "--replaced-by" in run.stderr
