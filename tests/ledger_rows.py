"""Reading a ledger's projects with plain SQL, so tests do not check query.py with itself."""

from __future__ import annotations

import json
from pathlib import Path

PROJECTS_DIR = Path(__file__).parent / "fixtures" / "projects"
EXPECTED = json.loads((PROJECTS_DIR / "expected.json").read_text(encoding="utf-8"))

FIELDS = ("code", "name", "enterprise", "region", "category", "sector", "industry", "stage",
          "responsible_unit", "planned_start", "planned_completion", "content",
          "total_investment")


def stored_projects(ledger) -> dict[str, dict]:
    """{code: {field: value, ..., "plans": {"2016": 元}}} as the ledger holds them."""
    with ledger.read() as conn:
        rows = conn.exec_driver_sql(f"SELECT id, {', '.join(FIELDS)} FROM project").all()
        plans: dict[int, dict[str, int]] = {}
        for pid, year, amount in conn.exec_driver_sql(
                "SELECT project_id, year, amount FROM project_plan"):
            plans.setdefault(pid, {})[str(year)] = amount
    out = {}
    for row in rows:
        record = dict(zip(FIELDS, row[1:], strict=True))
        record["plans"] = plans.get(row[0], {})
        out[record["code"]] = record
    return out


def expected_projects(projects: list[dict]) -> dict[str, dict]:
    return {p["code"]: dict(p) for p in projects}
