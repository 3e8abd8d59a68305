"""Issue 9: listings stream. `progress list --history --format json` (and CSV) write one entry
at a time from one read transaction, so memory stays bounded whatever the ledger's size; the
text is byte for byte what json.dumps(rows, indent=2) wrote before."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from innovtrack.render.listing import csv_chunks, json_chunks, to_csv

PROJECTS = 10_000
MONTHS = 10


def fill(ledger) -> None:
    """PROJECTS projects with MONTHS entries each, written straight into the ledger."""
    from sqlalchemy import text

    stamp = "2016-12-01 00:00:00.000000"
    with ledger.write() as conn:
        conn.execute(text(
            "INSERT INTO project (code, name, enterprise, region, category, sector, stage,"
            " total_investment, content, fingerprint, created_at, updated_at) VALUES (:c, :n,"
            " :e, '西宁市', 'tackling', 'traditional', 'new', 100000000, :x, 'x', :t, :t)"),
            [{"c": f"S-{i:05d}", "n": f"流式项目{i}", "e": f"企业{i}", "t": stamp,
              "x": f"建设内容{i}：" + "新建生产线及配套设施" * 500} for i in range(PROJECTS)])
        ids = [r[0] for r in conn.execute(text("SELECT id FROM project WHERE code LIKE 'S-%'"))]
        conn.execute(text(
            "INSERT INTO progress_entry (project_id, month, amount, ytd, status, problem,"
            " reported_by, recorded_at, source) VALUES (:p, :m, :a, NULL, 'building',"
            " '用地手续尚未办结，需协调解决', '海西州工信局', :t, 'bench.csv')"),
            [{"p": pid, "m": f"2016-{m:02d}", "a": 1_234_500 * m, "t": stamp}
             for pid in ids for m in range(1, MONTHS + 1)])


def peak_mb(args: list[str], env: dict) -> tuple[subprocess.CompletedProcess, float]:
    """The CLI in a child and its own peak RSS (VmHWM: ru_maxrss would carry over the
    forking test process's own peak)."""
    code = ("import resource, sys\nfrom innovtrack.cli import main\nrc = main(sys.argv[1:])\n"
            "hwm = [ln for ln in open('/proc/self/status') if ln.startswith('VmHWM')]\n"
            "sys.stderr.write('PEAK %s\\n' % (hwm[0].split()[1] if hwm else resource.getrusage("
            "resource.RUSAGE_SELF).ru_maxrss))\n"
            "sys.exit(rc)")
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=600, env=env)
    line = [ln for ln in proc.stderr.splitlines() if ln.startswith("PEAK ")]
    assert line, proc.stderr
    return proc, int(line[-1].split()[1]) / 1024


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_history_listing_streams_in_bounded_memory(ledger, db_location, tmp_path, fmt):
    fill(ledger)
    out = tmp_path / f"history.{fmt}"
    env = {**os.environ, "INNOVTRACK_DB": db_location}
    small, base = peak_mb(["progress", "list", "--history", "--format", fmt, "--limit", "10",
                           "--output", str(out)], env)
    assert small.returncode == 0, small.stderr
    proc, peak = peak_mb(["progress", "list", "--history", "--format", fmt,
                          "--output", str(out)], env)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    count = len(json.loads(text)) if fmt == "json" else \
        sum(1 for _ in csv.reader(io.StringIO(text))) - 1
    assert count == PROJECTS * MONTHS
    # 100,000 entries held at once take ~1.2 KB each (120 MB); streamed, the listing costs
    # what ten entries cost, give or take the reader's batches.
    assert peak - base < 25, (peak, base)


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_project_listing_streams_in_bounded_memory(ledger, db_location, tmp_path, fmt):
    from sqlalchemy import text

    fill(ledger)
    with ledger.write() as conn:  # plans for two years, so the CSV names both
        conn.execute(text("INSERT INTO project_plan (project_id, year, amount)"
                          " SELECT id, 2016, 1000 FROM project"))
        conn.execute(text("INSERT INTO project_plan (project_id, year, amount)"
                          " SELECT id, 2017, 2000 FROM project WHERE code > 'S-05000'"))
    out = tmp_path / f"projects.{fmt}"
    env = {**os.environ, "INNOVTRACK_DB": db_location}
    small, base = peak_mb(["projects", "list", "--format", fmt, "--limit", "10",
                           "--output", str(out)], env)
    assert small.returncode == 0, small.stderr
    proc, peak = peak_mb(["projects", "list", "--format", fmt, "--output", str(out)], env)
    assert proc.returncode == 0, proc.stderr
    text_out = out.read_text(encoding="utf-8")
    if fmt == "json":
        rows = json.loads(text_out)
        assert len(rows) == PROJECTS and rows[0]["plan_2016"] == 0.1 and "plan_2017" not in rows[0]
    else:
        rows = list(csv.DictReader(io.StringIO(text_out)))
        assert len(rows) == PROJECTS and rows[-1]["plan_2017"] == "0.2" and rows[0]["plan_2017"] == ""
    # 10,000 projects of 5,000-character contents held at once cost some 100 MB.
    assert peak - base < 25, (peak, base)


ROWS = [{"code": "CX-001", "month": "2016-03", "amount": 12_345_600, "ytd": None,
         "status": "building", "problem": "资金\"不足\"\n第二行\x1b", "superseded": False,
         "reason": None, "plan_2016": 5, "note": 1.5},
        {"code": "CX-002", "month": "2016-04", "amount": -50_000, "ytd": 10, "status": None,
         "problem": "", "superseded": True, "reason": "更正", "plan_2016": None, "note": "x"}]


@pytest.mark.parametrize("rows", [ROWS, ROWS[:1], []])
def test_streamed_json_is_what_json_dumps_wrote(rows):
    from innovtrack.render.listing import json_value

    want = json.dumps([{k: json_value(k, v) for k, v in r.items()} for r in rows],
                      ensure_ascii=False, indent=2) + "\n"
    assert "".join(json_chunks(iter(rows))) == want


def test_streamed_csv_is_what_the_list_wrote():
    assert "".join(csv_chunks(iter(ROWS))) == to_csv(ROWS)
    assert "".join(csv_chunks(iter([]))) == "\n"
