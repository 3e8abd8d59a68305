"""Issue 9, defects 5–8: files at the byte level. Workbook bombs and files that are not CSV or
XLSX are refused before any reader allocates for them; a file has one encoding, checked over
every byte, and a row in another is an error at its real row; total rows are recognised by
their shape, not by a word; two columns for one field must agree."""

from __future__ import annotations

import csv
import io
import json
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

HEAD = ["序号", "项目编号", "项目名称", "项目单位", "所在地区", "类别", "领域", "建设性质",
        "总投资（万元）", "2016年计划投资（万元）"]


def row(i: int, **over) -> list:
    values = {"序号": str(i), "项目编号": f"T-{i:03d}", "项目名称": f"测试项目{i:03d}",
              "项目单位": f"测试企业{i:03d}", "所在地区": "西宁市", "类别": "创新攻坚项目",
              "领域": "传统产业", "建设性质": "新建", "总投资（万元）": "1000",
              "2016年计划投资（万元）": "100"} | over
    return [values[h] for h in HEAD]


def csv_bytes(rows, head=HEAD, encoding="utf-8", title="青海省百项创新攻坚工程项目表") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([title])
    w.writerow(head)
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


def listed(cli) -> list[dict]:
    run = cli("projects", "list", "--format", "json")
    return json.loads(run.stdout) if run.code == 0 else []


def small_xlsx(path: Path, rows=None) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEAD)
    for r, values in enumerate(rows or [row(1)], start=1):
        sheet.write_row(r, 0, values)
    book.close()
    return path


def rewrite_sheet(src: Path, dst: Path, edit) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = edit(data)
            zout.writestr(info, data)
    return dst


# --- 5: workbook bombs and files that are not CSV or XLSX ------------------------------------


def peak_child_mb(args: list[str], env=None) -> tuple[subprocess.CompletedProcess, float]:
    """Run the CLI in a child (its own memory), and its peak RSS in MB."""
    code = ("import resource, sys\nfrom innovtrack.cli import main\nrc = main(sys.argv[1:])\n"
            "hwm = [ln for ln in open('/proc/self/status') if ln.startswith('VmHWM')]\n"
            "sys.stderr.write('PEAK %s\\n' % (hwm[0].split()[1] if hwm else resource.getrusage("
            "resource.RUSAGE_SELF).ru_maxrss))\n"
            "sys.exit(rc)")
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=300, env={**os.environ, **(env or {})})
    peak = [ln for ln in proc.stderr.splitlines() if ln.startswith("PEAK ")]
    assert peak, proc.stderr
    return proc, int(peak[-1].split()[1]) / 1024


def test_a_sheet_claiming_xfd1048576_is_refused_before_reading(tmp_path):
    base = small_xlsx(tmp_path / "base.xlsx")
    bomb = rewrite_sheet(base, tmp_path / "bomb.xlsx", lambda d: d.replace(
        b'<dimension ref="A1:J2"/>', b'<dimension ref="A1:XFD1048576"/>'))
    assert bomb.stat().st_size < 10_000
    proc, peak = peak_child_mb(["import", str(bomb)])
    assert proc.returncode == 1, proc.stderr
    assert f"{bomb}: " in proc.stderr and "1,048,576 rows × 16,384 columns" in proc.stderr
    assert "Traceback" not in proc.stderr and "panicked" not in proc.stderr
    assert peak < 500


def test_a_single_far_cell_without_dimension_is_refused(tmp_path):
    base = small_xlsx(tmp_path / "base.xlsx")
    far = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'

    def edit(data: bytes) -> bytes:
        data = data.replace(b'<dimension ref="A1:J2"/>', b"")
        return data.replace(b"</sheetData>", far)

    bomb = rewrite_sheet(base, tmp_path / "far.xlsx", edit)
    proc, peak = peak_child_mb(["progress", "import", str(bomb)])
    assert proc.returncode == 1
    assert "more than an xlsx sheet holds" in proc.stderr or "spans" in proc.stderr
    assert peak < 500


def test_a_sheet_that_inflates_past_200_mb_is_refused_in_bounded_memory(tmp_path):
    base = small_xlsx(tmp_path / "base.xlsx")
    bomb = tmp_path / "inflate.xlsx"
    filler = b" " * (1 << 20)
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                zout.writestr(info, zin.read(info))
                continue
            data = zin.read(info)
            head, tail = data.split(b"<sheetData>")
            with zout.open("xl/worksheets/sheet1.xml", "w") as fh:
                fh.write(head + b"<sheetData>")
                for _ in range(210):  # 210 MB of whitespace between the rows
                    fh.write(filler)
                fh.write(tail)
    assert bomb.stat().st_size < 2_000_000
    proc, peak = peak_child_mb(["import", str(bomb)])
    assert proc.returncode == 1, proc.stderr
    assert "inflate" in proc.stderr and "200 MB" in proc.stderr
    assert peak < 500


def test_the_sheet_is_inflated_and_counted(tmp_path, monkeypatch):
    """The check inflates the sheet itself in chunks, whatever the zip's directory claims."""
    from innovtrack.errors import Rejected
    from innovtrack.ingest import table

    base = small_xlsx(tmp_path / "base.xlsx")
    big = rewrite_sheet(base, tmp_path / "big.xlsx", lambda d: d.replace(
        b"<sheetData>", b"<sheetData>" + b" " * 3_000_000))
    monkeypatch.setattr(table, "MAX_INFLATED", 1_000_000)
    with pytest.raises(Rejected) as caught:
        table.check_workbook(big, "big.xlsx")
    assert "inflate" in caught.value.problems[0].message


@pytest.mark.parametrize("name, content, words", [
    ("list.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "Excel 97-2003"),
    ("list.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "Excel 97-2003"),
    ("list.xlsx", "项目编号,项目名称\n".encode(), "not an XLSX workbook"),
    ("list.csv", None, "a zip archive but not an XLSX workbook"),
    ("list.xlsx", None, "a zip archive but not an XLSX workbook"),
    ("list.csv", bytes(range(256)) * 40, "binary"),
    ("list.dat", os.urandom(4096), "binary"),
    ("list.xlsx", b"PK\x03\x04" + os.urandom(2000), "not an XLSX workbook"),
    ("list.pdf", b"%PDF-1.4\n" + os.urandom(3000), "binary"),
])
def test_files_that_are_not_csv_or_xlsx(tmp_path, cli, snapshot, name, content, words):
    path = tmp_path / name
    if content is None:  # a zip of something else
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("readme.txt", "hello")
    else:
        path.write_bytes(content)
    for command in (("import",), ("progress", "import")):
        run = cli(*command, path)
        assert run.code == 1, run.stderr
        assert f"{path}: " in run.stderr and words in run.stderr, run.stderr
        assert "Traceback" not in run.stderr


# --- 6: one encoding per file -------------------------------------------------------------------


def test_a_gbk_row_inside_the_sample_of_a_utf8_file(tmp_path, cli, snapshot):
    before = snapshot()
    good = csv_bytes([row(i) for i in range(1, 6)])
    bad = ",".join(row(6, 项目名称="钼铋多金属矿综合利用项目")).encode("gbk") + b"\r\n"
    path = tmp_path / "mixed.csv"
    path.write_bytes(good + bad + csv_bytes([row(7)]).split(b"\r\n", 2)[2])
    run = cli("import", path)
    assert run.code == 1, run.stderr
    assert f"{path}:8: not UTF-8 like the rows above it" in run.stderr  # title, header, 5 rows
    assert snapshot() == before


def test_a_bad_row_far_past_the_sample_has_its_own_row_number(tmp_path, cli):
    rows = [row(i, 项目名称="项目" + "长名称" * 30 + str(i)) for i in range(1, 1500)]
    data = csv_bytes(rows)
    assert len(data) > 3 * 64 * 1024  # well past the sniffed sample
    bad = ",".join(row(1500)).encode("gbk") + b"\r\n"
    path = tmp_path / "late.csv"
    path.write_bytes(data + bad)
    run = cli("import", path)
    assert run.code == 1
    assert f"{path}:1502: " in run.stderr, run.stderr  # 2 rows above the 1,499 projects


def test_a_quoted_cell_with_line_breaks_counts_as_one_row(tmp_path, cli):
    rows = [row(1, 项目名称="第一行\n第二行\n第三行"), row(2)]
    data = csv_bytes(rows) + ",".join(row(3)).encode("gbk") + b"\r\n"
    path = tmp_path / "quoted.csv"
    path.write_bytes(data)
    run = cli("import", path)
    assert f"{path}:5: " in run.stderr, run.stderr


def test_a_utf8_row_inside_a_gbk_file(tmp_path, cli):
    data = csv_bytes([row(i) for i in range(1, 4)], encoding="gbk")
    data += ",".join(row(4)).encode("utf-8") + b"\r\n"
    path = tmp_path / "gbk_mixed.csv"
    path.write_bytes(data)
    run = cli("import", path)
    assert run.code == 1
    assert f"{path}:6: UTF-8 text in a file whose rows above are GBK" in run.stderr


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_whole_files_in_one_encoding_still_read(tmp_path, cli, encoding):
    path = tmp_path / f"{encoding}.csv"
    path.write_bytes(csv_bytes([row(i) for i in range(1, 4)], encoding=encoding))
    run = cli("import", path)
    assert run.code == 0, run.stderr
    assert [p["name"] for p in listed(cli)] == ["测试项目001", "测试项目002", "测试项目003"]


def test_a_declared_encoding_reports_the_bad_row(tmp_path, cli):
    data = csv_bytes([row(i) for i in range(1, 4)]) + "坏".encode("gbk") + b"\r\n"
    path = tmp_path / "declared.csv"
    path.write_bytes(data)
    run = cli("import", path, "--encoding", "utf-8")
    assert f"{path}:6: cannot be read as utf-8" in run.stderr, run.stderr


# --- 7: total rows by shape --------------------------------------------------------------------


def test_a_project_named_total_or_sum_is_a_project(tmp_path, cli):
    rows = [row(1, 项目单位="Total"), row(2, 项目名称="SUM"), row(3, 项目单位="合计"),
            row(4, 项目名称="小计"), row(5)]
    path = tmp_path / "names.csv"
    path.write_bytes(csv_bytes(rows))
    run = cli("import", path)
    assert run.code == 0, run.stderr
    assert "total row" not in run.stderr
    assert [p["code"] for p in listed(cli)] == [f"T-{i:03d}" for i in range(1, 6)]


@pytest.mark.parametrize("total", [
    ["合计", "", "", "", "", "", "", "", "5000", "500"],
    ["", "合  计", "", "", "", "", "", "", "5000", "500"],
    ["", "", "合计（5项）", "", "", "", "", "", "5000", "500"],
    ["总计：", "", "", "", "", "", "", "", "5000", "500"],
    ["", "Total", "", "", "", "", "", "", "5000", "500"],
])
def test_real_total_rows_are_still_left_out(tmp_path, cli, total):
    path = tmp_path / "with_total.csv"
    path.write_bytes(csv_bytes([row(i) for i in range(1, 6)] + [total]))
    run = cli("import", path)
    assert run.code == 0, run.stderr
    assert "total row(s) left out: row 8" in run.stderr
    assert len(listed(cli)) == 5


def test_a_total_word_beside_a_code_is_no_total_row():
    from innovtrack.ingest.table import is_total_row

    assert not is_total_row(["CX-001", "合计"], 0, 1)
    assert not is_total_row(["1", "CX-001", "名称", "Total"], 1, 2)
    assert is_total_row(["合计", "", "", "100"], 1, 2)
    assert not is_total_row(["", "", "", "合计"], 1, 2)  # past the name: not where a label is


# --- 8: duplicate columns ------------------------------------------------------------------------


def test_two_code_columns_that_disagree(tmp_path, cli, snapshot):
    before = snapshot()
    head = HEAD + ["项目代码"]
    rows = [row(1) + ["T-001"], row(2) + ["T-999"], row(3) + [""]]
    path = tmp_path / "two_codes.csv"
    path.write_bytes(csv_bytes(rows, head=head))
    run = cli("import", path)
    assert run.code == 1, run.stderr
    assert f"{path}:4: 项目编号: 'T-002' here, but 'T-999' in the other column '项目代码'" \
        in run.stderr
    assert f"{path}:3:" not in run.stderr and f"{path}:5:" not in run.stderr
    assert snapshot() == before


def test_two_amount_columns_in_different_units_agree(tmp_path, cli):
    head = HEAD + ["总投资（亿元）"]
    rows = [row(1) + ["0.1"], row(2) + ["0.2"]]  # 1000 万元 = 0.1 亿元; 0.2 亿元 is not
    path = tmp_path / "units.csv"
    path.write_bytes(csv_bytes(rows, head=head))
    run = cli("import", path)
    assert run.code == 1
    assert f"{path}:3:" not in run.stderr
    assert f"{path}:4: 总投资（万元）: '1000' here, but '0.2'" in run.stderr


def test_a_second_column_fills_an_empty_first(tmp_path, cli):
    head = HEAD + ["项目代码"]
    rows = [row(1, 项目编号="") + ["T-001"], row(2) + ["T-002"]]
    path = tmp_path / "fill.csv"
    path.write_bytes(csv_bytes(rows, head=head))
    run = cli("import", path)
    assert run.code == 0, run.stderr
    assert [p["code"] for p in listed(cli)] == ["T-001", "T-002"]


def test_duplicate_columns_in_a_monthly_file(tmp_path, cli):
    assert cli("import", write(tmp_path / "l.csv", csv_bytes([row(1), row(2)]))).code == 0
    data = ("项目编号,月份,本月完成投资（万元）,当月完成投资（万元）\r\n"
            "T-001,2016-03,10,10\r\nT-002,2016-03,20,30\r\n").encode()
    path = write(tmp_path / "m.csv", data)
    run = cli("progress", "import", path)
    assert run.code == 1
    assert f"{path}:3: 本月完成投资（万元）: '20' here, but '30'" in run.stderr


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


assert resource  # imported for peak_child_mb's child
