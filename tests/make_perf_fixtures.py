#!/usr/bin/python3
"""Make the performance-table fixtures of tests/test_perf.c from the real tables in
tests/data/perf/*.txt: Word documents (python3-docx) and workbooks (python3-openpyxl), and
copies with one injected fault each. Run from the repository root with /usr/bin/python3 (file
names as arguments make only those); the outputs are committed (rerun only to change them)."""
import datetime
import os
import re
import shutil
import subprocess
import sys
import tempfile

import docx
import openpyxl
from docx.oxml.ns import qn

D = "tests/data/perf"
TITLE = re.compile(r"(绩效目标表|绩效自评表|分配表|单位：万元|^附件\d)")


def read(name):
    with open(os.path.join(D, name), encoding="utf-8") as f:
        return f.read().split("\n")


def cells(line):
    return line.split("\t")


def is_title(line):
    c = [x for x in cells(line) if x.strip()]
    return len(c) == 1 and len(c[0]) < 60 and TITLE.search(c[0]) is not None


def tables(lines):
    """The performance tables of LINES: lists of lines from a title to the next title."""
    out, cur = [], None
    for ln in lines:
        if is_title(ln):
            cur = [ln] if re.search("绩效目标表|绩效自评表", ln) else None
            if cur is not None:
                out.append(cur)
        elif cur is not None:
            cur.append(ln)
    return out


def set_cell(cell, text):
    cell.text = text


def wanted(path):
    """Only the files named on the command line (all when none is)."""
    return len(sys.argv) < 2 or os.path.basename(path) in sys.argv[1:]


def write_docx(lines, path):
    """LINES as a Word document: titles as paragraphs, the rows between as one table each."""
    if not wanted(path):
        return
    d = docx.Document()
    d.core_properties.created = datetime.datetime(2024, 1, 1)
    d.core_properties.modified = datetime.datetime(2024, 1, 1)
    block = []

    def flush():
        rows = [cells(r) for r in block if r.strip()]
        block.clear()
        if not rows:
            return
        width = max(len(r) for r in rows)
        t = d.add_table(rows=len(rows), cols=width)
        t.style = "Table Grid"
        for i, r in enumerate(rows):
            for j in range(width):
                t.cell(i, j).text = r[j] if j < len(r) else ""
        # the first column: a label followed by empty cells below is one vertically merged cell
        i = 0
        while i < len(rows):
            k = i + 1
            while k < len(rows) and rows[i][0].strip() and not rows[k][0].strip() and \
                    len(rows[k]) > 2 and any(x.strip() for x in rows[k][1:]):
                k += 1
            if k - i > 1:
                a = t.cell(i, 0)
                a.merge(t.cell(k - 1, 0))
                a.text = rows[i][0]
            i = k
        # a label followed by an empty cell on its right spans both (gridSpan 2)
        for i, r in enumerate(rows):
            if len(r) > 3 and r[0].strip() and not r[1].strip() and i > 0 and \
                    t.cell(i, 0)._tc.vMerge is None and t.cell(i, 1)._tc.vMerge is None:
                a = t.cell(i, 0)
                a.merge(t.cell(i, 1))
                a.text = r[0]

    for ln in lines:
        if is_title(ln):
            flush()
            d.add_paragraph(ln.strip())
        else:
            block.append(ln)
    flush()
    d.save(path)


NUM = re.compile(r"^-?\d+(\.\d*[1-9])?$")


def write_xlsx(lines, path, per_table_sheets=False):
    """LINES in a workbook: numbers as numbers (unless trailing zeros would be lost)."""
    if not wanted(path):
        return
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    row = 0
    n = 1
    seen = False
    for ln in lines:
        if per_table_sheets and is_title(ln) and re.search("绩效自评表", ln):
            if seen:
                n += 1
                ws = wb.create_sheet(f"表{n}")
                row = 0
            seen = True
        row += 1
        for j, c in enumerate(cells(ln)):
            if not c:
                continue
            v = c.strip()
            if NUM.match(v):
                ws.cell(row=row, column=j + 1, value=float(v) if "." in v else int(v))
            else:
                cell = ws.cell(row=row, column=j + 1, value=c)
                cell.data_type = "s"  # "=12个月" is text, not a formula
    wb.properties.created = wb.properties.modified = datetime.datetime(2024, 1, 1)
    wb.save(path)


def replace_in(lines, table_index, old, new, count=1):
    """A copy of LINES with OLD replaced by NEW (COUNT times exactly) in performance table
    TABLE_INDEX (0-based)."""
    out, k, done = [], -1, 0
    for ln in lines:
        if is_title(ln) and re.search("绩效目标表|绩效自评表", ln):
            k += 1
        if k == table_index and old in ln and done < count:
            ln = ln.replace(old, new, 1)
            done += 1
        out.append(ln)
    assert done == count, (old, done)
    return out


def only(lines, table_index):
    return tables(lines)[table_index]


def main():
    xj = read("xinjiang-2024-basic-public-health-targets.txt")
    bj = read("beijing-miyun-2024-self-evaluation.txt")
    kl = read("korla-2021-department-targets.txt")

    # the real tables, as Word documents and workbooks
    write_docx(xj, f"{D}/xinjiang-targets.docx")
    write_xlsx(xj, f"{D}/xinjiang-targets.xlsx")
    write_docx(bj, f"{D}/beijing-self-evaluation.docx")
    write_xlsx(bj, f"{D}/beijing-self-evaluation.xlsx", per_table_sheets=True)
    write_docx(kl, f"{D}/korla-department.docx")
    write_xlsx(kl, f"{D}/korla-department.xlsx")

    # clean single tables: 和田地区 (target), 计划生育家庭奖励及扶助 (self-evaluation)
    hotan = only(xj, 0)
    family = only(bj, 2)
    write_docx(hotan, f"{D}/clean-target.docx")
    write_docx(family, f"{D}/clean-self-evaluation.docx")

    faults = {
        # target: the first weight 3 → 4: target-weights, 91 for 90
        "fault-target-weights": replace_in(hotan, 0, "计划标准\t/\t3\t", "计划标准\t/\t4\t"),
        # target: 财政拨款 4167 → 4100: target-funding, 4100 + 0 for 4167
        "fault-target-funding": replace_in(hotan, 0, "财政拨款 4167", "财政拨款 4100"),
        # target: the 指标值 of 孕产妇系统管理率 blank: target-indicator
        "fault-target-value": replace_in(hotan, 0, "孕产妇系统管理率\t≥90%", "孕产妇系统管理率\t"),
        # target: the weight of 孕产妇系统管理率 blank: target-indicator, and the weights (87)
        # cannot add up: a warning
        "fault-target-weight-blank": replace_in(
            hotan, 0, "孕产妇系统管理率\t≥90%\t计划标准\t/\t3", "孕产妇系统管理率\t≥90%\t计划标准\t/\t"),
        # self-evaluation: 当年财政拨款 全年预算数 4851.0993 → 4851.0994: funding-sum
        "fault-self-funding": replace_in(family, 0, "\t4851.0993\t", "\t4851.0994\t"),
        # self-evaluation: 执行率 92.1% → 92.3%: execution-rate
        "fault-self-rate": replace_in(family, 0, "92.1%", "92.3%"),
        # self-evaluation: budget score 9.2 → 9.3 (and the total 95.2 → 95.3): budget-score
        "fault-self-score": replace_in(replace_in(family, 0, "\t9.2", "\t9.3"), 0,
                                       "\t95.2", "\t95.3"),
        # self-evaluation: 一次性经济帮助 得分 4 → 6 over 分值 5 (total 95.2 → 97.2): score-cap
        "fault-self-cap": replace_in(replace_in(family, 0, "66人\t5\t4", "66人\t5\t6"), 0,
                                     "\t95.2", "\t97.2"),
        # self-evaluation: total 分值 100 → 95: total-points
        "fault-self-total-points": replace_in(family, 0, "\t100\t95.2", "\t95\t95.2"),
        # self-evaluation: 扶助独生子女伤残家庭人数 分值 10 → 15 (total 分值 105): points-100
        "fault-self-points-100": replace_in(replace_in(family, 0, "506人\t10\t9", "506人\t15\t9"),
                                            0, "\t100\t95.2", "\t105\t95.2"),
        # self-evaluation: total 得分 95.2 → 95.0: total-score
        "fault-self-total-score": replace_in(family, 0, "\t95.2", "\t95.0"),
        # self-evaluation: 一次性经济帮助 得分 blank: blank-cell, total-score uncheckable
        "fault-self-blank": replace_in(family, 0, "66人\t5\t4", "66人\t5\t"),
        # department: 医疗卫生体制改革 总额 822.70 → 823.70: department-row and the 总额 column
        "fault-department-row": replace_in(kl, 0, "\t822.70\t822.70", "\t823.70\t822.70"),
        # department: 合计 总额 5141.32 → 5141.23: department-row (合计) and department-total
        "fault-department-total": replace_in(kl, 0, "\t5141.32\t5141.32", "\t5141.23\t5141.32"),
    }
    for name, lines in faults.items():
        write_docx(lines, f"{D}/{name}.docx")
    # the same faults in workbooks for three of them
    for name in ("fault-target-weights", "fault-self-score", "fault-department-row"):
        write_xlsx(faults[name], f"{D}/{name}.xlsx")
    # a file whose tables round the budget score half up (健康密云: 10 × 1945.33/4000 = 4.863 →
    # 4.9; 医责险: 10 × 11.22/11.58 = 9.689 → 9.7), but one table truncates: 卫生系统人才资格考试
    # with 全年执行数 31.571968 → 31.96 (10 × 31.96/80 = 3.995) keeps its score 3.9 (half up: 4.0)
    trunc = replace_in(bj, 11, "\t31.571968\t", "\t31.96\t", count=2)
    write_docx(trunc, f"{D}/fault-self-rounding.docx")
    # the 19 target tables with 塔城地区's 年度预算总额 898 → 899 (cross-check)
    write_docx(replace_in(xj, 17, "年度预算总额：898", "年度预算总额：899"),
               f"{D}/fault-cross-budget.docx")
    # the real texts in the other encodings Chinese offices save text in (Python's codecs, not
    # the iconv fenpei reads them with): GB18030, GBK, UTF-16 with its byte-order mark
    for src, dst, enc in (
            ("beijing-miyun-2024-self-evaluation.txt", "gb18030-beijing-self-evaluation.txt",
             "gb18030"),
            ("korla-2021-department-targets.txt", "gbk-korla-department.txt", "gbk"),
            ("xinjiang-2024-basic-public-health-targets.txt", "utf16-xinjiang-targets.txt",
             "utf-16")):
        if wanted(f"{D}/{dst}"):
            with open(f"{D}/{dst}", "wb") as f:
                f.write("\n".join(read(src)).encode(enc))
    # the same documents saved again by another producer (LibreOffice, not in dev.sh: run
    # by hand when it is installed)
    if shutil.which("soffice") and wanted(f"{D}/lo-xinjiang-targets.docx"):
        with tempfile.TemporaryDirectory() as tmp:
            for src, dst, fmt in (
                    ("xinjiang-targets.docx", "lo-xinjiang-targets.docx", "docx:MS Word 2007 XML"),
                    ("beijing-self-evaluation.docx", "lo-beijing-self-evaluation.docx",
                     "docx:MS Word 2007 XML"),
                    ("beijing-self-evaluation.xlsx", "lo-beijing-self-evaluation.xlsx",
                     "xlsx:Calc MS Excel 2007 XML")):
                subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp}/p",
                                "--convert-to", fmt, "--outdir", tmp, f"{D}/{src}"], check=True,
                               stdout=subprocess.DEVNULL)
                shutil.copy(os.path.join(tmp, src), f"{D}/{dst}")


if __name__ == "__main__":
    main()
