"""Output formats by name: which function renders each, and what --output may be called.

A new format is one renderer module and one line in a table below; the commands' --format
choices and help, the --output checks and the dispatch all come from these tables. Nothing
heavy is imported here: a renderer's module is imported only when it is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from pathlib import Path


@dataclass(frozen=True)
class Renderer:
    """target: "module:function" under innovtrack.render. writes: "text" (the function returns
    the text; stdout or --output), "chunks" (it returns the text piece by piece, streamed),
    "file" (it writes --output itself, which is required), "console" (it prints, fitting the
    terminal)."""

    name: str
    target: str
    suffixes: tuple[str, ...]  # the --output endings that mean this format
    writes: str = "text"
    monthly: bool = False  # needs the month-by-month curve (one more pass over the year)
    bom: bool = False  # a file starts with a UTF-8 BOM (Excel on Chinese Windows reads it)

    def load(self):
        module, function = self.target.split(":")
        return getattr(import_module(f"innovtrack.render.{module}"), function)


def _table(*renderers: Renderer) -> dict[str, Renderer]:
    return {r.name: r for r in renderers}


REPORT_FORMATS = _table(
    Renderer("table", "terminal:print_report", (".txt",), writes="console"),
    Renderer("json", "tabular:to_json", (".json",)),
    Renderer("csv", "tabular:to_csv", (".csv",), bom=True),
    Renderer("markdown", "tabular:to_markdown", (".md", ".markdown")),
    Renderer("xlsx", "xlsx:write_xlsx", (".xlsx",), writes="file", monthly=True),
    Renderer("docx", "word:write_docx", (".docx",), writes="file"),
    Renderer("text", "narrative:narrative_text", (".txt",)),
)

# `report supervision` (督办): the list per responsible unit; its workbook one sheet per unit.
SUPERVISION_FORMATS = _table(
    Renderer("table", "supervision:print_supervision", (".txt",), writes="console"),
    Renderer("json", "supervision:supervision_json", (".json",)),
    Renderer("csv", "supervision:supervision_csv", (".csv",), bom=True),
    Renderer("markdown", "supervision:supervision_markdown", (".md", ".markdown")),
    Renderer("xlsx", "supervision:write_supervision_xlsx", (".xlsx",), writes="file"),
    Renderer("text", "supervision:supervision_plain", (".txt",)),
)

LISTING_FORMATS = _table(
    Renderer("table", "listing:print_listing", (".txt",), writes="console"),
    Renderer("json", "listing:listing_json", (".json",), writes="chunks"),
    Renderer("csv", "listing:listing_csv", (".csv",), writes="chunks", bom=True),
    Renderer("markdown", "listing:listing_markdown", (".md", ".markdown")),
)

# Every ending any format claims, so an ending that names another format is caught.
_TABLES = (REPORT_FORMATS, SUPERVISION_FORMATS, LISTING_FORMATS)
_CLAIMED = {s: {n for t in _TABLES for n, r in t.items() if s in r.suffixes}
            for t in _TABLES for r in t.values() for s in r.suffixes}


def choose(formats: dict[str, Renderer], name: str, output: str | None) -> Renderer:
    """The renderer for --format NAME, refusing an --output whose ending says otherwise."""
    from ..errors import UsageError

    renderer = formats.get(name)
    if renderer is None:
        raise UsageError(f"--format {name}: not available here ({', '.join(formats)})")
    if renderer.writes == "file" and not output:
        raise UsageError(f"--format {name} writes a file: name it with --output FILE"
                         f"{renderer.suffixes[0]}")
    if output:
        suffix = Path(output).suffix.lower()
        if suffix in _CLAIMED and name not in _CLAIMED[suffix]:
            meant = "/".join(sorted(n for n in _CLAIMED[suffix] if n in formats))
            raise UsageError(f"--output {output}: a {suffix} file is not --format {name}"
                             + (f"; use --format {meant}" if meant else ""))
    return renderer


def deliver(renderer: Renderer, text: str, output: str | None) -> None:
    """Text to stdout or --output; a file of a BOM format starts with one (stdout never)."""
    from .output import write_text

    write_text("\ufeff" + text if output and renderer.bom else text, output)


def deliver_chunks(renderer: Renderer, chunks, output: str | None) -> None:
    """Streamed text to stdout or, renamed into place, --output (a BOM format's file starts
    with one)."""
    from itertools import chain

    from .output import write_chunks

    write_chunks(chain(["\ufeff"], chunks) if output and renderer.bom else chunks, output)
