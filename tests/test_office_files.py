"""Project lists laid out as government offices really send them (tests/fixtures/office).

The fixtures are the first rows of data/seed_projects.csv in office layouts (merged titles,
two-row headers, section headings with subtotals, GBK with trailing commas); the expectations
are read here from the seed file itself, never from innovtrack.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from ledger_rows import stored_projects

ROOT = Path(__file__).resolve().parent.parent
OFFICE = Path(__file__).parent / "fixtures" / "office"
SEED = ROOT / "data" / "seed_projects.csv"
REGIONS = {"西宁市", "海东市", "海北州", "黄南州", "海南州", "果洛州", "玉树州", "海西州", "省直"}


def seed() -> list[dict[str, str]]:
    with open(SEED, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def yuan(wan: str) -> int:
    return int(Decimal(wan.replace(",", "")) * 10_000)


def expected(rows: list[dict[str, str]]) -> dict[str, tuple]:
    return {r["项目编号"]: (r["项目名称"], r["所在地区"], yuan(r["总投资（万元）"]),
                         {"2016": yuan(r["2016年计划投资（万元）"])}, r["计划开工时间"])
            for r in rows}


def stored(ledger) -> dict[str, tuple]:
    return {code: (p["name"], p["region"], p["total_investment"], p["plans"], p["planned_start"])
            for code, p in stored_projects(ledger).items()}


@pytest.mark.parametrize("name", ["sections.xlsx", "sections_gbk.csv"])
def test_section_headings_and_subtotals_are_left_out(cli, ledger, name):
    run = cli("import", str(OFFICE / name))
    assert run.code == 0, run.stderr
    tackling = [r for r in seed() if r["类别"] == "创新攻坚项目"][:4]
    assert stored(ledger) == expected(tackling)
    # Title and 单位 lines (1-2), header (3); 合计 at 4; headings at 5, 6, 7; projects 8-9;
    # 小计 at 10; heading 二 | 新兴产业 at 11; projects 12-13.
    assert f"{name}: section heading row(s) left out: row 5, 6, 7, 11" in run.stderr
    assert f"{name}: total row(s) left out: row 4, 10" in run.stderr


def test_a_half_filled_project_row_after_a_heading_is_still_an_error(cli, snapshot):
    before = snapshot()
    name = OFFICE / "half_filled.xlsx"
    run = cli("import", str(name))
    assert run.code == 1
    lines = [line for line in run.stderr.splitlines() if line.startswith(str(name))]
    # Row 2 is the heading (left out), row 3 a whole project, row 4 the half-filled one.
    assert lines and all(line.startswith(f"{name}:4: ") for line in lines), run.stderr
    assert {line.split(": ")[1] for line in lines} == {"项目单位", "所在地区", "类别", "领域",
                                                       "建设性质"}
    assert snapshot() == before


def test_a_header_over_two_rows_is_read_as_one(cli, ledger):
    run = cli("import", str(OFFICE / "two_row_header.xlsx"))
    assert run.code == 0, run.stderr
    assert stored(ledger) == expected(seed()[:5])


def test_a_second_header_row_that_names_nothing_known_is_a_clear_error(cli, tmp_path):
    xlsxwriter = pytest.importorskip("xlsxwriter")
    path = tmp_path / "split.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    head = ["项目编号", "项目名称", "项目单位", "所在地区", "类别", "领域", "建设性质"]
    for col, text in enumerate(head):
        sheet.merge_range(0, col, 1, col, text)
    sheet.merge_range(0, 7, 0, 8, "投资情况（万元）")
    sheet.write_row(1, 7, ["中央资金", "地方配套"])
    sheet.write_row(2, 0, ["CX-001", "甲项目", "甲公司", "西宁市", "创新攻坚", "传统", "新建",
                           100, 50])
    book.close()
    run = cli("import", str(path))
    assert run.code == 1
    assert f"{path}:2: 总投资: required column missing" in run.stderr


def test_region_written_with_the_province_in_front(cli, ledger):
    run = cli("import", str(OFFICE / "provinces.csv"))
    assert run.code == 0, run.stderr
    with open(OFFICE / "provinces.csv", encoding="utf-8", newline="") as fh:
        written = {r["项目编号"]: r["所在地区"] for r in csv.DictReader(fh)}
    assert any(w.startswith("青海") for w in written.values())
    want = {}
    for code, text in written.items():
        short = text.removeprefix("青海省").removeprefix("青海")
        want[code] = short if short in REGIONS else short + "?"
    assert {c: p["region"] for c, p in stored_projects(ledger).items()} == want


def test_dashes_and_words_for_nothing_in_optional_cells(cli, ledger):
    run = cli("import", str(OFFICE / "placeholders.csv"))
    assert run.code == 0, run.stderr
    with open(OFFICE / "placeholders.csv", encoding="utf-8", newline="") as fh:
        written = list(csv.DictReader(fh))
    nothing = {"", "—", "/", "待定", "无"}
    got = stored_projects(ledger)
    for row in written:
        project = got[row["项目编号"]]
        plan = row["2016年计划投资（万元）"]
        assert project["plans"] == ({} if plan in nothing else {"2016": yuan(plan)})
        for column, field in (("计划开工时间", "planned_start"), ("计划投产时间", "planned_completion")):
            assert project[field] == (None if row[column] in nothing else row[column])


def test_a_dash_does_not_stand_for_a_missing_total(cli, tmp_path):
    rows = seed()[:1]
    rows[0]["总投资（万元）"] = "—"
    path = tmp_path / "dash.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.DictWriter(fh, fieldnames=list(rows[0]))
        out.writeheader()
        out.writerows(rows)
    run = cli("import", str(path))
    assert run.code == 1
    assert f"{path}:2: 总投资（万元）: " in run.stderr


def test_a_monthly_report_with_a_two_row_header_and_a_heading(cli, ledger):
    import openpyxl  # reading the fixture independently of innovtrack's reader

    assert cli("import", str(SEED)).code == 0
    name = OFFICE / "progress_2016-01.xlsx"
    run = cli("progress", "import", str(name))
    assert run.code == 0, run.stderr
    sheet = openpyxl.load_workbook(name).active
    want = {}
    for row in sheet.iter_rows(min_row=4, values_only=True):
        if row[1]:
            want[row[1]] = (int(Decimal(str(row[3])) * 10_000), int(Decimal(str(row[4])) * 10_000))
    assert len(want) == 3
    with ledger.read() as conn:
        got = dict((code, (amount, ytd)) for code, amount, ytd in conn.exec_driver_sql(
            "SELECT p.code, e.amount, e.ytd FROM progress_entry e JOIN project p "
            "ON p.id = e.project_id WHERE e.month = '2016-01'"))
    assert got == want


def test_cells_merged_down_over_a_group_belong_to_every_row(cli, ledger):
    run = cli("import", str(OFFICE / "merged_down.xlsx"))
    assert run.code == 0, run.stderr
    tackling = [r for r in seed() if r["类别"] == "创新攻坚项目"]
    rows = ([r for r in tackling if r["所在地区"] == "西宁市"][:3]
            + [r for r in tackling if r["所在地区"] == "海西州"][:2])
    assert stored(ledger) == expected(rows)
    assert {p["category"] for p in stored_projects(ledger).values()} == {"tackling"}
    # header 2; 西宁市 rows 3-5, its 小计 6; 海西州 rows 7-8, its 小计 9; 合计（5项） 10
    assert "merged_down.xlsx: section heading row(s) left out: row 6, 9" in run.stderr
    assert "merged_down.xlsx: total row(s) left out: row 10" in run.stderr


def _fixture_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location("office_make_fixtures",
                                                  OFFICE / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dates_codes_places_and_names_as_offices_write_them(cli, ledger):
    rows = _fixture_script().DATES_CODES
    run = cli("import", str(OFFICE / "dates_codes.xlsx"))
    assert run.code == 0, run.stderr
    categories = {"创新攻坚": "tackling", "创新攻坚项目": "tackling", "攻坚": "tackling",
                  "企业技术创新": "enterprise", "企业技术创新项目": "enterprise"}
    sectors = {"传统": "traditional", "有色和冶金": "metallurgy", "新兴产业": "emerging",
               "新能源产业": "new_energy", "节能环保产业": "green", "装备制造": "equipment"}
    want = {str(n): (month, region, categories[category], sectors[sector])
            for n, (_s, month, _r, region, category, sector) in enumerate(rows, start=1)}
    got = {code: (p["planned_start"], p["region"], p["category"], p["sector"])
           for code, p in stored_projects(ledger).items()}
    assert got == want


@pytest.mark.parametrize("cells", [
    ["一、创新攻坚项目", "", "", 888888],
    ["", "（一）传统产业", "", "12,345.6"],
    ["(二)新兴产业"],
    ["二", "新兴产业"],
    ["", "1、有色"],
    ["第一部分"],
    ["", "西宁市小计", "", 100.0],
    ["", "创新攻坚项目（100项）"],
    ["", "海西州", "", "", "创新攻坚项目"],  # a 类别 merged down over the section
])
def test_section_headings_are_recognised(cells):
    from innovtrack.ingest.table import is_heading_row

    assert is_heading_row(cells, 2)


@pytest.mark.parametrize("cells", [
    ["1", "CX-009", "新建示范线项目", 500],  # a half-filled project row
    ["", "", "新建示范线项目", 500],
    ["", "一期工程"],
    ["", "海西州格尔木市年产5万吨项目"],
    ["", "", "", "西宁市", "创新攻坚项目"],  # group names, but none where a heading sits
    ["", "西宁市", "", "", "", "", "2016-03"],  # a date is a project's data
    ["1", "", "", 500],  # numbers only
])
def test_rows_that_are_not_clearly_headings_are_not(cells):
    from innovtrack.ingest.table import is_heading_row

    assert not is_heading_row(cells, 2)


@pytest.mark.parametrize(("header", "unit"), [
    ("2016计划投资", "万元"),
    ("计划投资（2016年）", "万元"),
    ("计划投资(2016年)(亿元)", "亿元"),
    ("2016年计划", "万元"),
    ("2016年度\n计划投资\n（亿元）", "亿元"),
])
def test_plan_columns_headed_the_ways_offices_head_them(header, unit):
    from innovtrack.ingest.headers import PROJECT_FIELDS, map_header

    cmap = map_header(["项目编号", "项目名称", header], PROJECT_FIELDS, None)
    assert (cmap.plans, cmap.plan_units, cmap.ignored) == ({2016: 2}, {2016: unit}, [])


def test_a_plan_per_year_under_a_spanning_计划投资_cell(tmp_path):
    xlsxwriter = pytest.importorskip("xlsxwriter")
    from innovtrack.ingest.headers import PROJECT_FIELDS
    from innovtrack.ingest.table import open_table

    path = tmp_path / "plans.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    head = ["项目编号", "项目名称", "项目单位", "所在地区", "类别", "领域", "建设性质",
            "总投资（万元）"]
    for col, text in enumerate(head):
        sheet.merge_range(0, col, 1, col, text)
    sheet.merge_range(0, 8, 0, 9, "计划投资（亿元）")
    sheet.write_row(1, 8, ["2016年", "2017年"])
    sheet.write_row(2, 0, ["CX-001", "甲项目", "甲公司", "西宁市", "创新攻坚", "传统", "新建",
                           100, 0.5, 0.25])
    book.close()
    table = open_table(path, PROJECT_FIELDS, required={"code", "total_investment"})
    assert table.header_row == 2
    assert (table.columns.plans, table.columns.plan_units) == (
        {2016: 8, 2017: 9}, {2016: "亿元", 2017: "亿元"})
    assert [n for n, _ in table.rows()] == [3]


def test_a_row_of_units_under_the_header(tmp_path):
    from innovtrack.ingest.headers import PROJECT_FIELDS
    from innovtrack.ingest.table import open_table

    path = tmp_path / "units.csv"
    lines = ["项目编号,项目名称,项目单位,所在地区,类别,领域,建设性质,总投资,2016年计划投资",
             ",,,,,,,亿元,（万元）",
             "CX-001,甲项目,甲公司,西宁市,创新攻坚,传统,新建,1.5,3000"]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="gbk")
    table = open_table(path, PROJECT_FIELDS, required={"code", "total_investment"})
    assert table.header_row == 2
    assert table.columns.units["total_investment"] == "亿元"
    assert table.columns.plan_units == {2016: "万元"}
    assert [n for n, _ in table.rows()] == [3]
