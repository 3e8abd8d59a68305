"""The pure roll-up on hand-made rows: SPEC §5's definitions at their edges, no ledger at all.

Each expectation is worked out by hand in the test (small round numbers), never taken from the
code under test.
"""

from __future__ import annotations

import pytest

from innovtrack.rollup import (
    Earlier,
    ProblemFact,
    ReportInput,
    ReportSpec,
    TargetFact,
    roll_up,
    warning_colour,
)

WAN = 10_000


def spec(as_of="2016-06", period_start="2016-04", **kw) -> ReportSpec:
    return ReportSpec(kind="quarterly", year=2016, as_of=as_of, period_start=period_start,
                      quarter=int(as_of[5:]) // 3, **kw)


def project(pid, code, *, plan=100 * WAN, stage="continuing", region="西宁市",
            category="tackling", sector="traditional", start=None, completion="2017-06",
            state="active", withdrawn=None, unit="某责任单位"):
    return (pid, code, f"项目{code}", f"企业{code}", region, category, sector, stage, unit, start,
            completion, state, withdrawn, plan)


def run(rows, sums=None, at_month=None, earlier=None, targets=(), monthly=None, **kw):
    return roll_up(ReportInput(spec=spec(**kw), projects=rows, sums=sums or {},
                               at_month=at_month or {}, earlier=earlier or {}, targets=targets,
                               monthly=monthly))


@pytest.mark.parametrize("gap, colour", [
    (0.0, "green"), (-10.0, "green"), (-10.0001, "yellow"), (-30.0, "yellow"),
    (-30.0001, "red"), (25.0, "green"), (None, None),
])
def test_warning_colour_boundaries(gap, colour):
    assert warning_colour(gap, 10, 30) == colour


def test_group_measures_against_target_and_project_against_plan():
    # two projects, plans 100 and 300 万元; ytd 40 and 120 (40 %); target 500 (32 %)
    rows = [project(1, "A", plan=100 * WAN), project(2, "B", plan=300 * WAN)]
    sums = {1: (40 * WAN, 10 * WAN), 2: (120 * WAN, 30 * WAN)}
    at_month = {1: ("building", None), 2: ("building", None)}
    report = run(rows, sums, at_month, targets=[TargetFact(None, None, 500 * WAN)])
    total = report.total
    assert (total.target, total.plan, total.actual_ytd, total.actual_period) == \
           (500 * WAN, 400 * WAN, 160 * WAN, 40 * WAN)
    assert total.completion_pct == pytest.approx(32.0)
    assert total.gap_pp == pytest.approx(-18.0)
    assert total.warning == "yellow"
    assert total.basis == "target"
    # each project: 40 % of its plan, 10 points below 50 %: green, not lagging
    assert report.lagging == []
    assert [line.warning for line in report.lines()] == ["green", "green"]
    # the category has no target here: measured against its plans (40 %)
    (category,) = report.by_category
    assert category.target is None and category.completion_pct == pytest.approx(40.0)


def test_a_project_exactly_at_the_yellow_margin_is_not_behind():
    rows = [project(1, "A", plan=100 * WAN), project(2, "B", plan=100 * WAN)]
    sums = {1: (40 * WAN, 0), 2: (39 * WAN, 0)}  # 40 % (gap −10) and 39 % (gap −11)
    at_month = {1: ("building", None), 2: ("building", None)}
    report = run(rows, sums, at_month)
    assert [(x.facts.code, x.reasons, x.warning) for x in report.lagging] == \
           [("B", ("behind",), "yellow")]


def test_started_and_completed_from_the_latest_status():
    rows = [project(1, "BUILD"), project(2, "DONE", completion="2016-05"),
            project(3, "SUSP_AFTER_BUILD"), project(4, "SUSP_NEVER_BUILT"),
            project(5, "PREP", stage="new", start="2016-03"),
            project(6, "NO_STATUS_AT_M"), project(7, "SILENT", stage="new", start="2016-08")]
    at_month = {1: ("building", None), 2: ("producing", None), 3: ("suspended", None),
                4: ("suspended", None), 5: ("preparing", None), 6: (None, None)}
    earlier = {3: Earlier("building", True, None, None), 4: Earlier("preparing", False, None, None),
               6: Earlier("building", True, None, None), 7: Earlier(None, False, None, None)}
    sums = {pid: (50 * WAN, 0) for pid in range(1, 8)}  # 50 % everywhere: nobody behind
    report = run(rows, sums, at_month, earlier)
    total = report.total
    # started: BUILD, DONE, SUSP_AFTER_BUILD, NO_STATUS_AT_M (building before M)
    assert total.started == 4
    assert (total.new_projects, total.new_started) == (2, 0)
    assert (total.continuing, total.continuing_started) == (5, 4)
    assert total.completed == 1
    assert (total.due, total.due_completed) == (1, 1)
    assert total.production_rate == pytest.approx(100.0)
    assert total.start_rate == pytest.approx(4 / 7 * 100)
    reasons = {x.facts.code: x.reasons for x in report.lagging}
    # PREP missed June; SILENT's planned start (August) is later, so not yet; it did not report
    assert reasons == {"PREP": ("not_started",), "SILENT": ("unreported",)}


def test_not_started_waits_for_a_later_planned_start():
    rows = [project(1, "LATE", stage="new", start="2016-09")]
    sums = {1: (0, 0)}
    at_month = {1: ("preparing", None)}
    assert run(rows, sums, at_month, as_of="2016-08", period_start="2016-08").lagging[0].reasons \
        == ("behind",)
    report = run(rows, sums, at_month, as_of="2016-09", period_start="2016-07")
    assert report.lagging[0].reasons == ("behind", "not_started")
    assert report.lagging[0].start_deadline == "2016-09"


def test_withdrawn_projects_count_until_their_month():
    rows = [project(1, "A"), project(2, "OUT", state="withdrawn", withdrawn="2016-05"),
            project(3, "LATER", state="withdrawn", withdrawn="2016-07")]
    sums = {1: (10 * WAN, 0), 2: (20 * WAN, 0), 3: (30 * WAN, 0)}
    at_month = {1: ("building", None), 3: ("building", None)}
    report = run(rows, sums, at_month)
    assert report.total.projects == 2
    assert report.total.actual_ytd == 40 * WAN
    assert report.total.plan == 200 * WAN
    assert [p.code for p in report.withdrawn] == ["OUT"]
    assert any("OUT" in n for n in report.notes)


def test_no_plan_means_no_completion_and_a_note():
    rows = [project(1, "NOPLAN", plan=None), project(2, "A", plan=100 * WAN)]
    sums = {1: (5 * WAN, 0), 2: (60 * WAN, 0)}
    at_month = {1: ("building", None), 2: ("building", None)}
    report = run(rows, sums, at_month)
    lines = {x.facts.code: x for x in report.lines()}
    assert lines["NOPLAN"].completion_pct is None and lines["NOPLAN"].warning is None
    assert report.total.plan == 100 * WAN and report.total.no_plan == 1
    assert report.total.actual_ytd == 65 * WAN
    assert [p.code for p in report.no_plan] == ["NOPLAN"]


def test_region_filter_measures_against_plans_only():
    rows = [project(1, "A", region="海西州")]
    sums = {1: (30 * WAN, 0)}
    report = run(rows, sums, {1: ("building", None)},
                 targets=[TargetFact(None, None, 1000 * WAN)], region="海西州")
    assert report.total.target is None
    assert report.total.completion_pct == pytest.approx(30.0)
    assert report.targets_published is False


def test_problems_open_at_the_as_of_month_grouped_by_the_unit_to_solve_them():
    rows = [project(1, "A", unit="甲局"), project(2, "B", unit="乙局"), project(3, "C", unit="甲局"),
            project(4, "D", unit=None)]
    facts = [ProblemFact(1, 1, "缺电", "2016-06", "甲局", "2016-07", None),
             ProblemFact(2, 2, "资金", "2016-03", "乙局", "2016-04", "2016-05"),  # resolved
             ProblemFact(3, 3, "用地未批", "2016-02", "甲局、丙委", "2016-04", "2016-07"),
             ProblemFact(4, 4, "缺水", "2016-06", None, "2016-07", None)]
    sums = {pid: (50 * WAN, 0) for pid in range(1, 5)}
    at_month = {pid: ("building", None) for pid in range(1, 5)}
    report = roll_up(ReportInput(spec=spec(), projects=rows, sums=sums, at_month=at_month,
                                 earlier={}, targets=(), monthly=None, problems=facts))
    got = [(g.responsible_unit, [(i.code, i.month, i.age_months, i.overdue) for i in g.items])
           for g in report.problems]
    # C's problem: raised in February, due in April, resolved only in July: open, 4 months,
    # overdue at June. A's is new in June (due July): not overdue. B's was resolved in May.
    assert got == [("甲局、丙委", [("C", "2016-02", 4, True)]),
                   ("甲局", [("A", "2016-06", 0, False)]),
                   ("未明确责任单位", [("D", "2016-06", 0, False)])]
    units = {u.unit: (u.projects, u.open_problems, u.overdue_problems) for u in report.by_unit}
    assert units == {"甲局": (2, 2, 1), "乙局": (1, 0, 0), "丙委": (0, 1, 1),
                     "未明确责任单位": (1, 1, 0)}


def test_monthly_curve_is_cumulative_against_the_total_denominator():
    rows = [project(1, "A", plan=120 * WAN)]
    monthly = [("2016-01", 10 * WAN), ("2016-03", 20 * WAN)]
    report = run(rows, {1: (30 * WAN, 20 * WAN)}, {1: ("building", None)}, monthly=monthly,
                 as_of="2016-03", period_start="2016-01")
    assert [(m.month, m.amount, m.cumulative) for m in report.monthly] == [
        ("2016-01", 10 * WAN, 10 * WAN), ("2016-02", 0, 10 * WAN),
        ("2016-03", 20 * WAN, 30 * WAN)]
    assert report.monthly[-1].completion_pct == pytest.approx(25.0)
    assert report.monthly[-1].time_progress_pct == pytest.approx(25.0)


def test_detail_rows_agree_with_project_lines():
    rows = [project(i, f"P{i}", plan=(i * 37 % 90 + 10) * WAN) for i in range(1, 40)]
    sums = {i: ((i * 53 % 100) * WAN, (i * 11 % 40) * WAN) for i in range(1, 40)}
    at_month = {i: ("building", None) for i in range(1, 40)}
    report = run(rows, sums, at_month)
    detail = list(report.detail_rows())
    lines = list(report.lines())
    assert [d[0] for d in detail] == [x.facts.code for x in lines]
    for d, x in zip(detail, lines, strict=True):
        assert d[4:] == (x.facts.plan, x.facts.ytd, x.facts.period, x.completion_pct, x.gap_pp,
                         x.warning)
    behind = {x.facts.code for x in lines if x.warning in ("yellow", "red")}
    assert {x.facts.code for x in report.lagging} == behind
