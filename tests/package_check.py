#!/usr/bin/python3
"""tests/package_check.py — the 下达 package read back by independent readers (python-docx, openpyxl).

usage: /usr/bin/python3 tests/package_check.py FENPEI_BINARY SOURCE_DIR

Writes the package of the bundled table (with --split) into a temporary folder and checks: the
letter's text states 3327 万元, the 25933/29260 and the 210/3117 parts, every code and the mark
given; each feedback sheet's 资金金额 equals its recipient's 此次下达, with the formulas; every
split table passes 'fenpei check' and its 总计 equals the prefecture's row; a rerun gives the
same bytes for every file; nothing is replaced without --force. The bureau template (placeholders
split over runs, bold, in a table cell and the page header) is filled correctly. Letters: the
right amounts exit 0, one amount changed gives exactly that error. A folder of 50 tables (some
faulty, one unreadable) is checked in one call with the right summary. Prints one line per
failure and 'N passed, M failed'; exits non-zero when anything failed.
"""
import csv
import filecmp
import json
import os
import subprocess
import sys
import tempfile
from decimal import Decimal

import docx
import openpyxl

passed = failed = 0

DOC_NUMBER = "新财社〔2024〕24号"
TITLE = "关于下达2024年自治区基本公共卫生服务补助资金（第二批）的通知"
FUND = "2024年自治区基本公共卫生服务补助资金（第二批）"
INCOME = "1100249 医疗卫生共同财政事权转移支付收入"
EXPENSE = "2100408 基层公共卫生服务"
MARK = "01 自治区直达资金"
ISSUER = "新疆维吾尔自治区财政厅"


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {what}")
    return cond


def run(args):
    return subprocess.run(args, capture_output=True, text=True)


def load_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def docx_text(path):
    d = docx.Document(path)
    lines = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            lines.append("\t".join(c.text for c in row.cells))
    return d, "\n".join(lines)


def package_args(fenpei, table, out, *extra):
    return [fenpei, "package", table, "-o", out, "--issuer", ISSUER, "--doc-number", DOC_NUMBER,
            "--title", TITLE, "--income-code", INCOME, "--expense-code", EXPENSE,
            "--direct-funds", MARK, "--date", "2024年3月15日", *extra]


def all_files(root):
    out = []
    for d, _, files in os.walk(root):
        for f in files:
            out.append(os.path.relpath(os.path.join(d, f), root))
    return sorted(out)


def check_letter(path):
    _, text = docx_text(path)
    for want in ["现下达" + FUND + "3327万元", "自治区本级210万元", "地州3117万元",
                 "已提前下达的25933万元", "全年共安排29260万元", DOC_NUMBER, TITLE,
                 INCOME, EXPENSE, MARK, ISSUER, "2024年3月15日", "伊犁州、塔城地区"]:
        check(want in text, f"letter states «{want}»")
    check("{{" not in text and "}}" not in text, "no placeholder left in the letter")


def check_feedback(path, table):
    header, body = load_csv(table)
    name, batch, level = header.index("单位"), header.index("此次下达"), header.index("级次")
    # recipients: the four 自治区本级 units and the 14 地州 (level 2), those with money in this batch
    want = {r[name]: Decimal(r[batch]) for r in body if r[level] == "2" and Decimal(r[batch])}
    wb = openpyxl.load_workbook(path)
    check(sorted(wb.sheetnames) == sorted(want), f"feedback sheets {wb.sheetnames}")
    heads = ["序号", "收到的财政专项资金名称", "文号", "资金金额", "实际支出金额", "资金支出方向",
             "未支出金额", "实际支出进度", "原因", "整改措施"]
    for sheet in wb.sheetnames:
        ws = wb[sheet]
        check([c.value for c in ws[3]] == heads, f"{sheet}: header {[c.value for c in ws[3]]}")
        check(ws["B4"].value == FUND, f"{sheet}: 资金名称 {ws['B4'].value}")
        check(ws["C4"].value == DOC_NUMBER, f"{sheet}: 文号 {ws['C4'].value}")
        check(Decimal(str(ws["D4"].value)) == want.get(sheet),
              f"{sheet}: 资金金额 {ws['D4'].value}, 此次下达 {want.get(sheet)}")
        check(ws["G4"].value == "=D4-E4", f"{sheet}: 未支出金额 formula {ws['G4'].value}")
        check(ws["H4"].value == "=IF(D4=0,0,E4/D4)", f"{sheet}: 进度 formula {ws['H4'].value}")
        check(ws["A5"].value == "合计" and ws["D5"].value == "=SUM(D4:D4)", f"{sheet}: 合计 row")
        check(any(str(ws.cell(r, 1).value or "").startswith("说明") for r in range(6, 12)),
              f"{sheet}: 说明 lines")
        check(ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape",
              f"{sheet}: A4 landscape")
        check(ws.print_area is not None and "$J$" in str(ws.print_area), f"{sheet}: print area")
        check(ws.sheet_properties.pageSetUpPr.fitToPage and
              ws.page_setup.fitToWidth in (None, 1, "1") and str(ws.page_setup.fitToHeight) == "0",
              f"{sheet}: one page wide")
    # the cached values of the formulas
    wbv = openpyxl.load_workbook(path, data_only=True)
    for sheet in wbv.sheetnames:
        ws = wbv[sheet]
        check(Decimal(str(ws["G4"].value)) == want.get(sheet), f"{sheet}: cached 未支出金额")


def check_split(fenpei, out, table):
    header, body = load_csv(table)
    name, level = header.index("单位"), header.index("级次")
    amount_cols = range(2, len(header))
    prefectures = {}
    for i, r in enumerate(body):
        if r[level] == "2" and i + 1 < len(body) and body[i + 1][level] == "3":
            prefectures[r[name]] = r
    split = os.path.join(out, "对下分解")
    check(sorted(os.listdir(split)) == sorted(prefectures),
          f"对下分解 folders {sorted(os.listdir(split))}")
    for pref, row in prefectures.items():
        folder = os.path.join(split, pref)
        check(sorted(os.listdir(folder)) ==
              sorted(["分配表.csv", "附件1 分配表.xlsx", "附件3 跟踪反馈表.xlsx", "通知.docx"]),
              f"{pref}: files {os.listdir(folder)}")
        # the onward letter: cites this notice, keeps its codes and mark, states the prefecture's
        # figures, and checks clean against its own table
        _, onward = docx_text(os.path.join(folder, "通知.docx"))
        batch = header.index("此次下达")
        for want in [f"《{TITLE}》（{DOC_NUMBER}）", f"现下达{FUND}{row[batch]}万元", INCOME,
                     EXPENSE, MARK, f"{pref}财政局", "关于转下达"]:
            check(want in onward, f"{pref}: onward letter states «{want}»")
        p = run([fenpei, "check", os.path.join(folder, "分配表.csv"), "--letter",
                 os.path.join(folder, "通知.docx")])
        check(p.returncode == 0 and "0 个错误，0 个警告" in p.stdout,
              f"{pref}: onward letter against its table: {p.stdout[-200:]}")
        csv_path = os.path.join(folder, "分配表.csv")
        p = run([fenpei, "check", csv_path])
        check(p.returncode == 0, f"{pref}: split table fails check: {p.stdout}{p.stderr}")
        h, b = load_csv(csv_path)
        check(h == header, f"{pref}: split columns {h}")
        check(b[0][name] == "总计" and b[0][level] == "0", f"{pref}: first row {b[0][:2]}")
        check([Decimal(b[0][c] or 0) for c in amount_cols] ==
              [Decimal(row[c] or 0) for c in amount_cols],
              f"{pref}: 总计 {b[0]} against the prefecture's row {row}")
        wb = openpyxl.load_workbook(os.path.join(folder, "附件1 分配表.xlsx"))
        ws = wb.worksheets[0]
        check(ws["A1"].value == "附件1" and ws.oddHeader.right.text == DOC_NUMBER,
              f"{pref}: 附件1 line {ws['A1'].value}, print header {ws.oddHeader.right.text}")
        check(ws["A2"].value == f"{pref}{FUND}分配表", f"{pref}: title {ws['A2'].value}")
        fb = openpyxl.load_workbook(os.path.join(folder, "附件3 跟踪反馈表.xlsx"))
        counties = {r[name].replace("其中：", ""): Decimal(r[-1]) for r in b[1:]
                    if r[level] == "1" and Decimal(r[-1])}
        check(sorted(fb.sheetnames) == sorted(counties), f"{pref}: feedback sheets {fb.sheetnames}")
        for s in fb.sheetnames:
            check(Decimal(str(fb[s]["D4"].value)) == counties[s], f"{pref}/{s}: 资金金额")
            check(fb[s]["C4"].value == DOC_NUMBER, f"{pref}/{s}: 文号")


def check_bureau(fenpei, src, tmp, table):
    out = os.path.join(tmp, "bureau")
    template = os.path.join(src, "tests", "data", "package", "bureau_template.docx")
    p = run([fenpei, "package", table, "-o", out, "--template", template, "--issuer", ISSUER,
             "--doc-number", DOC_NUMBER, "--title", TITLE, "--income-code", INCOME,
             "--expense-code", EXPENSE, "--date", "2024年3月15日"])
    if not check(p.returncode == 0, f"bureau template: exit {p.returncode}: {p.stderr}"):
        return
    d = docx.Document(os.path.join(out, "通知.docx"))
    paras = [p.text for p in d.paragraphs]
    check(paras[0] == ISSUER + "文件", f"split {{{{发文机关}}}}: {paras[0]}")
    check(paras[1] == DOC_NUMBER, f"{{ and }} split apart: {paras[1]}")
    check(paras[2] == TITLE, f"bold title: {paras[2]}")
    check(paras[3].startswith("自治区卫生健康委、") and paras[3].endswith("和田地区："),
          f"主送 with spaces inside the braces: {paras[3]}")
    check(paras[4] == f"现下达{FUND}共计3327万元，全年29260万元，已提前下达25933万元。",
          f"placeholders over runs: {paras[4]}")
    bold = [r.text for r in d.paragraphs[4].runs if r.bold]
    check("".join(bold) == "3327万元", f"the bold run keeps the amount: {bold}")
    check(d.paragraphs[0].runs[1].bold and d.paragraphs[0].runs[1].text == ISSUER,
          "the value takes the bold run of the name")
    check(not any("直达资金标识" in t for t in paras),
          "the paragraph of a placeholder with no value (no --direct-funds) is left out")
    cells = [[c.text for c in row.cells] for row in d.tables[0].rows]
    check(cells == [["收入科目", INCOME], ["支出科目", EXPENSE]], f"table cells: {cells}")
    check(d.sections[0].header.paragraphs[0].text == DOC_NUMBER, "page header")
    check(paras[-1] == ISSUER + "　2024年3月15日", f"two placeholders in one run: {paras[-1]}")
    # a template naming a placeholder fenpei does not know is refused, nothing written
    bad = os.path.join(tmp, "unknown.docx")
    d = docx.Document(template)
    d.add_paragraph("{{批次}}")
    d.save(bad)
    p = run([fenpei, "package", table, "-o", os.path.join(tmp, "never"), "--template", bad,
             "--title", TITLE])
    check(p.returncode == 2 and "{{批次}}" in p.stderr, f"unknown placeholder: {p.stderr}")
    check(not os.path.exists(os.path.join(tmp, "never")), "nothing left after a refused template")


def check_letters(fenpei, tmp, table, letter_docx):
    _, text = docx_text(letter_docx)
    good = os.path.join(tmp, "letter.txt")
    with open(good, "w", encoding="utf-8") as f:
        f.write(text)
    p = run([fenpei, "check", table, "--letter", good])
    check(p.returncode == 0, f"the right letter: exit {p.returncode}: {p.stdout}{p.stderr}")
    check("5 处金额，5 处与表一致，0 个错误，0 个警告" in p.stdout, f"letter summary: {p.stdout}")
    p = run([fenpei, "check", table, "--letter", letter_docx])
    check(p.returncode == 0, f"the .docx letter: exit {p.returncode}: {p.stdout}{p.stderr}")
    bad = os.path.join(tmp, "letter-bad.txt")
    with open(bad, "w", encoding="utf-8") as f:
        f.write(text.replace("地州3117万元", "地州3171万元"))
    p = run([fenpei, "check", table, "--letter", bad, "--format", "json"])
    check(p.returncode == 1, f"one amount changed: exit {p.returncode}")
    r = json.loads(p.stdout)
    errors = [x for x in r["letter"]["findings"] if x["severity"] == "error"]
    check(r["letter"]["errors"] == 1 and r["letter"]["warnings"] == 0 and len(errors) == 1,
          f"exactly one error: {r['letter']}")
    if errors:
        e = errors[0]
        check((e["stated"], e["expected"], e["unit"], e["column"]) ==
              ("3171", "3117", "地州合计", "此次下达"), f"the error: {e}")
    p = run([fenpei, "check", table, "--letter", bad])
    check("通知写 3171，表中 地州合计 此次下达 为 3117" in p.stdout, f"text error line: {p.stdout}")


def check_folder(fenpei, tmp, table):
    folder = os.path.join(tmp, "many")
    os.makedirs(folder)
    text = open(table, encoding="utf-8").read()
    faulty = {7, 19, 33, 41}
    for i in range(50):
        t = text
        if i in faulty:  # one county's figure mistyped
            t = t.replace("\n3,天山区,316,", "\n3,天山区,326,")
        name = os.path.join(folder, f"表{i:02d}.csv")
        with open(name, "w", encoding="utf-8") as f:
            f.write(t if i != 25 else "这不是一张表\n")
    p = run([fenpei, "check", folder])
    check(p.returncode == 2, f"folder: exit {p.returncode} (the worst: one unreadable)")
    check("共 50 个文件：45 个通过，4 个有错误，1 个无法读取。" in p.stdout, f"summary: {p.stdout[-200:]}")
    check("表25.csv" in p.stdout and "无法读取" in p.stdout, "the unreadable file is named")
    p = run([fenpei, "check", folder, "--format", "json"])
    r = json.loads(p.stdout)
    files = r["files"]
    check(len(files) == 50, f"json files {len(files)}")
    errs = sorted(i for i, f in enumerate(files) if f.get("errors"))
    check(errs == sorted(faulty), f"files with errors {errs}")
    check(files[25]["rows"] is None and "failure" in files[25], f"unreadable entry {files[25]}")
    check(all(f["rows"] == 119 for i, f in enumerate(files) if i != 25), "rows of every table")
    check(all(f["findings"] for i, f in enumerate(files) if i in faulty), "findings listed")
    # without the unreadable file: exit 1; the summary workbook links every audit
    os.remove(os.path.join(folder, "表25.csv"))
    summary = os.path.join(tmp, "汇总.xlsx")
    p = run([fenpei, "check", folder, "--xlsx", summary])
    check(p.returncode == 1, f"folder with faults: exit {p.returncode}: {p.stderr}")
    wb = openpyxl.load_workbook(summary)
    ws = wb["汇总"]
    check(ws.max_row == 2 + 49, f"summary rows {ws.max_row}")
    links = [ws.cell(r, 6).hyperlink for r in range(3, 52)]
    check(all(l is not None for l in links), "every line links to its audit")
    first = (links[0].target if links[0] is not None else "").replace("\\", "/")
    check(first.startswith("汇总-审核/001-表00.csv.xlsx"), f"link target {first}")
    check(os.path.exists(os.path.join(tmp, "汇总-审核", "008-表07.csv.xlsx")),
          "the audit workbook of a faulty table")
    check([ws.cell(r, 3).value for r in range(3, 52)].count(0) == 45, "errors column")


def main():
    fenpei, src = sys.argv[1], sys.argv[2]
    table = os.path.join(src, "allocations", "xinjiang-2024-basic-public-health-batch2.csv")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "package")
        p = run(package_args(fenpei, table, out, "--split"))
        if not check(p.returncode == 0, f"package: exit {p.returncode}: {p.stderr}"):
            print(f"{passed} passed, {failed} failed")
            return 1
        check(sorted(os.listdir(out)) ==
              sorted(["通知.docx", "对下分解", "附件1 分配表.xlsx", "附件3 跟踪反馈表.xlsx"]),
              f"package files {sorted(os.listdir(out))}")
        check_letter(os.path.join(out, "通知.docx"))
        check_feedback(os.path.join(out, "附件3 跟踪反馈表.xlsx"), table)
        wb = openpyxl.load_workbook(os.path.join(out, "附件1 分配表.xlsx"))
        ws = wb.worksheets[0]
        check(ws["A1"].value == "附件1" and ws.oddHeader.right.text == DOC_NUMBER,
              "附件1 above the title, the 文号 in the print header")
        check(ws["A2"].value == FUND + "分配表", f"附件1 title {ws['A2'].value}")
        check_split(fenpei, out, table)

        # the same input gives the same bytes; an existing package is not replaced
        again = os.path.join(tmp, "again")
        run(package_args(fenpei, table, again, "--split"))
        files = all_files(out)
        check(files == all_files(again) and len(files) == 3 + 4 * 14, f"rerun files {len(files)}")
        same = all(filecmp.cmp(os.path.join(out, f), os.path.join(again, f), shallow=False)
                   for f in files)
        check(same, "every file byte-identical on a rerun")
        p = run(package_args(fenpei, table, out, "--split"))
        check(p.returncode == 2 and "exists" in p.stderr, f"no replacing without --force: {p.stderr}")
        p = run(package_args(fenpei, table, out, "--split", "--force"))
        check(p.returncode == 0, f"--force: {p.stderr}")

        check_bureau(fenpei, src, tmp, table)
        check_letters(fenpei, tmp, table, os.path.join(out, "通知.docx"))
        check_folder(fenpei, tmp, table)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
