"""所在地区 given as a county or park, and amount cells that carry their own unit."""

import pytest

from innovtrack import programme
from innovtrack.ingest import values


@pytest.mark.parametrize("text, region", [
    ("格尔木市", "海西州"), ("海西州格尔木市", "海西州"), ("湟中县", "西宁市"),
    ("西宁经济技术开发区东川工业园区", "西宁市"), ("乐都区", "海东市"), ("玉树市", "玉树州"),
    ("柴达木循环经济试验区", "海西州"), ("共和县", "海南州"), ("门源回族自治县", "海北州"),
])
def test_counties_and_parks_read_as_their_region(text, region):
    assert programme.region_name(text) == region


@pytest.mark.parametrize("text", ["海西洲", "兰州市", "河南省"])
def test_places_outside_qinghai_stay_errors(text):
    with pytest.raises(programme.UnknownValue):
        programme.region_name(text)


@pytest.mark.parametrize("cell, yuan", [
    ("5000万元", 50_000_000), ("1.2亿元", 120_000_000), ("５０００万元", 50_000_000),
    ("3,000 万元", 30_000_000), ("800元", 800),
])
def test_a_cell_with_its_own_unit(cell, yuan):
    assert values.amount(cell, "亿元") == (yuan, False)


@pytest.mark.parametrize("cell", ["约一千万元", "待定", "万元"])
def test_words_with_a_unit_are_still_not_numbers(cell):
    with pytest.raises(values.CellError):
        values.amount(cell, "万元")


def test_project_import_reads_counties_and_unit_cells(cli, tmp_path):
    path = tmp_path / "县区.csv"
    path.write_text(
        "项目编号,项目名称,项目单位,所在地区,类别,领域,建设性质,总投资,2016年计划投资\n"
        "T-1,项目甲,甲公司,格尔木市,攻坚,传统产业,新建,1.5亿元,3000万元\n", encoding="utf-8")
    run = cli("import", path)
    assert run.code == 0, run.stderr
    import json

    (p,) = json.loads(cli("projects", "list", "--format", "json").stdout)
    assert (p["region"], p["total_investment"], p["plan_2016"]) == ("海西州", 15000, 3000)
