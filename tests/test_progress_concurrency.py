"""Several people recording at once (issue 3, item 7): real processes writing into the same
ledger (SQLite, or PostgreSQL when INNOVTRACK_TEST_DB is set), then every entry counted."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from innovtrack.ledger import import_projects
from progress_expect import GOOD
from test_progress_import import SEED

pytestmark = pytest.mark.slow

WRITER = """
import sys, time
from innovtrack.db import open_ledger
from innovtrack.errors import Rejected
from innovtrack.progress import record_entry
start, month, codes = float(sys.argv[1]), sys.argv[2], sys.argv[3:]
ledger = open_ledger()  # INNOVTRACK_DB, from the test
while time.time() < start:
    time.sleep(0.002)
refused = 0
for code in codes:
    try:
        record_entry(ledger, code, month, amount="1.5", status="在建", by="writer")
    except Rejected:
        refused += 1
print(refused)
"""


def innovtrack_command() -> list[str]:
    script = Path(sys.executable).with_name("innovtrack")
    if script.exists():
        return [str(script)]
    found = shutil.which("innovtrack")
    return [found] if found else [sys.executable, "-m", "innovtrack.cli"]


def count(ledger, month: str) -> tuple[int, int]:
    with ledger.read() as conn:
        return tuple(conn.exec_driver_sql(
            "SELECT COUNT(*), COUNT(DISTINCT project_id) FROM progress_entry"
            f" WHERE month = '{month}' AND superseded_by IS NULL").one())


@pytest.fixture
def seeded(ledger):
    import_projects(ledger, SEED)
    with ledger.read() as conn:
        codes = sorted(c for (c,) in conn.exec_driver_sql("SELECT code FROM project"))
    return ledger, codes


def test_eight_processes_recording_at_once_lose_nothing(seeded):
    ledger, codes = seeded
    start = time.time() + 2.0  # every process is up and waiting by then
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(start), "2016-01",
                               *codes[i::8]], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=os.environ.copy()) for i in range(8)]
    outs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, [err for _out, err in outs]
    assert [out.strip() for out, _err in outs] == ["0"] * 8
    assert count(ledger, "2016-01") == (len(codes), len(codes))


def test_eight_cli_processes_at_once(seeded):
    ledger, codes = seeded
    procs = [subprocess.Popen([*innovtrack_command(), "progress", "add", code, "--month",
                               "2016-02", "--amount", "2", "--status", "在建"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=os.environ.copy()) for code in codes[:8]]
    outs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, [err for _out, err in outs]
    assert count(ledger, "2016-02") == (8, 8)


def test_racing_for_the_same_month_one_wins_the_others_are_refused(seeded):
    ledger, codes = seeded
    start = time.time() + 2.0
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(start), "2016-03", *codes[:20]],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=os.environ.copy()) for _ in range(4)]
    outs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [err for _out, err in outs]
    assert sum(int(out) for out, _err in outs) == 3 * 20  # every loser was told, cleanly
    assert count(ledger, "2016-03") == (20, 20)


def test_the_same_file_imported_twice_at_once_is_recorded_once(seeded):
    ledger, _codes = seeded
    path = str(GOOD / "2016-01_全省汇总.csv")
    procs = [subprocess.Popen([*innovtrack_command(), "progress", "import", path],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=os.environ.copy()) for _ in range(3)]
    outs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0] * 3, [err for _out, err in outs]
    assert sum("already imported" in err for _out, err in outs) == 2
    assert count(ledger, "2016-01") == (200, 200)
