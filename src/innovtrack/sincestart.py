"""Investment since a project started, as other key-project systems report it (SPEC §6, last
part): what it says of the time before a programme year, kept with the project."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


def invested_before(conn: Connection, project_id: int, years) -> list[dict]:
    """[{year, cumulative}]: the project's investment before each year (元), from its first
    since-start figure and the ledger's effective entries (the rule `check` holds later
    figures to); empty when no file gave such a figure."""
    from sqlalchemy import text

    first = conn.execute(text(
        "SELECT through, amount FROM since_start_figure WHERE project_id = :p"
        " ORDER BY through, id LIMIT 1"), {"p": project_id}).first()
    if first is None:
        return []
    through, amount = first
    out = []
    for year in sorted(years):
        start = f"{int(year):04d}-01"
        # The entries between the figure's month and the year's start: taken off when the
        # figure runs into the year, added when it stops before it.
        sql = ("SELECT COALESCE(SUM(amount), 0) FROM progress_entry WHERE project_id = :p"
               " AND superseded_by IS NULL AND month >= :lo AND month <= :hi")
        if through >= start:
            moved = -int(conn.execute(text(sql), {"p": project_id, "lo": start,
                                                  "hi": through}).scalar_one())
        else:
            moved = int(conn.execute(text(sql.replace("month >= :lo", "month > :lo")
                                          .replace("month <= :hi", "month < :hi")),
                                     {"p": project_id, "lo": through, "hi": start}).scalar_one())
        out.append({"year": int(year), "cumulative": int(amount) + moved})
    return out
