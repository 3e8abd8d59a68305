"""The monthly cycle (SPEC §10): forms made for every region from the demo ledger, filled the
way a person fills them (input cells only), sent back through `progress import`, and 催报.

Expectations come from the demo files themselves (data/seed_projects.csv, data/months/), read
here with the csv module, never from innovtrack."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from conftest import ROOT
from forms_fill import SHEET, Filled, data_rows, fill, header

MONTH = "2016-03"
SEED = ROOT / "data" / "seed_projects.csv"
BIN = Path(sys.executable).parent
MONTHS = ROOT / "data" / "months"


def _seed() -> list[dict]:
    with open(SEED, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _feb_ytd() -> dict[str, Decimal]:
    """Each project's 自年初累计 as February's file states it: 上月末累计 of a March form."""
    with open(MONTHS / "2016-02.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))[3:]
    return {r[1]: Decimal(r[4]) for r in rows if r[1]}


def _by_region() -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for p in _seed():
        out.setdefault(p["所在地区"], []).append(p)
    return {r: sorted(ps, key=lambda p: p["项目编号"]) for r, ps in out.items()}


@pytest.fixture
def demo(cli):
    assert cli("import", SEED).code == 0
    run = cli("progress", "import", MONTHS / "2016-01.csv", MONTHS / "2016-02.csv")
    assert run.code == 0, run.stderr


@pytest.fixture
def forms(demo, cli, tmp_path) -> dict[str, Path]:
    out = tmp_path / "forms"
    run = cli("forms", "make", "--month", MONTH, "--output", out)
    assert run.code == 0, run.stderr
    made = {}
    for path in out.glob("*.xlsx"):
        wb = openpyxl.load_workbook(path)
        unit = wb[SHEET]["A2"].value.removeprefix("填报单位：")
        made[unit] = path
    return made


def _entries(cli, month: str = MONTH) -> dict[str, dict]:
    run = cli("progress", "list", "--month", month, "--format", "json")
    assert run.code == 0, run.stderr
    return {e["code"]: e for e in json.loads(run.stdout)}


def _status(cli, *extra: str) -> list[dict]:
    run = cli("forms", "status", "--month", MONTH, "--format", "json", *extra)
    assert run.code == 0, run.stderr
    return json.loads(run.stdout)


# --- forms out --------------------------------------------------------------------------------


def test_one_form_per_region_with_its_active_projects_locked_and_prefilled(forms):
    regions = _by_region()
    assert set(forms) == set(regions)
    feb = _feb_ytd()
    for region, path in forms.items():
        wb = openpyxl.load_workbook(path)
        ws = wb[SHEET]
        assert ws["A1"].value == f"{region}百项创新攻坚工程2016年3月项目进展情况表"
        cols = header(ws)
        for name in ("序号", "项目编号", "项目名称", "项目单位", "建设性质", "年度计划（万元）",
                     "上月末累计（万元）", "本月完成投资（万元）", "自年初累计完成投资（万元）",
                     "形象进度", "状态", "立项", "环评", "施工许可", "存在问题", "需协调解决单位"):
            assert name in cols, name
        rows = data_rows(ws)
        assert [c for _, c in rows] == [p["项目编号"] for p in regions[region]]
        for (row, code), p in zip(rows, regions[region], strict=True):
            assert ws.cell(row, cols["项目名称"]).value == p["项目名称"]
            assert ws.cell(row, cols["项目单位"]).value == p["项目单位"]
            assert Decimal(str(ws.cell(row, cols["年度计划（万元）"]).value)) \
                == Decimal(p["2016年计划投资（万元）"])
            assert Decimal(str(ws.cell(row, cols["上月末累计（万元）"]).value)) == feb[code]
            for name in ("项目编号", "项目名称", "上月末累计（万元）"):
                cell = ws.cell(row, cols[name])
                assert cell.protection.locked and cell.fill.fgColor.rgb.endswith("E7E6E6")
            for name in ("本月完成投资（万元）", "形象进度", "状态", "存在问题"):
                assert ws.cell(row, cols[name]).protection.locked is False
            # procedures are asked of new projects only
            assert ws.cell(row, cols["环评"]).protection.locked is (p["建设性质"] != "新建")
        assert ws.protection.sheet and not ws.protection.password
        assert wb["innovtrack_form"].sheet_state == "hidden"
        footer = [c.value for r in ws.iter_rows(min_row=rows[-1][0] + 1) for c in r if c.value]
        assert {"填表人：", "联系电话：", "填报日期："} <= set(footer)


def test_form_validates_numbers_and_offers_the_statuses_and_procedure_states(forms):
    ws = openpyxl.load_workbook(forms["西宁市"])[SHEET]
    cols = header(ws)
    rules = ws.data_validations.dataValidation

    def rule_for(name: str):
        found = [v for v in rules if any(r.min_col == cols[name] for r in v.sqref.ranges)]
        assert found, name
        return found[0]
    money = rule_for("本月完成投资（万元）")
    assert money.type == "decimal" and money.operator == "greaterThanOrEqual" \
        and money.formula1 == "0"
    assert rule_for("状态").type == "list"
    assert rule_for("状态").formula1 == '"前期,在建,建成投产,停缓建"'
    assert rule_for("环评").formula1 == '"未办,办理中,已办结"'


def test_form_is_print_ready(forms):
    ws = openpyxl.load_workbook(forms["海西州"])[SHEET]
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (1, None)
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$1:$3"
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"


def test_file_names_are_safe_for_any_unit_name():
    from innovtrack.forms import file_name

    taken: set[str] = set()
    names = [file_name(u, MONTH, taken) for u in ('省/市:*?"<>|单位', "CON", "..", "省/市:*?单位",
                                                    "省_市_*?单位")]
    for name in names:
        assert not set('/\\:*?"<>|') & set(name) and name.endswith(".xlsx")
        assert not name.lower().startswith("con.") and not name.startswith(".")
    assert len({n.lower() for n in names}) == len(names)  # two units never share a file


def test_a_month_that_is_no_month_is_a_usage_error(demo, cli, tmp_path):
    for command in ("make", "status"):
        run = cli("forms", command, "--month", "2016-13", "--output" if command == "make"
                  else "--by", tmp_path / "f" if command == "make" else "region")
        assert run.code == 2 and "--month: not a month: '2016-13'" in run.stderr
    assert not (tmp_path / "f").exists()


def test_forms_by_responsible_unit(demo, cli, tmp_path):
    run = cli("forms", "make", "--month", MONTH, "--by", "unit", "--output", tmp_path / "u")
    assert run.code == 0, run.stderr
    units = {p["责任单位"] for p in _seed() if p["责任单位"]}
    assert len(list((tmp_path / "u").glob("*.xlsx"))) == len(units)
    status = _status(cli, "--by", "unit")
    assert {r["unit"] for r in status} == units


# --- forms back --------------------------------------------------------------------------------


def test_round_trip_fills_three_forms_imports_them_and_reports_who_is_missing(forms, cli,
                                                                          tmp_path):
    regions = _by_region()
    sent = {"海北州": ("张三", "0970-8651234"), "海南州": ("李四", "13909741234"),
            "玉树州": ("王五", "0976-8812345")}
    typed: dict[str, Filled] = {}
    for n, (region, (person, phone)) in enumerate(sent.items()):
        ws = openpyxl.load_workbook(forms[region])[SHEET]
        rows = []
        for i, (row, code) in enumerate(data_rows(ws)):
            if region == "海南州" and i == 0:
                continue  # one project left blank: counted as not reported
            f = Filled(row, code, amount=round(12.5 + 10 * n + i, 1),
                       progress="主体厂房钢结构安装" if i % 2 else "在建",
                       status="在建" if i % 2 else None)  # else read from the sentence
            if i == 0:
                f.problem, f.problem_unit = "用地指标尚未落实", "省国土资源厅"
            rows.append(f)
            typed[code] = f
        out = tmp_path / f"{region}-filled.xlsx"
        fill(forms[region], out, rows, filled_by=person, phone=phone, date="2016-04-05")
        run = cli("progress", "import", out)
        assert run.code == 0, run.stderr
        if region == "海南州":  # only the form's own projects are "sent nothing"
            first = regions[region][0]["项目编号"]
            assert f"{MONTH}: 1 active project(s) sent nothing: {first}\n" in run.stderr
        else:
            assert f"{MONTH}: every active project has reported" in run.stderr

    entries = _entries(cli)
    assert set(entries) == set(typed)
    for code, f in typed.items():
        e = entries[code]
        assert Decimal(str(e["amount"])) == Decimal(str(f.amount))
        assert e["status"] == "building"
        assert e["note"] == f.progress
        assert e["reported_by"] in sent
    problems = cli("problems", "list", "--format", "json")
    assert {p["code"] for p in json.loads(problems.stdout)} == \
        {c for c, f in typed.items() if f.problem}

    status = _status(cli)
    by_unit = {r["unit"]: r for r in status}
    assert set(by_unit) == set(regions)
    for region, projects in regions.items():
        row = by_unit[region]
        codes = [p["项目编号"] for p in projects]
        assert row["projects"] == len(codes)
        missing = [c for c in codes if c not in typed]
        assert row["not_reported"] == missing and row["missing"] == len(missing)
        assert row["reported"] == len(codes) - len(missing)
        if region in sent:
            assert (row["filled_by"], row["phone"]) == sent[region]
            assert row["imported_at"]
        else:
            assert row["filled_by"] is None and row["imported_at"] is None
    # units that sent nothing first, then the incomplete 海南州, then the complete ones
    order = [r["unit"] for r in status]
    nothing = [u for u in order if u not in sent]
    assert order[:len(nothing)] == nothing
    assert order[len(nothing)] == "海南州"

    table = cli("forms", "status", "--month", MONTH)
    assert table.code == 0 and "张三" in table.stdout and "西宁市" in table.stdout
    lines = cli("forms", "status", "--month", MONTH, "--format", "csv").stdout.splitlines()
    assert lines[0].split(",")[:4] == ["unit", "projects", "reported", "missing"]
    assert len(lines) == 1 + len(regions)


def test_the_same_returned_form_twice_changes_nothing(forms, cli, tmp_path, snapshot):
    ws = openpyxl.load_workbook(forms["果洛州"])[SHEET]
    out = tmp_path / "gl.xlsx"
    fill(forms["果洛州"], out, [Filled(r, c, amount=5) for r, c in data_rows(ws)],
         filled_by="赵六")
    assert cli("progress", "import", out).code == 0
    before = snapshot()
    run = cli("progress", "import", out)
    assert run.code == 0 and snapshot() == before


def _tamper(src: Path, out: Path, change) -> None:
    wb = openpyxl.load_workbook(src)
    ws = wb[SHEET]
    change(ws, header(ws), data_rows(ws))
    wb.save(out)


def _filled(forms, region: str, tmp_path: Path) -> Path:
    ws = openpyxl.load_workbook(forms[region])[SHEET]
    out = tmp_path / f"{region}-ok.xlsx"
    fill(forms[region], out, [Filled(r, c, amount=7, status="在建") for r, c in data_rows(ws)])
    return out


@pytest.mark.parametrize("what", ["code", "name", "plan"])
def test_a_changed_locked_cell_is_rejected_at_its_row(forms, cli, tmp_path, snapshot, what):
    src = _filled(forms, "海东市", tmp_path)
    header_name = {"code": "项目编号", "name": "项目名称", "plan": "年度计划（万元）"}[what]
    new = {"code": "CX-999", "name": "另一个项目", "plan": 1}[what]
    rows = data_rows(openpyxl.load_workbook(src)[SHEET])
    row = rows[2][0]

    def change(ws, cols, _rows):
        ws.cell(row, cols[header_name]).value = new

    bad = tmp_path / "tampered.xlsx"
    _tamper(src, bad, change)
    before = snapshot()
    run = cli("progress", "import", bad)
    assert run.code == 1
    assert f"{bad}:{row}: {header_name}: changed from " in run.stderr
    assert str(new) in run.stderr and "nothing was written" in run.stderr
    assert snapshot() == before


def test_rows_added_or_removed_are_rejected(forms, cli, tmp_path, snapshot):
    src = _filled(forms, "海东市", tmp_path)
    rows = data_rows(openpyxl.load_workbook(src)[SHEET])
    last = rows[-1][0]

    def add_and_remove(ws, cols, rows):
        ws.insert_rows(last + 1)
        ws.cell(last + 1, cols["项目编号"]).value = "CX-001"
        ws.cell(last + 1, cols["本月完成投资（万元）"]).value = 9
        for c in range(1, ws.max_column + 1):
            ws.cell(rows[1][0], c).value = None

    bad = tmp_path / "rows.xlsx"
    _tamper(src, bad, add_and_remove)
    before = snapshot()
    run = cli("progress", "import", bad)
    assert run.code == 1
    assert f"{bad}:{rows[1][0]}: 项目编号: {rows[1][1]}" in run.stderr and "removed" in run.stderr
    assert f"{bad}:{last + 1}: 项目编号: a row not on the form (CX-001)" in run.stderr
    assert snapshot() == before


def test_a_form_of_another_month_or_unit_is_rejected(forms, cli, tmp_path, snapshot):
    src = _filled(forms, "黄南州", tmp_path)

    def other(ws, cols, rows):
        ws["A1"].value = "黄南州百项创新攻坚工程2016年4月项目进展情况表"
        ws["A2"].value = "填报单位：海南州"

    bad = tmp_path / "other.xlsx"
    _tamper(src, bad, other)
    before = snapshot()
    run = cli("progress", "import", bad)
    assert run.code == 1
    assert f"{bad}: 月份: the form is for 2016-03, the file says 2016-04" in run.stderr
    assert f"{bad}: 填报单位: the form was made for '黄南州'" in run.stderr
    assert snapshot() == before
    run = cli("progress", "import", src, "--month", "2016-04")
    # refused by the one-month-per-file rule (SPEC §7.4) before the form's own check
    assert run.code == 1 and "2016-04" in run.stderr and "2016-03" in run.stderr
    assert snapshot() == before


def test_a_bad_input_cell_is_rejected_like_any_monthly_file(forms, cli, tmp_path, snapshot):
    ws = openpyxl.load_workbook(forms["玉树州"])[SHEET]
    rows = data_rows(ws)
    out = tmp_path / "bad-cell.xlsx"
    fill(forms["玉树州"], out, [Filled(rows[1][0], rows[1][1], amount="约一千")])
    before = snapshot()
    run = cli("progress", "import", out)
    assert run.code == 1 and f"{out}:{rows[1][0]}: 本月完成投资" in run.stderr
    assert snapshot() == before


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_form_saved_again_by_libreoffice_is_still_recognised(forms, cli, tmp_path):
    ws = openpyxl.load_workbook(forms["海北州"])[SHEET]
    rows = data_rows(ws)
    filled = tmp_path / "hb.xlsx"
    fill(forms["海北州"], filled, [Filled(r, c, amount=3.5, status="在建") for r, c in rows],
         filled_by="张三", phone="0970-8651234")
    again = tmp_path / "lo"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                    "--headless", "--convert-to", "xlsx", "--outdir", str(again), str(filled)],
                   check=True, capture_output=True, timeout=240)
    run = cli("progress", "import", again / "hb.xlsx")
    assert run.code == 0, run.stderr
    assert "the form for 海北州" in run.stderr
    entries = _entries(cli)
    assert {c for _, c in rows} == set(entries)
    assert all(Decimal(str(e["amount"])) == Decimal("3.5") for e in entries.values())
    assert _status(cli)[-1]["filled_by"] == "张三"


# --- the README's month cycle ------------------------------------------------------------------

from test_readme import STAMP, _marked  # noqa: E402 - the README's blocks, read once


def run_readme_cycle(cli, db_location: str, where: Path) -> str:
    """The README's cycle on the demo ledger: make, (the units fill two forms), import,
    status; its stdout."""
    assert cli("import", SEED).code == 0
    assert cli("progress", "import", *sorted(MONTHS.glob("*.csv"))).code == 0
    block = _marked("forms-cycle", "sh").replace("innovtrack ", f"{BIN}/innovtrack ")
    make, rest = block.split("\n#", 1)
    rest = rest.split("\n", 1)[1]
    env = dict(os.environ, INNOVTRACK_DB=db_location, COLUMNS="80")
    env.pop("INNOVTRACK_TZ", None)

    def sh(commands: str) -> str:
        run = subprocess.run(["bash", "-e", "-c", commands], cwd=where, env=env,
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
        return run.stdout

    sh(make)
    (where / "returned").mkdir()
    people = {"海北州": ("马建国", "0970-8642001"), "黄南州": ("才让卓玛", "0973-8723002")}
    for region, (person, phone) in people.items():
        name = f"{region}_2016-07_项目进展情况表.xlsx"
        rows = data_rows(openpyxl.load_workbook(where / "forms" / name)[SHEET])
        if region == "海北州":
            rows = rows[:-1]  # one project left out: still missing
        fill(where / "forms" / name, where / "returned" / name,
             [Filled(r, c, amount=20) for r, c in rows],
             filled_by=person, phone=phone, date="2016-08-05")
    return sh(rest)


def test_readme_month_cycle_prints_what_the_readme_shows(cli, db_location, tmp_path):
    def norm(text: str) -> str:
        return STAMP.sub("T", "\n".join(line.rstrip() for line in text.splitlines()).strip())

    out = run_readme_cycle(cli, db_location, tmp_path)
    assert norm(out) == norm(_marked("forms-status", "text"))
    assert "海北州未报1项：" in out and "黄南州未报" not in out


def test_a_damaged_record_sheet_is_a_clear_error(forms, cli, tmp_path, snapshot):
    src = _filled(forms, "果洛州", tmp_path)
    wb = openpyxl.load_workbook(src)
    rec = wb["innovtrack_form"]
    for row in rec.iter_rows():
        if row[0].value == "header_row":
            row[1].value = "three"
    bad = tmp_path / "damaged.xlsx"
    wb.save(bad)
    before = snapshot()
    run = cli("progress", "import", bad)
    assert run.code == 1 and "Traceback" not in run.stderr
    assert f"{bad}: innovtrack_form: the form's hidden sheet is damaged" in run.stderr
    assert snapshot() == before


def test_status_counts_entries_from_any_file_and_its_import_time(demo, cli, tmp_path):
    """A unit that reported by an ordinary monthly file counts as reported, with that file's
    import time and no contact (it sent no form)."""
    path = tmp_path / "march.csv"
    with open(MONTHS / "2016-03.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    guoluo = {p["项目编号"] for p in _by_region()["果洛州"]}
    keep = rows[:3] + [r for r in rows[3:] if len(r) > 1 and r[1] in guoluo]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(keep)
    assert cli("progress", "import", path).code == 0
    row = next(r for r in _status(cli) if r["unit"] == "果洛州")
    assert row["reported"] == len(guoluo) and row["missing"] == 0
    assert row["imported_at"] and row["filled_by"] is None
