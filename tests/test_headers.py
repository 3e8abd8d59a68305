"""Header variants that monthly report forms use: period names and 额 suffixes."""

import pytest

from innovtrack.ingest.headers import PROGRESS_FIELDS, PROJECT_FIELDS, map_header


@pytest.mark.parametrize("header, field, unit", [
    ("1-6月累计完成投资（万元）", "ytd", "万元"),
    ("2016年1～6月完成投资（亿元）", "ytd", "亿元"),
    ("1至3月完成投资", "ytd", "万元"),
    ("本年累计完成投资额(亿元)", "ytd", "亿元"),
    ("6月完成投资（万元）", "amount", "万元"),
    ("3月份完成投资额", "amount", "万元"),
    ("本月完成投资额（亿元）", "amount", "亿元"),
    ("自年初累计完成投资额", "ytd", "万元"),
])
def test_progress_period_headers(header, field, unit):
    cmap = map_header(["项目编号", header], PROGRESS_FIELDS, None)
    assert cmap.index.get(field) == 1, cmap
    assert cmap.units[field] == unit
    assert not cmap.ignored


def test_period_words_do_not_capture_other_columns():
    cmap = map_header(["项目编号", "计划开工时间", "备注", "12月底形象进度"], PROGRESS_FIELDS, None)
    assert "amount" not in cmap.index and "ytd" not in cmap.index


def test_project_total_with_e_suffix():
    cmap = map_header(["项目编号", "项目名称", "总投资额（亿元）"], PROJECT_FIELDS, None)
    assert cmap.index["total_investment"] == 2 and cmap.units["total_investment"] == "亿元"
