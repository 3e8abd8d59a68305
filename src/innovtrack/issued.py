"""Issued reports (SPEC §8): what was sent, kept so that it can be printed again exactly.

An issued report keeps its kind, period, options, the stamp it was computed at, who issued it
and why, the sha256 of its JSON — and the JSON itself. Keeping the JSON (rather than only
recomputing it at the stamp) makes the reprint exact whatever happens later: a release that
adds a key to the report, or a ledger repaired by hand, cannot change what was sent. The other
formats are rendered from the report recomputed at the stamp, and only when its JSON still has
the sent sha256, so that a workbook reprinted next year shows the same figures as the JSON.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace

from .db import now_text, open_ledger, read_driver
from .errors import NotFound, UsageError
from .rollup import Report

# The choices an issued report is recomputed from (with known_at = its stamp).
OPTION_KEYS = ("kind", "year", "quarter", "month", "yellow_margin", "red_margin", "category",
               "region", "unit", "pace")


@dataclass(frozen=True)
class Issued:
    id: int
    kind: str
    period: str
    options: dict
    known_at: str  # UTC stamp the report was computed at
    issued_at: str
    issued_by: str | None
    note: str | None
    sha256: str
    body: str  # the JSON as sent

    def row(self) -> dict:
        """The listing's row (`report issued`)."""
        return {"id": self.id, "kind": self.kind, "period": self.period,
                "known_at": self.known_at, "issued_at": self.issued_at,
                "issued_by": self.issued_by, "note": self.note, "sha256": self.sha256,
                "options": json.dumps(self.options, ensure_ascii=False, sort_keys=True)}


def period_of(spec) -> str:
    """2016Q2 for a quarter, 2016-05 for a month."""
    return f"{spec.year}Q{spec.quarter}" if spec.quarter else spec.as_of


def report_json(report: Report) -> str:
    """The JSON `--format json` prints for this report (never with the monthly curve, which
    only the workbook carries)."""
    from .render.tabular import to_json

    if report.monthly is not None:
        report = replace(report, monthly=None)
    return to_json(report)


def digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def options_of(report: Report) -> dict:
    s = report.spec
    return {"kind": s.kind, "year": s.year, "quarter": s.quarter,
            "month": None if s.quarter else s.as_of, "yellow_margin": s.yellow_margin,
            "red_margin": s.red_margin, "category": s.category, "region": s.region,
            "unit": s.unit, "pace": s.pace}


def issue(location: str | None, report: Report, *, note: str | None = None,
          by: str | None = None) -> Issued:
    """Record `report` (computed now) as issued; returns the record with its number."""
    from sqlalchemy import text

    from .ledger import current_user

    if report.spec.replay:
        raise UsageError("--issue records a report computed now; it cannot be combined with "
                         "--known-at (reprint an issued one with --issued N)")
    if report.spec.kind not in ("quarterly", "monthly"):
        raise UsageError("only quarterly and monthly reports are issued")
    body = report_json(report)
    record = dict(kind=report.spec.kind, period=period_of(report.spec),
                  options=json.dumps(options_of(report), ensure_ascii=False, sort_keys=True),
                  known_at=report.spec.known_at, issued_at=now_text(),
                  issued_by=by or current_user(), note=(note or "").strip() or None,
                  sha256=digest(body), body=body)
    ledger = open_ledger(location)
    with ledger.write() as conn:
        number = conn.execute(text(
            "INSERT INTO issued_report (kind, period, options, known_at, issued_at, issued_by,"
            " note, sha256, body) VALUES (:kind, :period, :options, :known_at, :issued_at,"
            " :issued_by, :note, :sha256, :body) RETURNING id"), record).scalar_one()
    return Issued(id=int(number), **dict(record, options=options_of(report)))


_SELECT = ("SELECT id, kind, period, options, known_at, issued_at, issued_by, note, sha256,"
           " body FROM issued_report")


def _issued(row: tuple) -> Issued:
    rid, kind, period, options, known_at, issued_at, by, note, sha, body = row
    return Issued(int(rid), kind, period, json.loads(options), known_at, issued_at, by, note,
                  sha, body)


def fetch(sql, number: int) -> Issued:
    """Issued report `number`, through a reportdata._Sql reader."""
    rows = sql.rows(_SELECT + " WHERE id = :n", {"n": number})
    if not rows:
        raise NotFound(f"no issued report #{number} (`innovtrack report issued` lists them)")
    return _issued(rows[0])


def issued_stamp(sql, number: int) -> str:
    return fetch(sql, number).known_at


def latest_for(sql, kind: str, period: str) -> Issued | None:
    rows = sql.rows(_SELECT + " WHERE kind = :k AND period = :p ORDER BY id DESC LIMIT 1",
                    {"k": kind, "p": period})
    return _issued(rows[0]) if rows else None


def list_issued(location: str | None, *, kind: str | None = None) -> list[Issued]:
    """Every issued report, oldest first (of one kind if given)."""
    from .reportdata import _Sql

    if kind not in (None, "quarterly", "monthly"):
        raise UsageError(f"--kind {kind!r}: quarterly or monthly")
    with read_driver(location) as reader:
        sql = _Sql(reader)
        where = " WHERE kind = :k" if kind else ""
        return [_issued(r) for r in sql.rows(_SELECT + where + " ORDER BY id", {"k": kind})]


@dataclass(frozen=True)
class Reprint:
    issued: Issued
    report: Report | None  # recomputed at the stamp; None when it no longer matches
    matches: bool  # the recomputed JSON has the sent sha256


def reprint(location: str | None, number: int, kind: str, *, monthly: bool = False) -> Reprint:
    """Issued report `number` of `kind`, and the report recomputed at its stamp."""
    from .reportdata import _Sql, check_choices, gc_paused, load_at
    from .rollup import roll_up

    with gc_paused():
        with read_driver(location) as reader:
            sql = _Sql(reader)
            record = fetch(sql, number)
            if record.kind != kind:
                raise UsageError(f"issued report #{number} is a {record.kind} report; print it "
                                 f"with `innovtrack report {record.kind} --issued {number}`")
            # A key missing from an older record takes the option's default.
            options = {k: record.options[k] for k in OPTION_KEYS if k in record.options}
            checked = check_choices(**dict(options, known_at=None))
            checked["known_at"] = record.known_at
            data = load_at(sql, checked, monthly=monthly, replay=False)
        report = roll_up(data)
    matches = digest(report_json(report)) == record.sha256
    return Reprint(record, report, matches)
