"""`innovtrack progress import` (issue 3): half a year of monthly reports for the seed list,
corrections, and every kind of bad input.

Expected figures come from tests/progress_expect.py reading the fixture files with plain csv,
openpyxl and Decimal; the ledger is read back with plain SQL.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from innovtrack import progress as progress_module
from innovtrack.errors import Rejected
from innovtrack.ingest.table import file_hash
from innovtrack.ledger import import_projects
from innovtrack.progress import import_progress, withdraw_project
from progress_expect import (
    BAD,
    CORRECTIONS,
    GOOD,
    PROGRESS_DIR,
    REPLAY,
    WARN,
    expected_ledger,
    ledger_entries,
    read_report,
)

SEED = Path(__file__).parent.parent / "data" / "seed_projects.csv"
EXPECTED_BAD = json.loads((BAD / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture
def seeded(ledger):
    import_projects(ledger, SEED)
    return ledger


@pytest.fixture
def in_fixtures(monkeypatch):
    """Run from the fixtures directory, so messages name files as a user types them."""
    monkeypatch.chdir(PROGRESS_DIR)


def replay(ledger, corrections: bool = True):
    results = [import_progress(ledger, GOOD / name) for name in REPLAY]
    if corrections:
        results.append(import_progress(ledger, GOOD / CORRECTIONS, corrections=True))
    return results


def codes(ledger) -> list[str]:
    with ledger.read() as conn:
        return sorted(c for (c,) in conn.exec_driver_sql("SELECT code FROM project"))


# --- the half year ---------------------------------------------------------------------------


def test_half_year_replay_gives_every_projects_ytd_and_status(seeded):
    replay(seeded)
    want = expected_ledger(REPLAY, CORRECTIONS)
    assert ledger_entries(seeded) == want
    # Year-to-date at the end of June and the June status, per project, against the files.
    ytd, status = defaultdict(int), {}
    for (code, month), (amount, st) in want.items():
        ytd[code] += amount
        if month == "2016-06":
            status[code] = st
    with seeded.read() as conn:
        got_ytd = dict(conn.exec_driver_sql(
            "SELECT p.code, SUM(e.amount) FROM progress_entry e JOIN project p"
            " ON p.id = e.project_id WHERE e.superseded_by IS NULL AND e.month <= '2016-06'"
            " GROUP BY p.code").all())
        got_status = dict(conn.exec_driver_sql(
            "SELECT p.code, e.status FROM progress_entry e JOIN project p ON p.id = e.project_id"
            " WHERE e.superseded_by IS NULL AND e.month = '2016-06'").all())
    assert len(ytd) == 200 and got_ytd == dict(ytd)
    assert got_status == status
    assert {"preparing", "building", "producing"} <= set(status.values())


def test_each_month_file_is_recorded_as_written(seeded):
    for name in REPLAY:
        import_progress(seeded, GOOD / name)
        rows = read_report(GOOD / name)
        got = ledger_entries(seeded)
        for r in rows:
            amount, status = got[(r["code"], r["month"])]
            if r["amount"] is not None:
                assert amount == r["amount"], (name, r)
            assert status == r["status"], (name, r)


def test_ytd_only_rows_become_month_amounts_from_earlier_months(seeded):
    results = replay(seeded, corrections=False)
    may = results[REPLAY.index("2016-05_累计.csv")]
    assert may.derived == 200 and may.entries == 200
    june = results[REPLAY.index("2016-06_全省汇总.csv")]
    june_rows = read_report(GOOD / "2016-06_全省汇总.csv")
    assert june.derived == sum(1 for r in june_rows if r["amount"] is None) > 0
    with seeded.read() as conn:  # the reported year-to-date is kept as reported
        kept = dict(((c, m), y) for c, m, y in conn.exec_driver_sql(
            "SELECT p.code, e.month, e.ytd FROM progress_entry e JOIN project p"
            " ON p.id = e.project_id WHERE e.month = '2016-05'"))
    assert kept == {(r["code"], "2016-05"): r["ytd"] for r in read_report(GOOD / "2016-05_累计.csv")}


def test_summary_counts_and_projects_that_sent_nothing(seeded):
    for name in REPLAY[:2]:
        import_progress(seeded, GOOD / name)
    march = import_progress(seeded, GOOD / "2016-03_海西州等.csv")
    late_file = read_report(GOOD / "2016-03_补报.csv")
    late = sorted(r["code"] for r in late_file)
    assert (march.entries, march.projects) == (200 - len(late), 200 - len(late))
    assert [m.month for m in march.months] == ["2016-03"]
    assert march.months[0].missing == late
    assert any("合计" not in n and "total row" in n for n in march.notices)
    late_result = import_progress(seeded, GOOD / "2016-03_补报.csv")
    assert late_result.months[0].missing == []


def test_importing_the_same_file_again_changes_nothing(seeded, snapshot, cli, in_fixtures):
    first = cli("progress", "import", "good/2016-01_全省汇总.csv")
    assert first.code == 0, first.stderr
    before = snapshot()
    again = cli("progress", "import", "good/2016-01_全省汇总.csv")
    assert again.code == 0
    assert "already imported" in again.stderr and "nothing changed" in again.stderr
    assert snapshot() == before
    assert again.stdout == ""


def test_cli_summary_names_file_counts_and_missing(seeded, cli, in_fixtures):
    for name in REPLAY[:2]:
        import_progress(seeded, GOOD / name)
    run = cli("progress", "import", "good/2016-03_海西州等.csv")
    assert run.code == 0, run.stderr
    assert run.stdout == ""
    assert "good/2016-03_海西州等.csv: recorded 196 entries for 196 project(s) in 1 month(s)" \
        in run.stderr
    assert "2016-03: 4 active project(s) sent nothing: QY-097, QY-098, QY-099, QY-100" \
        in run.stderr


def test_corrections_supersede_and_keep_history(seeded):
    replay(seeded, corrections=False)
    before = ledger_entries(seeded)
    result = import_progress(seeded, GOOD / CORRECTIONS, corrections=True)
    rows = read_report(GOOD / CORRECTIONS)
    assert result.entries == len(rows)
    with seeded.read() as conn:
        history = conn.exec_driver_sql(
            "SELECT p.code, o.month, o.amount, n.amount, n.reason, n.supersedes = o.id,"
            " n.superseded_by FROM progress_entry o JOIN progress_entry n ON n.id = o.superseded_by"
            " JOIN project p ON p.id = o.project_id ORDER BY p.code").all()
    assert sorted((c, m, old, new, reason) for c, m, old, new, reason, _s, _n in history) == \
        sorted((r["code"], r["month"], before[(r["code"], r["month"])][0], r["amount"],
                r["reason"]) for r in rows)
    assert all(linked and nxt is None for *_, linked, nxt in history)
    assert any(r["amount"] < 0 for r in rows)  # a negative month, allowed as a correction
    # Correcting April makes the May and June year-to-date reported earlier disagree: said.
    april = next(r for r in rows if r["month"] == "2016-04")
    assert any(april["code"] in w and "2016-05" in w for w in result.warnings)
    again = import_progress(seeded, GOOD / CORRECTIONS, corrections=True)
    assert again.already


def test_workbook_amounts_in_yi_are_exact(seeded):
    for name in REPLAY[:4]:
        import_progress(seeded, GOOD / name)
    import_progress(seeded, GOOD / "2016-04_全省汇总.xlsx")
    want = {(r["code"], r["month"]): r["amount"] for r in read_report(GOOD / "2016-04_全省汇总.xlsx")}
    got = {k: v[0] for k, v in ledger_entries(seeded).items() if k[1] == "2016-04"}
    assert got == want


# --- bad input ----------------------------------------------------------------------------


def bad_cases():
    return sorted(k for k in EXPECTED_BAD if not k.startswith("_"))


def test_every_bad_file_is_rejected_with_row_and_column_and_nothing_written(
        seeded, snapshot, cli, in_fixtures):
    replay(seeded)
    withdraw_project(seeded, EXPECTED_BAD["_withdrawn_project"], "2016-07", "企业经营困难")
    failures = []
    for name in bad_cases():
        before = snapshot()
        args = ["progress", "import", f"bad/{name}"]
        if name.startswith("corrections"):
            args.append("--corrections")
        run = cli(*args)
        lines = [line for line in run.stderr.splitlines() if line.startswith(f"bad/{name}:")]
        expected = EXPECTED_BAD[name]
        if run.code != 1 or len(lines) != len(expected):
            failures.append((name, run.code, run.stderr))
            continue
        for row, column, words in expected:  # each expected problem on a line of its own
            prefix = f"bad/{name}:{row}: {column}: "
            match = [line for line in lines if line.startswith(prefix) and all(
                w.replace(",", "") in line.replace(",", "") for w in words)]
            if len(match) != 1:
                failures.append((name, prefix, words, lines))
        if snapshot() != before:
            failures.append((name, "ledger changed"))
    assert failures == []


def test_rejection_reports_every_problem_at_once(seeded):
    replay(seeded)
    with pytest.raises(Rejected) as exc:
        import_progress(seeded, BAD / "many.csv")
    assert len(exc.value.problems) == len(EXPECTED_BAD["many.csv"])
    assert sorted(p.row for p in exc.value.problems) == [r for r, *_ in EXPECTED_BAD["many.csv"]]


def test_over_total_is_recorded_with_a_warning_naming_the_project(seeded, cli, in_fixtures):
    replay(seeded)
    code = json.loads((WARN / "expected.json").read_text(encoding="utf-8"))["code"]
    run = cli("progress", "import", "warn/over_total.csv")
    assert run.code == 0, run.stderr
    warnings = [line for line in run.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and code in warnings[0] and "total investment" in warnings[0]
    assert (code, "2016-07") in ledger_entries(seeded)


def test_month_in_the_future_is_refused(seeded, tmp_path):
    import datetime as dt

    today = dt.date.today()
    nxt = dt.date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    with seeded.write() as conn:  # targets for this year and next make them programme years
        for year in {today.year, nxt.year}:
            conn.exec_driver_sql("INSERT INTO target (year, amount, set_at) VALUES"
                                 f" ({year}, 1, '2016-01-01')")
    path = tmp_path / "future.csv"
    path.write_text(f"项目编号,月份,本月完成投资\nCX-001,{today:%Y-%m},1\n"
                    f"CX-002,{nxt:%Y-%m},1\n", encoding="utf-8")
    with pytest.raises(Rejected) as exc:
        import_progress(seeded, path)
    (p,) = exc.value.problems
    assert (p.row, p.column) == (3, "月份") and "in the future" in p.message


def test_month_may_come_from_the_option_when_the_file_has_none(seeded, tmp_path):
    path = tmp_path / "no_month.csv"
    path.write_text("项目编号,本月完成投资（万元）,形象进度\nCX-001,12.5,在建\n", encoding="utf-8")
    with pytest.raises(Rejected) as exc:
        import_progress(seeded, path)
    assert "--month" in str(exc.value.problems[0])
    result = import_progress(seeded, path, month="2016年7月")
    assert [m.month for m in result.months] == ["2016-07"]
    assert ledger_entries(seeded)[("CX-001", "2016-07")] == (125_000, "building")


def test_rows_out_of_month_order_are_read_sorted(seeded, tmp_path):
    """A project's months may come in any order; the file is then checked in month order."""
    lines = ["项目编号,月份,本月完成投资,自年初累计完成投资,形象进度"]
    for month, ytd in (("2016-03", 60), ("2016-02", 30), ("2016-01", 10)):
        lines.append(f"CX-001,{month},{ {'2016-03': 30, '2016-02': 20, '2016-01': 10}[month] },"
                     f"{ytd},在建")
    path = tmp_path / "backwards.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_progress(seeded, path)
    got = ledger_entries(seeded)
    assert [got[("CX-001", m)][0] for m in ("2016-01", "2016-02", "2016-03")] == \
        [100_000, 200_000, 300_000]


def test_a_bad_row_in_a_bulk_load_leaves_the_indexes_and_ledger_intact(
        seeded, snapshot, monkeypatch, tmp_path, is_pg):
    """Large files on SQLite drop and rebuild the entry indexes; a rejection must undo that."""
    monkeypatch.setattr(progress_module, "_BULK_ROWS", 1)
    rows = read_report(GOOD / "2016-01_全省汇总.csv")
    path = tmp_path / "bulk.csv"
    body = [f"{r['code']},2016-01,{r['amount'] / 10_000},在建" for r in rows]
    body[150] = body[150].replace(",在建", ",进展顺利")
    path.write_text("项目编号,月份,本月完成投资,形象进度\n" + "\n".join(body) + "\n",
                    encoding="utf-8")

    def indexes():
        if is_pg:
            return None
        with seeded.read() as conn:
            return sorted(conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'progress_entry'"
                " AND type = 'index'").all())

    before, idx = snapshot(), indexes()
    with pytest.raises(Rejected):
        import_progress(seeded, path)
    assert snapshot() == before and indexes() == idx
    path.write_text(path.read_text(encoding="utf-8").replace("进展顺利", "在建"), encoding="utf-8")
    result = import_progress(seeded, path)
    assert result.entries == 200 and indexes() == idx
    with seeded.read() as conn:
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM progress_entry").scalar() == 200


def test_batch_records_the_file(seeded):
    result = import_progress(seeded, GOOD / "2016-01_全省汇总.csv")
    with seeded.read() as conn:
        kind, name, digest, rows, added = conn.exec_driver_sql(
            "SELECT kind, file_name, content_hash, rows_read, added FROM import_batch"
            f" WHERE id = {result.batch_id}").one()
    assert (kind, rows, added) == ("progress", 200, 200)
    assert digest == file_hash(GOOD / "2016-01_全省汇总.csv")
    assert name.endswith("2016-01_全省汇总.csv")
    with seeded.read() as conn:
        sources = {s for (s,) in conn.exec_driver_sql(
            f"SELECT DISTINCT source FROM progress_entry WHERE batch_id = {result.batch_id}")}
    assert sources == {name}


def test_dry_run_writes_nothing(seeded, snapshot):
    before = snapshot()
    result = import_progress(seeded, GOOD / "2016-01_全省汇总.csv", dry_run=True)
    assert result.entries == 200 and result.dry_run
    assert snapshot() == before


def test_template_rows_with_nothing_reported_count_as_not_sent(seeded, tmp_path):
    path = tmp_path / "template.csv"
    path.write_text("序号,项目编号,项目名称,月份,本月完成投资（万元）,形象进度,存在问题\n"
                    "1,CX-001,年产20万吨高性能铝合金板带箔项目,2016-01,10,在建,\n"
                    "2,CX-002,电解铝精深加工30万吨铝合金圆铸棒项目,2016-01,,,\n"
                    "3,CX-003,年产3万吨高纯铝及电子铝箔,2016-01,,,资金未到位\n", encoding="utf-8")
    with pytest.raises(Rejected) as exc:  # a problem without figures is not "nothing"
        import_progress(seeded, path)
    assert [(p.row, p.column) for p in exc.value.problems] == [(4, "本月完成投资（万元）")]
    path.write_text(path.read_text(encoding="utf-8").replace("资金未到位", ""), encoding="utf-8")
    result = import_progress(seeded, path)
    assert result.entries == 1
    assert {"CX-002", "CX-003"} <= set(result.months[0].missing)
    assert any("2 row(s) name a project but report nothing" in n for n in result.notices)


def test_month_option_must_match_a_month_column(seeded, tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("项目编号,月份,本月完成投资\nCX-001,2016-01,1\nCX-002,2016-02,1\n",
                    encoding="utf-8")
    with pytest.raises(Rejected) as exc:
        import_progress(seeded, path, month="2016-01")
    (p,) = exc.value.problems
    assert (p.row, p.column) == (3, "月份") and "2016-01" in p.message


def test_amounts_finer_than_a_yuan_are_rounded_and_counted(seeded, tmp_path):
    path = tmp_path / "fine.csv"
    path.write_text("项目编号,月份,本月完成投资（万元）\nCX-001,2016-01,1.23456\n"
                    "CX-002,2016-01,2.5\n", encoding="utf-8")
    result = import_progress(seeded, path)
    assert ledger_entries(seeded)[("CX-001", "2016-01")][0] == 12_346
    assert any("1 amount(s) finer than 1 元" in n for n in result.notices)


def test_several_months_in_project_order(seeded, tmp_path):
    """A region's half-year file sorted by project, then month: each project's months ascend."""
    lines = ["项目编号,月份,本月完成投资,自年初累计完成投资,形象进度"]
    want = {}
    for code in ("CX-001", "CX-002"):
        ytd = 0
        for m in range(1, 4):
            amount = m * 10 + (code == "CX-002")
            ytd += amount
            lines.append(f"{code},2016-{m:02d},{amount},{ytd},在建")
            want[(code, f"2016-{m:02d}")] = (amount * 10_000, "building")
    path = tmp_path / "project_order.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = import_progress(seeded, path)
    assert ledger_entries(seeded) == want
    assert [m.month for m in result.months] == ["2016-01", "2016-02", "2016-03"]


def test_one_wrong_figure_is_reported_once_not_in_every_later_month(seeded, tmp_path):
    path = tmp_path / "cascade.csv"
    path.write_text("项目编号,月份,本月完成投资,自年初累计完成投资,形象进度\n"
                    "CX-001,2016-01,10,10,建成投产\n"
                    "CX-001,2016-02,20,99,前期\n"   # wrong year-to-date, status back
                    "CX-001,2016-03,30,60,前期\n"
                    "CX-001,2016-04,,100,前期\n", encoding="utf-8")
    with pytest.raises(Rejected) as exc:
        import_progress(seeded, path)
    assert sorted((p.row, p.column) for p in exc.value.problems) == [
        (3, "形象进度"), (3, "自年初累计完成投资")]


def test_a_wholly_wrong_file_lists_the_first_problems_and_counts_the_rest(
        seeded, tmp_path, monkeypatch, cli):
    from innovtrack.ingest import progress as ingest_progress

    monkeypatch.setattr(ingest_progress, "PROBLEM_LIMIT", 3)
    path = tmp_path / "wrong.csv"
    path.write_text("项目编号,月份,本月完成投资\n" + "".join(
        f"CX-{i:03d},2016-01,约{i}\n" for i in range(1, 11)), encoding="utf-8")
    run = cli("progress", "import", str(path))
    assert run.code == 1
    lines = run.stderr.splitlines()
    assert [line.split(":")[1] for line in lines[:3]] == ["2", "3", "4"]
    assert "… and 7 more problems" in lines[3]
    assert lines[-1] == "innovtrack: 10 problem(s); nothing was written"
