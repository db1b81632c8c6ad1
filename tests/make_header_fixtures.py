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
Run from the repository root with /usr/bin/python3 (python3-openpyxl, python3-docx, libreoffice,
poppler-utils); the outputs are committed."""
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
    main()
