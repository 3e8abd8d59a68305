"""`report diff` (SPEC §8): one report kind and period at two moments, and what changed between.

The two reports are compared as their JSON (the form a report is sent and kept in, so an
issued report is compared exactly as it was sent); what was recorded between the moments is
read from the ledger's own records: entries by recorded_at, projects by created_at and their
change history, targets by set_at.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from .clock import parse_moment
from .db import now_text, read_driver
from .errors import UsageError

# The figures of a group row that a diff compares, in the order they are shown.
FIGURES = ("projects", "target", "plan", "actual_ytd", "actual_period", "completion_pct",
           "gap_pp", "warning", "started", "completed", "reported")
MONEY_FIGURES = {"target", "plan", "actual_ytd", "actual_period"}
LEVELS = (("total", "total"), ("category", "by_category"), ("sector", "by_sector"),
          ("region", "by_region"))
_WITHDRAWAL_FIELDS = {"state", "withdrawn_month", "replaced_by"}


@dataclass(frozen=True)
class Moment:
    label: str  # as typed: issued:1, now, 2016-07-10 09:00
    stamp: str  # UTC
    issued: int | None = None


@dataclass
class Diff:
    kind: str
    period: str
    year: int
    as_of: str
    start: Moment
    end: Moment
    rows: list[dict] = field(default_factory=list)  # group rows whose figures moved
    entries: list[dict] = field(default_factory=list)
    projects_added: list[dict] = field(default_factory=list)
    projects_changed: list[dict] = field(default_factory=list)
    projects_withdrawn: list[dict] = field(default_factory=list)
    targets_set: list[dict] = field(default_factory=list)
    lagging_entered: list[dict] = field(default_factory=list)
    lagging_left: list[dict] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any((self.rows, self.entries, self.projects_added, self.projects_changed,
                        self.projects_withdrawn, self.targets_set, self.lagging_entered,
                        self.lagging_left))


def _moment(sql, text: str) -> Moment:
    from .issued import issued_stamp

    value = text.strip()
    if value == "now":
        return Moment("now", now_text())
    m = re.fullmatch(r"issued:(\d+)", value)
    if m:
        return Moment(value, issued_stamp(sql, int(m.group(1))), int(m.group(1)))
    return Moment(value, parse_moment(value, "--from/--to"))


def _change(figure: str, old, new):
    if figure == "warning" or old is None or new is None:
        return None
    return round(new - old, 4) if figure in MONEY_FIGURES else new - old


def moved_rows(old: dict, new: dict) -> list[dict]:
    """Every group row (total, category, sector, region) whose figures differ."""
    out = []
    for level, key in LEVELS:
        before = old[key] if isinstance(old[key], list) else [old[key]]
        after = new[key] if isinstance(new[key], list) else [new[key]]

        def ident(row):
            return (row.get("category"), row.get("sector"), row.get("region"))

        olds = {ident(r): r for r in before}
        news = {ident(r): r for r in after}
        for ident_ in list(olds) + [i for i in news if i not in olds]:
            a, b = olds.get(ident_, {}), news.get(ident_, {})
            changes = [{"figure": f, "old": a.get(f), "new": b.get(f),
                        "change": _change(f, a.get(f), b.get(f))}
                       for f in FIGURES if a.get(f) != b.get(f)]
            if changes:
                row = b or a
                out.append({"level": level, "category": row.get("category"),
                            "sector": row.get("sector"), "region": row.get("region"),
                            "label": row["label"], "changes": changes})
    return out


def lagging_changes(old: dict, new: dict) -> tuple[list[dict], list[dict]]:
    before = {x["code"]: x for x in old["lagging"]}
    after = {x["code"]: x for x in new["lagging"]}

    def brief(x):
        return {"code": x["code"], "name": x["name"], "region": x["region"],
                "warning": x["warning"], "reasons": x["reasons"]}

    return ([brief(x) for c, x in after.items() if c not in before],
            [brief(x) for c, x in before.items() if c not in after])


def _recorded_between(sql, d: Diff) -> None:
    lo, hi = sorted((d.start.stamp, d.end.stamp))
    params = {"lo": lo, "hi": hi, "y0": f"{d.year}-01", "m": d.as_of, "year": d.year}
    for (code, name, month, amount, old_amount, status, reason, by, at, source,
         supersedes) in sql.rows(
            "SELECT p.code, p.name, e.month, e.amount, o.amount, e.status, e.reason,"
            " e.reported_by, e.recorded_at, e.source, e.supersedes FROM progress_entry e"
            " JOIN project p ON p.id = e.project_id"
            " LEFT JOIN progress_entry o ON o.id = e.supersedes"
            " WHERE e.recorded_at > :lo AND e.recorded_at <= :hi"
            " AND e.month BETWEEN :y0 AND :m ORDER BY e.recorded_at, e.id", params):
        d.entries.append({"kind": "correction" if supersedes is not None else "late",
                          "code": code, "name": name, "month": month, "amount": int(amount),
                          "old_amount": None if old_amount is None else int(old_amount),
                          "status": status, "reason": reason, "reported_by": by,
                          "recorded_at": at, "source": source})
    for code, name, region, category, sector, at in sql.rows(
            "SELECT code, name, region, category, sector, created_at FROM project"
            " WHERE created_at > :lo AND created_at <= :hi ORDER BY code", params):
        d.projects_added.append({"code": code, "name": name, "region": region,
                                 "category": category, "sector": sector, "recorded_at": at})
    history = sql.rows(
        "SELECT p.code, p.name, h.field, h.old_value, h.new_value, h.reason, h.changed_at"
        " FROM project_history h JOIN project p ON p.id = h.project_id"
        " WHERE h.changed_at > :lo AND h.changed_at <= :hi ORDER BY h.changed_at, h.id",
        params)
    withdrawn: dict[str, dict] = {}
    for code, name, fieldname, old, new, reason, at in history:
        if fieldname in _WITHDRAWAL_FIELDS:
            w = withdrawn.setdefault(code, {"code": code, "name": name, "month": None,
                                            "reason": reason, "replaced_by": None,
                                            "recorded_at": at})
            if fieldname == "withdrawn_month":
                w["month"] = new
            elif fieldname == "replaced_by":
                w["replaced_by"] = new
        else:
            d.projects_changed.append({"code": code, "name": name, "field": fieldname,
                                       "old": old, "new": new, "reason": reason,
                                       "recorded_at": at})
    d.projects_withdrawn = list(withdrawn.values())
    for category, sector, amount, projects, source, at in sql.rows(
            "SELECT category, sector, amount, projects, source, set_at FROM target"
            " WHERE year = :year AND set_at > :lo AND set_at <= :hi ORDER BY set_at, id",
            params):
        d.targets_set.append({"year": d.year, "category": category, "sector": sector,
                              "amount": int(amount), "projects": projects, "source": source,
                              "recorded_at": at})


def build_diff(location: str | None, *, kind: str | None = None, year: int | None = None,
               quarter: int | None = None, month: str | None = None, start: str | None = None,
               end: str | None = None, **choices) -> Diff:
    """The diff of one report at two moments (--from, --to: issued:N, a time, now).

    By default the latest issued report of the period (the latest of any period when none is
    named) against now. The report's options come from an issued report at either end, then
    from what is given; the period is the one the first moment resolves to.
    """
    from . import issued as issued_reports
    from .render.tabular import report_dict
    from .reportdata import _Sql, check_choices, gc_paused, load_at
    from .rollup import roll_up

    if month is not None and quarter is not None:
        raise UsageError("--month is for monthly reports, --quarter for quarterly ones")
    if month is not None:
        kind = "monthly"
    given = {k: v for k, v in dict(year=year, quarter=quarter, month=month, **choices).items()
             if v is not None}
    checked_given = check_choices(kind=kind or "quarterly", **given)
    with gc_paused(), read_driver(location) as reader:
        sql = _Sql(reader)
        sql.value("SELECT MAX(version) FROM schema_migration")  # the snapshot starts here,
        if start is None:                                      # before any "now" is taken
            if kind is None and quarter is not None:
                kind = "quarterly"
            start = _latest_issued(sql, kind, checked_given)
        a, b = _moment(sql, start), _moment(sql, end or "now")
        record = next((issued_reports.fetch(sql, m.issued) for m in (a, b)
                       if m.issued is not None), None)
        options = dict(record.options) if record else {"kind": kind or "quarterly"}
        if kind and record and record.kind != kind:
            raise UsageError(f"issued report #{record.id} is a {record.kind} report")
        options.update({k: checked_given[k] for k in given})
        checked = check_choices(**{k: options.get(k) for k in issued_reports.OPTION_KEYS
                                   if options.get(k) is not None})
        reports = []
        for moment in (a, b):
            if record is not None and moment.issued == record.id:
                reports.append(json.loads(record.body))  # exactly as it was sent
                continue
            checked["known_at"] = None if moment.label == "now" else moment.stamp
            data = load_at(sql, checked, monthly=False, replay=False)
            # a default period is the one the first moment resolves to, for both
            checked.update(year=data.spec.year, quarter=data.spec.quarter,
                           month=None if data.spec.quarter else data.spec.as_of)
            reports.append(report_dict(roll_up(data)))
        old, new = reports
        if (old["year"], old["as_of"]) != (new["year"], new["as_of"]):
            raise UsageError("the two moments give different periods; name the period with "
                             "--year and --quarter (or --month)")
        d = Diff(kind=old["kind"], period=f"{old['year']}Q{old['quarter']}" if "quarter" in old
                 else old["month"], year=old["year"], as_of=old["as_of"], start=a, end=b)
        d.rows = moved_rows(old, new)
        d.lagging_entered, d.lagging_left = lagging_changes(old, new)
        _recorded_between(sql, d)
    return d


def _latest_issued(sql, kind: str | None, checked: dict) -> str:
    """issued:N for the latest issued report (of the kind, and the period when named)."""
    where, params = [], {"k": kind}
    if kind:
        where.append("kind = :k")
    period = None
    if kind == "quarterly" and checked["year"] and checked["quarter"]:
        period = f"{checked['year']}Q{checked['quarter']}"
    elif kind == "monthly" and checked["month"]:
        period = checked["month"]
    elif checked["year"]:
        where.append("period LIKE :y")
        params["y"] = f"{checked['year']}%"
    if period:
        where.append("period = :p")
        params["p"] = period
    rows = sql.rows("SELECT id FROM issued_report"
                    + (" WHERE " + " AND ".join(where) if where else "")
                    + " ORDER BY id DESC LIMIT 1", params)
    if not rows:
        what = f"{kind} report" if kind else "report"
        raise UsageError(f"no {what}{' for ' + period if period else ''} has been issued; "
                         "give --from (issued:N, a time, or now)")
    return f"issued:{rows[0][0]}"
