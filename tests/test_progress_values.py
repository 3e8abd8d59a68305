"""Small pieces of progress checking: code suggestions, the month in a title, packing."""

from __future__ import annotations

import pytest

from innovtrack.ingest.progress import month_from_title, nearest_codes, ordinal, wan

CODES = [f"CX-{i:03d}" for i in range(1, 101)] + [f"QY-{i:03d}" for i in range(1, 101)]


@pytest.mark.parametrize("typed, first", [
    ("CX-01", "CX-001"), ("cx 001", "CX-001"), ("CX-0O5", "CX-005"), ("QY-l00", "QY-100"),
    ("ＣＸ－０１２", "CX-012"), ("QY-0099", "QY-099"),
])
def test_nearest_codes_put_the_likely_one_first(typed, first):
    assert nearest_codes(typed, CODES)[0] == first


def test_nearest_codes_may_find_nothing():
    assert nearest_codes("ZZZZZZZZ", CODES) == []


@pytest.mark.parametrize("lines, month", [
    (["青海省百项创新攻坚工程2016年3月项目进展情况表"], "2016-03"),
    (["填报单位：海西州工信局", "2016 年 11 月份"], "2016-11"),
    (["２０１６年１２月"], "2016-12"),
    (["项目进展情况表", "单位：万元"], None),
    (["2016年13月"], None),
])
def test_month_from_title(lines, month):
    assert month_from_title(lines) == month


def test_ordinal_orders_months_across_years():
    assert ordinal("2016-12") + 1 == ordinal("2017-01")
    assert sorted(["2017-01", "2016-12", "2016-02"], key=ordinal) == ["2016-02", "2016-12",
                                                                      "2017-01"]


@pytest.mark.parametrize("yuan, text", [(12_345_600, "1,234.56 万元"), (10_000, "1 万元"),
                                        (-2_000_000, "-200 万元"), (1, "0.0001 万元")])
def test_wan_text_is_exact(yuan, text):
    assert wan(yuan) == text
