#!/usr/bin/env python3
"""tests/data/cause/make_fixtures.py — the bundled table with one fault (or two) per file, for
tests/test_cause.c. Run from the repository root; rewrites the CSV files next to this script.

Each fault is one a PDF copy or a hurried colleague makes (docs/causes.md)."""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "..", "..", "allocations",
                   "xinjiang-2024-basic-public-health-batch2.csv")

with open(SRC, encoding="utf-8") as f:
    lines = f.read().replace("\r\n", "\n").rstrip("\n").split("\n")
HEADER, ROWS = lines[0], [l.split(",") for l in lines[1:]]
COL = {name: i for i, name in enumerate(HEADER.split(","))}


def rows():
    return [list(r) for r in ROWS]


def at(rs, name):
    hits = [i for i, r in enumerate(rs) if r[1] == name]
    assert len(hits) == 1, name
    return hits[0]


def write(name, rs):
    with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="\n") as f:
        f.write(HEADER + "\n")
        for r in rs:
            f.write(",".join(r) + "\n")


def set_cell(rs, unit, col, value):
    rs[at(rs, unit)][COL[col]] = value
    return rs


# typo: one wrong digit, two digits swapped, a wrong sign, a subtotal that lost a cell
write("typo-digit.csv", set_cell(rows(), "和静县", "原基本公共卫生项目", "152"))
write("typo-transposition.csv", set_cell(rows(), "库尔勒市", "原基本公共卫生项目", "764"))
write("typo-sign.csv", set_cell(rows(), "轮台县", "已提前下达", "-118"))
write("typo-blank.csv", set_cell(rows(), "巴州", "医养结合和老年健康服务", ""))

# misplaced cell: 霍尔果斯市's 30 lands one column to the left; 天山区's advance and batch swapped
rs = rows()
i = at(rs, "霍尔果斯市")
rs[i][COL["健康素养行动"]], rs[i][COL["中医药健康管理服务项目"]] = "30", "0"
write("misplaced-cell.csv", rs)
rs = rows()
i = at(rs, "天山区")
rs[i][COL["已提前下达"]], rs[i][COL["此次下达"]] = rs[i][COL["此次下达"]], rs[i][COL["已提前下达"]]
write("misplaced-swap.csv", rs)

# missing row: 和静县 lost at a page break
rs = rows()
del rs[at(rs, "和静县")]
write("missing-row.csv", rs)

# extra row: 和静县 twice; a 小计 of 巴州 counted with its counties
rs = rows()
i = at(rs, "和静县")
rs.insert(i + 1, list(rs[i]))
write("extra-duplicate.csv", rs)
rs = rows()
i = at(rs, "巴州")
end = i + 1
while end < len(rs) and rs[end][0] == "3":
    end += 1
sub = ["3", "巴州小计"] + [str(sum(int(r[k]) for r in rs[i + 1:end])) for k in range(2, len(HEADER.split(",")))]
rs.insert(end, sub)
write("extra-double-counted.csv", rs)

# wrong parent: 和静县 listed under 阿克苏地区
rs = rows()
row = rs.pop(at(rs, "和静县"))
rs.insert(at(rs, "温宿县") + 1, row)
write("wrong-parent.csv", rs)

# label shift: from 巴州 to 轮台县 every row carries the 级次 and name of the row above
rs = rows()
a, b = at(rs, "巴州"), at(rs, "轮台县")
labels = [(r[0], r[1]) for r in ROWS]
for k in range(a, b + 1):
    rs[k][0], rs[k][1] = labels[k - 1]
write("label-shift.csv", rs)

# split row: 天山区's cells over two lines
rs = rows()
i = at(rs, "天山区")
r = rs[i]
rs[i:i + 1] = [r[:5] + [""] * (len(r) - 5), [r[0], ""] + [""] * 3 + r[5:]]
write("split-row.csv", rs)

# rounding residue: 原基本公共卫生项目 scaled from 26455 to 27000, every cell rounded on its own,
# year totals and this batch recomputed per row
rs = rows()
cats = [COL[h] for h in HEADER.split(",")[2:8]]
for r in rs:
    v = int(r[COL["原基本公共卫生项目"]]) * 27000
    r[COL["原基本公共卫生项目"]] = str((2 * v + 26455) // (2 * 26455))
    total = sum(int(r[k]) for k in cats)
    r[COL["全年应拨付资金合计"]] = str(total)
    r[COL["此次下达"]] = str(total - int(r[COL["已提前下达"]]))
write("rounding-residue.csv", rs)

# two faults in different blocks: a typo in 天山区 and 和静县 lost
rs = set_cell(rows(), "天山区", "原基本公共卫生项目", "326")
del rs[at(rs, "和静县")]
write("two-faults.csv", rs)

# ambiguous: two typos of one size in the twin rows 呼图壁县 and 吉木萨尔县 (same amounts),
# in different columns: either reading fits (and neither makes an amount negative)
rs = set_cell(rows(), "呼图壁县", "医养结合和老年健康服务", "7")
set_cell(rs, "吉木萨尔县", "原基本公共卫生项目", "148")
write("ambiguous-twins.csv", rs)

# names only: 托里县 and 哈巴河县 (the same amounts) listed under each other's prefecture
rs = rows()
i, j = at(rs, "托里县"), at(rs, "哈巴河县")
rs[i][1], rs[j][1] = rs[j][1], rs[i][1]
write("names-swapped.csv", rs)


# ---- the same faults in the notice layout: as copied out of the PDF (no 级次 column; subtotal
# rows print 0 where their rows print a blank; title and unit lines above the header) ----
def notice(name, canonical):
    with open(os.path.join(HERE, canonical), encoding="utf-8") as f:
        lines = f.read().rstrip("\n").split("\n")
    head = lines[0].split(",")
    out = ["2024年自治区基本公共卫生服务补助资金（第二批）分配表", "单位：万元",
           "\t".join(["拨款单位"] + head[2:])]
    rs = [l.split(",") for l in lines[1:]]
    for i, r in enumerate(rs):
        level = int(r[0]) if r[0] else 0
        parent = i + 1 < len(rs) and rs[i + 1][0] and int(rs[i + 1][0]) > level
        cells = [c if (c != "0" or parent) else "" for c in r[2:]]
        out.append("\t".join([r[1]] + cells))
    with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(out) + "\n")


for fixture in ["typo-digit", "typo-transposition", "typo-sign", "typo-blank", "misplaced-cell",
                "misplaced-swap", "missing-row", "extra-duplicate", "extra-double-counted",
                "wrong-parent", "label-shift", "split-row", "rounding-residue", "two-faults",
                "ambiguous-twins", "names-swapped"]:
    notice(fixture + ".notice.txt", fixture + ".csv")
