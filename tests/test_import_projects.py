"""`innovtrack import` of project lists as offices send them (issue 2, items 4 and 7).

Expectations come from tests/fixtures/projects/expected.json, written by make_fixtures.py from
its own source data (never by innovtrack); the ledger is read back with plain SQL.
"""

from __future__ import annotations

import csv
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from innovtrack import ledger as ledger_module
from innovtrack.errors import Rejected
from innovtrack.ledger import import_projects
from ledger_rows import EXPECTED, PROJECTS_DIR, expected_projects, stored_projects

GOOD = sorted(EXPECTED["good"])
BAD = sorted(EXPECTED["bad"])
BASE_FILE = "office_gb18030.csv"
BASE = expected_projects(EXPECTED["good"][BASE_FILE]["projects"])


@pytest.fixture
def in_fixtures(monkeypatch):
    """Run from the fixtures directory, so messages name files as a user would type them."""
    monkeypatch.chdir(PROJECTS_DIR)


def sheet_args(name: str) -> list[str]:
    sheet = EXPECTED["good"].get(name, {}).get("sheet")
    return ["--sheet", sheet] if sheet else []


def problem_lines(stderr: str, name: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(f"{name}:")]


# --- good lists ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", GOOD)
def test_each_office_format_reads_as_the_same_projects(ledger, name):
    sheet = EXPECTED["good"][name].get("sheet")
    result = import_projects(ledger, PROJECTS_DIR / name, sheet=sheet)
    want = expected_projects(EXPECTED["good"][name]["projects"])
    assert stored_projects(ledger) == want
    assert sorted(result.added) == sorted(want)
    assert (result.updated, result.unchanged, result.rows) == ([], 0, len(want))


@pytest.mark.parametrize("name", GOOD)
def test_cli_import_reports_counts_and_ignored_columns_on_stderr(cli, ledger, in_fixtures, name):
    run = cli("import", name, *sheet_args(name))
    assert run.code == 0, run.stderr
    assert run.stdout == ""
    n = len(EXPECTED["good"][name]["projects"])
    assert f"{name}: {n} projects: added {n}, updated 0, 0 unchanged" in run.stderr
    ignored = EXPECTED["good"][name]["ignored"]
    notices = [line for line in run.stderr.splitlines() if "columns ignored" in line]
    if ignored:
        assert notices == [f"{name}: columns ignored: {', '.join(ignored)}"]  # named once
    else:
        assert notices == []
    assert len(stored_projects(ledger)) == n


def test_title_rows_blank_rows_and_total_row_are_skipped(ledger):
    # The GB18030 file has two title lines, a 单位 line, blank rows and a 合计 row; only the
    # 12 projects may come out of it (a 合计 row read as data would fail or add a project).
    raw = (PROJECTS_DIR / BASE_FILE).read_bytes().decode("gb18030")
    assert "合计" in raw and "单位：万元" in raw and ",,,,,,,," in raw
    result = import_projects(ledger, PROJECTS_DIR / BASE_FILE)
    assert result.rows == 12
    assert set(stored_projects(ledger)) == set(BASE)


def test_workbook_data_on_the_second_sheet(cli, ledger, in_fixtures):
    name = "yi_two_sheets.xlsx"
    want = expected_projects(EXPECTED["good"][name]["projects"])
    # By number as well as by name.
    run = cli("import", name, "--sheet", "2")
    assert run.code == 0, run.stderr
    assert stored_projects(ledger) == want


def test_workbook_without_sheet_reads_the_first_sheet_with_a_header(cli, ledger, in_fixtures):
    name = "yi_two_sheets.xlsx"
    run = cli("import", name)
    assert run.code == 0, run.stderr
    assert "项目清单" in run.stderr  # says which sheet it read
    assert stored_projects(ledger) == expected_projects(EXPECTED["good"][name]["projects"])


def test_workbook_sheet_without_a_header_or_missing_is_rejected(cli, ledger, snapshot,
                                                                in_fixtures):
    before = snapshot()
    run = cli("import", "yi_two_sheets.xlsx", "--sheet", "填表说明")
    assert run.code == 1
    assert "yi_two_sheets.xlsx: no header row found" in run.stderr
    run = cli("import", "yi_two_sheets.xlsx", "--sheet", "汇总")
    assert run.code == 1
    assert "yi_two_sheets.xlsx: --sheet: no sheet '汇总'; the workbook has 填表说明, 项目清单" \
        in run.stderr
    assert snapshot() == before


def test_numeric_cells_are_read_by_their_shortest_decimal_form(ledger):
    # 8.2 亿元 as an Excel number is 820,000,000 元 exactly, not 819,999,999.
    import_projects(ledger, PROJECTS_DIR / "yi_two_sheets.xlsx", sheet="项目清单")
    stored = stored_projects(ledger)
    assert stored["2016-632800-32-03-000101"]["total_investment"] == 820_000_000
    assert stored["2016-630100-26-03-000102"]["plans"]["2016"] == 420_007_500


def test_encoding_is_detected_and_can_be_overridden(cli, ledger, snapshot, in_fixtures,
                                                   tmp_path):
    before = snapshot()
    # Read as UTF-8, the GB18030 file fails on its first (title) row; nothing is written.
    run = cli("import", BASE_FILE, "--encoding", "utf-8")
    assert run.code == 1
    assert re.search(rf"^{re.escape(BASE_FILE)}:1: cannot be read as utf-8 .*--encoding",
                     run.stderr, re.M)
    assert snapshot() == before
    run = cli("import", BASE_FILE, "--encoding", "no-such-codec")
    assert run.code == 1 and "unknown encoding" in run.stderr
    assert snapshot() == before
    # GBK is named explicitly, and a GBK file is detected like a GB18030 one.
    assert cli("import", BASE_FILE, "--encoding", "gbk").code == 0
    assert stored_projects(ledger) == BASE
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes((PROJECTS_DIR / BASE_FILE).read_bytes().decode("gb18030").encode("gbk"))
    run = cli("import", str(gbk))
    assert run.code == 0, run.stderr
    # GBK and GB18030 agree on these characters: the bytes, and so the file, are the same.
    assert "already imported" in run.stderr
    assert stored_projects(ledger) == BASE


def _rewrite_english(tmp_path: Path, headers: dict[str, str]) -> Path:
    text = (PROJECTS_DIR / "english_bom.csv").read_text(encoding="utf-8-sig")
    first, rest = text.split("\n", 1)
    for old, new in headers.items():
        first = first.replace(old, new)
    path = tmp_path / "list.csv"
    path.write_text(first + "\n" + rest, encoding="utf-8")
    return path


def test_unit_option_applies_to_headers_that_name_no_unit(ledger, tmp_path):
    path = _rewrite_english(tmp_path, {"total_investment_wan": "total_investment",
                                       "plan_2016_wan": "plan_2016", "plan_2017_wan": "plan_2017"})
    import_projects(ledger, path, unit="亿元")
    stored = stored_projects(ledger)
    for code, p in BASE.items():
        assert stored[code]["total_investment"] == p["total_investment"] * 10_000
        assert stored[code]["plans"] == {y: v * 10_000 for y, v in p["plans"].items()}


def test_unit_in_the_header_wins_over_the_unit_option(ledger):
    import_projects(ledger, PROJECTS_DIR / "english_bom.csv", unit="亿元")
    assert stored_projects(ledger) == BASE


def test_amounts_finer_than_one_yuan_are_rounded_with_a_notice(cli, ledger, in_fixtures):
    info = EXPECTED["rounding"]
    run = cli("import", info["file"])
    assert run.code == 0, run.stderr
    assert f"{info['file']}: {info['rounded']} amount(s) finer than 1 元 were rounded" \
        in run.stderr
    stored = stored_projects(ledger)
    for code, amounts in info["amounts"].items():
        for key, value in amounts.items():
            got = (stored[code]["total_investment"] if key == "total"
                   else stored[code]["plans"][key.removeprefix("plan_")])
            assert got == value


def test_national_codes_fill_a_missing_region_and_warn_on_disagreement(cli, ledger,
                                                                       in_fixtures):
    info = EXPECTED["national"]
    run = cli("import", info["file"])
    assert run.code == 0, run.stderr
    stored = stored_projects(ledger)
    assert {code: stored[code]["region"] for code in info["regions"]} == info["regions"]
    w = info["warning"]
    warning = [line for line in run.stderr.splitlines()
               if line.startswith(f"{info['file']}:{w['row']}: {w['column']}: ")]
    assert len(warning) == 1
    assert w["code"] in warning[0] and w["code_region"] in warning[0]


def test_region_column_may_be_left_out_when_codes_carry_the_division(ledger, snapshot,
                                                                     tmp_path):
    header = ["项目编号", "项目名称", "项目单位", "类别", "领域", "建设性质", "总投资（万元）"]
    rows = [["2016-632200-26-03-000001", "甲项目", "甲公司", "攻坚", "新兴产业", "新建", "100"],
            ["2016-630000-26-03-000002", "乙项目", "乙公司", "攻坚", "新兴产业", "新建", "100"],
            ["XM-3", "丙项目", "丙公司", "攻坚", "新兴产业", "新建", "100"]]
    path = tmp_path / "no_region.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])
    before = snapshot()
    with pytest.raises(Rejected) as info:
        import_projects(ledger, path)
    # 630000 is no region's division and XM-3 is no national code: both need a region.
    assert [(p.row, p.column) for p in info.value.problems] == [(3, "所在地区"), (4, "所在地区")]
    assert snapshot() == before
    county = ["2016-632801-26-03-000004", "丁项目", "丁公司", "攻坚", "新兴产业", "新建", "100"]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, rows[0], county])
    import_projects(ledger, path)
    stored = stored_projects(ledger)
    assert stored["2016-632200-26-03-000001"]["region"] == "海北州"
    assert stored["2016-632801-26-03-000004"]["region"] == "海西州"  # 格尔木市, a county


# --- re-import, update, dry run ----------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing_and_says_so(cli, ledger, snapshot,
                                                               in_fixtures, tmp_path):
    assert cli("import", BASE_FILE).code == 0
    before = snapshot()
    run = cli("import", BASE_FILE)
    assert run.code == 0
    assert f"{BASE_FILE}: already imported" in run.stderr
    assert snapshot() == before
    # The same list saved again as UTF-8 (other bytes, same projects): nothing changes
    # either, and it says so.
    copy = tmp_path / "again.csv"
    copy.write_text(Path(BASE_FILE).read_bytes().decode("gb18030"), encoding="utf-8-sig")
    run = cli("import", str(copy))
    assert run.code == 0
    assert "12 projects, all unchanged; nothing written" in run.stderr
    assert snapshot() == before


def test_updated_list_adds_updates_and_keeps_absent_projects(cli, ledger, in_fixtures):
    upd = EXPECTED["updated"]
    assert cli("import", BASE_FILE).code == 0
    run = cli("import", upd["file"])
    assert run.code == 0, run.stderr
    n = len(upd["projects"])
    assert (f"{upd['file']}: {n} projects: added {len(upd['added'])}, updated "
            f"{len(upd['updated'])}, {len(upd['unchanged'])} unchanged") in run.stderr
    for code in upd["absent"]:
        assert code in run.stderr  # named as left out, and kept
    stored = stored_projects(ledger)
    want = expected_projects(upd["projects"])
    for code in upd["absent"]:
        want[code] = BASE[code]
    assert stored == want
    with ledger.read() as conn:
        states = dict(conn.exec_driver_sql("SELECT code, state FROM project").all())
        history = conn.exec_driver_sql(
            "SELECT p.code, h.field, h.old_value, h.new_value FROM project_history h"
            " JOIN project p ON p.id = h.project_id").all()
    assert set(states.values()) == {"active"}
    got = {}
    for code, field, old, new in history:
        got.setdefault(code, {})[field] = [old, new]
    assert got == {code: {f: [str(o), str(n)] for f, (o, n) in diff.items()}
                   for code, diff in upd["changes"].items()}


def test_reimporting_an_updated_list_changes_nothing(cli, ledger, snapshot, in_fixtures):
    upd = EXPECTED["updated"]
    assert cli("import", BASE_FILE).code == 0
    assert cli("import", upd["file"]).code == 0
    before = snapshot()
    run = cli("import", upd["file"])
    assert run.code == 0 and "already imported" in run.stderr
    assert snapshot() == before


def test_dry_run_reports_what_would_change_and_writes_nothing(cli, ledger, snapshot,
                                                              in_fixtures):
    upd = EXPECTED["updated"]
    assert cli("import", BASE_FILE).code == 0
    before = snapshot()
    run = cli("import", upd["file"], "--dry-run")
    assert run.code == 0, run.stderr
    assert run.stdout == ""
    assert (f"would add {len(upd['added'])}, would update {len(upd['updated'])}, "
            f"{len(upd['unchanged'])} unchanged") in run.stderr
    assert "nothing written" in run.stderr
    for code in upd["added"]:
        assert f"  + {code}" in run.stderr.splitlines()
    for code in upd["updated"]:
        assert any(line.startswith(f"  ~ {code}: ") for line in run.stderr.splitlines())
    # The changed total investment is shown in 万元 (86,000), not in raw 元.
    assert "82,000 万元 → 86,000 万元" in run.stderr
    assert snapshot() == before
    # And the real import afterwards does what the dry run said.
    result = import_projects(ledger, PROJECTS_DIR / upd["file"])
    assert (sorted(result.added), sorted(result.updated)) == (upd["added"], upd["updated"])


def test_dry_run_on_an_empty_ledger_writes_nothing(ledger, snapshot):
    before = snapshot()
    result = import_projects(ledger, PROJECTS_DIR / BASE_FILE, dry_run=True)
    assert len(result.added) == 12 and result.batch_id is None
    assert snapshot() == before


# --- rejections ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", BAD)
def test_bad_file_is_rejected_with_file_row_and_column_and_nothing_written(
        cli, ledger, snapshot, in_fixtures, name):
    assert cli("import", BASE_FILE).code == 0  # a ledger with something in it
    before = snapshot()
    run = cli("import", name)
    assert run.code == 1
    assert run.stdout == ""
    want = EXPECTED["bad"][name]
    lines = problem_lines(run.stderr, name)
    assert len(lines) == len(want), run.stderr
    for line, problem in zip(lines, want, strict=True):
        prefix = f"{name}:{problem['row']}: {problem['column']}: "
        assert line.startswith(prefix), (line, prefix)
        assert problem["fragment"] in line[len(prefix):]
    assert run.stderr.splitlines()[-1] == f"innovtrack: {len(want)} problem(s); nothing was written"
    assert snapshot() == before


@pytest.mark.parametrize("name", BAD)
def test_bad_file_dry_run_is_rejected_too(ledger, snapshot, name):
    before = snapshot()
    with pytest.raises(Rejected) as info:
        import_projects(ledger, PROJECTS_DIR / name, dry_run=True)
    assert [(p.row, p.column) for p in info.value.problems] == \
        [(p["row"], p["column"]) for p in EXPECTED["bad"][name]]
    assert snapshot() == before


def test_unknown_values_suggest_the_nearest_valid_one(in_fixtures, ledger):
    with pytest.raises(Rejected) as info:
        import_projects(ledger, "bad_unknown_region.csv")
    (problem,) = info.value.problems
    assert "'海西洲'" in problem.message and "海西州" in problem.message


def test_missing_file_and_no_header_are_rejected(cli, ledger, snapshot, tmp_path):
    before = snapshot()
    run = cli("import", str(tmp_path / "nope.csv"))
    assert run.code == 1 and "nope.csv: no such file" in run.stderr
    junk = tmp_path / "junk.csv"
    junk.write_text("会议纪要\n第一条,第二条\n", encoding="utf-8")
    run = cli("import", str(junk))
    assert run.code == 1 and "no header row found" in run.stderr
    assert snapshot() == before


# --- one transaction ---------------------------------------------------------------------


def test_failure_midway_through_the_write_leaves_the_ledger_as_before(ledger, snapshot,
                                                                      monkeypatch):
    import_projects(ledger, PROJECTS_DIR / BASE_FILE)
    before = snapshot()
    real = ledger_module._update_projects

    def fail_after_writing(*args, **kwargs):
        real(*args, **kwargs)  # the new projects and the updates are written by now
        raise RuntimeError("disk full")

    monkeypatch.setattr(ledger_module, "_update_projects", fail_after_writing)
    with pytest.raises(RuntimeError):
        import_projects(ledger, PROJECTS_DIR / EXPECTED["updated"]["file"])
    assert snapshot() == before


BIG_ROWS = 50_000


@pytest.fixture(scope="module")
def big_list(tmp_path_factory) -> Path:
    """A 50,000-row list in the office shape (about 7 MB)."""
    path = tmp_path_factory.mktemp("big") / "big_list.csv"
    regions = ["西宁市", "海东市", "海北州", "黄南州", "海南州", "果洛州", "玉树州", "海西州"]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["青海省百项创新攻坚工程项目表（压力测试）"])
        w.writerow(["项目编号", "项目名称", "项目单位", "所在地区", "类别", "领域", "建设性质",
                    "总投资（万元）", "2016年计划投资（万元）", "2017年计划投资（万元）", "主要建设内容"])
        for i in range(1, BIG_ROWS + 1):
            w.writerow([f"BIG-{i:06d}", f"第{i}号技术改造项目", f"青海第{i % 9000}制造有限公司",
                        regions[i % 8], "企业技术创新项目", "装备制造", "续建" if i % 2 else "新建",
                        f"{1000 + i % 700}.5", f"{300 + i % 200}", f"{200 + i % 100}",
                        "生产线智能化改造及配套设施建设"])
    return path


def _pg_schema(location: str) -> str:
    return re.search(r"search_path%3D(\w+)", location).group(1)


def _write_progress(location: str, is_pg: bool):
    """A number that grows while an import writes (before it commits)."""
    if is_pg:
        import psycopg

        from conftest import PG_URL

        conn = psycopg.connect(PG_URL.replace("postgresql+psycopg://", "postgresql://"),
                               autocommit=True)
        table = f"{_pg_schema(location)}.project"

        def size() -> int:
            return conn.execute("SELECT pg_relation_size(%s)", (table,)).fetchone()[0]

        return size, conn.close
    wal = Path(location + "-wal")
    return (lambda: wal.stat().st_size if wal.exists() else 0), (lambda: None)


@pytest.mark.slow
def test_import_killed_while_writing_leaves_the_ledger_as_before(ledger, snapshot, big_list,
                                                                 db_location, is_pg):
    from innovtrack import db

    import_projects(ledger, PROJECTS_DIR / BASE_FILE)
    before = snapshot()
    size, close = _write_progress(db_location, is_pg)
    start = size()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from innovtrack.cli import run; run()", "import", str(big_list)],
        env={**os.environ, "INNOVTRACK_DB": db_location},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while size() < start + (1 << 20):  # a megabyte of uncommitted rows written
            assert proc.poll() is None, "the import ended before it could be killed: " + \
                proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the import never started writing"
            time.sleep(0.002)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        close()
    assert proc.returncode == -signal.SIGKILL
    db.close_all()
    assert snapshot() == before
    # The ledger is sound afterwards and takes the next import.
    if not is_pg:
        with db.open_ledger(db_location).read() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    result = import_projects(db.open_ledger(db_location),
                             PROJECTS_DIR / EXPECTED["updated"]["file"])
    assert len(result.added) == len(EXPECTED["updated"]["added"])


@pytest.mark.slow
def test_large_import_shows_a_progress_bar_on_stderr_only(big_list, db_location, tmp_path):
    import pty

    leader, follower = pty.openpty()  # stderr is a terminal, as for a person at a console
    out = tmp_path / "stdout"
    with open(out, "wb") as stdout:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from innovtrack.cli import run; run()", "import",
             str(big_list), "--dry-run"],
            env={**os.environ, "INNOVTRACK_DB": db_location, "COLUMNS": "100"},
            stdout=stdout, stderr=follower)
        os.close(follower)
        chunks = []
        while True:
            try:
                data = os.read(leader, 65536)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        assert proc.wait(timeout=300) == 0
    os.close(leader)
    err = b"".join(chunks).decode("utf-8", "replace")
    assert "reading big_list.csv" in err  # the bar
    assert f"{BIG_ROWS:,}" in err or "rows" in err
    assert f"would add {BIG_ROWS}" in err
    assert out.read_bytes() == b""  # stdout stays clean


def test_text_with_line_breaks_tabs_quotes_and_backslashes_is_kept(ledger, tmp_path):
    # Bulk inserts go through COPY on PostgreSQL, whose text format escapes these.
    content = '一期：熔铸\n二期：轧制\t"精整"\\N C:\\项目\\附件'
    path = tmp_path / "text.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["项目编号", "项目名称", "项目单位", "所在地区", "类别", "领域", "建设性质",
                    "总投资（万元）", "主要建设内容", "责任单位"])
        w.writerow(["T-1", "项目\\一", "单位", "西宁市", "攻坚", "传统产业", "新建", "1", content,
                    "\\N"])
    import_projects(ledger, path)
    with ledger.read() as conn:
        row = conn.exec_driver_sql(
            "SELECT name, content, responsible_unit FROM project WHERE code = 'T-1'").one()
    assert tuple(row) == ("项目\\一", content, "\\N")


def test_two_imports_at_once_queue_instead_of_failing(ledger, monkeypatch):
    import threading

    # Hold each import right after it has read the ledger, until the other one gets there
    # too (or a second passes): without a write lock both would find every code new, and
    # the second would fail on the unique code.
    meeting = threading.Barrier(2, timeout=1)
    real = ledger_module.find_batch

    def find_batch_and_wait(*args, **kwargs):
        found = real(*args, **kwargs)
        try:
            meeting.wait()
        except threading.BrokenBarrierError:
            pass
        return found

    monkeypatch.setattr(ledger_module, "find_batch", find_batch_and_wait)
    results, errors = [], []

    def run(name):
        try:
            results.append(import_projects(ledger, PROJECTS_DIR / name))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(name,))
               for name in (BASE_FILE, "english_bom.csv")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(len(r.added) for r in results) == [0, 12]
    assert stored_projects(ledger) == BASE


def test_numbered_empty_template_rows_are_skipped_but_half_filled_rows_are_not(ledger, snapshot,
                                                                               tmp_path):
    header = ["序号", "项目编号", "项目名称", "项目单位", "所在地区", "类别", "领域", "建设性质",
              "总投资（万元）", "备注"]
    good = ["1", "T-1", "甲项目", "甲公司", "西宁市", "攻坚", "新兴产业", "新建", "100", ""]
    path = tmp_path / "template.csv"

    def write(rows):
        with open(path, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([header, *rows])

    # Rows 3 and 4: only 序号 (and a remark) filled in, as a template's spare rows are.
    write([good, ["2", "", "", "", "", "", "", "", "", ""], ["3", "", "", "", "", "", "", "", "",
                                                               "待补充"]])
    result = import_projects(ledger, path)
    assert result.rows == 1
    before = snapshot()
    write([good, ["2", "", "乙项目", "", "", "", "", "", "", ""]])
    with pytest.raises(Rejected) as info:
        import_projects(ledger, path)
    assert {(p.row, p.column) for p in info.value.problems} == {
        (3, "项目编号"), (3, "项目单位"), (3, "所在地区"), (3, "类别"), (3, "领域"),
        (3, "建设性质"), (3, "总投资（万元）")}
    assert snapshot() == before


def test_workbook_headers_are_named_on_one_line_and_units_read_from_brackets(ledger, snapshot,
                                                                             tmp_path):
    import xlsxwriter

    path = tmp_path / "wrapped.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("清单")
    header = ["项目编号", "项目名称", "项目单位", "所在地区", "类别", "领域", "建设性质",
              "总投资\n（单位：亿元）", "计划开工时间", "计划投产\n时间"]
    ws.write_row(0, 0, header)
    ws.write_row(1, 0, ["W-1", "甲", "甲公司", "西宁市", "攻坚", "新兴产业", "新建", 1.25,
                        "2016-03", "2016-01"])
    wb.close()
    before = snapshot()
    with pytest.raises(Rejected) as info:
        import_projects(ledger, path)
    assert [(p.row, p.column) for p in info.value.problems] == [(2, "计划投产 时间")]
    assert snapshot() == before
    ws_fixed = tmp_path / "fixed.xlsx"
    wb = xlsxwriter.Workbook(str(ws_fixed))
    ws = wb.add_worksheet("清单")
    ws.write_row(0, 0, header)
    ws.write_row(1, 0, ["W-1", "甲", "甲公司", "西宁市", "攻坚", "新兴产业", "新建", 1.25,
                        "2016-03", "2016-12"])
    wb.close()
    import_projects(ledger, ws_fixed)
    assert stored_projects(ledger)["W-1"]["total_investment"] == 125_000_000  # 亿元, not 万元


def test_fixtures_are_what_their_script_makes(tmp_path):
    # The committed files and expected.json must not drift from make_fixtures.py.
    subprocess.run([sys.executable, str(PROJECTS_DIR / "make_fixtures.py"), str(tmp_path)],
                   check=True, timeout=60)
    made = sorted(p.name for p in tmp_path.iterdir())
    committed = sorted(p.name for p in PROJECTS_DIR.iterdir()
                       if p.is_file() and p.name != "make_fixtures.py")
    assert made == committed
    for name in made:
        assert (tmp_path / name).read_bytes() == (PROJECTS_DIR / name).read_bytes(), name
