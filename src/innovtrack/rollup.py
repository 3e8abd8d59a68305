"""The report model and the pure roll-up that computes it (SPEC §5).

Plain rows in (the projects, their per-project sums and as-of-month entries as fetched by
reportdata, the targets in force, the monthly totals), one Report out. No SQL, no I/O, no
printing: every renderer (terminal, JSON, CSV, Markdown, Excel, the narrative) reads the same
Report, so a figure is computed once and the formats agree. Amounts stay integer 元;
percentages are carried unrounded and rounded only when shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import NamedTuple

from . import pace as pacing
from . import programme

# --- input rows ---------------------------------------------------------------------------


class ProjectRow(NamedTuple):
    """A project as the list holds it, with its plan for year Y (plain tuples in this order)."""

    id: int
    code: str
    name: str
    enterprise: str
    region: str
    category: str
    sector: str
    stage: str  # new / continuing
    responsible_unit: str | None
    planned_start: str | None  # YYYY-MM
    planned_completion: str | None
    state: str  # active / withdrawn
    withdrawn_month: str | None
    plan: int | None  # planned investment for year Y, 元; None when the list gives none


_CODE = ProjectRow._fields.index("code")  # rows arrive as plain tuples in this order


class Earlier(NamedTuple):
    """What a project's months before M say, for a project whose month-M entry does not."""

    status: str | None  # the latest status reported in a month <= M
    ever_built: bool  # some month <= M reported 在建 or 建成投产
    problem: str | None  # the problem of its latest entry of year Y (before M)
    problem_month: str | None


class ProjectFacts(NamedTuple):
    """One project and what its effective entries say for year Y up to month M (merged)."""

    code: str
    name: str
    enterprise: str
    region: str
    category: str
    sector: str
    stage: str
    responsible_unit: str | None
    planned_start: str | None
    planned_completion: str | None
    state: str
    withdrawn_month: str | None
    plan: int | None
    ytd: int  # 元, effective monthly amounts Y-01..M
    period: int  # 元, the same over the period's months
    reported: bool  # an effective entry for M exists
    status: str | None  # the latest status reported in a month <= M
    ever_built: bool
    problem: str | None  # the open problem: stated in the latest entry of year Y up to M
    problem_month: str | None
    progress_text: str | None = None  # the 形象进度 of M's entry as written (SPEC §7.7)


def merge_facts(row: ProjectRow | tuple, data: ReportInput) -> ProjectFacts:
    """One project's row merged with what its entries say."""
    pid = row[0]
    ytd, period = data.sums.get(pid, (0, 0))
    entry = data.at_month.get(pid)
    status, problem = entry if entry is not None else (None, None)
    problem_month = data.spec.as_of
    ever_built = status in ("building", "producing")
    back = data.earlier.get(pid)
    if back is not None:
        if status is None or status == "suspended":
            status = status or back.status
            ever_built = ever_built or back.ever_built
        if entry is None:
            problem, problem_month = back.problem, back.problem_month
    return ProjectFacts(*row[1:], int(ytd), int(period), entry is not None, status, ever_built,
                        problem or None, problem_month if problem else None,
                        data.progress_text.get(pid))


class TargetFact(NamedTuple):
    category: str | None  # None: the whole programme
    sector: str | None
    amount: int  # 元


@dataclass(frozen=True)
class ReportSpec:
    """What to report: the year, the as-of month, the period, margins and filters."""

    kind: str  # quarterly / monthly / lagging
    year: int
    as_of: str  # YYYY-MM, the last month counted
    period_start: str  # YYYY-MM, first month of the quarter or month reported
    quarter: int | None = None
    yellow_margin: float = 10.0
    red_margin: float = 30.0
    category: str | None = None
    region: str | None = None
    known_at: str | None = None  # the UTC stamp the ledger is read at (set by reportdata)
    replay: bool = False  # asked for a past moment (--known-at): people-facing formats say so
    unit: str = "亿元"  # for the people-facing renderers only
    pace: str = "linear"  # the pace asked for: linear / seasonal / learned (SPEC §11)

    @property
    def month_number(self) -> int:
        return int(self.as_of[5:7])


@dataclass(frozen=True)
class ReportInput:
    spec: ReportSpec
    projects: Sequence[ProjectRow]  # every project matching the filters, any state, code order
    sums: Mapping[int, tuple[int, int]]  # project id -> (元 Y-01..M, 元 in the period)
    at_month: Mapping[int, tuple[str | None, str | None]]  # id -> (status, problem) of M's entry
    earlier: Mapping[int, Earlier]  # ids whose M entry is missing, has no status or 停缓建
    targets: Sequence[TargetFact]  # targets in force for year Y (empty: none published)
    monthly: Sequence[tuple[str, int]] | None  # (month, 元) Y-01..M of the counted projects
    latest_month: str | None = None  # the latest month with any entry up to M
    pace: pacing.Pace | None = None  # the curve 时序进度 follows; None: linear
    # Supervision (SPEC §9): problems raised by M, procedure statements of new projects.
    problems: Sequence[ProblemFact] = ()
    procedures: Sequence[ProcedureFact] = ()
    quality: Sequence = ()  # quality.Flag of Y-01..M (SPEC §7.9), for every project
    progress_text: Mapping[int, str] = field(default_factory=dict)  # id -> M's 形象进度 as written


# --- report kinds ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportKind:
    """A kind of report and the sections it holds, in the order every format shows them.

    A section is named by the key its table builder is registered under (render/sections.py);
    a renderer walks `sections` and never asks which kind it is rendering. A new section is a
    field of Report, a builder, and its name in the lists below; a new kind is one line here.
    """

    name: str
    sections: tuple[str, ...]
    subject: str | None = None  # what the title names; None: the period (二季度推进情况)


_GROUPS = ("totals", "by_sector", "by_region", "starts")
_SUPERVISION = ("problems", "procedures", "by_unit")  # SPEC §9
KINDS: dict[str, ReportKind] = {k.name: k for k in (
    ReportKind("quarterly", (*_GROUPS, "lagging", *_SUPERVISION, "data_quality", "narrative")),
    ReportKind("monthly", (*_GROUPS, "lagging", *_SUPERVISION, "data_quality", "unreported",
                           "narrative")),
    ReportKind("lagging", ("lagging",), subject="进度滞后项目"),
    # 督办清单: its own renderer (render/supervision.py), per unit, not section by section
    ReportKind("supervision", (), subject="督办清单"),
)}


# --- the model -----------------------------------------------------------------------------


@dataclass
class GroupRow:
    """One line of a report table: the total, a category, a sector or a region."""

    label: str
    category: str | None = None
    sector: str | None = None
    region: str | None = None
    projects: int = 0
    target: int | None = None  # 元; the published target for this scope, if any
    plan: int = 0  # 元; sum of the projects' plans for year Y
    actual_ytd: int = 0
    actual_period: int = 0
    completion_pct: float | None = None  # actual_ytd / (target, else plan) × 100
    gap_pp: float | None = None  # completion_pct − time progress
    warning: str | None = None  # green / yellow / red
    forecast: int | None = None  # 元; 预计全年完成 = actual_ytd ÷ (pace at M / 100)
    forecast_pct: float | None = None  # forecast / (target, else plan) × 100
    started: int = 0  # 开复工
    new_projects: int = 0
    new_started: int = 0  # 开工 (新建)
    continuing: int = 0
    continuing_started: int = 0  # 复工 (续建)
    completed: int = 0  # 建成投产 by M, whenever planned
    due: int = 0  # planned to complete in year Y
    due_completed: int = 0
    reported: int = 0  # with an entry for M
    no_plan: int = 0  # projects without a plan for year Y

    @property
    def basis(self) -> str:
        """What completion is measured against: the published target, or the plans' sum."""
        return "target" if self.target is not None else "plan"

    @property
    def denominator(self) -> int:
        return self.target if self.target is not None else self.plan

    @property
    def start_rate(self) -> float | None:
        return _pct(self.started, self.projects)

    @property
    def new_start_rate(self) -> float | None:
        return _pct(self.new_started, self.new_projects)

    @property
    def continuing_start_rate(self) -> float | None:
        return _pct(self.continuing_started, self.continuing)

    @property
    def production_rate(self) -> float | None:
        return _pct(self.due_completed, self.due)

    @property
    def unreported(self) -> int:
        return self.projects - self.reported


class ProjectLine(NamedTuple):
    """One project's figures (detail sheet, lagging list)."""

    facts: ProjectFacts
    completion_pct: float | None
    gap_pp: float | None
    warning: str | None
    started: bool
    completed: bool
    reasons: tuple[str, ...]  # behind / not_started / unreported
    start_deadline: str | None  # new projects: the month they must have started by
    forecast: int | None = None  # 元, 预计全年完成
    forecast_pct: float | None = None  # forecast / plan × 100


@dataclass(frozen=True)
class ProblemItem:
    """An open problem of the problem ledger at the as-of month."""

    code: str
    name: str
    region: str
    month: str  # raised in
    problem: str
    id: int = 0
    unit: str | None = None  # the unit that is to solve it
    due_month: str | None = None
    age_months: int = 0
    overdue: bool = False


@dataclass
class ProblemGroup:
    responsible_unit: str
    items: list[ProblemItem] = field(default_factory=list)


@dataclass(frozen=True)
class MonthPoint:
    month: str
    amount: int
    cumulative: int
    completion_pct: float | None
    time_progress_pct: float


@dataclass
class Report:
    spec: ReportSpec
    time_progress_pct: float
    total: GroupRow
    by_category: list[GroupRow]
    by_sector: list[GroupRow]
    by_region: list[GroupRow]
    counted: list[ProjectRow]  # every project in the programme at M, in code order
    lagging: list[ProjectLine]
    problems: list[ProblemGroup]
    unreported: list[ProjectFacts]
    monthly: list[MonthPoint] | None  # None when not asked for (it costs a pass over the year)
    targets_published: bool  # False: no target for the report's scope; plans are used
    withdrawn: list[ProjectFacts]  # matching projects out of the programme at M
    no_plan: list[ProjectFacts]  # counted projects with no plan for year Y
    has_entries: bool  # any effective entry for Y-01..M among the counted projects
    latest_month: str | None = None
    source: ReportInput | None = field(default=None, repr=False)
    notes: list[str] = field(default_factory=list)
    pace: pacing.Pace = field(default_factory=pacing.linear)
    procedures: ProceduresSection | None = None
    by_unit: list[UnitRow] = field(default_factory=list)
    data_quality: list = field(default_factory=list)  # quality.Flag of the counted projects

    @property
    def kind(self) -> ReportKind:
        return KINDS[self.spec.kind]

    @property
    def year(self) -> int:
        return self.spec.year

    @property
    def as_of(self) -> str:
        return self.spec.as_of

    def lines(self) -> Iterator[ProjectLine]:
        """Every counted project's figures, in code order (the detail sheet)."""
        tp = self.pace.at(self.spec.month_number)
        for row in self.counted:
            yield project_line(merge_facts(row, self.source), self.spec, tp)

    def progress_texts(self) -> dict[str, str]:
        """Code -> the 形象进度 sentence of M's entry as written, for the counted projects."""
        texts = self.source.progress_text if self.source else {}
        return {row[_CODE]: texts[row[0]] for row in self.counted if row[0] in texts}

    def detail_rows(self) -> Iterator[tuple]:
        """(code, name, region, sector, plan, ytd, period, completion %, gap pp, warning) per
        counted project, in code order: project_line's figures without building the line, for
        the detail sheet of up to 100,000 rows."""
        tp = self.time_progress_pct
        yellow, red = self.spec.yellow_margin, self.spec.red_margin
        sums = self.source.sums.get if self.source else {}.get
        for row in self.counted:
            pid, code, name, region, sector, plan = row[0], row[1], row[2], row[4], row[6], row[13]
            ytd, period = sums(pid) or (0, 0)
            if plan:
                completion = ytd * 100 / plan
                gap = completion - tp
                yield (code, name, region, sector, plan, ytd, period, completion, gap,
                       warning_colour(gap, yellow, red))
            else:
                yield code, name, region, sector, plan, ytd, period, None, None, None


# --- definitions (SPEC §5) ----------------------------------------------------------------


def _pct(part: int, whole: int | None) -> float | None:
    return part * 100 / whole if whole else None


def warning_colour(gap_pp: float | None, yellow_margin: float, red_margin: float) -> str | None:
    """green when gap ≥ −yellow; yellow when −red ≤ gap < −yellow; red below that."""
    if gap_pp is None:
        return None
    if gap_pp >= -yellow_margin:
        return "green"
    if gap_pp >= -red_margin:
        return "yellow"
    return "red"


def is_active(p: ProjectFacts, as_of: str) -> bool:
    """In the programme at the as-of month: active, or withdrawn only after it."""
    return p.state == "active" or (p.withdrawn_month is not None and p.withdrawn_month > as_of)


def is_started(p: ProjectFacts) -> bool:
    """开复工 by M: the latest status is 在建 or 建成投产; 停缓建 counts if it had been building."""
    if p.status in ("building", "producing"):
        return True
    return p.status == "suspended" and p.ever_built


def is_completed(p: ProjectFacts) -> bool:
    return p.status == "producing"


def start_deadline(p: ProjectFacts, year: int) -> str:
    """A new project must start by June of Y, or its planned start if that is later."""
    june = f"{year}-06"
    if p.planned_start and p.planned_start > june:
        return p.planned_start
    return june


# --- the roll-up ---------------------------------------------------------------------------


class _Acc:
    """Sums for one finest cell (category, sector, region); rolled up into the group rows."""

    __slots__ = ("projects", "plan", "ytd", "period", "started", "new", "new_started", "cont",
                 "cont_started", "completed", "due", "due_completed", "reported", "no_plan")

    def __init__(self):
        for name in self.__slots__:
            setattr(self, name, 0)


def _fill(row: GroupRow, accs: list[_Acc]) -> GroupRow:
    for a in accs:
        row.projects += a.projects
        row.plan += a.plan
        row.actual_ytd += a.ytd
        row.actual_period += a.period
        row.started += a.started
        row.new_projects += a.new
        row.new_started += a.new_started
        row.continuing += a.cont
        row.continuing_started += a.cont_started
        row.completed += a.completed
        row.due += a.due
        row.due_completed += a.due_completed
        row.reported += a.reported
        row.no_plan += a.no_plan
    return row


def _judge(row: GroupRow, spec: ReportSpec, tp: Fraction) -> GroupRow:
    """Completion, gap and colour against the pace at M (`tp`, in %), and the forecast."""
    row.completion_pct = _pct(row.actual_ytd, row.denominator)
    row.gap_pp = None if row.completion_pct is None else row.completion_pct - float(tp)
    row.warning = warning_colour(row.gap_pp, spec.yellow_margin, spec.red_margin)
    row.forecast = pacing.forecast(row.actual_ytd, tp)
    row.forecast_pct = pacing.forecast_pct(row.forecast, row.denominator)
    return row


def project_line(p: ProjectFacts, spec: ReportSpec, tp: Fraction) -> ProjectLine:
    """One project's completion, colour, lagging reasons and forecast, against the pace at M
    (`tp`, in %)."""
    completion = p.ytd * 100 / p.plan if p.plan else None
    gap = None if completion is None else completion - float(tp)
    colour = warning_colour(gap, spec.yellow_margin, spec.red_margin)
    started = is_started(p)
    reasons = []
    if colour in ("yellow", "red"):
        reasons.append("behind")
    deadline = None
    if p.stage == "new":
        deadline = start_deadline(p, spec.year)
        if not started and spec.as_of >= deadline:
            reasons.append("not_started")
    if not p.reported:
        reasons.append("unreported")
    expected = pacing.forecast(p.ytd, tp)
    return ProjectLine(p, completion, gap, colour, started, is_completed(p), tuple(reasons),
                       deadline, expected, pacing.forecast_pct(expected, p.plan))


def roll_up(data: ReportInput) -> Report:
    """The whole report model from the fetched rows."""
    spec = data.spec
    year, as_of = spec.year, spec.as_of
    pace = data.pace or pacing.linear()
    tp = pace.at(spec.month_number)  # exact, in %; float(tp) where a float is compared
    year_text = str(year)
    june = f"{year}-06"
    # A project is behind when ytd / plan × 100 − tp < −yellow margin, i.e. ytd × 100 < plan ×
    # (tp − yellow); the loop tests that without dividing (with a hair of slack; project_line
    # decides) and merges a project's facts only when it may lag or has a problem: 100,000
    # projects must roll up in a fraction of a second. For the same reason the loop spells out
    # is_active, is_started and start_deadline inline.
    behind_factor = float(tp) - spec.yellow_margin + 1e-9
    sums_get, at_get = data.sums.get, data.at_month.get

    counted: list[ProjectRow] = []
    withdrawn: list[ProjectFacts] = []
    lagging: list[ProjectLine] = []
    unreported: list[ProjectFacts] = []
    no_plan: list[ProjectFacts] = []
    cells: dict[tuple[str, str, str], _Acc] = {}
    has_entries = False
    for row in data.projects:
        (pid, _code, _name, _ent, region, category, sector, stage, _unit, start, completion,
         state, withdrawn_month, plan) = row
        if state != "active" and not (withdrawn_month is not None and withdrawn_month > as_of):
            withdrawn.append(merge_facts(row, data))
            continue
        counted.append(row)
        key = (category, sector, region)
        a = cells.get(key)
        if a is None:
            a = cells[key] = _Acc()
        a.projects += 1
        sums = sums_get(pid)
        if sums is not None:
            has_entries = True
            ytd = sums[0]
            a.ytd += ytd
            a.period += sums[1]
        else:
            ytd = 0
        entry = at_get(pid)
        facts = None
        if entry is not None and entry[0] != "suspended" and entry[0] is not None:
            status = entry[0]
            started = status == "building" or status == "producing"
        else:
            facts = merge_facts(row, data)
            status = facts.status
            started = is_started(facts)
        if plan is None:
            a.no_plan += 1
            facts = facts or merge_facts(row, data)
            no_plan.append(facts)
        else:
            a.plan += plan
        late_start = False
        if stage == "new":
            a.new += 1
            if started:
                a.new_started += 1
            else:
                late_start = as_of >= (start if start and start > june else june)
        else:
            a.cont += 1
            if started:
                a.cont_started += 1
        if started:
            a.started += 1
        done = status == "producing"
        if done:
            a.completed += 1
        if completion and completion[:4] == year_text:
            a.due += 1
            if done:
                a.due_completed += 1
        if entry is not None:
            a.reported += 1
        if facts is None and (late_start or (plan and ytd * 100 <= plan * behind_factor)):
            facts = merge_facts(row, data)
        if facts is not None:
            if not facts.reported:
                unreported.append(facts)
            line = project_line(facts, spec, tp)
            if line.reasons:
                lagging.append(line)

    targets = {(t.category, t.sector): t.amount for t in data.targets}
    if spec.region is not None:
        targets = {}  # targets are province-wide; a region is measured against its plans

    def target_for(category, sector):
        return targets.get((category, sector))

    total_scope = (spec.category, None)
    total = _judge(_fill(GroupRow("合计", category=spec.category,
                                  target=target_for(*total_scope)), list(cells.values())),
                   spec, tp)

    by_category = []
    for c in programme.CATEGORIES:
        if spec.category and c.code != spec.category:
            continue
        accs = [a for (cat, _, _), a in cells.items() if cat == c.code]
        target = target_for(c.code, None)
        if not accs and target is None:
            continue
        by_category.append(_judge(_fill(GroupRow(c.name, category=c.code, target=target), accs),
                                  spec, tp))

    by_sector = []
    for s in programme.SECTORS:
        if spec.category and s.category != spec.category:
            continue
        accs = [a for (cat, sec, _), a in cells.items() if cat == s.category and sec == s.code]
        target = target_for(s.category, s.code)
        if not accs and target is None:
            continue
        by_sector.append(_judge(_fill(GroupRow(s.name, category=s.category, sector=s.code,
                                               target=target), accs), spec, tp))

    by_region = []
    for r in programme.REGIONS:
        accs = [a for (_, _, reg), a in cells.items() if reg == r]
        if not accs:
            continue
        by_region.append(_judge(_fill(GroupRow(r, region=r), accs), spec, tp))

    region_order = {r: i for i, r in enumerate(programme.REGIONS)}
    unreported.sort(key=lambda p: (region_order.get(p.region, 99), p.code))

    monthly = None
    if data.monthly is not None:
        monthly = []
        cumulative = 0
        amounts = dict(data.monthly)
        for m in range(1, spec.month_number + 1):
            month = f"{year}-{m:02d}"
            amount = amounts.get(month, 0)
            cumulative += amount
            monthly.append(MonthPoint(month, amount, cumulative,
                                      _pct(cumulative, total.denominator), float(pace.at(m))))

    report = Report(spec=spec, time_progress_pct=float(tp), total=total, by_category=by_category,
                    by_sector=by_sector, by_region=by_region, counted=counted, lagging=lagging,
                    problems=[], unreported=unreported, monthly=monthly,
                    targets_published=total.target is not None, withdrawn=withdrawn,
                    no_plan=no_plan, has_entries=has_entries, latest_month=data.latest_month,
                    source=data, pace=pace)
    add_supervision(report, data)
    if data.quality:
        codes = {p[_CODE] for p in counted}
        report.data_quality = [f for f in data.quality if f.code in codes]
    report.notes = _notes(report)
    return report


def _notes(r: Report) -> list[str]:
    """Plain statements a reader needs to interpret the figures (Chinese, shown under tables)."""
    notes = []
    spec = r.spec
    if r.pace.note:
        notes.append(r.pace.note)
    if not r.targets_published:
        if spec.region:
            notes.append(f"按地区统计无下达目标，完成率按{spec.region}项目{spec.year}年计划投资合计计算。")
        else:
            notes.append(f"{spec.year}年未发布投资目标，完成率按项目{spec.year}年计划投资合计计算。")
    if r.no_plan:
        notes.append(f"{len(r.no_plan)}个项目无{spec.year}年计划投资（{_codes(r.no_plan)}），"
                     "不计算其完成率。")
    if r.withdrawn:
        notes.append(f"{len(r.withdrawn)}个项目截至{_month_cn(spec.as_of)}已退出（{_codes(r.withdrawn)}），"
                     "不计入统计。")
    if not r.has_entries:
        notes.append(f"{spec.year}年1月至{int(spec.as_of[5:])}月尚无进度报送。")
    elif r.latest_month is not None and r.latest_month < spec.period_start:
        span = (f"{int(spec.period_start[5:])}月" if spec.period_start == spec.as_of
                else f"{int(spec.period_start[5:])}—{int(spec.as_of[5:])}月")
        notes.append(f"{span}尚无进度报送（最近一次报送为{_month_cn(r.latest_month)}），"
                     "本期完成为0。")
    return notes


def _codes(projects: Sequence[ProjectFacts], limit: int = 5) -> str:
    codes = [p.code for p in projects[:limit]]
    return "、".join(codes) + ("等" if len(projects) > limit else "")


def _month_cn(month: str) -> str:
    return f"{int(month[:4])}年{int(month[5:7])}月"


# --- supervision (SPEC §9): problems, procedures, responsible units -----------------------------

NO_UNIT = "未明确责任单位"
_UNIT_SPLIT = re.compile(r"\s*[、，,；;/]\s*")
PROCEDURE_ORDER = tuple(programme.PROCEDURES)


@lru_cache(maxsize=4096)  # a few hundred distinct cells over 100,000 projects
def unit_names(text: str | None) -> tuple[str, ...]:
    """The units a 责任单位 cell names (甲局、乙委 names two); NO_UNIT when it names none."""
    names = tuple(dict.fromkeys(u for u in _UNIT_SPLIT.split(text or "") if u.strip()))
    return names or (NO_UNIT,)


def _ordinal(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


@lru_cache(maxsize=1024)
def next_month(month: str) -> str:
    n = _ordinal(month) + 1
    return f"{n // 12:04d}-{n % 12 + 1:02d}"


def age_months(raised: str, as_of: str) -> int:
    """Whole months from the month a problem was raised to the as-of month (0 in the same)."""
    return _ordinal(as_of) - _ordinal(raised)


def is_open(raised: str, resolved: str | None, as_of: str) -> bool:
    """Open at M: raised by M and not resolved in a month <= M."""
    return raised <= as_of and (resolved is None or resolved > as_of)


def is_overdue(due: str, as_of: str) -> bool:
    """Overdue at M: its due month is before M (an open problem due in M is not yet)."""
    return due < as_of


class ProblemFact(NamedTuple):
    """A problem of the ledger as the report sees it (resolution only if known by then)."""

    id: int
    project_id: int
    text: str
    raised_month: str
    unit: str | None
    due_month: str
    resolved_month: str | None


class ProcedureFact(NamedTuple):
    """One procedure statement of a new project (recorded order)."""

    project_id: int
    procedure: str
    month: str
    state: str
    done_month: str | None


class ProcedureLine(NamedTuple):
    """A new project not started by M, with where each of its procedures stands."""

    code: str
    name: str
    region: str
    responsible_unit: str | None
    start_deadline: str
    past_deadline: bool
    states: dict[str, tuple[str, str | None]]  # procedure -> (state, done month), all seven

    @property
    def done(self) -> tuple[str, ...]:
        return tuple(p for p in PROCEDURE_ORDER if self.states[p][0] == "done")

    @property
    def outstanding(self) -> tuple[str, ...]:
        return tuple(p for p in PROCEDURE_ORDER if self.states[p][0] != "done")


@dataclass
class ProceduresSection:
    lines: list[ProcedureLine]
    missing: dict[str, int]  # procedure -> how many of these projects have not done it
    past_deadline: int


@dataclass
class UnitRow:
    """One responsible unit: its projects' figures, lagging projects and problems."""

    unit: str
    projects: int = 0
    plan: int = 0
    actual_ytd: int = 0
    completion_pct: float | None = None
    gap_pp: float | None = None
    warning: str | None = None
    lagging: int = 0
    open_problems: int = 0
    overdue_problems: int = 0


def procedure_states(facts: Sequence[ProcedureFact], as_of: str
                     ) -> dict[str, tuple[str, str | None]]:
    """Each procedure at M: the latest statement of a month <= M (pending when none)."""
    out: dict[str, tuple[str, str | None]] = {p: ("pending", None) for p in PROCEDURE_ORDER}
    latest: dict[str, str] = {}
    for f in facts:
        if f.month <= as_of and f.month >= latest.get(f.procedure, ""):
            latest[f.procedure] = f.month
            out[f.procedure] = (f.state, f.done_month)
    return out


def add_supervision(report: Report, data: ReportInput) -> None:
    """The problems, procedures and by_unit sections, from the counted projects."""
    spec = report.spec
    as_of = spec.as_of
    tp = report.time_progress_pct
    counted = {row[0]: row for row in report.counted} if data.problems else {}

    items: list[ProblemItem] = []
    for f in data.problems:
        row = counted.get(f.project_id)
        if row is None or not is_open(f.raised_month, f.resolved_month, as_of):
            continue
        items.append(ProblemItem(row[1], row[2], row[4], f.raised_month, f.text, f.id,
                                 f.unit, f.due_month, age_months(f.raised_month, as_of),
                                 is_overdue(f.due_month, as_of)))
    groups: dict[str, ProblemGroup] = {}
    for item in sorted(items, key=lambda i: (i.month, i.code, i.id)):
        unit = item.unit or NO_UNIT
        groups.setdefault(unit, ProblemGroup(unit)).items.append(item)
    report.problems = sorted(groups.values(), key=lambda g: (
        g.responsible_unit == NO_UNIT, -sum(i.overdue for i in g.items), -len(g.items),
        g.responsible_unit))

    by_pid: dict[int, list[ProcedureFact]] = {}
    for f in data.procedures:
        by_pid.setdefault(f.project_id, []).append(f)
    lines = []
    at_get = data.at_month.get
    for row in report.counted:
        if row[7] != "new" or (at_get(row[0]) or (None,))[0] in ("building", "producing"):
            continue  # a status of M that says started needs no look back
        facts = merge_facts(row, data)
        if is_started(facts):
            continue
        deadline = start_deadline(facts, spec.year)
        lines.append(ProcedureLine(row[1], row[2], row[4], row[8], deadline, as_of >= deadline,
                                   procedure_states(by_pid.get(row[0], ()), as_of)))
    report.procedures = ProceduresSection(
        lines, {p: sum(1 for x in lines if x.states[p][0] != "done") for p in PROCEDURE_ORDER},
        sum(1 for x in lines if x.past_deadline))

    units: dict[str, UnitRow] = {}

    def unit_row(name: str) -> UnitRow:
        u = units.get(name)
        if u is None:
            u = units[name] = UnitRow(name)
        return u

    # Summed per 责任单位 cell first, then split: one dict update per project.
    sums_get = data.sums.get
    by_cell: dict[str | None, list[int]] = {}
    for row in report.counted:
        acc = by_cell.get(row[8])
        if acc is None:
            acc = by_cell[row[8]] = [0, 0, 0]
        acc[0] += 1
        acc[1] += row[13] or 0
        acc[2] += (sums_get(row[0]) or (0, 0))[0]
    for cell, (count, plan, ytd) in by_cell.items():
        for name in unit_names(cell):
            u = unit_row(name)
            u.projects += count
            u.plan += plan
            u.actual_ytd += ytd
    lagging_by_cell: dict[str | None, int] = {}
    for line in report.lagging:
        cell = line.facts.responsible_unit
        lagging_by_cell[cell] = lagging_by_cell.get(cell, 0) + 1
    for cell, count in lagging_by_cell.items():
        for name in unit_names(cell):
            unit_row(name).lagging += count
    for item in items:
        for name in unit_names(item.unit):
            u = unit_row(name)
            u.open_problems += 1
            u.overdue_problems += item.overdue
    for u in units.values():
        u.completion_pct = _pct(u.actual_ytd, u.plan)
        u.gap_pp = None if u.completion_pct is None else u.completion_pct - tp
        u.warning = warning_colour(u.gap_pp, spec.yellow_margin, spec.red_margin)
    report.by_unit = sorted(units.values(), key=lambda u: (
        u.unit == NO_UNIT, -u.overdue_problems, -u.open_problems, -u.lagging, u.unit))


@dataclass
class UnitSupervision:
    """One unit's 督办单: its overdue problems and its lagging projects."""

    unit: str
    overdue: list[ProblemItem]
    lagging: list[ProjectLine]


def supervision_list(report: Report) -> list[UnitSupervision]:
    """Every unit with an overdue problem or a lagging project, most overdue problems first."""
    units: dict[str, UnitSupervision] = {}

    def of(name: str) -> UnitSupervision:
        u = units.get(name)
        if u is None:
            u = units[name] = UnitSupervision(name, [], [])
        return u

    for group in report.problems:
        for item in group.items:
            if item.overdue:
                for name in unit_names(item.unit):
                    of(name).overdue.append(item)
    for line in report.lagging:
        for name in unit_names(line.facts.responsible_unit):
            of(name).lagging.append(line)
    return sorted(units.values(), key=lambda u: (-len(u.overdue), -len(u.lagging),
                                                 u.unit == NO_UNIT, u.unit))
