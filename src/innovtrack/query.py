"""Reading the ledger for listings and `check`: plain dicts out, amounts still in 元."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass

from . import programme
from .db import Ledger
from .errors import NotFound


@dataclass
class ProjectFilter:
    category: str | None = None
    sector: str | None = None
    region: str | None = None
    stage: str | None = None
    status: str | None = None  # construction status code, or active / withdrawn
    name: str | None = None
    limit: int | None = None

    def normalised(self) -> ProjectFilter:
        """Codes from whatever the user typed (攻坚, 传统产业, 海西, 新建, 在建 …)."""
        category = programme.category_code(self.category) if self.category else None
        sector = programme.sector_code(self.sector, category) if self.sector else None
        status = self.status
        if status and status not in ("active", "withdrawn"):
            status = programme.status_code(status)
        return ProjectFilter(
            category=category, sector=sector,
            region=programme.region_name(self.region) if self.region else None,
            stage=programme.stage_code(self.stage) if self.stage else None,
            status=status, name=self.name, limit=self.limit)


_LATEST_STATUS = """
    SELECT e.project_id, e.status FROM progress_entry e
    JOIN (SELECT project_id, MAX(month) AS month FROM progress_entry
          WHERE superseded_by IS NULL AND status IS NOT NULL GROUP BY project_id) last
      ON last.project_id = e.project_id AND last.month = e.month
    WHERE e.superseded_by IS NULL
"""


def list_projects(ledger: Ledger, flt: ProjectFilter | None = None) -> list[dict]:
    """Projects matching the filter, in code order, each with its plans and latest status."""
    return list(iter_projects(ledger, flt)[1])


def iter_projects(ledger: Ledger, flt: ProjectFilter | None = None
                  ) -> tuple[list[int], Iterator[dict]]:
    """(the plan years of the matching projects, the projects one at a time): list_projects
    streamed from one read transaction, so 100,000 projects never sit in memory at once (the
    plans and statuses, a few numbers per project, are read first)."""
    from sqlalchemy import text

    flt = (flt or ProjectFilter()).normalised()
    where, params = [], {}
    for col in ("category", "sector", "region", "stage"):
        value = getattr(flt, col)
        if value:
            where.append(f"p.{col} = :{col}")
            params[col] = value
    if flt.status in ("active", "withdrawn"):
        where.append("p.state = :state")
        params["state"] = flt.status
    if flt.name:
        # LOWER on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not. The
        # search text is literal (an office's "10%" or "_" is not a pattern).
        where.append("(LOWER(p.name) LIKE :name ESCAPE '!' OR LOWER(p.enterprise) LIKE :name"
                     " ESCAPE '!' OR LOWER(p.code) LIKE :name ESCAPE '!')")
        literal = flt.name.lower().replace("!", "!!").replace("%", "!%").replace("_", "!_")
        params["name"] = f"%{literal}%"
    sql = "SELECT p.* FROM project p"
    condition = (" WHERE " + " AND ".join(where)) if where else ""
    sql += condition + " ORDER BY p.code"
    reading = ledger.read()
    conn = reading.__enter__()
    try:
        plans: dict[int, dict[int, int]] = {}
        for pid, year, amount in conn.execute(text(
                "SELECT pp.project_id, pp.year, pp.amount FROM project_plan pp"
                " JOIN project p ON p.id = pp.project_id" + condition), params):
            plans.setdefault(pid, {})[year] = amount
        statuses = dict(conn.exec_driver_sql(_LATEST_STATUS).all())
        result = conn.execution_options(yield_per=256).execute(text(sql), params)
    except BaseException:
        reading.__exit__(*sys.exc_info())
        raise
    years = sorted({y for p in plans.values() for y in p})

    def rows() -> Iterator[dict]:
        count = 0
        try:
            for r in result:
                m = r._mapping
                status = statuses.get(m["id"])
                if flt.status and flt.status not in ("active", "withdrawn") \
                        and status != flt.status:
                    continue
                if flt.limit is not None and count >= flt.limit:
                    break
                count += 1
                yield _project_dict(m, plans.get(m["id"], {}), status)
        except BaseException:
            if not reading.__exit__(*sys.exc_info()):
                raise
        else:
            reading.__exit__(None, None, None)

    return years, rows()


def plan_years(projects: list[dict]) -> list[int]:
    return sorted({int(k[5:]) for p in projects for k in p if k.startswith("plan_")})


_HEAD_KEYS = ("code", "name", "enterprise", "region", "category", "sector", "industry", "stage",
              "total_investment")
_TAIL_KEYS = ("responsible_unit", "planned_start", "planned_completion", "content", "state",
              "withdrawn_month", "withdrawn_reason", "replaces")


def project_keys(years: list[int]) -> list[str]:
    """The keys of a listed project, with a plan column for each of `years` (CSV's header)."""
    return [*_HEAD_KEYS, *(f"plan_{y}" for y in years), *_TAIL_KEYS, "status"]


def _project_dict(r, plans: dict[int, int], status: str | None) -> dict:
    out = {k: r[k] for k in _HEAD_KEYS}
    for year in sorted(plans):
        out[f"plan_{year}"] = plans[year]
    out.update({k: r[k] for k in _TAIL_KEYS})
    out["status"] = status
    return out


def get_project(ledger: Ledger, code: str) -> dict:
    """One project with its plans, change history, monthly entries and status timeline."""
    from sqlalchemy import text

    from .sincestart import invested_before

    with ledger.read() as conn:
        row = conn.execute(text("SELECT * FROM project WHERE code = :c"), {"c": code}).first()
        if row is None:
            codes = [c for (c,) in conn.exec_driver_sql("SELECT code FROM project")]
            import difflib

            near = difflib.get_close_matches(code, codes, n=3)
            hint = f"; nearest: {', '.join(near)}" if near else ""
            raise NotFound(f"no project {code!r}{hint}")
        r = dict(row._mapping)
        plans = dict(conn.execute(text("SELECT year, amount FROM project_plan"
                                       " WHERE project_id = :p ORDER BY year"), {"p": r["id"]}).all())
        history = [dict(h._mapping) for h in conn.execute(text(
            "SELECT changed_at, field, old_value, new_value, reason FROM project_history"
            " WHERE project_id = :p ORDER BY id"), {"p": r["id"]})]
        entries = [dict(e._mapping) for e in conn.execute(text(
            "SELECT month, amount, ytd, status, problem, note, reported_by, recorded_at, source,"
            " reason, supersedes, progress_text FROM progress_entry"
            " WHERE project_id = :p AND superseded_by IS NULL ORDER BY month"), {"p": r["id"]})]
        # Entries that corrections superseded, each with what replaced it and why.
        corrections = [dict(c._mapping) for c in conn.execute(text(
            "SELECT o.month, o.amount AS old_amount, n.amount, o.recorded_at AS old_recorded_at,"
            " o.reported_by AS old_reported_by, o.source AS old_source, n.recorded_at,"
            " n.reported_by, n.reason FROM progress_entry o"
            " JOIN progress_entry n ON n.id = o.superseded_by"
            " WHERE o.project_id = :p AND o.superseded_by IS NOT NULL ORDER BY o.month, o.id"),
            {"p": r["id"]})]
        replaced_by = conn.execute(text("SELECT code FROM project WHERE replaces = :c"),
                                   {"c": r["code"]}).scalar()
        from .supervision import project_supervision

        supervision = project_supervision(conn, r["id"])
        invested = invested_before(conn, r["id"], plans)  # SPEC §6: since-start figures
    status = None
    timeline = []
    started = completed = None
    for e in entries:
        if e["status"] and e["status"] != status:
            timeline.append({"month": e["month"], "status": e["status"]})
            status = e["status"]
        if started is None and e["status"] in ("building", "producing"):
            started = e["month"]
        if completed is None and e["status"] == "producing":
            completed = e["month"]
    out = _project_dict(r, plans, status)
    out["replaced_by"] = replaced_by
    out["entries"] = entries
    out["timeline"] = timeline
    out["started"] = started  # first month reported 在建 or 建成投产 (开复工)
    out["completed"] = completed  # first month reported 建成投产
    out["corrections"] = corrections
    out["history"] = history
    out.update(supervision)  # procedures and problems (SPEC §9)
    out["invested_before"] = invested
    return out
