"""Money (SPEC §2): integer 元 from any cell an office writes; 万元/亿元 text and JSON out."""

from __future__ import annotations

from decimal import Decimal

import pytest

from innovtrack import money
from innovtrack.ingest import values


@pytest.mark.parametrize("cell, unit, yuan", [
    ("1234", "万元", 12_340_000),
    ("1234.5", "万元", 12_345_000),
    ("0.0001", "万元", 1),
    ("1,234,567.89", "万元", 12_345_678_900),
    ("１２３４", "万元", 12_340_000),  # full-width digits
    ("１，２３４．５", "万元", 12_345_000),  # full-width separator and point
    (" 1 234 ", "万元", 12_340_000),  # spaces (and no-break spaces) inside
    ("1\u00a0234", "万元", 12_340_000),
    ("8.2", "亿元", 820_000_000),
    ("15.60005", "亿元", 1_560_005_000),
    ("327", "亿元", 32_700_000_000),
    ("+5", "万元", 50_000),
    ("0", "万元", 0),
    ("-500", "万元", -5_000_000),  # parsed; negative amounts are refused by validation
    ("12", "元", 12),
    (12, "万元", 120_000),
    (Decimal("0.75"), "万元", 7_500),
])
def test_text_and_numbers_become_integer_yuan(cell, unit, yuan):
    got, rounded = money.to_yuan(cell, unit)
    assert (got, rounded) == (yuan, False)
    assert type(got) is int


@pytest.mark.parametrize("number, unit, yuan", [
    (8.2, "亿元", 820_000_000),  # 8.2 is 8.1999999999999992894572642398998141288757… as a float
    (0.1, "万元", 1_000),
    (4.200075, "亿元", 420_007_500),
    (0.560025, "亿元", 56_002_500),
    (1809.0, "亿元", 180_900_000_000),
    (98.5, "亿元", 9_850_000_000),
    (1e-4, "万元", 1),
])
def test_a_numeric_spreadsheet_cell_is_read_by_its_shortest_decimal_form(number, unit, yuan):
    assert money.to_yuan(number, unit) == (yuan, False)


def test_float_arithmetic_would_have_been_wrong():
    # The reason for the shortest form: naive float arithmetic drops a 元.
    assert int(8.2 * 100_000_000) == 819_999_999
    assert money.to_yuan(8.2, "亿元")[0] == 820_000_000


@pytest.mark.parametrize("cell, unit, yuan", [
    ("1234.56789", "万元", 12_345_679),  # 12345678.9 元
    ("0.00004", "万元", 0),  # 0.4 元
    ("0.00005", "万元", 1),  # 0.5 元: half up
    ("12.5", "元", 13),
    ("8.000000001", "亿元", 800_000_000),  # 0.1 元
    (0.30000000000000004, "亿元", 30_000_000),  # a spreadsheet sum that is not quite 0.3
])
def test_amounts_finer_than_one_yuan_are_rounded_and_say_so(cell, unit, yuan):
    assert money.to_yuan(cell, unit) == (yuan, True)


@pytest.mark.parametrize("cell", [
    "约一千", "待定", "一千万", "1千", "", "   ", "1,23", "12,3456", "1.2.3",
    "NaN", "Infinity", "-", "—", "1e", True, "12 万",
])
def test_text_that_is_not_a_number_is_an_error_not_a_guess(cell):
    with pytest.raises(money.AmountError):
        money.to_yuan(cell, "万元")
    with pytest.raises(values.CellError):
        values.amount(cell, "万元")


@pytest.mark.parametrize("cell", [float("nan"), float("inf"), Decimal("NaN")])
def test_cells_that_are_not_finite_numbers_are_errors(cell):
    with pytest.raises(money.AmountError):
        money.to_yuan(cell, "万元")


def test_a_date_in_an_amount_column_is_named_as_written():
    import datetime as dt

    with pytest.raises(money.AmountError, match=r"not a number: '2016-03-01'"):
        money.to_yuan(dt.date(2016, 3, 1), "万元")


def test_units_by_name():
    assert [money.unit_name(u) for u in ("万元", "万", "wan", "亿元", "亿", "YI", " 元 ")] == \
        ["万元", "万元", "万元", "亿元", "亿元", "亿元", "元"]
    with pytest.raises(money.AmountError):
        money.unit_name("美元")


@pytest.mark.parametrize("text, scale, want", [
    ("1234", 10_000, 12_340_000),
    ("1234.5", 10_000, 12_345_000),
    ("0.0001", 10_000, 1),
    ("12.34", 100_000_000, 1_234_000_000),
    ("1.5", 1, None),  # finer than 元: the slow path rounds and counts it
    ("0.00001", 10_000, None),
    ("1,234", 10_000, None),
    ("１２", 10_000, None),
    ("-5", 10_000, None),
    ("", 10_000, None),
    ("1.", 10_000, None),
])
def test_fast_path_takes_only_plain_digits_and_agrees_with_the_slow_one(text, scale, want):
    assert money.fast_to_yuan(text, scale) == want
    if want is not None:
        unit = {1: "元", 10_000: "万元", 100_000_000: "亿元"}[scale]
        assert money.to_yuan(text, unit) == (want, False)


@pytest.mark.parametrize("yuan, unit, text", [
    (820_000_000, "亿元", "8.20"),
    (1_560_005_000, "亿元", "15.60"),
    (180_900_000_000, "亿元", "1,809.00"),
    (820_000_000, "万元", "82,000.00"),
    (5_000, "亿元", "0.00"),
    (500_000, "亿元", "0.01"),  # half up, from the exact 元
    (-150_000_000, "亿元", "-1.50"),
    (None, "亿元", ""),
])
def test_table_text(yuan, unit, text):
    assert money.fmt(yuan, unit) == text


@pytest.mark.parametrize("yuan, want", [
    (820_000_000, 82_000),
    (1_560_005_000, 156_000.5),
    (420_007_500, 42_000.75),
    (1, 0.0001),
    (12_345, 1.2345),
    (None, None),
])
def test_json_numbers_are_wan_with_at_most_four_decimals(yuan, want):
    got = money.to_unit(yuan)
    assert got == want
    if want is not None:
        assert type(got) is type(want)


def test_money_alone_takes_no_unit_in_the_cell_but_the_cell_reader_does():
    # money.to_yuan is given the unit; the cell reader reads one a cell names (5000万元).
    with pytest.raises(money.AmountError):
        money.to_yuan("100万元", "万元")
    assert values.amount("100万元", "亿元") == (1_000_000, False)
