"""`report … --format docx`: the Word document read back with python-docx (SPEC §12).

Page size and margins, the fonts of title, body and headings (the East Asian font names too),
exact line spacing, the six sections in order, 附件1–4 with their header rows repeated, a PAGE
field in the footer, and the figures of the tables against the independent computation.
"""

from __future__ import annotations

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from test_report import build, expect

CHAPTERS = ["一、总体情况", "二、分类别分领域情况", "三、分地区情况", "四、开复工和建成投产情况",
            "五、存在的问题", "六、下一步工作"]


def east_asian(run_or_style) -> str | None:
    rpr = run_or_style.element.rPr
    fonts = None if rpr is None else rpr.find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def near(length, mm: float) -> bool:
    return abs(length - Mm(mm)) <= Mm(0.1)


@pytest.fixture
def document(cli, ledger, tmp_path):
    build(cli, ledger)
    out = tmp_path / "2016Q2.docx"
    run = cli("report", "quarterly", "--year", "2016", "--quarter", "2", "--format", "docx",
              "--output", out)
    assert run.code == 0, run.stderr
    assert run.stdout == ""
    return docx.Document(str(out))


def test_pages_are_a4_with_the_official_margins(document):
    for section in document.sections:
        short, long_ = sorted((section.page_width, section.page_height))
        assert near(short, 210) and near(long_, 297)
        assert near(section.top_margin, 37) and near(section.bottom_margin, 35)
        assert near(section.left_margin, 28) and near(section.right_margin, 26)
    first = document.sections[0]
    assert first.page_width < first.page_height  # the text is portrait


def test_title_body_and_heading_fonts(document):
    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    head = paragraphs[0]
    assert head.text.startswith("百项创新攻坚工程2016年二季度推进情况")
    assert head.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert head.runs[0].font.name == "方正小标宋简体" == east_asian(head.runs[0])
    assert head.runs[0].font.size == Pt(22)

    normal = document.styles["Normal"]
    assert normal.font.name == "仿宋_GB2312" == east_asian(normal)
    assert normal.font.size == Pt(16)
    assert normal.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert normal.paragraph_format.line_spacing == Pt(28)

    headings = [p for p in paragraphs if p.text in CHAPTERS]
    assert [p.text for p in headings] == CHAPTERS
    for p in headings:
        assert p.runs[0].font.name == "黑体" == east_asian(p.runs[0])
    subs = [p for p in paragraphs if p.text.startswith("（一）")]
    assert subs
    for p in subs:
        assert p.runs[0].font.name == "楷体_GB2312" == east_asian(p.runs[0])
    for p in paragraphs[1:]:  # every paragraph of the text keeps the fixed 28 pt line
        fmt = p.paragraph_format
        assert fmt.line_spacing in (None, Pt(28)), p.text
        assert fmt.line_spacing_rule in (None, WD_LINE_SPACING.EXACTLY), p.text
    body = paragraphs[paragraphs.index(headings[0]) + 1]
    assert body.text.startswith("上半年，百项创新攻坚工程累计完成投资")
    assert body.runs[0].font.name == "仿宋_GB2312" == east_asian(body.runs[0])


def test_sections_say_the_figures(document):
    want = expect(2016, "2016-06", "2016-04")
    text = "\n".join(p.text for p in document.paragraphs)
    for row in want["by_region"]:
        assert f"{row['label']}{row['projects']}个，" in text
        assert f"累计完成{row['actual_ytd'] / 1e8:.2f}亿元" in text
    for unit in want["problems"]:
        assert unit in text
    chapter_five = text[text.index("五、存在的问题"):text.index("六、下一步工作")]
    for codes in want["problems"].values():
        for code in codes:
            assert f"（{code}）" in chapter_five


def test_annexes_are_tables_with_repeated_header_rows(document):
    want = expect(2016, "2016-06", "2016-04")
    text = [p.text for p in document.paragraphs]
    for n in range(1, 8):
        assert f"附件{n}" in text
    # 附件5-7: the tables the text does not tell (前期手续, 分责任单位, 数据质量)
    assert "　　　5. 新建未开工项目前期手续表" in text and "　　　6. 分责任单位表" in text
    assert "　　　7. 数据质量表" in text
    assert len(document.tables) == 7
    for table in document.tables:
        header = table.rows[0]._tr
        flag = header.trPr.find(qn("w:tblHeader")) if header.trPr is not None else None
        assert flag is not None and flag.get(qn("w:val")) in ("true", "1", None)
        for row in table.rows[1:]:
            assert row._tr.trPr is None or row._tr.trPr.find(qn("w:tblHeader")) is None
    totals, sectors, regions, lagging = document.tables[:4]
    heads = [c.text for c in totals.rows[0].cells]
    cells = {r.cells[0].text: [c.text for c in r.cells] for r in totals.rows[1:]}
    for w in [want["total"], *want["by_category"]]:
        row = dict(zip(heads, cells[w["label"]], strict=True))
        assert row["累计完成"] == f"{w['actual_ytd'] / 1e8:,.2f}"
        assert row["完成率(%)"] == f"{w['completion_pct']:.2f}"
        assert row["项目数"] == str(w["projects"])
    assert len(sectors.rows) == 2 + len(want["by_sector"])
    assert len(regions.rows) == 2 + len(want["by_region"])
    lag_heads = [c.text for c in lagging.rows[0].cells]
    assert lag_heads[:2] == ["序号", "项目编号"]
    assert [r.cells[1].text for r in lagging.rows[1:]] == list(want["lagging"])
    for section in document.sections[1:]:  # the annexes are landscape pages
        assert section.page_width > section.page_height


def test_page_numbers_are_a_page_field_between_dashes(document):
    footer = document.sections[0].footer
    xml = footer._element.xml
    assert "PAGE" in "".join(t.text or "" for t in footer._element.iter(qn("w:instrText")))
    assert 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
    text = "".join(t.text or "" for t in footer._element.iter(qn("w:t")))
    assert text.startswith("— ") and text.endswith(" —")
    paragraph = footer.paragraphs[0]
    assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_docx_needs_output_and_the_lagging_report_has_its_table(cli, ledger, tmp_path):
    build(cli, ledger)
    run = cli("report", "quarterly", "--format", "docx")
    assert run.code == 2 and "--output" in run.stderr
    out = tmp_path / "lag.docx"
    run = cli("report", "lagging", "--as-of", "2016-06", "--format", "docx", "-o", out)
    assert run.code == 0, run.stderr
    doc = docx.Document(str(out))
    want = expect(2016, "2016-06", "2016-06")
    (table,) = doc.tables
    assert [r.cells[1].text for r in table.rows[1:]] == list(want["lagging"])


def test_an_empty_ledger_still_has_the_six_sections(cli, ledger, tmp_path):
    # `ledger`: an empty one exists (a report never creates a ledger, issue 9)
    out = tmp_path / "empty.docx"
    run = cli("report", "quarterly", "--format", "docx", "-o", out)
    assert run.code == 0, run.stderr
    texts = [p.text for p in docx.Document(str(out)).paragraphs]
    assert [t for t in texts if t in CHAPTERS] == CHAPTERS
