#!/usr/bin/python3
"""tests/make_xlsx_fixtures.py — write the XLSX fixtures of tests/test_xlsx_read.c.

The workbooks come from writers independent of fenpei: python3-openpyxl (Debian) and
LibreOffice headless. Run it from the repository root with Debian's python3 (the one with
openpyxl) and commit what it writes to tests/data/xlsx/:

    /usr/bin/python3 tests/make_xlsx_fixtures.py

LibreOffice is optional: without it the lo-*.xlsx files are left as they are.
"""
import csv
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile

import openpyxl
from openpyxl.styles import Alignment, Font

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUNDLED = os.path.join(ROOT, "allocations", "xinjiang-2024-basic-public-health-batch2.csv")
OUT = os.path.join(ROOT, "tests", "data", "xlsx")
TITLE = "2024年自治区基本公共卫生服务补助资金（第二批）分配表"


def bundled_rows():
    with open(BUNDLED, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def number(text):
    """The cell value of a CSV text: an int or a float when it is a number, else the text."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def fix_time(path):
    """openpyxl stamps the creation time into docProps/core.xml; pin it so that reruns write
    the same bytes."""
    tmp = path + ".tmp"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "docProps/core.xml":
                import re
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2024-03-01T00:00:00Z", data)
            info = zipfile.ZipInfo(item.filename, date_time=(2024, 3, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(info, data)
    os.replace(tmp, path)


def save(wb, name):
    path = os.path.join(OUT, name)
    wb.save(path)
    fix_time(path)
    return path


def bundled_workbook(as_numbers):
    """The bundled table under a merged title row and a 单位：万元 line, on sheet 附件1."""
    rows = bundled_rows()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "附件1"
    ncols = len(rows[0])
    ws.cell(row=1, column=1, value=TITLE).font = Font(bold=True, size=14)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    ws.cell(row=2, column=1, value="单位：万元")
    for r, row in enumerate(rows, start=3):
        for c, text in enumerate(row, start=1):
            if text == "":
                continue
            value = text if (r == 3 or not as_numbers) else number(text)
            ws.cell(row=r, column=c, value=value)
    return wb


def bundled_formulas():
    """The bundled table as a script writes it with openpyxl: every subtotal, 全年 and 此次下达
    a formula (SUM of the rows below, SUM of the categories, 全年 − 已提前下达), stored without
    a cached value."""
    from openpyxl.utils import get_column_letter
    rows = bundled_rows()
    wb = bundled_workbook(True)
    ws = wb.active
    head = rows[0]
    levels = [int(r[0]) for r in rows[1:]]
    total, advance, batch = head.index("全年应拨付资金合计"), head.index("已提前下达"), head.index("此次下达")
    first = 4  # sheet row of the first data row
    for i, level in enumerate(levels):
        r = first + i
        kids = []
        for j in range(i + 1, len(levels)):
            if levels[j] <= level:
                break
            if levels[j] == level + 1:
                kids.append(first + j)
        for c in range(2, len(head)):
            col = get_column_letter(c + 1)
            if c == batch:
                ws.cell(row=r, column=c + 1,
                        value=f"={get_column_letter(total + 1)}{r}-{get_column_letter(advance + 1)}{r}")
            elif c == total:
                ws.cell(row=r, column=c + 1,
                        value=f"=SUM({get_column_letter(3)}{r}:{get_column_letter(total)}{r})")
            elif kids:
                # contiguous children as one range, else a list
                parts, k = [], 0
                while k < len(kids):
                    m = k
                    while m + 1 < len(kids) and kids[m + 1] == kids[m] + 1:
                        m += 1
                    parts.append(f"{col}{kids[k]}" + (f":{col}{kids[m]}" if m > k else ""))
                    k = m + 1
                ws.cell(row=r, column=c + 1, value="=SUM(" + ",".join(parts) + ")")
    return wb


def several_sheets():
    """A notes sheet, two tables, and a hidden sheet: the default is the first table."""
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "说明"
    notes["A1"] = "本工作簿有两张表。"
    notes["A3"] = "表1：第一批；表2：第二批。"
    t1 = wb.create_sheet("表1")
    for row in [["级次", "单位", "金额"], [0, "总计", 30], [1, "甲", 10], [1, "乙", 20]]:
        t1.append(row)
    t2 = wb.create_sheet("表2")
    for row in [["级次", "单位", "金额"], [0, "总计", 7.5], [1, "丙", 3.25], [1, "丁", 4.25]]:
        t2.append(row)
    hidden = wb.create_sheet("隐藏")
    hidden.sheet_state = "hidden"
    hidden.append(["a", "b"])
    return wb


def mixed_cells():
    """Booleans, an error, empty and missing cells, shared strings used many times."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["级次", "单位", "金额", "备注", "核对"])
    ws.append([0, "总计", 12, "合计行", True])
    ws.append([1, "甲", 5, None, False])
    ws.append([1, "乙", None, "备注", True])  # a blank amount
    ws.append([1, "丙", 7, "备注", "#N/A"])   # openpyxl writes "#N/A" as an error cell
    for r in range(6, 60):                    # many rows sharing the same strings
        ws.append([1, "县%d" % (r - 5), 0, "备注", "合计行"])
    ws.cell(row=2, column=3).value = 12
    return wb


def bomb():
    """A tiny workbook whose central directory claims a 1.5 GiB sheet: refused before reading."""
    path = os.path.join(OUT, "bomb.xlsx")
    shutil.copy(os.path.join(OUT, "several-sheets.xlsx"), path)
    data = bytearray(open(path, "rb").read())
    name = b"xl/worksheets/sheet2.xml"
    at = 0
    while True:
        at = data.find(b"PK\x01\x02", at)
        if at < 0:
            sys.exit("bomb: no central directory entry for " + name.decode())
        nlen = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + nlen]) == name:
            struct.pack_into("<I", data, at + 24, 0x60000000)  # uncompressed size
            break
        at += 46
    open(path, "wb").write(bytes(data))


def libreoffice():
    """The bundled CSV and the openpyxl workbook, each converted by LibreOffice."""
    lo = shutil.which("libreoffice") or shutil.which("soffice")
    if not lo:
        print("LibreOffice not found: lo-*.xlsx left as they are", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, HOME=tmp)
        csv_in = os.path.join(tmp, "lo-from-csv.csv")
        shutil.copy(BUNDLED, csv_in)
        xlsx_in = os.path.join(tmp, "src", "lo-from-openpyxl.xlsx")
        os.mkdir(os.path.dirname(xlsx_in))
        shutil.copy(os.path.join(OUT, "bundled-numbers.xlsx"), xlsx_in)
        out = os.path.join(tmp, "out")
        # 44 = comma, 34 = double quote, 76 = UTF-8, 1 = start at line 1
        subprocess.run([lo, "--headless", "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx",
                        "--outdir", out, csv_in], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run([lo, "--headless", "--convert-to", "xlsx", "--outdir", out, xlsx_in],
                       env=env, check=True, stdout=subprocess.DEVNULL)
        for name in ("lo-from-csv.xlsx", "lo-from-openpyxl.xlsx"):
            shutil.copy(os.path.join(out, name), os.path.join(OUT, name))


def main():
    os.makedirs(OUT, exist_ok=True)
    save(bundled_workbook(True), "bundled-numbers.xlsx")
    save(bundled_workbook(False), "bundled-text.xlsx")
    save(bundled_formulas(), "bundled-formulas.xlsx")
    save(several_sheets(), "several-sheets.xlsx")
    save(mixed_cells(), "mixed-cells.xlsx")
    bomb()
    libreoffice()


if __name__ == "__main__":
    main()
