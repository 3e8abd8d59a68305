"""The quarterly, monthly and lagging reports over a fixture ledger, in every format.

The ledger is built the way an office builds it: the project list and six monthly report files
imported with the CLI, the year's targets set with `targets set`, one project withdrawn. Every
figure is then computed again in plain Python from the same files
(fixtures/report/expected.py), and each format — JSON, CSV, the workbook read back with
openpyxl, Markdown, the terminal table and the numbers quoted in the narrative — is compared
against that independent computation.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "report"
_spec = importlib.util.spec_from_file_location("report_expected", FIXTURE / "expected.py")
expected = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(expected)

WITHDRAWN = ("T09", "2016-05", "企业申请退出")
INJECTED = {"+5G智能终端产业化项目", "@省电力公司：变电站扩容待批复", "=电价优惠政策未落实",
            "-环评批复待省生态环境厅审批"}


# --- building the ledger -------------------------------------------------------------------


def build(cli, ledger, months=("2016-01", "2016-02", "2016-03", "2016-04", "2016-05",
                               "2016-06", "2017-03")) -> None:
    run = cli("import", FIXTURE / "projects.csv")
    assert run.code == 0, run.stderr
    for month in months:
        run = cli("progress", "import", FIXTURE / f"progress_{month}.csv")
        assert run.code == 0, run.stderr
    with open(FIXTURE / "targets.csv", encoding="utf-8", newline="") as fh:
        for row in list(csv.DictReader(fh)):
            args = ["targets", "set", "--year", row["年度"], "--amount", row["目标投资（万元）"],
                    "--projects", row["项目数"], "--source", "测试目标"]
            if row["类别"]:
                args += ["--category", row["类别"]]
            if row["领域"]:
                args += ["--sector", row["领域"]]
            run = cli(*args)
            assert run.code == 0, run.stderr
    from innovtrack.progress import withdraw_project

    withdraw_project(ledger, *WITHDRAWN)


def fixture_data(corrections=(), late=()):
    """Projects, entries and targets as the files say, with a test's later changes applied."""
    projects = expected.projects()
    projects[WITHDRAWN[0]]["withdrawn"] = WITHDRAWN[1]
    entries = expected.entries()
    for code, month, amount_wan in corrections:
        entries[(code, month)] = dict(entries[(code, month)], amount=amount_wan * expected.WAN)
    for code, month, amount_wan, status in late:
        entries[(code, month)] = {"amount": amount_wan * expected.WAN, "status": status,
                                  "problem": None}
    return projects, entries, expected.targets()


def expect(year, as_of, period_start, corrections=(), late=(), **kw):
    projects, entries, targets = fixture_data(corrections, late)
    return expected.compute(year, as_of, period_start, projects_=projects, entries_=entries,
                            targets_=targets, **kw)


def report_json(cli, *args) -> dict:
    run = cli("report", *args, "--format", "json")
    assert run.code == 0, run.stderr
    return json.loads(run.stdout)


# --- comparing ------------------------------------------------------------------------------


def wan(yuan):
    return None if yuan is None else round(yuan / expected.WAN, 4)


ROW_COUNTS = ("projects", "started", "completed", "new_projects", "new_started",
              "continuing_projects", "continuing_started", "due", "due_completed", "reported")


def assert_row(got: dict, want: dict, where: str) -> None:
    assert got["label"] == want["label"], where
    for key in ROW_COUNTS:
        assert got[key] == want[key], f"{where}: {key}"
    for key in ("target", "plan", "actual_ytd", "actual_period"):
        assert got[key] == wan(want[key]), f"{where}: {key}"
    for key in ("completion_pct", "gap_pp"):
        if want[key] is None:
            assert got[key] is None, f"{where}: {key}"
        else:
            assert got[key] == pytest.approx(want[key], rel=1e-12, abs=1e-12), f"{where}: {key}"
    assert got["warning"] == want["warning"], f"{where}: warning"


def assert_report(got: dict, want: dict) -> None:
    assert got["time_progress_pct"] == pytest.approx(want["time_progress_pct"])
    assert got["unit"] == "万元"
    assert_row(got["total"], want["total"], "total")
    for key, ident in (("by_category", ("category",)), ("by_sector", ("category", "sector")),
                       ("by_region", ("region",))):
        assert [tuple(r[k] for k in ident) for r in got[key]] == \
               [tuple(r[k] for k in ident) for r in want[key]], key
        for g, w in zip(got[key], want[key], strict=True):
            assert_row(g, w, f"{key} {w['label']}")
    assert {x["code"]: x["reasons"] for x in got["lagging"]} == \
           {c: v["reasons"] for c, v in want["lagging"].items()}
    assert [x["code"] for x in got["lagging"]] == list(want["lagging"])
    for x in got["lagging"]:
        assert x["warning"] == want["per"][x["code"]]["warning"], x["code"]
        assert x["actual_ytd"] == wan(want["per"][x["code"]]["ytd"]), x["code"]
    assert {g["responsible_unit"]: sorted(i["code"] for i in g["items"])
            for g in got["problems"]} == want["problems"]
    assert sorted((i["code"], i["month"]) for g in got["problems"] for i in g["items"]) == \
        want["problem_months"]
    assert sorted(p["code"] for p in got["unreported"]) == want["unreported"]
    assert [p["code"] for p in got["withdrawn"]] == want["withdrawn"]
    assert got["no_plan"] == want["no_plan"]


# --- the quarterly report, format by format ---------------------------------------------------


def test_quarterly_json_has_every_figure_of_the_fixture(cli, ledger):
    build(cli, ledger)
    got = report_json(cli, "quarterly", "--year", "2016", "--quarter", "2")
    want = expect(2016, "2016-06", "2016-04")
    assert (got["year"], got["quarter"], got["as_of"]) == (2016, 2, "2016-06")
    assert got["time_progress_pct"] == 50.0
    assert got["targets_published"] is True
    assert_report(got, want)
    # the fixture exercises every reason and colour
    reasons = {r for x in got["lagging"] for r in x["reasons"]}
    assert reasons == {"behind", "not_started", "unreported"}
    assert {x["warning"] for x in got["lagging"]} >= {"red", "yellow"}
    # SPEC §5's keys are all there
    for key in ("year", "quarter", "as_of", "time_progress_pct", "unit", "total", "by_category",
                "by_sector", "by_region", "lagging", "narrative"):
        assert key in got
    for key in ("label", "projects", "target", "plan", "actual_ytd", "actual_period",
                "completion_pct", "gap_pp", "warning", "started", "completed"):
        assert key in got["total"]


def test_quarterly_csv_is_tidy_and_agrees(cli, ledger):
    build(cli, ledger)
    run = cli("report", "quarterly", "--year", "2016", "--quarter", "2", "--format", "csv")
    assert run.code == 0, run.stderr
    assert not run.stdout.startswith("\ufeff")  # stdout carries no BOM
    want = expect(2016, "2016-06", "2016-04")
    every = list(csv.DictReader(io.StringIO(run.stdout)))
    groups = ("total", "by_category", "by_sector", "by_region")
    rows = [r for r in every if r["section"] in groups]
    assert [r["section"] for r in rows] == (
        ["total"] + ["by_category"] * len(want["by_category"])
        + ["by_sector"] * len(want["by_sector"]) + ["by_region"] * len(want["by_region"]))
    assert [r["level"] for r in rows] == (  # the column the CSV had before
        ["total"] + ["category"] * len(want["by_category"])
        + ["sector"] * len(want["by_sector"]) + ["region"] * len(want["by_region"]))
    wants = [want["total"], *want["by_category"], *want["by_sector"], *want["by_region"]]
    for row, w in zip(rows, wants, strict=True):
        assert row["label"] == w["label"]
        for key in ROW_COUNTS:
            assert int(row[key]) == w[key], (w["label"], key)
        for key in ("plan", "actual_ytd", "actual_period"):
            assert float(row[key]) == pytest.approx(w[key] / expected.WAN), (w["label"], key)
        assert (row["target"] == "") == (w["target"] is None)
        if w["completion_pct"] is not None:
            # plain numbers, rounded to 4 decimals: no %, no thousands separators
            assert float(row["completion_pct"]) == round(w["completion_pct"], 4)
            assert float(row["gap_pp"]) == round(w["gap_pp"], 4)
            assert re.fullmatch(r"-?\d+(\.\d{1,4})?", row["completion_pct"]), row["completion_pct"]
        assert row["warning"] == (w["warning"] or "")
        for key in ("plan", "actual_ytd", "completion_pct"):
            assert re.fullmatch(r"-?\d+(\.\d+)?(e-?\d+)?|", row[key]), row[key]
    # every other section of the report follows, each row naming its section
    assert [r["code"] for r in every if r["section"] == "lagging"] == list(want["lagging"])
    assert sorted((r["responsible_unit"], r["code"]) for r in every
                  if r["section"] == "problems") == sorted(
        (unit, code) for unit, codes in want["problems"].items() for code in codes)
    (narrative,) = [r for r in every if r["section"] == "narrative"]
    assert narrative["text"].startswith("上半年，百项创新攻坚工程累计完成投资")
    assert {r["section"] for r in every} == {*groups, "lagging", "problems", "procedures",
                                              "by_unit", "data_quality", "narrative"}


def test_csv_written_to_a_file_starts_with_a_bom(cli, ledger, tmp_path):
    build(cli, ledger)
    out = tmp_path / "q2.csv"
    run = cli("report", "quarterly", "--year", "2016", "--quarter", "2", "-f", "csv", "-o", out)
    assert run.code == 0, run.stderr
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and not data.startswith(b"\xef\xbb\xbf" * 2)
    stdout = cli("report", "quarterly", "--year", "2016", "--quarter", "2", "-f", "csv").stdout
    assert data.decode("utf-8-sig") == stdout
    listing = tmp_path / "projects.csv"
    assert cli("projects", "list", "-f", "csv", "-o", listing).code == 0
    assert listing.read_bytes().startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize("args", [
    ["report", "quarterly", "-f", "xlsx", "-o", "q2.csv"],
    ["report", "quarterly", "-f", "csv", "-o", "q2.xlsx"],
    ["report", "quarterly", "-o", "q2.xlsx"],
    ["report", "lagging", "-f", "json", "-o", "lag.docx"],
    ["projects", "list", "-f", "csv", "-o", "p.json"],
    ["progress", "list", "-o", "p.csv"],
])
def test_output_whose_ending_contradicts_the_format_is_a_usage_error(cli, args, tmp_path,
                                                                     monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = cli(*args)
    assert run.code == 2, run.stderr
    assert "--output" in run.stderr and "--format" in run.stderr
    assert list(tmp_path.iterdir()) == [] or all(p.name == "ledger.db" for p in tmp_path.iterdir())


def test_format_help_lists_only_what_the_command_accepts(cli):
    report = cli("report", "quarterly", "--help").stdout
    assert "table|json|csv|markdown|xlsx|docx|text" in report
    for command in (["projects", "list"], ["progress", "list"], ["targets", "list"]):
        text = cli(*command, "--help").stdout
        assert "<table|json|csv|markdown>" in text, command
        assert "xlsx" not in text, command
        run = cli(*command, "--format", "xlsx")
        assert run.code == 2, command


def _sheet_rows(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_quarterly_xlsx_reads_back_with_every_figure(cli, ledger, tmp_path):
    import openpyxl

    build(cli, ledger)
    out = tmp_path / "2016Q2.xlsx"
    run = cli("report", "quarterly", "--year", "2016", "--quarter", "2", "--format", "xlsx",
              "--output", out)
    assert run.code == 0, run.stderr
    assert run.stdout == ""
    want = expect(2016, "2016-06", "2016-04")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "综述"
    assert {"总体及分类别", "分领域", "分地区", "开复工及投产", "滞后项目", "待协调问题", "月度进度",
            "项目明细"} <= set(wb.sheetnames)
    warn = {"green": "绿", "yellow": "黄", "red": "红", None: None}

    def check_table(name, wants, lead):
        ws = wb[name]
        rows = _sheet_rows(ws)
        assert "百项创新攻坚工程2016年二季度" in rows[0][0]
        assert rows[1][0] == "单位：亿元"
        assert ws.freeze_panes is not None
        body = rows[3:3 + len(wants)]
        assert len(rows) == 3 + len(wants)
        for row, w in zip(body, wants, strict=True):
            values = row[lead:]
            assert values[0] == w["projects"], (name, w["label"])
            assert (values[1] is None) == (w["target"] is None)
            if w["target"] is not None:
                assert values[1] == pytest.approx(w["target"] / 1e8)
            assert values[2] == pytest.approx(w["plan"] / 1e8)
            assert values[3] == pytest.approx(w["actual_ytd"] / 1e8)
            assert values[4] == pytest.approx(w["actual_period"] / 1e8)
            assert values[5] == pytest.approx(w["completion_pct"])
            assert values[6] == pytest.approx(w["gap_pp"])
            assert values[7] == warn[w["warning"]]
        return ws

    ws = check_table("总体及分类别", [want["total"], *want["by_category"]], 1)
    assert _sheet_rows(ws)[3][0] == "合计"
    check_table("分领域", [want["total"], *want["by_sector"]], 2)
    check_table("分地区", [want["total"], *want["by_region"]], 1)

    # the lagging list (numbered, with the plan, actual and status the terminal shows) and
    # the problems
    lag_rows = _sheet_rows(wb["滞后项目"])
    heads = [str(h).split("\n")[0] for h in lag_rows[2]]
    assert heads[:2] == ["序号", "项目编号"]
    assert {"年度计划", "累计完成", "形象进度", "滞后原因"} <= set(heads)
    lag = lag_rows[3:]
    assert [r[0] for r in lag] == list(range(1, len(want["lagging"]) + 1))
    assert [r[1] for r in lag] == list(want["lagging"])
    per = want["per"]
    for r in lag:
        cell = dict(zip(heads, r, strict=True))
        assert cell["累计完成"] == pytest.approx(per[r[1]]["ytd"] / 1e8)
        assert cell["年度计划"] == pytest.approx(per[r[1]]["plan"] / 1e8)
    probs = _sheet_rows(wb["待协调问题"])[3:]
    assert sorted((r[1], r[3]) for r in probs) == sorted(  # 序号, 责任单位, 编号, 项目编号
        (unit, code) for unit, codes in want["problems"].items() for code in codes)

    # the detail sheet: one row per counted project, numbered, in code order, amounts in 万元
    detail = _sheet_rows(wb["项目明细"])
    assert detail[1][0] == "单位：万元"
    assert detail[3][1] == "合计"
    assert detail[3][6] == pytest.approx(want["total"]["actual_ytd"] / expected.WAN)
    body = [r[1:] for r in detail[4:]]
    assert [r[0] for r in detail[4:]] == list(range(1, len(body) + 1))
    assert [r[0] for r in body] == sorted(want["per"])
    for r in body:
        w = want["per"][r[0]]
        assert r[5] == pytest.approx(w["ytd"] / expected.WAN)
        assert r[6] == pytest.approx(w["period"] / expected.WAN)
        if w["plan"] is None:
            assert r[4] is None and r[7] is None and r[9] is None
        else:
            assert r[4] == pytest.approx(w["plan"] / expected.WAN)
            assert r[7] == pytest.approx(w["completion"])
            assert r[9] == warn[w["warning"]]

    # month by month: cumulative against 时序进度
    monthly = _sheet_rows(wb["月度进度"])[3:]
    assert [r[0] for r in monthly] == [f"2016-{m:02d}" for m in range(1, 7)]
    assert monthly[-1][2] == pytest.approx(want["total"]["actual_ytd"] / 1e8)
    assert [r[4] for r in monthly] == pytest.approx([m / 12 * 100 for m in range(1, 7)])

    # the narrative on the first sheet
    first = " ".join(str(c) for r in _sheet_rows(wb["综述"]) for c in r if c)
    assert "上半年，百项创新攻坚工程累计完成投资" in first


def test_xlsx_has_native_charts_and_conditional_formats(cli, ledger, tmp_path):
    import zipfile

    import openpyxl

    build(cli, ledger)
    out = tmp_path / "q2.xlsx"
    assert cli("report", "quarterly", "--year", "2016", "--quarter", "2", "--format", "xlsx",
               "-o", out).code == 0
    with zipfile.ZipFile(out) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        xml = [z.read(n).decode("utf-8") for n in charts]
    assert len(charts) == 3
    assert any("<c:lineChart>" in x and "月度进度" in x for x in xml)
    wb = openpyxl.load_workbook(out)
    # each category's fields on a chart of their own, so each reads on its own scale
    sectors = wb["分领域"]
    covered = []
    for x in (x for x in xml if "<c:barChart>" in x):
        refs = re.findall(r"<c:cat>.*?<c:f>(.*?)</c:f>", x, re.S)
        assert refs
        for ref in refs:
            sheet, cells = ref.split("!")
            assert sheet.strip("'") == "分领域"
            first, last = (int(re.sub(r"\D", "", c)) for c in cells.split(":"))
            categories = {sectors.cell(row, 1).value for row in range(first, last + 1)}
            names = [sectors.cell(row, 2).value for row in range(first, last + 1)]
            assert len(categories) == 1, ref
            assert "合计" not in names
        covered.append((categories.pop(), tuple(names)))
    assert {c for c, _ in covered} == {"攻坚", "企业技术创新"}
    want = expect(2016, "2016-06", "2016-04")["by_sector"]
    assert sorted(n for _, names in covered for n in names) == sorted(w["label"] for w in want)

    assert len(wb["综述"]._charts) == 3
    for name in ("总体及分类别", "分领域", "分地区", "滞后项目", "项目明细"):
        rules = [rule for cf in wb[name].conditional_formatting for rule in cf.rules]
        formulas = " ".join(f for rule in rules for f in (rule.formula or []))
        assert '"红"' in formulas and '"黄"' in formulas and '"绿"' in formulas, name
        assert any(rule.dxf is not None and rule.dxf.fill is not None for rule in rules), name


@pytest.mark.parametrize("kind", [["quarterly", "--year", "2016", "--quarter", "2"],
                                  ["monthly", "--month", "2016-05"],
                                  ["lagging", "--as-of", "2016-06"]])
def test_every_sheet_prints_a4_landscape_one_page_wide(cli, ledger, tmp_path, kind):
    import openpyxl

    build(cli, ledger)
    out = tmp_path / "r.xlsx"
    run = cli("report", *kind, "--format", "xlsx", "-o", out)
    assert run.code == 0, run.stderr
    wb = openpyxl.load_workbook(out)
    assert len(wb.sheetnames) >= 3
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert setup.orientation == "landscape", ws.title
        assert int(setup.paperSize) == 9, ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        # one page wide (1 is the file format's default, left out), any number of pages tall
        assert int(setup.fitToWidth or 1) == 1 and setup.fitToHeight is not None, ws.title
        assert int(setup.fitToHeight) == 0, ws.title
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页", ws.title
        if ws.title != "综述":  # every table repeats its header row (row 3) on each page
            assert ws.print_title_rows.replace("$", "") == "3:3", ws.title
            assert str(ws.cell(3, 1).value).strip()
        if ws.title in ("滞后项目", "待协调问题", "未报送项目", "项目明细"):
            assert ws.cell(3, 1).value == "序号", ws.title


def test_xlsx_writes_formula_like_text_as_text(cli, ledger, tmp_path):
    import openpyxl

    build(cli, ledger)
    out = tmp_path / "q2.xlsx"
    assert cli("report", "quarterly", "--year", "2016", "--quarter", "2", "--format", "xlsx",
               "-o", out).code == 0
    wb = openpyxl.load_workbook(out)
    seen = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value in INJECTED:
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
                    seen.add(cell.value)
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    assert seen == INJECTED


_NUMBER = r"(-?\d+\.\d{2})"


def test_narrative_quotes_the_independent_figures(cli, ledger):
    build(cli, ledger)
    run = cli("report", "quarterly", "--year", "2016", "--quarter", "2", "--format", "text")
    assert run.code == 0, run.stderr
    text = run.stdout.strip()
    want = expect(2016, "2016-06", "2016-04")
    t = want["total"]

    def yi(yuan):
        return f"{yuan / 1e8:.2f}"

    def p2(x):
        return f"{x:.2f}"

    m = re.match(r"上半年，百项创新攻坚工程累计完成投资" + _NUMBER + r"亿元，占年度计划的" + _NUMBER
                 + r"%，(低于|超)时序进度" + _NUMBER + r"个百分点；其中二季度完成" + _NUMBER + "亿元。",
                 text)
    assert m, text
    assert m.group(1) == yi(t["actual_ytd"])
    assert m.group(2) == p2(t["completion_pct"])
    assert m.group(3) == ("低于" if t["gap_pp"] < 0 else "超")
    assert m.group(4) == p2(abs(t["gap_pp"]))
    assert m.group(5) == yi(t["actual_period"])
    for row in want["by_category"]:
        assert f"{row['label']}完成{yi(row['actual_ytd'])}亿元，占年度计划的" \
               f"{p2(row['completion_pct'])}%" in text
    assert "分领域看，" in text
    for row in want["by_sector"]:
        if row["category"] == "tackling":
            assert f"{row['label']}完成{yi(row['actual_ytd'])}亿元，占{p2(row['completion_pct'])}%" \
                   in text
    starts = re.search(r"截至6月底，开复工(\d+)个，开复工率" + _NUMBER + r"%（新建项目开工(\d+)个，开工率"
                       + _NUMBER + r"%；续建项目复工(\d+)个，复工率" + _NUMBER + r"%）；建成投产(\d+)个，"
                       r"年内计划投产的(\d+)个项目已投产(\d+)个，投产率" + _NUMBER + "%。", text)
    assert starts, text
    assert int(starts.group(1)) == t["started"]
    assert starts.group(2) == p2(t["started"] * 100 / t["projects"])
    assert int(starts.group(3)) == t["new_started"]
    assert starts.group(4) == p2(t["new_started"] * 100 / t["new_projects"])
    assert int(starts.group(5)) == t["continuing_started"]
    assert starts.group(6) == p2(t["continuing_started"] * 100 / t["continuing_projects"])
    assert int(starts.group(7)) == t["completed"]
    assert int(starts.group(8)) == t["due"]
    assert int(starts.group(9)) == t["due_completed"]
    assert starts.group(10) == p2(t["due_completed"] * 100 / t["due"])
    lag = want["lagging"].values()
    m = re.search(r"进度滞后项目(\d+)个，其中红色预警(\d+)个，黄色预警(\d+)个，新建项目未按期开工(\d+)个，"
                  r"6月未报送(\d+)个。", text)
    assert m, text
    assert int(m.group(1)) == len(want["lagging"])
    assert int(m.group(2)) == sum(1 for v in lag if v["warning"] == "red")
    assert int(m.group(3)) == sum(1 for v in lag if v["warning"] == "yellow")
    assert int(m.group(4)) == sum(1 for v in lag if "not_started" in v["reasons"])
    assert int(m.group(5)) == sum(1 for v in lag if "unreported" in v["reasons"])
    m = re.search(r"需协调解决的问题(\d+)个，(?:其中逾期未解决\d+个|均未逾期)，涉及(\d+)个责任单位，", text)
    assert m and int(m.group(1)) == sum(len(v) for v in want["problems"].values())
    units = {u for unit in want["problems"] for u in re.split(r"[、，,；;/]", unit) if u}
    assert int(m.group(2)) == len(units)
    # the JSON carries the same paragraph
    assert report_json(cli, "quarterly", "--year", "2016", "--quarter", "2")["narrative"] == text


def test_table_shows_title_totals_in_yi_and_coloured_completion(cli, ledger):
    build(cli, ledger)
    run = cli("report", "quarterly", "--year", "2016", "--quarter", "2")
    assert run.code == 0, run.stderr
    want = expect(2016, "2016-06", "2016-04")
    out = run.stdout
    assert "百项创新攻坚工程2016年二季度推进情况（截至2016年6月底）" in out
    total_line = next(line for line in out.splitlines() if "合计" in line)
    for value in (want["total"]["plan"], want["total"]["actual_ytd"],
                  want["total"]["actual_period"]):
        assert f"{value / 1e8:,.2f}" in total_line
    assert f"{want['total']['completion_pct']:.2f}" in total_line
    for code in want["lagging"]:
        assert code in out
    assert "上半年，百项创新攻坚工程" in out  # the narrative closes the report

    # --unit 万元 switches the amounts
    run = cli("report", "quarterly", "--year", "2016", "--quarter", "2", "--unit", "万元")
    total_line = next(line for line in run.stdout.splitlines() if "合计" in line)
    assert f"{want['total']['actual_ytd'] / 1e4:,.2f}" in total_line


def test_table_colours_the_completion_column_by_warning(ledger, cli, db_location):
    from innovtrack.render.terminal import report_renderables
    from innovtrack.reportdata import build_report

    build(cli, ledger)
    report = build_report(db_location, kind="quarterly", year=2016, quarter=2)
    tables = [r for r in report_renderables(report) if getattr(r, "title", None) == "分领域"]
    (table,) = tables
    want = expect(2016, "2016-06", "2016-04")
    (completion,) = [c._cells for c in table.columns if c.header == "完成率(%)"]
    styles = {"green": "green", "yellow": "yellow", "red": "bold red", None: ""}
    assert [str(c.style) for c in completion] == [  # the 合计 row first
        styles[w["warning"]] for w in [want["total"], *want["by_sector"]]]


def test_markdown_has_the_same_tables(cli, ledger):
    build(cli, ledger)
    run = cli("report", "quarterly", "--year", "2016", "--quarter", "2", "--format", "markdown")
    assert run.code == 0, run.stderr
    want = expect(2016, "2016-06", "2016-04")
    lines = run.stdout.splitlines()
    assert lines[0].startswith("# 百项创新攻坚工程2016年二季度推进情况")
    rows: dict[str, list[str]] = {}
    for line in lines:  # the first table a label appears in: the amounts tables
        if line.startswith("| ") and "---" not in line:
            rows.setdefault(line.split("|")[1].strip(), [c.strip() for c in line.split("|")[2:-1]])
    for w in [want["total"], *want["by_category"], *want["by_region"]]:
        cells = rows[w["label"]]
        assert cells[0] == str(w["projects"])
        assert cells[3] == f"{w['actual_ytd'] / 1e8:,.2f}"
        assert cells[5] == f"{w['completion_pct']:.2f}"


# --- edge cases -------------------------------------------------------------------------------


def test_withdrawn_project_counts_only_while_in_the_programme(cli, ledger):
    build(cli, ledger)
    q1 = report_json(cli, "quarterly", "--year", "2016", "--quarter", "1")
    want1 = expect(2016, "2016-03", "2016-01")
    assert_report(q1, want1)
    assert "T09" not in want1["withdrawn"] and q1["withdrawn"] == []
    q2 = report_json(cli, "quarterly", "--year", "2016", "--quarter", "2")
    assert [p["code"] for p in q2["withdrawn"]] == ["T09"]
    assert q1["total"]["projects"] == q2["total"]["projects"] + 1
    assert any("已退出" in n for n in q2["notes"])


def test_project_without_a_plan_has_no_completion_and_is_not_behind(cli, ledger):
    build(cli, ledger)
    got = report_json(cli, "quarterly", "--year", "2016", "--quarter", "2")
    assert got["no_plan"] == ["E04"]
    assert "E04" not in {x["code"] for x in got["lagging"]}
    assert got["total"]["no_plan"] == 1
    assert any("E04" in n and "无2016年计划投资" in n for n in got["notes"])


@pytest.mark.parametrize("year, quarter", [(2016, 3), (2018, 1)])
def test_quarter_with_no_entries(cli, ledger, tmp_path, year, quarter):
    build(cli, ledger)
    got = report_json(cli, "quarterly", "--year", str(year), "--quarter", str(quarter))
    as_of = f"{year}-{3 * quarter:02d}"
    want = expect(year, as_of, f"{year}-{3 * quarter - 2:02d}")
    assert_report(got, want)
    assert got["total"]["actual_period"] == 0
    assert got["total"]["reported"] == 0
    assert len(got["unreported"]) == got["total"]["projects"]
    text = cli("report", "quarterly", "--year", str(year), "--quarter", str(quarter),
               "--format", "text").stdout
    assert f"截至{3 * quarter}月底" in text
    if year == 2016:
        assert any("7—9月尚无进度报送（最近一次报送为2016年6月）" in n for n in got["notes"])
    if year == 2018:  # nothing at all that year, and no plans either
        assert got["total"]["completion_pct"] is None
        assert any("尚无进度报送" in n for n in got["notes"])
        xlsx = cli("report", "quarterly", "--year", str(year), "--quarter", str(quarter),
                   "--format", "xlsx", "-o", tmp_path / "empty.xlsx")
        assert xlsx.code == 0, xlsx.stderr


def test_year_without_published_targets_falls_back_to_plans_and_says_so(cli, ledger):
    build(cli, ledger)
    got = report_json(cli, "quarterly", "--year", "2017", "--quarter", "1")
    want = expect(2017, "2017-03", "2017-01")
    assert_report(got, want)
    assert got["targets_published"] is False
    assert got["total"]["target"] is None and got["total"]["basis"] == "plan"
    assert any("2017年未发布投资目标" in n for n in got["notes"])
    table = cli("report", "quarterly", "--year", "2017", "--quarter", "1").stdout
    assert "2017年未发布投资目标" in table
    listing = cli("targets", "list", "--year", "2017")
    assert "2017年未发布投资目标" in listing.stderr


def test_known_at_reproduces_the_report_as_sent(cli, ledger):
    build(cli, ledger)
    sent_text = cli("report", "quarterly", "--year", "2016", "--quarter", "2", "--format",
                    "json").stdout
    sent = json.loads(sent_text)
    stamp = sent["known_at"]  # the moment the report was computed at, with its zone
    # after the report went out: a correction and a late report
    run = cli("progress", "correct", "T01", "--month", "2016-05", "--amount", "2000",
              "--reason", "统计口径调整")
    assert run.code == 0, run.stderr
    run = cli("progress", "add", "T07", "--month", "2016-06", "--amount", "500",
              "--status", "在建")
    assert run.code == 0, run.stderr

    now = report_json(cli, "quarterly", "--year", "2016", "--quarter", "2")
    assert_report(now, expect(2016, "2016-06", "2016-04", corrections=[("T01", "2016-05", 2000)],
                              late=[("T07", "2016-06", 500, "building")]))
    assert now["total"]["actual_ytd"] != sent["total"]["actual_ytd"]

    then = report_json(cli, "quarterly", "--year", "2016", "--quarter", "2", "--known-at", stamp)
    assert_report(then, expect(2016, "2016-06", "2016-04"))
    assert then["known_at"] == stamp
    again = cli("report", "quarterly", "--year", "2016", "--quarter", "2", "--known-at", stamp,
                "--format", "json").stdout
    assert again == sent_text  # byte for byte
    table = cli("report", "quarterly", "--year", "2016", "--quarter", "2", "--known-at", stamp)
    assert "此后的报送和更正未计入" in table.stdout
    # the same for every format: the workbook and the narrative agree with the JSON
    text = cli("report", "quarterly", "--year", "2016", "--quarter", "2", "--known-at", stamp,
               "--format", "text").stdout.strip()
    assert text == sent["narrative"]


def test_known_at_before_anything_was_recorded(cli, ledger):
    build(cli, ledger)
    got = report_json(cli, "quarterly", "--year", "2016", "--quarter", "2",
                      "--known-at", "2000-01-01")
    assert got["total"]["actual_ytd"] == 0
    assert got["total"]["reported"] == 0


def test_monthly_report_lists_who_has_not_reported(cli, ledger):
    build(cli, ledger)
    got = report_json(cli, "monthly", "--month", "2016-05")
    want = expect(2016, "2016-05", "2016-05")
    assert (got["kind"], got["month"], got["as_of"]) == ("monthly", "2016-05", "2016-05")
    assert_report(got, want)
    assert got["total"]["actual_period"] == wan(sum(
        e["amount"] for (c, m), e in expected.entries().items()
        if m == "2016-05" and c in want["per"]))
    table = cli("report", "monthly", "--month", "2016年5月")
    assert table.code == 0, table.stderr
    assert "5月未报送项目" in table.stdout
    for code in want["unreported"]:
        assert code in table.stdout


def test_lagging_report_in_json_and_csv(cli, ledger):
    build(cli, ledger)
    want = expect(2016, "2016-06", "2016-06")
    got = report_json(cli, "lagging", "--as-of", "2016-06")
    assert {x["code"]: x["reasons"] for x in got["lagging"]} == \
           {c: v["reasons"] for c, v in want["lagging"].items()}
    run = cli("report", "lagging", "--as-of", "2016-06", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert {r["code"]: r["reasons"].split(";") for r in rows} == \
           {c: v["reasons"] for c, v in want["lagging"].items()}
    not_started = next(r for r in rows if "not_started" in r["reasons"])
    assert not_started["start_deadline"] == "2016-06"


def test_margins_change_the_colours(cli, ledger):
    build(cli, ledger)
    got = report_json(cli, "quarterly", "--year", "2016", "--quarter", "2",
                      "--yellow-margin", "2", "--red-margin", "24")
    want = expect(2016, "2016-06", "2016-04", yellow=2.0, red=24.0)
    assert_report(got, want)
    assert got["yellow_margin"] == 2.0 and got["red_margin"] == 24.0
    default = expect(2016, "2016-06", "2016-04")
    assert want["lagging"] != default["lagging"]  # the margins matter for this fixture


@pytest.mark.parametrize("option, value, keep", [
    ("--category", "企业技术创新", lambda p: p["category"] == "enterprise"),
    ("--region", "海西", lambda p: p["region"] == "海西州"),
])
def test_filters(cli, ledger, option, value, keep):
    build(cli, ledger)
    got = report_json(cli, "quarterly", "--year", "2016", "--quarter", "2", option, value)
    projects, entries, targets = fixture_data()
    projects = {c: p for c, p in projects.items() if keep(p)}
    if option == "--region":
        targets = {}  # targets are province-wide
    else:
        targets = {k: v for k, v in targets.items() if k[1] == "enterprise"}
    want = expected.compute(2016, "2016-06", "2016-04", projects_=projects, entries_=entries,
                            targets_=targets)
    if option == "--category":
        want["total"]["target"] = targets[(2016, "enterprise", None)]
        want["total"]["completion_pct"] = want["total"]["actual_ytd"] * 100 / \
            want["total"]["target"]
        want["total"]["gap_pp"] = want["total"]["completion_pct"] - 50
        want["total"]["warning"] = expected.colour(want["total"]["gap_pp"])
    assert_report(got, want)


def test_default_period_is_the_latest_quarter_and_month_with_entries(cli, ledger):
    build(cli, ledger)
    got = report_json(cli, "quarterly")
    assert (got["year"], got["quarter"]) == (2017, 1)
    got = report_json(cli, "quarterly", "--year", "2016")
    assert (got["year"], got["quarter"]) == (2016, 2)
    got = report_json(cli, "monthly")
    assert got["month"] == "2017-03"
    got = report_json(cli, "lagging")
    assert got["as_of"] == "2017-03"


@pytest.mark.parametrize("args, message", [
    (["quarterly", "--format", "xlsx"], "--output"),
    (["quarterly", "--quarter", "5"], "--quarter 5"),
    (["quarterly", "--yellow-margin", "20", "--red-margin", "10"], "--red-margin"),
    (["quarterly", "--known-at", "last tuesday"], "--known-at"),
    (["monthly", "--month", "2016-13"], "not a month"),
    (["quarterly", "--region", "火星"], "unknown region"),
])
def test_usage_errors(cli, ledger, args, message):
    run = cli("report", *args)
    assert run.code == 2
    assert message in run.stderr
    assert run.stdout == ""


def test_empty_ledger_reports_without_failing(cli, ledger):
    got = report_json(cli, "quarterly")
    assert (got["year"], got["quarter"]) == (2016, 1)
    assert got["total"]["projects"] == 0
    assert cli("report", "quarterly").code == 0
    assert cli("report", "quarterly", "--format", "text").code == 0


def test_json_report_does_not_import_pandas_or_xlsxwriter(cli, ledger, db_location):
    build(cli, ledger)
    probe = ("import sys; from innovtrack.cli import main; "
             "code = main(['report', 'quarterly', '--format', 'json']); "
             "print(code, sorted(m for m in ('pandas', 'xlsxwriter', 'openpyxl') "
             "if m in sys.modules), file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120)
    assert proc.stderr.strip().splitlines()[-1] == "0 []", proc.stderr
    assert json.loads(proc.stdout)["year"] == 2017


def test_fast_wan_conversion_writes_the_same_json_as_to_unit():
    import random

    from innovtrack.money import to_unit
    from innovtrack.render.tabular import _wan

    rng = random.Random(2016)
    values = [rng.randrange(-10 ** 15, 10 ** 15) for _ in range(20_000)]
    values += [rng.randrange(-10 ** 6, 10 ** 6) for _ in range(20_000)]
    values += [0, 1, -1, 9_999, 10_000, 10_001, 2 ** 53 - 1, -(2 ** 53) + 1, 2 ** 60, None]
    for v in values:
        assert json.dumps(_wan(v)) == json.dumps(to_unit(v, "万元")), v


def test_xlsx_text_that_looks_like_rich_text_markup_stays_text(tmp_path):
    import openpyxl

    from innovtrack.render.xlsx import _text

    assert _text("普通项目") == "普通项目"
    odd = "<r><t>不是标记</t></r>"
    import xlsxwriter

    wb = xlsxwriter.Workbook(tmp_path / "odd.xlsx", {"constant_memory": True})
    wb.add_worksheet().write_string(0, 0, _text(odd))
    wb.close()
    cell = openpyxl.load_workbook(tmp_path / "odd.xlsx").active["A1"].value
    assert cell.rstrip("\u2060") == odd


def test_usage_errors_touch_no_ledger(tmp_path):
    from conftest import run_cli

    db = tmp_path / "never.db"
    run = run_cli("report", "quarterly", "--db", db, "--quarter", "7")
    assert run.code == 2
    assert not db.exists()
