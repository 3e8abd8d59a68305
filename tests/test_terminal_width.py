"""Tables in a real terminal of 80 and 120 columns (SPEC §12), through a pseudo-terminal.

The CLI runs as a subprocess whose stdout is a pty with its window size set, so rich sees the
terminal exactly as a user's shell gives it. Every figure of the total row and every lagging
code must appear whole, no column may collapse, and columns left out are named.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from rich.cells import cell_len

from test_report import build, expect

BIN = Path(sys.executable).parent / "innovtrack"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def in_terminal(columns: int, *args: str) -> tuple[int, str]:
    """Run innovtrack with a pty of `columns` as stdout and stderr; the text without colours."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 60, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["TERM"] = "xterm-256color"
    proc = subprocess.Popen([str(BIN), *args], stdin=slave, stdout=slave, stderr=slave,
                            env=env, close_fds=True)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the pty
            break
        if not data:
            break
        chunks.append(data)
    code = proc.wait(timeout=120)
    os.close(master)
    text = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
    return code, ANSI.sub("", text)


def tables(text: str) -> list[list[str]]:
    """Each box-drawn table's lines, from ┏ to ┘."""
    out, current = [], None
    for line in text.splitlines():
        if line.startswith("┏"):
            current = []
        if current is not None:
            current.append(line)
            if line.startswith("└"):
                out.append(current)
                current = None
    return out


def assert_no_empty_column(table: list[str]) -> None:
    """Every column has a header with text in it (a zero-width column would not)."""
    head = [line for line in table[1:] if line.startswith("┃")]
    cells = [line.strip("┃").split("┃") for line in head]
    for i in range(len(cells[0])):
        assert "".join(row[i] for row in cells).strip(), (i, head)


def whole(token: str, line: str) -> bool:
    return re.search(rf"(?:^|[\s│]){re.escape(token)}(?:[\s│]|$)", line) is not None


@pytest.fixture
def reported(cli, ledger):
    build(cli, ledger)
    return expect(2016, "2016-06", "2016-04")


@pytest.mark.parametrize("columns", [80, 120])
def test_quarterly_report_keeps_every_figure_whole(reported, columns):
    code, out = in_terminal(columns, "report", "quarterly", "--year", "2016", "--quarter", "2")
    assert code == 0, out
    boxes = tables(out)
    for line in (x for box in boxes for x in box):  # the narrative is one soft-wrapped line
        assert cell_len(line) <= columns, line
    assert "…" not in out
    assert len(boxes) >= 6
    for box in boxes:
        assert_no_empty_column(box)

    total = reported["total"]
    first = boxes[0]
    (line,) = [x for x in first if x.startswith("│") and "合计" in x]
    figures = [str(total["projects"]), f"{total['target'] / 1e8:,.2f}",
               f"{total['plan'] / 1e8:,.2f}", f"{total['actual_ytd'] / 1e8:,.2f}",
               f"{total['actual_period'] / 1e8:,.2f}", f"{total['completion_pct']:.2f}",
               f"{total['gap_pp']:.2f}", {"green": "绿", "yellow": "黄", "red": "红"}[
                   total["warning"]]]
    for figure in figures:
        assert whole(figure, line), (figure, line)

    lagging = next(b for b in boxes if any("滞后原因" in x for x in b[:4]))
    for code_ in reported["lagging"]:
        assert any(whole(code_, x) for x in lagging), code_
        assert f"{code_[:4]}…" not in out
    if columns == 80:  # something had to leave: a line names it
        assert re.search(r"未显示：\S+", out)


def test_wide_shows_every_column_however_narrow(reported):
    code, out = in_terminal(80, "report", "quarterly", "--year", "2016", "--quarter", "2",
                            "--wide")
    assert code == 0, out
    assert "未显示" not in out
    lagging = next(b for b in tables(out) if any("滞后原因" in x for x in b[:4]))
    head = "".join(lagging[:3])
    for name in ("项目编号", "领域", "责任单位", "年度计划", "累计完成", "形象进度"):
        assert name in head


def test_listings_at_80_columns(cli, reported):
    assert cli("progress", "correct", "T01", "--month", "2016-03", "--amount", "123",
               "--reason", "企业复核后更正").code == 0
    code, out = in_terminal(80, "progress", "list", "--history")
    assert code == 0, out
    assert "…" not in out
    for box in tables(out):
        assert_no_empty_column(box)
    for line in (x for box in tables(out) for x in box):
        assert cell_len(line) <= 80, line
    lines = out.splitlines()
    for month in ("2016-01", "2016-03", "2016-06"):
        assert any(whole(month, x) for x in lines), month
    assert any(whole("T01", x) for x in lines)

    code, out = in_terminal(80, "projects", "list")
    assert code == 0, out
    assert "…" not in out
    for box in tables(out):
        assert_no_empty_column(box)
    lines = out.splitlines()
    for code_ in reported["per"]:
        assert any(whole(code_, x) for x in lines), code_


def test_a_pipe_gets_every_column(cli, reported):
    run = subprocess.run([str(BIN), "projects", "list"], capture_output=True, text=True,
                         timeout=120, env={k: v for k, v in os.environ.items()
                                           if k != "COLUMNS"})
    assert run.returncode == 0, run.stderr
    head = "".join(run.stdout.splitlines()[:4])
    for name in ("项目编号", "项目名称", "项目单位", "地区", "类别", "领域", "建设性质", "形象进度", "状态"):
        assert name in head, name
    assert "未显示" not in run.stdout


def test_supervision_list_at_80_columns(reported):
    """The 督办 list's tables follow the same rules: within 80 columns, codes whole."""
    code, out = in_terminal(80, "report", "supervision", "--as-of", "2016-06")
    assert code == 0, out
    boxes = tables(out)
    assert boxes
    for line in (x for box in boxes for x in box):
        assert cell_len(line) <= 80, line
    assert "…" not in out
    for box in boxes:
        assert_no_empty_column(box)
    lines = out.splitlines()
    for code_ in reported["lagging"]:  # every lagging project is under one of its units
        assert any(whole(code_, x) for x in lines), code_
    code, out = in_terminal(80, "report", "supervision", "--as-of", "2016-06", "--wide")
    assert code == 0, out
    assert "未显示" not in out
