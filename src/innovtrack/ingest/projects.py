"""Validating a project list: every row checked, every problem collected with file, row, column."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from hashlib import sha1
from operator import itemgetter

from .. import money, programme
from ..errors import Problem
from . import values
from .headers import PROJECT_FIELDS
from .table import Table

REQUIRED = {"code", "name", "enterprise", "category", "sector", "stage", "total_investment"}
# region may be left out when every code is in the national format (it carries the division)


@dataclass(slots=True)
class ProjectRecord:
    code: str
    name: str
    enterprise: str
    region: str
    category: str
    sector: str
    industry: str | None
    stage: str
    total_investment: int  # 元
    plans: dict[int, int]  # year -> 元
    responsible_unit: str | None
    planned_start: str | None
    planned_completion: str | None
    content: str | None
    row: int = 0
    # What the ledger compares to tell an unchanged project from an updated one: a digest of
    # values() (the fields and the plans by year). Existing ledgers hold it, so its form is fixed.
    fingerprint: str = field(init=False, repr=False, compare=False)

    FIELDS = ("name", "enterprise", "region", "category", "sector", "industry", "stage",
              "total_investment", "responsible_unit", "planned_start", "planned_completion",
              "content")

    def __post_init__(self) -> None:
        # values() written out, as it runs once per row of a large list.
        text = (f"name={self.name}\x1fenterprise={self.enterprise}\x1fregion={self.region}"
                f"\x1fcategory={self.category}\x1fsector={self.sector}"
                f"\x1findustry={self.industry or ''}\x1fstage={self.stage}"
                f"\x1ftotal_investment={self.total_investment}"
                f"\x1fresponsible_unit={self.responsible_unit or ''}"
                f"\x1fplanned_start={self.planned_start or ''}"
                f"\x1fplanned_completion={self.planned_completion or ''}"
                f"\x1fcontent={self.content or ''}{_plan_text(self.plans)}")
        self.fingerprint = sha1(text.encode()).hexdigest()

    def values(self) -> dict[str, object]:
        out: dict[str, object] = {f: getattr(self, f) for f in self.FIELDS}
        for year, amount in sorted(self.plans.items()):
            out[f"plan_{year}"] = amount
        return out


_PLAN_FORMATS: dict[tuple[int, ...], str] = {}


def _plan_text(plans: dict[int, int]) -> str:
    """The plans' part of the fingerprint, by year: one format per set of plan columns."""
    years = tuple(plans)
    fmt = _PLAN_FORMATS.get(years)
    if fmt is None:
        if list(years) != sorted(years):
            return "".join(f"\x1fplan_{year}={amount}" for year, amount in sorted(plans.items()))
        fmt = _PLAN_FORMATS[years] = "".join(f"\x1fplan_{year}=%s" for year in years)
    return fmt % tuple(plans.values())


@dataclass
class Validated:
    records: list[ProjectRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rounded: int = 0  # amounts finer than 1 元, rounded


# The columns read from each row, in this order (plans apart).
_READ = ("code", "name", "enterprise", "region", "category", "sector", "industry", "stage",
         "total_investment", "responsible_unit", "planned_start", "planned_completion", "content")


def validate_projects(table: Table, on_row: Callable[[int], None] | None = None) -> Validated:
    """Every data row of a project list as a record, or every problem in it."""
    # Built for lists of 100,000 rows: cells are read by position, names and months are looked
    # up once each (programme's lookups are memoised, months here), and amounts in whole units
    # skip Decimal. Every problem is still found and worded as the checks below say.
    out = Validated()
    problems, warnings, records = out.problems, out.warnings, out.records
    cols = table.columns
    display = table.display
    region_label = cols.names.get("region", PROJECT_FIELDS["region"].label)
    labels = {f: cols.names.get(f, PROJECT_FIELDS[f].label) for f in PROJECT_FIELDS}
    labels.update((f"plan_{year}", cols.names[f"plan_{year}"]) for year in cols.plans)

    def problem(fieldname: str, number: int, message: str) -> None:
        problems.append(Problem(display, number, labels.get(fieldname, fieldname), message))

    def month_cell(raw, fieldname: str, number: int) -> str | None:
        """'YYYY-MM' of a planned-month cell (memoised by its content), or None after a problem."""
        found = months.get(raw)
        if found is None:
            try:
                found = months[raw] = values.month(raw)
            except CellError as exc:
                problem(fieldname, number, str(exc))
        return found

    # A row is cut or padded to `width` cells plus one empty cell, where every column the
    # file lacks points (position -1): '' reads exactly as a missing cell does.
    mapped = sorted(set(cols.index.values()) | set(cols.plans.values()))
    width = mapped[-1] + 1
    pick = itemgetter(*(cols.index.get(f, -1) for f in _READ))
    pad = [""] * (width + 1)
    total_pos = cols.index["total_investment"]
    total_unit = cols.units["total_investment"]
    total_scale = money.UNITS[total_unit]
    plan_cols = [(year, pos, cols.plan_units[year], money.UNITS[cols.plan_units[year]],
                  f"plan_{year}")
                 for year, pos in cols.plans.items()]
    start_pos = cols.index.get("planned_start", -1)
    finish_pos = cols.index.get("planned_completion", -1)
    seen: dict[str, int] = {}  # folded code -> its first row
    fields_at = {pos: f for f, pos in cols.index.items()}
    fields_at.update((pos, f"plan_{year}") for year, pos in cols.plans.items())
    months: dict[object, str] = {}
    strip, fast_to_yuan, text = str.strip, money.fast_to_yuan, values.text
    CellError, UnknownValue = values.CellError, programme.UnknownValue  # noqa: N806
    placeholders, empty_marks = values.PLACEHOLDERS, values.EMPTY_MARKS

    for number, cells in table.rows():
        if on_row:
            on_row(number)
        row = cells[:width]
        row += pad[len(row):]  # always at least one '' past the mapped columns
        try:
            texts = list(map(strip, row))
        except TypeError:  # a workbook row: numbers, dates, None
            texts = [text(c) for c in row]
        (code, name, enterprise, raw_region, raw_category, raw_sector, industry, raw_stage,
         total_text, responsible_unit, start_text, finish_text, content) = pick(texts)
        if not code and not any(texts[i] for i in mapped):
            continue  # only 序号 or 备注 filled: a numbered empty row of the office's template
        bad = len(problems)
        damaged = values.cell_problem(cells)
        if damaged is not None:
            problem(fields_at.get(damaged[0], f"column {damaged[0] + 1}"), number, damaged[1])
            continue

        if not code.isascii() or not code.isprintable():  # full-width, a BOM, a U+200B
            code = values.clean_code(code)
        key = code.casefold()  # = values.code_key(code) once cleaned
        if not code:
            problem("code", number, "required value missing")
        elif key in seen:
            problem("code", number, f"duplicate code {code} (first at row {seen[key]})")
        else:
            seen[key] = number
        if not name:
            problem("name", number, "required value missing")
        if not enterprise:
            problem("enterprise", number, "required value missing")

        region = ""
        # A national-format code carries the division; it is 24 characters long.
        national = values.NATIONAL_CODE.match(code) if len(code) == 24 else None
        code_region = programme.region_of_division(national.group(2)) if national else None
        if raw_region:
            try:
                region = programme.region_name(raw_region)
            except UnknownValue as exc:
                problem("region", number, str(exc))
            if region and code_region and region != code_region:
                warnings.append(f"{display}:{number}: {region_label}: {region} disagrees with "
                                f"the division in code {code} ({code_region}); kept {region}")
        elif code_region:
            region = code_region
        else:
            problem("region", number, "required value missing")

        category = ""
        if not raw_category:
            problem("category", number, "required value missing")
        else:
            try:
                category = programme.category_code(raw_category)
            except UnknownValue as exc:
                problem("category", number, str(exc))
        sector = ""
        if not raw_sector:
            problem("sector", number, "required value missing")
        elif category:
            try:
                sector = programme.sector_code(raw_sector, category)
            except UnknownValue as exc:
                problem("sector", number,
                        f"{exc} (within {programme.CATEGORY_NAMES[category]})")
        else:  # the category is bad; still report a sector the programme does not know
            try:
                programme.sector_code(raw_sector, None)
            except UnknownValue as exc:
                problem("sector", number, str(exc))
        stage = ""
        if not raw_stage:
            problem("stage", number, "required value missing")
        else:
            try:
                stage = programme.stage_code(raw_stage)
            except UnknownValue as exc:
                problem("stage", number, str(exc))

        total = None
        if not total_text:
            problem("total_investment", number, "required value missing")
        else:
            total = fast_to_yuan(total_text, total_scale)  # None beyond the bound, too
            if total is None:  # anything but plain digits: the exact reading, with Decimal
                try:
                    total, rounded = values.amount(row[total_pos], total_unit)
                    out.rounded += rounded
                    if total < 0:
                        problem("total_investment", number, "negative amount")
                except CellError as exc:
                    problem("total_investment", number, str(exc))

        plans: dict[int, int] = {}
        for year, pos, unit, scale, label in plan_cols:
            raw = texts[pos]
            if not raw or raw in empty_marks:  # — or / for a year without a plan
                continue
            amount = fast_to_yuan(raw, scale)  # None beyond the bound, too
            if amount is None:
                try:
                    amount, rounded = values.amount(row[pos], unit)
                except CellError as exc:
                    problem(label, number, str(exc))
                    continue
                out.rounded += rounded
            if amount < 0:
                problem(label, number, "negative amount")
            elif total is not None and total >= 0 and amount > total:
                problem(label, number, f"{year} plan {raw} {unit} is greater than the total "
                                       f"investment {total_text} {total_unit}")
            plans[year] = amount

        start = finish = None
        if start_text in placeholders:  # 待定: not yet known
            start_text = ""
        if finish_text in placeholders:
            finish_text = ""
        if start_text:
            start = month_cell(row[start_pos], "planned_start", number)
        if finish_text:
            finish = month_cell(row[finish_pos], "planned_completion", number)
        if start and finish and finish < start:
            problem("planned_completion", number,
                    f"completion {finish} is before the start {start}")

        if len(problems) == bad:
            records.append(ProjectRecord(
                code, name, enterprise, region, category, sector, industry or None, stage,
                total, plans, responsible_unit or None, start, finish, content or None, number))
    if table.skipped_total_rows:  # a 合计 in the middle of a list is worth a word
        table.notices.append(f"{display}: total row(s) left out: row "
                             + ", ".join(map(str, table.skipped_total_rows)))
    return out
