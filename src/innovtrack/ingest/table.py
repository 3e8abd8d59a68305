"""Reading tables as government offices make them: CSV in any of the usual encodings, or XLSX.

A file may carry title rows and a 单位 line above the header, blank rows, a 合计 row at the
bottom, Chinese or English headers with the unit in brackets. `open_table` finds the header,
maps it onto fields (headers.py) and streams the data rows with the row number a person sees
in a spreadsheet (1-based, counting title rows and the header), so bulk imports stay bounded
in memory however large the file.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem, Rejected
from .headers import ColumnMap, FieldSpec, map_header

_SAMPLE = 64 * 1024
_HEADER_SEARCH_ROWS = 30
_TOTAL_WORDS = {"合计", "总计", "小计", "总合计", "合计数", "total", "sum"}
_UNIT_LINE = re.compile(r"单位\s*[:：]\s*(万元|亿元|元)")


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def detect_encoding(sample: bytes) -> str:
    """utf-8-sig, utf-8, utf-16 or gb18030 (a superset of GBK and GB2312), from a sample."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=len(sample) < _SAMPLE)
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def _delimiter(text: str) -> str:
    lines = text.splitlines()[:_HEADER_SEARCH_ROWS]
    counts = {d: sum(line.count(d) for line in lines) for d in (",", "\t", ";")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def is_blank(cells: list) -> bool:
    for c in cells:
        if c is not None and c != "" and (not isinstance(c, str) or c.strip()):
            return False
    return True


def _norm_cell(cell: object) -> str:
    # "合  计", "合计：" and "Total" all name a total row.
    return re.sub(r"[\s:：]+", "", unicodedata.normalize("NFKC", str(cell))).lower()


# Every total word holds one of these once normalised; a row whose first cells hold none of
# them cannot be a total row, which spares the full check on nearly every row of a large file.
_TOTAL_HINT = re.compile("[计tTsS]").search


def is_total_row(cells: list) -> bool:
    """A 合计 / 总计 row: one of its first cells says so (spaces inside are common: 合  计)."""
    for cell in cells[:4]:
        if isinstance(cell, str) and cell and _norm_cell(cell) in _TOTAL_WORDS:
            return True
    return False


@dataclass
class Table:
    """A file's header mapped onto fields, and an iterator over its data rows."""

    path: Path
    display: str  # the file name as the user gave it, used in every message
    columns: ColumnMap
    header_row: int
    encoding: str | None
    sheet: str | None
    notices: list[str] = field(default_factory=list)
    _rows: Iterator[tuple[int, list]] | None = None
    skipped_total_rows: list[int] = field(default_factory=list)
    preamble: list[str] = field(default_factory=list)  # title and unit lines above the header

    def rows(self) -> Iterator[tuple[int, list]]:
        """(row number, cells) for each data row; blank and 合计 rows are left out."""
        assert self._rows is not None, "rows() can be read once"
        rows, self._rows = self._rows, None
        join, hint, normalized = "".join, _TOTAL_HINT, unicodedata.is_normalized
        for number, cells in rows:
            # Fast path for rows of text (CSV): one C-level join of the first cells answers
            # "not blank, and no total row" for nearly every row of a million-row report;
            # other rows take the full check.
            try:
                head = join(cells[:4])
                if head.strip() and (head.isascii() or normalized("NFKC", head)) \
                        and hint(head) is None:
                    yield number, cells
                    continue
            except TypeError:  # a workbook row: numbers, dates, None
                pass
            if is_blank(cells):
                continue
            if is_total_row(cells):
                self.skipped_total_rows.append(number)
                continue
            yield number, cells


def _csv_rows(path: Path, display: str, encoding: str) -> Iterator[tuple[int, list]]:
    with open(path, "rb") as fh:
        sample = fh.read(_SAMPLE)
    delim = _delimiter(sample.decode(encoding, errors="replace"))
    with open(path, encoding=encoding, newline="", errors="strict") as fh:
        reader = csv.reader(fh, delimiter=delim)
        number = 0
        try:
            for number, cells in enumerate(reader, start=1):  # noqa: B007
                yield number, cells
        except UnicodeDecodeError as exc:
            raise Rejected([Problem(display, number + 1, None,
                                    f"cannot be read as {encoding} ({exc.reason}); "
                                    "name the encoding with --encoding")]) from None
        except csv.Error as exc:
            raise Rejected([Problem(display, number + 1, None, f"malformed CSV: {exc}")]) from None


def _workbook(path: Path, display: str):
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise Rejected([Problem(display, None, None, f"cannot be read as a workbook: {exc}")]) \
            from None


def _sheet_name(book, display: str, sheet: str) -> str:
    names = book.sheet_names
    if sheet in names:
        return sheet
    if sheet.isdigit() and 1 <= int(sheet) <= len(names):
        return names[int(sheet) - 1]
    raise Rejected([Problem(display, None, "--sheet",
                            f"no sheet {sheet!r}; the workbook has {', '.join(names)}")])


def _sheet_rows(book, name: str) -> Iterator[tuple[int, list]]:
    # iter_rows starts at row 1 even when the used range starts lower, so the numbers are the
    # ones the spreadsheet shows.
    data = book.get_sheet_by_name(name)
    return ((i, list(r)) for i, r in enumerate(data.iter_rows(), start=1))


def _find_header(rows: Iterator[tuple[int, list]], fields: dict[str, FieldSpec],
                 default_unit: str | None,
                 preamble: list[str] | None = None) -> tuple[int, ColumnMap] | None:
    """The header row and its mapping, read off the first rows; the iterator stays after it.
    The text of the rows above the header (a title naming the month, say) goes to preamble."""
    unit = default_unit
    for number, cells in rows:
        if is_blank(cells):
            continue
        text = " ".join(str(c) for c in cells if c not in (None, ""))
        m = _UNIT_LINE.search(text)
        if m:
            unit = default_unit or m.group(1)  # a 单位：亿元 line above the header
        candidate = map_header(cells, fields, unit)
        # A header names at least two known columns; a title row names at most one.
        if len(candidate.index) >= 2:
            return number, candidate
        if preamble is not None:
            preamble.append(text)
        if number >= _HEADER_SEARCH_ROWS:
            break
    return None


def open_table(path: Path | str, fields: dict[str, FieldSpec], *, required: set[str],
               encoding: str | None = None, sheet: str | None = None,
               default_unit: str | None = None, display: str | None = None) -> Table:
    """Find the header row, map it onto `fields`, and return the table ready to stream.

    A workbook is read from --sheet, or else from the first sheet that has a header (offices
    often put a 填表说明 sheet first).
    """
    path = Path(path)
    display = display or str(path)
    if not path.exists():
        raise Rejected([Problem(display, None, None, "no such file")])
    if path.is_dir():
        raise Rejected([Problem(display, None, None, "is a directory, not a file")])
    suffix = path.suffix.lower()
    with open(path, "rb") as fh:
        magic = fh.read(4)
    names = ", ".join(fields[f].label for f in fields if f in required)
    notices: list[str] = []
    found = None
    chosen_sheet = None
    enc = None
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods") or magic.startswith(b"PK\x03\x04"):
        book = _workbook(path, display)
        candidates = [_sheet_name(book, display, sheet)] if sheet is not None \
            else book.sheet_names
        for name in candidates:
            rows = _sheet_rows(book, name)
            preamble = []
            found = _find_header(rows, fields, default_unit, preamble)
            if found is not None:
                chosen_sheet = name
                break
        if found is None:
            where = (f"sheet {candidates[0]!r}" if sheet is not None
                     else f"any sheet ({', '.join(book.sheet_names)})")
            raise Rejected([Problem(display, None, None,
                                    f"no header row found in the first {_HEADER_SEARCH_ROWS} rows"
                                    f" of {where} (need columns for {names})")])
        if sheet is None and chosen_sheet != book.sheet_names[0]:
            notices.append(f"{display}: read sheet {chosen_sheet!r} (choose another with --sheet)")
    else:
        if sheet is not None:
            raise Rejected([Problem(display, None, "--sheet", "only a workbook has sheets")])
        if encoding:
            try:
                enc = codecs.lookup(encoding).name
            except LookupError:
                raise Rejected([Problem(display, None, "--encoding",
                                        f"unknown encoding {encoding!r}")]) from None
        else:
            with open(path, "rb") as fh:
                enc = detect_encoding(fh.read(_SAMPLE))
        rows = _csv_rows(path, display, enc)
        preamble = []
        found = _find_header(rows, fields, default_unit, preamble)
        if found is None:
            raise Rejected([Problem(display, None, None,
                                    f"no header row found in the first {_HEADER_SEARCH_ROWS} rows "
                                    f"(need columns for {names})")])
    header_row, columns = found
    missing = [f for f in fields if f in required and f not in columns.index]
    if missing:
        raise Rejected([Problem(display, header_row, fields[f].label, "required column missing")
                        for f in missing])
    table = Table(path=path, display=display, columns=columns, header_row=header_row,
                  encoding=enc, sheet=chosen_sheet, notices=notices, _rows=rows,
                  preamble=preamble)
    if columns.ignored:
        table.notices.append(f"{display}: columns ignored: {', '.join(columns.ignored)}")
    return table
