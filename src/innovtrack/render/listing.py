"""Rendering listings (projects, entries, targets) as a terminal table, JSON, CSV or Markdown.

Rows arrive as dicts with amounts in integer 元 and codes for categories and statuses. JSON and
CSV keep the English keys and codes with amounts in 万元 (SPEC §4); the table and Markdown show
Chinese headers and labels with amounts in 亿元 (or the unit asked for).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain

from .. import programme
from ..money import fmt, to_unit
from .safe import cell, csv_cell
from .safe import markdown as md_text

MONEY_KEYS = {"total_investment", "amount", "ytd", "plan", "target", "actual_ytd",
              "actual_period", "cumulative", "difference", "old_amount"}


# Recorded-at stamps: stored UTC, shown in the users' zone (clock.zone), in full in JSON/CSV.
TIME_KEYS = {"recorded_at", "old_recorded_at", "set_at", "changed_at", "imported_at",
             "issued_at", "known_at"}


def is_money(key: str) -> bool:
    return key in MONEY_KEYS or key.startswith("plan_")


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Chinese, as people read it
    kind: str = "text"  # text, money, category, sector, stage, status, state, bool, time


def _label(kind: str, value) -> str:
    if value is None:
        return ""
    match kind:
        case "category":
            return programme.CATEGORY_NAMES.get(value, value)
        case "sector":
            return programme.SECTOR_NAMES.get(value, value)
        case "stage":
            return programme.STAGES.get(value, value)
        case "status":
            return programme.STATUSES.get(value, value)
        case "state":
            return {"active": "在列", "withdrawn": "已退出"}.get(value, value)
        case "problem_state":
            return {"open": "未销号", "resolved": "已销号"}.get(value, value)
        case "bool":
            return "是" if value else ""
        case "time":  # recorded-at stamps: to the minute on screen, in full in JSON/CSV
            from ..clock import shown

            return shown(str(value), seconds=False)
    return str(value)


def json_value(key: str, value):
    if key in TIME_KEYS and isinstance(value, str):
        from ..clock import exact

        return exact(value)
    return to_unit(value, "万元") if is_money(key) and isinstance(value, int) else value


def to_json(rows: list[dict]) -> str:
    return "".join(json_chunks(rows))


def json_chunks(rows: Iterable[dict]) -> Iterator[str]:
    """The listing's JSON (indented, as json.dumps(rows, indent=2) writes it) one row at a
    time, so a million entries never sit in memory at once."""
    first = True
    for row in rows:
        yield ("[\n" if first else ",\n") + _json_row(row)
        first = False
    yield "[]\n" if first else "\n]\n"


_KEY_TEXT: dict[str, str] = {}
_encode_text = json.encoder.encode_basestring  # the C encoder, ensure_ascii=False


def _json_row(row: dict) -> str:
    """One row as json.dumps([row], indent=2) writes it inside the list, with the C string
    encoder: json.dumps with indent runs the pure-Python encoder, which would spend a minute
    on a million entries. Nested values take json.dumps itself."""
    parts = []
    for k, v in row.items():
        key = _KEY_TEXT.get(k)
        if key is None:
            key = _KEY_TEXT.setdefault(k, f"    {_encode_text(k)}: ")
        v = json_value(k, v)
        if v is None:
            text = "null"
        elif v is True or v is False:
            text = "true" if v else "false"
        elif isinstance(v, str):
            text = _encode_text(v)
        elif isinstance(v, int):
            text = int.__repr__(v)
        elif isinstance(v, float) and v == v and v not in (float("inf"), float("-inf")):
            text = float.__repr__(v)
        else:
            text = json.dumps(v, ensure_ascii=False, indent=2).replace("\n", "\n    ")
        parts.append(key + text)
    return "  {\n" + ",\n".join(parts) + "\n  }" if parts else "  {}"


def to_csv(rows: list[dict], keys: list[str] | None = None) -> str:
    keys = keys or list(dict.fromkeys(k for row in rows for k in row))
    return "".join(csv_chunks(rows, keys))


def csv_chunks(rows: Iterable[dict], keys: list[str] | None = None) -> Iterator[str]:
    """CSV one row at a time; without `keys`, the first row's keys name the columns (every
    row of a streamed listing has the same keys)."""
    rows = iter(rows)
    first = None
    if keys is None:
        first = next(rows, None)
        keys = list(first) if first is not None else []
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(keys)
    for row in chain([first] if first is not None else [], rows):
        writer.writerow(["" if row.get(k) is None else csv_cell(json_value(k, row.get(k)))
                         for k in keys])
        if buf.tell() > 1 << 16:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def cell_text(col: Column, row: dict, unit: str) -> str:
    value = row.get(col.key)
    if col.kind == "money" or (col.kind == "text" and is_money(col.key) and isinstance(value, int)):
        return fmt(value, unit) if value is not None else ""
    return _label(col.kind, value)


def to_markdown(rows: list[dict], columns: list[Column], unit: str, title: str | None) -> str:
    esc = md_text
    lines = [f"## {esc(title)}", ""] if title else []
    heads = [c.header + (f"（{unit}）" if c.kind == "money" else "") for c in columns]
    lines.append("| " + " | ".join(heads) + " |")
    lines.append("|" + "|".join("---:" if c.kind == "money" else "---" for c in columns) + "|")
    for row in rows:
        lines.append("| " + " | ".join(esc(cell_text(c, row, unit)) for c in columns) + " |")
    return "\n".join(lines) + "\n"


# Display cells (a Chinese character takes two) that a column keeps however narrow the terminal.
_MIN_WIDTH = {"region": 6, "stage": 4, "status": 8, "state": 6, "category": 8, "sector": 8,
              "name": 8, "enterprise": 8}


def rich_table(rows: list[dict], columns: list[Column], unit: str, title: str | None,
               style_row: Callable[[dict], str | None] | None = None):
    from rich.table import Table

    table = Table(title=title, show_lines=False, header_style="bold")
    for c in columns:
        # An amount or a code split over two lines misreads ("10.0" / "5"): those never wrap;
        # names and other text fold to make room.
        # Amounts, codes and months never wrap ("10.0" / "5" misreads); short labels keep
        # their width (海西州 not 海西 / 州); names and other text fold to make room.
        keep = c.kind in ("money", "time") or c.key in ("code", "month")
        table.add_column(c.header + (f"\n（{unit}）" if c.kind == "money" else ""),
                         justify="right" if c.kind == "money" else "left",
                         overflow="fold", no_wrap=keep, min_width=_MIN_WIDTH.get(c.kind, 0)
                         or _MIN_WIDTH.get(c.key))
    for row in rows:
        table.add_row(*(cell(cell_text(c, row, unit)) for c in columns),
                      style=style_row(row) if style_row else None)
    return table


def findings_rows(findings) -> list[dict]:
    """`check` findings as plain rows for JSON/CSV: money in 万元 like every JSON amount."""
    return [{"check": f.check, "scope": f.scope,
             "expected": to_unit(f.expected, "万元") if f.money else f.expected,
             "actual": to_unit(f.actual, "万元") if f.money else f.actual,
             "unit": "万元" if f.money else None, "message": f.message} for f in findings]


def emit_findings(findings, fmt_name: str, output: str | None = None) -> None:
    """`check`: one line per disagreement, or rows for programs (JSON, CSV)."""
    from .output import write_text

    if fmt_name == "json":
        write_text(to_json(findings_rows(findings)), output)
    elif fmt_name == "csv":
        write_text(to_csv(findings_rows(findings),
                          ["check", "scope", "expected", "actual", "unit", "message"]), output)
    else:
        from .safe import visible

        shown = md_text if fmt_name == "markdown" else visible
        bullet = "- " if fmt_name == "markdown" else ""
        if findings or output:
            write_text("".join(f"{bullet}{shown(f.message)}\n" for f in findings), output)


def emit(rows: Iterable[dict], columns: list[Column], *, fmt_name: str, unit: str = "亿元",
         output: str | None = None, title: str | Callable[[int], str] | None = None,
         csv_keys: list[str] | None = None) -> None:
    """Write a listing to stdout (or --output) in the asked format. JSON and CSV stream `rows`
    (a list or an iterator); a table or Markdown needs them all, and a title may then be made
    from their count."""
    from .output import write_chunks, write_text

    if fmt_name == "json":
        write_chunks(json_chunks(rows), output)
        return
    if fmt_name == "csv":
        if csv_keys is None and isinstance(rows, list):
            csv_keys = list(dict.fromkeys(k for row in rows for k in row))
        write_chunks(csv_chunks(rows, csv_keys), output)
        return
    rows = list(rows)
    if callable(title):
        title = title(len(rows))
    if fmt_name == "markdown":
        write_text(to_markdown(rows, columns, unit, title), output)
    elif fmt_name == "table":
        from .output import print_rich

        print_rich(rich_table(rows, columns, unit, title), output)
    else:
        from ..errors import UsageError

        raise UsageError(f"format {fmt_name!r} is not available here (table, json, csv, markdown)")
