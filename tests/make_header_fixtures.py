#!/usr/bin/python3
"""Make the group-header fixtures of tests/test_header.c: one small allocation table whose header
takes two lines, a group cell 资金情况 spanning its three sub-columns 中央资金, 地方资金, 合计 (单位 and
备注 merged down over both lines), written by other producers than fenpei:
  group.xlsx       openpyxl, merged cells (B3:D3, A3:A4, E3:E4)
  group-lo.xlsx    the same re-saved by LibreOffice Calc
  group.docx       python-docx, the group cell merged across (w:gridSpan=3), 单位/备注 down (w:vMerge)
  group-lo.pdf     LibreOffice Calc's PDF of group.xlsx
  group-lo.txt     pdftotext -layout of that PDF (space-aligned text)
  group.txt        the table as tab-separated text (a viewer's copy: the group cell then two empty)
  group-writer.pdf LibreOffice Writer's PDF of group.docx (`printed`, below)
  group-rl.pdf     reportlab canvas, STSong-Light (UnicodeCIDFont, not embedded): text only, no
                   borders, 资金情况 centred over its three sub-columns, 单位 and 备注 half-way
                   down the two header lines, amounts right-aligned (`printed`)
  groups-rl.pdf    reportlab, STSong-Light: three groups side by side (C级, D级, 合计, each over
                   户数 and 补助资金, the 垫江 2021 layout), 序号 and 单位 half-way down (`printed`)
  groups-lo.xlsx   openpyxl: three groups side by side (中职, 高中, 合计, each merged over 人数
                   and 资金), 单位 merged down; groups-lo.pdf is LibreOffice Calc's PDF of it
                   (`sidebyside`, below)
  groups-word.docx python-docx: three groups side by side (小学, 初中, 合计, each merged over 学生数
                   and 补助资金, centred as WPS and Word users set headers), 地区 merged down;
                   groups-word.pdf is LibreOffice Writer's PDF of it (`sidebyside`)
  groups-wordl.*   the same with the header cells left as python-docx leaves them: at the left
                   of their merged cells, each group's name where its first sub-column starts
  group-*.txt      pdftotext -layout of each PDF
Run from the repository root with /usr/bin/python3 (python3-openpyxl, python3-docx, libreoffice,
poppler-utils; python3-reportlab for group-rl.pdf); the outputs are committed.
`make_header_fixtures.py printed` makes only group-writer.pdf, group-rl.pdf and groups-rl.pdf (and
their text), `make_header_fixtures.py sidebyside` only groups-lo.* and groups-word.*, leaving the
others as committed."""
import os
import shutil
import subprocess
import tempfile

D = "tests/data/header"
TITLE = "2024年某项补助资金分配表"
ROWS = [  # name, 中央资金, 地方资金, 合计, 备注
    ("合计", "300", "150", "450", ""),
    ("甲市", "200", "100", "300", ""),
    ("甲县", "120", "60", "180", "含结转"),
    ("乙县", "80", "40", "120", ""),
    ("乙市", "100", "50", "150", ""),
]
SUBS = ["中央资金", "地方资金", "合计"]


def number(s):
    return int(s) if s else None


def write_xlsx(path):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment
    wb = Workbook()
    ws = wb.active
    ws.title = "附件1"
    ws["A1"] = TITLE
    ws.merge_cells("A1:E1")
    ws["A2"] = "单位：万元"
    ws["A3"] = "单位"
    ws.merge_cells("A3:A4")
    ws["B3"] = "资金情况"
    ws.merge_cells("B3:D3")
    ws["E3"] = "备注"
    ws.merge_cells("E3:E4")
    for k, s in enumerate(SUBS):
        ws.cell(row=4, column=2 + k, value=s)
    for i, r in enumerate(ROWS):
        ws.cell(row=5 + i, column=1, value=r[0])
        for k in range(3):
            ws.cell(row=5 + i, column=2 + k, value=number(r[1 + k]))
        if r[4]:
            ws.cell(row=5 + i, column=5, value=r[4])
    for row in ws.iter_rows(min_row=3, max_row=4):
        for c in row:
            c.alignment = Alignment(horizontal="center", vertical="center")
    ws.column_dimensions["A"].width = 14
    wb.properties.created = wb.properties.modified = __import__("datetime").datetime(2024, 1, 1)
    wb.save(path)


def write_docx(path):
    from docx import Document
    doc = Document()
    doc.add_paragraph(TITLE)
    doc.add_paragraph("单位：万元")
    t = doc.add_table(rows=2 + len(ROWS), cols=5)
    t.style = "Table Grid"
    t.cell(0, 0).text = "单位"
    t.cell(0, 0).merge(t.cell(1, 0))
    g = t.cell(0, 1).merge(t.cell(0, 3))
    g.text = "资金情况"
    t.cell(0, 4).text = "备注"
    t.cell(0, 4).merge(t.cell(1, 4))
    for k, s in enumerate(SUBS):
        t.cell(1, 1 + k).text = s
    for i, r in enumerate(ROWS):
        for k in range(5):
            t.cell(2 + i, k).text = r[k]
    doc.core_properties.created = doc.core_properties.modified = \
        __import__("datetime").datetime(2024, 1, 1)
    doc.save(path)


def write_text(path):
    lines = [TITLE, "单位：万元", "单位\t资金情况\t\t\t备注", "\t" + "\t".join(SUBS) + "\t"]
    lines += ["\t".join(r) for r in ROWS]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def soffice(src, fmt, outdir):
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    try:
        subprocess.run(["soffice", "-env:UserInstallation=file://" + profile, "--headless",
                        "--convert-to", fmt, "--outdir", outdir, src],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def write_reportlab(path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(path, pagesize=A4, invariant=1)
    c.setFont("STSong-Light", 10)
    top = A4[1] - 72
    c.drawString(72, top, TITLE)
    c.drawString(72, top - 16, "单位：万元")
    # columns: 单位 left edge, then the right edges of the three amounts, the remark's left edge
    name_x, rights, remark_x = 72, [190, 250, 300], 318
    widths = [60, 60, 50]  # the cells of the sub-columns, right-aligned amounts at their ends
    y1, y2 = top - 40, top - 54  # the two header lines
    c.drawCentredString(name_x + 20, (y1 + y2) / 2, "单位")
    left = rights[0] - widths[0]
    c.drawCentredString((left + rights[-1]) / 2, y1, "资金情况")
    for r, w, s in zip(rights, widths, SUBS):
        c.drawCentredString(r - w / 2, y2, s)
    c.drawCentredString(remark_x + 15, (y1 + y2) / 2, "备注")
    y = y2 - 16
    for row in ROWS:
        c.drawString(name_x, y, row[0])
        for r, v in zip(rights, row[1:4]):
            c.drawRightString(r, y, v)
        if row[4]:
            c.drawString(remark_x, y, row[4])
        y -= 14
    c.showPage()
    c.save()


def write_reportlab_groups(path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(path, pagesize=A4, invariant=1)
    c.setFont("STSong-Light", 10)
    top = A4[1] - 72
    c.drawString(72, top, "某县2021年危房改造补助资金计划表")
    c.drawString(72, top - 16, "单位：万元")
    y1, y2 = top - 40, top - 54
    c.drawCentredString(85, (y1 + y2) / 2, "序号")
    c.drawCentredString(130, (y1 + y2) / 2, "单位")
    cells = [(160, 40), (200, 60), (260, 40), (300, 60), (360, 45), (405, 60)]  # left, width
    for gi, g in enumerate(["C级", "D级", "合计"]):
        left, (l2, w2) = cells[2 * gi][0], cells[2 * gi + 1]
        c.drawCentredString((left + l2 + w2) / 2, y1, g)
    for (left, w), s in zip(cells, ["户数", "补助资金", "户数", "补助资金", "总户数", "补助资金"]):
        c.drawCentredString(left + w / 2, y2, s)
    rows = [("1", "甲镇", "1", "0.75", "3", "6.30", "4", "7.05"),
            ("2", "乙镇", "2", "1.50", "1", "2.10", "3", "3.60"),
            ("", "合计", "3", "2.25", "4", "8.40", "7", "10.65")]
    y = y2 - 16
    for row in rows:
        c.drawCentredString(85, y, row[0])
        c.drawString(115, y, row[1])
        for (left, w), v in zip(cells, row[2:]):
            c.drawRightString(left + w - 4, y, v)
        y -= 14
    c.showPage()
    c.save()


def printed_by_libreoffice(name):
    """LibreOffice's PDF of D/NAME (a workbook or a Word file) beside it, and its -layout text."""
    stem = os.path.splitext(name)[0]
    tmp = tempfile.mkdtemp(prefix="fenpei-header-")
    try:
        shutil.copy(f"{D}/{name}", tmp)
        soffice(f"{tmp}/{name}", "pdf", tmp)
        shutil.copy(f"{tmp}/{stem}.pdf", f"{D}/{stem}.pdf")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    subprocess.run(["pdftotext", "-layout", f"{D}/{stem}.pdf", f"{D}/{stem}.txt"], check=True)


def sidebyside():
    """groups-lo.xlsx, LibreOffice Calc's groups-lo.pdf of it, and its pdftotext -layout text:
    another instance of side-by-side groups, from other producers than groups-rl.pdf."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Side
    wb = Workbook()
    ws = wb.active
    ws.title = "附件"
    ws.append(["2023年中等职业教育和普通高中国家助学金分配表"])
    ws.append(["单位：人、万元"])
    ws.append(["单位", "中职", None, "高中", None, "合计", None])
    ws.append([None, "人数", "资金", "人数", "资金", "人数", "资金"])
    rows = [("合计", 1250, "250.00", 2100, "420.00", 3350, "670.00"),
            ("东城区", 450, "90.00", 800, "160.00", 1250, "250.00"),
            ("西城区", 500, "100.00", 700, "140.00", 1200, "240.00"),
            ("南山县", 300, "60.00", 600, "120.00", 900, "180.00")]
    for r in rows:
        ws.append([r[0]] + [x if isinstance(x, int) else float(x) for x in r[1:]])
    ws.merge_cells("A3:A4")
    for a, b in (("B3", "C3"), ("D3", "E3"), ("F3", "G3")):
        ws.merge_cells(f"{a}:{b}")
    thin = Side(style="thin")
    for row in ws.iter_rows(min_row=3, max_row=8, max_col=7):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(horizontal="center", vertical="center")
    for row in ws.iter_rows(min_row=5, max_row=8, min_col=3, max_col=7):
        for cell in row:
            if cell.column in (3, 5, 7):
                cell.number_format = "0.00"
    ws.column_dimensions["A"].width = 12
    wb.save(f"{D}/groups-lo.xlsx")
    printed_by_libreoffice("groups-lo.xlsx")


def word_groups(name, centred):
    """NAME.docx, LibreOffice Writer's NAME.pdf of it, and its -layout text; the header cells
    CENTRED or left as python-docx leaves them (Word's default: at the left)."""
    from docx import Document
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    d = Document()
    d.add_paragraph("2022年农村义务教育学生营养改善计划补助资金分配表")
    d.add_paragraph("单位：万元")
    t = d.add_table(rows=6, cols=7)
    t.style = "Table Grid"
    sub = ["", "学生数", "补助资金", "学生数", "补助资金", "学生数", "补助资金"]
    rows = [("合计", "3000", "150.5", "2000", "100.25", "5000", "250.75"),
            ("甲区", "1000", "50.5", "800", "40.25", "1800", "90.75"),
            ("乙区", "1200", "60", "700", "35", "1900", "95"),
            ("丙县", "800", "40", "500", "25", "1300", "65")]
    for i, v in enumerate(sub):
        t.cell(1, i).text = v
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            t.cell(2 + r, c).text = v
    t.cell(0, 1).merge(t.cell(0, 2)).text = "小学"
    t.cell(0, 3).merge(t.cell(0, 4)).text = "初中"
    t.cell(0, 5).merge(t.cell(0, 6)).text = "合计"
    t.cell(0, 0).merge(t.cell(1, 0)).text = "地区"
    for r in range(2):
        for c in range(7):
            if centred:
                for p in t.cell(r, c).paragraphs:
                    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                t.cell(r, c).vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    d.save(f"{D}/{name}.docx")
    printed_by_libreoffice(f"{name}.docx")


def printed():
    """group-writer.pdf and group-rl.pdf with their pdftotext -layout text."""
    tmp = tempfile.mkdtemp(prefix="fenpei-header-")
    try:
        shutil.copy(f"{D}/group.docx", f"{tmp}/group-writer.docx")
        soffice(f"{tmp}/group-writer.docx", "pdf", tmp)
        shutil.copy(f"{tmp}/group-writer.pdf", f"{D}/group-writer.pdf")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    write_reportlab(f"{D}/group-rl.pdf")
    write_reportlab_groups(f"{D}/groups-rl.pdf")
    for name in ("group-writer", "group-rl", "groups-rl"):
        subprocess.run(["pdftotext", "-layout", f"{D}/{name}.pdf", f"{D}/{name}.txt"],
                       check=True)


def main():
    os.makedirs(D, exist_ok=True)
    write_xlsx(f"{D}/group.xlsx")
    write_docx(f"{D}/group.docx")
    write_text(f"{D}/group.txt")
    tmp = tempfile.mkdtemp(prefix="fenpei-header-")
    try:
        shutil.copy(f"{D}/group.xlsx", f"{tmp}/group-lo.xlsx")
        out = f"{tmp}/out"
        os.makedirs(out)
        soffice(f"{tmp}/group-lo.xlsx", "xlsx:Calc MS Excel 2007 XML", out)
        shutil.copy(f"{out}/group-lo.xlsx", f"{D}/group-lo.xlsx")
        soffice(f"{tmp}/group-lo.xlsx", "pdf", out)
        shutil.copy(f"{out}/group-lo.pdf", f"{D}/group-lo.pdf")
        subprocess.run(["pdftotext", "-layout", f"{D}/group-lo.pdf", f"{D}/group-lo.txt"],
                       check=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    import sys
    if sys.argv[1:] == ["printed"]:
        printed()
    elif sys.argv[1:] == ["sidebyside"]:
        sidebyside()
        word_groups("groups-word", True)
        word_groups("groups-wordl", False)
    else:
        main()
