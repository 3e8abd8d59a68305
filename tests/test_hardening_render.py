"""Issue 9, defects 3, 4 and 13: data is shown literally (STYLE 18). Rich markup and terminal
escapes in names and problems reach the terminal as text; Markdown escapes pipes, HTML and line
breaks; CSV neutralises formula-leading cells; an xlsx cell cut to 32,767 characters says so.

The hostile text is written into the ledger directly (as an older release or another tool
could have), so these tests hold whatever the intake rules let in."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import ROOT
from innovtrack.render.safe import csv_cell, markdown, message, visible

MARKUP_NAME = "[bold red]红色项目[/] [link=http://evil.example]点我[/link]"
ESC_NAME = "清屏\x1b[2J项目\x1b]0;pwned\x07标题"
PROBLEM = "资金[/b]不足|<script>alert(1)</script>\r\n第二行"
FORMULA = "=cmd|' /C calc'!A0"
UNIT = "\x1b[31m红字\x9b单位"


@pytest.fixture
def hostile(cli, ledger):
    assert cli("import", ROOT / "data" / "seed_projects.csv").code == 0
    months = sorted((ROOT / "data" / "months").glob("*.csv"))
    assert cli("progress", "import", *months).code == 0
    from sqlalchemy import text

    with ledger.write() as conn:
        def q(sql, params=None):
            if params is None:
                return conn.exec_driver_sql(sql)
            names = iter(f"p{i}" for i in range(len(params)))
            named = "".join(f":{next(names)}" if ch == "?" else ch for ch in sql)
            return conn.execute(text(named), {f"p{i}": v for i, v in enumerate(params)})

        lagging = q("SELECT p.code FROM project p JOIN progress_entry e ON e.project_id = p.id"
                    " WHERE e.month = '2016-06' AND e.problem IS NOT NULL"
                    " AND e.superseded_by IS NULL ORDER BY p.code").scalars().all()
        first, second = lagging[0], lagging[1]
        q(f"UPDATE project SET name = '{MARKUP_NAME}', enterprise = '+SUM(1)'"
          f" WHERE code = '{first}'")
        q("UPDATE project SET name = ?, responsible_unit = ? WHERE code = ?",
          (ESC_NAME, UNIT, second))
        q("UPDATE progress_entry SET problem = ?, note = ?, reported_by = '@x'"
          " WHERE month = '2016-06' AND project_id = (SELECT id FROM project WHERE code = ?)"
          " AND superseded_by IS NULL", (PROBLEM, FORMULA, first))
        q("UPDATE progress_entry SET problem = ? WHERE month = '2016-06' AND project_id ="
          " (SELECT id FROM project WHERE code = ?) AND superseded_by IS NULL",
          ("=HYPERLINK(\"http://evil\",\"x\")", second))
        # Reports show the problem ledger's problems (SPEC §9), raised from those entries.
        q("UPDATE problem SET text = ? WHERE project_id = (SELECT id FROM project WHERE code = ?)",
          (PROBLEM, first))
        q("UPDATE problem SET text = ?, unit = ? WHERE project_id ="
          " (SELECT id FROM project WHERE code = ?)",
          ("=HYPERLINK(\"http://evil\",\"x\")", UNIT, second))
    return first, second


def no_raw_controls(text: str) -> None:
    for ch in ("\x1b", "\x07", "\x9b", "\r"):
        assert ch not in text, repr(ch)


@pytest.mark.parametrize("args", [
    ("report", "quarterly", "--year", "2016", "--quarter", "2"),
    ("report", "monthly", "--month", "2016-06"),
    ("report", "lagging", "--as-of", "2016-06"),
    ("report", "quarterly", "--year", "2016", "--quarter", "2", "--format", "text"),
    ("projects", "list"),
    ("progress", "list", "--month", "2016-06"),
])
def test_terminal_output_shows_markup_and_escapes_literally(hostile, cli, args, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")  # names whole on one line, to find them
    run = cli(*args)
    assert run.code == 0, run.stderr
    assert "Traceback" not in run.stderr
    no_raw_controls(run.stdout)
    out = run.stdout
    if args[0] == "report" and "text" not in args:
        assert "[bold red]" in out and "[/]" in out  # the markup is text, not styling
        assert "资金[/b]不足" in out or args[1] == "lagging"
    if args[:2] == ("projects", "list"):
        assert "[link=http://evil.example]" in out
        assert "\\x1b[2J" in out and "\\x07" in out


def test_text_narrative_escapes_units(hostile, cli, ledger):
    from sqlalchemy import text

    with ledger.write() as conn:  # the one unit the narrative names
        conn.execute(text("UPDATE project SET responsible_unit = :u"), {"u": UNIT})
        conn.execute(text("UPDATE problem SET unit = :u"), {"u": UNIT})  # problems' unit (§9)
    run = cli("report", "monthly", "--month", "2016-06", "--format", "text")
    assert run.code == 0
    assert "\\x1b[31m红字\\x9b单位" in run.stdout
    no_raw_controls(run.stdout)


def test_projects_show_escapes(hostile, cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    first, second = hostile
    for code, needle in ((first, "[bold red]红色项目[/]"), (second, "清屏\\x1b[2J项目")):
        run = cli("projects", "show", code)
        assert run.code == 0, run.stderr
        assert needle in run.stdout
        no_raw_controls(run.stdout)
    run = cli("projects", "show", first)
    assert "资金[/b]不足" in run.stdout


def test_markdown_escapes_pipes_html_and_line_breaks(hostile, cli):
    run = cli("report", "quarterly", "--year", "2016", "--quarter", "2", "--format", "markdown")
    assert run.code == 0, run.stderr
    out = run.stdout
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "资金\\[/b\\]不足\\|&lt;script&gt;" in out
    no_raw_controls(out)
    for line in out.splitlines():  # every table row keeps its column count
        if line.startswith("| ") and "---" not in line:
            assert line.endswith(" |")
    heads = [ln for ln in out.splitlines() if ln.startswith("| 责任单位")]
    rows = [ln for ln in out.splitlines() if "资金" in ln]
    count = lambda ln: len(ln.replace("\\|", "")) - len(ln.replace("\\|", "").replace("|", ""))  # noqa: E731
    assert rows and count(rows[0]) == count(heads[0])
    listing = cli("projects", "list", "--format", "markdown").stdout
    assert "\\[bold red\\]红色项目\\[/\\]" in listing and "\\x1b\\[2J" in listing


def test_csv_neutralises_formulas_and_keeps_negative_numbers(hostile, cli):
    first, _ = hostile
    assert cli("progress", "correct", first, "--month", "2016-05", "--amount", "-5",
               "--reason", "退款").code == 0
    run = cli("progress", "list", "--code", first, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    june = next(r for r in rows if r["month"] == "2016-06")
    assert june["note"] == "'" + FORMULA
    assert june["reported_by"] == "'@x"
    may = next(r for r in rows if r["month"] == "2016-05")
    assert may["amount"] == "-5"  # a number, not '-5
    listed = list(csv.DictReader(io.StringIO(cli("projects", "list", "--format", "csv").stdout)))
    assert next(r for r in listed if r["code"] == first)["enterprise"] == "'+SUM(1)"
    report = cli("report", "lagging", "--as-of", "2016-06", "--format", "csv").stdout
    lines = list(csv.DictReader(io.StringIO(report)))
    hyper = [r for r in lines if r["problem"].lstrip("'").startswith("=HYPERLINK")]
    assert hyper and all(r["problem"].startswith("'=") for r in hyper)
    assert all(not r[k].startswith(("=", "+", "@")) for r in lines for k in r)
    # JSON is for programs: the text exactly as recorded
    data = json.loads(cli("progress", "list", "--code", first, "--format", "json").stdout)
    assert any(e["note"] == FORMULA for e in data)


def test_xlsx_says_when_a_cell_is_cut(hostile, cli, ledger, tmp_path):
    import openpyxl

    first, _ = hostile
    long = "很长的问题" * 20_000  # 100,000 characters
    from sqlalchemy import text

    with ledger.write() as conn:
        conn.execute(text(
            "UPDATE progress_entry SET problem = :p WHERE month = '2016-06' AND project_id ="
            " (SELECT id FROM project WHERE code = :c) AND superseded_by IS NULL"),
            {"p": long, "c": first})
        conn.execute(text("UPDATE problem SET text = :p WHERE project_id ="
                          " (SELECT id FROM project WHERE code = :c)"), {"p": long, "c": first})
    out = tmp_path / "q.xlsx"
    run = cli("report", "quarterly", "--year", "2016", "--quarter", "2", "--format", "xlsx",
              "-o", out)
    assert run.code == 0, run.stderr
    assert "1 cell(s) longer than 32,767 characters" in run.stderr
    book = openpyxl.load_workbook(out, read_only=True)
    cells = [c for ws in book.worksheets for row in ws.iter_rows(values_only=True)
             for c in row if isinstance(c, str) and c.startswith("很长的问题")]
    assert cells and all(len(c) == 32_767 for c in cells)
    texts = [c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row
             if isinstance(c, str) and "[bold red]" in c]
    assert texts  # markup stays text in the workbook too


def test_error_messages_escape_control_characters(cli, ledger):
    run = cli("progress", "add", "\x1b[2JCX\x07", "--month", "2016-03", "--amount", "5")
    assert run.code == 1
    assert "\x1b" not in run.stderr and "\x07" not in run.stderr
    assert "\\x1b[2JCX\\x07" in run.stderr


# --- the helpers themselves ------------------------------------------------------------------


def test_visible_and_message():
    assert visible("a\x1b[2Jb\tc\nd") == "a\\x1b[2Jb\tc\nd"
    assert message("a\nb\tc\r") == "a\\x0ab\\x09c\\x0d"
    assert visible("\u202eevil") == "\\u202eevil"
    assert visible("普通文字 [b]") == "普通文字 [b]"


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+SUM(1)", "'+SUM(1)"), ("-cmd", "'-cmd"), ("@x", "'@x"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("-5", "-5"), ("-12.5", "-12.5"), ("+3", "+3"),
    ("-1e5", "-1e5"), (-5, -5), (2.5, 2.5), ("正常", "正常"), ("", ""), ("-", "'-"),
])
def test_csv_cell(value, expected):
    assert csv_cell(value) == expected


def test_markdown_cell():
    assert markdown("a|b") == "a\\|b"
    assert markdown("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;"
    assert markdown("x\r\ny\nz\r") == "x y z\\\\x0d"  # \\x0d, its backslash escaped
    assert markdown("[link](http://x) *b* `c`") == "\\[link\\](http://x) \\*b\\* \\`c\\`"
    assert markdown("A&B") == "A&amp;B"


def test_word_and_the_supervision_list_show_data_literally(hostile, cli, ledger, tmp_path,
                                                           monkeypatch):
    """The renderers issue 11 added (docx, the 督办 list as sections) go through safe.py too."""
    import docx
    import openpyxl
    from sqlalchemy import text

    first, second = hostile
    out = tmp_path / "q.docx"
    run = cli("report", "quarterly", "--year", "2016", "--quarter", "2", "--format", "docx",
              "-o", out)
    assert run.code == 0, run.stderr  # python-docx refuses raw control characters
    document = docx.Document(str(out))
    body = "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for r in t.rows for c in r.cells])
    assert "[bold red]红色项目[/]" in body and "清屏\\x1b[2J项目" in body
    no_raw_controls(body)

    with ledger.write() as conn:  # both problems overdue at June: both units get a 督办单
        conn.execute(text("UPDATE problem SET due_month = '2016-04' WHERE project_id IN"
                          " (SELECT id FROM project WHERE code IN (:a, :b))"),
                     {"a": first, "b": second})
    monkeypatch.setenv("COLUMNS", "400")
    args = ("report", "supervision", "--as-of", "2016-06")
    run = cli(*args)
    assert run.code == 0, run.stderr
    no_raw_controls(run.stdout)
    assert "[bold red]红色项目[/]" in run.stdout and "资金[/b]不足" in run.stdout
    assert "\\x1b[31m红字\\x9b单位" in run.stdout
    md = cli(*args, "--format", "markdown").stdout
    no_raw_controls(md)
    assert "资金\\[/b\\]不足\\|&lt;script&gt;" in md and "<script>" not in md
    rows = list(csv.DictReader(io.StringIO(cli(*args, "--format", "csv").stdout)))
    assert any(r["problem"].startswith("'=HYPERLINK") for r in rows)
    assert all(not r[k].startswith(("=", "+", "@")) for r in rows for k in r)
    plain = cli(*args, "--format", "text").stdout
    no_raw_controls(plain)
    assert "\\x1b[31m红字\\x9b单位" in plain
    book = tmp_path / "s.xlsx"
    assert cli(*args, "--format", "xlsx", "-o", book).code == 0
    wb = openpyxl.load_workbook(book)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)  # text, never a formula
