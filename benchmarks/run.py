#!/usr/bin/env python3
"""Time innovtrack's jobs against public baselines in one run, and print a table of medians.

    python benchmarks/run.py [--size small|full] [--runs N] [--keep DIR] [--pg URL]
                             [--json FILE] [--only a,b,...] [--innovtrack CMD]

Every figure is a whole process (start-up included) timed with time.perf_counter around it;
a job's figure is the median of its runs. Peak memory is the child's own maximum RSS, read
through GNU time (else os.wait4, whose figure cannot drop below run.py's own). The baselines (sqlite3 CLI, plain SQL, xlsxwriter alone) run in the same
invocation, on the same files, so ratios compare like with like on whatever machine runs this.

If innovtrack cannot be run, its jobs show "n/a (innovtrack command failed: ...)" and the
baselines are still measured. See benchmarks/README.md for what each job measures.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import platform
import shlex
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
GENERATOR = HERE / "generate.py"
BASELINES = HERE / "baselines.py"


# ---------------------------------------------------------------------------------------------
# TODO(lead): the bare-SQL baseline of `report quarterly`. It runs in the sqlite3 CLI (and in
# psql for --pg) against the very ledger innovtrack built, so it must follow innovtrack's
# schema. The tables and columns below are ASSUMED (project; progress_entry with integer 元
# amounts, month 'YYYY-MM' and superseded_by NULL for effective entries); adjust them once
# models.py is fixed. It computes the figures the report's by_category / by_sector /
# by_region rows need: year-to-date and in-quarter sums per category, sector and region.
#   style="join":        join every entry to its project, GROUP BY the text columns (the
#                        plain query; its goal row uses this one)
#   style="per_project": sum per project first, then join the 100 k sums to the projects;
#                        the same figures, a tighter baseline (shown as a reference row)
# The stand-in ledger (build_standin) is built in exactly this assumed schema, so both give
# reference figures before innovtrack can build a ledger.
# ---------------------------------------------------------------------------------------------
def baseline_quarterly_sql(year: int, quarter: int, style: str = "join") -> str:
    period_from = f"{year}-{3 * quarter - 2:02d}"
    as_of = f"{year}-{3 * quarter:02d}"
    if style == "join":
        return f"""
SELECT p.category, p.sector, p.region,
       SUM(e.amount) AS actual_ytd,
       SUM(CASE WHEN e.month >= '{period_from}' THEN e.amount ELSE 0 END) AS actual_period
FROM progress_entry e
JOIN project p ON p.id = e.project_id
WHERE e.superseded_by IS NULL
  AND e.month BETWEEN '{year}-01' AND '{as_of}'
GROUP BY p.category, p.sector, p.region
ORDER BY p.category, p.sector, p.region;
"""
    if style == "per_project":
        return f"""
SELECT p.category, p.sector, p.region,
       SUM(s.ytd) AS actual_ytd,
       SUM(s.period) AS actual_period
FROM (SELECT project_id,
             SUM(amount) AS ytd,
             SUM(CASE WHEN month >= '{period_from}' THEN amount ELSE 0 END) AS period
      FROM progress_entry
      WHERE superseded_by IS NULL
        AND month BETWEEN '{year}-01' AND '{as_of}'
      GROUP BY project_id) s
JOIN project p ON p.id = s.project_id
GROUP BY p.category, p.sector, p.region
ORDER BY p.category, p.sector, p.region;
"""
    raise ValueError(f"unknown style {style!r}")


SIZES = {
    # projects, months, rows of progress_1m.csv
    "small": {"projects": 2_000, "months": 12, "big_rows": 20_000},
    "full": {"projects": 100_000, "months": 60, "big_rows": 1_000_000},
}
# the real programme's size: the ledger `progress add` is timed against
PROGRAMME = {"projects": 200, "months": 12, "big_rows": 2_400}
START = "2016-01"
SEED = 2016

PROGRESS_DDL = (
    "CREATE TABLE progress(code TEXT, month TEXT, amount REAL, ytd REAL, status TEXT, problem TEXT)"
)

# The floors (issue 8): the database work itself. sqlite3 loads the same rows into a table of
# progress_entry's shape and builds the same three indexes the ledger keeps (db.py), the code
# standing in for the project id; for the project list, the same rows with the unique code index.
PROGRESS_FLOOR_SQL = (
    "CREATE TABLE progress_entry(id INTEGER PRIMARY KEY, project_id TEXT NOT NULL,"
    " month TEXT NOT NULL, amount BIGINT NOT NULL, ytd BIGINT, status TEXT, problem TEXT,"
    " recorded_at TEXT NOT NULL, source TEXT, batch_id BIGINT, superseded_by BIGINT);"
    " INSERT INTO progress_entry (project_id, month, amount, ytd, status, problem, recorded_at,"
    " source, batch_id) SELECT code, month, CAST(amount * 10000 AS INTEGER),"
    " CAST(ytd * 10000 AS INTEGER), status, problem, '2016-08-01 00:00:00', 'floor', 1"
    " FROM progress;"
    " CREATE UNIQUE INDEX progress_effective ON progress_entry(month, project_id, amount, status)"
    " WHERE superseded_by IS NULL;"
    " CREATE UNIQUE INDEX progress_one_effective ON progress_entry(project_id, month)"
    " WHERE superseded_by IS NULL;"
    " CREATE INDEX progress_recorded ON progress_entry(project_id, month, recorded_at);"
    " DROP TABLE progress;"
)

# goals from the issues (8: against the indexed floors; the plain .import stays a reference)
GOAL_PROGRESS_IMPORT_RATIO = 1.5
GOAL_PROGRESS_IMPORT_MB = 200
GOAL_PROJECT_IMPORT_RATIO = 2.0
GOAL_QUARTERLY_RATIO = 1.5
GOAL_QUARTERLY_SECONDS = 1.0
GOAL_HELP_SECONDS = 0.15
GOAL_ADD_SECONDS = 0.45
GOAL_PG_RATIO = 2.0
GOAL_XLSX_RATIO = 1.2
GOAL_LISTING_MB = 200  # issue 9: listings stream, whatever the ledger's size

FAST_RUNS = 10  # at least this many runs for sub-second start-up jobs


def log(msg: str) -> None:
    print(f"[run {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --- running and measuring whole processes ---------------------------------------------------


class CommandFailed(Exception):
    """A timed or setup command exited non-zero (or could not start)."""


@dataclass
class Sample:
    seconds: float
    peak_mb: float | None


@dataclass
class Measure:
    samples: list[Sample] = field(default_factory=list)
    error: str | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(s.seconds for s in self.samples) if self.samples else None

    @property
    def peak_mb(self) -> float | None:
        peaks = [s.peak_mb for s in self.samples if s.peak_mb is not None]
        return max(peaks) if peaks else None


def first_error_line(text: str) -> str:
    """The line of stderr that says what went wrong, for a one-line n/a note."""
    lines = [ln.strip(" │╭╮╰╯─|\t") for ln in text.splitlines()]
    lines = [ln for ln in lines if ln]
    if not lines:
        return "(no output on stderr)"
    if lines[0].startswith("Traceback"):
        return lines[-1]  # the exception, not the traceback header
    if lines[0].startswith("Usage:"):  # click/typer usage errors put the reason further down
        for ln in lines[1:]:
            if not ln.startswith("Try ") and "Error" not in ln[:8]:
                return ln
        return lines[-1]
    return lines[0]


def describe(cmd: list[str]) -> str:
    """The subcommand part of a command line, to say which step failed."""
    words = [w for w in cmd[1:] if os.sep not in w and not w.startswith("-")]
    if cmd[1:2] == ["-m"]:
        words = words[1:]
    return " ".join(words[:2])


def _find_gnu_time() -> str | None:
    path = shutil.which("time", path="/usr/bin:/bin:/usr/local/bin")
    if not path:
        return None
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return path if "GNU" in out.stdout + out.stderr else None


# GNU time reports the child's own peak RSS. os.wait4's figure cannot go below run.py's own
# RSS: the child's counter starts from the parent's memory at fork (or vfork) and exec.
GNU_TIME = _find_gnu_time()


def run_process(
    cmd: list[str],
    env: dict | None = None,
    stdout=None,
    timeout: float | None = None,
    rss: bool = True,
) -> Sample:
    """Run one whole process; return wall time and peak RSS, raise CommandFailed on failure.

    rss=False runs the command bare (no GNU time wrapper: not even its millisecond) and
    reports no memory figure.
    """
    wrapped = cmd
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as rss_file:
        if rss and GNU_TIME:
            wrapped = [GNU_TIME, "-f", "%M", "-o", rss_file.name, "--", *cmd]
        out = open(stdout, "wb") if stdout else subprocess.DEVNULL
        timed_out = threading.Event()
        try:
            t0 = time.perf_counter()
            try:
                proc = subprocess.Popen(
                    wrapped,
                    stdout=out,
                    stderr=err,
                    stdin=subprocess.DEVNULL,
                    env=env,
                    start_new_session=True,
                )
            except OSError as exc:
                raise CommandFailed(f"{exc.strerror}: {cmd[0]}") from None
            timer = None
            if timeout:
                timer = threading.Timer(timeout, _kill_group, (proc.pid, timed_out))
                timer.start()
            # wait4 rather than RUSAGE_CHILDREN deltas: the latter only ever reports the
            # largest child seen so far
            try:
                _, status, usage = os.wait4(proc.pid, 0)
            except BaseException:  # Ctrl-C: leave no benchmark process behind
                _kill_group(proc.pid)
                proc.wait()
                raise
            seconds = time.perf_counter() - t0
            if timer:
                timer.cancel()
            proc.returncode = os.waitstatus_to_exitcode(status)
        finally:
            if stdout:
                out.close()
        if proc.returncode != 0:
            err.seek(0)
            text = err.read().decode("utf-8", "replace")
            where = f"[{Path(cmd[0]).name} {describe(cmd)}, exit {proc.returncode}]"
            if timed_out.is_set():
                raise CommandFailed(f"timed out after {timeout:.0f} s {where}")
            raise CommandFailed(f"{first_error_line(text)} {where}")
        peak_mb = None
        if rss and GNU_TIME:
            lines = rss_file.read().split()
            if lines and lines[-1].isdigit():
                peak_mb = int(lines[-1]) / 1024
        elif rss:
            scale = 1 << 20 if sys.platform == "darwin" else 1024
            peak_mb = usage.ru_maxrss / scale
    return Sample(seconds, peak_mb)


def _kill_group(pid: int, flag: threading.Event | None = None) -> None:
    if flag is not None:
        flag.set()
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass


def measure(
    label: str,
    make,
    runs: int,
    warmup: int = 0,
    timeout: float | None = None,
    prefix: str = "",
    rss: bool = True,
) -> Measure:
    """Time `runs` runs of make(i) -> (cmd, env, stdout_path or None), after `warmup` untimed ones.

    make may also do untimed per-run preparation (a fresh database file) before returning.
    The first failure stops the job and is kept as its n/a reason.
    """
    m = Measure()
    for i in range(-warmup, runs):
        try:
            cmd, env, stdout = make(i)
            sample = run_process(cmd, env=env, stdout=stdout, timeout=timeout, rss=rss)
        except CommandFailed as exc:
            m.error = f"{prefix}{exc}"
            log(f"{label}: n/a ({m.error})")
            return m
        if i >= 0:
            m.samples.append(sample)
            mb = "" if sample.peak_mb is None else f", {sample.peak_mb:.0f} MB"
            log(f"{label}: run {i + 1}/{runs} {sample.seconds:.3f} s{mb}")
    return m


# --- the table -------------------------------------------------------------------------------


@dataclass
class Row:
    job: str
    tool: str = "innovtrack"
    tool_s: float | None = None
    tool_mb: float | None = None
    tool_error: str | None = None
    baseline: str = "-"
    baseline_s: float | None = None
    baseline_error: str | None = None
    ratio: float | None = None
    goal: str = "info"
    met: bool | None = None
    note: str = ""


def make_row(
    job: str,
    tool: Measure | None,
    baseline: Measure | None,
    baseline_name: str = "-",
    max_ratio: float | None = None,
    max_seconds: float | None = None,
    tool_name: str = "innovtrack",
    note: str = "",
) -> Row:
    row = Row(job=job, tool=tool_name, baseline=baseline_name, note=note)
    if tool is not None:
        row.tool_s, row.tool_mb, row.tool_error = tool.median, tool.peak_mb, tool.error
    if baseline is not None:
        row.baseline_s, row.baseline_error = baseline.median, baseline.error
    if row.tool_s is not None and row.baseline_s:
        row.ratio = row.tool_s / row.baseline_s
    goals, checks = [], []
    if max_ratio is not None:
        goals.append(f"<= {max_ratio:g}x")
        checks.append(None if row.ratio is None else row.ratio <= max_ratio)
    if max_seconds is not None:
        goals.append(f"<= {max_seconds:g} s")
        checks.append(None if row.tool_s is None else row.tool_s <= max_seconds)
    if goals:
        row.goal = ", ".join(goals)
        row.met = None if None in checks else all(checks)
    return row


def memory_row(job: str, tool: Measure, max_mb: float) -> Row:
    row = Row(job=job, tool_mb=tool.peak_mb, tool_error=tool.error, goal=f"<= {max_mb:g} MB")
    if tool.peak_mb is not None:
        row.met = tool.peak_mb <= max_mb
    return row


def info_row(
    job: str,
    seconds: float | None,
    error: str | None = None,
    note: str = "",
    tool: str = "innovtrack",
) -> Row:
    return Row(job=job, tool=tool, tool_s=seconds, tool_error=error, note=note)


def _fmt_s(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"


def render_table(rows: list[Row]) -> str:
    head = ["job", "innovtrack s", "peak MB", "baseline", "baseline s", "ratio", "goal", "met?"]
    body = []
    notes = []
    last_error = None
    for r in rows:
        tool_s = _fmt_s(r.tool_s) if r.tool_error is None else "n/a"
        base_s = _fmt_s(r.baseline_s) if r.baseline_error is None else "n/a"
        if r.tool != "innovtrack" and r.tool_s is not None:
            tool_s += "*"
        met = {True: "yes", False: "NO", None: "-" if r.goal == "info" else "n/a"}[r.met]
        body.append(
            [
                r.job,
                tool_s,
                "-" if r.tool_mb is None else f"{r.tool_mb:.0f}",
                r.baseline,
                base_s,
                "-" if r.ratio is None else f"{r.ratio:.2f}x",
                r.goal,
                met,
            ]
        )
        if r.tool_error and r.tool_error != last_error:  # one failure often sinks several rows
            notes.append(f"  {r.job}: n/a ({r.tool_error})")
        last_error = r.tool_error
        if r.baseline_error:
            notes.append(f"  {r.job} / {r.baseline}: n/a ({r.baseline_error})")
        if r.tool != "innovtrack" and r.tool_s is not None:
            notes.append(f"  {r.job}: * measured with {r.tool}, not innovtrack")
        if r.note:
            notes.append(f"  {r.job}: {r.note}")
    widths = [max(len(str(x[i])) for x in [head] + body) for i in range(len(head))]

    def line(cells):
        return " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [line(head), "-+-".join("-" * w for w in widths)]
    out += [line(b) for b in body]
    if notes:
        out += ["", "notes:"] + notes
    return "\n".join(out)


# --- data sets -------------------------------------------------------------------------------


def ensure_dataset(root: Path, name: str, params: dict, rows: list[Row]) -> dict:
    """Generate the data set into root/name unless an identical one is cached there."""
    outdir = root / name
    stamp = {
        **params,
        "start": START,
        "seed": SEED,
        "generator_sha256": hashlib.sha256(GENERATOR.read_bytes()).hexdigest(),
    }
    stamp_file = outdir / "stamp.json"
    manifest_file = outdir / "manifest.json"
    if stamp_file.exists() and manifest_file.exists():
        try:
            if json.loads(stamp_file.read_text()) == stamp:
                log(f"data set {name}: cached in {outdir}")
                return json.loads(manifest_file.read_text(encoding="utf-8"))
        except ValueError:
            pass
    if outdir.exists():
        shutil.rmtree(outdir)
    log(
        f"data set {name}: generating {params['projects']:,} projects x {params['months']} "
        f"months into {outdir}"
    )
    cmd = [
        sys.executable,
        str(GENERATOR),
        str(outdir),
        "--projects",
        str(params["projects"]),
        "--months",
        str(params["months"]),
        "--start",
        START,
        "--seed",
        str(SEED),
        "--big-rows",
        str(params["big_rows"]),
        "--quiet",
    ]
    sample = run_process(cmd)
    rows.append(
        info_row(
            f"generate data set '{name}'",
            sample.seconds,
            tool="generate.py",
            note=f"{params['projects']:,} projects x {params['months']} months, "
            f"peak {sample.peak_mb:.0f} MB",
        )
    )
    stamp_file.write_text(json.dumps(stamp))
    return json.loads(manifest_file.read_text(encoding="utf-8"))


def last_quarter(manifest: dict) -> tuple[int, int]:
    """The last quarter the data covers completely, else the one holding the last month."""
    end_y, end_m = map(int, manifest["end"].split("-"))
    start_y, start_m = map(int, manifest["start"].split("-"))
    q = end_m // 3
    if q == 0 or (end_y, 3 * q - 2) < (start_y, start_m):
        return end_y, (end_m - 1) // 3 + 1
    return end_y, q


# --- the jobs --------------------------------------------------------------------------------


class Bench:
    def __init__(self, args):
        self.args = args
        self.rows: list[Row] = []
        self.runs = args.runs
        self.timeout = args.timeout
        self.data_root = Path(args.data).resolve()
        self.data_root.mkdir(parents=True, exist_ok=True)
        if args.keep:
            self.work = Path(args.keep).resolve()
            self.work.mkdir(parents=True, exist_ok=True)
        else:
            self.work = Path(tempfile.mkdtemp(prefix="work-", dir=self.data_root))
        self.inn, self.inn_problem = find_innovtrack(args.innovtrack)
        self.sqlite3 = shutil.which("sqlite3")
        self.data: Path | None = None
        self.manifest: dict = {}
        self.quarterly_sqlite: Measure | None = None
        self.ledger_error: str | None = None

    # helpers

    def env(self, db: str | Path) -> dict:
        env = dict(os.environ)
        env.update({"INNOVTRACK_DB": str(db), "NO_COLOR": "1", "COLUMNS": "120"})
        return env

    def inn_cmd(self, *args: str) -> list[str]:
        if self.inn is None:
            raise CommandFailed(self.inn_problem)
        return [*self.inn, *args]

    def report_cmd(self, year: int, quarter: int, fmt: str, *args: str) -> list[str]:
        """`innovtrack report quarterly` for one quarter in one format (json, xlsx)."""
        return self.inn_cmd("report", "quarterly", "--year", str(year), "--quarter",
                            str(quarter), "--format", fmt, *args)

    def sqlite_cmd(self, db: Path, *commands: str) -> list[str]:
        if self.sqlite3 is None:
            raise CommandFailed("sqlite3 CLI not found on PATH")
        return [self.sqlite3, str(db), *commands]

    def inn_setup(self, db, *args: str) -> float:
        """Run an untimed innovtrack setup step; return its seconds."""
        return run_process(self.inn_cmd(*args), env=self.env(db), timeout=self.timeout).seconds

    @staticmethod
    def fresh(path: Path, template: Path | None = None) -> Path:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        if template is not None:
            for suffix in ("", "-wal"):
                if Path(f"{template}{suffix}").exists():
                    shutil.copyfile(f"{template}{suffix}", f"{path}{suffix}")
        return path

    @staticmethod
    def warm(*paths: Path) -> None:
        """Read the input files once so every run starts with them in the page cache."""
        for p in paths:
            with open(p, "rb") as f:
                while f.read(1 << 22):
                    pass

    def fast_runs(self) -> int:
        return max(self.runs, FAST_RUNS)

    # a. progress import of the 1M-row file

    def job_progress_import(self):
        big = self.data / self.manifest["big_file"]
        projects = self.data / "projects.csv"
        n = self.manifest["big_rows"]
        self.warm(big, projects)
        label = f"progress import {n:,} rows"

        template = self.work / "a-template.db"
        tool = Measure()
        try:
            self.inn_setup(self.fresh(template), "import", str(projects))
        except CommandFailed as exc:
            tool.error = f"innovtrack command failed: {exc}"
            log(f"{label}: n/a ({tool.error})")
        if tool.error is None:

            def make_tool(i):
                db = self.fresh(self.work / "a-innovtrack.db", template)
                return self.inn_cmd("progress", "import", str(big)), self.env(db), None

            tool = measure(
                f"{label} / innovtrack",
                make_tool,
                self.runs,
                timeout=self.timeout,
                prefix="innovtrack command failed: ",
            )

        def make_sqlite(i):
            db = self.fresh(self.work / "a-sqlite.db")
            return (
                self.sqlite_cmd(db, PROGRESS_DDL, f".import --csv --skip 1 '{big}' progress"),
                None,
                None,
            )

        base = measure(f"{label} / sqlite3 .import", make_sqlite, self.runs, timeout=self.timeout)

        def make_floor(i):
            db = self.fresh(self.work / "a-floor.db")
            return (
                self.sqlite_cmd(db, PROGRESS_DDL, f".import --csv --skip 1 '{big}' progress",
                                PROGRESS_FLOOR_SQL),
                None,
                None,
            )

        floor = measure(f"{label} / sqlite3 floor", make_floor, self.runs, timeout=self.timeout)

        def make_many(i):
            db = self.fresh(self.work / "a-executemany.db")
            return [sys.executable, str(BASELINES), "executemany", str(big), str(db)], None, None

        many = measure(f"{label} / csv+executemany", make_many, self.runs, timeout=self.timeout)

        self.rows.append(
            make_row(label, tool, floor, "sqlite3 load + indexes",
                     max_ratio=GOAL_PROGRESS_IMPORT_RATIO)
        )
        self.rows.append(make_row(f"{label} (reference)", tool, base, "sqlite3 .import"))
        self.rows.append(memory_row(f"{label}: peak memory", tool, GOAL_PROGRESS_IMPORT_MB))
        self.rows.append(make_row(f"{label} (reference)", tool, many, "csv+executemany"))

    # g. a listing of the whole history streams: peak memory stays bounded

    def job_listing(self):
        big = self.data / self.manifest["big_file"]
        projects = self.data / "projects.csv"
        n = self.manifest["big_rows"]
        label = f"progress list --history --format json ({n:,} entries)"
        db = self.fresh(self.work / "g-ledger.db")
        tool = Measure()
        try:
            self.inn_setup(db, "import", str(projects))
            self.inn_setup(db, "progress", "import", str(big))
        except CommandFailed as exc:
            tool.error = f"innovtrack command failed: {exc}"
            log(f"{label}: n/a ({tool.error})")
        if tool.error is None:
            out = self.work / "g-history.json"

            def make_tool(i):
                return (self.inn_cmd("progress", "list", "--history", "--format", "json",
                                     "--output", str(out)), self.env(db), None)

            tool = measure(label, make_tool, self.runs, timeout=self.timeout,
                           prefix="innovtrack command failed: ")
        self.rows.append(make_row(label, tool, None))
        self.rows.append(memory_row(f"{label}: peak memory", tool, GOAL_LISTING_MB))

    # b. project list import

    def job_project_import(self):
        projects = self.data / "projects.csv"
        self.warm(projects)
        n = self.manifest["projects"]
        label = f"import {n:,} projects"

        def make_tool(i):
            db = self.fresh(self.work / "b-innovtrack.db")
            return self.inn_cmd("import", str(projects)), self.env(db), None

        tool = measure(
            f"{label} / innovtrack",
            make_tool,
            self.runs,
            timeout=self.timeout,
            prefix="innovtrack command failed: ",
        )

        with open(projects, encoding="utf-8") as f:
            ncols = len(f.readline().rstrip("\n").split(","))
        # typed: money columns REAL, the rest TEXT (column 8 = total, then one per plan year)
        years = len(self.manifest["years"])
        typed = [f"c{k} {'REAL' if 8 <= k < 9 + years else 'TEXT'}" for k in range(ncols)]
        ddl = f"CREATE TABLE project({', '.join(typed)})"

        def make_sqlite(i):
            db = self.fresh(self.work / "b-sqlite.db")
            return (
                self.sqlite_cmd(db, ddl, f".import --csv --skip 1 '{projects}' project"),
                None,
                None,
            )

        base = measure(f"{label} / sqlite3 .import", make_sqlite, self.runs, timeout=self.timeout)
        # the floor: the same rows into a table whose code (column 0) has the ledger's unique index
        unique = ddl.replace("c0 TEXT", "c0 TEXT NOT NULL UNIQUE", 1)

        def make_floor(i):
            db = self.fresh(self.work / "b-floor.db")
            return (
                self.sqlite_cmd(db, unique, f".import --csv --skip 1 '{projects}' project"),
                None,
                None,
            )

        floor = measure(f"{label} / sqlite3 floor", make_floor, self.runs, timeout=self.timeout)
        self.rows.append(
            make_row(
                label, tool, floor, "sqlite3 load + unique code index",
                max_ratio=GOAL_PROJECT_IMPORT_RATIO, note=""
            )
        )
        self.rows.append(make_row(f"{label} (reference)", tool, base, "sqlite3 .import"))

    # c. quarterly report on the whole ledger

    def ledger_path(self) -> Path:
        return self.data / "innovtrack-ledger.db"

    def build_ledger(self, db: str, kind: str) -> tuple[float | None, str | None]:
        """innovtrack import + one progress import per month file; (seconds, error)."""
        months = self.manifest["month_files"]
        total = 0.0
        try:
            total += self.inn_setup(db, "import", str(self.data / "projects.csv"))
            for k, name in enumerate(months, 1):
                total += self.inn_setup(db, "progress", "import", str(self.data / name))
                if k % 12 == 0 or k == len(months):
                    log(f"{kind} ledger: {k}/{len(months)} month files imported, {total:.1f} s")
        except CommandFailed as exc:
            return None, f"innovtrack command failed: {exc}"
        return total, None

    def ensure_sqlite_ledger(self) -> Path | None:
        db = self.ledger_path()
        ok = self.data / "innovtrack-ledger.ok"
        entries = self.manifest["progress_rows"]
        label = (
            f"ledger build ({len(self.manifest['month_files']) + 1} imports, {entries:,} entries)"
        )
        if self.args.reuse_ledger and ok.exists() and db.exists():
            log(f"reusing {db}")
            self.rows.append(info_row(label, None, note=f"reused {db} (--reuse-ledger)"))
            return db
        ok.unlink(missing_ok=True)
        self.fresh(db)
        if self.inn is None:
            self.ledger_error = f"innovtrack command failed: {self.inn_problem}"
            self.rows.append(info_row(label, None, self.ledger_error))
            return None
        self.warm(*(self.data / m for m in self.manifest["month_files"]))
        seconds, error = self.build_ledger(str(db), "sqlite")
        self.rows.append(info_row(label, seconds, error, note="setup, not a goal"))
        if error:
            self.ledger_error = error
            return None
        ok.write_text("built\n")
        return db

    def build_standin(self) -> Path:
        """The assumed schema (see baseline_quarterly_sql), filled by the sqlite3 CLI, cached."""
        db = self.data / "standin-ledger.db"
        ok = self.data / "standin-ledger.ok"
        if ok.exists() and db.exists():
            return db
        self.fresh(db)
        years = len(self.manifest["years"])
        ncols = 13 + years
        staging = ", ".join(f"c{k} TEXT" for k in range(ncols))
        script = [
            "PRAGMA journal_mode=OFF;",
            "PRAGMA synchronous=OFF;",
            f"CREATE TABLE project_csv({staging});",
            f".import --csv --skip 1 '{self.data / 'projects.csv'}' project_csv",
            "CREATE TABLE project(id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT,"
            " enterprise TEXT, region TEXT, category TEXT, sector TEXT, industry TEXT,"
            " stage TEXT, total_investment INTEGER);",
            "INSERT INTO project(code, name, enterprise, region, category, sector, industry,"
            " stage, total_investment) SELECT c0, c1, c2, c3, c4, c5, c6, c7,"
            " CAST(round(c8 * 10000) AS INTEGER) FROM project_csv;",
            "DROP TABLE project_csv;",
            "CREATE TABLE progress_entry(id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL"
            " REFERENCES project(id), month TEXT NOT NULL, amount INTEGER NOT NULL, ytd INTEGER,"
            " status TEXT, problem TEXT, superseded_by INTEGER);",
        ]
        for name in self.manifest["month_files"]:
            script += [
                "CREATE TABLE progress_csv(code TEXT, month TEXT, amount TEXT, ytd TEXT,"
                " status TEXT, problem TEXT);",
                f".import --csv --skip 1 '{self.data / name}' progress_csv",
                "INSERT INTO progress_entry(project_id, month, amount, ytd, status, problem)"
                " SELECT p.id, s.month, CAST(round(s.amount * 10000) AS INTEGER),"
                " CAST(round(s.ytd * 10000) AS INTEGER), s.status, NULLIF(s.problem, '')"
                " FROM progress_csv s JOIN project p ON p.code = s.code;",
                "DROP TABLE progress_csv;",
            ]
        # the covering index of the baseline (month, project, amount)
        script += [
            "CREATE INDEX ix_entry_month ON progress_entry"
            "(month, superseded_by, project_id, amount);",
            "ANALYZE;",
        ]
        script_file = self.work / "standin.sql"
        script_file.write_text("\n".join(script) + "\n", encoding="utf-8")
        log(f"building stand-in ledger {db}")
        sample = run_process(self.sqlite_cmd(db, f".read '{script_file}'"), timeout=self.timeout)
        log(f"stand-in ledger built in {sample.seconds:.1f} s")
        ok.write_text("built\n")
        return db

    def job_quarterly(self):
        year, quarter = last_quarter(self.manifest)
        entries = self.manifest["progress_rows"]
        label = f"report quarterly {year}Q{quarter} json ({entries:,} entries)"
        sql = baseline_quarterly_sql(year, quarter)
        ledger = self.ensure_sqlite_ledger()
        out = self.work / "c-report.json"

        tool = Measure(error=self.ledger_error)
        if ledger is not None:

            def make_tool(i):
                return (
                    self.report_cmd(year, quarter, "json"),
                    self.env(ledger),
                    out,
                )

            tool = measure(
                f"{label} / innovtrack",
                make_tool,
                self.fast_runs(),
                warmup=1,
                timeout=self.timeout,
                prefix="innovtrack command failed: ",
            )
            if tool.error is None:
                try:
                    json.loads(out.read_text(encoding="utf-8"))
                except (ValueError, UnicodeDecodeError) as exc:
                    tool.error = f"innovtrack command failed: stdout is not JSON ({exc})"
        self.quarterly_sqlite = tool

        base = None
        if ledger is not None:

            def make_base(i):
                return self.sqlite_cmd(ledger, sql), None, self.work / "c-baseline.txt"

            base = measure(
                f"{label} / sqlite3 GROUP BY",
                make_base,
                self.fast_runs(),
                warmup=1,
                timeout=self.timeout,
                prefix="baseline SQL failed (adjust baseline_quarterly_sql): ",
            )
        self.rows.append(
            make_row(
                label,
                tool,
                base,
                "sqlite3 GROUP BY, same ledger",
                max_ratio=GOAL_QUARTERLY_RATIO,
                max_seconds=GOAL_QUARTERLY_SECONDS,
            )
        )

        # reference: the same figures on a ledger of the assumed schema with a covering index
        try:
            standin = self.build_standin()
        except CommandFailed as exc:
            standin, standin_error = None, f"stand-in ledger build failed: {exc}"
        for style in ("join", "per_project"):
            if standin is None:
                ref = Measure(error=standin_error)
            else:
                ref_sql = baseline_quarterly_sql(year, quarter, style)

                def make_ref(i, ref_sql=ref_sql, style=style):
                    return (
                        self.sqlite_cmd(standin, ref_sql),
                        None,
                        self.work / f"c-standin-{style}.txt",
                    )

                ref = measure(
                    f"{label} / sqlite3 {style} stand-in",
                    make_ref,
                    self.fast_runs(),
                    warmup=1,
                    timeout=self.timeout,
                )
            self.rows.append(
                make_row(
                    f"{label} (reference)",
                    tool,
                    ref,
                    f"sqlite3 {style}, stand-in ledger",
                    note="stand-in: the assumed schema with a covering index, "
                    "built by sqlite3 itself"
                    if style == "join"
                    else "",
                )
            )

    # d. start-up and progress add

    def job_startup(self):
        runs = self.fast_runs()

        def make_help(i):
            return self.inn_cmd("--help"), self.env(self.work / "d-help.db"), None

        tool = measure(
            "innovtrack --help",
            make_help,
            runs,
            warmup=1,
            timeout=self.timeout,
            rss=False,
            prefix="innovtrack command failed: ",
        )

        def make_import(i):
            return [sys.executable, "-c", "import typer, rich"], None, None

        base = measure(
            "python -c 'import typer, rich'",
            make_import,
            runs,
            warmup=1,
            timeout=self.timeout,
            rss=False,
        )
        self.rows.append(
            make_row(
                "innovtrack --help",
                tool,
                base,
                "python -c 'import typer, rich'",
                max_seconds=GOAL_HELP_SECONDS,
            )
        )

        sqlite_utils = shutil.which(
            "sqlite-utils",
            path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        )
        if sqlite_utils:
            su = measure(
                "sqlite-utils --help",
                lambda i: ([sqlite_utils, "--help"], None, None),
                runs,
                warmup=1,
                timeout=self.timeout,
                rss=False,
            )
            self.rows.append(
                make_row(
                    "innovtrack --help",
                    tool,
                    su,
                    "sqlite-utils --help",
                    max_seconds=GOAL_HELP_SECONDS,
                )
            )
        else:
            log("sqlite-utils not installed: its --help row is skipped")

        # progress add against a ledger of the real programme's size
        label = "progress add (one entry)"
        add = Measure()
        programme = ensure_dataset(self.data_root, "programme", PROGRAMME, self.rows)
        pdata = self.data_root / "programme"
        try:
            db = self.fresh(self.work / "d-programme.db")
            self.inn_setup(db, "import", str(pdata / "projects.csv"))
            self.inn_setup(db, "progress", "import", str(pdata / programme["big_file"]))
            # The runs record months after the data; innovtrack refuses a month of a year
            # with neither targets nor plans, so the next two years get a (token) target.
            last_year = int(programme["end"][:4])
            for year in (last_year + 1, last_year + 2):
                self.inn_setup(db, "targets", "set", "--year", str(year), "--amount", "1")
        except CommandFailed as exc:
            add.error = f"innovtrack command failed: {exc}"
            log(f"{label}: n/a ({add.error})")
        if add.error is None:
            end_y, end_m = map(int, programme["end"].split("-"))
            base_month = end_y * 12 + end_m  # the month after the data: unused

            def make_add(i):
                # a different, unused month every run (the warm-up is i = -1)
                t = base_month + i + 1
                month = f"{t // 12:04d}-{t % 12 + 1:02d}"
                return (
                    self.inn_cmd("progress", "add", "P000001", "--month", month, "--amount", "1"),
                    self.env(db),
                    None,
                )

            add = measure(
                label,
                make_add,
                runs,
                warmup=1,
                timeout=self.timeout,
                rss=False,
                prefix="innovtrack command failed: ",
            )
        self.rows.append(
            make_row(
                label,
                add,
                None,
                max_seconds=GOAL_ADD_SECONDS,
                note=f"ledger of {PROGRAMME['projects']} projects x {PROGRAMME['months']} months",
            )
        )

    # e. PostgreSQL

    def job_postgres(self):
        url = self.args.pg
        year, quarter = last_quarter(self.manifest)
        label = f"report quarterly {year}Q{quarter} json on PostgreSQL"
        tool = Measure()
        psql = shutil.which("psql")
        conninfo = libpq_url(url)
        try:
            if self.inn is None:
                raise CommandFailed(f"innovtrack command failed: {self.inn_problem}")
            if psql is None:
                raise CommandFailed("psql not found on PATH (needed to create the database)")
            self.ensure_pg_ledger(url, psql)  # its innovtrack failures carry their prefix
        except CommandFailed as exc:
            tool.error = str(exc)
            log(f"{label}: n/a ({tool.error})")
        if tool.error is None:

            def make_tool(i):
                return (
                    self.report_cmd(year, quarter, "json"),
                    self.env(url),
                    self.work / "e-report.json",
                )

            tool = measure(
                f"{label} / innovtrack",
                make_tool,
                self.fast_runs(),
                warmup=1,
                timeout=self.timeout,
                prefix="innovtrack command failed: ",
            )
        sqlite_fig = self.quarterly_sqlite or Measure(error="quarterly job (c) not run")
        self.rows.append(
            make_row(label, tool, sqlite_fig, "innovtrack on SQLite", max_ratio=GOAL_PG_RATIO)
        )
        if tool.error is None:
            sql = baseline_quarterly_sql(year, quarter)

            def make_ref(i):
                return (
                    [
                        psql,
                        "-X",
                        "-q",
                        "-A",
                        "-t",
                        "-v",
                        "ON_ERROR_STOP=1",
                        "-d",
                        conninfo,
                        "-c",
                        sql,
                    ],
                    None,
                    self.work / "e-baseline.txt",
                )

            ref = measure(
                f"{label} / psql GROUP BY",
                make_ref,
                self.fast_runs(),
                warmup=1,
                timeout=self.timeout,
                prefix="baseline SQL failed (adjust baseline_quarterly_sql): ",
            )
            self.rows.append(make_row(f"{label} (reference)", tool, ref, "psql GROUP BY, same db"))

    def ensure_pg_ledger(self, url: str, psql: str) -> None:
        parts = urllib.parse.urlsplit(url)
        dbname = parts.path.lstrip("/")
        if not dbname:
            raise CommandFailed(f"--pg URL names no database: {url}")
        admin = libpq_url(url, database="postgres")
        key = f"{parts.hostname}:{parts.port}/{dbname}"
        stamps_file = self.data_root / "pg-ledgers.json"
        stamps = json.loads(stamps_file.read_text()) if stamps_file.exists() else {}
        dataset = str(self.data)

        def q(sql: str, conninfo: str = admin) -> str:
            out = subprocess.run(
                [psql, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-c", sql],
                capture_output=True,
                text=True,
            )
            if out.returncode != 0:
                raise CommandFailed(f"psql: {first_error_line(out.stderr)}")
            return out.stdout.strip()

        quoted = '"' + dbname.replace('"', '""') + '"'
        literal = "'" + dbname.replace("'", "''") + "'"
        exists = q(f"SELECT 1 FROM pg_database WHERE datname = {literal}") == "1"
        if exists and self.args.reuse_ledger and stamps.get(key) == dataset:
            log(f"reusing PostgreSQL ledger {key}")
            self.rows.append(info_row("PostgreSQL ledger build", None, note=f"reused {key}"))
            return
        if exists:
            tables = q(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
                libpq_url(url),
            )
            if tables != "0" and key not in stamps and not self.args.pg_reset:
                raise CommandFailed(
                    f"database {dbname} is not empty and was not made by this "
                    "benchmark; pass --pg-reset to drop and recreate it"
                )
            if tables != "0":
                q(f"DROP DATABASE {quoted} WITH (FORCE)")
                exists = False
        if not exists:
            q(f"CREATE DATABASE {quoted}")
        stamps.pop(key, None)
        stamps_file.write_text(json.dumps(stamps))
        seconds, error = self.build_ledger(url, "PostgreSQL")
        self.rows.append(
            info_row("PostgreSQL ledger build", seconds, error, note="setup, not a goal")
        )
        if error:
            raise CommandFailed(error)
        stamps[key] = dataset
        stamps_file.write_text(json.dumps(stamps))

    # f. xlsx

    def job_xlsx(self):
        year, quarter = last_quarter(self.manifest)
        n = self.manifest["projects"]
        label = f"report quarterly xlsx ({n:,} projects)"
        ledger = None if self.ledger_error else self.ensure_ledger_for_xlsx()
        tool = Measure(error=self.ledger_error)
        if ledger is not None:

            def make_tool(i):
                out = self.work / "f-report.xlsx"
                out.unlink(missing_ok=True)
                return (
                    self.report_cmd(year, quarter, "xlsx", "--output", str(out)),
                    self.env(ledger),
                    None,
                )

            tool = measure(
                f"{label} / innovtrack",
                make_tool,
                self.runs,
                timeout=self.timeout,
                prefix="innovtrack command failed: ",
            )

        def make_base(i):
            out = self.work / "f-xlsxwriter.xlsx"
            out.unlink(missing_ok=True)
            return [sys.executable, str(BASELINES), "xlsx", str(n), str(out)], None, None

        base = measure(f"{label} / xlsxwriter alone", make_base, self.runs, timeout=self.timeout)
        self.rows.append(
            make_row(label, tool, base, f"xlsxwriter {n:,} x 10 cells", max_ratio=GOAL_XLSX_RATIO)
        )

    def ensure_ledger_for_xlsx(self) -> Path | None:
        ok = self.data / "innovtrack-ledger.ok"
        if ok.exists() and self.ledger_path().exists():
            return self.ledger_path()
        return self.ensure_sqlite_ledger()

    # all

    def run(self) -> list[Row]:
        size = self.args.size
        self.manifest = ensure_dataset(self.data_root, size, SIZES[size], self.rows)
        self.data = self.data_root / size
        only = set(self.args.only.split(",")) if self.args.only else set("abcdefg")
        # the c ledger is rebuilt per run unless --reuse-ledger; drop a stale "ok" marker first
        # so f never picks up a ledger built by older code
        if not self.args.reuse_ledger:
            (self.data / "innovtrack-ledger.ok").unlink(missing_ok=True)
        jobs = [
            ("a", self.job_progress_import),
            ("b", self.job_project_import),
            ("c", self.job_quarterly),
            ("d", self.job_startup),
        ]
        if self.args.pg:
            jobs.append(("e", self.job_postgres))
        jobs.append(("f", self.job_xlsx))
        jobs.append(("g", self.job_listing))
        for letter, job in jobs:
            if letter in only:
                log(f"job {letter}: {job.__name__}")
                try:
                    job()
                except Exception as exc:  # one broken job must not sink the others
                    log(f"job {letter} crashed: {exc!r}")
                    self.rows.append(
                        Row(
                            job=f"job {letter} ({job.__name__})",
                            tool_error=f"benchmark error: {exc!r}",
                        )
                    )
        return self.rows

    def cleanup(self):
        if not self.args.keep:
            shutil.rmtree(self.work, ignore_errors=True)


def libpq_url(url: str, database: str | None = None) -> str:
    """An SQLAlchemy URL (postgresql+psycopg://...) as a libpq one psql understands."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.split("+", 1)[0]
    if scheme == "postgres":
        scheme = "postgresql"
    path = f"/{database}" if database is not None else parts.path
    return urllib.parse.urlunsplit((scheme, parts.netloc, path, parts.query, ""))


def find_innovtrack(override: str | None) -> tuple[list[str] | None, str]:
    """How to start innovtrack as a process, or None and why not."""
    if override:
        return shlex.split(override), ""
    search = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    exe = shutil.which("innovtrack", path=search)
    if exe:
        return [exe], ""
    try:
        if (
            importlib.util.find_spec("innovtrack") is not None
            and importlib.util.find_spec("innovtrack.__main__") is not None
        ):
            return [sys.executable, "-m", "innovtrack"], ""
    except (ImportError, ValueError):
        pass
    return None, "innovtrack not found (not on PATH, not importable with python -m innovtrack)"


def machine_info(bench: Bench) -> dict:
    info = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "sqlite3_cli": None,
        "sqlite_lib": sqlite3.sqlite_version,
        "innovtrack": bench.inn and " ".join(bench.inn),
    }
    if bench.sqlite3:
        info["sqlite3_cli"] = subprocess.run(
            [bench.sqlite3, "-version"], capture_output=True, text=True
        ).stdout.split(" ")[0]
    try:
        from importlib.metadata import version

        info["innovtrack_version"] = version("innovtrack")
    except Exception:
        info["innovtrack_version"] = None
    return info


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--size",
        choices=sorted(SIZES),
        default="full",
        help="full: 100,000 projects x 60 months + a 1M-row file; "
        "small: 2,000 x 12 + a 20k-row file (CI smoke run)",
    )
    ap.add_argument(
        "--runs",
        type=int,
        default=3,
        help=f"timed runs per job (default 3; start-up and report jobs take at least {FAST_RUNS})",
    )
    ap.add_argument("--keep", metavar="DIR", help="keep the work files (databases, reports) in DIR")
    ap.add_argument(
        "--pg",
        metavar="URL",
        help="also time the quarterly report on PostgreSQL, "
        "e.g. postgresql+psycopg://postgres@127.0.0.1:5432/bench",
    )
    ap.add_argument(
        "--pg-reset",
        action="store_true",
        help="drop and recreate the --pg database even if it holds other tables",
    )
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    ap.add_argument(
        "--only",
        metavar="JOBS",
        help="comma-separated job letters: a progress "
        "import, b project import, c quarterly, d start-up, e PostgreSQL, f xlsx, "
        "g listing memory",
    )
    ap.add_argument(
        "--data",
        default=str(HERE / ".data"),
        help="where data sets are cached (default benchmarks/.data)",
    )
    ap.add_argument(
        "--reuse-ledger",
        action="store_true",
        help="reuse the innovtrack ledgers built by an earlier run instead of "
        "rebuilding them with the current code",
    )
    ap.add_argument(
        "--innovtrack",
        metavar="CMD",
        help="how to run innovtrack (default: innovtrack on PATH, else python -m)",
    )
    ap.add_argument(
        "--timeout",
        type=float,
        default=1800.0,
        help="seconds before one process is killed (default 1800)",
    )
    ap.add_argument(
        "--strict", action="store_true", help="exit 1 if a goal that could be measured is not met"
    )
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be at least 1")

    bench = Bench(args)
    t0 = time.perf_counter()
    try:
        rows = bench.run()
    except CommandFailed as exc:  # only the data set itself failing gets here
        print(f"benchmark: cannot make the data set: {exc}", file=sys.stderr)
        return 1
    finally:
        bench.cleanup()
    elapsed = time.perf_counter() - t0

    print()
    print(
        f"innovtrack benchmark, size {args.size}: {bench.manifest.get('projects', 0):,} projects "
        f"x {bench.manifest.get('months', 0)} months; median of {args.runs} runs "
        f"(start-up and report jobs: {max(args.runs, FAST_RUNS)}); whole processes; "
        f"{elapsed:.0f} s in all"
    )
    if args.size != "full":
        print("size small: figures are dominated by start-up; the goals are meant for --size full")
    print()
    print(render_table(rows))

    if args.json:
        info = machine_info(bench)
        doc = {
            "size": args.size,
            "runs": args.runs,
            "fast_runs": max(args.runs, FAST_RUNS),
            "seconds": round(elapsed, 1),
            "machine": info,
            "dataset": bench.manifest,
            "rows": [asdict(r) for r in rows],
        }
        Path(args.json).write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.strict and any(r.met is False for r in rows):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
