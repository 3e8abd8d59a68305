"""A half year replayed as an office lives it: six monthly files with procedure columns filled
the way regions fill them, problems repeated month after month, some resolved (one stated
again after its 销号), some overdue. Every open and overdue problem, every unit's figures and
every procedure count of the reports is checked against figures this test works out itself,
in plain Python over the fixture files (csv and openpyxl, none of innovtrack's readers)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import openpyxl
import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "supervision"
MONTHS = [f"2016-{m:02d}" for m in range(1, 7)]
PROCS = ["approval", "land", "planning", "eia", "design", "tender", "permit"]
PROC_HEADS = {"立项": "approval", "立项手续": "approval", "用地": "land", "土地": "land",
              "规划": "planning", "规划许可": "planning", "环评": "eia", "环评批复": "eia",
              "设计": "design", "初步设计": "design", "招标": "tender", "招投标": "tender",
              "施工许可": "permit", "施工许可证": "permit"}
OTHER_HEADS = {"项目编号": "code", "本月完成投资（万元）": "amount", "形象进度": "status",
               "存在问题": "problem", "需协调解决的问题": "problem", "需协调解决单位": "unit",
               "责任单位": "unit", "解决时限": "due", "问题解决时限": "due"}
STATUS = {"前期": "preparing", "在建": "building", "建成投产": "producing"}
DONE = {"√", "已办结", "已完成", "已取得", "已批复"}
WORKING = {"办理中", "正在办理"}
PENDING = {"未办", "未启动"}
# The 销号 the commission records after a month's files are in: (after month, code, text,
# resolved month, note).
RESOLVE = [("2016-04", "SV-02", "企业融资困难，需协调金融机构", "2016-04", "银行贷款已落实"),
           ("2016-05", "SV-01", "用地指标不足，需国土部门协调", "2016-05", "用地指标已调剂"),
           ("2016-05", "SV-07", "铁路专用线滞后，影响设备运输", "2016-05", "专用线已通车")]
NO_UNIT = "未明确责任单位"


# --- the files, read plainly -------------------------------------------------------------------


def _table(path: Path) -> list[list]:
    if path.suffix == ".xlsx":
        ws = openpyxl.load_workbook(path).active
        return [list(r) for r in ws.iter_rows(values_only=True)]
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gbk")
    return [list(r) for r in csv.reader(text.splitlines())]


def read_month(path: Path) -> list[dict]:
    rows = _table(path)
    h = next(i for i, r in enumerate(rows) if "项目编号" in r)
    head = [str(c) if c is not None else "" for c in rows[h]]
    start = h + 1
    if any(c in PROC_HEADS for c in rows[h + 1] if c):  # a second header row
        head = [str(sub) if sub else top for top, sub in zip(head, rows[h + 1], strict=False)]
        start = h + 2
    names = {i: PROC_HEADS.get(c) or OTHER_HEADS.get(c) for i, c in enumerate(head)}
    out = []
    for r in rows[start:]:
        d = {names[i]: v for i, v in enumerate(r) if names.get(i)}
        if not d.get("code") or d["code"] == "合计":
            continue
        out.append(d)
    return out


def projects() -> dict[str, dict]:
    with open(FIXTURE / "projects.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    head = rows[0]
    out = {}
    for r in rows[1:]:
        d = dict(zip(head, r, strict=True))
        out[d["项目编号"]] = {"stage": d["建设性质"], "unit": d["责任单位"] or None,
                          "plan": int(d["2016年计划投资（万元）"]), "start": d["计划开工时间"]}
    return out


def month_of(cell) -> str | None:
    if isinstance(cell, dt.datetime | dt.date):
        return f"{cell.year}-{cell.month:02d}"
    m = re.match(r"^(\d{4})(?:-|年)(\d{1,2})", str(cell or "").strip())
    return f"{m.group(1)}-{int(m.group(2)):02d}" if m else None


def next_month(m: str) -> str:
    y, n = int(m[:4]), int(m[5:])
    return f"{y + n // 12}-{n % 12 + 1:02d}"


def months_between(a: str, b: str) -> int:
    return (int(b[:4]) - int(a[:4])) * 12 + int(b[5:]) - int(a[5:])


def units_of(text: str | None) -> list[str]:
    return [u for u in (text or "").split("、") if u] or [NO_UNIT]


def norm(text) -> str:
    return "".join(str(text or "").split()).rstrip("。")


class Model:
    """What the files and the 销号 say, month by month, worked out by hand."""

    def __init__(self):
        self.projects = projects()
        self.rows: dict[str, dict[str, dict]] = {}  # month -> code -> row
        self.procs: dict[tuple[str, str], list[tuple[str, str, str | None]]] = {}
        self.problems: list[dict] = []

    def month(self, month: str, rows: list[dict]) -> None:
        self.rows[month] = {r["code"]: r for r in rows}
        for r in rows:
            for p in PROCS:
                cell = r.get(p)
                text = str(cell).strip() if cell not in (None, "") else ""
                if not text:
                    continue
                history = self.procs.setdefault((r["code"], p), [])
                if text in DONE:
                    if history and history[-1][1] == "done":
                        continue  # still done, in the month it was done
                    history.append((month, "done", month))
                elif text in WORKING:
                    history.append((month, "in_progress", None))
                elif text in PENDING:
                    history.append((month, "pending", None))
                else:
                    history.append((month, "done", month_of(cell)))
            key = norm(r.get("problem"))
            if not key or key == "无":
                continue
            same = [q for q in self.problems if q["code"] == r["code"] and q["key"] == key
                    and (q["resolved"] is None or q["resolved"] >= month)]
            if same:
                continue
            self.problems.append({
                "code": r["code"], "key": key, "raised": month,
                "unit": r.get("unit") or self.projects[r["code"]]["unit"],
                "due": month_of(r.get("due")) or next_month(month), "resolved": None})

    def resolve(self, code: str, text: str, month: str) -> None:
        (q,) = [q for q in self.problems if q["code"] == code and q["key"] == norm(text)
                and q["resolved"] is None]
        q["resolved"] = month

    # -- at an as-of month --

    def open_at(self, m: str) -> list[dict]:
        return [q | {"overdue": q["due"] < m, "age": months_between(q["raised"], m)}
                for q in self.problems
                if q["raised"] <= m and (q["resolved"] is None or q["resolved"] > m)]

    def status(self, code: str, m: str) -> str | None:
        seen = [STATUS[self.rows[x][code]["status"]] for x in sorted(self.rows)
                if x <= m and code in self.rows[x]]
        return seen[-1] if seen else None

    def ytd(self, code: str, m: str) -> int:
        return sum(int(self.rows[x][code]["amount"]) for x in self.rows
                   if x <= m and code in self.rows[x])

    def deadline(self, code: str) -> str:
        start = self.projects[code]["start"]
        return max("2016-06", start) if start else "2016-06"

    def lagging(self, m: str) -> set[str]:
        tp = int(m[5:]) / 12 * 100
        out = set()
        for code, p in self.projects.items():
            started = self.status(code, m) in ("building", "producing")
            behind = self.ytd(code, m) * 100 / p["plan"] - tp < -10
            late = p["stage"] == "新建" and not started and m >= self.deadline(code)
            if behind or late or code not in self.rows.get(m, {}):
                out.add(code)
        return out

    def procedures(self, m: str) -> dict:
        lines = {}
        for code, p in self.projects.items():
            if p["stage"] != "新建" or self.status(code, m) in ("building", "producing"):
                continue
            states = {}
            for proc in PROCS:
                said = [h for h in self.procs.get((code, proc), []) if h[0] <= m]
                states[proc] = said[-1][1] if said else "pending"
            lines[code] = {"outstanding": [x for x in PROCS if states[x] != "done"],
                           "past": m >= self.deadline(code)}
        return {"lines": lines,
                "missing": {x: sum(x in v["outstanding"] for v in lines.values()) for x in PROCS},
                "past": sum(v["past"] for v in lines.values())}

    def units(self, m: str) -> dict[str, dict]:
        out: dict[str, dict] = {}

        def row(u):
            return out.setdefault(u, {"projects": 0, "plan": 0, "ytd": 0, "lagging": 0,
                                      "open": 0, "overdue": 0})
        lagging = self.lagging(m)
        for code, p in self.projects.items():
            for u in units_of(p["unit"]):
                r = row(u)
                r["projects"] += 1
                r["plan"] += p["plan"]
                r["ytd"] += self.ytd(code, m)
                r["lagging"] += code in lagging
        for q in self.open_at(m):
            for u in units_of(q["unit"]):
                row(u)["open"] += 1
                row(u)["overdue"] += q["overdue"]
        return out


# --- the replay ------------------------------------------------------------------------------


def _json(cli, *args):
    run = cli(*args, "--format", "json")
    assert run.code == 0, run.stderr
    return json.loads(run.stdout)


@pytest.fixture
def replayed(cli):
    assert cli("import", FIXTURE / "projects.csv").code == 0
    model = Model()
    for m in MONTHS:
        path = next(FIXTURE.glob(f"{m}.*"))
        run = cli("progress", "import", path)
        assert run.code == 0, run.stderr
        model.month(m, read_month(path))
        for after, code, text, month, note in RESOLVE:
            if after != m:
                continue
            listed = _json(cli, "problems", "list", "--open", "--code", code)
            (pid,) = [p["id"] for p in listed if norm(p["text"]) == norm(text)]
            run = cli("problems", "resolve", pid, "--month", month, "--note", note)
            assert run.code == 0, run.stderr
            model.resolve(code, text, month)
    return model


def test_the_files_say_what_this_test_expects_of_them():
    # the fixture exercises what the replay claims to: a re-raised problem, overdue ones,
    # date cells, the two header spellings
    model = Model()
    for m in MONTHS:
        model.month(m, read_month(next(FIXTURE.glob(f"{m}.*"))))
    assert any(isinstance(r.get("land"), dt.datetime) for r in read_month(FIXTURE / "2016-03.xlsx"))
    assert len(model.problems) >= 8


def test_every_open_and_overdue_problem_at_every_month(replayed, cli):
    model = replayed
    again = [q for q in model.problems if q["code"] == "SV-02"]
    assert [q["raised"] for q in again] == ["2016-02", "2016-05"]  # raised again after 销号
    for m in MONTHS:
        want = {(q["code"], q["key"], q["raised"], q["due"], q["unit"], q["age"], q["overdue"])
                for q in model.open_at(m)}
        got = _json(cli, "problems", "list", "--open", "--as-of", m)
        assert {(p["code"], norm(p["text"]), p["raised_month"], p["due_month"], p["unit"],
                 p["age_months"], p["overdue"]) for p in got} == want, m
        overdue = _json(cli, "problems", "list", "--overdue", "--as-of", m)
        assert sorted((p["code"], norm(p["text"])) for p in overdue) == sorted(
            (q["code"], q["key"]) for q in model.open_at(m) if q["overdue"]), m
        report = _json(cli, "report", "monthly", "--month", m)
        items = [i for g in report["problems"] for i in g["items"]]
        assert {(i["code"], norm(i["problem"]), i["month"], i["due_month"], i["age_months"],
                 i["overdue"]) for i in items} == {w[:4] + w[5:] for w in want}, m
        for g in report["problems"]:
            assert all((i["unit"] or NO_UNIT) == g["responsible_unit"] for i in g["items"])
        opened, late = len(want), sum(w[-1] for w in want)
        if opened:
            assert f"需协调解决的问题{opened}个" in report["narrative"], m
            assert (f"其中逾期未解决{late}个" if late else "均未逾期") in report["narrative"], m
    # --unit: the unit that is to solve it, one of several
    got = _json(cli, "problems", "list", "--unit", "省发展改革委", "--as-of", "2016-06")
    assert {p["code"] for p in got} == {q["code"] for q in model.problems
                                        if "省发展改革委" in units_of(q["unit"])}


@pytest.mark.parametrize("args, as_of", [
    *[(("monthly", "--month", m), m) for m in MONTHS],
    (("quarterly", "--year", "2016", "--quarter", "1"), "2016-03"),
    (("quarterly", "--year", "2016", "--quarter", "2"), "2016-06"),
])
def test_every_units_counts_and_every_procedure_count(replayed, cli, args, as_of):
    model = replayed
    report = _json(cli, "report", *args)
    want = model.units(as_of)
    got = {u["unit"]: u for u in report["by_unit"]}
    assert set(got) == set(want)
    for unit, w in want.items():
        g = got[unit]
        assert (g["projects"], g["plan"], g["actual_ytd"], g["lagging"], g["open_problems"],
                g["overdue_problems"]) == (w["projects"], w["plan"], w["ytd"], w["lagging"],
                                           w["open"], w["overdue"]), (as_of, unit)
        if w["plan"]:
            assert g["completion_pct"] == pytest.approx(w["ytd"] * 100 / w["plan"])
    assert {x["code"] for x in report["lagging"]} == model.lagging(as_of)
    procs = model.procedures(as_of)
    section = report["procedures"]
    assert section["missing"] == procs["missing"], as_of
    assert section["past_deadline"] == procs["past"], as_of
    assert {x["code"]: x["outstanding"] for x in section["projects"]} == \
        {c: v["outstanding"] for c, v in procs["lines"].items()}


def test_the_supervision_list_per_unit_in_every_format(replayed, cli, tmp_path):
    model = replayed
    m = "2016-06"
    got = _json(cli, "report", "supervision", "--as-of", m)
    lagging = model.lagging(m)
    want: dict[str, dict] = {}
    for q in model.open_at(m):
        if q["overdue"]:
            for u in units_of(q["unit"]):
                want.setdefault(u, {"overdue": set(), "lagging": set()})["overdue"].add(
                    (q["code"], q["key"]))
    for code in lagging:
        for u in units_of(model.projects[code]["unit"]):
            want.setdefault(u, {"overdue": set(), "lagging": set()})["lagging"].add(code)
    assert {u["unit"]: {"overdue": {(p["code"], norm(p["problem"])) for p in u["overdue_problems"]},
                        "lagging": {x["code"] for x in u["lagging"]}} for u in got["units"]} == want
    counts = [len(u["overdue_problems"]) for u in got["units"]]
    assert counts == sorted(counts, reverse=True)  # most overdue problems first

    out = tmp_path / "督办单.xlsx"
    run = cli("report", "supervision", "--as-of", m, "--format", "xlsx", "--output", out)
    assert run.code == 0, run.stderr
    wb = openpyxl.load_workbook(out)
    assert len(wb.sheetnames) == len(got["units"])
    for ws, unit in zip(wb.worksheets, got["units"], strict=True):
        assert ws.title == unit["unit"][:28]
        assert unit["unit"] in ws["A2"].value
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
        assert ws.print_title_rows == "$1:$4"
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        heads = [i for i, r in enumerate(rows) if r[0] == "序号"]
        assert len(heads) == 2
        problems = rows[heads[0] + 1:heads[0] + 1 + len(unit["overdue_problems"])]
        assert [r[0] for r in problems] == list(range(1, len(problems) + 1))
        assert {(r[2], norm(r[4])) for r in problems} == want[unit["unit"]]["overdue"]
        projects_ = rows[heads[1] + 1:heads[1] + 1 + len(unit["lagging"])]
        assert {r[1] for r in projects_} == want[unit["unit"]]["lagging"]

    for fmt in ("table", "markdown", "csv", "text"):
        run = cli("report", "supervision", "--as-of", m, "--format", fmt)
        assert run.code == 0, run.stderr
        for unit in got["units"]:
            if fmt != "text" or unit["overdue_problems"]:
                assert unit["unit"] in run.stdout, (fmt, unit["unit"])
    rows = list(csv.DictReader(cli("report", "supervision", "--as-of", m, "--format",
                                   "csv").stdout.splitlines()))
    assert sum(r["kind"] == "overdue_problem" for r in rows) == sum(
        len(u["overdue_problems"]) for u in got["units"])


def test_report_sections_in_every_format(replayed, cli, tmp_path):
    model = replayed
    m = "2016-06"
    open_ = model.open_at(m)
    run = cli("report", "quarterly", "--year", "2016", "--quarter", "2", "--format", "csv")
    rows = list(csv.DictReader(run.stdout.splitlines()))
    assert sorted(r["code"] for r in rows if r["level"] == "problem") == \
        sorted(q["code"] for q in open_)
    assert {r["label"] for r in rows if r["level"] == "unit"} == set(model.units(m))
    assert sorted(r["code"] for r in rows if r["level"] == "procedure") == \
        sorted(model.procedures(m)["lines"])
    run = cli("report", "quarterly", "--year", "2016", "--quarter", "2", "--format", "markdown")
    assert "## 分责任单位" in run.stdout and "## 新建未开工项目前期手续" in run.stdout
    assert f"需协调解决的问题（{len(open_)}个，其中逾期{sum(q['overdue'] for q in open_)}个）" \
        in run.stdout
    run = cli("report", "quarterly", "--year", "2016", "--quarter", "2")
    assert "分责任单位" in run.stdout and "前期手续" in run.stdout
    out = tmp_path / "q2.xlsx"
    assert cli("report", "quarterly", "--year", "2016", "--quarter", "2", "--format", "xlsx",
               "--output", out).code == 0
    wb = openpyxl.load_workbook(out)
    units = [list(r) for r in wb["分责任单位"].iter_rows(min_row=4, values_only=True)]
    want = model.units(m)
    assert {r[0]: (r[1], r[5], r[6], r[7]) for r in units} == {
        u: (w["projects"], w["lagging"], w["open"], w["overdue"]) for u, w in want.items()}
    probs = [list(r) for r in wb["待协调问题"].iter_rows(min_row=4, values_only=True)]
    assert sorted((r[3], r[9] == "逾期") for r in probs) == sorted(  # after 序号
        (q["code"], q["overdue"]) for q in open_)
    procs = [list(r) for r in wb["前期手续"].iter_rows(min_row=4, values_only=True)]
    assert sorted(r[0] for r in procs if r[0] != "合计") == sorted(model.procedures(m)["lines"])


def test_projects_show_gains_procedures_and_problems(replayed, cli):
    model = replayed
    for code in model.projects:
        got = _json(cli, "projects", "show", code)
        for proc in PROCS:
            said = model.procs.get((code, proc), [])
            assert got["procedures"][proc]["state"] == (said[-1][1] if said else "pending"), \
                (code, proc)
            # 已办结 stated again later keeps the month it was done in (SV-02's 立项: 2015-11)
            assert got["procedures"][proc]["done_month"] == (said[-1][2] if said else None), \
                (code, proc)
        assert sorted(norm(p["text"]) for p in got["problems"]) == sorted(
            q["key"] for q in model.problems if q["code"] == code)
    assert _json(cli, "projects", "show", "SV-02")["procedures"]["approval"]["done_month"] \
        == "2015-11"
    run = cli("projects", "show", "SV-05")
    assert "前期手续：" in run.stdout and "问题台账" in run.stdout
