"""Progress entries for people: the listing's columns, and the lines `progress add`, `correct`
and `import` print on stderr about what they recorded."""

from __future__ import annotations

from .. import programme
from ..clock import shown
from .listing import Column

_SHOWN_MISSING = 20


def entry_columns(history: bool) -> list[Column]:
    # drop: the order in which columns leave a narrow terminal (highest first; 0 stays)
    cols = [Column("code", "项目编号"), Column("month", "月份"),
            Column("amount", "本月完成投资", "money"), Column("ytd", "自年初累计", "money", drop=3),
            Column("status", "建设状态", "status", drop=2),
            Column("progress_text", "形象进度", drop=10), Column("problem", "存在问题", drop=6),
            Column("note", "备注", drop=8), Column("reported_by", "填报人", drop=7),
            Column("recorded_at", "录入时间", "time", drop=4), Column("source", "来源", drop=9)]
    if history:
        cols += [Column("superseded", "已被更正", "bool", drop=1), Column("reason", "更正原因", drop=5)]
    return cols


def _wan(yuan: int | None) -> str:
    from ..ingest.progress import wan

    return "—" if yuan is None else wan(yuan)


def entry_lines(verb: str, result) -> list[str]:
    """`recorded CX-001 2016-03: 本月 1,200 万元, 累计 3,400 万元, 在建` and any warnings."""
    e = result.entry
    status = programme.STATUSES.get(e["status"], "") if e["status"] else ""
    line = (f"{verb} {e['code']} {e['month']}: 本月 {_wan(e['amount'])}"
            + (f" (from the year-to-date {_wan(e['ytd'])})" if result.derived
               else f", 年初累计 {_wan(e['ytd'])}" if e["ytd"] is not None else "")
            + (f", {status}" if status else ""))
    lines = [line]
    if result.supersedes is not None:
        old = result.supersedes
        lines.append(f"  supersedes the entry of {shown(old['recorded_at'])} by "
                     f"{old['reported_by'] or '?'} ({old['source']}): 本月 {_wan(old['amount'])}"
                     f"; reason: {e.get('reason') or ''}")
    return lines + [f"warning: {w}" for w in result.warnings]


def import_lines(result) -> list[str]:
    """The summary of a `progress import` (ledger.progress.ProgressImport)."""
    file = result.file
    lines = list(result.notices)
    if result.already:
        return lines + [f"{file}: already imported ({result.already}); nothing changed"]
    lines += [f"warning: {w}" for w in result.warnings]
    kind = "corrections" if result.corrections else "entries"
    months = ", ".join(m.month for m in result.months) or "none"
    head = "would record" if result.dry_run else "recorded"
    lines.append(f"{file}: {head} {result.entries} {kind} for {result.projects} project(s) in "
                 f"{len(result.months)} month(s) ({months})"
                 + (f"; {result.derived} month amount(s) worked out from the year-to-date"
                    if result.derived else "")
                 + ("; dry run, nothing written" if result.dry_run else ""))
    for m in result.months:
        if m.missing:
            shown = ", ".join(m.missing[:_SHOWN_MISSING])
            more = f" … and {len(m.missing) - _SHOWN_MISSING} more" \
                if len(m.missing) > _SHOWN_MISSING else ""
            lines.append(f"{m.month}: {len(m.missing)} active project(s) sent nothing: "
                         f"{shown}{more}")
        elif not result.corrections:
            lines.append(f"{m.month}: every active project has reported")
    return lines
