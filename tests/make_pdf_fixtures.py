#!/usr/bin/python3
"""Make notice PDFs from the bundled canonical table, through three different producers.

Run from anywhere: /usr/bin/python3 tests/make_pdf_fixtures.py [yiyang]
Needs (only to make the fixtures; the PDFs and texts are committed, so CI needs none of this):
python3-reportlab, python3-fonttools, python3-openpyxl, python3-docx, libreoffice (calc, writer),
fonts-noto-cjk, chromium, poppler-utils (pdftotext, pdftoppm).

Writes tests/data/pdf/:
  reportlab.pdf    drawn with reportlab on a canvas (Noto Sans CJK SC, converted to TrueType and
                   embedded): the cover letter (文号 新财社〔2024〕24号, the title over two lines,
                   the codes 1100249 and 2100408), 附件1 the allocation table (header wrapped over
                   three lines, every page repeating 续表, the title, 单位：万元 and the header,
                   page numbers "— n —", a page break inside 伊犁州), 附件2 a 绩效目标表-like table
                   (its own 地区 column and a 合计: a table, but the smaller one)
  libreoffice.pdf  a workbook (openpyxl: a 通知 sheet, 附件1, 附件2) printed by LibreOffice Calc:
                   the header row repeated as print titles, a row break inside 喀什地区
  writer.pdf       a .docx (python-docx: the letter, the table in a w:tbl with a repeated header
                   row, 附件2) printed by LibreOffice Writer, pages broken where Writer breaks them
                   (its narrow unit column wraps names over two lines)
  yiyang.pdf       a published notice we did not design, copied digit for digit (益阳市财政局
                   益阳市民政局关于下达2017年自然灾害生活补助资金的通知, see README.md), printed
                   from HTML by Chromium: its letter cites another notice's 文号 inside a sentence
                   and states the code 2081503; its table has 合计 at the bottom
  *.txt            `pdftotext -layout` of each of the four
  letter-only.pdf  the cover letter alone: no table
  scanned.pdf      the first table page as an image only (no text layer)
  encrypted.pdf    reportlab.pdf's first table page, encrypted with a user password ("secret")
  truncated.pdf    the first 60% of the bytes of reportlab.pdf
Each good PDF must convert back to exactly the bundled CSV.
"""
import csv
import io
import os
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
BUNDLED = os.path.join(HERE, "..", "allocations",
                       "xinjiang-2024-basic-public-health-batch2.csv")
OUT = os.path.join(HERE, "data", "pdf")
NOTO = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

DOC_NUMBER = "新财社〔2024〕24号"
TITLE = "2024年自治区基本公共卫生服务补助资金（第二批）分配表"
LETTER = [
    ("center", 20, "新疆维吾尔自治区财政厅文件"),
    ("center", 14, DOC_NUMBER),
    ("center", 16, "关于下达2024年自治区基本公共卫生服务补助资金"),
    ("center", 16, "（第二批）的通知"),
    ("left", 12, "各地、州、市财政局，自治区卫生健康委："),
    ("para", 12, "为支持各地做好基本公共卫生服务工作，经研究，现下达2024年自治区基本公共卫生服务"
                 "补助资金（第二批）3327万元，具体分配情况详见附件1。"),
    ("para", 12, "该项资金列2024年政府收支分类科目收入类“1100249 医疗卫生共同财政事权转移支付收入”，"
                 "支出类“2100408 基层公共卫生服务”。该项资金为直达资金，请保留“01 自治区直达资金”"
                 "标识不变，各地州收到资金后及时对下分解。"),
    ("para", 12, "请按照附件2所列绩效目标做好绩效监控。"),
    ("left", 12, "附件：1．" + TITLE),
    ("left", 12, "　　　2．2024年自治区基本公共卫生服务补助资金绩效目标表"),
    ("right", 12, "新疆维吾尔自治区财政厅"),
    ("right", 12, "2024年5月20日"),
]
PERF_TITLE = "2024年自治区基本公共卫生服务补助资金绩效目标表"
PERF_HEADER = ["地区", "年度资金总额", "中央补助", "自治区补助"]
PERF_ROWS = [["乌鲁木齐市", "2002", "1500", "502"], ["伊犁州", "2695", "2000", "695"],
             ["喀什地区", "5141", "4000", "1141"], ["合计", "9838", "7500", "2338"]]
PERF_TARGETS = [["一级指标", "二级指标", "三级指标", "指标值"],
                ["产出指标", "数量指标", "居民电子健康档案建档率", "≥90%"],
                ["效益指标", "社会效益指标", "城乡居民公共卫生差距", "不断缩小"]]


def read_bundled():
    with open(BUNDLED, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, data = rows[0], rows[1:]
    out = []
    for i, r in enumerate(data):
        level = int(r[0])
        has_rows = i + 1 < len(data) and int(data[i + 1][0]) > level
        # as a notice prints it: a unit leaves 0 blank, a subtotal prints 0
        cells = [a if has_rows or a != "0" else "" for a in r[2:]]
        out.append({"name": r[1], "cells": cells, "level": level})
    return header[2:], out


def wrap(text, n):
    return [text[i:i + n] for i in range(0, len(text), n)] or [""]


# ---- the font: Noto Sans CJK SC (CFF) as a small TrueType font reportlab can embed ----

def make_font(chars, path):
    from fontTools.ttLib import TTCollection, newTable
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    font = TTCollection(NOTO).fonts[2]  # Noto Sans CJK SC
    opts = subset.Options()
    opts.layout_features = []
    opts.notdef_outline = True
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=[ord(c) for c in chars])
    sub.subset(font)
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    font["maxp"].tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                 "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                 "maxComponentElements", "maxPoints", "maxContours", "maxCompositePoints",
                 "maxCompositeContours", "maxComponentDepth"):
        setattr(font["maxp"], attr, 0)
    font["maxp"].maxZones = 1
    font["head"].glyphDataFormat = 0
    font["head"].indexToLocFormat = 0
    font["post"].formatType = 2.0
    font["post"].extraNames = []
    font["post"].mapping = {}
    font["post"].glyphOrder = order
    font.sfntVersion = "\x00\x01\x00\x00"
    font.save(path)


# ---- reportlab ----

class Pages:
    """A reportlab canvas with the helpers the notice needs."""

    def __init__(self, path, font, encrypt=None):
        from reportlab.pdfgen import canvas
        from reportlab.lib.pagesizes import A4
        self.c = canvas.Canvas(path, pagesize=A4, invariant=1, encrypt=encrypt)
        self.font = font
        self.page = 0

    def text(self, x, y, s, size, align="left"):
        self.c.setFont(self.font, size)
        if align == "center":
            self.c.drawCentredString(x, y, s)
        elif align == "right":
            self.c.drawRightString(x, y, s)
        else:
            self.c.drawString(x, y, s)

    def end_page(self, width):
        self.page += 1
        self.text(width / 2, 30, "— %d —" % self.page, 10, "center")
        self.c.showPage()


def rl_letter(p):
    from reportlab.lib.pagesizes import A4
    w, h = A4
    p.c.setPageSize(A4)
    y = h - 90
    for kind, size, s in LETTER:
        if kind == "center":
            p.text(w / 2, y, s, size, "center")
            y -= size * 1.8
        elif kind == "right":
            p.text(w - 80, y, s, size, "right")
            y -= size * 1.8
        elif kind == "left":
            p.text(72, y, s, size)
            y -= size * 1.8
        else:
            for k, line in enumerate(wrap("　　" + s, 36)):
                p.text(72, y, line, size)
                y -= size * 1.6
            y -= size * 0.4
    p.end_page(w)


NAME_W, AMT_W, ROW_H, HDR_LINE = 130.0, 70.0, 15.0, 11.0


def rl_table_page(p, columns, rows, first, start_page_rows):
    from reportlab.lib.pagesizes import A4, landscape
    w, h = landscape(A4)
    p.c.setPageSize((w, h))
    left = (w - NAME_W - AMT_W * len(columns)) / 2
    right = w - left
    y = h - 40
    p.text(left, y, "附件1" if first else "续表", 12)
    y -= 26
    p.text(w / 2, y, TITLE, 15, "center")
    y -= 20
    p.text(right, y, "单位：万元", 10, "right")
    y -= 8
    # header: every long name wrapped at 6 characters, lines centred in a cell three lines high
    xs = [left, left + NAME_W] + [left + NAME_W + AMT_W * (i + 1) for i in range(len(columns))]
    hdr_h = HDR_LINE * 3 + 8
    top = y
    for k, name in enumerate(["拨款单位"] + columns):
        lines = wrap(name, 6)
        mid = (xs[k] + xs[k + 1]) / 2
        y0 = top - hdr_h / 2 + HDR_LINE * (len(lines) - 1) / 2 - 3
        for i, line in enumerate(lines):
            p.text(mid, y0 - i * HDR_LINE, line, 9, "center")
    y = top - hdr_h
    p.c.setLineWidth(0.5)
    p.c.line(left, top, right, top)
    p.c.line(left, y, right, y)
    for r in rows:
        p.text(xs[0] + 3, y - ROW_H + 4, r["name"], 9)
        for k, cell in enumerate(r["cells"]):
            if cell:
                p.text(xs[k + 2] - 3, y - ROW_H + 4, cell, 9, "right")
        y -= ROW_H
        p.c.line(left, y, right, y)
    for x in xs:
        p.c.line(x, top, x, y)
    p.end_page(w)


def rl_perf_page(p):
    from reportlab.lib.pagesizes import A4
    w, h = A4
    p.c.setPageSize(A4)
    y = h - 60
    p.text(72, y, "附件2", 12)
    y -= 30
    p.text(w / 2, y, PERF_TITLE, 15, "center")
    y -= 24
    p.text(w - 72, y, "单位：万元", 10, "right")
    y -= 24
    for grid in (PERF_HEADER and [PERF_HEADER] + PERF_ROWS, PERF_TARGETS):
        cw = (w - 144) / len(grid[0])
        for r in grid:
            for k, cell in enumerate(r):
                x = 72 + cw * k
                if k and cell[:1].isdigit():
                    p.text(x + cw - 4, y, cell, 10, "right")
                else:
                    p.text(x + 4, y, cell, 10)
            y -= 18
        y -= 30
    p.end_page(w)


def reportlab_pdf(path, font, columns, rows, letter=True, table=True, encrypt=None,
                  only_first=False):
    p = Pages(path, font, encrypt)
    if letter:
        rl_letter(p)
    if table:
        # 24 rows on a page: the first break falls inside 伊犁州 (rows 16 to 27)
        per = 24
        chunks = [rows[i:i + per] for i in range(0, len(rows), per)]
        names = [r["name"] for r in rows]
        yili = names.index("伊犁州")
        assert yili < per < yili + 10, "the page break must fall inside 伊犁州"
        for k, chunk in enumerate(chunks):
            rl_table_page(p, columns, chunk, k == 0, per)
            if only_first:
                break
        if not only_first:
            rl_perf_page(p)
    p.c.save()


# ---- LibreOffice Calc, from a workbook ----

def workbook(path, columns, rows):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.worksheet.pagebreak import Break
    wb = Workbook()
    ws = wb.active
    ws.title = "通知"
    ws.column_dimensions["A"].width = 80
    for i, (kind, size, s) in enumerate(LETTER, start=1):
        c = ws.cell(row=i, column=1, value=("　　" + s) if kind == "para" else s)
        c.font = Font(name="Noto Sans CJK SC", size=size)
        c.alignment = Alignment(horizontal={"center": "center", "right": "right"}.get(
            kind, "left"), wrap_text=kind == "para", vertical="top")
        if kind == "para":
            ws.row_dimensions[i].height = size * 1.5 * (len(s) // 40 + 1)
    ws.page_setup.orientation = "portrait"
    ws.oddFooter.center.text = "— &P —"

    t = wb.create_sheet("附件1")
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    t.cell(row=1, column=1, value="附件1")
    t.cell(row=2, column=1, value=TITLE).font = Font(size=15)
    t.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(columns) + 1)
    t.cell(row=2, column=1).alignment = Alignment(horizontal="center")
    u = t.cell(row=3, column=len(columns) + 1, value="单位：万元")
    u.alignment = Alignment(horizontal="right")
    for k, name in enumerate(["拨款单位"] + columns, start=1):
        c = t.cell(row=4, column=k, value=name)
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        c.border = box
    t.row_dimensions[4].height = 48
    t.column_dimensions["A"].width = 22
    for k in range(2, len(columns) + 2):
        t.column_dimensions[chr(ord("A") + k - 1)].width = 11
    for i, r in enumerate(rows, start=5):
        c = t.cell(row=i, column=1, value=r["name"])
        c.border = box
        for k, cell in enumerate(r["cells"], start=2):
            c = t.cell(row=i, column=k, value=int(cell) if cell else None)
            c.border = box
    names = [r["name"] for r in rows]
    kashi = names.index("喀什地区")
    t.row_breaks.append(Break(id=5 + kashi + 5))  # inside 喀什地区, after its 5th county
    t.print_title_rows = "4:4"
    t.page_setup.orientation = "landscape"
    t.page_setup.fitToWidth = 1
    t.page_setup.fitToHeight = 0
    t.sheet_properties.pageSetUpPr.fitToPage = True
    t.oddFooter.center.text = "— &P —"

    a = wb.create_sheet("附件2")
    a.cell(row=1, column=1, value="附件2")
    a.cell(row=2, column=1, value=PERF_TITLE)
    a.cell(row=3, column=4, value="单位：万元")
    r0 = 4
    for grid in ([PERF_HEADER] + PERF_ROWS, PERF_TARGETS):
        for r in grid:
            for k, cell in enumerate(r, start=1):
                v = int(cell) if cell.isdigit() else cell
                a.cell(row=r0, column=k, value=v).border = box
            r0 += 1
        r0 += 2
    for col in "ABCD":
        a.column_dimensions[col].width = 24
    wb.save(path)


def soffice(src, outdir):
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    try:
        subprocess.run(["soffice", "-env:UserInstallation=file://" + profile, "--headless",
                        "--convert-to", "pdf", "--outdir", outdir, src],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return os.path.join(outdir, os.path.splitext(os.path.basename(src))[0] + ".pdf")


# ---- LibreOffice Writer, from a .docx ----

def docx_file(path, columns, rows):
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, Cm
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Noto Sans CJK SC"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Noto Sans CJK SC")
    for kind, size, s in LETTER:
        par = doc.add_paragraph()
        run = par.add_run(("　　" + s) if kind == "para" else s)
        run.font.size = Pt(size)
        par.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER,
                         "right": WD_ALIGN_PARAGRAPH.RIGHT}.get(kind, WD_ALIGN_PARAGRAPH.LEFT)
    sec = doc.add_section()
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = sec.page_height, sec.page_width
    sec.left_margin = sec.right_margin = Cm(1.5)
    doc.add_paragraph("附件1")
    par = doc.add_paragraph(TITLE)
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    par = doc.add_paragraph("单位：万元")
    par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    table = doc.add_table(rows=1 + len(rows), cols=1 + len(columns))
    table.style = "Table Grid"
    widths = [Cm(4.2)] + [Cm(2.35)] * len(columns)
    hdr = table.rows[0]
    trpr = hdr._tr.get_or_add_trPr()
    rep = OxmlElement("w:tblHeader")
    rep.set(qn("w:val"), "true")
    trpr.append(rep)
    for k, name in enumerate(["拨款单位"] + columns):
        cell = hdr.cells[k]
        cell.width = widths[k]
        cell.paragraphs[0].add_run(name).font.size = Pt(9)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for i, r in enumerate(rows, start=1):
        cells = table.rows[i].cells
        cells[0].paragraphs[0].add_run(r["name"]).font.size = Pt(9)
        for k, v in enumerate(r["cells"], start=1):
            if v:
                cells[k].paragraphs[0].add_run(v).font.size = Pt(9)
                cells[k].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for k in range(len(cells)):
            cells[k].width = widths[k]
    par = doc.add_paragraph()
    par.add_run().add_break(WD_BREAK.PAGE)
    doc.add_paragraph("附件2")
    doc.add_paragraph(PERF_TITLE).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for grid in ([PERF_HEADER] + PERF_ROWS, PERF_TARGETS):
        t2 = doc.add_table(rows=len(grid), cols=len(grid[0]))
        t2.style = "Table Grid"
        for i, r in enumerate(grid):
            for k, v in enumerate(r):
                t2.rows[i].cells[k].text = v
        doc.add_paragraph()
    import datetime
    doc.core_properties.created = datetime.datetime(2024, 5, 20)
    doc.core_properties.modified = datetime.datetime(2024, 5, 20)
    doc.save(path)


YIYANG_LETTER = [
    "根据湘财社指〔2017〕79号文件精神，经研究，现下达你区自然灾害生活补助资金万元。并就有关事项"
    "通知如下：",
    "此次下拨资金应与你区安排的自然灾害生活救助资金统筹使用，主要用于灾区倒损房屋恢复重建支出。",
    "请将此款列入2017年政府支出功能分类科目第2081503项“自然灾害灾后重建补助”，经济分类科目303"
    "“对个人和家庭的补助”。",
    "附件：2017年自然灾害生活补助资金分配表（总表不下发）",
]
YIYANG_ROWS = [("资阳区", "150"), ("赫山区", "210"), ("大通湖区", "40"), ("合计", "400")]


def chromium_pdf(path, tmp):
    """The 益阳 notice as a web page printed by Chromium (headless)."""
    rows = "".join("<tr><td>%s</td><td class=n>%s</td><td></td></tr>" % r for r in YIYANG_ROWS)
    html = ("<!DOCTYPE html><html><head><meta charset=utf-8><style>"
            "body{font-family:'Noto Serif CJK SC';font-size:14pt;margin:2cm}"
            "h1{font-size:18pt;text-align:center}"
            "table{border-collapse:collapse;margin:auto;width:70%}"
            "td,th{border:1px solid #000;padding:4px 8px;font-size:12pt} td.n{text-align:right}"
            "</style></head><body>"
            "<h1>益阳市财政局 益阳市民政局关于下达2017年自然灾害生活补助资金的通知</h1>" +
            "".join("<p>%s</p>" % p for p in YIYANG_LETTER) +
            "<p style='text-align:right'>益阳市财政局 益阳市民政局<br>2017年8月28日</p>"
            "<div style='page-break-before:always'></div>"
            "<p style='text-align:center;font-size:16pt'>2017年自然灾害生活补助资金分配表</p>"
            "<p style='text-align:right;width:85%'>单位：万元</p>"
            "<table><tr><th>单位</th><th>补助资金（万元）</th><th>备注</th></tr>" + rows +
            "</table></body></html>")
    src = os.path.join(tmp, "yiyang.html")
    with open(src, "w", encoding="utf-8") as f:
        f.write(html)
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                    "--no-pdf-header-footer", "--print-to-pdf=" + path, src],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def pdftotext(pdf, txt):
    subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", pdf, txt], check=True)


def cid_pdf(columns, rows):
    """The notice set in STSong-Light, one of the Adobe CID fonts every PDF viewer must supply:
    reportlab writes its name and its widths, never its glyphs (a non-embedded font, as many
    notices made by older office suites are). poppler maps its character codes to Unicode only
    with the CMaps of poppler-data."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    reportlab_pdf(os.path.join(OUT, "cid-stsong.pdf"), "STSong-Light", columns, rows)
    pdftotext(os.path.join(OUT, "cid-stsong.pdf"), os.path.join(OUT, "cid-stsong.txt"))


def main():
    import sys
    os.makedirs(OUT, exist_ok=True)
    if sys.argv[1:] == ["yiyang"]:  # only the published notice (the others stay as committed)
        tmp = tempfile.mkdtemp(prefix="fenpei-pdf-")
        try:
            chromium_pdf(os.path.join(OUT, "yiyang.pdf"), tmp)
            pdftotext(os.path.join(OUT, "yiyang.pdf"), os.path.join(OUT, "yiyang.txt"))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return
    if sys.argv[1:] == ["cid"]:  # only the PDF with a non-embedded CJK font
        cid_pdf(*read_bundled())
        return
    columns, rows = read_bundled()
    tmp = tempfile.mkdtemp(prefix="fenpei-pdf-")
    try:
        chars = set("".join(s for _, _, s in LETTER) + TITLE + PERF_TITLE + "附件续表单位：万元拨款"
                    "— 0123456789%≥" + "".join(columns) + "".join(r["name"] for r in rows) +
                    "".join("".join(r) for r in PERF_ROWS + PERF_TARGETS) + "".join(PERF_HEADER))
        ttf = os.path.join(tmp, "NotoSansSC-subset.ttf")
        make_font(chars, ttf)
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont
        pdfmetrics.registerFont(TTFont("NotoSC", ttf))

        good = os.path.join(OUT, "reportlab.pdf")
        reportlab_pdf(good, "NotoSC", columns, rows)
        reportlab_pdf(os.path.join(OUT, "letter-only.pdf"), "NotoSC", columns, rows,
                      table=False)
        from reportlab.lib import pdfencrypt
        enc = pdfencrypt.StandardEncryption("secret", ownerPassword="owner", canPrint=1)
        reportlab_pdf(os.path.join(OUT, "encrypted.pdf"), "NotoSC", columns, rows, letter=False,
                      encrypt=enc, only_first=True)
        with open(good, "rb") as f:
            data = f.read()
        with open(os.path.join(OUT, "truncated.pdf"), "wb") as f:
            f.write(data[:len(data) * 6 // 10])

        # a scan: the first table page rendered to a grey image, and only the image kept
        subprocess.run(["pdftoppm", "-f", "2", "-l", "2", "-r", "50", "-gray", "-png", good,
                        os.path.join(tmp, "scan")], check=True)
        png = [f for f in os.listdir(tmp) if f.startswith("scan")][0]
        from reportlab.pdfgen import canvas
        from reportlab.lib.pagesizes import A4, landscape
        c = canvas.Canvas(os.path.join(OUT, "scanned.pdf"), pagesize=landscape(A4), invariant=1)
        c.drawImage(os.path.join(tmp, png), 0, 0, *landscape(A4))
        c.showPage()
        c.save()

        xlsx = os.path.join(tmp, "libreoffice.xlsx")
        workbook(xlsx, columns, rows)
        shutil.copy(soffice(xlsx, tmp), os.path.join(OUT, "libreoffice.pdf"))

        docx = os.path.join(tmp, "writer.docx")
        docx_file(docx, columns, rows)
        shutil.copy(soffice(docx, tmp), os.path.join(OUT, "writer.pdf"))

        chromium_pdf(os.path.join(OUT, "yiyang.pdf"), tmp)
        for name in ("reportlab", "libreoffice", "writer", "yiyang"):
            pdftotext(os.path.join(OUT, name + ".pdf"), os.path.join(OUT, name + ".txt"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
