"""Validating a project list: every row checked, every problem collected with file, row, column."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import programme
from ..errors import Problem
from . import values
from .headers import PROJECT_FIELDS
from .table import Table

REQUIRED = {"code", "name", "enterprise", "category", "sector", "stage", "total_investment"}
# region may be left out when every code is in the national format (it carries the division)


@dataclass
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

    FIELDS = ("name", "enterprise", "region", "category", "sector", "industry", "stage",
              "total_investment", "responsible_unit", "planned_start", "planned_completion",
              "content")

    def values(self) -> dict[str, object]:
        out: dict[str, object] = {f: getattr(self, f) for f in self.FIELDS}
        for year, amount in sorted(self.plans.items()):
            out[f"plan_{year}"] = amount
        return out

    @property
    def fingerprint(self) -> str:
        text = "\x1f".join(f"{k}={'' if v is None else v}" for k, v in self.values().items())
        return hashlib.sha1(text.encode()).hexdigest()


@dataclass
class Validated:
    records: list[ProjectRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rounded: int = 0  # amounts finer than 1 元, rounded


def validate_projects(table: Table, on_row: Callable[[int], None] | None = None) -> Validated:
    """Every data row of a project list as a record, or every problem in it."""
    out = Validated()
    cols = table.columns
    idx = cols.index
    name_of = cols.names
    seen: dict[str, int] = {}
    # Without a region column, each row must carry a national-format code (checked per row).
    mapped = sorted(set(idx.values()) | set(cols.plans.values()))
    code_pos = idx["code"]

    for number, cells in table.rows():
        if on_row:
            on_row(number)
        if (code_pos >= len(cells) or values.text(cells[code_pos]) == "") and all(
                values.text(cells[i]) == "" for i in mapped if i < len(cells)):
            continue  # only 序号 or 备注 filled: a numbered empty row of the office's template
        bad = len(out.problems)

        def problem(fieldname: str, message: str, number=number) -> None:
            out.problems.append(Problem(table.display, number, name_of.get(
                fieldname, PROJECT_FIELDS[fieldname].label if fieldname in PROJECT_FIELDS
                else fieldname), message))

        def cell(fieldname: str, cells=cells) -> object:
            pos = idx.get(fieldname)
            return cells[pos] if pos is not None and pos < len(cells) else None

        def required_text(fieldname: str) -> str:
            value = values.text(cell(fieldname))
            if not value:
                problem(fieldname, "required value missing")
            return value

        code = required_text("code")
        if code:
            if code in seen:
                problem("code", f"duplicate code {code} (first at row {seen[code]})")
            else:
                seen[code] = number
        name = required_text("name")
        enterprise = required_text("enterprise")

        region = ""
        raw_region = values.text(cell("region"))
        national = values.NATIONAL_CODE.match(code) if code else None
        code_region = programme.region_of_division(national.group(2)) if national else None
        if raw_region:
            try:
                region = programme.region_name(raw_region)
            except programme.UnknownValue as exc:
                problem("region", str(exc))
            if region and code_region and region != code_region:
                out.warnings.append(
                    f"{table.display}:{number}: {name_of.get('region', '所在地区')}: "
                    f"{region} disagrees with the division in code {code} ({code_region}); "
                    f"kept {region}")
        elif code_region:
            region = code_region
        else:
            problem("region", "required value missing")

        category = ""
        raw = required_text("category")
        if raw:
            try:
                category = programme.category_code(raw)
            except programme.UnknownValue as exc:
                problem("category", str(exc))
        sector = ""
        raw = required_text("sector")
        if raw and category:
            try:
                sector = programme.sector_code(raw, category)
            except programme.UnknownValue as exc:
                problem("sector", f"{exc} (within {programme.CATEGORY_NAMES[category]})")
        elif raw:  # the category is bad; still report a sector the programme does not know
            try:
                programme.sector_code(raw, None)
            except programme.UnknownValue as exc:
                problem("sector", str(exc))
        stage = ""
        raw = required_text("stage")
        if raw:
            try:
                stage = programme.stage_code(raw)
            except programme.UnknownValue as exc:
                problem("stage", str(exc))

        total = None
        raw_total = cell("total_investment")
        if values.text(raw_total) == "":
            problem("total_investment", "required value missing")
        else:
            try:
                total, rounded = values.amount(raw_total, cols.units["total_investment"])
                out.rounded += rounded
                if total < 0:
                    problem("total_investment", "negative amount")
            except values.CellError as exc:
                problem("total_investment", str(exc))

        plans: dict[int, int] = {}
        for year, pos in cols.plans.items():
            raw = cells[pos] if pos < len(cells) else None
            if values.text(raw) == "":
                continue
            label = f"plan_{year}"
            try:
                amount, rounded = values.amount(raw, cols.plan_units[year])
            except values.CellError as exc:
                problem(label, str(exc))
                continue
            out.rounded += rounded
            if amount < 0:
                problem(label, "negative amount")
            elif total is not None and total >= 0 and amount > total:
                problem(label, f"{year} plan {values.text(raw)} {cols.plan_units[year]} is "
                               f"greater than the total investment {values.text(raw_total)} "
                               f"{cols.units['total_investment']}")
            plans[year] = amount

        months: dict[str, str | None] = {}
        for fieldname in ("planned_start", "planned_completion"):
            raw = cell(fieldname)
            months[fieldname] = None
            if values.text(raw):
                try:
                    months[fieldname] = values.month(raw)
                except values.CellError as exc:
                    problem(fieldname, str(exc))
        start, finish = months["planned_start"], months["planned_completion"]
        if start and finish and finish < start:
            problem("planned_completion", f"completion {finish} is before the start {start}")

        if len(out.problems) == bad:
            out.records.append(ProjectRecord(
                code=code, name=name, enterprise=enterprise, region=region,
                category=category, sector=sector,
                industry=values.text(cell("industry")) or None, stage=stage,
                total_investment=total, plans=plans,
                responsible_unit=values.text(cell("responsible_unit")) or None,
                planned_start=start, planned_completion=finish,
                content=values.text(cell("content")) or None, row=number))
    return out
