"""Fetching what the roll-up needs: set-based SQL over the effective entries, plain rows out.

Every figure of a report comes from a handful of grouped queries, never from a Python loop
over entries: one GROUP BY project over the year's months (year-to-date and period sums, on
the covering index), the as-of month's own entries (reported or not, status, problem), and,
only for the few projects that did not state a status in the as-of month, a look back at
their earlier entries. `--known-at` swaps the tables for the relations of asof.py (projects,
plans, targets and entries as recorded by then), with the same queries on top; every report
carries the stamp it was read at, so that `--known-at` that stamp prints it again exactly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from . import asof, programme
from . import pace as pacing
from .clock import parse_moment
from .db import DriverReader, joined, now_text, read_driver, split_sum
from .errors import UsageError
from .rollup import (
    KINDS,
    Earlier,
    ProblemFact,
    ProcedureFact,
    ReportInput,
    ReportSpec,
    TargetFact,
    roll_up,
)
from .targets import in_force_sql, pace_in_force_sql

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
    """A recorded-at stamp (UTC) from a date or time the user typed (see clock.parse_moment),
    or `issued:N`, the stamp issued report N was computed at (looked up in the ledger)."""
    if not text.strip():  # `--known-at ""` from an empty shell variable must not mean "now"
        raise UsageError("--known-at: empty; give a date or time (2016-07-10 or "
                         "2016-07-10T09:30:00), or leave the option out for now")
    if re.fullmatch(r"issued:\d+", text.strip()):
        return text.strip()
    return parse_moment(text)


def _effective(sql: _Sql, known_at: str | None, *, covering: bool = False) -> str:
    """The relation of effective entries now, or at a past moment (asof.entries); the
    covering form reads only the index, the other also gives the 形象进度 as written."""
    hint = " INDEXED BY progress_effective" if sql.sqlite and covering else ""
    return asof.entries(known_at, index_hint=hint, text=not covering)


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


def load_report_input(sql: _Sql, spec: ReportSpec, *, monthly: bool = True,
                      live: bool = False) -> ReportInput:
    """Every row the roll-up needs for `spec`, from the read snapshot `sql` stands in.

    The ledger is read as recorded by spec.known_at; `live=True` says that stamp is the
    snapshot's own moment, so the present tables are read directly (the same rows, faster).
    `monthly=False` leaves out the month-by-month totals (a second pass over the year's
    entries) for outputs that do not show them.
    """
    at = None if live else spec.known_at
    year0 = f"{spec.year}-01"
    where, fparams = _project_filter(spec)
    params = {"y0": year0, "m": spec.as_of, "p0": spec.period_start, "year": spec.year,
              "known_at": at, **fparams}
    eff_cover = _effective(sql, at, covering=True)
    eff = _effective(sql, at)
    project_rel = asof.projects(at)

    plans = dict(sql.rows(f"SELECT project_id, amount FROM {asof.plans(at)} pl"
                          " WHERE year = :year", params))
    projects = sql.rows(
        "SELECT p.id, p.code, p.name, p.enterprise, p.region, p.category, p.sector, p.stage,"
        " p.responsible_unit, p.planned_start, p.planned_completion, p.state,"
        f" p.withdrawn_month FROM {project_rel} p WHERE {where}", params)

    # Year-to-date and period sums per project: one pass over the year's months.
    sums = {pid: (joined(y1, y0), joined(p1, p0)) for pid, y1, y0, p1, p0 in sql.rows(
        f"SELECT project_id, {split_sum('amount')},"
        f" {split_sum('CASE WHEN month >= :p0 THEN amount ELSE 0 END')}"
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
            f"SELECT COUNT(*) FROM {project_rel} p WHERE NOT ({where})"
            " OR NOT (p.state = 'active' OR COALESCE(p.withdrawn_month, '') > :m)", params)
        restrict = ""
        if excluded:
            restrict = (f" AND project_id IN (SELECT p.id FROM {project_rel} p WHERE {where}"
                        " AND (p.state = 'active' OR p.withdrawn_month > :m))")
        series = [(m, joined(hi, lo)) for m, hi, lo in sql.rows(
            f"SELECT month, {split_sum('amount')} FROM {eff_cover} eff"
            " WHERE month BETWEEN :y0 AND :m"
            f"{restrict} GROUP BY month ORDER BY month", params)]

    targets = [TargetFact(category, sector, amount) for _, _, category, sector, amount, *_
               in sql.rows(in_force_sql(at) + " AND t.year = :year", params)]
    latest = sql.value(f"SELECT MAX(month) FROM {eff} eff WHERE month <= :m", params)

    projects.sort(key=lambda r: r[1])  # code order; cheaper here than ORDER BY in the scan
    plans_get = plans.get
    rows = [(*r, plans_get(r[0])) for r in projects]
    if not sql.sqlite:  # PostgreSQL gives plans as Decimal
        rows = [(*r[:-1], None if r[-1] is None else int(r[-1])) for r in rows]
    earlier = {pid: _look_back(entries, year0) for pid, entries in history.items()}
    quality = ()
    if spec.kind in ("monthly", "quarterly"):  # their data_quality section (SPEC §7.9)
        from .quality import find_flags

        quality = find_flags(sql.rows, first=year0, last=spec.as_of, entries=eff,
                             projects=project_rel, plans=asof.plans(at), params=params)
    problems, procedures = _supervision_rows(sql, at, project_rel, where, params)
    return ReportInput(spec=spec, projects=rows, sums=sums, at_month=at_month, earlier=earlier,
                       targets=targets, monthly=series, latest_month=latest,
                       pace=load_pace(sql, spec), problems=problems,
                       procedures=procedures, quality=quality, progress_text=sentences)


def load_pace(sql: _Sql, spec: ReportSpec) -> pacing.Pace:
    """The pace `spec` asks for, from the ledger as known at spec.known_at (or now)."""
    return _PACE_LOADERS[spec.pace](sql, spec)


def _seasonal_pace(sql: _Sql, spec: ReportSpec) -> pacing.Pace:
    """The year's curve in force (the latest recorded by then), else the shipped one."""
    stored = sql.rows(pace_in_force_sql(spec.known_at),
                      {"year": spec.year, "known_at": spec.known_at})
    return pacing.seasonal(tuple(stored[0]) if stored else None)


def _learned_pace(sql: _Sql, spec: ReportSpec) -> pacing.Pace:
    """Month totals of every project before year Y (the whole ledger, not the report's
    filters: the season is the programme's); their complete years make the curve."""
    eff = _effective(sql, spec.known_at, covering=True)
    monthly = {m: joined(hi, lo) for m, hi, lo in sql.rows(
        f"SELECT month, {split_sum('amount')} FROM {eff} eff WHERE month < :y0 GROUP BY month",
        {"y0": f"{spec.year}-01", "known_at": spec.known_at})}
    return pacing.learned(monthly, spec.year, _seasonal_pace(sql, spec))


_PACE_LOADERS = {"linear": lambda sql, spec: pacing.linear(), "seasonal": _seasonal_pace,
                 "learned": _learned_pace}  # the keys are pace.KINDS (a test holds them so)


def _supervision_rows(sql: _Sql, at: str | None, project_rel: str, where: str, params: dict):
    """The problems raised by M and the procedure statements of new projects up to M (SPEC
    §9), each as recorded by `at` (None: now): a resolution recorded later has not happened."""
    known = at is not None
    resolved = ("CASE WHEN q.resolved_at <= :known_at THEN q.resolved_month END" if known
                else "q.resolved_month")
    problems = [ProblemFact(*r) for r in sql.rows(
        f"SELECT q.id, q.project_id, q.text, q.raised_month, q.unit, q.due_month, {resolved}"
        " FROM problem q"
        f" JOIN {project_rel} p ON p.id = q.project_id"
        f" WHERE q.raised_month <= :m AND {where}"
        + (" AND q.recorded_at <= :known_at" if known else "")
        + " ORDER BY q.raised_month, q.id", params)]
    procedures = [ProcedureFact(*r) for r in sql.rows(
        "SELECT c.project_id, c.procedure, c.month, c.state, c.done_month"
        " FROM procedure_change c"
        f" JOIN {project_rel} p ON p.id = c.project_id"
        f" WHERE p.stage = 'new' AND c.month <= :m AND {where}"
        + (" AND c.recorded_at <= :known_at" if known else "")
        + " ORDER BY c.month, c.recorded_at, c.id", params)]
    return problems, procedures


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
                  unit: str = "亿元", pace: str = "linear") -> dict:
    """The command line's choices checked and normalised (codes, months, stamps), before any
    ledger is opened: a usage error must not create or touch one."""
    if kind not in KINDS:
        raise UsageError(f"unknown report {kind!r}")
    if pace not in pacing.KINDS:
        raise UsageError(f"--pace {pace!r}: one of {', '.join(pacing.KINDS)}")
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
                known_at=None if known_at is None else parse_known_at(known_at), unit=unit,
                pace=pace)


def resolve_spec(sql: _Sql, *, kind: str, year: int | None, quarter: int | None,
                 month: str | None, known_at: str, live: bool = False, **rest) -> ReportSpec:
    """The ReportSpec for checked choices, the period defaulting to the ledger's latest.

    quarterly: --year/--quarter, default the latest quarter with entries (in --year if given);
    monthly, lagging and supervision: --month / --as-of, default the latest month with
    entries (as recorded by `known_at`; `live`: the snapshot's own moment).
    """
    base = ReportSpec(kind=kind, year=0, as_of="", period_start="", known_at=known_at, **rest)
    at = None if live else known_at
    if kind == "quarterly":
        if year is None or quarter is None:
            last = latest_month(sql, year=year, known_at=at)
            if year is None:
                year = int(last[:4]) if last else programme.PROGRAMME_YEAR
            if quarter is None:
                quarter = (int(last[5:7]) + 2) // 3 if last and int(last[:4]) == year else 1
        return replace(base, year=year, quarter=quarter, as_of=f"{year}-{3 * quarter:02d}",
                       period_start=f"{year}-{3 * quarter - 2:02d}")
    if month is None:
        month = latest_month(sql, year=year, known_at=at) \
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
            data = load_at(sql, checked, monthly=monthly)
        return roll_up(data)


def load_at(sql: _Sql, checked: dict, *, monthly: bool = True,
            replay: bool | None = None) -> ReportInput:
    """The report input for checked choices, read as of their known_at (a stamp, `issued:N`,
    or None: now, the stamp being this snapshot's moment, which the report then carries so
    that `--known-at` that stamp prints it again byte for byte)."""
    checked = dict(checked)
    known_at = checked.pop("known_at")
    if known_at is None:
        # The snapshot starts with its first read; the stamp is taken after it, so nothing
        # recorded by the stamp is missing from what this report reads.
        sql.value("SELECT MAX(version) FROM schema_migration")
        known_at, live = now_text(), True
    else:
        if known_at.startswith("issued:"):
            from .issued import issued_stamp

            known_at = issued_stamp(sql, int(known_at[7:]))
        elif known_at > now_text():
            # What is recorded until then would change the report: it could not be printed
            # the same again.
            from .clock import shown

            raise UsageError(f"--known-at {shown(known_at)} is in the future; the report of "
                             "the ledger as it stands now needs no --known-at")
        live = False
    if replay is None:
        replay = not live
    spec = resolve_spec(sql, known_at=known_at, live=live, replay=replay, **checked)
    return load_report_input(sql, spec, monthly=monthly, live=live)


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
