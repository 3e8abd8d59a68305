"""One way to add a report section: a builder and its name in the kind's list reach every
people-facing format (terminal, Markdown, Excel, Word) without touching a renderer."""

from __future__ import annotations

import docx
import openpyxl
import pytest

from innovtrack import rollup
from innovtrack.render import sections
from innovtrack.render.sections import Col, Table
from test_report import build


def _extra(report):
    return Table("extra", "测试新增部分（2个）", "新增部分",
                 [Col("code", "项目编号", "label"), Col("note", "说明"),
                  Col("amount", "金额", "money")],
                 [{"code": "ZZ-001", "note": "第一行说明", "amount": 123_450_000},
                  {"code": "ZZ-002", "note": "第二行说明", "amount": 5_000_000}],
                 projects=True)


@pytest.fixture
def with_extra(monkeypatch):
    kind = rollup.KINDS["quarterly"]
    monkeypatch.setitem(rollup.KINDS, "quarterly",
                        rollup.ReportKind("quarterly", (*kind.sections[:-1], "extra",
                                                        kind.sections[-1])))
    monkeypatch.setitem(sections.BUILDERS, "extra", _extra)


def test_a_new_section_reaches_every_format(cli, ledger, tmp_path, with_extra):
    build(cli, ledger)
    args = ("report", "quarterly", "--year", "2016", "--quarter", "2")
    table = cli(*args)
    assert table.code == 0, table.stderr
    assert "测试新增部分（2个）" in table.stdout and "ZZ-002" in table.stdout
    assert "1.23" in table.stdout  # 123,450,000 元 in 亿元
    md = cli(*args, "-f", "markdown").stdout
    assert "## 测试新增部分（2个）" in md and "| ZZ-001 | 第一行说明 | 1.23 |" in md

    assert cli(*args, "-f", "xlsx", "-o", tmp_path / "r.xlsx").code == 0
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx")["新增部分"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[2][0] == "序号" and rows[3][:2] == [1, "ZZ-001"]
    assert rows[3][3] == pytest.approx(1.2345)
    assert ws.print_title_rows.replace("$", "") == "3:3"

    assert cli(*args, "-f", "docx", "-o", tmp_path / "r.docx").code == 0
    doc = docx.Document(str(tmp_path / "r.docx"))
    assert "附件5" in [p.text for p in doc.paragraphs]
    assert [c.text for c in doc.tables[-1].rows[1].cells] == ["1", "ZZ-001", "第一行说明", "1.23"]
