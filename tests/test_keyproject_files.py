"""Files exported by other key-project systems (SPEC §6, last part; issue 15).

The fixtures (tests/fixtures/keyproject/make_fixtures.py) are written the way such a system
writes them: a 月报表 workbook of four sheets listing the same projects by level and by
industry, a title naming 2016年1-7月, a header merged over three rows, subtotal rows first,
no code and only the year-to-date; and a per-project investment table flattened to one row a
project with 年份 and 月份 `7月`. Expectations come from the generator's PROJECTS (figures
made with Decimal from data/seed_projects.csv) and the ledger is read back with plain SQL.
Each trap (a since-start figure as the year-to-date, 计划完成投资 as the amount, a project
counted once per sheet, a subtotal row as data) has a test that fails when it is sprung.
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT
from innovtrack.errors import Rejected
from innovtrack.ledger import import_projects
from innovtrack.progress import import_progress

HERE = FIXTURES / "keyproject"
SEED = ROOT / "data" / "seed_projects.csv"
BOOK = HERE / "月报表_2016-07.xlsx"
FLAT_06 = HERE / "投资情况_2016-06.xlsx"
FLAT_07 = HERE / "投资情况_2016-07.xlsx"


def _generator():
    spec = importlib.util.spec_from_file_location("keyproject_make_fixtures",
                                                  HERE / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


GEN = _generator()
PROJECTS = GEN.PROJECTS
BY_CODE = {p.code: p for p in PROJECTS}


def yuan(wan: Decimal) -> int:
    return int(wan * 10_000)


@pytest.fixture
def seeded(ledger):
    import_projects(ledger, SEED)
    return ledger


def _may_csv(tmp_path: Path) -> Path:
    """The ledger's earlier months: a plain May report giving each project's year-to-date."""
    path = tmp_path / "2016-05.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["项目编号", "月份", "自年初累计完成投资"])
        for p in PROJECTS:
            out.writerow([p.code, "2016-05", str(p.ytd[5])])
    return path


@pytest.fixture
def through_june(seeded, tmp_path):
    """May from a plain CSV, June from the system's flattened table."""
    import_progress(seeded, _may_csv(tmp_path))
    import_progress(seeded, FLAT_06)
    return seeded


def entries(ledger, month: str) -> dict[str, tuple]:
    with ledger.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT p.code, e.amount, e.ytd, e.status, e.progress_text FROM progress_entry e"
            " JOIN project p ON p.id = e.project_id WHERE e.superseded_by IS NULL"
            f" AND e.month = '{month}' ORDER BY p.code").all()
    return {r[0]: tuple(r[1:]) for r in rows}


def entry_count(ledger, month: str) -> int:
    with ledger.read() as conn:
        return conn.exec_driver_sql(
            f"SELECT COUNT(*) FROM progress_entry WHERE month = '{month}'").scalar_one()


def status_of(p) -> str:
    return "building" if p.building else "preparing"


# --- the 月报表 workbook ------------------------------------------------------------------------


def test_the_monthly_workbook_gives_each_month_from_its_year_to_date(through_june):
    result = import_progress(through_june, BOOK)
    assert result.months[0].month == "2016-07"  # from the title's 2016年1-7月
    expected = {p.code: (yuan(p.ytd[7] - p.ytd[6]), yuan(p.ytd[7]), status_of(p), p.status_text)
                for p in PROJECTS}
    assert entries(through_june, "2016-07") == expected
    assert result.derived == len(PROJECTS)


def test_a_project_listed_on_four_sheets_is_recorded_once(through_june):
    """The trap: every sheet's rows taken as entries would count a project up to four times."""
    result = import_progress(through_june, BOOK)
    assert entry_count(through_june, "2016-07") == len(PROJECTS)
    assert result.entries == len(PROJECTS)
    with through_june.read() as conn:
        total = conn.exec_driver_sql("SELECT SUM(amount) FROM progress_entry"
                                     " WHERE month = '2016-07'").scalar_one()
    assert int(total) == sum(yuan(p.ytd[7] - p.ytd[6]) for p in PROJECTS)
    # 24 on 分级管理 and 分行业, 22 on each （在建） sheet: 68 rows listed again
    again = 24 + 22 + 22
    assert any(f"{again} row(s) list a project again on another sheet" in n
               for n in result.notices)
    assert any("read sheets 分级管理, 分级管理（在建）, 分行业, 分行业（在建）; left out 汇总" in n
               for n in result.notices)


def test_sheets_that_disagree_are_an_error_naming_both(through_june, tmp_path):
    p = PROJECTS[3]
    path = tmp_path / "月报表.xlsx"
    GEN.write_monthly_book(path, tamper={("分行业", p.code): p.ytd[7] + 1})
    with pytest.raises(Rejected) as err:
        import_progress(through_june, path)
    (problem,) = err.value.problems
    text = str(problem)
    assert text.startswith(f"{path}[分行业]:")
    assert "1-7月实际完成投资" in text and "sheet 分级管理 row " in text
    assert f"{float(p.ytd[7] + 1)}" in text and f"{float(p.ytd[7])}" in text
    assert entry_count(through_june, "2016-07") == 0


def test_subtotal_rows_are_not_data(through_june):
    """The trap: 其中：在建重点项目（22项）, 一、西宁市（12项） or （一）、在建（10项） read as a
    project would be an unknown name (and its figures counted)."""
    result = import_progress(through_june, BOOK)
    left_out = [n for n in result.notices if "[分级管理]: section heading and subtotal" in n]
    # title 1, 单位 2, header 3-5, 合计 6, 其中 7, 一、西宁市 8, （一）、在建 9, ten projects,
    # （二）、前期 20, two projects, 二、海东市 23, （一）、在建 24, six, 三、海西州 31, （一） 32
    assert left_out and left_out[0].endswith("row 7, 8, 9, 20, 23, 24, 31, 32")
    assert any(n.endswith("[分级管理]: total row(s) left out: row 6") for n in result.notices)


@pytest.mark.parametrize("cells", [
    ["其中：在建重点项目（22项）", None, 1000.5, 2000.25],
    ["一、西宁市（12项）", None, 1000.5],
    ["（一）、在建（8项）", None, 1000.5, 45.2],
    [None, "西宁市（12项）", 1000.5],
    ["（二）、前期（2项）", None, "—", "-", 0.0],
])
def test_subtotals_as_key_project_systems_write_them(cells):
    from innovtrack.ingest.table import is_heading_row

    assert is_heading_row(cells, 1)


def test_a_project_name_with_a_bracket_is_not_a_subtotal():
    from innovtrack.ingest.table import is_heading_row, is_total_row

    cells = [3.0, "年产3万吨高纯铝及电子铝箔项目（二期）", 1000.5]
    assert not is_heading_row(cells, 1)
    assert is_total_row(["合计（24项）", None, 1000.5])


def test_the_header_merged_over_three_rows_is_one_header():
    from innovtrack.ingest.headers import PROGRESS_FIELDS
    from innovtrack.ingest.table import open_table

    table = open_table(BOOK, PROGRESS_FIELDS, required=set())
    assert table.sheet == "分级管理" and table.header_row == 5  # rows 3-5, not row 5 as data
    index = table.columns.index
    assert {f: index[f] for f in ("name", "before_year", "ytd", "status")} == {
        "name": 1, "before_year": 3, "ytd": 5, "status": 7}
    assert "amount" not in index


# --- since-start, plan and percentage columns are never the figures --------------------------


@pytest.mark.parametrize("header", [
    "开工至上一年度底累计完成投资", "开工至报告期累计完成投资", "开工至报告期累计完成投资（万元）",
    "计划完成投资", "1-7月计划完成投资", "7月计划完成投资", "占年计划（%）", "完成投资占年计划%",
    "占总投资（%）", "1-7月完成投资占年计划%",
])
def test_these_headers_are_never_the_amount_or_the_year_to_date(header):
    from innovtrack.ingest.headers import PROGRESS_FIELDS, map_header

    cmap = map_header(["项目名称", header, "年初至报告期累计完成投资"], PROGRESS_FIELDS, None)
    assert cmap.index.get("ytd") == 2
    assert cmap.index.get("amount") != 1
    alone = map_header(["项目名称", header], PROGRESS_FIELDS, None)
    assert "ytd" not in alone.index and "amount" not in alone.index


def test_the_since_start_figure_is_not_taken_for_the_year_to_date(seeded):
    """The trap: 开工至上一年度底累计完成投资 stands left of 1-7月实际完成投资; taken for the
    year-to-date (the first column for a field wins) every July would be wrong."""
    import_progress(seeded, BOOK)
    got = entries(seeded, "2016-07")
    assert {c: v[1] for c, v in got.items()} == {p.code: yuan(p.ytd[7]) for p in PROJECTS}
    assert any(p.before_year != p.ytd[7] for p in PROJECTS)  # the trap would show


# --- the flattened per-project table ----------------------------------------------------------


def test_the_flattened_table_reads_年份_and_7月_and_完成投资_as_the_month(through_june):
    """The trap: 计划完成投资 (the month's plan) taken as the amount."""
    result = import_progress(through_june, FLAT_07)
    assert result.months[0].month == "2016-07"
    expected = {p.code: (yuan(p.ytd[7] - p.ytd[6]), yuan(p.ytd[7]), status_of(p), p.status_text)
                for p in PROJECTS}
    assert entries(through_june, "2016-07") == expected
    assert all(p.plan_month != p.ytd[7] - p.ytd[6] for p in PROJECTS)  # the trap would show
    assert result.derived == 0


def test_完成投资_without_a_year_to_date_column_is_not_the_amount(seeded, tmp_path):
    path = tmp_path / "flat.csv"
    path.write_text("项目名称,年份,月份,计划完成投资,完成投资\n"
                    f"{PROJECTS[0].name},2016,7月,100,50\n", encoding="utf-8")
    with pytest.raises(Rejected) as err:
        import_progress(seeded, path)
    assert "本月完成投资" in str(err.value.problems[0])


def test_a_month_cell_of_another_year_than_年份_is_read_with_it(seeded, tmp_path):
    path = tmp_path / "flat.csv"
    p = PROJECTS[0]
    path.write_text("项目名称,年份,月份,年初至报告期累计完成投资\n"
                    f"{p.name},2016年,3月,{p.ytd[5]}\n", encoding="utf-8")
    result = import_progress(seeded, path)
    assert [m.month for m in result.months] == ["2016-03"]


def _typed(path: Path):
    """The rows of a file as the checks see them (Staged), and the checks' context."""
    from innovtrack.ingest.checks import Context, typed_rows
    from innovtrack.ingest.headers import PROGRESS_FIELDS
    from innovtrack.ingest.table import open_table
    from innovtrack.progress import _book_rows, _layout

    table = open_table(path, PROGRESS_FIELDS, required=set())
    ctx = Context(layout=_layout(table, None, False), years=frozenset({2016}),
                  this_month="2026-12", corrections=False)
    return list(typed_rows(ctx, _book_rows([table], ctx.layout))), ctx


def test_problem_unit_and_due_month_are_kept_on_the_parsed_rows(through_june):
    """责任单位或责任人 and 解决时限 travel with each row, for the problem ledger (SPEC §9)."""
    typed, ctx = _typed(FLAT_07)
    rows = {r.name: r for r in typed}
    assert not ctx.out.problems
    for p in PROJECTS:
        r = rows[p.name]
        assert (r.problem, r.problem_unit, r.due) == (p.problem or None, p.problem_unit or None,
                                                      p.due_month)
        assert r.resolution == ("正在协调" if p.problem else None)


# --- the since-start figure kept with the project, and checked ------------------------------------


def _figures(ledger) -> dict[tuple[str, str], int]:
    with ledger.read() as conn:
        return {(c, t): a for c, t, a in conn.exec_driver_sql(
            "SELECT p.code, f.through, f.amount FROM since_start_figure f JOIN project p"
            " ON p.id = f.project_id")}


def test_since_start_figures_are_kept_and_agree_with_the_ledger(through_june, cli):
    import_progress(through_june, BOOK)
    figures = _figures(through_june)
    for p in PROJECTS:
        assert figures[(p.code, "2015-12")] == yuan(p.before_year)
        assert figures[(p.code, "2016-06")] == yuan(p.before_year + p.ytd[6])
    run = cli("check")
    assert run.code == 0, run.stdout + run.stderr


def test_check_flags_a_since_start_figure_that_disagrees(seeded, tmp_path, cli):
    p = PROJECTS[4]
    june = tmp_path / "投资情况_2016-06.xlsx"
    GEN.write_flat(june, 6, since_off={p.code: 100})  # 100 万元 more than its figures give
    import_progress(seeded, _may_csv(tmp_path))
    import_progress(seeded, june)
    import_progress(seeded, BOOK)  # 开工至上一年度底 for every project
    run = cli("check")
    assert run.code == 1
    expected = p.before_year + p.ytd[6]
    assert f"{p.code} 2016-06: investment since the start reported " \
           f"{expected + 100:,.2f} 万元" in run.stdout
    assert f"{expected:,.2f} 万元 (100.00 万元 more)" in run.stdout
    assert run.stdout.count("investment since the start") == 1


def test_the_investment_before_the_year_is_shown_with_the_project(through_june, cli):
    """Kept with the project: what it had invested before 2016, from its first since-start
    figure (the flattened June table: 开工至报告期) less the ledger's 2016 months."""
    import json

    p = next(q for q in PROJECTS if q.before_year)
    run = cli("projects", "show", p.code, "--format", "json")
    assert run.code == 0, run.stderr
    shown = json.loads(run.stdout)["invested_before"]
    assert shown == [{"year": 2016, "cumulative": float(p.before_year)}]


def test_the_workbook_through_the_command_line(through_june, cli):
    run = cli("progress", "import", str(BOOK))
    assert run.code == 0, run.stderr
    assert run.stdout == ""
    assert f"recorded {len(PROJECTS)} entries for {len(PROJECTS)} project(s) in 1 month(s)" \
           " (2016-07)" in run.stderr
    assert "其中" not in run.stderr  # no subtotal row read as a project


@pytest.mark.parametrize(("cell", "due"), [
    ("2016年9月", "2016-09"), ("2016-10-15", "2016-10"), ("9月底前", "2016-09"),
    ("2016年底前", "2016-12"), ("年底", "2016-12"), ("无", None), ("长期", None),
])
def test_due_months_as_people_write_them(tmp_path, cell, due):
    path = tmp_path / "flat.csv"
    path.write_text("项目名称,年份,月份,年初至报告期累计完成投资,存在的问题,责任单位或责任人,解决时限\n"
                    f"{PROJECTS[0].name},2016,7月,100,用地未批,省国土资源厅,{cell}\n",
                    encoding="utf-8")
    (row,), ctx = _typed(path)
    assert (row.problem_unit, row.due) == ("省国土资源厅", due)
    assert bool(ctx.out.due_unread) == (cell == "长期")
