"""Pace and forecast (SPEC §11): 时序进度 from a curve, gap, colour and 预计全年完成 on every row.

The ledger is the report fixture's (test_report.build). Every expected figure is computed here
from the fixture files (fixtures/report/expected.py gives completion and the lagging reasons
that do not depend on the pace) and the curve written out in the test: time progress, gap pp,
colour, the behind reason, the forecast in 元 (half up) and its share of target or plan.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest

from test_report import build, expect, expected, report_json, wan

SHIPPED = [2, 4, 9, 17, 27, 38, 50, 62, 74, 86, 95, 100]
SET_CURVE = "5,10,15,20,25,30,45,60,75,85,92.5,100"  # one decimal, to keep it honest
SET = [Fraction(Decimal(v)) for v in SET_CURVE.split(",")]
LINEAR = [Fraction(100 * m, 12) for m in range(1, 13)]


# --- the expectation, computed from the fixture and the curve ------------------------------


def half_up(value: Fraction) -> int:
    return int((Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal(1), ROUND_HALF_UP)) if value.denominator != 1 else value.numerator


def judged(row_ytd: int, completion: float | None, denominator: int | None, tp: Fraction,
           yellow=10.0, red=30.0) -> dict:
    gap = None if completion is None else completion - float(tp)
    forecast = half_up(Fraction(row_ytd * 100) / tp) if tp > 0 else None
    return {"gap_pp": gap, "warning": expected.colour(gap, yellow, red), "forecast": forecast,
            "forecast_pct": (forecast * 100 / denominator
                             if forecast is not None and denominator else None)}


def paced(year: int, as_of: str, period_start: str, curve: list[Fraction]) -> dict:
    """expected.compute's report re-judged against `curve`: rows and lagging projects."""
    want = expect(year, as_of, period_start)
    tp = curve[int(as_of[5:]) - 1]
    for row in [want["total"], *want["by_category"], *want["by_sector"], *want["by_region"]]:
        denominator = row["target"] if row["target"] is not None else row["plan"]
        row.update(judged(row["actual_ytd"], row["completion_pct"], denominator, tp))
    lagging = {}
    for code in sorted(want["per"]):
        p = want["per"][code]
        p.update(judged(p["ytd"], p["completion"], p["plan"], tp))
        reasons = (["behind"] if p["warning"] in ("yellow", "red") else []) + \
            [r for r in p["reasons"] if r != "behind"]
        p["reasons"] = reasons
        if reasons:
            lagging[code] = p
    want["lagging"] = lagging
    want["tp"] = tp
    return want


def close(got, want) -> bool:
    return got is None if want is None else got == pytest.approx(want, rel=1e-12, abs=1e-9)


def assert_paced_row(got: dict, want: dict, where: str) -> None:
    assert got["label"] == want["label"], where
    assert close(got["completion_pct"], want["completion_pct"]), where
    assert close(got["gap_pp"], want["gap_pp"]), f"{where}: gap_pp"
    assert got["warning"] == want["warning"], f"{where}: warning"
    assert got["forecast"] == wan(want["forecast"]), f"{where}: forecast"
    assert close(got["forecast_pct"], want["forecast_pct"]), f"{where}: forecast_pct"


def assert_paced(got: dict, want: dict) -> None:
    assert got["time_progress_pct"] == pytest.approx(float(want["tp"]), rel=1e-12)
    assert_paced_row(got["total"], want["total"], "total")
    for key in ("by_category", "by_sector", "by_region"):
        assert len(got[key]) == len(want[key]), key
        for g, w in zip(got[key], want[key], strict=True):
            assert_paced_row(g, w, f"{key} {w['label']}")
    assert {x["code"]: x["reasons"] for x in got["lagging"]} == \
           {c: v["reasons"] for c, v in want["lagging"].items()}
    for x in got["lagging"]:
        w = want["per"][x["code"]]
        assert x["warning"] == w["warning"], x["code"]
        assert close(x["gap_pp"], w["gap_pp"]), x["code"]
        assert x["forecast"] == wan(w["forecast"]), x["code"]
        assert close(x["forecast_pct"], w["forecast_pct"]), x["code"]


def set_curve(cli, year=2016, curve=SET_CURVE, source="测试曲线"):
    run = cli("targets", "pace", "set", "--year", str(year), "--curve", curve,
              "--source", source)
    assert run.code == 0, run.stderr


# --- every row, for the linear, the shipped and a set curve ---------------------------------


@pytest.mark.parametrize("pace, curve, use_set", [
    ("linear", LINEAR, False), ("seasonal", [Fraction(v) for v in SHIPPED], False),
    ("seasonal", SET, True)], ids=["linear", "shipped", "set"])
@pytest.mark.parametrize("kind, period", [
    ("quarterly", ("--year", "2016", "--quarter", "2")), ("monthly", ("--month", "2016-05")),
    ("lagging", ("--as-of", "2016-04"))])
def test_every_row_follows_the_pace(cli, ledger, pace, curve, use_set, kind, period):
    build(cli, ledger)
    if use_set:
        set_curve(cli)
    got = report_json(cli, kind, *period, "--pace", pace)
    as_of = got["as_of"]
    want = paced(2016, as_of, "2016-04" if kind == "quarterly" else as_of, curve)
    assert_paced(got, want)
    assert got["pace"]["kind"] == pace
    assert got["pace"]["curve"] == pytest.approx([float(v) for v in curve])
    if use_set:
        assert got["pace"]["source"] == "测试曲线" and got["pace"]["set_at"]
    elif pace == "seasonal":
        assert "内置" in got["pace"]["source"]


def test_linear_is_the_default_and_changes_no_figure(cli, ledger):
    build(cli, ledger)
    set_curve(cli)  # a set curve is only used when asked for
    default = report_json(cli, "quarterly", "--year", "2016", "--quarter", "2")
    linear = report_json(cli, "quarterly", "--year", "2016", "--quarter", "2", "--pace", "linear")
    default.pop("known_at"), linear.pop("known_at")  # each report carries its own stamp
    assert default == linear
    assert default["time_progress_pct"] == 50.0
    assert default["pace"]["kind"] == "linear"
    assert_paced(default, paced(2016, "2016-06", "2016-04", LINEAR))


def test_the_pace_changes_the_colours_for_this_fixture(cli, ledger):
    """Without this the tests above could pass with the pace ignored."""
    lin = paced(2016, "2016-06", "2016-04", LINEAR)
    sea = paced(2016, "2016-06", "2016-04", SET)
    assert lin["lagging"].keys() != sea["lagging"].keys()
    assert [r["warning"] for r in lin["by_region"]] != [r["warning"] for r in sea["by_region"]]


def test_a_curve_for_another_year_is_not_used(cli, ledger):
    build(cli, ledger)
    set_curve(cli, year=2017)
    got = report_json(cli, "quarterly", "--year", "2016", "--quarter", "2", "--pace", "seasonal")
    assert got["pace"]["curve"] == SHIPPED
    assert got["time_progress_pct"] == 38


def test_the_curve_in_force_is_the_latest_recorded_by_known_at(cli, ledger):
    build(cli, ledger)
    set_curve(cli, curve=SET_CURVE, source="第一版")
    between = datetime.now(UTC).isoformat()
    set_curve(cli, curve="1,2,3,4,5,6,7,8,9,10,11,100", source="第二版")
    now = report_json(cli, "quarterly", "--year", "2016", "--quarter", "2", "--pace", "seasonal")
    assert now["pace"]["source"] == "第二版" and now["time_progress_pct"] == 6
    then = report_json(cli, "quarterly", "--year", "2016", "--quarter", "2", "--pace", "seasonal",
                       "--known-at", between)
    assert then["pace"]["source"] == "第一版"
    assert_paced(then, paced(2016, "2016-06", "2016-04", SET))
    before = report_json(cli, "quarterly", "--year", "2016", "--quarter", "2", "--pace",
                         "seasonal", "--known-at", "2000-01-01")
    assert before["pace"]["curve"] == SHIPPED  # nothing set by then
    run = cli("targets", "pace", "list", "--format", "json")
    rows = json.loads(run.stdout)
    assert [(r["source"], r["in_force"]) for r in rows] == [("第一版", False), ("第二版", True)]
    assert rows[0]["curve"] == SET_CURVE


def test_a_pace_that_expects_nothing_yet_gives_no_forecast(cli, ledger):
    build(cli, ledger)
    set_curve(cli, curve="0,0,0,0,0,0,0,0,0,0,0,100")
    got = report_json(cli, "quarterly", "--year", "2016", "--quarter", "2", "--pace", "seasonal")
    want = expect(2016, "2016-06", "2016-04")
    assert got["time_progress_pct"] == 0
    assert got["total"]["gap_pp"] == pytest.approx(want["total"]["completion_pct"])
    assert got["total"]["forecast"] is None and got["total"]["forecast_pct"] is None
    assert all(x["forecast"] is None for x in got["lagging"])
    assert "预计全年" not in got["narrative"]


# --- the learned curve ----------------------------------------------------------------------

# Two complete synthetic years (every month reported) and one that is not (no December).
HISTORY = {
    2014: {"T01": [0, 0, 100, 200, 300, 400, 500, 500, 400, 300, 200, 100],
           "E01": [10, 10, 20, 40, 60, 80, 100, 100, 80, 60, 30, 10]},
    2015: {"T01": [50, 50, 150, 250, 350, 450, 450, 450, 350, 250, 150, 50],
           "E01": [0, 20, 40, 60, 80, 100, 120, 100, 80, 60, 40, 0]},
    2013: {"T01": [900] * 11},
}


def learned_curve() -> list[Fraction]:
    shares = []
    for year in (2014, 2015):
        months = [sum(amounts[m] for amounts in HISTORY[year].values()) for m in range(12)]
        total = sum(months)
        shares.append([Fraction(sum(months[:m + 1]) * 100, total) for m in range(12)])
    return [(a + b) / 2 for a, b in zip(*shares, strict=True)]


def record_history(cli) -> None:
    for year, projects in HISTORY.items():
        run = cli("targets", "set", "--year", str(year), "--amount", "9000")  # a programme year
        assert run.code == 0, run.stderr
        for code, amounts in projects.items():
            for m, amount in enumerate(amounts, 1):
                run = cli("progress", "add", code, "--month", f"{year}-{m:02d}", "--amount",
                          str(amount))
                assert run.code == 0, run.stderr


def test_learned_curve_from_two_complete_years(cli, ledger):
    build(cli, ledger)
    record_history(cli)
    curve = learned_curve()
    assert curve[-1] == 100 and curve[5] != SHIPPED[5]
    got = report_json(cli, "quarterly", "--year", "2016", "--quarter", "2", "--pace", "learned")
    assert got["pace"]["kind"] == "learned"
    assert got["pace"]["years"] == [2014, 2015]  # 2013 lacks December
    assert got["pace"]["curve"] == pytest.approx([float(v) for v in curve], rel=1e-12)
    assert_paced(got, paced(2016, "2016-06", "2016-04", curve))
    monthly = report_json(cli, "monthly", "--month", "2016-05", "--pace", "learned")
    assert_paced(monthly, paced(2016, "2016-05", "2016-05", curve))


def test_learned_falls_back_to_the_years_curve_with_a_note(cli, ledger):
    build(cli, ledger)
    got = report_json(cli, "quarterly", "--year", "2016", "--quarter", "2", "--pace", "learned")
    assert got["pace"]["kind"] == "seasonal" and got["pace"]["curve"] == SHIPPED
    assert got["pace"]["note"] and got["pace"]["note"] in got["notes"]
    assert "完整年度" in got["pace"]["note"]
    assert_paced(got, paced(2016, "2016-06", "2016-04", [Fraction(v) for v in SHIPPED]))
    set_curve(cli)
    got = report_json(cli, "quarterly", "--year", "2016", "--quarter", "2", "--pace", "learned")
    assert got["pace"]["source"] == "测试曲线"
    assert_paced(got, paced(2016, "2016-06", "2016-04", SET))


# --- every format ---------------------------------------------------------------------------


def _quarter(cli, *args):
    run = cli("report", "quarterly", "--year", "2016", "--quarter", "2", "--pace", "seasonal",
              *args)
    assert run.code == 0, run.stderr
    return run


def test_csv_carries_the_forecast(cli, ledger):
    build(cli, ledger)
    set_curve(cli)
    want = paced(2016, "2016-06", "2016-04", SET)
    rows = list(csv.DictReader(io.StringIO(_quarter(cli, "--format", "csv").stdout)))
    total = next(r for r in rows if r["level"] == "total")
    groups = [r for r in rows if r["level"] in ("total", "category", "sector", "region")]
    assert {(r["pace"], float(r["time_progress_pct"])) for r in groups} == {("seasonal", 30.0)}
    assert float(total["forecast"]) == wan(want["total"]["forecast"])
    # CSV percentages carry 4 decimals (SPEC §12)
    assert float(total["forecast_pct"]) == round(want["total"]["forecast_pct"], 4)
    regions = [r for r in rows if r["level"] == "region"]
    assert [r["warning"] for r in regions] == [w["warning"] for w in want["by_region"]]
    assert [float(r["forecast"]) for r in regions] == \
           [wan(w["forecast"]) for w in want["by_region"]]
    run = cli("report", "lagging", "--as-of", "2016-06", "--pace", "seasonal", "--format", "csv")
    lag = {r["code"]: r for r in csv.DictReader(io.StringIO(run.stdout))}
    assert {r["pace"] for r in lag.values()} == {"seasonal"}
    assert set(lag) == set(want["lagging"])
    for code, r in lag.items():
        assert float(r["forecast"]) == wan(want["per"][code]["forecast"]), code


def _yi(yuan: int) -> str:
    return str((Decimal(yuan) / 10**8).quantize(Decimal("0.01"), ROUND_HALF_UP))


def test_table_markdown_and_narrative_name_the_pace_and_the_forecast(cli, ledger):
    build(cli, ledger)
    set_curve(cli)
    want = paced(2016, "2016-06", "2016-04", SET)
    t = want["total"]
    for args in ((), ("--format", "markdown")):
        out = _quarter(cli, *args).stdout
        assert "时序进度 30.00%，按施工季节曲线（测试曲线）" in out
        total_line = next(line for line in out.splitlines() if "合计" in line)
        assert _yi(t["forecast"]) in total_line
        assert f"{t['forecast_pct']:.2f}" in total_line
        assert f"{t['gap_pp']:.2f}" in total_line
    text = _quarter(cli, "--format", "text").stdout
    assert f"按目前进度，预计全年完成投资{_yi(t['forecast'])}亿元，占年度计划的" \
           f"{t['forecast_pct']:.2f}%。" in text
    assert "（时序进度按施工季节曲线计为30.00%）" in text
    gap = f"{'超' if t['gap_pp'] > 0 else '低于'}时序进度{abs(t['gap_pp']):.2f}个百分点"
    assert gap in text
    # the linear narrative quotes its own forecast, and says nothing about a curve
    lin = paced(2016, "2016-06", "2016-04", LINEAR)["total"]
    text = cli("report", "quarterly", "--year", "2016", "--quarter", "2", "--format",
               "text").stdout
    assert f"按目前进度，预计全年完成投资{_yi(lin['forecast'])}亿元，占年度计划的" \
           f"{lin['forecast_pct']:.2f}%。" in text
    assert "时序进度按" not in text


def test_xlsx_rows_detail_and_chart_follow_the_pace(cli, ledger, tmp_path):
    import openpyxl

    build(cli, ledger)
    set_curve(cli)
    want = paced(2016, "2016-06", "2016-04", SET)
    out = tmp_path / "q2.xlsx"
    _quarter(cli, "--format", "xlsx", "--output", out)
    wb = openpyxl.load_workbook(out)
    warn = {"green": "绿", "yellow": "黄", "red": "红", None: None}
    for name, wants, lead in (("总体及分类别", [want["total"], *want["by_category"]], 1),
                              ("分领域", [want["total"], *want["by_sector"]], 2),
                              ("分地区", [want["total"], *want["by_region"]], 1)):
        rows = [list(r) for r in wb[name].iter_rows(values_only=True)]
        heads = [str(h).split("\n")[0] for h in rows[2]]
        gap, colour = heads.index("与时序进度差"), heads.index("预警")
        fc, fcp = heads.index("预计全年完成"), heads.index("预计完成率")
        assert lead < gap
        for row, w in zip(rows[3:], wants, strict=True):
            assert close(row[gap], w["gap_pp"]), (name, w["label"])
            assert row[colour] == warn[w["warning"]], (name, w["label"])
            assert row[fc] == pytest.approx(w["forecast"] / 1e8), (name, w["label"])
            assert close(row[fcp], w["forecast_pct"]), (name, w["label"])
    lag = [list(r) for r in wb["滞后项目"].iter_rows(values_only=True)]
    heads = [str(h).split("\n")[0] for h in lag[2]]
    assert [r[1] for r in lag[3:]] == list(want["lagging"])  # after 序号
    for r in lag[3:]:
        assert r[heads.index("预计全年完成")] == pytest.approx(want["per"][r[1]]["forecast"] / 1e8)
    detail = [list(r)[1:] for r in wb["项目明细"].iter_rows(values_only=True)][4:]
    for r in detail:
        w = want["per"][r[0]]
        if w["plan"] is not None:
            assert close(r[8], w["gap_pp"]) and r[9] == warn[w["warning"]], r[0]
    summary = " ".join(str(c) for r in wb["综述"].iter_rows(values_only=True) for c in r if c)
    assert "时序进度 30.00%，按施工季节曲线（测试曲线）" in summary
    # the monthly chart draws the pace used: the sheet's 时序进度 column is the set curve
    monthly = [list(r) for r in wb["月度进度"].iter_rows(values_only=True)][3:]
    assert [r[4] for r in monthly] == pytest.approx([float(v) for v in SET[:6]])
    with zipfile.ZipFile(out) as z:
        xml = [z.read(n).decode("utf-8") for n in z.namelist()
               if n.startswith("xl/charts/chart")]
    line = next(x for x in xml if "<c:lineChart>" in x)
    assert "时序进度（施工季节曲线）" in line
    assert re.search(r"'?月度进度'?!\$E\$4:\$E\$9", line), line


# --- setting a curve ------------------------------------------------------------------------


@pytest.mark.parametrize("curve, message", [
    ("2,4,9,17,27,38,50,62,74,86,95", "11 numbers given"),
    ("2,4,9,17,27,38,50,62,74,86,95,100,100", "13 numbers given"),
    ("2,4,9,17,27,38,50,62,74,86,95,99", "must end at 100"),
    ("2,4,9,17,27,36,35,62,74,86,95,100", "month 7: 35 is below month 6's 36"),
    ("2,4,九,17,27,38,50,62,74,86,95,100", "month 3: not a number"),
    ("-1,4,9,17,27,38,50,62,74,86,95,100", "month 1: -1 is outside 0–100"),
    ("2,4,9,17,27,38,50,62,74,86,120,100", "outside 0–100"),
    ("", "1 numbers given"),
])
def test_pace_set_rejects_a_bad_curve_and_writes_nothing(cli, snapshot, curve, message):
    cli("targets", "list")  # the ledger exists before the snapshot
    before = snapshot()
    run = cli("targets", "pace", "set", "--year", "2017", "--curve", curve)
    assert run.code == 1
    assert message in run.stderr, run.stderr
    assert "nothing was written" in run.stderr
    assert "Traceback" not in run.stderr
    assert snapshot() == before


def test_pace_set_reads_a_curve_as_pasted_from_a_table(cli):
    set_curve(cli, curve="２％，4%, 9 ,17,27,38,50,62,74,86,95,100")
    got = json.loads(cli("targets", "pace", "list", "--format", "json").stdout)
    assert got[0]["curve"] == ",".join(map(str, SHIPPED))


def test_pace_set_reports_every_problem_at_once(cli):
    run = cli("targets", "pace", "set", "--year", "2017", "--curve", "5,4,x,101")
    assert run.code == 1
    lines = [line for line in run.stderr.splitlines() if line.startswith("--curve:")]
    assert len(lines) == 4, run.stderr  # not a number, out of range, falls, count


def test_pace_list_without_curves_names_the_shipped_one(cli):
    run = cli("targets", "pace", "list")
    assert run.code == 0
    assert ",".join(map(str, SHIPPED)) in run.stderr


def test_unknown_pace_is_a_usage_error(cli):
    run = cli("report", "quarterly", "--pace", "weekly")
    assert run.code == 2 and run.stdout == ""


# --- the pure functions ---------------------------------------------------------------------


def test_forecast_rounds_half_up_to_the_yuan():
    from innovtrack import pace

    assert pace.forecast(1, Fraction(8)) == 13  # 12.5 -> 13
    assert pace.forecast(3, Fraction(8)) == 38  # 37.5 -> 38
    assert pace.forecast(1, Fraction(16)) == 6  # 6.25 -> 6
    assert pace.forecast(123_456_789, Fraction(100)) == 123_456_789
    assert pace.forecast(5, Fraction(0)) is None
    assert pace.forecast(10**15 + 1, Fraction(100, 3)) == 3 * 10**15 + 3  # no float drift
    assert pace.forecast_pct(None, 10) is None and pace.forecast_pct(5, 0) is None


def test_complete_years_need_all_twelve_months_and_a_total():
    from innovtrack import pace

    months = {f"2014-{m:02d}": 10 for m in range(1, 13)}
    months |= {f"2015-{m:02d}": 0 for m in range(1, 13)}  # all reported, nothing spent
    months |= {f"2013-{m:02d}": 10 for m in range(1, 12)}  # December missing
    months |= {f"2016-{m:02d}": 10 for m in range(1, 13)}  # not earlier than 2016
    assert pace.complete_years(months, 2016) == [2014]


# --- the README -----------------------------------------------------------------------------


def test_readme_shows_a_seasonal_report_as_it_prints(cli):
    from test_report_demo import README, _block, _lines, first_command

    first_command(cli)
    text = README.read_text(encoding="utf-8")
    assert "innovtrack report quarterly --year 2016 --quarter 2 --pace seasonal\n" in text
    run = cli("report", "quarterly", "--year", "2016", "--quarter", "2", "--pace", "seasonal")
    assert run.code == 0, run.stderr
    shown = _lines(_block("seasonal"))
    assert "时序进度 38.00%" in shown[1]
    assert _lines(run.stdout)[:len(shown)] == shown, (
        "README is out of date: paste the first table of the --pace seasonal report")


def test_the_command_line_offers_exactly_the_paces_the_ledger_can_load():
    from innovtrack import pace, reportdata
    from innovtrack.cli.report import Pace

    assert tuple(p.value for p in Pace) == pace.KINDS
    assert tuple(reportdata._PACE_LOADERS) == pace.KINDS
