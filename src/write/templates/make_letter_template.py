#!/usr/bin/python3
"""make_letter_template.py — build the default 下达 letter template (letter.docx) with python-docx.

Run once by hand (/usr/bin/python3 make_letter_template.py letter.docx); the result is committed
and embedded in libfenpei at build time (cmake/embed.cmake), so the program needs no path to it.
Layout after GB/T 9704 (党政机关公文格式): red 发文机关标志, 文号 over a red rule, 小标宋 title,
仿宋 三号 body with 2-character first-line indents, attachments, issuer and date on the right.
Placeholders ({{名称}}) are filled by fenpei package; a paragraph whose placeholder has no value
(e.g. no --direct-funds) is left out of the letter.
"""
import sys
import datetime

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
RED = RGBColor(0xE6, 0x00, 0x12)


def set_font(run, name, size, bold=False, color=None):
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def para(doc, text, font=BODY_FONT, size=16, bold=False, color=None,
         align=None, indent=True, space_before=0, space_after=0):
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_before = Pt(space_before)
    fmt.space_after = Pt(space_after)
    fmt.line_spacing = Pt(28)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = align
    set_font(p.add_run(text), font, size, bold, color)
    return p


def red_rule(p):
    """A red line under paragraph P (the 版头 separator)."""
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "18")
    bottom.set(qn("w:space"), "6")
    bottom.set(qn("w:color"), "E60012")
    borders.append(bottom)
    ppr.append(borders)


def main(path):
    doc = Document()
    sec = doc.sections[0]
    sec.page_height, sec.page_width = Cm(29.7), Cm(21.0)
    sec.top_margin, sec.bottom_margin = Cm(3.7), Cm(3.5)
    sec.left_margin, sec.right_margin = Cm(2.8), Cm(2.6)

    para(doc, "{{发文机关}}文件", TITLE_FONT, 30, False, RED, WD_ALIGN_PARAGRAPH.CENTER,
         False, 0, 18)
    p = para(doc, "{{文号}}", BODY_FONT, 16, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False,
             space_after=6)
    red_rule(p)
    para(doc, "", indent=False)
    para(doc, "{{标题}}", TITLE_FONT, 22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False,
         space_after=12)
    para(doc, "{{主送}}：", indent=False)
    para(doc, "{{依据}}现下达{{资金名称}}{{此次下达合计}}万元{{分配明细}}，具体分配情况见附件1。"
              "加上已提前下达的{{已提前下达合计}}万元，全年共安排{{全年合计}}万元。")
    para(doc, "该资金收入列入政府收支分类科目“{{收入科目}}”。")
    para(doc, "该资金支出列入政府收支分类科目“{{支出科目}}”。")
    para(doc, "此次下达的资金为直达资金，直达资金标识为“{{直达资金标识}}”，贯穿资金分配、拨付、"
              "使用等环节保持不变。收到资金后，请及时对下分解下达，并将分配结果报{{发文机关}}备案。")
    para(doc, "请各单位加强资金管理，专款专用，加快支出进度，并于每月5日前报送财政资金使用跟踪"
              "反馈表（附件3）。")
    para(doc, "", indent=False)
    # 附件：1. … with the later lines under the "1." (a hanging indent of the 3 characters of 附件：)
    p = para(doc, "附件：{{附件}}", indent=False)
    p.paragraph_format.left_indent = Pt(16 * 5)
    p.paragraph_format.first_line_indent = Pt(-16 * 3)
    para(doc, "", indent=False)
    para(doc, "{{发文机关}}", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    para(doc, "{{日期}}", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)

    # page numbers "— 1 —" at the foot of every page, centred
    foot = sec.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(foot.add_run("— "), BODY_FONT, 14)
    run = foot.add_run()
    set_font(run, BODY_FONT, 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"),
                       ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = " PAGE "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)
    set_font(foot.add_run(" —"), BODY_FONT, 14)

    # fixed metadata: the same template bytes on every run of this script
    when = datetime.datetime(2024, 1, 1, 0, 0, 0)
    cp = doc.core_properties
    cp.author = "fenpei"
    cp.last_modified_by = "fenpei"
    cp.created = when
    cp.modified = when
    cp.revision = 1
    cp.title = "下达通知"
    doc.save(path)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "letter.docx")
