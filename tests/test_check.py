"""`innovtrack check` (issue 2, item 6): published targets and counts against the project list.

Expected disagreements are computed here from expected.json and SPEC §1's figures, not by
innovtrack.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from innovtrack.ledger import import_projects
from ledger_rows import EXPECTED, PROJECTS_DIR

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "seed_projects.csv"
BASE = EXPECTED["good"]["office_gb18030.csv"]["projects"]
YI = 100_000_000
SCOPE_LABEL = {(None, None): "合计", ("tackling", None): "创新攻坚项目",
               ("enterprise", None): "企业技术创新项目",
               ("tackling", "traditional"): "创新攻坚项目·传统产业",
               ("tackling", "emerging"): "创新攻坚项目·新兴产业",
               ("tackling", "green"): "创新攻坚项目·节能环保",
               ("tackling", "electronics"): "创新攻坚项目·电子信息",
               ("enterprise", "equipment"): "企业技术创新项目·装备制造",
               ("enterprise", "biomedicine"): "企业技术创新项目·生物医药"}
# SPEC §1
PUBLISHED = {(None, None): (327 * YI, 200), ("tackling", None): (288 * YI, 100),
             ("enterprise", None): (39 * YI, 100), ("tackling", "traditional"): (169 * YI, 45),
             ("tackling", "emerging"): (9_850_000_000, 44), ("tackling", "green"): (650_000_000, 5),
             ("tackling", "electronics"): (14 * YI, 6)}


def yi(yuan: int) -> str:
    value = (Decimal(yuan) / YI).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"{value:,}"


def sums(projects: list[dict], year: str) -> dict[tuple, tuple[int, int]]:
    """(plan sum in 元, project count) for every scope, from the fixture's own figures."""
    out: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for p in projects:
        for scope in ((None, None), (p["category"], None), (p["category"], p["sector"])):
            out[scope][0] += p["plans"].get(year, 0)
            out[scope][1] += 1
    return {k: (v[0], v[1]) for k, v in out.items()}


def set_targets(ledger, year: int, targets: dict[tuple, tuple[int, int | None]]) -> None:
    with ledger.write() as conn:
        conn.exec_driver_sql("DELETE FROM target")
        for (category, sector), (amount, count) in targets.items():
            conn.exec_driver_sql(
                "INSERT INTO target (year, category, sector, amount, projects, source, set_at)"
                f" VALUES ({year}, {_sql(category)}, {_sql(sector)}, {amount}, {_sql(count)},"
                " 'test', '2017-01-01')")


def _sql(value) -> str:
    if value is None:
        return "NULL"
    return str(value) if isinstance(value, int) else f"'{value}'"


@pytest.fixture
def consistent(ledger):
    """The base list, with 2017 targets that agree with it scope by scope."""
    import_projects(ledger, PROJECTS_DIR / "office_gb18030.csv")
    targets = sums(BASE, "2017")
    set_targets(ledger, 2017, targets)
    return targets


def test_consistent_ledger_passes(cli, consistent):
    run = cli("check")
    assert run.code == 0, run.stdout + run.stderr
    assert run.stdout == ""
    assert "agree" in run.stderr
    run = cli("check", "--format", "json")
    assert run.code == 0 and json.loads(run.stdout) == []


def test_each_disagreement_is_listed_and_exits_1(cli, ledger, consistent):
    plan, count = consistent[("tackling", "emerging")]
    changed = dict(consistent)
    changed[("tackling", "emerging")] = (plan + 150_000_000, count)  # 1.5 亿元 more
    changed[("enterprise", None)] = (consistent[("enterprise", None)][0],
                                     consistent[("enterprise", None)][1] + 2)
    eq = ("enterprise", "equipment")
    changed[eq] = (consistent[eq][0] + YI, consistent[eq][1])
    set_targets(ledger, 2017, changed)
    run = cli("check")
    assert run.code == 1
    lines = run.stdout.splitlines()
    assert len(lines) == 3, run.stdout
    assert lines[0].startswith("2017 创新攻坚项目·新兴产业: ")  # in the plan's order
    assert f"target {yi(plan + 150_000_000)} 亿元" in lines[0]
    assert f"sum to {yi(plan)} 亿元" in lines[0]
    assert "1.50 亿元" in lines[0]
    assert lines[1].startswith("2017 企业技术创新项目: ")
    assert f"{count_of(changed, ('enterprise', None))} projects published" in lines[1]
    assert f"{consistent[('enterprise', None)][1]} active" in lines[1]
    assert lines[2].startswith("2017 企业技术创新项目·装备制造: ")
    assert "3 disagreement(s)" in run.stderr

    rows = json.loads(cli("check", "--format", "json").stdout)
    assert [(r["check"], r["scope"]) for r in rows] == [
        ("target", "2017 创新攻坚项目·新兴产业"), ("projects", "2017 企业技术创新项目"),
        ("target", "2017 企业技术创新项目·装备制造")]
    assert (rows[0]["expected"], rows[0]["actual"], rows[0]["unit"]) == (
        (plan + 150_000_000) / 10_000, plan / 10_000, "万元")
    assert (rows[1]["expected"], rows[1]["actual"], rows[1]["unit"]) == (
        consistent[("enterprise", None)][1] + 2, consistent[("enterprise", None)][1], None)


def count_of(targets, scope) -> int:
    return targets[scope][1]


def test_the_latest_target_for_a_scope_counts(cli, ledger, consistent):
    # `targets set` appends; an older figure for the same scope is history, not a target.
    with ledger.write() as conn:
        conn.exec_driver_sql(
            "INSERT INTO target (year, category, sector, amount, projects, source, set_at)"
            " VALUES (2017, NULL, NULL, 1, 1, 'newer', '2017-02-01')")
    run = cli("check")
    assert run.code == 1
    assert len(run.stdout.splitlines()) == 2  # the 合计 amount and count
    with ledger.write() as conn:
        plan, count = consistent[(None, None)]
        conn.exec_driver_sql(
            "INSERT INTO target (year, category, sector, amount, projects, source, set_at)"
            f" VALUES (2017, NULL, NULL, {plan}, {count}, 'newest', '2017-03-01')")
    assert cli("check").code == 0


def test_withdrawn_projects_leave_the_sums(cli, ledger, consistent):
    gone = next(p for p in BASE if p["code"] == "QY-009")
    with ledger.write() as conn:
        conn.exec_driver_sql("UPDATE project SET state = 'withdrawn', withdrawn_month = '2016-06'"
                             " WHERE code = 'QY-009'")
    run = cli("check")
    assert run.code == 1
    scopes = [(None, None), ("enterprise", None), ("enterprise", gone["sector"])]
    lines = run.stdout.splitlines()
    assert len(lines) == 2 * len(scopes)  # each scope: its plan sum and its count
    for scope in scopes:
        plan, count = consistent[scope]
        label = f"2017 {SCOPE_LABEL[scope]}: "
        mine = [line for line in lines if line.startswith(label)]
        assert len(mine) == 2
        assert f"sum to {yi(plan - gone['plans']['2017'])} 亿元" in mine[0]
        assert f"{count} projects published, {count - 1} active" in mine[1]


def test_against_the_published_2016_programme_every_gap_is_listed(cli, ledger):
    import_projects(ledger, PROJECTS_DIR / "office_gb18030.csv")
    run = cli("check")
    assert run.code == 1
    lines = run.stdout.splitlines()
    have = sums(BASE, "2016")
    want = 0
    for scope, (target, count) in PUBLISHED.items():
        plan, n = have.get(scope, (0, 0))
        label = f"2016 {SCOPE_LABEL[scope]}: "
        mine = [line for line in lines if line.startswith(label)
                and ("target" in line or "projects published" in line)]
        assert len(mine) == 2, (scope, mine)
        assert f"target {yi(target)} 亿元" in mine[0] and f"sum to {yi(plan)} 亿元" in mine[0]
        assert f"{count} projects published, {n} active" in mine[1]
        want += 2
    enterprises = len({p["enterprise"] for p in BASE})
    total = sum(p["total_investment"] for p in BASE)
    assert any(f"182 enterprises published, {enterprises} " in line for line in lines)
    assert any("1,809.00 亿元" in line and f"{yi(total)} 亿元" in line for line in lines)
    assert len(lines) == want + 2
    assert f"{want + 2} disagreement(s)" in run.stderr


def test_year_to_date_figures_that_disagree_with_the_months_are_listed(cli, ledger, consistent):
    with ledger.write() as conn:
        pid = conn.exec_driver_sql("SELECT id FROM project WHERE code = 'CX-004'").scalar()
        for month, amount, ytd, superseded in (
                ("2017-01", 1_000_000, 1_000_000, None),
                ("2017-02", 999, 1_000_000, 1),  # superseded: not counted
                ("2017-02", 500_000, 1_500_000, None),
                ("2017-03", 250_000, 1_800_000, None)):  # months sum to 1,750,000
            conn.exec_driver_sql(
                "INSERT INTO progress_entry (project_id, month, amount, ytd, recorded_at,"
                " superseded_by) VALUES"
                f" ({pid}, '{month}', {amount}, {ytd}, '2017-04-01', {_sql(superseded)})")
    run = cli("check")
    assert run.code == 1
    (line,) = run.stdout.splitlines()
    assert line.startswith("CX-004 2017-03: ")
    assert "180.0000 万元" in line or "180.00 万元" in line
    assert "175.0000 万元" in line or "175.00 万元" in line


def test_entries_without_a_project_are_listed(cli, ledger, consistent, db_location, is_pg):
    if is_pg:
        pytest.skip("PostgreSQL enforces the foreign key; such an entry cannot exist there")
    raw = sqlite3.connect(db_location)  # foreign keys are off unless a connection asks
    raw.execute("INSERT INTO progress_entry (project_id, month, amount, recorded_at)"
                " VALUES (99999, '2017-01', 1, 'x')")
    raw.commit()
    raw.close()
    run = cli("check")
    assert run.code == 1
    assert run.stdout.splitlines() == ["1 progress entries name no project"]


def test_seed_list_agrees_with_every_published_figure(cli, ledger):
    # data/seed_projects.csv is part of the repository: its absence is a failure.
    assert SEED.exists(), f"{SEED} is missing"
    run = cli("import", str(SEED))
    assert run.code == 0, run.stderr
    run = cli("check")
    assert run.code == 0, run.stdout
    assert run.stdout == ""
    listed = json.loads(cli("projects", "list", "--format", "json").stdout)
    assert len(listed) == 200
    assert len({p["code"] for p in listed}) == 200
    assert sum(Decimal(str(p["plan_2016"])) for p in listed) == 3_270_000  # 万元
    assert sum(Decimal(str(p["total_investment"])) for p in listed) == 18_090_000
    assert len({p["enterprise"] for p in listed}) == 182
