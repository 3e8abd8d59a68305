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
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from ..errors import Problem, Rejected
from ..money import UNIT_ALIASES
from .headers import ColumnMap, FieldSpec, map_header, split_unit
from .values import EMPTY_MARKS

_SAMPLE = 64 * 1024
_HEADER_SEARCH_ROWS = 30
_TOTAL_WORDS = {"合计", "总计", "小计", "总合计", "合计数", "共计", "total", "grandtotal",
                "subtotal"}
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


_CHUNK = 1 << 20
# Bytes no text file holds (NUL and the C0 controls but tab, LF, FF and CR, with ESC kept out
# of the count: some office exports carry a stray escape). A sample with more than 1 % of them
# is not a CSV file but binary (random bytes, a PDF, an image, a zip renamed .csv).
_BINARY_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


def _looks_binary(sample: bytes) -> bool:
    if not sample:
        return False
    odd = len(sample) - len(sample.translate(None, _BINARY_BYTES))
    return odd * 100 > len(sample)


def _first_bad_byte(path: Path, encoding: str) -> tuple[int | None, bool]:
    """(offset of the first byte the encoding cannot decode or None, whether any non-ASCII
    byte came before it): the whole file, read in chunks, so memory stays bounded."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset = 0
    non_ascii = False
    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(_CHUNK)
            pending = len(decoder.getstate()[0]) if hasattr(decoder, "getstate") else 0
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                bad = offset - pending + exc.start
                return bad, non_ascii or not (chunk[:max(0, exc.start - pending)].isascii())
            if not chunk:
                return None, non_ascii
            non_ascii = non_ascii or not chunk.isascii()
            offset += len(chunk)


def _first_utf8_line(path: Path) -> int | None:
    """The offset of the first line that is non-ASCII and valid UTF-8: in a GB18030 file,
    a row pasted from a UTF-8 one (read as GB18030 it would be mojibake)."""
    offset = 0
    with open(path, "rb") as fh:
        for line in fh:
            if not line.isascii():
                try:
                    line.decode("utf-8")
                    return offset
                except UnicodeDecodeError:
                    pass
            offset += len(line)
    return None


def _row_at(path: Path, offset: int, encoding: str, delimiter: str) -> int:
    """The row a person sees for the byte at `offset`: the CSV records before its line, + 1
    (a quoted cell may hold line breaks, so lines are not rows)."""
    with open(path, "rb") as fh:
        head = fh.read(offset)
    head = head[:head.rfind(b"\n") + 1]
    text = head.decode(encoding, errors="replace")
    return sum(1 for _ in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)) + 1


def file_encoding(path: Path, display: str, declared: str | None = None) -> str:
    """The file's one encoding, checked over every byte (SPEC §4: UTF-8 with or without BOM,
    GB18030/GBK, UTF-16 with BOM). The first non-ASCII text decides between UTF-8 and
    GB18030; a later row in the other encoding is an error at that row, never mojibake."""
    with open(path, "rb") as fh:
        sample = fh.read(_SAMPLE)
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not declared:
        return "utf-16"
    if _looks_binary(sample):
        raise Rejected([Problem(display, None, None,
                                "not a CSV or XLSX file (binary content), whatever its name says")])

    def reject(offset: int, encoding: str, why: str) -> Rejected:
        delim = _delimiter(sample.decode(encoding, errors="replace"))
        row = _row_at(path, offset, encoding, delim)
        return Rejected([Problem(display, row, None, why)])

    if declared:
        bad, _ = _first_bad_byte(path, declared)
        if bad is not None:
            raise reject(bad, declared, f"cannot be read as {declared} (bytes that are not "
                                        f"{declared}); name the file's encoding with --encoding")
        return declared
    bom = sample.startswith(codecs.BOM_UTF8)
    bad, non_ascii = _first_bad_byte(path, "utf-8")
    if bad is None:
        return "utf-8-sig" if bom else "utf-8"
    if bom or non_ascii:
        raise reject(bad, "utf-8", "not UTF-8 like the rows above it (a row in GBK or "
                                   "another encoding?): save the file in one encoding")
    utf8_line = _first_utf8_line(path)
    if utf8_line is not None:
        raise reject(utf8_line, "utf-8", "UTF-8 text in a file whose rows above are GBK/"
                                         "GB18030: save the file in one encoding")
    bad, _ = _first_bad_byte(path, "gb18030")
    if bad is not None:
        raise reject(bad, "gb18030", "cannot be read as GB18030 or UTF-8: name the file's "
                                     "encoding with --encoding")
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


_TRAILING_BRACKET = re.compile(r"[(（][^()（）]*[)）]$")


def is_total_label(cell: object) -> bool:
    """合计, 合  计, 合计：, 合计（200项）, 总计, 小计, Total (spaces inside are common)."""
    if not isinstance(cell, str) or not cell:
        return False
    key = _norm_cell(cell)
    return key in _TOTAL_WORDS or _TRAILING_BRACKET.sub("", key) in _TOTAL_WORDS


def is_total_row(cells: list, code_pos: int | None = 0, last: int = 3) -> bool:
    """A 合计 / 总计 row, recognised by its shape: no project code (the code cell is empty or
    holds the label itself), and a total label where a row names itself: in the code or name
    column or a column before them (序号). A project whose 项目单位 is `Total`, or whose name is
    `SUM` beside its code, is a project."""
    code = cells[code_pos] if code_pos is not None and code_pos < len(cells) else None
    if code not in (None, "") and not is_total_label(code):
        return False
    return any(is_total_label(cell) for cell in cells[:last + 1])


# A section heading as government sheets number them: 一、 （一） (1) 1、 第一部分.
_HEADING_MARK = re.compile(r"^(?:[(（]?[一二三四五六七八九十]+[)）、]|[(（]\d{1,2}[)）]|\d{1,2}、"
                           r"|第[一二三四五六七八九十]+(?:部分|类|批)?|[一二三四五六七八九十]+$)")
# A subtotal as key-project systems write them: 其中：在建重点项目（22项）, 西宁市（12项）.
_SUBTOTAL = re.compile(r"^其中[:：]|[(（]\d+个?项[)）]$")
_NUMBER_TEXT = re.compile(r"^[+-]?[\d,，.．０-９]+%?$")


def _heading_text(text: str) -> bool:
    from ..programme import is_section_name

    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    if _HEADING_MARK.match(key):
        return True
    if _SUBTOTAL.search(key):  # 合计（24项） stays a total row
        return _TRAILING_BRACKET.sub("", key).lower() not in _TOTAL_WORDS
    # 创新攻坚项目（100项）, 西宁市小计: a group's name with its count or as its subtotal
    key = _TRAILING_BRACKET.sub("", key)
    for word in ("小计", "合计", "总计"):
        key = key.removesuffix(word)
    return bool(key) and is_section_name(key)


def is_heading_row(cells: list, last: int) -> bool:
    """A section-heading row: its only text is a heading (一、创新攻坚项目, （一）传统产业, 西宁市)
    in the first columns (up to position `last`), possibly with subtotal numbers after it and
    group names (a 类别 merged down over the section) in other columns."""
    headings = 0
    for pos, cell in enumerate(cells):
        if cell is None or isinstance(cell, int | float) and not isinstance(cell, bool):
            continue
        if not isinstance(cell, str):
            return False  # a date or a flag: a project's data
        text = cell.strip()
        if not text or _NUMBER_TEXT.match(text) or text in EMPTY_MARKS:
            continue  # a subtotal's figure, or its dash for none
        if not _heading_text(text):
            return False
        headings += pos <= last
    return headings > 0


# A footer or note row (SPEC §7.5): its first non-empty cell begins with one of these and a
# colon. 填报单位 / 报送单位 there name the reporting unit, as a line above the header does.
_FOOTER = re.compile(r"^\s*(填表人|填报人|审核人|负责人|联系人|联系电话|填报日期|制表人|制表|注|备注|说明"
                     r"|填报单位|报送单位)\s*[:：]")
_FOOTER_FIRST = frozenset("填审负联制注备说报")
_FOOTER_FIELDS = {
    "filled_by": re.compile(r"(?:填表人|填报人)\s*[:：]\s*([^\s:：,，;；]+)"),
    "phone": re.compile(r"联系电话\s*[:：]\s*([0-9０-９()（）+＋\-－—\s]*[0-9０-９])"),
    "unit": re.compile(r"(?:填报单位|报送单位)\s*[:：]\s*([^\s:：,，;；]+)"),
}


def footer_text(cells: list) -> str | None:
    """The text of a footer or note row (填表人：…, 注：…), or None for any other row."""
    for cell in cells:
        if cell is None or isinstance(cell, str) and not cell.strip():
            continue
        if isinstance(cell, str) and _FOOTER.match(unicodedata.normalize("NFKC", cell)):
            return " ".join(str(c).strip() for c in cells if c not in (None, ""))
        return None
    return None


def footer_fields(lines: list[str]) -> dict[str, str]:
    """填表人, 联系电话 and 填报单位 as written in footer (or title) lines: the first of each."""
    out: dict[str, str] = {}
    for line in lines:
        for name, pattern in _FOOTER_FIELDS.items():
            m = pattern.search(unicodedata.normalize("NFKC", line))
            if m and name not in out:
                out[name] = m.group(1).strip()
    return out


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
    skipped_heading_rows: list[int] = field(default_factory=list)
    footer_rows: list[int] = field(default_factory=list)  # 填表人：…, 注：… rows, not data
    footer_lines: list[str] = field(default_factory=list)

    @property
    def signed(self) -> dict[str, str]:
        """填表人 (filled_by), 联系电话 (phone) and 填报单位 (unit), from the lines above the
        header and the footer rows; the first of each. Complete once rows() is read."""
        return footer_fields(self.preamble + self.footer_lines)

    def footer_notice(self) -> str | None:
        """The notice naming the footer and note rows left out, and what was kept of them."""
        if not self.footer_rows:
            return None
        signed = self.signed
        kept = ", ".join(f"{label} {signed[k]}" for k, label in
                         (("filled_by", "填表人"), ("phone", "联系电话"), ("unit", "填报单位"))
                         if k in signed)
        return (f"{self.display}: footer and note row(s) left out: row "
                + ", ".join(map(str, self.footer_rows))
                + (f" (kept with the import: {kept})" if kept else ""))

    def rows(self) -> Iterator[tuple[int, list]]:
        """(row number, cells) for each data row; blank, 合计 and section-heading rows
        (一、创新攻坚项目 with its subtotals) are left out, the headings with a notice."""
        assert self._rows is not None, "rows() can be read once"
        rows, self._rows = self._rows, None
        data = self._data_rows(rows)
        yield from self._agreeing(data) if self.columns.duplicates else data
        if self.skipped_heading_rows:
            self.notices.append(f"{self.display}: section heading row(s) left out: row "
                                + ", ".join(map(str, self.skipped_heading_rows)))

    def _agreeing(self, rows: Iterator[tuple[int, list]]) -> Iterator[tuple[int, list]]:
        """Rows of a file with two columns for one field (two 项目编号): where the first is
        empty the second gives the value; where both are filled they must agree (amounts in
        their own units), else an error naming both columns, raised once all rows are read."""
        from . import values

        cols = self.columns
        pairs = []
        for key, pos, shown, unit in cols.duplicates:
            first = cols.plans[int(key[5:])] if key.startswith("plan_") else cols.index[key]
            first_unit = (cols.plan_units[int(key[5:])] if key.startswith("plan_")
                          else cols.units.get(key))
            pairs.append((first, cols.names[key], first_unit, pos, shown, unit))

        def same(a, b, unit_a, unit_b) -> bool:
            if values.text(a) == values.text(b):
                return True
            if unit_a and unit_b:
                try:
                    return values.amount(a, unit_a)[0] == values.amount(b, unit_b)[0]
                except values.CellError:
                    return False
            return False

        problems: list[Problem] = []
        for number, cells in rows:
            for first, first_name, unit_a, pos, shown, unit_b in pairs:
                other = cells[pos] if pos < len(cells) else None
                if values.text(other) == "":
                    continue
                mine = cells[first] if first < len(cells) else None
                if values.text(mine) == "":
                    cells = list(cells)
                    cells.extend([None] * (first + 1 - len(cells)))
                    cells[first] = other
                elif not same(mine, other, unit_a, unit_b):
                    problems.append(Problem(
                        self.display, number, first_name,
                        f"{values.text(mine)!r} here, but {values.text(other)!r} in the other "
                        f"column {shown!r}: two columns for one field disagree"))
            yield number, cells
        if problems:
            raise Rejected(problems)

    def _data_rows(self, rows: Iterator[tuple[int, list]]) -> Iterator[tuple[int, list]]:
        join, hint, normalized = "".join, _TOTAL_HINT, unicodedata.is_normalized
        # A heading sits where the code (or the name) would; a row whose code cell holds an
        # ASCII code is a project's, so only rows without one take the heading check.
        index = self.columns.index
        code_pos = index.get("code", 0)
        last = max(code_pos, index.get("name", code_pos))
        own_code = index.get("code")  # None: a monthly file that names projects only
        heading = is_heading_row
        footer_first = _FOOTER_FIRST
        for number, cells in rows:
            try:
                code = cells[code_pos]
                first = code[:1]  # "C" of CX-001; 一, （ or ( of a heading
            except IndexError:  # a short row
                code = first = None
            except TypeError:  # a code typed as a number (or empty: None)
                first = None if code is None else "0"
                code = ""
            if (not first or first > "\x7f" or first == "("
                    or first <= "9" and "、" in code[1:3]) and heading(cells, last):
                self.skipped_heading_rows.append(number)
                continue
            # Fast path for rows of text (CSV): one C-level join of the first cells answers
            # "not blank, and no total row" for nearly every row of a million-row report;
            # other rows take the full check.
            try:
                head = join(cells[:last + 1])
                if head.strip() and (head.isascii() or normalized("NFKC", head)) \
                        and hint(head) is None and head.lstrip()[:1] not in footer_first:
                    yield number, cells
                    continue
            except TypeError:  # a workbook row: numbers, dates, None
                pass
            if is_blank(cells):
                continue
            footer = footer_text(cells)
            if footer is not None:
                self.footer_rows.append(number)
                self.footer_lines.append(footer)
                continue
            if is_total_row(cells, own_code, last):
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


# SPEC §7.10: a workbook is looked at before the reader gets it, so that no sheet can make it
# allocate past the memory bound (a 6 KB sheet claiming XFD1048576 makes calamine abort the
# process; a 17 MB zip inflating to 600 MB takes 2 GB).
MAX_INFLATED = 200 * 1024 * 1024  # bytes of sheet XML and shared strings, inflated
MAX_ROWS = 1_048_576  # an xlsx sheet's own limit
MAX_COLUMNS = 16_384
MAX_CELLS = 20_000_000  # rows × columns of the used range: the reader holds it densely
_CELL_REF = re.compile(rb'<(?:c|dimension)\b[^>]*?\br(?:ef)?="(?:[A-Z]{1,3}\d{1,7}:)?'
                       rb'([A-Z]{1,3})(\d{1,7})"')
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def check_workbook(path: Path, display: str) -> None:
    """Refuse, before it is opened for reading, a file that is no XLSX workbook or whose sheets
    would inflate past MAX_INFLATED or span more than MAX_ROWS, MAX_COLUMNS or MAX_CELLS.
    The sheets are inflated here in chunks (counting what they really inflate to, whatever
    the zip's directory claims), reading the used range off every cell reference."""
    import zipfile

    def reject(message: str) -> Rejected:
        return Rejected([Problem(display, None, None, message)])

    try:
        book = zipfile.ZipFile(path)
    except Exception as exc:  # BadZipFile, NotImplementedError (a zip version), struct.error …
        raise reject(f"not an XLSX workbook (a damaged or unreadable zip: {exc})") from None
    with book:
        names = set(book.namelist())
        if "xl/workbook.xml" not in names:
            raise reject("a zip archive but not an XLSX workbook (no xl/workbook.xml); "
                         "save it from Excel as .xlsx, or as CSV")
        parts = [i for i in book.infolist()
                 if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")
                 or i.filename == "xl/sharedStrings.xml"]
        if sum(i.file_size for i in parts) > MAX_INFLATED:
            raise reject(f"the workbook's sheets would inflate to "
                         f"{sum(i.file_size for i in parts) / 2**20:,.0f} MB, more than "
                         f"{MAX_INFLATED // 2**20} MB (SPEC §7.10)")
        inflated = 0
        for info in parts:
            rows = cols = 0
            tail = b""
            try:
                with book.open(info) as fh:
                    while chunk := fh.read(1 << 20):
                        inflated += len(chunk)
                        if inflated > MAX_INFLATED:
                            raise reject(f"the workbook's sheets inflate to more than "
                                         f"{MAX_INFLATED // 2**20} MB (SPEC §7.10)")
                        if info.filename == "xl/sharedStrings.xml":
                            continue
                        data = tail + chunk
                        for letters, digits in _CELL_REF.findall(data):
                            rows = max(rows, int(digits))
                            cols = max(cols, _column_number(letters))
                        tail = data[-64:]
            except Rejected:
                raise
            except Exception as exc:  # BadZipFile, zlib.error, EOFError, a bad CRC, …
                raise reject(f"not a readable XLSX workbook ({info.filename}: {exc})") from None
            sheet = info.filename.rsplit("/", 1)[-1]
            if rows > MAX_ROWS or cols > MAX_COLUMNS:
                raise reject(f"{sheet} claims {rows:,} rows and {cols:,} columns, more than an "
                             f"xlsx sheet holds ({MAX_ROWS:,} × {MAX_COLUMNS:,})")
            if rows * cols > MAX_CELLS:
                raise reject(f"{sheet} spans {rows:,} rows × {cols:,} columns "
                             f"({rows * cols:,} cells), more than {MAX_CELLS:,}: "
                             "save only the table itself, or as CSV")


def _workbook(path: Path, display: str):
    from python_calamine import CalamineWorkbook

    check_workbook(path, display)
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


def _sheet_rows(book, name: str, display: str = "") -> Iterator[tuple[int, list]]:
    """The sheet's rows; a sheet the reader cannot parse (damaged XML) is a Rejected file."""
    try:
        data = book.get_sheet_by_name(name)
    except Exception as exc:  # calamine's own error types: XmlError, CalamineError, …
        raise Rejected([Problem(display, None, None, f"sheet {name!r} cannot be read: "
                                f"{type(exc).__name__}: {exc}")]) from None
    return _guarded(_sheet_data_rows(data), display, name)


def _guarded(rows: Iterator[tuple[int, list]], display: str, name: str
             ) -> Iterator[tuple[int, list]]:
    number = 0
    try:
        for number, cells in rows:  # noqa: B007
            yield number, cells
    except (ValueError, TypeError, OverflowError, RuntimeError) as exc:
        raise Rejected([Problem(display, number + 1, None, f"sheet {name!r} cannot be read "
                                f"there: {type(exc).__name__}: {exc}")]) from None


def _sheet_data_rows(data) -> Iterator[tuple[int, list]]:
    # iter_rows starts at row 1 even when the used range starts lower, so the numbers are the
    # ones the spreadsheet shows.
    try:
        merged = data.merged_cell_ranges or []
    except Exception:  # a format without merge information
        merged = []
    # A cell merged down over several rows (所在地区 西宁市 for the five projects below it, a
    # header over two rows) holds its text in the top cell only: each row gets it.
    down = sorted(((r0, c0, r1, c1) for (r0, c0), (r1, c1) in merged if r1 > r0))
    if not down:
        return ((i, list(r)) for i, r in enumerate(data.iter_rows(), start=1))
    return _filled_down(data.iter_rows(), down)


def _filled_down(rows, down: list[tuple[int, int, int, int]]) -> Iterator[tuple[int, list]]:
    """Rows with each vertically merged cell's text repeated in its column below the top."""
    pending = iter(down)
    upcoming = next(pending, None)
    active: list[tuple[int, int, str]] = []  # (last row, column, text), 0-based
    for i, row in enumerate(rows):
        cells = list(row)
        if active:
            active = [a for a in active if a[0] >= i]
            for _last, col, text in active:
                if col < len(cells) and cells[col] in (None, ""):
                    cells[col] = text
        while upcoming is not None and upcoming[0] <= i:
            r0, c0, r1, _c1 = upcoming
            top = cells[c0] if r0 == i and c0 < len(cells) else None
            if isinstance(top, str) and top.strip():  # text only: an amount is not repeated
                active.append((r1, c0, top))
            upcoming = next(pending, None)
        yield i + 1, cells


def _find_header(rows: Iterator[tuple[int, list]], fields: dict[str, FieldSpec],
                 default_unit: str | None, preamble: list[str] | None = None
                 ) -> tuple[int, ColumnMap, Iterator[tuple[int, list]]] | None:
    """The header row, its mapping and the rows after it, read off the first rows.
    The text of the rows above the header (a title naming the month, say) goes to preamble.
    A header over two rows (总投资 spanning 合计 / 其中：2016年计划投资) is read as one."""
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
            return _header_below(number, cells, candidate, rows, fields, unit)
        if preamble is not None:
            preamble.append(text)
        if number >= _HEADER_SEARCH_ROWS:
            break
    return None


_HEADER_DEPTH = 4  # rows below the first that a merged header may take


def _header_below(number: int, cells: list, cmap: ColumnMap, rows: Iterator[tuple[int, list]],
                  fields: dict[str, FieldSpec], unit: str | None
                  ) -> tuple[int, ColumnMap, Iterator[tuple[int, list]]]:
    """A header spread over merged rows read as one (SPEC §6): each row below that splits a
    spanning cell is folded in; a row that only repeats the cells above it (the bottom of
    cells merged down) is header too, not data."""
    top, above = cells, cells
    for _ in range(_HEADER_DEPTH):
        following = next(rows, None)
        if following is None:
            break
        if _repeats(above, following[1]):
            number, above = following
            continue
        merged = _two_row_header(top, following[1], cmap, fields, unit, above)
        if merged is None:
            rows = chain([following], rows)
            break
        cmap, top = merged
        number, above = following
    return number, cmap, rows


def _repeats(above: list, cells: list) -> bool:
    """Whether a row's cells are all copies of the cells above (a merged-down header's bottom)."""
    seen = False
    for pos, cell in enumerate(cells):
        if cell is None or cell == "":
            continue
        if pos >= len(above) or cell != above[pos] or not isinstance(cell, str):
            return False
        seen = True
    return seen


_SUB_TOTAL = {"合计", "小计", "总计", "计", "总额", "金额", "总投资", "投资"}
_SUB_PREFIX = re.compile(r"^(?:其中|含)\s*[:：]?\s*")


def _maps(text: str, fields: dict[str, FieldSpec], unit: str | None) -> bool:
    cmap = map_header([text], fields, unit)
    return bool(cmap.index or cmap.plans)


def _two_row_header(top: list, sub: list, first: ColumnMap, fields: dict[str, FieldSpec],
                    unit: str | None, above: list | None = None
                    ) -> tuple[ColumnMap, list] | None:
    """The mapping (and the header cells as one row) of a header whose next row splits a
    spanning cell (总投资 over 合计 and 其中：2016年计划投资), or None when `sub` is not such
    a row but data. `above` is the row right above `sub` as written, when `top` is already
    several rows folded into one."""
    above = top if above is None else above
    code_pos = first.index.get("code")
    name_pos = first.index.get("name")
    texts: dict[int, str] = {}
    for pos, cell in enumerate(sub):
        if cell is None or cell == "" or pos < len(top) and cell == top[pos] \
                or pos < len(above) and cell == above[pos]:
            continue  # empty, or a header cell merged down over both rows
        if not isinstance(cell, str) or _NUMBER_TEXT.match(cell.strip()):
            return None  # a number or a date: data
        if cell.strip():
            texts[pos] = " ".join(cell.split())
    if not texts or code_pos in texts or name_pos in texts:
        return None  # a project row (or a heading, left to rows())
    width = max(len(top), max(texts) + 1)
    cells: list = [None] * width
    parent = None
    spanned = False
    for pos in range(width):
        above = top[pos] if pos < len(top) else None
        if isinstance(above, str) and above.strip():
            parent = " ".join(above.split())
        elif above not in (None, ""):
            parent = None
        sub_text = texts.get(pos)
        own = parent if isinstance(above, str) and above.strip() else None
        if sub_text is None:
            cells[pos] = own
            continue
        if own is None:
            spanned = True  # under a cell spanning from the left: 总投资 over several columns
        cells[pos] = _sub_header(sub_text, parent, fields, unit)
    merged = map_header(cells, fields, unit)
    named = len(merged.index) + len(merged.plans)
    if named > len(first.index) + len(first.plans) or spanned or any(
            _SUB_PREFIX.match(t) for t in texts.values()) \
            or all(_unit_text(t) for t in texts.values()):  # a row of units under the header
        return merged, cells
    return None


def _unit_text(text: str) -> str | None:
    """万元 from 万元, （万元） or 单位：万元: a cell that gives only a unit."""
    key = re.sub(r"[\s()\[\]:：]+", "", unicodedata.normalize("NFKC", text)).lower()
    return UNIT_ALIASES.get(key.removeprefix("单位"))


def _sub_header(sub: str, parent: str | None, fields: dict[str, FieldSpec],
                unit: str | None) -> str:
    """One column's header from its second-row text and the spanning cell above it."""
    own_unit = _unit_text(sub)
    if own_unit and parent:  # 总投资 over 万元
        return f"{split_unit(parent)[0]}（{own_unit}）"
    text = _SUB_PREFIX.sub("", sub)
    if _maps(text, fields, unit):
        return text  # a whole header of its own: 1-7月实际完成投资(万元) (its dash kept)
    key, sub_unit = split_unit(text)
    parent_key, parent_unit = split_unit(parent) if parent else ("", None)
    bracket = f"（{sub_unit or parent_unit}）" if (sub_unit or parent_unit) else ""
    if parent and key in _SUB_TOTAL:
        return f"{parent_key}{bracket}"  # 总投资 / 合计: the total itself
    for candidate in (key, key + parent_key, parent_key + key):
        if candidate and _maps(candidate, fields, unit):
            return f"{candidate}{bracket}"
    return sub


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
    try:
        with open(path, "rb") as fh:
            magic = fh.read(8)
    except OSError as exc:
        raise Rejected([Problem(display, None, None, f"cannot be read: {exc.strerror}")]) \
            from None
    if magic.startswith(_OLE_MAGIC):
        raise Rejected([Problem(display, None, None,
                                "an Excel 97-2003 (.xls) or other Office binary file, not CSV "
                                "or XLSX: save it from Excel as .xlsx or as CSV")])
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods") and not magic.startswith(b"PK\x03\x04"):
        raise Rejected([Problem(display, None, None,
                                f"not an XLSX workbook, whatever its name ({path.name}) says: "
                                "the file does not begin like one")])
    names = ", ".join(fields[f].label for f in fields if f in required)
    notices: list[str] = []
    found = None
    chosen_sheet = None
    enc = None
    if magic.startswith(b"PK\x03\x04"):
        book = _workbook(path, display)
        candidates = [_sheet_name(book, display, sheet)] if sheet is not None \
            else book.sheet_names
        for name in candidates:
            rows = _sheet_rows(book, name, display)
            preamble = []
            found = _find_header(rows, fields, default_unit, preamble)
            if found is not None:
                rows = found[2]
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
            enc = file_encoding(path, display, enc)
        else:
            enc = file_encoding(path, display)
        rows = _csv_rows(path, display, enc)
        preamble = []
        found = _find_header(rows, fields, default_unit, preamble)
        if found is None:
            raise Rejected([Problem(display, None, None,
                                    f"no header row found in the first {_HEADER_SEARCH_ROWS} rows "
                                    f"(need columns for {names})")])
        rows = found[2]
    header_row, columns, rows = found
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


def open_tables(path: Path | str, fields: dict[str, FieldSpec], *, required: set[str],
                usable: Callable[[ColumnMap], bool], encoding: str | None = None,
                sheet: str | None = None, default_unit: str | None = None,
                display: str | None = None) -> list[Table]:
    """Every sheet of a workbook whose header `usable` accepts (a key-project system's 月报表
    lists its projects on several sheets, beside summary sheets without project rows); one
    table for a CSV, for --sheet, or when only one sheet is usable. A sheet left out is named
    in the first table's notices."""
    path = Path(path)
    first = open_table(path, fields, required=required, encoding=encoding, sheet=sheet,
                       default_unit=default_unit, display=display)
    if sheet is not None or first.sheet is None:
        return [first]
    book = _workbook(path, first.display)
    tables, left_out = [], []
    for name in book.sheet_names:
        try:
            table = (first if name == first.sheet else
                     open_table(path, fields, required=required, sheet=name,
                                default_unit=default_unit, display=display))
        except Rejected:
            table = None
        if table is not None and usable(table.columns):
            tables.append(table)
        else:
            left_out.append(name)
    if not tables:
        return [first]  # no sheet of project rows: the first sheet's layout says what is missing
    if len(tables) == 1:
        return tables
    shown = first.display
    notices = []
    for table in tables:
        notices.extend(n for n in table.notices if "read sheet" not in n and n not in notices)
    notices.append(f"{shown}: read sheets {', '.join(t.sheet for t in tables)}"
                   + (f"; left out {', '.join(left_out)} (no project rows)" if left_out else ""))
    first.notices = notices
    return tables
