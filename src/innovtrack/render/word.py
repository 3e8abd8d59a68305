"""The report as a Word document in the style of an official report (GB/T 9704, SPEC §12).

A4 with the standard margins, the title in 方正小标宋简体, the body in 仿宋_GB2312 at 三号 with
a fixed 28 pt line, 一、 headings in 黑体 and （一） headings in 楷体_GB2312; six sections
(总体情况 … 下一步工作), then the tables as 附件1–4 on landscape pages with their header row
repeated on every page, and 「— N —」 page numbers. Every font is named for East Asian text too
(w:eastAsia), or Word would set the Chinese in its default font. The tables are the report's
sections (render/sections.py), so their columns are the terminal's and the workbook's.
"""

from __future__ import annotations

import re

from .. import programme
from ..rollup import GroupRow, Report
from .labels import amount, pace_heading, pct, title
from .narrative import gap_phrase
from .safe import visible  # control characters written out (XML takes none)
from .sections import Table, build, text_rows

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
PAGE_FONT = "宋体"
TABLE_SIZE = 10.5  # 五号, so a table of eleven columns fits a landscape page
DIGITS = "零一二三四五六七八九"


def numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (headings count in Chinese)."""
    tens, ones = divmod(n, 10)
    if n < 10:
        return DIGITS[n]
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")


# (section, 附件 title) in the order the annexes are numbered; a kind shows those it holds.
# Any other table section of the kind follows as a further 附件, except those the text tells
# in full (IN_TEXT), so a section added to a kind reaches the Word report too.
IN_TEXT = {"starts", "problems", "unreported"}
ANNEXES = [("totals", "总体及分类别完成情况表"), ("by_sector", "分领域完成情况表"),
           ("by_region", "分地区完成情况表"), ("lagging", "进度滞后项目表")]
_ALIGN = {"left": 0, "center": 1, "right": 2}  # WD_ALIGN_PARAGRAPH's values
NEXT_STEPS = ("（此处由办公室撰写下一步工作安排：加快推进滞后项目，协调解决存在的问题，"
              "确保完成年度投资目标。）")


def set_font(target, name: str, size: float | None = None, bold: bool | None = None) -> None:
    """Font of a run or a style, for Latin and East Asian text alike."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = target.font
    font.name = name
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    rpr = target.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


class _Doc:
    def __init__(self):
        import docx
        from docx.enum.text import WD_LINE_SPACING
        from docx.shared import Pt

        self.doc = docx.Document()
        normal = self.doc.styles["Normal"]
        set_font(normal, BODY_FONT, 16)
        fmt = normal.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(28)
        fmt.space_before = fmt.space_after = Pt(0)
        self.page(self.doc.sections[0], landscape=False)

    @staticmethod
    def page(section, *, landscape: bool) -> None:
        """A4, margins 37 / 35 / 28 / 26 mm (top, bottom, left, right)."""
        from docx.enum.section import WD_ORIENT
        from docx.shared import Mm

        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape \
            else (Mm(210), Mm(297))
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.footer_distance = Mm(25)

    def title(self, text: str) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.line_spacing = Pt(36)
        set_font(p.add_run(visible(text)), TITLE_FONT, 22)
        self.doc.add_paragraph()

    def para(self, text: str, *, indent: bool = True):
        from docx.enum.text import WD_LINE_SPACING
        from docx.shared import Pt

        p = self.doc.add_paragraph()
        # as the Normal style says, and on the paragraph too, for editors that ignore styles
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        p.paragraph_format.line_spacing = Pt(28)
        if indent:
            p.paragraph_format.first_line_indent = Pt(32)  # two characters of 三号
        set_font(p.add_run(visible(text)), BODY_FONT, 16)
        return p

    def heading(self, text: str, level: int) -> None:
        p = self.para("")
        p.runs[0].text = visible(text)
        set_font(p.runs[0], HEADING_FONT if level == 1 else SUBHEADING_FONT, 16)

    def page_numbers(self) -> None:
        """— N — centred at the bottom of every page, N from a PAGE field."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        footer = self.doc.sections[0].footer
        p = footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        set_font(p.add_run("— "), PAGE_FONT, 14)
        for kind, text in (("begin", None), (None, " PAGE "), ("separate", None),
                           (None, "1"), ("end", None)):
            run = p.add_run()
            set_font(run, PAGE_FONT, 14)
            if kind:
                el = OxmlElement("w:fldChar")
                el.set(qn("w:fldCharType"), kind)
            elif text == " PAGE ":
                el = OxmlElement("w:instrText")
                el.set(qn("xml:space"), "preserve")
                el.text = text
            else:
                el = OxmlElement("w:t")
                el.text = text
            run._r.append(el)
        set_font(p.add_run(" —"), PAGE_FONT, 14)

    def table(self, table: Table, unit: str, number: int, heading: str) -> None:
        """附件N on a new landscape page: its title, then the table, header repeated."""
        from docx.enum.section import WD_SECTION
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Pt

        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        self.page(section, landscape=True)
        p = self.para(f"附件{number}", indent=False)
        set_font(p.runs[0], HEADING_FONT, 16)
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        set_font(p.add_run(visible(heading)), TITLE_FONT, 18)
        if table.unit_line:
            p = self.doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            set_font(p.add_run(visible(table.unit_line)), BODY_FONT, 12)
        # (header, alignment, wraps) per column
        columns = ([("序号", "center", False)] if table.projects else []) + [
            (c.head, "right" if c.numeric else "center" if c.kind == "warning" else "left",
             c.kind == "text") for c in table.columns]
        body = text_rows(table, unit)
        if table.projects:
            body = [[str(n + 1), *row] for n, row in enumerate(body)]
        grid = self.doc.add_table(rows=1 + len(body), cols=len(columns))
        grid.style = "Table Grid"
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        grid.autofit = False
        usable = section.page_width - section.left_margin - section.right_margin
        for c, width in enumerate(_widths(columns, body, usable, TABLE_SIZE)):
            grid.columns[c].width = width
            for cell in grid.columns[c].cells:
                cell.width = width
        header = grid.rows[0]
        flag = OxmlElement("w:tblHeader")  # repeat this row at the top of every page
        flag.set(qn("w:val"), "true")
        header._tr.get_or_add_trPr().append(flag)
        for r, values in enumerate([[h for h, _, _ in columns], *body]):
            cells = grid.rows[r].cells
            for c, value in enumerate(values):
                cell_p = cells[c].paragraphs[0]
                fmt = cell_p.paragraph_format
                fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
                fmt.first_line_indent = Pt(0)
                cell_p.alignment = WD_ALIGN_PARAGRAPH.CENTER if r == 0 else _ALIGN[columns[c][1]]
                bold = r == 0 or r - 1 < table.totals
                set_font(cell_p.add_run(visible(value)), BODY_FONT, TABLE_SIZE, bold=bold)


def _ems(text: str) -> float:
    """Printed width in em: a Chinese character is one, a digit or Latin letter about 0.6."""
    from rich.cells import cell_len

    return sum(1.0 if cell_len(ch) == 2 else 0.6 for ch in text)


def _widths(columns: list[tuple], body: list[list[str]], usable: int, size: float) -> list[int]:
    """Column widths (EMU) that keep numbers and codes on one line and fold the names, filling
    the page: fixed columns take their widest cell (the header may fold onto two lines), text
    columns their longest cell, narrowed in proportion when the page is too narrow."""
    em = size * 12700  # EMU to the em at this size
    pad = 1.5  # the cell's own margins, and bold figures being wider, in em
    page = usable / em
    fixed, text = {}, {}
    for c, (head, _, wraps) in enumerate(columns):
        longest = max([_ems(row[c]) for row in body], default=0.0)
        if wraps:
            text[c] = max(longest, _ems(head), 4.0) + pad
        else:
            fixed[c] = max(longest, _ems(head) / 2, 1.0) + pad
    widths = fixed | text
    over = sum(widths.values()) - page
    if over > 0 and text:  # fold the text columns, none below four characters
        give = {c: w - 4.0 - pad for c, w in text.items()}
        room = sum(give.values())
        for c in text:
            widths[c] -= min(give[c], over * give[c] / room) if room else 0
    total = sum(widths.values())
    if total < page:  # spread what is left over every column
        widths = {c: w * page / total for c, w in widths.items()}
    return [int(widths[c] * em) for c in range(len(columns))]


def _row_sentence(row: GroupRow, unit: str) -> str:
    """传统产业45个，年度计划169.00亿元，累计完成83.50亿元，完成率49.41%，低于时序进度0.59个百分点."""
    text = f"{row.label}{row.projects}个，年度计划{amount(row.plan, unit)}{unit}，" \
           f"累计完成{amount(row.actual_ytd, unit)}{unit}"
    if row.completion_pct is None:
        return text
    return text + f"，完成率{pct(row.completion_pct)}%，{gap_phrase(row.gap_pp)}"


def write_docx(report: Report, path: str) -> None:
    unit = report.spec.unit
    doc = _Doc()
    doc.title(title(report))
    names = report.kind.sections
    annexes = [(key, heading) for key, heading in ANNEXES if key in names]
    known = {key for key, _ in ANNEXES} | IN_TEXT
    for key in names:
        if key not in known:
            extra = build(report, key)
            if isinstance(extra, Table):
                annexes.append((key, re.sub(r"（[^（）]*）$", "", extra.title) + "表"))
    number = {key: n for n, (key, _) in enumerate(annexes, start=1)}

    def see(*keys: str) -> str:
        shown = [f"附件{number[k]}" for k in keys if k in number]
        return f"（详见{'、'.join(shown)}）" if shown else ""

    chapters: list[tuple[str, list]] = []
    if "narrative" in names:  # the paragraph, then what 时序进度 and the colours mean
        chapters.append(("总体情况", [build(report, "narrative").text,
                                      f"（注：{pace_heading(report)}）"]))
    def rows_text(rows: list[GroupRow], *keys: str) -> str:
        if not rows:
            return "暂无项目。"
        return "；".join(_row_sentence(r, unit) for r in rows) + "。" + see(*keys)

    if "totals" in names or "by_sector" in names:
        # one paragraph per category: the tackling sectors, then the enterprise fields
        fields = [f"{c.name}中，" + rows_text(rows, "by_sector")
                  for c in programme.CATEGORIES
                  if (rows := [r for r in report.by_sector if r.category == c.code])]
        chapters.append(("分类别分领域情况", [
            ("（一）分类别", rows_text(report.by_category, "totals")),
            ("（二）分领域", fields[0] if fields else rows_text([])), *fields[1:]]))
    if "by_region" in names:
        chapters.append(("分地区情况", [rows_text(report.by_region, "by_region")]))
    if "starts" in names or "lagging" in names:
        chapters.append(("开复工和建成投产情况", [_starts_text(report) + see("lagging")]))
    if "problems" in names:
        chapters.append(("存在的问题", _problems(report)))
    if "narrative" in names:
        chapters.append(("下一步工作", [NEXT_STEPS]))
    for n, (heading, parts) in enumerate(chapters):
        doc.heading(f"{numeral(n + 1)}、{heading}", 1)
        for part in parts:
            if isinstance(part, tuple):
                doc.heading(part[0], 2)
                doc.para(part[1])
            else:
                doc.para(part)
    for n, (_, heading) in enumerate(annexes, start=1):  # the 附件 list under the text
        doc.para(("附件：" if n == 1 else "　　　") + f"{n}. {heading}")
    for key, heading in annexes:
        doc.table(build(report, key), unit, number[key], heading)
    doc.page_numbers()
    doc.doc.save(path)


def _starts_text(report: Report) -> str:
    t = report.total
    month = report.spec.month_number
    text = (f"截至{month}月底，开复工项目{t.started}个，"
            f"开复工率{pct(t.start_rate) or '0.00'}%")
    if t.new_projects:
        text += f"，其中新建项目开工{t.new_started}个，开工率{pct(t.new_start_rate)}%"
    if t.continuing:
        text += f"，续建项目复工{t.continuing_started}个，复工率{pct(t.continuing_start_rate)}%"
    text += f"；建成投产项目{t.completed}个"
    if t.due:
        text += f"，年内计划投产{t.due}个，投产率{pct(t.production_rate)}%"
    return text + f"。进度滞后项目{len(report.lagging)}个。"


def _problems(report: Report) -> list:
    if not report.problems:
        return ["目前无需协调解决的问题。"]
    items_ = [i for g in report.problems for i in g.items]
    out: list = [f"需协调解决的问题{len(items_)}个，其中逾期未解决{sum(i.overdue for i in items_)}个，"
                 "按责任单位列示如下。"]
    for n, group in enumerate(report.problems):
        label = f"（{numeral(n + 1)}）"
        items = "；".join(f"{i.name}（{i.code}）：{i.problem}"
                         + (f"（解决时限{i.due_month}，已逾期）" if i.overdue else "")
                         for i in group.items)
        out.append((f"{label}{group.responsible_unit}", items + "。"))
    return out
