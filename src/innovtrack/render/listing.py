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
from .safe import cell, csv_cell, visible
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
    drop: int = 0  # terminal: columns that do not fit leave in descending order; 0 stays


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


@dataclass
class Listing:
    """What a listing command hands its renderer."""

    rows: Iterable[dict]  # a list, except for the formats that stream (JSON, CSV)
    columns: list[Column]
    unit: str = "亿元"
    title: str | None = None
    csv_keys: list[str] | None = None


def listing_json(listing: Listing) -> Iterator[str]:
    return json_chunks(listing.rows)


def listing_csv(listing: Listing) -> Iterator[str]:
    rows, keys = listing.rows, listing.csv_keys
    if keys is None and isinstance(rows, list):
        keys = list(dict.fromkeys(k for row in rows for k in row))
    return csv_chunks(rows, keys)


def listing_markdown(listing: Listing) -> str:
    return to_markdown(listing.rows, listing.columns, listing.unit, listing.title)


# Short labels that never wrap (海西州 not 海西 / 州), beside amounts, codes and months.
_WHOLE_KINDS = {"money", "time", "bool", "category", "sector", "stage", "status", "state"}
_WHOLE_KEYS = {"code", "month", "region", "year", "projects"}


def table_columns(listing: Listing):
    """The listing's columns for the terminal (fit.py): amounts, codes, months and short
    labels whole; names and free text wrap."""
    from .fit import Column as TermColumn

    unit = listing.unit
    return [TermColumn(c.header + (f"\n（{unit}）" if c.kind == "money" else ""),
                       [cell(cell_text(c, row, unit)) for row in listing.rows],
                       wrap=not (c.kind in _WHOLE_KINDS or c.key in _WHOLE_KEYS
                                 or is_money(c.key)),
                       drop=c.drop, right=c.kind == "money")
            for c in listing.columns]


def print_listing(listing: Listing, output: str | None, wide: bool = False) -> None:
    from .fit import left_out_line, print_all, rich_table, screen

    def draw(scr) -> None:
        table, left_out = rich_table(listing.title, table_columns(listing), scr.width)
        print_all(scr, [table, *([left_out_line(left_out)] if left_out else [])])

    if output:
        from .output import output_file

        with output_file(output) as fh:
            draw(screen(fh=fh))
    else:
        draw(screen(wide=wide))


def findings_rows(findings) -> list[dict]:
    """`check` findings as plain rows for JSON/CSV: money in 万元 like every JSON amount."""
    return [{"check": f.check, "scope": f.scope,
             "expected": to_unit(f.expected, "万元") if f.money else f.expected,
             "actual": to_unit(f.actual, "万元") if f.money else f.actual,
             "unit": "万元" if f.money else None, "message": f.message} for f in findings]


_FINDING_KEYS = ["check", "scope", "expected", "actual", "unit", "message"]
# `check` in each listing format: rows for programs, one line per disagreement for people.
FINDINGS = {
    "json": lambda findings: to_json(findings_rows(findings)),
    "csv": lambda findings: to_csv(findings_rows(findings), _FINDING_KEYS),
    "markdown": lambda findings: "".join(f"- {md_text(f.message)}\n" for f in findings),
    "table": lambda findings: "".join(f"{visible(f.message)}\n" for f in findings),
}


def emit_findings(findings, fmt_name: str, output: str | None = None) -> None:
    """`check`: one line per disagreement, or rows for programs (JSON, CSV)."""
    from .registry import LISTING_FORMATS, choose, deliver

    renderer = choose(LISTING_FORMATS, fmt_name, output)
    text = FINDINGS[fmt_name](findings)
    if text or output:
        deliver(renderer, text, output)


def emit(rows: Iterable[dict], columns: list[Column], *, fmt_name: str, unit: str = "亿元",
         output: str | None = None, title: str | Callable[[int], str] | None = None,
         csv_keys: list[str] | None = None, wide: bool = False) -> None:
    """Write a listing to stdout (or --output) in the asked format (render/registry.py).
    JSON and CSV stream `rows` (a list or an iterator); a table or Markdown needs them all,
    and a title may then be made from their count."""
    from .registry import LISTING_FORMATS, choose, deliver, deliver_chunks

    renderer = choose(LISTING_FORMATS, fmt_name, output)
    if renderer.writes == "chunks":
        deliver_chunks(renderer, renderer.load()(Listing(rows, columns, unit, None, csv_keys)),
                       output)
        return
    rows = list(rows)
    if callable(title):
        title = title(len(rows))
    listing = Listing(rows, columns, unit, title, csv_keys)
    if renderer.writes == "console":
        renderer.load()(listing, output, wide=wide)
    else:
        deliver(renderer, renderer.load()(listing), output)
