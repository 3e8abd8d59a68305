"""Issued reports for people and programs: the `report issued` listing and the reprint."""

from __future__ import annotations

from ..errors import InnovtrackError, UsageError
from .listing import Column

# The table leaves out when it was issued (a moment after its stamp) to fit 80 columns.
COLUMNS = [Column("id", "编号"), Column("kind", "报告"), Column("period", "期间"),
           Column("known_at", "数据截至", "time"), Column("issued_by", "报送人"),
           Column("note", "说明"), Column("sha256", "校验码")]
KIND_CN = {"quarterly": "季报", "monthly": "月报"}
CSV_KEYS = ["id", "kind", "period", "known_at", "issued_at", "issued_by", "note", "sha256",
            "options"]


class Mismatch(InnovtrackError):
    """An issued report recomputed at its stamp no longer gives the JSON that was sent."""


def emit_listing(issued: list, fmt_name: str, output: str | None) -> None:
    from .listing import emit

    rows = [i.row() for i in issued]
    if fmt_name in ("table", "markdown"):  # for people: the kind in Chinese, the hash's head
        for row in rows:
            row["kind"] = KIND_CN.get(row["kind"], row["kind"])
            row["sha256"] = row["sha256"][:8]
    emit(rows, COLUMNS, fmt_name=fmt_name, output=output, title="已报送的报告",
         csv_keys=CSV_KEYS)


def emit_reprint(db: str | None, number: int, kind: str, fmt_name: str, output: str | None, *,
                 monthly: bool, issue: bool, wide: bool = False, **choices) -> None:
    """`report quarterly --issued N`: the JSON byte for byte as sent; other formats from the
    report recomputed at its stamp, once its JSON is shown to be the one sent."""
    from ..issued import reprint
    from .output import notice, write_text
    from .report import emit_report

    given = [f"--{k.replace('_', '-')}" for k in ("year", "quarter", "month", "known_at")
             if choices.get(k) is not None]
    if issue:
        given.append("--issue")
    if given:
        raise UsageError(f"--issued {number} prints the report as it was sent; it cannot be "
                         f"combined with {', '.join(given)}")
    again = reprint(db, number, kind, monthly=monthly)
    if fmt_name == "json":
        write_text(again.issued.body, output)
        if not again.matches:
            notice(f"warning: issued report #{number} recomputed at its stamp no longer gives "
                   "the JSON sent (the ledger or innovtrack changed); printed as sent")
        return
    if not again.matches:
        raise Mismatch(f"issued report #{number} recomputed at its stamp no longer gives the "
                       f"JSON that was sent (sha256 {again.issued.sha256[:16]}…), so it cannot "
                       f"be reprinted as {fmt_name}; `--format json` prints it as sent")
    emit_report(again.report, fmt_name, output, wide=wide)
