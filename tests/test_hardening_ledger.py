"""Issue 9, defects 9–12: the ledger's edges. Read-only commands never create a ledger or a
directory; another program's SQLite file is refused without a byte changed; a read-only,
immutable, full, damaged, locked or unreachable ledger and an unwritable output each end in one
clear line and exit 1; output files are renamed into place, so a failed write leaves nothing."""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import FIXTURES

SEED = FIXTURES / "projects" / "office_gb18030.csv"
PG = bool(os.environ.get("INNOVTRACK_TEST_DB"))
sqlite_only = pytest.mark.skipif(PG, reason="a SQLite file's edges")

READ_ONLY = [
    ("report", "quarterly"), ("report", "monthly"), ("report", "lagging"),
    ("report", "quarterly", "--format", "json"), ("projects", "list"),
    ("projects", "show", "CX-005"), ("progress", "list"), ("progress", "list", "--history"),
    ("targets", "list"), ("check",),
]


def one_clear_line(run, *needles: str) -> None:
    assert run.code == 1, (run.code, run.stderr)
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("innovtrack: "), run.stderr
    for needle in needles:
        assert needle in run.stderr, run.stderr


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- 10: a mistyped --db creates nothing ----------------------------------------------------


@pytest.mark.parametrize("args", READ_ONLY)
def test_read_only_commands_never_create_a_ledger(cli, tmp_path, args):
    where = tmp_path / "typo" / "deeper" / "ledgr.db"
    run = cli(*args, "--db", str(where))
    one_clear_line(run, f"no ledger at {where}", "innovtrack import")
    assert not (tmp_path / "typo").exists()
    assert run.stdout == ""


@sqlite_only
@pytest.mark.parametrize("args", READ_ONLY[:2] + READ_ONLY[4:5])
def test_read_only_commands_on_a_missing_file_in_an_existing_directory(cli, tmp_path, args):
    where = tmp_path / "ledgr.db"
    one_clear_line(cli(*args, "--db", str(where)), "no ledger at")
    assert sorted(tmp_path.iterdir()) == []


def test_read_only_command_on_a_postgresql_schema_without_a_ledger(cli, db_location):
    """The test's own location has no ledger yet (SQLite: no file; PostgreSQL: an empty
    schema): a report says so and creates no tables."""
    one_clear_line(cli("report", "quarterly"), "no ledger at")
    if PG:
        import psycopg

        url = db_location.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT COUNT(*) FROM information_schema.tables"
                                " WHERE table_schema = current_schema()").fetchone()[0] == 0
    else:
        assert not Path(db_location).exists()


def test_write_commands_still_create_a_ledger(cli, tmp_path):
    where = tmp_path / "new" / "dir" / "ledger.db"
    assert cli("import", SEED, "--db", str(where)).code == 0
    assert where.exists()
    assert cli("projects", "list", "--db", str(where), "--format", "json").code == 0


# --- 11: another program's SQLite file --------------------------------------------------------


def foreign_db(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('张三', '0971-1234567')")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("args", [*READ_ONLY, ("import", str(SEED)),
                                  ("progress", "add", "CX-005", "--month", "2016-03",
                                   "--amount", "5"),
                                  ("targets", "set", "--year", "2016", "--amount", "5")])
def test_another_programs_sqlite_file_is_refused_untouched(cli, tmp_path, args):
    path = foreign_db(tmp_path / "contacts.sqlite")
    before, mtime = digest(path), path.stat().st_mtime_ns
    run = cli(*args, "--db", str(path))
    one_clear_line(run, "another program's SQLite database", "contacts", "not an innovtrack")
    assert digest(path) == before and path.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contacts.sqlite"]  # no -wal, -shm
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


@pytest.mark.parametrize("content", [b"\x00\x01random bytes" * 300, "这不是数据库\n".encode() * 50,
                                     b"PK\x03\x04" + bytes(200)])
def test_a_file_that_is_no_database_is_refused_untouched(cli, tmp_path, content):
    path = tmp_path / "ledger.db"
    path.write_bytes(content)
    for args in (("report", "quarterly"), ("import", str(SEED))):
        one_clear_line(cli(*args, "--db", str(path)), "not an innovtrack ledger")
    assert path.read_bytes() == content


def test_an_empty_file_is_no_ledger_for_a_reader_and_becomes_one_for_a_writer(cli, tmp_path):
    path = tmp_path / "ledger.db"
    path.touch()
    one_clear_line(cli("report", "quarterly", "--db", str(path)), "no ledger at")
    assert path.stat().st_size == 0
    assert cli("import", SEED, "--db", str(path)).code == 0


# --- 9: damaged, read-only, immutable, full, locked ------------------------------------------


@pytest.fixture
def sqlite_ledger(tmp_path, cli):
    path = tmp_path / "l" / "ledger.db"
    assert cli("import", SEED, "--db", str(path)).code == 0
    from innovtrack.db import close_all

    close_all()
    return path


@pytest.mark.parametrize("projects", [SEED, FIXTURES.parent.parent / "data" / "seed_projects.csv"])
def test_a_damaged_ledger_gives_one_line(cli, tmp_path, projects):
    # a ledger of its own for each list: a list naming CX-003 otherwise than the ledger does
    # is refused (SPEC §7.1), so the second list is not imported over the first
    sqlite_ledger = tmp_path / "d" / "ledger.db"
    assert cli("import", projects, "--db", str(sqlite_ledger)).code == 0
    from innovtrack.db import close_all

    close_all()
    conn = sqlite3.connect(sqlite_ledger)  # everything in the main file, none in a -wal
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    data = bytearray(sqlite_ledger.read_bytes())
    page = 4096
    for start in range(page, len(data), page):  # every page but the first (the schema's root)
        data[start:start + 64] = b"\xde\xad\xbe\xef" * 16
    sqlite_ledger.write_bytes(bytes(data))
    for args in (("report", "quarterly"), ("projects", "list"), ("check",),
                 ("progress", "add", "CX-005", "--month", "2016-03", "--amount", "5"),
                 ("import", str(SEED))):
        run = cli(*args, "--db", str(sqlite_ledger))
        one_clear_line(run, "damaged")  # never "no ledger": it is there, and broken


@contextlib.contextmanager
def immutable(path: Path):
    """chattr +i (root) or chmod a-w (anyone else): a ledger nobody may write."""
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
            pytest.skip("chattr +i is not available here")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], capture_output=True)
    else:
        mode = path.stat().st_mode
        path.chmod(0o444)
        path.parent.chmod(0o555)
        try:
            yield
        finally:
            path.parent.chmod(0o755)
            path.chmod(mode)


@sqlite_only
def test_an_immutable_ledger_refuses_writes_in_one_line_and_still_reports(cli, sqlite_ledger):
    # A checkpointed ledger without -wal/-shm beside it, as one copied to a read-only share.
    conn = sqlite3.connect(sqlite_ledger)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    before = digest(sqlite_ledger)
    with immutable(sqlite_ledger):
        run = cli("progress", "add", "CX-005", "--month", "2016-03", "--amount", "5",
                  "--db", str(sqlite_ledger))
        one_clear_line(run, "read-only")
        one_clear_line(cli("targets", "set", "--year", "2017", "--amount", "5",
                           "--db", str(sqlite_ledger)), "read-only")
        for args in (("report", "quarterly", "--format", "json"), ("projects", "list")):
            run = cli(*args, "--db", str(sqlite_ledger))
            assert run.code == 0, run.stderr
    assert digest(sqlite_ledger) == before


@contextlib.contextmanager
def small_disk(tmp_path: Path, size: str = "256k"):
    mount = tmp_path / "disk"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)],
                      capture_output=True).returncode:
        pytest.skip("cannot mount a small tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


@sqlite_only
def test_a_full_disk_under_the_ledger_gives_one_line(cli, tmp_path):
    from innovtrack.db import close_all

    with small_disk(tmp_path, "64k") as disk:
        where = disk / "ledger.db"
        big = tmp_path / "big.csv"
        head = SEED.read_text(encoding="gb18030").splitlines()
        rows = ["项目编号,项目名称,项目单位,所在地区,类别,领域,建设性质,总投资（万元）,"
                "2016年计划投资（万元）,主要建设内容"]
        rows += [f"Z-{i:05d},项目{i},企业{i},西宁市,创新攻坚项目,传统产业,新建,100,10,"
                 + "建设内容" * 40 for i in range(3000)]
        big.write_text("\n".join(rows) + "\n", encoding="utf-8")
        assert head  # the seed is readable; the big list is what fills the disk
        run = cli("import", big, "--db", str(where))
        close_all()
        one_clear_line(run)
        assert "full" in run.stderr or "cannot" in run.stderr


@sqlite_only
def test_a_write_lock_held_past_the_busy_timeout(cli, sqlite_ledger, monkeypatch):
    monkeypatch.setenv("INNOVTRACK_BUSY_TIMEOUT", "0.3")
    holder = sqlite3.connect(sqlite_ledger, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        start = time.monotonic()
        run = cli("progress", "add", "CX-005", "--month", "2016-03", "--amount", "5",
                  "--db", str(sqlite_ledger))
        assert time.monotonic() - start < 10
        one_clear_line(run, "locked", "busy timeout")
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_busy_timeout_must_be_a_number(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("INNOVTRACK_BUSY_TIMEOUT", "soon")
    one_clear_line(cli("import", SEED, "--db", str(tmp_path / "x.db")), "INNOVTRACK_BUSY_TIMEOUT")


@pytest.mark.parametrize("where", ["/etc/hostname/ledger.db", "/proc/innovtrack/ledger.db",
                                   "/proc/self/ledger.db"])
def test_db_inside_a_file_or_proc(cli, where):
    for args in (("import", str(SEED)), ("report", "quarterly"),
                 ("progress", "add", "CX-005", "--month", "2016-03", "--amount", "5")):
        run = cli(*args, "--db", where)
        one_clear_line(run)


def test_db_naming_a_directory(cli, tmp_path):
    one_clear_line(cli("import", SEED, "--db", str(tmp_path)), "directory")


# --- 9: output files ------------------------------------------------------------------------


@pytest.fixture
def seeded(cli):
    assert cli("import", SEED).code == 0


@pytest.mark.parametrize("fmt, name", [("csv", "out.csv"), ("json", "out.json"),
                                       ("table", "out.txt"), ("xlsx", "out.xlsx"),
                                       ("markdown", "out.md")])
def test_output_into_a_missing_directory(cli, seeded, tmp_path, fmt, name):
    out = tmp_path / "nowhere" / name
    run = cli("report", "quarterly", "--format", fmt, "-o", out)
    one_clear_line(run, "does not exist")
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("args", [("projects", "list"), ("progress", "list"), ("targets", "list"),
                                  ("check", "--format", "json")])
def test_listing_output_into_a_missing_directory(cli, seeded, tmp_path, args):
    name = "x.json" if "json" in args else "x.txt"  # an ending that agrees with the format
    one_clear_line(cli(*args, "-o", tmp_path / "nowhere" / name), "does not exist")


@sqlite_only
@pytest.mark.parametrize("fmt, name", [("json", "out.json"), ("xlsx", "out.xlsx"),
                                       ("table", "out.txt")])
def test_output_to_a_full_disk_leaves_nothing(cli, seeded, tmp_path, fmt, name):
    with small_disk(tmp_path, "4k") as disk:
        run = cli("report", "quarterly", "--format", fmt, "-o", disk / name)
        one_clear_line(run, "nothing was written")
        assert list(disk.iterdir()) == []


def test_output_is_renamed_into_place(cli, seeded, tmp_path):
    out = tmp_path / "q.json"
    out.write_text("an older report", encoding="utf-8")
    assert cli("report", "quarterly", "--format", "json", "-o", out).code == 0
    assert out.read_text(encoding="utf-8").startswith("{")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_output_to_a_device_is_written_directly(cli, seeded):
    assert cli("report", "quarterly", "--format", "json", "-o", "/dev/null").code == 0
    assert Path("/dev/null").exists() and not Path("/dev/null").is_file()


# --- 12: PostgreSQL: connect timeout and passwords ----------------------------------------------


@pytest.fixture
def silent_server():
    """A socket on 127.0.0.1 that accepts connections and never says a word."""
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept():
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(srv.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield srv.getsockname()[1]
    stop.set()
    thread.join()
    for s in held:
        s.close()
    srv.close()


def test_postgresql_connect_times_out(silent_server, monkeypatch):
    monkeypatch.setenv("INNOVTRACK_PG_CONNECT_TIMEOUT", "1")
    url = f"postgresql://clerk:s3cr%40t-pw@127.0.0.1:{silent_server}/ledger"
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", "from innovtrack.cli import run; run()",
                           "report", "quarterly", "--db", url],
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "INNOVTRACK_PG_CONNECT_TIMEOUT": "1"})
    took = time.monotonic() - start
    assert proc.returncode == 1, proc.stderr
    assert took < 15
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "did not answer in time" in lines[0], proc.stderr
    assert "s3cr" not in proc.stderr and "clerk:***@" in proc.stderr


def test_postgresql_connect_timeout_in_the_url_wins(silent_server, cli):
    url = f"postgresql://clerk@127.0.0.1:{silent_server}/ledger?connect_timeout=1"
    start = time.monotonic()
    one_clear_line(cli("projects", "list", "--db", url), "did not answer in time")
    assert time.monotonic() - start < 15


def test_passwords_never_shown(cli):
    # Nothing listens on port 1: refused at once; the message must not carry the password.
    for url in ("postgresql://clerk:Very$ecret@127.0.0.1:1/ledger",
                "postgresql+psycopg://clerk:Very%24ecret@127.0.0.1:1/ledger"):
        run = cli("import", SEED, "--db", url)
        one_clear_line(run)
        assert "ecret" not in run.stderr, run.stderr
        assert "***" in run.stderr


def test_redact():
    from innovtrack.db import redact, redact_text

    assert redact("postgresql://u:pw@h:5432/d") == "postgresql://u:***@h:5432/d"
    assert redact("postgresql+psycopg://u@h/d") == "postgresql+psycopg://u@h/d"
    assert redact("host=h password=pw user=u") == "host=h password=*** user=u"
    assert redact("/tmp/a:b@c.db") == "/tmp/a:b@c.db"
    assert redact_text('failed for "p%40ss" and p@ss', "postgresql://u:p%40ss@h/d") \
        == 'failed for "***" and ***'


@sqlite_only
def test_a_full_ledger_gives_one_line_via_max_page_count(cli, sqlite_ledger, monkeypatch):
    """Disk full without a small disk: SQLite's max_page_count makes the ledger file unable to
    grow, which SQLite reports exactly like a full disk (SQLITE_FULL)."""
    from sqlalchemy import event

    from innovtrack import db

    ledger = db.open_ledger(str(sqlite_ledger))
    pages = sqlite3.connect(sqlite_ledger).execute("PRAGMA page_count").fetchone()[0]

    @event.listens_for(ledger.engine, "connect")
    def _small(dbapi_conn, _record):
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages + 1}")

    ledger.engine.dispose()
    before = digest(sqlite_ledger)
    rows = ["项目编号,项目名称,项目单位,所在地区,类别,领域,建设性质,总投资（万元）,主要建设内容"]
    rows += [f"Z-{i:05d},项目{i},企业{i},西宁市,创新攻坚项目,传统产业,新建,100," + "内容" * 50
             for i in range(2000)]
    big = sqlite_ledger.parent / "big.csv"
    big.write_text("\n".join(rows) + "\n", encoding="utf-8")
    run = cli("import", big, "--db", str(sqlite_ledger))
    one_clear_line(run, "the disk is full; nothing was written")
    db.close_all()
    assert cli("projects", "list", "--db", str(sqlite_ledger), "--format", "json").code == 0
    conn = sqlite3.connect(sqlite_ledger)
    assert conn.execute("SELECT COUNT(*) FROM project WHERE code LIKE 'Z-%'").fetchone()[0] == 0
    conn.close()
    assert before  # the ledger is whole (the import rolled back)


def test_a_bug_is_one_line_for_the_user(cli, monkeypatch):
    """INNOVTRACK_DEBUG (set for every test) shows a bug's traceback; without it the user
    sees one line."""
    import innovtrack.targets as targets

    def broken(*_a, **_k):
        raise KeyError("boom")

    monkeypatch.setattr(targets, "list_targets", broken)
    monkeypatch.delenv("INNOVTRACK_DEBUG")
    assert cli("import", SEED).code == 0
    run = cli("targets", "list")
    one_clear_line(run, "internal error: KeyError", "INNOVTRACK_DEBUG=1")
    monkeypatch.setenv("INNOVTRACK_DEBUG", "1")
    with pytest.raises(KeyError):
        cli("targets", "list")


@sqlite_only
def test_a_ledger_whose_version_cannot_be_read_is_not_taken_for_a_new_one(cli, tmp_path):
    """Only a missing schema_migration table means "no ledger yet"; any other failure to read
    the version (here a broken table; in life a damaged page) is said as it is."""
    path = tmp_path / "odd.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_migration (x TEXT)")
    conn.commit()
    conn.close()
    run = cli("report", "quarterly", "--db", str(path))
    one_clear_line(run, "cannot open ledger", "no such column")
    assert "no ledger" not in run.stderr
