"""`innovtrack projects list | show` (issue 2, item 5): SPEC §4's filters and formats.

Expected rows are computed from expected.json (the fixtures' own figures), not by innovtrack.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import ROUND_HALF_UP, Decimal

import pytest

from innovtrack.ledger import import_projects
from ledger_rows import EXPECTED, PROJECTS_DIR

BASE = sorted(EXPECTED["good"]["office_gb18030.csv"]["projects"], key=lambda p: p["code"])
WAN, YI = 10_000, 100_000_000


@pytest.fixture
def listed(ledger, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")  # rich lays tables out to this width off a terminal
    import_projects(ledger, PROJECTS_DIR / "office_gb18030.csv")
    return ledger


def codes(projects) -> list[str]:
    return [p["code"] for p in projects]


def json_codes(run) -> list[str]:
    assert run.code == 0, run.stderr
    return [p["code"] for p in json.loads(run.stdout)]


def text(yuan: int, unit: int, places: int = 2) -> str:
    value = (Decimal(yuan) / unit).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return f"{value:,}"


def wan_number(yuan: int):
    value = Decimal(yuan) / WAN
    return int(value) if value == int(value) else float(value)


@pytest.mark.parametrize("args, keep", [
    ([], lambda p: True),
    (["--category", "攻坚"], lambda p: p["category"] == "tackling"),
    (["--category", "enterprise"], lambda p: p["category"] == "enterprise"),
    (["--category", "创新攻坚项目", "--sector", "传统产业"],
     lambda p: p["sector"] == "traditional"),
    (["--sector", "new_energy"], lambda p: p["sector"] == "new_energy"),
    (["--region", "海西州"], lambda p: p["region"] == "海西州"),
    (["--region", "海西蒙古族藏族自治州"], lambda p: p["region"] == "海西州"),
    (["--region", "630100"], lambda p: p["region"] == "西宁市"),
    (["--stage", "新建"], lambda p: p["stage"] == "new"),
    (["--stage", "continuing", "--region", "海西"],
     lambda p: p["stage"] == "continuing" and p["region"] == "海西州"),
    (["--name", "藏药"], lambda p: "藏药" in p["name"] or "藏药" in p["enterprise"]),
    (["--name", "qy-01"], lambda p: p["code"].lower().startswith("qy-01")),
    (["--status", "active"], lambda p: True),
    (["--status", "withdrawn"], lambda p: False),
])
def test_list_filters(cli, listed, args, keep):
    want = codes(p for p in BASE if keep(p))
    assert json_codes(cli("projects", "list", *args, "--format", "json")) == want


def test_list_limit_keeps_code_order(cli, listed):
    assert json_codes(cli("projects", "list", "--limit", "3", "--format", "json")) == \
        codes(BASE)[:3]


def test_list_by_state_and_by_latest_construction_status(cli, listed):
    with listed.write() as conn:
        conn.exec_driver_sql("UPDATE project SET state = 'withdrawn' WHERE code = 'QY-010'")
        ids = dict(conn.exec_driver_sql("SELECT code, id FROM project").all())
        for code, month, status in (("CX-004", "2016-05", "preparing"),
                                    ("CX-004", "2016-06", "building"),
                                    ("CX-005", "2016-06", "building"),
                                    ("CX-005", "2016-07", "producing")):
            conn.exec_driver_sql(
                "INSERT INTO progress_entry (project_id, month, amount, status, recorded_at)"
                f" VALUES ({ids[code]}, '{month}', 0, '{status}', '2016-08-01')")
    assert json_codes(cli("projects", "list", "--status", "withdrawn", "-f", "json")) == ["QY-010"]
    assert "QY-010" not in json_codes(cli("projects", "list", "--status", "active", "-f", "json"))
    assert json_codes(cli("projects", "list", "--status", "在建", "-f", "json")) == ["CX-004"]
    assert json_codes(cli("projects", "list", "--status", "producing", "-f", "json")) == ["CX-005"]


def test_unknown_filter_value_is_a_usage_error_with_a_suggestion(cli, listed):
    run = cli("projects", "list", "--region", "海西洲")
    assert run.code == 2
    assert "海西洲" in run.stderr and "海西州" in run.stderr
    assert run.stdout == ""


def test_list_json_uses_spec_keys_codes_and_wan(cli, listed):
    run = cli("projects", "list", "--format", "json")
    rows = json.loads(run.stdout)
    assert [r["code"] for r in rows] == codes(BASE)
    for row, p in zip(rows, BASE, strict=True):
        for key in ("code", "name", "enterprise", "region", "category", "sector", "industry",
                    "stage", "responsible_unit", "planned_start", "planned_completion"):
            assert row[key] == p[key], key
        assert row["total_investment"] == wan_number(p["total_investment"])
        assert row["plan_2016"] == wan_number(p["plans"]["2016"])
        assert row["plan_2017"] == wan_number(p["plans"]["2017"])
    assert rows[codes(BASE).index("2016-630100-26-03-000102")]["total_investment"] == 156000.5


def test_list_csv_has_english_keys_and_wan(cli, listed):
    run = cli("projects", "list", "--format", "csv")
    assert run.code == 0
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert [r["code"] for r in rows] == codes(BASE)
    for row, p in zip(rows, BASE, strict=True):
        assert Decimal(row["total_investment"]) == Decimal(p["total_investment"]) / WAN
        assert Decimal(row["plan_2016"]) == Decimal(p["plans"]["2016"]) / WAN
        assert row["category"] == p["category"]


def test_list_table_has_chinese_headers_and_yi_amounts(cli, listed):
    run = cli("projects", "list")
    assert run.code == 0, run.stderr
    out = run.stdout
    for head in ("项目编号", "项目名称", "项目单位", "地区", "类别", "领域", "建设性质", "总投资",
                 "2016年计划", "2017年计划", "亿元"):
        assert head in out, head
    assert "项目清单（12个）" in out
    for p in BASE:
        line = next(line for line in out.splitlines() if p["code"] in line)
        assert f" {text(p['total_investment'], YI)} " in line
        assert f" {text(p['plans']['2016'], YI)} " in line
    assert "创新攻坚项目" in out and "tackling" not in out  # labels, not codes


def test_list_table_in_wan(cli, listed):
    run = cli("projects", "list", "--unit", "万元")
    assert run.code == 0
    assert "万元" in run.stdout
    p = BASE[0]
    line = next(line for line in run.stdout.splitlines() if p["code"] in line)
    assert f" {text(p['total_investment'], WAN)} " in line


def test_list_markdown_and_output_file(cli, listed, tmp_path):
    out = tmp_path / "list.md"
    run = cli("projects", "list", "--format", "markdown", "--output", str(out))
    assert run.code == 0 and run.stdout == ""
    md = out.read_text(encoding="utf-8")
    assert md.count("\n| ") == len(BASE) + 1  # header and one row each
    assert "| 项目编号 |" in md


def test_list_rejects_report_formats(cli, listed):
    run = cli("projects", "list", "--format", "xlsx")
    assert run.code == 2 and "'xlsx' is not one of" in run.stderr


def test_list_on_an_empty_ledger(cli, ledger):
    run = cli("projects", "list", "--format", "json")
    assert run.code == 0 and json.loads(run.stdout) == []


# --- show --------------------------------------------------------------------------------


def test_show_one_project(cli, listed):
    p = next(p for p in BASE if p["code"] == "CX-003")
    run = cli("projects", "show", "CX-003")
    assert run.code == 0, run.stderr
    out = run.stdout
    for value in (p["code"], p["name"], p["enterprise"], "海东市", "创新攻坚项目", "新兴产业",
                  "续建", f"{text(p['total_investment'], YI)} 亿元", p["planned_start"],
                  p["planned_completion"], p["content"]):
        assert value in out, value


def test_show_change_history_in_wan(cli, listed):
    upd = EXPECTED["updated"]
    import_projects(listed, PROJECTS_DIR / upd["file"])
    code = "2016-632800-32-03-000101"
    old, new = upd["changes"][code]["total_investment"]
    run = cli("projects", "show", code)
    assert run.code == 0
    assert "变更记录" in run.stdout
    line = next(line for line in run.stdout.splitlines() if "总投资" in line and "万元" in line
                and "│" in line)
    assert f"{old // WAN:,} 万元" in line and f"{new // WAN:,} 万元" in line
    assert str(old) not in run.stdout  # never raw 元
    data = json.loads(cli("projects", "show", code, "--format", "json").stdout)
    history = {h["field"]: (h["old_value"], h["new_value"]) for h in data["history"]}
    assert history["total_investment"] == (old / WAN, new / WAN)
    assert data["total_investment"] == new / WAN


def test_show_unknown_code_names_the_nearest(cli, listed):
    run = cli("projects", "show", "CX-03")
    assert run.code == 1
    assert "no project 'CX-03'" in run.stderr and "CX-003" in run.stderr
    assert run.stdout == ""


def test_name_search_is_literal(cli, listed):
    from sqlalchemy import text as sql

    with listed.write() as conn:
        conn.execute(sql("UPDATE project SET name = :n WHERE code = 'QY-012'"),
                     {"n": "节能率提高15%_改造"})
    assert json_codes(cli("projects", "list", "--name", "15%_", "-f", "json")) == ["QY-012"]
    assert json_codes(cli("projects", "list", "--name", "%", "-f", "json")) == ["QY-012"]
    assert json_codes(cli("projects", "list", "--name", "_", "-f", "json")) == ["QY-012"]


def test_show_csv_lists_the_monthly_entries_in_wan(cli, listed):
    run = cli("projects", "show", "CX-004", "--format", "csv")
    assert run.code == 0
    assert run.stdout.splitlines() == [
        "month,amount,ytd,status,problem,note,reported_by,recorded_at,source,reason,supersedes"]
    with listed.write() as conn:
        pid = conn.exec_driver_sql("SELECT id FROM project WHERE code = 'CX-004'").scalar()
        conn.exec_driver_sql(
            "INSERT INTO progress_entry (project_id, month, amount, ytd, status, recorded_at)"
            f" VALUES ({pid}, '2016-05', 12345000, 12345000, 'building', '2016-06-01')")
    rows = list(csv.DictReader(io.StringIO(cli("projects", "show", "CX-004", "-f", "csv").stdout)))
    assert [(r["month"], r["amount"], r["status"]) for r in rows] == [
        ("2016-05", "1234.5", "building")]
