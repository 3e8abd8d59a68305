"""Issue 9, defects 1 and 2: amounts beyond SPEC §7.10's 10¹² 万元 are rejected at their row,
and sums of amounts within the bound never overflow, on SQLite and PostgreSQL alike, even in a
ledger that already holds values no release should have let in."""

from __future__ import annotations

import csv
import json

import pytest

from innovtrack.money import AmountError, fast_to_yuan, to_yuan

HEAD = ["项目编号", "项目名称", "项目单位", "所在地区", "类别", "领域", "建设性质",
        "总投资（万元）", "2016年计划投资（万元）"]
MAX_WAN = "1000000000000"  # 10¹² 万元, the largest amount SPEC §7.10 lets in
MAX_YUAN = 10 ** 16


def write_list(path, rows, head=HEAD):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["青海省百项创新攻坚工程项目表"])
        w.writerow(head)
        w.writerows(rows)
    return path


def project(i: int, total=MAX_WAN, plan=MAX_WAN) -> list:
    return [f"BIG-{i:04d}", f"测试项目{i:04d}", f"测试企业{i:04d}", "西宁市", "创新攻坚项目",
            "传统产业", "新建", total, plan]


def write_month(path, month: int, codes, amount=MAX_WAN):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["项目编号", "月份", "本月完成投资（万元）", "形象进度"])
        for code in codes:
            w.writerow([code, f"2016-{month:02d}", amount, "在建"])
    return path


@pytest.mark.parametrize("value", ["1000000000001", "100000000000000000000", "9" * 5000,
                                   "-100000000000000000000"])
def test_money_rejects_beyond_the_bound(value):
    with pytest.raises(AmountError, match="10\\^12"):
        to_yuan(value, "万元")
    assert fast_to_yuan(value, 10_000) is None


@pytest.mark.parametrize("value", ["5e14", "1e20", "1e999999", "-1e20"])
def test_exponent_text_is_no_amount_at_all(value):
    """An exponent is not how an office writes a figure (SPEC §2, issue 8): refused before
    any bound, without computing 10^999999."""
    with pytest.raises(AmountError, match="not a number"):
        to_yuan(value, "万元")
    assert fast_to_yuan(value, 10_000) is None


def test_money_keeps_the_bound_itself():
    assert to_yuan(MAX_WAN, "万元") == (MAX_YUAN, False)
    assert to_yuan("-" + MAX_WAN, "万元") == (-MAX_YUAN, False)
    assert fast_to_yuan(MAX_WAN, 10_000) == MAX_YUAN
    assert to_yuan("100000000", "亿元") == (MAX_YUAN, False)
    with pytest.raises(AmountError):
        to_yuan("100000000.01", "亿元")


@pytest.mark.parametrize("total", ["500000000000000", "100000000000000000000"])
def test_list_amount_beyond_bound_is_rejected_at_its_row(tmp_path, cli, snapshot, total):
    before = snapshot()
    path = write_list(tmp_path / "list.csv", [project(1), project(2, total=total)])
    run = cli("import", path)
    assert run.code == 1, run.stderr
    assert f"{path}:4: 总投资（万元）: amount beyond 10^12 万元" in run.stderr
    assert "Traceback" not in run.stderr
    assert snapshot() == before


def test_list_plan_beyond_bound_in_a_workbook(tmp_path, cli):
    import xlsxwriter

    path = tmp_path / "list.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEAD)
    sheet.write_row(1, 0, project(1)[:7] + [1000, 1e20])  # a numeric cell of 10²⁰
    book.close()
    run = cli("import", path)
    assert run.code == 1
    assert f"{path}:2: 2016年计划投资（万元）: amount beyond 10^12 万元" in run.stderr


@pytest.mark.parametrize("amount", ["500000000000000", "100000000000000000000"])
def test_month_amount_beyond_bound_is_rejected_at_its_row(tmp_path, cli, snapshot, amount):
    assert cli("import", write_list(tmp_path / "list.csv", [project(1), project(2)])).code == 0
    before = snapshot()
    path = tmp_path / "m.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["项目编号", "月份", "本月完成投资（万元）", "自年初累计完成投资（万元）"])
        w.writerow(["BIG-0001", "2016-07", "5", "5"])
        w.writerow(["BIG-0002", "2016-07", amount, amount])
    run = cli("progress", "import", path)
    assert run.code == 1, run.stderr
    assert f"{path}:3: 本月完成投资（万元）: amount beyond 10^12 万元" in run.stderr
    assert "Traceback" not in run.stderr
    assert snapshot() == before


@pytest.mark.parametrize("args", [("--amount", "100000000000000000000"),
                                  ("--amount", "5", "--ytd", "500000000000000")])
def test_progress_add_beyond_bound(tmp_path, cli, args):
    assert cli("import", write_list(tmp_path / "list.csv", [project(1)])).code == 0
    run = cli("progress", "add", "BIG-0001", "--month", "2016-03", *args)
    assert run.code == 1
    assert "10^12" in run.stderr and "Traceback" not in run.stderr


def test_targets_set_beyond_bound(cli):
    run = cli("targets", "set", "--year", "2016", "--amount", "100000000000000000000")
    assert run.code in (1, 2)
    assert "10^12" in run.stderr


N = 1000  # projects; 3 months of 10¹⁶ 元 each sum to 3·10¹⁹ 元, past 2**63 ≈ 9.2·10¹⁸


@pytest.fixture
def huge(tmp_path, cli):
    """N projects at the bound, each with three months at the bound."""
    path = write_list(tmp_path / "list.csv", [project(i) for i in range(N)])
    assert cli("import", path).code == 0
    codes = [f"BIG-{i:04d}" for i in range(N)]
    for m in (1, 2, 3):
        run = cli("progress", "import", write_month(tmp_path / f"m{m}.csv", m, codes))
        assert run.code == 0, run.stderr
    return codes


def test_sums_at_the_bound_never_overflow(huge, cli):
    assert N * 3 * MAX_YUAN > 2 ** 63  # the premise: a 64-bit sum would overflow
    run = cli("report", "quarterly", "--year", "2016", "--quarter", "1", "--format", "json")
    assert run.code == 0, run.stderr
    total = json.loads(run.stdout)["total"]
    assert total["actual_ytd"] == N * 3 * 10 ** 12  # 万元, exact
    assert total["plan"] == N * 10 ** 12
    for args in (("report", "quarterly", "--year", "2016", "--quarter", "1"),
                 ("report", "monthly", "--month", "2016-03", "--format", "csv"),
                 ("report", "quarterly", "--year", "2016", "--quarter", "1", "--format",
                  "markdown"),
                 ("check",), ("targets", "list", "--year", "2016"),
                 ("progress", "list", "--month", "2016-03", "--format", "json")):
        run = cli(*args)
        assert run.code in (0, 1), (args, run.stderr)
        assert "Traceback" not in run.stderr and "overflow" not in run.stderr, args
    listed = json.loads(cli("targets", "list", "--year", "2016", "--format", "json").stdout)
    assert any(r["plan"] == N * 10 ** 12 for r in listed)


def test_check_finds_total_at_the_bound(huge, cli):
    run = cli("check", "--format", "json")
    findings = json.loads(run.stdout)
    totals = [f for f in findings if f["check"] == "total_investment"]
    assert totals and totals[0]["actual"] == N * 10 ** 12


def test_a_ledger_already_holding_huge_values_still_works(tmp_path, cli, ledger):
    """Values a former release let in (5·10¹⁴ 万元 = 5·10¹⁸ 元, twice: past 2**63 when summed):
    every command still answers, and `progress correct` repairs the ledger."""
    assert cli("import", write_list(tmp_path / "list.csv", [project(1), project(2)])).code == 0
    big = 5 * 10 ** 18
    with ledger.write() as conn:
        pid = conn.exec_driver_sql("SELECT id FROM project WHERE code = 'BIG-0001'").scalar()
        for month in ("2016-07", "2016-08"):
            conn.exec_driver_sql(
                "INSERT INTO progress_entry (project_id, month, amount, recorded_at, source)"
                f" VALUES ({pid}, '{month}', {big}, '2016-09-01 00:00:00.000000', 'legacy')")
    for args in (("report", "quarterly", "--year", "2016", "--quarter", "3", "--format", "json"),
                 ("report", "monthly", "--month", "2016-08"), ("check",),
                 ("progress", "list", "--code", "BIG-0001"), ("projects", "show", "BIG-0001"),
                 ("progress", "import", write_month(tmp_path / "m9.csv", 9, ["BIG-0002"], "5"))):
        run = cli(*args)
        assert run.code in (0, 1), (args, run.stderr)
        assert "Traceback" not in run.stderr and "overflow" not in run.stderr, args
    data = json.loads(cli("report", "quarterly", "--year", "2016", "--quarter", "3",
                          "--format", "json").stdout)
    assert data["total"]["actual_ytd"] == (2 * big) // 10_000 + 5  # 万元, exact
    for month in ("2016-07", "2016-08"):
        run = cli("progress", "correct", "BIG-0001", "--month", month, "--amount", "10",
                  "--reason", "录入错误")
        assert run.code == 0, run.stderr
    data = json.loads(cli("report", "quarterly", "--year", "2016", "--quarter", "3",
                          "--format", "json").stdout)
    assert data["total"]["actual_ytd"] == 25


@pytest.mark.parametrize("value", ["", "  "])
def test_known_at_empty_is_a_usage_error(cli, value):
    """Defect 14: `--known-at ""` (an unset shell variable) must not silently mean now."""
    run = cli("report", "quarterly", "--known-at", value)
    assert run.code == 2
    assert "--known-at" in run.stderr and "empty" in run.stderr
