"""Single cells as offices write them: months, text, and the vocabulary of SPEC §5/§6."""

from __future__ import annotations

import datetime as dt

import pytest

from innovtrack import programme
from innovtrack.ingest import values


@pytest.mark.parametrize("cell, month", [
    ("2016-03", "2016-03"), ("2016-3", "2016-03"), ("2016年3月", "2016-03"),
    ("2016年3月份", "2016-03"), ("２０１６年３月", "2016-03"), ("201603", "2016-03"),
    ("2016/03/15", "2016-03"), ("2016.03", "2016-03"), ("2016-03-01 00:00:00", "2016-03"),
    ("2016年3月底", "2016-03"), ("2016年6月下旬", "2016-06"), ("2016年底", "2016-12"),
    (dt.date(2016, 3, 1), "2016-03"), (dt.datetime(2016, 11, 30, 8, 0), "2016-11"),
    (201603, "2016-03"), (201603.0, "2016-03"), (2016.03, "2016-03"), (2016.12, "2016-12"),
])
def test_months_as_offices_write_them(cell, month):
    assert values.month(cell) == month


@pytest.mark.parametrize("cell", [
    "2016年13月", "2016-00", "明年三月", "三月", "2016", "16-03", "201613", "2016-03-01-02",
    "1899-01", 2016.1,  # a number: 2016.10 or 2016.01?
])
def test_malformed_or_ambiguous_months_are_errors(cell):
    with pytest.raises(values.CellError):
        values.month(cell)


def test_cell_text():
    assert values.text(None) == ""
    assert values.text("  甲  ") == "甲"
    assert values.text(12.0) == "12"
    assert values.text(8.2) == "8.2"
    assert values.text(dt.date(2016, 3, 1)) == "2016-03-01"


@pytest.mark.parametrize("value, code", [
    ("新建", "new"), ("续建", "continuing"), ("新建项目", "new"), ("continuing", "continuing")])
def test_stages(value, code):
    assert programme.stage_code(value) == code


@pytest.mark.parametrize("value, code", [
    ("前期", "preparing"), ("在建", "building"), ("开工", "building"), ("复工", "building"),
    ("已开工", "building"), ("已复工", "building"), ("建成投产", "producing"),
    ("投产", "producing"), ("已投产", "producing"), ("建成", "producing"),
    ("停缓建", "suspended"), ("停建", "suspended"), ("缓建", "suspended")])
def test_statuses_of_spec_section_6(value, code):
    assert programme.status_code(value) == code


@pytest.mark.parametrize("value, category, code", [
    ("传统产业", "tackling", "traditional"), ("传统", "tackling", "traditional"),
    ("节能环保产业", "tackling", "green"), ("有色和冶金", "enterprise", "metallurgy"),
    ("新能源", "enterprise", "new_energy"), ("新能源", "tackling", None),
])
def test_sectors_are_read_within_their_category(value, category, code):
    if code is None:
        with pytest.raises(programme.UnknownValue):
            programme.sector_code(value, category)
    else:
        assert programme.sector_code(value, category) == code


def test_national_code_format():
    assert values.NATIONAL_CODE.match("2016-630100-26-03-000123").groups() == (
        "2016", "630100", "26", "03", "000123")
    for code in ("2016-630100-26-03-00012", "CX-001", "2016630100260300012 3"):
        assert values.NATIONAL_CODE.match(code) is None


def test_an_industry_given_as_a_tackling_sector_names_its_sector():
    with pytest.raises(programme.UnknownValue, match="industry of 新兴产业"):
        programme.sector_code("新能源", "tackling")
