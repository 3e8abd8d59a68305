"""The SQLModel tables, and nothing else.

The migrations in db.py create these tables; tests/test_db.py checks that a migrated ledger has
exactly the columns declared here, so the two cannot drift apart. Money columns hold integer 元.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column
from sqlmodel import Field, SQLModel


def _money(nullable: bool = False):
    return Field(sa_column=Column(BigInteger, nullable=nullable))


class Project(SQLModel, table=True):
    __tablename__ = "project"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    name: str
    enterprise: str
    region: str
    category: str
    sector: str
    industry: str | None = None
    stage: str
    total_investment: int = _money()
    responsible_unit: str | None = None
    planned_start: str | None = None
    planned_completion: str | None = None
    content: str | None = None
    state: str = "active"
    withdrawn_month: str | None = None
    withdrawn_reason: str | None = None
    replaces: str | None = None
    fingerprint: str
    created_at: str
    updated_at: str


class ProjectPlan(SQLModel, table=True):
    __tablename__ = "project_plan"

    project_id: int = Field(primary_key=True, foreign_key="project.id")
    year: int = Field(primary_key=True)
    amount: int = _money()


class ProjectHistory(SQLModel, table=True):
    __tablename__ = "project_history"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    changed_at: str
    batch_id: int | None = None
    field: str
    old_value: str | None = None
    new_value: str | None = None
    reason: str | None = None


class ImportBatch(SQLModel, table=True):
    __tablename__ = "import_batch"

    id: int | None = Field(default=None, primary_key=True)
    kind: str
    file_name: str
    content_hash: str
    rows_read: int
    added: int
    updated: int
    unchanged: int
    imported_at: str
    imported_by: str | None = None
    filled_by: str | None = None  # 填表人 of the file's footer
    contact_phone: str | None = None  # 联系电话 of the file's footer


class ProgressEntry(SQLModel, table=True):
    __tablename__ = "progress_entry"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    month: str
    amount: int = _money()
    ytd: int | None = _money(nullable=True)
    status: str | None = None
    problem: str | None = None
    note: str | None = None
    reported_by: str | None = None
    recorded_at: str
    source: str | None = None
    batch_id: int | None = None
    supersedes: int | None = None
    superseded_by: int | None = None
    reason: str | None = None
    progress_text: str | None = None  # the 形象进度 cell as written
    ytd_step: int | None = _money(nullable=True)  # 元 of the ytd's last given digit (SPEC §2)


class SinceStartFigure(SQLModel, table=True):
    """Investment completed since the project started, as a report gave it (SPEC §6)."""

    __tablename__ = "since_start_figure"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    month: str  # the report's month
    through: str  # the month the figure runs through: the report's, or December of the year before
    amount: int = _money()
    step: int = _money()  # 元 of its last given digit (SPEC §2)
    source: str | None = None
    batch_id: int | None = None
    recorded_at: str


class Target(SQLModel, table=True):
    __tablename__ = "target"

    id: int | None = Field(default=None, primary_key=True)
    year: int
    category: str | None = None
    sector: str | None = None
    amount: int = _money()
    projects: int | None = None
    source: str | None = None
    set_at: str


class PaceCurve(SQLModel, table=True):
    """A year's construction-season curve: 12 cumulative percentages, '2,4,…,100'."""

    __tablename__ = "pace_curve"

    id: int | None = Field(default=None, primary_key=True)
    year: int
    curve: str
    source: str | None = None
    set_at: str


class ProjectPast(SQLModel, table=True):
    """A project's earlier state, valid over [valid_from, valid_to) (kept by a trigger)."""

    __tablename__ = "project_past"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    valid_from: str
    valid_to: str
    code: str
    name: str
    enterprise: str
    region: str
    category: str
    sector: str
    industry: str | None = None
    stage: str
    total_investment: int = _money()
    responsible_unit: str | None = None
    planned_start: str | None = None
    planned_completion: str | None = None
    content: str | None = None
    state: str
    withdrawn_month: str | None = None
    withdrawn_reason: str | None = None
    replaces: str | None = None


class PlanPast(SQLModel, table=True):
    """A yearly plan as it was until valid_to (amount None: there was no plan)."""

    __tablename__ = "plan_past"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    year: int
    amount: int | None = _money(nullable=True)
    valid_to: str


class IssuedReport(SQLModel, table=True):
    """A report recorded as sent: its options, stamp, sha256 and the JSON itself."""

    __tablename__ = "issued_report"

    id: int | None = Field(default=None, primary_key=True)
    kind: str
    period: str
    options: str
    known_at: str
    issued_at: str
    issued_by: str | None = None
    note: str | None = None
    sha256: str
    body: str
class ProcedureChange(SQLModel, table=True):
    """One statement of a project's procedure (前期手续): append-only, latest by month wins."""

    __tablename__ = "procedure_change"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    procedure: str  # approval / land / planning / eia / design / tender / permit
    state: str  # pending / in_progress / done
    month: str  # the month the statement is for
    done_month: str | None = None
    recorded_at: str
    source: str | None = None
    recorded_by: str | None = None


class ProblemRecord(SQLModel, table=True):
    """A problem of the problem ledger (问题台账); resolved once, never deleted."""

    __tablename__ = "problem"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    text: str
    text_key: str
    raised_month: str
    unit: str | None = None
    due_month: str
    source: str | None = None
    raised_by: str | None = None
    recorded_at: str
    resolved_month: str | None = None
    resolution: str | None = None
    resolved_by: str | None = None
    resolved_at: str | None = None


class FormReturn(SQLModel, table=True):
    """A returned monthly form (SPEC §10): its batch, unit, month and who filled it in."""

    __tablename__ = "form_return"

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="import_batch.id")
    month: str
    by_kind: str  # region / unit
    unit: str
    filled_by: str | None = None  # 填表人
    phone: str | None = None  # 联系电话
    filled_date: str | None = None  # 填报日期, as written
    recorded_at: str


class SchemaMigration(SQLModel, table=True):
    __tablename__ = "schema_migration"

    version: int = Field(primary_key=True)
    name: str
    applied_at: str
