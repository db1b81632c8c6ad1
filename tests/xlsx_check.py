#!/usr/bin/python3
"""tests/xlsx_check.py — reads fenpei's workbooks back with openpyxl, an independent reader.

usage: /usr/bin/python3 tests/xlsx_check.py FENPEI_BINARY SOURCE_DIR

Writes the notice, audit and what-if workbooks of the bundled table into a temporary folder
and checks them cell by cell against the CSV: values (the cached results of the formulas and
the formulas themselves, evaluated here by a small evaluator of their own), outline levels,
print set-up, frozen panes, fills and comments of an injected fault, the 问题清单 links and the
what-if sheets, the options (--attachment, --thousands, --title). Prints one line per failure and
a last line 'N passed, M failed'; exits non-zero when anything failed — also when an option has
disappeared (nothing is skipped).
"""
import csv
import os
import re
import subprocess
import sys
import tempfile
from decimal import Decimal

import openpyxl
from openpyxl.utils import column_index_from_string, get_column_letter

passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {what}")
    return cond


def run(args, expect=None):
    p = subprocess.run(args, capture_output=True, text=True)
    if expect is not None:
        check(p.returncode == expect,
              f"{' '.join(args[1:3])}: exit {p.returncode}, expected {expect}: {p.stderr.strip()}")
    return p


# ---- the table as the CSV states it ----

TREE = {"级次", "上级", "编码", "上级编码"}


def load_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    if rows and len(rows[0]) == 1 and rows[0][0].startswith("单位："):
        rows = rows[1:]  # the unit line convert writes above the header
    header, body = rows[0], [r for r in rows[1:] if any(c.strip() for c in r)]
    level = header.index("级次")
    depth = [int(r[level]) - int(body[0][level]) for r in body]
    children = [[] for _ in body]
    stack = []
    for i, d in enumerate(depth):
        while stack and depth[stack[-1]] >= d:
            stack.pop()
        if stack:
            children[stack[-1]].append(i)
        stack.append(i)
    return header, body, depth, children


def dec(text):
    text = text.strip()
    return Decimal(text) if text not in ("", "-", "—") else Decimal(0)


def num(v):
    """An Excel number as the decimal it shows (15 significant digits)."""
    if v is None or v == "":
        return Decimal(0)
    return Decimal(f"{float(v):.15g}")


# ---- a small evaluator for the formulas fenpei writes ----

TOKEN = re.compile(r'\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<ref>\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)'
                   r'|(?P<fn>[A-Z]+)\(|(?P<str>"[^"]*")|(?P<op><=|>=|<>|[-+*/(),=<>]))')


def cells_of(ref):
    parts = ref.replace("$", "").split(":")
    (c1, r1), (c2, r2) = [re.match(r"([A-Z]+)(\d+)", p).groups() for p in (parts[0], parts[-1])]
    for r in range(int(r1), int(r2) + 1):
        for c in range(column_index_from_string(c1), column_index_from_string(c2) + 1):
            yield f"{get_column_letter(c)}{r}"


class Evaluator:
    """Evaluates a sheet's formulas from its constants, recursively, exactly (Decimal)."""

    def __init__(self, ws):
        self.ws, self.memo, self.max_args = ws, {}, 0

    def value(self, ref):
        if ref not in self.memo:
            v = self.ws[ref].value
            if isinstance(v, str) and v.startswith("="):
                self.memo[ref] = None  # a cycle would show as an error below
                v = Parser(self, v[1:]).run()
            elif v is None:
                v = Decimal(0)
            elif isinstance(v, (int, float)):
                v = num(v)
            self.memo[ref] = v
        return self.memo[ref]


class Parser:
    """One formula: + - * / comparisons, SUM, IF, ABS, ROUND, references and ranges."""

    def __init__(self, ev, text):
        self.ev, self.text = ev, text
        self.toks = [m for m in TOKEN.finditer(text)]
        self.pos = 0
        assert "".join(m.group(0) for m in self.toks).replace(" ", "") == text.replace(" ", ""), text

    def run(self):
        v = self.compare()
        assert self.pos == len(self.toks), self.text
        return v

    def peek(self, op=None):
        if self.pos >= len(self.toks):
            return None
        m = self.toks[self.pos]
        return m if op is None or m.group("op") == op else None

    def take(self):
        self.pos += 1
        return self.toks[self.pos - 1]

    def compare(self):
        a = self.additive()
        for op in ("=", "<>", "<", ">", "<=", ">="):
            if self.peek(op):
                self.take()
                b = self.additive()
                return {"=": a == b, "<>": a != b, "<": a < b, ">": a > b, "<=": a <= b,
                        ">=": a >= b}[op]
        return a

    def additive(self):
        a = self.term()
        while self.peek("+") or self.peek("-"):
            op = self.take().group("op")
            b = self.term()
            a = a + b if op == "+" else a - b
        return a

    def term(self):
        a = self.unary()
        while self.peek("*") or self.peek("/"):
            op = self.take().group("op")
            b = self.unary()
            a = a * b if op == "*" else a / b
        return a

    def unary(self):
        if self.peek("-"):
            self.take()
            return -self.unary()
        return self.atom()

    def args(self):
        out = []
        while True:
            m = self.peek()
            if m and m.group("ref") and ":" in m.group("ref"):
                self.take()
                out.append([self.ev.value(c) for c in cells_of(m.group("ref"))])
            else:
                out.append(self.compare())
            m = self.take()
            if m.group("op") == ")":
                return out
            assert m.group("op") == ",", m.group(0)

    def atom(self):
        m = self.take()
        if m.group("num"):
            return Decimal(m.group("num"))
        if m.group("str"):
            return m.group("str")[1:-1]
        if m.group("ref"):
            return self.ev.value(m.group("ref").replace("$", ""))
        if m.group("op") == "(":
            v = self.compare()
            assert self.take().group("op") == ")"
            return v
        fn = m.group("fn")
        a = self.args()
        self.ev.max_args = max(self.ev.max_args, len(a))
        if fn == "SUM":
            total = Decimal(0)
            for x in a:
                for y in (x if isinstance(x, list) else [x]):
                    total += y if isinstance(y, Decimal) else 0
            return total
        if fn == "IF":
            return a[1] if a[0] else a[2]
        if fn == "ABS":
            return abs(a[0])
        if fn == "ROUND":
            return a[0].quantize(Decimal(1).scaleb(-int(a[1])), rounding="ROUND_HALF_UP")
        raise AssertionError(f"unknown function {fn}")


# ---- the notice ----

def wrap_ok(text, width):
    """A header of N wide characters in a column WIDTH units wide (7 px a unit plus 5 px, 11 pt
    characters 14.67 px, a few px of padding) does not end on a line of one character."""
    n = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text) / 2
    per = int((width * 7 + 5 - 6) // 14.67)
    return n <= per or per < 2 or (n % per) != 1


def check_breaks(ws, body, depth, children, first_row, label):
    """Page breaks: a subtotal's block that fits a page is not split; no subtotal row ends a
    page without its first row."""
    breaks = sorted(b.id for b in ws.row_breaks.brk)  # a break after sheet row id (1-based)
    check(breaks, f"{label}: manual page breaks")
    pages = [b - p for p, b in zip([first_row - 1] + breaks, breaks)]
    longest = max(pages) if pages else 0
    bad = []
    for i in range(len(body)):
        if not children[i] or depth[i] < 1:
            continue
        end = i + 1
        while end < len(body) and depth[end] > depth[i]:
            end += 1
        top, bottom = first_row + i, first_row + end - 1
        if end - i <= longest - 1 and any(top <= b < bottom for b in breaks):
            bad.append(f"{body[i][1]} ({top}-{bottom}) split")
        if top in breaks:
            # unavoidable only on a page of nothing but subtotals (a chain of them)
            start = max([b for b in breaks if b < top], default=first_row - 1) + 1
            if any(not children[k - first_row] for k in range(start, top + 1)):
                bad.append(f"subtotal {body[i][1]} ends a page")
    check(not bad, f"{label}: page breaks {bad}")


def check_notice(path, csv_path, sheet="分配表", title=None, unit=None, first_row=4,
                 attachment=None, thousands=False, old_csv=None):
    header, body, depth, children = load_csv(csv_path)
    wb = openpyxl.load_workbook(path)
    wv = openpyxl.load_workbook(path, data_only=True)
    check(sheet in wb.sheetnames, f"{path}: sheet {sheet} in {wb.sheetnames}")
    ws, vs = wb[sheet], wv[sheet]
    printed = [h for h in header if h not in TREE]
    order = printed + [h for h in header if h in TREE]
    col = {h: get_column_letter(i + 1) for i, h in enumerate(order)}
    last = get_column_letter(len(printed))

    top = 2 if attachment else 1  # the title's row
    if attachment:
        check(ws["A1"].value == attachment, f"attachment line {ws['A1'].value!r}")
    if title:
        check(ws[f"A{top}"].value == title, f"title {ws[f'A{top}'].value!r}")
    check(f"A{top}:{last}{top}" in [str(r) for r in ws.merged_cells.ranges],
          "title merged over the table")
    # a table with no stated unit gets no unit line, rather than a guessed 万元
    want_unit = f"单位：{unit}" if unit else None
    check(ws[f"A{top + 1}"].value == want_unit, f"unit line {ws[f'A{top + 1}'].value!r}")
    hrow = top + 2
    check([ws.cell(hrow, i + 1).value for i in range(len(order))] == order, "header row")
    check(ws.cell(hrow, 2).alignment.wrap_text, "header wraps")
    unbalanced = [h for i, h in enumerate(printed)
                  if not wrap_ok(h, ws.column_dimensions[get_column_letter(i + 1)].width)]
    check(not unbalanced, f"headers ending on a line of one character: {unbalanced}")
    check(ws.freeze_panes == f"{col[header[1]] if header[1] in col else 'A'}{first_row}"
          or ws.freeze_panes == f"B{first_row}", f"frozen panes {ws.freeze_panes}")
    check(ws.page_setup.orientation == "landscape", "landscape")
    check(str(ws.page_setup.paperSize) == "9", f"A4 (paper {ws.page_setup.paperSize})")
    # a fixed scale, not "fit to page", under which Excel would ignore the page breaks
    fit = ws.sheet_properties.pageSetUpPr
    check(not (fit and fit.fitToPage), "not fit to page (manual page breaks count)")
    scale = int(ws.page_setup.scale or 100)
    widths = sum(int(ws.column_dimensions[get_column_letter(i + 1)].width * 7 + 0.5)
                 for i in range(len(printed))) * 0.75
    check(widths * scale / 100 <= (842 - 57.6), f"one page wide: {widths:.0f} pt at {scale}%")
    check(ws.print_title_rows == f"${top}:${hrow}", f"print titles {ws.print_title_rows}")
    check(ws.print_area == [f"$A$1:${last}${first_row + len(body) - 1}"], f"print area {ws.print_area}")
    low = [r for r in range(first_row, first_row + len(body))
           if (ws.row_dimensions[r].height or 15) < 18]
    check(not low, f"rows lower than 18 pt: {low[:5]}")
    check(ws.oddFooter.center.text == "第 &P 页 共 &N 页", f"footer {ws.oddFooter.center.text!r}")
    check(ws.sheet_properties.outlinePr.summaryBelow is False, "summary rows above details")
    for h in header:
        if h in TREE:
            check(ws.column_dimensions[col[h]].hidden, f"column {h} hidden")

    if old_csv is not None:
        _, old_body, _, _ = load_csv(old_csv)
    check_breaks(ws, body, depth, children, first_row, path)
    ev = Evaluator(ws)
    name = header[1] if "级次" == header[0] else header[0]
    amounts = [h for h in printed if h != name]
    total, advance, batch = "全年应拨付资金合计", "已提前下达", "此次下达"
    cats = amounts[:amounts.index(total)] if total in amounts else []
    bad_value = bad_formula = bad_style = bad_eval = 0
    for i, row in enumerate(body):
        r = first_row + i
        sub = bool(children[i])
        if ws.row_dimensions[r].outline_level != min(depth[i], 7):
            bad_style += 1
        n = ws[f"{col[name]}{r}"]
        if n.value != row[header.index(name)] or n.alignment.indent != min(depth[i] + 1, 15) or \
                bool(n.font.b) != sub:
            bad_style += 1
            print(f"  row {r}: name {n.value!r} indent {n.alignment.indent} bold {n.font.b}")
        if "级次" in header and ws[f"{col['级次']}{r}"].value != int(row[header.index("级次")]):
            bad_value += 1
        for h in amounts:
            ref = f"{col[h]}{r}"
            stated = dec(row[header.index(h)])
            f, v = ws[ref].value, vs[ref].value
            formula = isinstance(f, str) and f.startswith("=")
            # which cells are formulas, and over what
            if h == total and cats:
                first, end = f"{col[cats[0]]}{r}", f"{col[cats[-1]]}{r}"
                ok = f == (f"=SUM({first})" if first == end else f"=SUM({first}:{end})")
            elif h == batch and total in amounts and advance in amounts:
                ok = f == f"={col[total]}{r}-{col[advance]}{r}"
            elif sub:
                ok = formula and f.startswith("=SUM(")
                if ok:
                    kids = sorted(first_row + k for k in children[i])
                    refs = set()
                    for m in re.finditer(r"[A-Z]+\d+(?::[A-Z]+\d+)?", f):
                        refs.update(cells_of(m.group(0)))
                    ok = refs == {f"{col[h]}{k}" for k in kids}
            else:
                ok = not formula
            if not ok:
                bad_formula += 1
                print(f"  {ref} ({row[1]} {h}): formula {f!r}")
            # the value shown: cached result or constant; a blank only for a leaf's zero
            if formula:
                shown_ok = v is not None and num(v) == stated
                if not shown_ok:
                    print(f"  {ref}: cached {v!r}, CSV {stated}")
                if ev.value(ref) != stated:
                    bad_eval += 1
                    print(f"  {ref}: {f} evaluates to {ev.value(ref)}, CSV {stated}")
            elif stated == 0 and not sub and h in cats:
                shown_ok = v is None  # blank zeros only in the category columns
            else:
                shown_ok = v is not None and num(v) == stated
            if not shown_ok:
                bad_value += 1
                print(f"  {ref} ({row[1]} {h}): {v!r}, CSV {stated}")
            fmt = ws[ref].number_format
            zero_blank = fmt.endswith(";") and fmt.count(";") == 2
            if zero_blank != (not sub and h in cats):
                bad_style += 1
                print(f"  {ref}: number format {fmt!r} on a {'subtotal' if sub else 'leaf'} row")
            if ("#,##0" in fmt) != thousands:
                bad_style += 1
                print(f"  {ref}: number format {fmt!r}, thousands separators {thousands}")
            if old_csv is not None:
                was = dec(old_body[i][header.index(h)])
                marked = fill_of(ws[ref]) == CHANGED and ws[ref].comment is not None and \
                    ws[ref].comment.text == f"原 {was.normalize():f}"
                if marked != (was != stated):
                    bad_style += 1
                    print(f"  {ref}: changed {was} → {stated}, marked {marked}")
    check(bad_value == 0, f"{path}: {bad_value} cell values differ from the CSV")
    check(bad_formula == 0, f"{path}: {bad_formula} cells lack the expected formula")
    check(bad_eval == 0, f"{path}: {bad_eval} formulas evaluate to other values than the CSV")
    check(bad_style == 0, f"{path}: {bad_style} rows with wrong indent, weight, outline or format")
    check(ev.max_args <= 255, f"{path}: a function call has {ev.max_args} arguments")
    return ws, col


# ---- the audit ----

RED, AMBER, SUSPECT, CHANGED = "FFC7CE", "FFEB9C", "FF7C80", "DDEBF7"


def fill_of(cell):
    f = cell.fill
    if f is None or f.fill_type != "solid":
        return None
    return (f.fgColor.rgb or "")[-6:]


def check_audit(path, csv_path, fault_row, fault_col):
    header, body, depth, children = load_csv(csv_path)
    wb = openpyxl.load_workbook(path)
    check(wb.sheetnames == ["审核", "问题清单"], f"audit sheets {wb.sheetnames}")
    ws = wb["审核"]
    printed = [h for h in header if h not in TREE]
    order = printed + [h for h in header if h in TREE]
    col = {h: get_column_letter(i + 1) for i, h in enumerate(order)}
    names = [r[header.index("单位")] for r in body]
    first = 4
    check("2 个错误" in (ws["A1"].value or ""), f"summary {ws['A1'].value!r}")
    # the stated values, as numbers
    formulas = 0
    for i, row in enumerate(body):
        for h in printed[1:]:
            v = ws[f"{col[h]}{first + i}"].value
            formulas += isinstance(v, str) and v.startswith("=")
            stated = dec(row[header.index(h)])
            if row[header.index(h)].strip() == "":
                check(v is None, f"blank {h} of {names[i]}")
            elif not (v is not None and num(v) == stated):
                check(False, f"audit {names[i]} {h}: {v!r}, CSV {stated}")
    check(formulas == 0, f"the audit holds {formulas} formulas")
    # the fault's cells: the parent's column cell and its children's; the row's split
    parent = next(i for i in range(len(body)) if fault_row in children[i])
    want = {}
    for k in [parent] + children[parent]:
        want[f"{col[fault_col]}{first + k}"] = RED
    cats = printed[1:printed.index("全年应拨付资金合计") + 1]
    for h in cats:
        want[f"{col[h]}{first + fault_row}"] = RED
    got = {}
    for r in range(first, first + len(body)):
        for c in range(1, len(order) + 1):
            cell = ws.cell(r, c)
            if fill_of(cell):
                got[cell.coordinate] = fill_of(cell)
    # the cell the cause names (the mistyped digit) stands out from the other red cells
    suspect = f"{col[fault_col]}{first + fault_row}"
    want[suspect] = SUSPECT
    check(got == want, f"filled cells {sorted(got.items())}, expected {sorted(want.items())}")
    comments = {c.coordinate: c.comment.text for row in ws.iter_rows() for c in row if c.comment}
    parent_ref = f"{col[fault_col]}{first + parent}"
    total_ref = f"{col['全年应拨付资金合计']}{first + fault_row}"
    check(set(comments) == {parent_ref, total_ref, suspect}, f"comments on {sorted(comments)}")
    c1, c2, c3 = (comments.get(parent_ref, ""), comments.get(total_ref, ""),
                  comments.get(suspect, ""))
    check("列合计" in c1 and "1900" in c1 and "1910" in c1 and "-10" in c1, f"comment {c1!r}")
    check("类别合计" in c2 and "331" in c2 and "341" in c2 and "-10" in c2, f"comment {c2!r}")
    check("表中：326" in c3 and "建议值：316" in c3, f"comment on the suspect {c3!r}")
    # places are the sheet's: 第 12 行 and B12, not the CSV's line 10
    sheet_row = first + fault_row
    check(f"第 {sheet_row} 行" in c1 and f"{suspect}：326 → 316" in c1, f"comment {c1!r}")
    # the printed legend explains the marks (comments do not print)
    legend = ws["A2"].value or ""
    check("深红" in legend and "问题清单" in legend, f"legend {legend!r}")
    # 问题清单: one row per finding, linked to the commented cell, with cause and suggestion
    ls = wb["问题清单"]
    head = [c.value for c in ls[1]]
    check(head == ["序号", "级别", "规则", "单元格", "单位", "列", "表中", "计算值", "差额", "说明",
                   "可能原因", "建议修改"], f"问题清单 header {head}")
    rows = [[c.value for c in r] for r in ls.iter_rows(min_row=2)]
    check(len(rows) == 2, f"问题清单 has {len(rows)} rows")
    links = [ls.cell(r, 4).hyperlink for r in (2, 3)]
    locs = [l.location if l else None for l in links]
    check(locs == [f"'审核'!{parent_ref}", f"'审核'!{total_ref}"], f"links {locs}")
    check([r[1] for r in rows] == ["错误", "错误"], f"levels {[r[1] for r in rows]}")
    check(rows and rows[0][4] and rows[0][4].endswith(names[parent]), f"unit {rows and rows[0][4]}")
    check(rows and [num(x) for x in rows[0][6:9]] == [1900, 1910, -10], f"values {rows and rows[0][6:9]}")
    check(rows and f"第 {sheet_row} 行" in (rows[0][10] or ""), f"cause {rows and rows[0][10]}")
    check(rows and rows[0][11] == f"{suspect}：326 → 316", f"suggestion {rows and rows[0][11]}")
    check(ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$3",
          "audit print set-up")


# ---- the what-if workbook ----

def check_whatif(path, old_csv, new_csv, title, sets, unit=None):
    wb = openpyxl.load_workbook(path)
    wv = openpyxl.load_workbook(path, data_only=True)
    check(wb.sheetnames == ["新表", "变动", "参数"], f"what-if sheets {wb.sheetnames}")
    check_notice(path, new_csv, sheet="新表", title=title, unit=unit, old_csv=old_csv)
    h, old, _, _ = load_csv(old_csv)
    _, new, _, _ = load_csv(new_csv)
    amounts = [c for c in range(len(h)) if h[c] not in TREE and c > 1]
    units = [i for i, (a, b) in enumerate(zip(old, new)) if any(dec(a[c]) != dec(b[c]) for c in amounts)]
    cs, cv = wb["变动"], wv["变动"]
    ev = Evaluator(cs)
    cells = [[c for c in r] for r in cv.iter_rows(values_only=True)]
    # at the top: the settings, then every column's total before and after
    check(cells[1][0] == "设定：" + "；".join(sets), f"变动 settings {cells[1][0]!r}")
    t = next(k for k, r in enumerate(cells) if r[0] == "列")
    for j, c in enumerate(amounts):
        r = cells[t + 1 + j]
        o, n = dec(old[0][c]), dec(new[0][c])
        check(r[0] == h[c] and num(r[1]) == o and num(r[2]) == n and num(r[3]) == n - o,
              f"变动 total of {h[c]}: {r[:4]}")
    # then one row per unit that changed: old, new, change of every column
    u = next(k for k, r in enumerate(cells) if k > t and r[0] == "单位")
    sub = cells[u + 1]
    check([list(sub[1 + 3 * j: 4 + 3 * j]) for j in range(len(amounts))] == [["原", "新", "变动"]] * len(amounts),
          f"变动 sub-header {sub}")
    rows = cells[u + 2:]
    check(len(rows) == len(units), f"变动 has {len(rows)} rows, {len(units)} units changed")
    bad = 0
    for k, i in enumerate(units[:len(rows)]):
        r = rows[k]
        if r[0] != old[i][1]:
            bad += 1
            continue
        for j, c in enumerate(amounts):
            o, n = dec(old[i][c]), dec(new[i][c])
            got = [num(x) for x in r[1 + 3 * j: 4 + 3 * j]]
            ref = f"{get_column_letter(4 + 3 * j)}{u + 3 + k}"
            if got != [o, n, n - o] or ev.value(ref) != n - o:
                bad += 1
                print(f"  变动 {r[0]} {h[c]}: {got}, expected {[o, n, n - o]}")
        link = cs.cell(u + 3 + k, 2 + 3 * len(amounts)).hyperlink
        if not (link and link.location and link.location.startswith("'新表'!")):
            bad += 1
    check(bad == 0, f"{bad} cells of 变动 are wrong")
    check(len(list(cs.conditional_formatting)) >= 1, "变动 has conditional formatting")
    params = dict(r for r in wb["参数"].iter_rows(min_row=2, values_only=True))
    for key in ("方法", "取整单位", "舍入", "命令", "输入文件"):
        check(key in params, f"参数 has {key}: {sorted(params)}")
    check(params.get("取整单位") == "1" + (unit or ""), f"取整单位 {params.get('取整单位')!r}")
    name = os.path.basename(old_csv)
    check(params.get("输入文件") == name and "/" not in (params.get("命令") or "/")
          and name in (params.get("命令") or ""), f"命令 {params.get('命令')!r}")
    check(any(re.fullmatch(r"[0-9a-f]{64}", str(v or "")) for v in params.values()),
          "参数 has a SHA-256 digest")


# ---- synthetic tables: nesting, depth, decimals ----

def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def wide_table(n):
    """A parent with N children that each have a child: N scattered SUM arguments."""
    lines = ["级次,单位,甲,乙,全年应拨付资金合计,已提前下达,此次下达"]
    lines.append(f"0,总计,{3 * n},{n},{4 * n},{2 * n},{2 * n}")
    for i in range(n):
        lines.append(f"1,地{i},3,1,4,2,2")
        lines.append(f"2,县{i},3,1,4,2,2")
    return "\n".join(lines) + "\n"


def deep_table(depth):
    lines = ["级次,单位,甲,全年应拨付资金合计"]
    for d in range(depth):
        lines.append(f"{d},层{d},5141.32,5141.32")
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    fenpei, src = sys.argv[1], sys.argv[2]
    table = os.path.join(src, "allocations", "xinjiang-2024-basic-public-health-batch2.csv")
    with tempfile.TemporaryDirectory(prefix="fenpei-xlsx-") as tmp:
        out = os.path.join(tmp, "分配表.xlsx")
        title = "2024年自治区基本公共卫生服务补助资金（第二批）分配表"
        run([fenpei, "notice", table, "-o", out, "--title", title], expect=0)
        check_notice(out, table, title=title)
        again = os.path.join(tmp, "again.xlsx")
        run([fenpei, "notice", table, "-o", again, "--title", title], expect=0)
        check(open(out, "rb").read() == open(again, "rb").read(), "the same input gives the same bytes")

        # --attachment above the title, --unit, --thousands; in 元 separators by default
        att = os.path.join(tmp, "附件.xlsx")
        run([fenpei, "notice", table, "-o", att, "--title", title, "--attachment", "附件1",
             "--unit", "万元", "--thousands"], expect=0)
        check_notice(att, table, title=title, unit="万元", first_row=5, attachment="附件1",
                     thousands=True)
        yuan_csv = os.path.join(tmp, "yuan.csv")
        plain = os.path.join(src, "tests", "data", "notice", "plain.txt")
        run([fenpei, "convert", plain, "--to-unit", "元", "-o", yuan_csv], expect=0)
        yuan = os.path.join(tmp, "yuan.xlsx")
        run([fenpei, "notice", yuan_csv, "-o", yuan], expect=0)
        check_notice(yuan, yuan_csv, unit="元", thousands=True)
        run([fenpei, "notice", yuan_csv, "-o", yuan, "--force", "--no-thousands"], expect=0)
        check_notice(yuan, yuan_csv, unit="元", thousands=False)

        wide = os.path.join(tmp, "wide.csv")
        write(wide, wide_table(600))
        run([fenpei, "notice", wide, "-o", os.path.join(tmp, "wide.xlsx")], expect=0)
        ws, _ = check_notice(os.path.join(tmp, "wide.xlsx"), wide)
        check(ws["C4"].value.startswith("=SUM(SUM("), f"600 scattered rows nest: {ws['C4'].value[:30]}")

        deep = os.path.join(tmp, "deep.csv")
        write(deep, deep_table(40))
        run([fenpei, "notice", deep, "-o", os.path.join(tmp, "deep.xlsx")], expect=0)
        ws, _ = check_notice(os.path.join(tmp, "deep.xlsx"), deep)
        check(ws["C4"].number_format == "0.00", f"two decimals: {ws['C4'].number_format}")

        # the audit of an injected fault: 天山区 原基本公共卫生项目 316 → 326
        text = open(table, encoding="utf-8").read()
        assert text.count("\n3,天山区,316,") == 1
        faulty = os.path.join(tmp, "faulty.csv")
        write(faulty, text.replace("\n3,天山区,316,", "\n3,天山区,326,"))
        audit = os.path.join(tmp, "审核.xlsx")
        p = run([fenpei, "check", faulty, "--xlsx", audit], expect=1)
        header, body, _, _ = load_csv(faulty)
        row = next(i for i, r in enumerate(body) if r[1] == "天山区")
        check_audit(audit, faulty, row, "原基本公共卫生项目")

        new = os.path.join(tmp, "new.csv")
        whatif = os.path.join(tmp, "测算.xlsx")
        sets = ["总计:原基本公共卫生项目=27000"]
        p = run([fenpei, "realloc", table, "--set", sets[0], "-o", new, "--xlsx", whatif,
                 "--title", "测算：" + title], expect=0)
        check("已写入 " + new + "、" + whatif in p.stdout, f"realloc names its files: {p.stdout!r}")
        check_whatif(whatif, table, new, "测算：" + title, sets)
        # a table in 万元: 取整单位 1万元
        wan_csv = os.path.join(tmp, "wan.csv")
        write(wan_csv, "单位：万元\n" + text)
        new2, whatif2 = os.path.join(tmp, "new2.csv"), os.path.join(tmp, "测算2.xlsx")
        run([fenpei, "realloc", wan_csv, "--set", sets[0], "-o", new2, "--xlsx", whatif2],
            expect=0)
        check_whatif(whatif2, wan_csv, new2, None, sets, unit="万元")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
