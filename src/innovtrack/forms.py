"""The monthly cycle (SPEC §10): forms out to each reporting unit, forms back, and who is missing.

A form is an XLSX made for one reporting unit (a region, or a responsible unit) and one month:
its active projects prefilled in locked columns, input cells for the month. A hidden sheet
(FORM_SHEET) is the form's record: version, month, unit and, per data row, the locked values.
A returned form goes through `progress import` like any monthly file; `returned_form` is the
hook that also checks it against its record (same month and unit, locked cells unchanged, no
row added or removed) and reads the 填表人 / 联系电话 / 填报日期 line, kept with the batch.
Writing the workbook is render/forms.py's; `forms status` (催报) is `form_status` here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from . import programme
from .errors import Problem, Rejected, UsageError
from .ingest import values
from .supervision import PROCEDURES

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from .db import Ledger
    from .ingest.progress import Layout

FORM_VERSION = 1
FORM_SHEET = "innovtrack_form"  # the hidden sheet; its first cell says what it is
FORM_MARK = "innovtrack monthly form"


# --- who a form is for ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportingUnits:
    """A way of dividing the projects among reporting units: the project column that names
    the unit, and the order units are listed in."""

    column: str
    label: str  # as people read it
    order: Callable[[str], tuple]


def _region_order(unit: str) -> tuple:
    regions = programme.REGIONS
    return (regions.index(unit) if unit in regions else len(regions), unit)


BY: dict[str, ReportingUnits] = {
    "region": ReportingUnits("region", "地区", _region_order),
    "unit": ReportingUnits("responsible_unit", "责任单位", lambda unit: (0, unit)),
}


def month_option(value: str) -> str:
    try:
        return values.month(value)
    except values.CellError as exc:
        raise UsageError(f"--month: {exc}") from None


def reporting_units(by: str) -> ReportingUnits:
    try:
        return BY[by]
    except KeyError:
        raise UsageError(f"--by {by!r}: choose {' or '.join(BY)}") from None


@dataclass(frozen=True)
class FormProject:
    code: str
    name: str
    enterprise: str
    stage: str  # new / continuing
    plan: int | None  # the year's plan, 元
    before: int  # completed from January to the end of the previous month, 元


def _active_sql(column: str) -> str:
    # `column` comes from the BY registry, never from the user.
    return (f"SELECT p.{column}, p.id, p.code, p.name, p.enterprise, p.stage, pl.amount"
            " FROM project p LEFT JOIN project_plan pl ON pl.project_id = p.id AND pl.year = :y"
            " WHERE (p.state <> 'withdrawn' OR p.withdrawn_month IS NULL"
            " OR p.withdrawn_month > :m)"
            f" AND p.{column} IS NOT NULL AND p.{column} <> ''")


def unit_projects(conn: Connection, month: str, by: str) -> dict[str, list[FormProject]]:
    """Each reporting unit's projects active at `month`, in code order; units in their order."""
    from sqlalchemy import text

    units = reporting_units(by)
    year = int(month[:4])
    before = dict(conn.execute(text(
        "SELECT project_id, CAST(SUM(amount) AS BIGINT) FROM progress_entry"
        " WHERE superseded_by IS NULL AND month >= :y AND month < :m GROUP BY project_id"),
        {"y": f"{year}-01", "m": month}).all())
    out: dict[str, list[FormProject]] = {}
    rows = conn.execute(text(_active_sql(units.column) + " ORDER BY p.code"),
                        {"y": year, "m": month})
    for unit, pid, code, name, enterprise, stage, plan in rows:
        out.setdefault(unit, []).append(
            FormProject(code, name, enterprise, stage, plan, before.get(pid, 0)))
    return {u: out[u] for u in sorted(out, key=units.order)}


def unassigned(conn: Connection, month: str, by: str) -> int:
    """Active projects that name no reporting unit (no 责任单位, say): on no form."""
    from sqlalchemy import text

    column = reporting_units(by).column
    return conn.execute(text(
        "SELECT COUNT(*) FROM project p WHERE (p.state <> 'withdrawn'"
        " OR p.withdrawn_month IS NULL OR p.withdrawn_month > :m)"
        f" AND (p.{column} IS NULL OR p.{column} = '')"), {"m": month}).scalar_one()


# --- the form's columns -----------------------------------------------------------------------


def _wan(yuan: int | None) -> Decimal | None:
    return None if yuan is None else Decimal(yuan) / 10000


@dataclass(frozen=True)
class FormColumn:
    key: str  # how the hidden sheet names it
    header: str  # as the form shows it (and as `progress import` reads it, SPEC §6)
    kind: str  # locked / money / text / status / procedure
    width: int
    value: Callable[[int, FormProject], object] | None = None  # a locked column's content

    @property
    def locked(self) -> bool:
        return self.kind == "locked"


COLUMNS: tuple[FormColumn, ...] = (
    FormColumn("seq", "序号", "locked", 5, lambda i, p: i),
    FormColumn("code", "项目编号", "locked", 16, lambda i, p: p.code),
    FormColumn("name", "项目名称", "locked", 30, lambda i, p: p.name),
    FormColumn("enterprise", "项目单位", "locked", 22, lambda i, p: p.enterprise),
    FormColumn("stage", "建设性质", "locked", 8, lambda i, p: programme.STAGES.get(p.stage)),
    FormColumn("plan", "年度计划（万元）", "locked", 12, lambda i, p: _wan(p.plan)),
    FormColumn("before", "上月末累计（万元）", "locked", 12, lambda i, p: _wan(p.before)),
    FormColumn("amount", "本月完成投资（万元）", "money", 12),
    FormColumn("ytd", "自年初累计完成投资（万元）", "money", 14),
    FormColumn("progress", "形象进度", "text", 24),
    FormColumn("status", "状态", "status", 10),
    *(FormColumn(p.code, p.name, "procedure", 8) for p in PROCEDURES),
    FormColumn("problem", "存在问题", "text", 24),
    FormColumn("problem_unit", "需协调解决单位", "text", 14),
)
LOCKED = tuple(c for c in COLUMNS if c.locked)
STATUS_CHOICES = tuple(programme.STATUSES.values())
PROCEDURE_CHOICES = tuple(programme.PROCEDURE_STATES.values())
# The footer line a person fills in; the words §7 rule 5 treats as footer rows.
CONTACT_LABELS = {"filled_by": "填表人", "phone": "联系电话", "filled_date": "填报日期"}
_FOOTER_WORDS = ("填表人", "填报人", "审核人", "负责人", "联系人", "联系电话", "填报日期", "制表",
                 "注", "备注", "说明")


def title(unit: str, month: str) -> str:
    return f"{unit}百项创新攻坚工程{int(month[:4])}年{int(month[5:])}月项目进展情况表"


def cell_key(value: object) -> str:
    """A cell compared across a spreadsheet's save: numbers by value (12, 12.0 and '12' agree),
    text after NFKC with outer spaces dropped."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return format(number.normalize(), "f") if number else "0"
    return unicodedata.normalize("NFKC", values.text(value))


_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)


def file_name(unit: str, month: str, taken: set[str]) -> str:
    """A file name for the unit's form that is safe on any system and not yet taken."""
    stem = _UNSAFE.sub("_", unicodedata.normalize("NFKC", unit)).strip(" .") or "_"
    if _RESERVED.match(stem):
        stem = "_" + stem
    stem = f"{stem[:80]}_{month}_项目进展情况表"
    name, n = f"{stem}.xlsx", 1
    while name.lower() in taken:
        n += 1
        name = f"{stem}_{n}.xlsx"
    taken.add(name.lower())
    return name


@dataclass
class MadeForm:
    unit: str
    path: str
    projects: int


def make_forms(ledger: Ledger, month: str, *, by: str = "region",
               output: str | None = None) -> tuple[list[MadeForm], int]:
    """One form per reporting unit in the directory `output` (default: the current one);
    also the number of active projects on no form (no unit to send them to)."""
    from .render.forms import write_form

    month = month_option(month)
    units = reporting_units(by)
    with ledger.read() as conn:
        groups = unit_projects(conn, month, by)
        left_out = unassigned(conn, month, by)
    folder = Path(output or ".")
    folder.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    made = []
    for unit, projects in groups.items():
        path = folder / file_name(unit, month, taken)
        write_form(path, unit=unit, month=month, by=by, by_label=units.label, projects=projects)
        made.append(MadeForm(unit, str(path), len(projects)))
    return made, left_out


# --- a returned form ---------------------------------------------------------------------------


@dataclass
class FormRecord:
    """What the hidden sheet says the form was when it was made."""

    version: int
    month: str
    by: str
    unit: str
    header_row: int
    rows: dict[int, dict[str, str]]  # sheet row -> locked column key -> cell_key of its value


def _read_record(book, display: str) -> FormRecord:
    cells = [list(r) for r in book.get_sheet_by_name(FORM_SHEET).iter_rows()]
    meta: dict[str, str] = {}
    table_at = None
    for i, row in enumerate(cells):
        key = values.text(row[0]) if row else ""
        if key == "row":
            table_at = i
            break
        if key:
            meta[key] = values.text(row[1]) if len(row) > 1 else ""

    def bad(message: str) -> Rejected:
        return Rejected([Problem(display, None, FORM_SHEET, message)])

    try:
        version = int(meta["version"])
        header_row = int(meta["header_row"])
        record = FormRecord(version, meta["month"], meta["by"], meta["unit"], header_row, {})
    except (KeyError, ValueError):
        raise bad("the form's hidden sheet is damaged; make the form again "
                  "(innovtrack forms make)") from None
    if version > FORM_VERSION:
        raise bad(f"form version {version} is newer than this innovtrack reads "
                  f"({FORM_VERSION}); upgrade innovtrack")
    if table_at is None:
        raise bad("the form's hidden sheet lists no projects")
    keys = [values.text(c) for c in cells[table_at]]
    for row in cells[table_at + 1:]:
        if not row or values.text(row[0]) == "":
            continue
        try:
            number = int(float(row[0]))
        except (TypeError, ValueError):
            raise bad("the form's hidden sheet is damaged; make the form again "
                      "(innovtrack forms make)") from None
        record.rows[number] = {
            k: values.text(v) for k, v in zip(keys[1:], row[1:], strict=False) if k}
    if not record.rows:
        raise bad("the form's hidden sheet lists no projects")
    return record


def _contact(rows: Iterable[list]) -> dict[str, str | None]:
    """填表人 / 联系电话 / 填报日期 from the footer: a label cell and the value after it, or both
    in one cell (填表人：张三)."""
    by_label = {v: k for k, v in CONTACT_LABELS.items()}
    found: dict[str, str | None] = dict.fromkeys(CONTACT_LABELS)
    for row in rows:
        pending = None
        for cell in row:
            text = unicodedata.normalize("NFKC", values.text(cell))
            if not text:
                continue
            label, _, rest = text.partition(":")
            key = by_label.get(label.strip())
            if key is not None:
                pending = key
                if rest.strip():
                    found[key], pending = rest.strip(), None
            elif pending is not None:
                found[pending], pending = text, None
    return found


def _is_footer(row: list) -> bool:
    first = next((unicodedata.normalize("NFKC", values.text(c)) for c in row
                  if values.text(c)), "")
    return any(first.startswith(w) and first[len(w):len(w) + 1] in (":", "")
               for w in _FOOTER_WORDS)


@dataclass
class ReturnedForm:
    """A returned form that agrees with its record: the layout to read it by, its data rows and
    the contact line."""

    record: FormRecord
    layout: Layout
    contact: dict[str, str | None] = field(default_factory=dict)
    _status: int | None = None
    _progress: int | None = None

    @property
    def unit(self) -> str:
        return self.record.unit

    @property
    def codes(self) -> set[str]:
        return {row.get("code") for row in self.record.rows.values()}

    def rows(self, rows: Iterator[tuple[int, list]]) -> Iterator[tuple[int, list]]:
        """The form's data rows only (the footer is not data); a 形象进度 sentence stands for
        the status when the 状态 drop-down is left empty."""
        si, pi = self._status, self._progress
        for number, cells in rows:
            if number not in self.record.rows:
                continue
            if si is not None and pi is not None:
                cells = list(cells) + [None] * (max(si, pi) + 1 - len(cells))
                if not values.text(cells[si]) and values.text(cells[pi]):
                    cells[si] = cells[pi]
            yield number, cells


def returned_form(path: Path, table, layout: Layout) -> ReturnedForm | None:
    """SPEC §10: a workbook carrying the form's hidden sheet, checked against it; None for any
    other file. Raises Rejected with every disagreement (FILE:ROW: column: message)."""
    if table.sheet is None:  # a CSV
        return None
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    if FORM_SHEET not in book.sheet_names:
        return None
    display = table.display
    record = _read_record(book, display)
    sheet = [list(r) for r in book.get_sheet_by_name(table.sheet).iter_rows()]
    problems: list[Problem] = []

    def problem(row: int | None, column: str | None, message: str) -> None:
        problems.append(Problem(display, row, column, message))

    if layout.month != record.month:
        problem(None, "月份", f"the form is for {record.month}, the file says {layout.month}")
    unit_line = next((values.text(c) for r in sheet[:record.header_row - 1] for c in r
                      if unicodedata.normalize("NFKC", values.text(c)).startswith("填报单位")),
                     None)
    unit = unicodedata.normalize("NFKC", unit_line or "").partition(":")[2].strip()
    if unit != unicodedata.normalize("NFKC", record.unit):
        problem(None, "填报单位", f"the form was made for {record.unit!r}, "
                                f"the file says {unit or 'nothing'!r}")

    header = [cell_key(c) for c in (sheet[record.header_row - 1]
                                    if len(sheet) >= record.header_row else [])]
    where = {c.key: header.index(cell_key(c.header)) for c in COLUMNS
             if cell_key(c.header) in header}
    for c in LOCKED:
        if c.key not in where:
            problem(record.header_row, c.header, "a locked column of the form is missing")
    if problems:
        raise Rejected(sorted(problems, key=lambda p: (p.row or 0)))

    def at(row: list, key: str) -> str:
        i = where[key]
        return cell_key(row[i]) if i < len(row) else ""

    for number, expected in record.rows.items():
        row = sheet[number - 1] if number <= len(sheet) else []
        if not any(values.text(c) for c in row):
            problem(number, "项目编号", f"{expected.get('code')} "
                                     f"({expected.get('name')}) was removed from the form")
            continue
        for c in LOCKED:
            want, got = expected.get(c.key, ""), at(row, c.key)
            if cell_key(want) != got:
                problem(number, c.header, f"changed from {want!r} to {got!r}: the locked "
                                          "columns of the form are the ledger's")
    for number, row in enumerate(sheet[record.header_row:], start=record.header_row + 1):
        if number in record.rows or not any(values.text(c) for c in row) or _is_footer(row):
            continue
        shown_code = at(row, "code") or at(row, "name")
        problem(number, "项目编号", f"a row not on the form ({shown_code or 'no code'}): rows "
                                 "cannot be added; a project joins the programme by "
                                 "`innovtrack import`")
    if problems:
        raise Rejected(sorted(problems, key=lambda p: (p.row or 0)))

    # The 状态 drop-down is the status; the 形象进度 sentence is kept as the note.
    index = dict(layout.index)
    names = dict(layout.names)
    form = ReturnedForm(record, layout,
                        contact=_contact(r for r in sheet[max(record.rows) :]))
    if "status" in where:
        form._status = index["status"] = where["status"]
        names["status"] = "状态"
    if "progress" in where:
        form._progress = index["note"] = where["progress"]
        names["note"] = "形象进度"
    form.layout = replace(layout, index=index, names=names)
    return form


def record_return(ledger: Ledger, batch_id: int, form: ReturnedForm) -> None:
    """Keep the form's unit and contact line with the import batch it went in by."""
    from sqlalchemy import text

    from .db import now_text

    with ledger.write() as conn:
        conn.execute(text(
            "INSERT INTO form_return (batch_id, month, by_kind, unit, filled_by, phone,"
            " filled_date, recorded_at) VALUES (:b, :m, :k, :u, :f, :p, :d, :t)"),
            dict(b=batch_id, m=form.record.month, k=form.record.by, u=form.record.unit,
                 f=form.contact.get("filled_by"), p=form.contact.get("phone"),
                 d=form.contact.get("filled_date"), t=now_text()))


# --- 催报: who has reported ------------------------------------------------------------------


def form_status(ledger: Ledger, month: str, *, by: str = "region") -> list[dict]:
    """Per reporting unit: projects, reported, which did not, the last import and the contact
    its latest returned form gave; units that sent nothing first, then those still missing
    projects, then the complete ones, each in the units' order."""
    from sqlalchemy import text

    month = month_option(month)
    units = reporting_units(by)
    with ledger.read() as conn:
        groups = unit_projects(conn, month, by)
        reported = {code: imported for code, imported in conn.execute(text(
            "SELECT p.code, MAX(b.imported_at) FROM progress_entry e"
            " JOIN project p ON p.id = e.project_id"
            " LEFT JOIN import_batch b ON b.id = e.batch_id"
            " WHERE e.superseded_by IS NULL AND e.month = :m GROUP BY p.code"), {"m": month})}
        contacts = {}
        for unit, filled_by, phone, imported in conn.execute(text(
                "SELECT f.unit, f.filled_by, f.phone, b.imported_at FROM form_return f"
                " JOIN import_batch b ON b.id = f.batch_id"
                " WHERE f.month = :m AND f.by_kind = :k ORDER BY f.id"), {"m": month, "k": by}):
            contacts[unit] = (filled_by, phone, imported)
    rows = []
    for unit, projects in groups.items():
        done = [p.code for p in projects if p.code in reported]
        missing = [p.code for p in projects if p.code not in reported]
        stamps = [s for s in (reported[c] for c in done) if s]
        filled_by, phone, form_at = contacts.get(unit, (None, None, None))
        stamps += [form_at] if form_at else []
        rows.append({"unit": unit, "projects": len(projects), "reported": len(done),
                     "missing": len(missing), "not_reported": missing,
                     "imported_at": max(stamps) if stamps else None,
                     "filled_by": filled_by, "phone": phone})

    def order(row: dict) -> tuple:
        state = 0 if row["reported"] == 0 else (1 if row["missing"] else 2)
        return (state, units.order(row["unit"]))

    return sorted(rows, key=order)
