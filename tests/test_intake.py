"""SPEC §7 and §2's precision rule: what a file may say and what it may not (issue 8).

Each file here is written the way an office writes it: a merged title naming the month, a
填报单位 line, a 单位 line, GB18030 with CRLF from Excel on Chinese Windows (or an XLSX),
a 合计 row, and 填表人 / 注 footer rows. Expectations come from data/seed_projects.csv read
here with plain csv and Decimal, and the ledger is read back with plain SQL.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import ROOT
from innovtrack.errors import Rejected
from innovtrack.ledger import import_projects
from innovtrack.progress import import_progress, record_entry

SEED = ROOT / "data" / "seed_projects.csv"


def seed() -> list[dict[str, str]]:
    with open(SEED, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


SEEDS = seed()
BY_CODE = {r["项目编号"]: r for r in SEEDS}
HAIDONG = [r for r in SEEDS if r["所在地区"] == "海东市"]


def yuan(wan: str) -> int:
    return int(Decimal(wan) * 10_000)


@pytest.fixture
def seeded(ledger):
    import_projects(ledger, SEED)
    return ledger


def office_csv(path: Path, header: list[str], rows: list[list[str]], *,
               title: str = "海东市百项创新攻坚工程2016年7月项目进展情况表",
               above: tuple[str, ...] = ("填报单位：海东市发展和改革委员会",),
               footer: tuple[str, ...] = ("填表人：张某某　　联系电话：0972-8612345",
                                          "注：本表数据截至2016年7月31日。"),
               total: bool = True, encoding: str = "gb18030") -> Path:
    """A monthly report as Excel on Chinese Windows saves it: title and 填报单位 lines padded
    with commas, a 单位 line, the header, rows, a 合计 row, footers; GB18030 and CRLF."""
    width = len(header)

    def pad(*cells):
        return list(cells) + [""] * (width - len(cells))

    lines = [pad(title)] + [pad(a) for a in above] + [pad("单位：万元"), header] + rows
    if total:
        lines.append(pad("合计"))
    lines += [pad(f) for f in footer]
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(lines)
    return path


def entries(ledger) -> dict[tuple[str, str], tuple]:
    with ledger.read() as conn:
        return {(c, m): (a, y, s, t, b) for c, m, a, y, s, t, b in conn.exec_driver_sql(
            "SELECT p.code, e.month, e.amount, e.ytd, e.status, e.progress_text, e.reported_by"
            " FROM progress_entry e JOIN project p ON p.id = e.project_id"
            " WHERE e.superseded_by IS NULL")}


def problems(exc) -> list[str]:
    return [str(p) for p in exc.value.problems]


HEADER = ["序号", "项目编号", "项目名称", "月份", "本月完成投资（万元）", "自年初累计完成投资（万元）",
          "形象进度", "存在问题"]


def row(i: int, code: str, month: str = "2016-07", amount: str = "100", ytd: str = "100",
        status: str = "在建", name: str | None = None) -> list[str]:
    return [str(i), code, BY_CODE[code]["项目名称"] if name is None else name, month, amount,
            ytd, status, ""]


# --- §7.1 name and code agree ------------------------------------------------------------------


def test_a_name_that_is_another_projects_is_an_error_naming_both(seeded, tmp_path, snapshot):
    # The 海东市 file typed CX-041 (a 西宁市 project) on the row of CX-014's project.
    path = office_csv(tmp_path / "haidong.csv", HEADER, [
        row(1, "CX-023"), row(2, "CX-041", name=BY_CODE["CX-014"]["项目名称"], amount="3500",
                              ytd="3500")])
    before = snapshot()
    with pytest.raises(Rejected) as exc:
        import_progress(seeded, path)
    assert problems(exc) == [
        f"{path}:6: 项目名称: '{BY_CODE['CX-014']['项目名称']}' is CX-014's name, not CX-041's "
        f"({BY_CODE['CX-041']['项目名称']}); check which project the row is for"]
    assert snapshot() == before


def test_names_agree_after_folding_and_when_one_contains_the_other(seeded, tmp_path):
    name = BY_CODE["CX-023"]["项目名称"]  # 年产30万吨纯碱技术改造项目
    spaced = "年产３０万吨 纯碱技术改造"  # full-width digits, a space, no trailing 项目
    assert name.startswith("年产30万吨纯碱技术改造")
    path = office_csv(tmp_path / "names.csv", HEADER, [
        row(1, "CX-023", name=spaced),
        row(2, "CX-037", name=BY_CODE["CX-037"]["项目名称"] + "（一期）"),  # contains it
        row(3, "CX-040", name=BY_CODE["CX-040"]["项目名称"][:8])])  # contained in it
    result = import_progress(seeded, path)
    assert result.entries == 3


def test_project_list_name_must_be_the_ledgers_for_its_code(seeded, tmp_path):
    rows = [dict(BY_CODE["CX-041"]), dict(BY_CODE["CX-002"])]
    rows[0]["项目名称"] = BY_CODE["CX-014"]["项目名称"]
    path = tmp_path / "list.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    with pytest.raises(Rejected) as exc:
        import_projects(seeded, path)
    assert problems(exc) == [
        f"{path}:2: 项目名称: '{BY_CODE['CX-014']['项目名称']}' is CX-014's name, not CX-041's "
        f"({BY_CODE['CX-041']['项目名称']}); check the code"]


# --- §7.2 rows without codes ---------------------------------------------------------------------


def test_a_file_of_names_only_is_matched_by_name(seeded, tmp_path):
    header = ["序号", "项目名称", "本月完成投资（万元）", "形象进度"]
    picked = HAIDONG[:3]
    path = office_csv(tmp_path / "names_only.csv", header, [
        [str(i), " " + r["项目名称"].removesuffix("项目"), "12.5", "在建"]
        for i, r in enumerate(picked, 1)])
    import_progress(seeded, path)
    assert {k: v[0] for k, v in entries(seeded).items()} == {
        (r["项目编号"], "2016-07"): 125_000 for r in picked}


def test_a_name_matching_no_project_or_several_lists_the_candidates(seeded, tmp_path):
    header = ["序号", "项目编号", "项目名称", "本月完成投资（万元）"]
    word = "藏毯"  # in several projects' names
    having = sorted(r["项目编号"] for r in SEEDS if word in r["项目名称"])
    assert len(having) >= 2
    path = office_csv(tmp_path / "no_codes.csv", header, [
        ["1", "", word, "10"], ["2", "", "没有这个项目", "10"]])
    with pytest.raises(Rejected) as exc:
        import_progress(seeded, path)
    first, second = problems(exc)
    assert first.startswith(f"{path}:5: 项目名称: no code, and no project is named '{word}'; "
                            "candidates: ")
    assert all(code in first for code in having[:5])
    assert second == (f"{path}:6: 项目名称: no code, and no project is named '没有这个项目'; "
                      "give the code (项目编号)")


# --- §7.3 codes ------------------------------------------------------------------------------------


def test_codes_match_after_nfkc_case_folding_and_invisible_characters(seeded, tmp_path):
    path = office_csv(tmp_path / "codes.csv", HEADER, [
        row(1, "CX-023")[:1] + ["ｃｘ－０２３"] + row(1, "CX-023")[2:],
        row(2, "CX-037")[:1] + ["\ufeffcx-037\u200b "] + row(2, "CX-037")[2:]])
    import_progress(seeded, path)
    assert set(entries(seeded)) == {("CX-023", "2016-07"), ("CX-037", "2016-07")}
    with seeded.read() as conn:
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM project").scalar() == len(SEEDS)


def test_two_rows_folding_to_one_code_are_a_duplicate(seeded, tmp_path):
    path = office_csv(tmp_path / "dup.csv", HEADER, [
        row(1, "CX-023"), row(2, "CX-023")[:1] + ["ｃｘ－０２３"] + row(2, "CX-023")[2:]])
    with pytest.raises(Rejected) as exc:
        import_progress(seeded, path)
    assert problems(exc) == [f"{path}:6: 项目编号: CX-023 2016-07 is already in this file at row 5"]


def test_a_full_width_code_in_a_project_list_is_the_same_project(seeded, tmp_path):
    changed = dict(BY_CODE["CX-005"])
    changed["项目编号"] = "\ufeffｃｘ－００５"
    changed["总投资（万元）"] = str(Decimal(changed["总投资（万元）"]) + 1)
    path = tmp_path / "list.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(changed))
        w.writeheader()
        w.writerow(changed)
    result = import_projects(seeded, path)
    assert (result.added, result.updated) == ([], ["CX-005"])
    with seeded.read() as conn:
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM project").scalar() == len(SEEDS)
        assert conn.exec_driver_sql("SELECT total_investment FROM project WHERE code = 'CX-005'"
                                    ).scalar() == yuan(changed["总投资（万元）"])


def test_two_codes_of_one_list_folding_together_are_a_duplicate(ledger, tmp_path):
    a, b = dict(SEEDS[0]), dict(SEEDS[1])
    b["项目编号"] = a["项目编号"].lower()
    path = tmp_path / "list.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(a))
        w.writeheader()
        w.writerows([a, b])
    with pytest.raises(Rejected) as exc:
        import_projects(ledger, path)
    assert problems(exc) == [f"{path}:3: 项目编号: duplicate code {b['项目编号']} (first at row 2)"]


# --- §7.4 one month per file ---------------------------------------------------------------------


def test_a_row_naming_another_month_than_the_title_is_an_error(seeded, tmp_path):
    path = office_csv(tmp_path / "july.csv", HEADER, [row(1, "CX-023"),
                                                       row(2, "CX-037", month="2016.08")])
    with pytest.raises(Rejected) as exc:
        import_progress(seeded, path)
    assert problems(exc) == [f"{path}:6: 月份: 2016-08 is not the report's month 2016-07"]


@pytest.mark.parametrize("title, above, header_amount", [
    ("海东市项目进展情况表", ("填报单位：海东市发改委", "填报月份：2016年7月"), "本月完成投资（万元）"),
    ("海东市项目进展情况表", ("报送月份：2016-07", "填报日期：2016年8月5日"), "本月完成投资（万元）"),
    ("海东市项目进展情况表", (), "7月完成投资（万元）"),
])
def test_the_month_a_file_states_holds_for_every_row(seeded, tmp_path, title, above,
                                                     header_amount):
    header = ["项目编号", "月份", header_amount, "1-7月累计完成投资（万元）"]
    path = office_csv(tmp_path / "stated.csv", header, [
        ["CX-023", "2016-07", "5", "5"], ["CX-037", "2016年8月", "5", "5"]],
        title=title, above=above)
    with pytest.raises(Rejected) as exc:
        import_progress(seeded, path)
    (only,) = problems(exc)
    header_row = 3 + len(above)
    assert only.startswith(f"{path}:{header_row + 2}: 月份: 2016-08 is not the report's month")


# --- §7.5 footers, §7.6 the reporting unit -----------------------------------------------------


def test_footers_are_skipped_counted_and_kept_with_the_batch(seeded, tmp_path):
    rows = [row(i, r["项目编号"]) for i, r in enumerate(HAIDONG[:2], 1)]
    path = office_csv(tmp_path / "haidong.csv", HEADER, rows, footer=(
        "填表人：张某某　联系电话：0972-8612345", "审核人：李某", "注：本表数据截至2016年7月31日。"))
    result = import_progress(seeded, path)
    first_footer = 5 + len(rows) + 1  # title, 填报单位, 单位, header, rows, 合计
    assert any(f"footer and note row(s) left out: row {first_footer}, {first_footer + 1}, "
               f"{first_footer + 2}" in n for n in result.notices), result.notices
    with seeded.read() as conn:
        assert conn.exec_driver_sql(
            "SELECT filled_by, contact_phone FROM import_batch WHERE kind = 'progress'"
        ).one() == ("张某某", "0972-8612345")


def test_the_reporting_unit_is_the_reporter_and_bounds_sent_nothing(seeded, tmp_path):
    rows = [row(i, r["项目编号"]) for i, r in enumerate(HAIDONG[:2], 1)]
    path = office_csv(tmp_path / "haidong.csv", HEADER, rows)
    result = import_progress(seeded, path, by="someone")
    assert {v[4] for v in entries(seeded).values()} == {"海东市发展和改革委员会"}
    (summary,) = result.months
    assert summary.missing == sorted(r["项目编号"] for r in HAIDONG[2:])


def test_a_file_of_one_regions_rows_bounds_sent_nothing_without_a_unit_line(seeded, tmp_path):
    rows = [row(i, r["项目编号"]) for i, r in enumerate(HAIDONG[:3], 1)]
    path = office_csv(tmp_path / "haidong.csv", HEADER, rows, above=())
    result = import_progress(seeded, path)
    assert result.months[0].missing == sorted(r["项目编号"] for r in HAIDONG[3:])


# --- §7.7 形象进度 as written ----------------------------------------------------------------------


def test_progress_sentences_are_kept_and_trials_are_building(seeded, tmp_path, cli):
    said = {"CX-023": "一期工程试生产", "CX-037": "厂房钢结构吊装", "CX-040": "设备安装调试，预计年底投产",
            "CX-042": "已建成投产"}
    read = {"CX-023": "building", "CX-037": "building", "CX-040": "building",
            "CX-042": "producing"}
    path = office_csv(tmp_path / "words.csv", HEADER, [
        row(i, code, status=text) for i, (code, text) in enumerate(said.items(), 1)])
    result = import_progress(seeded, path)
    got = entries(seeded)
    assert {c: got[(c, "2016-07")][2:4] for c in said} == {c: (read[c], said[c]) for c in said}
    notes = "\n".join(result.notices)
    for text in said.values():
        if text != "已建成投产":
            assert f"'{text}' → " in notes
    assert "'一期工程试生产' → 在建 (building)" in notes
    listed = json.loads(cli("progress", "list", "--format", "json").stdout)
    assert {e["code"]: e["progress_text"] for e in listed} == said


def test_an_unreadable_sentence_suggests_no_status(seeded, tmp_path):
    path = office_csv(tmp_path / "unclear.csv", HEADER, [row(1, "CX-023", status="市场不好")])
    with pytest.raises(Rejected) as exc:
        import_progress(seeded, path)
    (message,) = problems(exc)
    assert message.startswith(f"{path}:5: 形象进度: unknown status '市场不好'")
    assert all(w in message for w in ("前期", "在建", "建成投产", "停缓建"))
    assert "did you mean" not in message


# --- §2 year-to-date precision -----------------------------------------------------------------------


def test_a_ytd_in_yi_agrees_within_half_its_last_digit(seeded, tmp_path):
    header = ["项目编号", "本月完成投资（万元）", "自年初累计完成投资（亿元）"]
    record_entry(seeded, "CX-023", "2016-06", amount="20000.7")
    path = office_csv(tmp_path / "yi.csv", header, [
        ["CX-023", "930", "2.09"],  # 20,930.7 万元: within 50 万元 of 2.09 亿元
        ["CX-037", "100", "0.02"]],  # 100 万元 against 200: 100 万元 off, more than 50
        above=())
    with pytest.raises(Rejected) as exc:
        import_progress(seeded, path)
    (only,) = problems(exc)
    assert only.startswith(f"{path}:5: 自年初累计完成投资（亿元）: year-to-date 200 万元 disagrees")


def test_months_worked_out_from_a_rounded_ytd_are_counted(seeded, tmp_path):
    header = ["项目编号", "自年初累计完成投资（亿元）"]
    path = office_csv(tmp_path / "yi.csv", header, [["CX-023", "2.09"], ["CX-037", "0.5"]],
                      above=())
    result = import_progress(seeded, path)
    assert result.derived == 2
    assert any("2 month amount(s) worked out from a year-to-date rounded" in n
               for n in result.notices), result.notices


# --- §7.10 and bad values --------------------------------------------------------------------------


@pytest.mark.parametrize("cell, words", [
    ("1e5", "not a number: '1e5'"), ("1_000", "not a number: '1_000'"),
    ("١٢٣", "not a number"), ("10000000000001", "beyond 10^12 万元"),
])
def test_numbers_no_office_writes_are_rejected(seeded, tmp_path, cell, words):
    path = office_csv(tmp_path / "n.csv", HEADER, [row(1, "CX-023", amount=cell, ytd="")])
    with pytest.raises(Rejected) as exc:
        import_progress(seeded, path)
    (only,) = problems(exc)
    assert only.startswith(f"{path}:5: 本月完成投资（万元）: ") and words in only, only


def test_an_impossible_date_is_not_a_month(seeded, tmp_path):
    path = office_csv(tmp_path / "d.csv", HEADER, [row(1, "CX-023", month="2016-07-32")],
                      title="海东市项目进展情况表")
    with pytest.raises(Rejected) as exc:
        import_progress(seeded, path)
    assert problems(exc) == [f"{path}:5: 月份: not a date: '2016-07-32'"]


@pytest.mark.parametrize("cell, words", [
    ("资金\x1b[31m未到位", "control character \\x1b"), ("长" * 10_001, "10,001 characters"),
    ("a\x00b", "control character \\x00"),
])
def test_damaged_cells_are_errors_shown_escaped(seeded, tmp_path, cell, words):
    r = row(1, "CX-023")
    r[-1] = cell
    path = office_csv(tmp_path / "c.csv", HEADER, [r], encoding="utf-8")
    with pytest.raises(Rejected) as exc:
        import_progress(seeded, path)
    (only,) = problems(exc)
    assert only.startswith(f"{path}:5: 存在问题: ") and words in only
    assert "\x1b" not in only and "\x00" not in only


def test_damaged_cells_in_a_project_list(ledger, tmp_path):
    r = dict(SEEDS[0])
    r["项目单位"] = "青海\x07公司"
    path = tmp_path / "list.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(r))
        w.writeheader()
        w.writerow(r)
    with pytest.raises(Rejected) as exc:
        import_projects(ledger, path)
    assert problems(exc) == [f"{path}:2: 项目单位: control character \\x07 in '青海\\x07公司' "
                             "(damaged or pasted text)"]


def test_the_sentence_shows_in_the_lagging_table_detail_sheet_and_project(seeded, tmp_path, cli):
    import openpyxl

    said = {"CX-014": "一期工程试生产", "CX-023": "厂房钢结构吊装"}
    header = ["序号", "项目编号", "项目名称", "本月完成投资（万元）", "形象进度"]
    path = office_csv(tmp_path / "july.csv", header, [
        [str(i), code, BY_CODE[code]["项目名称"], "10", text]
        for i, (code, text) in enumerate(said.items(), 1)])
    import_progress(seeded, path)
    run = cli("report", "monthly", "--month", "2016-07", "--format", "json")
    lagging = {x["code"]: x for x in json.loads(run.stdout)["lagging"]}
    # 10 万元 of a plan of tens of thousands by July: far behind, so both are lagging
    assert {c: lagging[c]["progress_text"] for c in said} == said
    table = cli("report", "monthly", "--month", "2016-07", "--format", "markdown").stdout
    assert "在建（一期工程试生产）" in table
    out = tmp_path / "m.xlsx"
    assert cli("report", "monthly", "--month", "2016-07", "--format", "xlsx",
               "--output", out).code == 0
    sheet = openpyxl.load_workbook(out)["项目明细"]
    rows = list(sheet.iter_rows(values_only=True))
    head = next(r for r in rows if r and "项目编号" in r)  # after 序号 (issue 11)
    key, col = head.index("项目编号"), head.index("形象进度（填报原文）")
    got = {r[key]: r[col] for r in rows if r and r[key] in said}
    assert got == said
    shown = json.loads(cli("projects", "show", "CX-014", "--format", "json").stdout)
    assert [e["progress_text"] for e in shown["entries"]] == ["一期工程试生产"]


def test_a_project_lists_footer_is_left_out_and_kept(ledger, tmp_path):
    header = list(SEEDS[0])
    path = tmp_path / "list.csv"
    with open(path, "w", encoding="gb18030", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(["青海省百项创新攻坚工程项目表"] + [""] * (len(header) - 1))
        w.writerow(header)
        w.writerows([list(r.values()) for r in SEEDS[:3]])
        w.writerow(["填表人：李某", "", "联系电话：0971-6123456"] + [""] * (len(header) - 3))
        w.writerow(["注：总投资为项目批复总投资。"] + [""] * (len(header) - 1))
    result = import_projects(ledger, path)
    assert len(result.added) == 3
    assert any("footer and note row(s) left out: row 6, 7" in n for n in result.notices)
    with ledger.read() as conn:
        assert conn.exec_driver_sql("SELECT filled_by, contact_phone FROM import_batch").one() \
            == ("李某", "0971-6123456")


def test_progress_add_takes_a_code_typed_another_way(seeded):
    result = record_entry(seeded, "\ufeffｃｘ－００５", "2016-03", amount="12", status="试运行")
    assert result.entry["code"] == "CX-005"
    assert entries(seeded)[("CX-005", "2016-03")][2:4] == ("building", "试运行")


def test_check_holds_a_rounded_ytd_to_the_same_precision(seeded, tmp_path):
    from innovtrack.check import run_checks

    header = ["项目编号", "本月完成投资（万元）", "自年初累计完成投资（亿元）"]
    record_entry(seeded, "CX-023", "2016-06", amount="20000.7")
    path = office_csv(tmp_path / "yi.csv", header, [["CX-023", "930", "2.09"]], above=())
    import_progress(seeded, path)  # 20,930.7 万元 reported as 2.09 亿元: agrees within 50 万元
    assert [f for f in run_checks(seeded) if f.check == "ytd"] == []
    record_entry(seeded, "CX-037", "2016-06", amount="100", ytd="100")
    with seeded.write() as conn:  # a figure that stopped adding up: still found
        conn.exec_driver_sql("UPDATE progress_entry SET amount = amount + 10000 WHERE month ="
                             " '2016-06' AND project_id = (SELECT id FROM project"
                             " WHERE code = 'CX-037')")
    assert [f.scope for f in run_checks(seeded) if f.check == "ytd"] == ["CX-037 2016-06"]


def test_a_regional_workbook_in_yi_with_merged_title_and_footer(seeded, tmp_path):
    """An XLSX as Excel saves a region's form: the title and 填报单位 merged across the table, a
    单位：亿元 line, amounts as numeric cells in 亿元 to two decimals, footers merged too."""
    import xlsxwriter

    path = tmp_path / "haidong_2016-07.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("7月")
    header = ["序号", "项目编号", "项目名称", "本月完成投资（亿元）", "1-7月累计完成投资（亿元）", "形象进度"]
    sheet.merge_range(0, 0, 0, 5, "海东市百项创新攻坚工程2016年7月项目进展情况表")
    sheet.merge_range(1, 0, 1, 3, "填报单位：海东市发展和改革委员会")
    sheet.write(1, 5, "单位：亿元")
    sheet.write_row(2, 0, header)
    picked = HAIDONG[:3]
    for i, r in enumerate(picked):
        sheet.write_row(3 + i, 0, [i + 1, r["项目编号"], r["项目名称"], 0.12, 0.12, "一期工程试运行"])
    sheet.merge_range(6, 0, 6, 5, "填表人：张某某　联系电话：0972-8612345")
    book.close()
    result = import_progress(seeded, path, by="someone")
    got = entries(seeded)
    assert {k: v[:5] for k, v in got.items()} == {
        (r["项目编号"], "2016-07"): (12_000_000, 12_000_000, "building", "一期工程试运行",
                                   "海东市发展和改革委员会") for r in picked}
    assert result.months[0].missing == sorted(r["项目编号"] for r in HAIDONG[3:])
    assert any("footer and note row(s) left out: row 7" in n for n in result.notices)


def test_a_year_to_date_chain_over_several_months_of_one_file(seeded, tmp_path):
    """Months given only by their year-to-date take the difference from everything before them:
    the ledger's earlier months and the file's own earlier rows, whichever way those were
    given. Expected figures worked out by hand (万元)."""
    record_entry(seeded, "CX-023", "2016-01", amount="10")
    header = ["项目编号", "月份", "本月完成投资（万元）", "自年初累计完成投资（万元）"]
    rows = [["CX-023", "2016-02", "", "25"],  # 25 - 10 = 15
            ["CX-023", "2016-03", "5", "30"],  # 10 + 15 + 5 = 30: agrees
            ["CX-023", "2016-04", "", "42"],  # 42 - 30 = 12
            ["CX-023", "2016-05", "3", ""],
            ["CX-037", "2016-02", "", "7"],  # 7
            ["CX-037", "2016-03", "4", "12"]]  # 7 + 4 = 11, not 12: an error
    path = office_csv(tmp_path / "chain.csv", header, rows, title="海东市项目进展情况表",
                      above=(), total=False, footer=())
    with pytest.raises(Rejected) as exc:
        import_progress(seeded, path)
    assert problems(exc) == [
        f"{path}:9: 自年初累计完成投资（万元）: year-to-date 12 万元 disagrees with the ledger: earlier "
        "months of 2016 7 万元 + this month 4 万元 = 11 万元"]
    rows[-1][3] = "11"
    office_csv(path, header, rows, title="海东市项目进展情况表", above=(), total=False, footer=())
    import_progress(seeded, path)
    got = {k: v[0] for k, v in entries(seeded).items()}
    assert got == {("CX-023", "2016-01"): 100_000, ("CX-023", "2016-02"): 150_000,
                   ("CX-023", "2016-03"): 50_000, ("CX-023", "2016-04"): 120_000,
                   ("CX-023", "2016-05"): 30_000, ("CX-037", "2016-02"): 70_000,
                   ("CX-037", "2016-03"): 40_000}
