"""The ledger (issue 2, item 2): where it is, how it is opened, its versioned schema, the
programme definition loaded into it, and money stored as integer 元."""

from __future__ import annotations

import re
import sqlite3
import sys
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import PG_URL, _pg_admin
from innovtrack import db
from innovtrack.errors import LedgerError
from innovtrack.ledger import import_projects
from ledger_rows import PROJECTS_DIR, stored_projects

# --- where the ledger is --------------------------------------------------------------------


def test_db_option_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("INNOVTRACK_DB", "/from/env.db")
    assert db.resolve_location("/from/option.db") == "/from/option.db"
    assert db.resolve_location(None) == "/from/env.db"


def test_without_option_or_environment_the_user_data_directory_is_used(monkeypatch, tmp_path):
    import platformdirs

    monkeypatch.delenv("INNOVTRACK_DB", raising=False)
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda app, *a, **k: str(tmp_path / app))
    assert db.resolve_location(None) == str(tmp_path / "innovtrack" / "ledger.db")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG paths are Linux's")
def test_user_data_directory_follows_xdg_data_home(monkeypatch, tmp_path):
    monkeypatch.delenv("INNOVTRACK_DB", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    assert db.default_location() == str(tmp_path / "home/.local/share/innovtrack/ledger.db")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert db.default_location() == str(tmp_path / "xdg/innovtrack/ledger.db")


def _project_count(location: str) -> int:
    from sqlalchemy import create_engine

    engine = create_engine(db.to_url(location))
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql("SELECT COUNT(*) FROM project").scalar()
    finally:
        engine.dispose()


def test_cli_uses_db_option_then_environment_then_data_directory(cli, db_location, monkeypatch,
                                                                 tmp_path):
    base = str(PROJECTS_DIR / "office_gb18030.csv")
    other = tmp_path / "elsewhere" / "other.db"  # its directory is created too
    assert cli("import", base, "--db", str(other)).code == 0
    assert _project_count(str(other)) == 12
    listed = cli("projects", "list", "--format", "json")  # env: untouched, and not created
    assert listed.code == 1 and "no ledger at" in listed.stderr
    if "://" not in db_location:
        assert not Path(db_location).exists()
    assert cli("import", base).code == 0
    assert _project_count(db_location) == 12

    monkeypatch.delenv("INNOVTRACK_DB")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    import platformdirs

    default = Path(platformdirs.user_data_dir("innovtrack")) / "ledger.db"
    assert str(tmp_path) in str(default)  # never the real user's ledger
    assert cli("import", base).code == 0
    assert default.exists() and _project_count(str(default)) == 12


def test_locations_become_sqlalchemy_urls(monkeypatch):
    monkeypatch.setenv("HOME", "/home/analyst")
    assert db.to_url("ledger.db") == "sqlite:///ledger.db"
    assert db.to_url("~/ledger.db") == "sqlite:////home/analyst/ledger.db"
    assert db.to_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert db.to_url("postgresql://u@h:5432/db") == "postgresql+psycopg://u@h:5432/db"
    assert db.to_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert db.to_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"


def test_a_file_that_is_not_a_ledger_is_refused_clearly(cli, tmp_path):
    junk = tmp_path / "notes.db"
    junk.write_text("这不是数据库\n" * 100, encoding="utf-8")
    run = cli("projects", "list", "--db", str(junk))
    assert run.code == 1
    assert run.stderr.startswith(f"innovtrack: {junk} is not an innovtrack ledger")
    assert "Traceback" not in run.stderr


# --- SQLite: WAL and a busy timeout ------------------------------------------------------


@pytest.fixture
def sqlite_only(is_pg):
    if is_pg:
        pytest.skip("SQLite pragmas")


def test_sqlite_ledger_is_in_wal_mode_with_a_busy_timeout(sqlite_only, ledger, db_location):
    with ledger.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    # WAL is recorded in the file itself: header bytes 18 and 19 are 2 (1 for rollback).
    header = Path(db_location).read_bytes()[:100]
    assert header[:16] == b"SQLite format 3\x00"
    assert (header[18], header[19]) == (2, 2)


def test_a_writer_waits_for_another_instead_of_failing(sqlite_only, ledger, db_location):
    other = sqlite3.connect(db_location, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    other.execute("INSERT INTO import_batch (kind, file_name, content_hash, rows_read, added,"
                  " updated, unchanged, imported_at) VALUES ('x', 'x', 'x', 0, 0, 0, 0, 'x')")
    outcome = []
    t = threading.Thread(target=lambda: outcome.append(
        import_projects(ledger, PROJECTS_DIR / "office_gb18030.csv")))
    t.start()
    time.sleep(0.5)
    assert t.is_alive()  # waiting on the busy timeout, not failed
    other.execute("COMMIT")
    other.close()
    t.join(timeout=30)
    assert len(outcome) == 1 and len(outcome[0].added) == 12


# --- versioned schema ----------------------------------------------------------------------


@pytest.fixture
def other_location(tmp_path):
    """A second, empty ledger location of the same kind as the test's own."""
    if not PG_URL:
        yield str(tmp_path / "other.db")
        return
    schema = "t_" + uuid.uuid4().hex[:12]
    with _pg_admin() as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    db.close_all()
    with _pg_admin() as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


def shape(location: str) -> dict:
    """Tables, columns, keys and indexes (with their definitions) of a ledger."""
    from sqlalchemy import create_engine, inspect

    engine = create_engine(db.to_url(location))
    try:
        with engine.connect() as conn:
            insp = inspect(conn)
            out: dict = {}
            for table in sorted(insp.get_table_names()):
                out[table] = dict(
                    columns=[(c["name"], str(c["type"]), c["nullable"], str(c["default"]))
                             for c in insp.get_columns(table)],
                    pk=insp.get_pk_constraint(table)["constrained_columns"],
                    fks=sorted((tuple(f["constrained_columns"]), f["referred_table"],
                                tuple(f["referred_columns"]))
                               for f in insp.get_foreign_keys(table)),
                    unique=sorted(tuple(u["column_names"])
                                  for u in insp.get_unique_constraints(table)))
            if conn.dialect.name == "sqlite":
                ddl = conn.exec_driver_sql(
                    "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name").all()
            else:
                schema = conn.exec_driver_sql("SELECT current_schema()").scalar()
                ddl = conn.exec_driver_sql(
                    "SELECT indexname, replace(indexdef, %s, 'S') FROM pg_indexes"
                    " WHERE schemaname = %s ORDER BY indexname", (schema + ".", schema)).all()
            out["ddl"] = [tuple(r) for r in ddl]
            return out
    finally:
        engine.dispose()


def applied_versions(location: str) -> list[int]:
    from sqlalchemy import create_engine

    engine = create_engine(db.to_url(location))
    try:
        with engine.connect() as conn:
            return [v for (v,) in conn.exec_driver_sql(
                "SELECT version FROM schema_migration ORDER BY version")]
    finally:
        engine.dispose()


def targets_of(location: str) -> list[tuple]:
    from sqlalchemy import create_engine

    engine = create_engine(db.to_url(location))
    try:
        with engine.connect() as conn:
            return sorted((tuple(r) for r in conn.exec_driver_sql(
                "SELECT year, category, sector, amount, projects, source FROM target")), key=repr)
    finally:
        engine.dispose()


def test_migrations_are_numbered_in_order_and_named_once():
    versions = [m.version for m in db.MIGRATIONS]
    assert versions == list(range(1, len(versions) + 1))
    assert len({m.name for m in db.MIGRATIONS}) == len(versions)
    assert db.SCHEMA_VERSION == versions[-1]


def test_a_new_ledger_gets_every_migration_once(ledger, db_location):
    assert applied_versions(db_location) == [m.version for m in db.MIGRATIONS]
    assert ledger.migrate() == []  # opening it again applies nothing
    db.close_all()
    db.open_ledger(db_location)
    assert applied_versions(db_location) == [m.version for m in db.MIGRATIONS]


@pytest.mark.parametrize("applied", range(1, len(db.MIGRATIONS)))
def test_an_older_ledger_is_upgraded_to_the_same_shape_as_a_new_one(
        applied, db_location, other_location, monkeypatch):
    # The previous release's ledger: only the first `applied` migrations, and a project in it.
    with monkeypatch.context() as m:
        m.setattr(db, "MIGRATIONS", db.MIGRATIONS[:applied])
        m.setattr(db, "SCHEMA_VERSION", applied)
        old = db.Ledger(db_location)
        assert [x.version for x in old.migrate()] == list(range(1, applied + 1))
        with old.write() as conn:
            conn.exec_driver_sql(
                "INSERT INTO project (code, name, enterprise, region, category, sector, stage,"
                " total_investment, fingerprint, created_at, updated_at) VALUES ('OLD-1', '旧项目',"
                " '旧单位', '西宁市', 'tackling', 'green', 'new', 100000000, 'x', 't', 't')")
        old.close()
    assert applied_versions(db_location) == list(range(1, applied + 1))

    upgraded = db.open_ledger(db_location)  # the normal way in: upgrades in place
    db.open_ledger(other_location)  # a brand-new ledger
    assert applied_versions(db_location) == applied_versions(other_location)
    assert shape(db_location) == shape(other_location)
    assert targets_of(db_location) == targets_of(other_location)
    with upgraded.read() as conn:
        assert conn.exec_driver_sql("SELECT code, total_investment FROM project").all() == \
            [("OLD-1", 100000000)]


def _raw_dump(location: str) -> dict:
    from sqlalchemy import create_engine, inspect

    engine = create_engine(db.to_url(location))
    try:
        with engine.connect() as conn:
            return {t: sorted(map(tuple, conn.exec_driver_sql(f"SELECT * FROM {t}")), key=repr)
                    for t in inspect(conn).get_table_names()}
    finally:
        engine.dispose()


def test_a_ledger_from_a_newer_release_is_refused_with_a_clear_message(ledger, db_location,
                                                                       cli):
    with ledger.write() as conn:
        conn.exec_driver_sql("INSERT INTO schema_migration (version, name, applied_at)"
                             " VALUES (99, 'from-the-future', '2030-01-01')")
    db.close_all()
    before = _raw_dump(db_location)
    with pytest.raises(LedgerError) as info:
        db.open_ledger(db_location)
    message = str(info.value)
    assert "schema version 99" in message and "newer" in message
    assert f"({db.SCHEMA_VERSION})" in message and "upgrade innovtrack" in message
    run = cli("projects", "list")
    assert run.code == 1 and run.stdout == ""
    assert run.stderr == f"innovtrack: {message}\n"
    assert db._OPEN == {}
    assert _raw_dump(db_location) == before


# --- models.py mirrors the migrated schema ----------------------------------------------------


def test_models_declare_exactly_the_migrated_tables_and_columns(ledger, db_location):
    from sqlalchemy import Integer, String, create_engine, inspect
    from sqlmodel import SQLModel

    import innovtrack.models  # noqa: F401 - registers the tables

    declared = SQLModel.metadata.tables
    engine = create_engine(db.to_url(db_location))
    try:
        with engine.connect() as conn:
            insp = inspect(conn)
            assert sorted(declared) == sorted(insp.get_table_names())
            for name, table in declared.items():
                pk = set(insp.get_pk_constraint(name)["constrained_columns"])
                migrated = {c["name"]: c for c in insp.get_columns(name)}
                assert [c.name for c in table.columns] == list(migrated), name
                assert {c.name for c in table.columns if c.primary_key} == pk, name
                for col in table.columns:
                    got = migrated[col.name]
                    if not col.primary_key:
                        assert col.nullable == got["nullable"], f"{name}.{col.name}"
                    declared_type = getattr(col.type, "impl_instance", col.type)  # AutoString
                    for family in (Integer, String):
                        assert isinstance(declared_type, family) == \
                            isinstance(got["type"], family), f"{name}.{col.name}"
    finally:
        engine.dispose()


# --- the programme definition ----------------------------------------------------------------

YI = 100_000_000
# SPEC §1, written out here: 327 / 288 / 39 亿元 and the four tackling sectors.
SPEC_TARGETS = {
    (None, None): (327 * YI, 200),
    ("tackling", None): (288 * YI, 100),
    ("enterprise", None): (39 * YI, 100),
    ("tackling", "traditional"): (169 * YI, 45),
    ("tackling", "emerging"): (int(Decimal("98.5") * YI), 44),
    ("tackling", "green"): (int(Decimal("6.5") * YI), 5),
    ("tackling", "electronics"): (14 * YI, 6),
}


def test_the_2016_programme_is_loaded_into_every_new_ledger(ledger):
    with ledger.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT year, category, sector, amount, projects, source FROM target").all()
    assert len(rows) == len(SPEC_TARGETS)
    got = {(c, s): (a, p) for y, c, s, a, p, _src in rows}
    assert got == SPEC_TARGETS
    assert {r[0] for r in rows} == {2016}
    assert all(isinstance(r[3], int) for r in rows)
    assert all(r[5] for r in rows)  # each carries its source


def test_the_programme_vocabulary_is_the_specs():
    from innovtrack import programme

    assert {(c.code, c.name) for c in programme.CATEGORIES} == {
        ("tackling", "创新攻坚项目"), ("enterprise", "企业技术创新项目")}
    assert {(s.category, s.code, s.name) for s in programme.SECTORS} == {
        ("tackling", "traditional", "传统产业"), ("tackling", "emerging", "新兴产业"),
        ("tackling", "green", "节能环保"), ("tackling", "electronics", "电子信息"),
        ("enterprise", "new_energy", "新能源"), ("enterprise", "equipment", "装备制造"),
        ("enterprise", "new_materials", "新材料"), ("enterprise", "chemical", "化工"),
        ("enterprise", "biomedicine", "生物医药"), ("enterprise", "metallurgy", "有色和冶金"),
        ("enterprise", "light_textile", "轻工纺织")}
    assert programme.REGIONS == ("西宁市", "海东市", "海北州", "黄南州", "海南州", "果洛州",
                                 "玉树州", "海西州", "省直")
    divisions = {"630100": "西宁市", "630200": "海东市", "632100": "海东市",
                 "632200": "海北州", "632300": "黄南州", "632500": "海南州",
                 "632600": "果洛州", "632700": "玉树州", "632800": "海西州"}
    assert {code: programme.region_name(code) for code in divisions} == divisions
    assert programme.region_name("海西蒙古族藏族自治州") == "海西州"
    assert programme.region_name("海东地区") == "海东市"
    assert programme.region_name("海西州格尔木市") == "海西州"
    assert programme.region_name("632801") == "海西州"  # a county's division code
    with pytest.raises(programme.UnknownValue):
        programme.region_name("630000")  # the province itself names no region
    assert programme.category_code("攻坚") == "tackling"
    assert programme.category_code("企业技术创新") == "enterprise"
    with pytest.raises(programme.UnknownValue, match="did you mean 海西州"):
        programme.region_name("海西洲")  # a typo is not read as the region it resembles


# --- money is integer 元 in the tables ---------------------------------------------------------


def test_money_is_stored_as_integer_yuan(ledger, is_pg):
    import_projects(ledger, PROJECTS_DIR / "office_gb18030.csv")
    with ledger.read() as conn:
        if is_pg:
            types = dict(conn.exec_driver_sql(
                "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND column_name IN"
                " ('total_investment', 'amount', 'ytd')").all())
            assert set(types) == {"project.total_investment", "project_plan.amount",
                                  "progress_entry.amount", "progress_entry.ytd", "target.amount",
                                  "project_past.total_investment", "plan_past.amount",
                                  "since_start_figure.amount"}
            assert set(types.values()) == {"bigint"}
        else:
            kinds = conn.exec_driver_sql(
                "SELECT DISTINCT typeof(total_investment) FROM project UNION"
                " SELECT DISTINCT typeof(amount) FROM project_plan UNION"
                " SELECT DISTINCT typeof(amount) FROM target").all()
            assert kinds == [("integer",)]
    stored = stored_projects(ledger)
    # 156000.5 万元 and 42000.75 万元 are whole 元: exact integers, no float on the way.
    p = stored["2016-630100-26-03-000102"]
    assert (p["total_investment"], p["plans"]["2016"]) == (1_560_005_000, 420_007_500)
    assert all(type(v) is int for q in stored.values()
               for v in [q["total_investment"], *q["plans"].values()])


def test_pg_url_is_refused_clearly_when_the_server_is_not_there(cli):
    run = cli("projects", "list", "--db", "postgresql://nobody@127.0.0.1:1/none")
    assert run.code == 1
    assert re.match(r"innovtrack: cannot open ledger postgresql://nobody@127\.0\.0\.1:1/none: ",
                    run.stderr)
    assert "Traceback" not in run.stderr


@pytest.mark.slow
def test_several_processes_opening_a_new_ledger_at_once_all_succeed(db_location):
    import os
    import subprocess

    # Nobody has opened this ledger yet: each process finds it new and wants to migrate it.
    # (A write command: a read-only one does not create a ledger, SPEC §7.8.)
    procs = [subprocess.Popen([sys.executable, "-c", "from innovtrack.cli import run; run()",
                               "targets", "set", "--year", "2018", "--amount", "100"],
                              env={**os.environ, "INNOVTRACK_DB": db_location},
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(8)]
    outcomes = [(p.wait(timeout=60), p.stdout.read().strip(), p.stderr.read()) for p in procs]
    assert all(code == 0 for code, _, _ in outcomes), [err for _, _, err in outcomes if err]
    assert {out for _, out, _ in outcomes} == {""}
    assert applied_versions(db_location) == [m.version for m in db.MIGRATIONS]
    assert len(targets_of(db_location)) == len(SPEC_TARGETS) + len(procs)
