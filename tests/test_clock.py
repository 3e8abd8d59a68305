"""SPEC §8: times typed without a zone are Beijing time (INNOVTRACK_TZ changes the zone), every
output shows stamps in that zone, and the ledger stores UTC."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from innovtrack.clock import parse_moment
from innovtrack.errors import UsageError
from test_report import build

Q2 = ("quarterly", "--year", "2016", "--quarter", "2")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(("zone", "typed", "stored"), [
    (None, "2016-07-10 09:00", "2016-07-10 01:00:00.000000"),
    (None, "2016/07/10 09:00:30", "2016-07-10 01:00:30.000000"),
    (None, "2016-07-10", "2016-07-10 15:59:59.999999"),  # the end of that day in Beijing
    (None, "2016-07-10T09:00:00Z", "2016-07-10 09:00:00.000000"),
    (None, "2016-07-10T09:00:00+02:00", "2016-07-10 07:00:00.000000"),
    ("Asia/Shanghai", "2016-07-10 09:00", "2016-07-10 01:00:00.000000"),
    ("UTC", "2016-07-10 09:00", "2016-07-10 09:00:00.000000"),
    ("-05:00", "2016-07-10 09:00", "2016-07-10 14:00:00.000000"),
    ("UTC+5:30", "2016-07-10 09:00", "2016-07-10 03:30:00.000000"),
    ("America/New_York", "2016-07-10 09:00", "2016-07-10 13:00:00.000000"),  # EDT
])
def test_typed_times_are_read_in_the_users_zone(monkeypatch, zone, typed, stored):
    if zone is None:
        monkeypatch.delenv("INNOVTRACK_TZ", raising=False)
    else:
        monkeypatch.setenv("INNOVTRACK_TZ", zone)
    assert parse_moment(typed) == stored


def test_a_moment_in_the_future_is_refused(cli, ledger):
    run = cli("report", *Q2, "--known-at", "2999-01-01")
    assert run.code == 2 and "in the future" in run.stderr


def test_a_zone_that_is_not_one_is_a_usage_error(cli, ledger, monkeypatch):
    monkeypatch.setenv("INNOVTRACK_TZ", "Mars/Olympus")
    with pytest.raises(UsageError):
        parse_moment("2016-07-10 09:00")
    run = cli("report", *Q2, "--known-at", "2016-07-10 09:00")
    assert run.code == 2 and "INNOVTRACK_TZ" in run.stderr


def _raw_stamp(ledger, code: str, month: str) -> str:
    with ledger.read() as conn:
        return conn.exec_driver_sql(
            "SELECT e.recorded_at FROM progress_entry e JOIN project p ON p.id = e.project_id"
            f" WHERE p.code = '{code}' AND e.month = '{month}' ORDER BY e.id").scalar()


def test_stamps_are_stored_utc_and_shown_in_beijing_time(cli, ledger, monkeypatch):
    monkeypatch.delenv("INNOVTRACK_TZ", raising=False)
    build(cli, ledger)
    raw = _raw_stamp(ledger, "T01", "2016-06")  # what the ledger stores: UTC, no zone
    beijing = utc(raw) + timedelta(hours=8)
    listed = json.loads(cli("progress", "list", "--code", "T01", "--month", "2016-06",
                            "--format", "json").stdout)
    assert listed[0]["recorded_at"] == beijing.isoformat(timespec="microseconds") + "+08:00"
    table = cli("progress", "list", "--code", "T01", "--month", "2016-06", "--format",
                "markdown").stdout
    assert beijing.strftime("%Y-%m-%d %H:%M") in table
    # the correction notice names the superseded entry's time in Beijing time
    run = cli("progress", "correct", "T01", "--month", "2016-06", "--amount", "1", "--reason",
              "复核")
    assert run.code == 0, run.stderr
    assert f"supersedes the entry of {beijing:%Y-%m-%d %H:%M:%S}" in run.stderr
    shown = cli("projects", "show", "T01", "--format", "json").stdout
    assert beijing.isoformat(timespec="microseconds") + "+08:00" in shown
    # another zone, on request
    monkeypatch.setenv("INNOVTRACK_TZ", "UTC")
    listed = json.loads(cli("progress", "list", "--code", "T01", "--month", "2016-05",
                            "--format", "json").stdout)
    assert listed[0]["recorded_at"] == utc(_raw_stamp(ledger, "T01", "2016-05")).isoformat(
        timespec="microseconds") + "+00:00"


def test_a_stamp_typed_in_beijing_time_reprints_the_report(cli, ledger, monkeypatch):
    monkeypatch.delenv("INNOVTRACK_TZ", raising=False)
    build(cli, ledger)
    sent = cli("report", *Q2, "--format", "json").stdout
    stamp = json.loads(sent)["known_at"]
    assert stamp.endswith("+08:00")
    naive = stamp.removesuffix("+08:00").replace("T", " ")  # as a person types it
    run = cli("progress", "correct", "T01", "--month", "2016-05", "--amount", "1", "--reason",
              "复核")
    assert run.code == 0
    assert cli("report", *Q2, "--known-at", naive, "--format", "json").stdout == sent
    # read as UTC it would be eight hours later: in the future
    monkeypatch.setenv("INNOVTRACK_TZ", "UTC")
    later = cli("report", *Q2, "--known-at", naive)
    assert later.code == 2 and "in the future" in later.stderr
