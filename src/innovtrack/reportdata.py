"""Fetching what the roll-up needs: set-based SQL over the effective entries, plain rows out.

Every figure of a report comes from a handful of grouped queries, never from a Python loop
over entries: one GROUP BY project over the year's months (year-to-date and period sums, on
the covering index), the as-of month's own entries (reported or not, status, problem), and,
only for the few projects that did not state a status in the as-of month, a look back at
their earlier entries. `--known-at` swaps the effective-entry relation for "the latest entry
recorded by then", with the same queries on top.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from . import programme
from .db import DriverReader, read_driver
from .errors import UsageError
from .rollup import Earlier, ReportInput, ReportSpec, TargetFact, roll_up
from .targets import IN_FORCE_SQL

_NAMED = re.compile(r":([a-z_][a-z0-9_]*)")
_CHUNK = 1000


class _Sql:
    """Runs SQL with :name parameters on the driver connection of a read transaction.

    The driver cursor skips SQLAlchemy's per-row Result machinery, which would otherwise cost
    more than the query itself on 100,000 projects.
    """

    def __init__(self, reader: DriverReader):
        self.sqlite = reader.sqlite
        self.raw = reader.conn

    def rows(self, sql: str, params: dict | None = None) -> list[tuple]:
        if not self.sqlite:
            sql = _NAMED.sub(r"%(\1)s", sql)
        cur = self.raw.cursor()
        try:
            cur.execute(sql, params or {})
            return cur.fetchall()
        finally:
            cur.close()

    def value(self, sql: str, params: dict | None = None):
        rows = self.rows(sql, params)
        return rows[0][0] if rows else None


def parse_known_at(text: str) -> str:
    """A recorded-at stamp (UTC, fixed width) from an ISO date or time the user typed.

    A time without a zone is taken as UTC, as the ledger records it; a date alone means the
    end of that day, i.e. everything recorded on it.
    """
    value = text.strip().replace("/", "-")
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            moment = datetime.fromisoformat(value) + timedelta(days=1, microseconds=-1)
        else:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--known-at {text!r}: not a date or time (write 2016-07-10 or "
                         "2016-07-10T09:30:00)") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def _effective(sql: _Sql, known_at: str | None, *, covering: bool = False) -> str:
    """The relation of effective entries: (project_id, month, amount, status, problem).

    Now: the entries nobody superseded. At a past moment: per project and month, the latest
    entry recorded by then (by recorded_at, then id), whatever superseded it later.
    """
    # The covering form reads only the index; the other also gives the 形象进度 as written.
    text = "" if covering else ", progress_text"
    if known_at is None:
        hint = " INDEXED BY progress_effective" if sql.sqlite and covering else ""
        return (f"(SELECT project_id, month, amount, status, problem{text} FROM progress_entry"
                f"{hint} WHERE superseded_by IS NULL)")
    return (f"(SELECT e.project_id, e.month, e.amount, e.status, e.problem{text.replace(', ', ', e.')}"
            " FROM progress_entry e WHERE e.recorded_at <= :known_at AND NOT EXISTS ("
            " SELECT 1 FROM progress_entry l WHERE l.project_id = e.project_id"
            " AND l.month = e.month AND l.recorded_at <= :known_at"
            " AND (l.recorded_at > e.recorded_at OR (l.recorded_at = e.recorded_at"
            " AND l.id > e.id))))")


def latest_month(sql: _Sql, *, year: int | None = None, known_at: str | None = None
                 ) -> str | None:
    """The latest month with an effective entry (within `year` if given)."""
    where = ["month BETWEEN :lo AND :hi"]
    params = {"lo": f"{year}-01" if year else "0000-00",
              "hi": f"{year}-12" if year else "9999-99", "known_at": known_at}
    if known_at is None:
        where.append("superseded_by IS NULL")
    else:
        where.append("recorded_at <= :known_at")
    return sql.value(f"SELECT MAX(month) FROM progress_entry WHERE {' AND '.join(where)}",
                     params)


def _project_filter(spec: ReportSpec) -> tuple[str, dict]:
    where, params = [], {}
    if spec.category:
        where.append("p.category = :category")
        params["category"] = spec.category
    if spec.region:
        where.append("p.region = :region")
        params["region"] = spec.region
    return (" AND ".join(where) or "1 = 1"), params


def load_report_input(sql: _Sql, spec: ReportSpec, *, monthly: bool = True) -> ReportInput:
    """Every row the roll-up needs for `spec`, from the read snapshot `sql` stands in.

    `monthly=False` leaves out the month-by-month totals (a second pass over the year's
    entries) for outputs that do not show them.
    """
    year0 = f"{spec.year}-01"
    where, fparams = _project_filter(spec)
    params = {"y0": year0, "m": spec.as_of, "p0": spec.period_start, "year": spec.year,
              "known_at": spec.known_at, **fparams}
    eff_cover = _effective(sql, spec.known_at, covering=True)
    eff = _effective(sql, spec.known_at)

    plans = dict(sql.rows("SELECT project_id, amount FROM project_plan WHERE year = :year",
                          params))
    projects = sql.rows(
        "SELECT p.id, p.code, p.name, p.enterprise, p.region, p.category, p.sector, p.stage,"
        " p.responsible_unit, p.planned_start, p.planned_completion, p.state,"
        f" p.withdrawn_month FROM project p WHERE {where}", params)

    # Year-to-date and period sums per project: one pass over the year's months.
    sums = {pid: (ytd, period) for pid, ytd, period in sql.rows(
        "SELECT project_id, SUM(amount),"
        " SUM(CASE WHEN month >= :p0 THEN amount ELSE 0 END)"
        f" FROM {eff_cover} eff WHERE month BETWEEN :y0 AND :m GROUP BY project_id", params)}

    # The as-of month's own entries: who reported, their status and problem.
    at_month, sentences = {}, {}
    for pid, status, problem, sentence in sql.rows(
            f"SELECT project_id, status, problem, progress_text FROM {eff} eff WHERE month = :m",
            params):
        at_month[pid] = (status, problem)
        if sentence:
            sentences[pid] = sentence

    # Projects whose status (or problem) must come from earlier months: those without an
    # entry for M, without a status in it, or suspended in it (started only if it had
    # been building). Normally a handful; looked up by project on (project_id, month).
    look_back = [r[0] for r in projects
                 if (r[0] not in at_month or at_month[r[0]][0] in (None, "suspended"))]
    history: dict[int, list[tuple[str, str | None, str | None]]] = {}
    for i in range(0, len(look_back), _CHUNK):
        ids = ", ".join(str(int(pid)) for pid in look_back[i:i + _CHUNK])
        for pid, month, status, problem in sql.rows(
                f"SELECT project_id, month, status, problem FROM {eff} eff"
                f" WHERE project_id IN ({ids}) AND month < :m"
                " AND (status IS NOT NULL OR month >= :y0)", params):
            history.setdefault(pid, []).append((month, status, problem))

    series = None
    if monthly:
        # Restricted to the projects the report counts only when some are left out.
        excluded = sql.value(
            f"SELECT COUNT(*) FROM project p WHERE NOT ({where})"
            " OR NOT (p.state = 'active' OR COALESCE(p.withdrawn_month, '') > :m)", params)
        restrict = ""
        if excluded:
            restrict = (f" AND project_id IN (SELECT p.id FROM project p WHERE {where}"
                        " AND (p.state = 'active' OR p.withdrawn_month > :m))")
        series = [(m, int(a)) for m, a in sql.rows(
            f"SELECT month, SUM(amount) FROM {eff_cover} eff WHERE month BETWEEN :y0 AND :m"
            f"{restrict} GROUP BY month ORDER BY month", params)]

    targets = [TargetFact(category, sector, amount) for _, _, category, sector, amount, *_
               in sql.rows(IN_FORCE_SQL + " AND t.year = :year", params)]
    latest = sql.value(f"SELECT MAX(month) FROM {eff} eff WHERE month <= :m", params)

    projects.sort(key=lambda r: r[1])  # code order; cheaper here than ORDER BY in the scan
    plans_get = plans.get
    rows = [(*r, plans_get(r[0])) for r in projects]
    if not sql.sqlite:  # PostgreSQL sums are Decimal
        sums = {pid: (int(a), int(b)) for pid, (a, b) in sums.items()}
        rows = [(*r[:-1], None if r[-1] is None else int(r[-1])) for r in rows]
    earlier = {pid: _look_back(entries, year0) for pid, entries in history.items()}
    quality = ()
    if spec.kind in ("monthly", "quarterly"):  # their data_quality section (SPEC §7.9)
        from .quality import find_flags

        quality = find_flags(sql.rows, first=year0, last=spec.as_of, entries=eff, params=params)
    return ReportInput(spec=spec, projects=rows, sums=sums, at_month=at_month, earlier=earlier,
                       targets=targets, monthly=series, latest_month=latest, quality=quality,
                       progress_text=sentences)


def _look_back(entries: list[tuple[str, str | None, str | None]], year0: str) -> Earlier:
    """The latest status before M, whether it was ever built, and the year's latest problem."""
    entries.sort()
    status = problem = problem_month = None
    ever_built = False
    for month, st, prob in entries:
        if st is not None:
            status = st
            if st in ("building", "producing"):
                ever_built = True
        if month >= year0:
            problem, problem_month = prob, month
    return Earlier(status, ever_built, problem or None, problem_month if problem else None)


def check_choices(*, kind: str, year: int | None = None, quarter: int | None = None,
                  month: str | None = None, yellow_margin: float = 10.0,
                  red_margin: float = 30.0, category: str | None = None,
                  region: str | None = None, known_at: str | None = None,
                  unit: str = "亿元") -> dict:
    """The command line's choices checked and normalised (codes, months, stamps), before any
    ledger is opened: a usage error must not create or touch one."""
    if kind not in ("quarterly", "monthly", "lagging"):
        raise UsageError(f"unknown report {kind!r}")
    if yellow_margin < 0 or red_margin < 0:
        raise UsageError("--yellow-margin and --red-margin must not be negative")
    if red_margin < yellow_margin:
        raise UsageError(f"--red-margin ({red_margin:g}) must be at least --yellow-margin "
                         f"({yellow_margin:g})")
    if quarter is not None and not 1 <= quarter <= 4:
        raise UsageError(f"--quarter {quarter}: must be 1, 2, 3 or 4")
    if year is not None:
        _check_year(year)
    if month is not None:
        from .ingest.values import CellError
        from .ingest.values import month as read_month

        try:
            month = read_month(month)
        except CellError as exc:
            raise UsageError(str(exc)) from None
        _check_year(int(month[:4]))
    return dict(kind=kind, year=year, quarter=quarter, month=month,
                yellow_margin=float(yellow_margin), red_margin=float(red_margin),
                category=programme.category_code(category) if category else None,
                region=programme.region_name(region) if region else None,
                known_at=parse_known_at(known_at) if known_at else None, unit=unit)


def resolve_spec(sql: _Sql, *, kind: str, year: int | None, quarter: int | None,
                 month: str | None, known_at: str | None, **rest) -> ReportSpec:
    """The ReportSpec for checked choices, the period defaulting to the ledger's latest.

    quarterly: --year/--quarter, default the latest quarter with entries (in --year if given);
    monthly and lagging: --month / --as-of, default the latest month with entries.
    """
    base = ReportSpec(kind=kind, year=0, as_of="", period_start="", known_at=known_at, **rest)
    if kind == "quarterly":
        if year is None or quarter is None:
            last = latest_month(sql, year=year, known_at=known_at)
            if year is None:
                year = int(last[:4]) if last else programme.PROGRAMME_YEAR
            if quarter is None:
                quarter = (int(last[5:7]) + 2) // 3 if last and int(last[:4]) == year else 1
        return replace(base, year=year, quarter=quarter, as_of=f"{year}-{3 * quarter:02d}",
                       period_start=f"{year}-{3 * quarter - 2:02d}")
    if month is None:
        month = latest_month(sql, year=year, known_at=known_at) \
            or f"{year or programme.PROGRAMME_YEAR}-01"
    return replace(base, year=int(month[:4]), as_of=month, period_start=month)


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise UsageError(f"--year {year}: not a plausible year")


def build_report(location: str | None, *, kind: str, monthly: bool = True, **choices):
    """The report model for the ledger at `location` and the command line's choices.

    Choosing the period (the latest with entries by default), fetching and rolling up all
    happen in one read snapshot.
    """
    checked = check_choices(kind=kind, **choices)
    with gc_paused():
        with read_driver(location) as reader:
            sql = _Sql(reader)
            spec = resolve_spec(sql, **checked)
            data = load_report_input(sql, spec, monthly=monthly)
        return roll_up(data)


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: a large report makes hundreds of thousands of rows,
    tuples and cells, none of them in a reference cycle, and the collector would only walk
    them again and again (7 % of a 100,000-project report's time)."""
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
