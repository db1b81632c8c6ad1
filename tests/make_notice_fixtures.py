#!/usr/bin/python3
"""Make notice texts (tables as copied out of a PDF notice) from the bundled canonical table.

Run from anywhere: /usr/bin/python3 tests/make_notice_fixtures.py
Writes tests/data/notice/*.txt. Independent of fenpei: it reads the canonical CSV with Python's
csv module and prints it the way a notice prints it — no 级次 column; a title line, the unit
line and the header row (拨款单位 …) on every page; 总计： first; a unit's row leaves a blank
where its amount is 0, a subtotal row (one with rows under it) prints 0.

Good texts (each must convert back to exactly the bundled CSV):
  plain.txt          one page: title, 单位：万元, header, rows
  pages.txt          page furniture (title, unit, header) repeated every 40 rows, page numbers
  split-header.txt   pages, the header split over two lines on every page
  blank-page.txt     pages, and a page holding only "(此页无正文)" between two data rows
  total-bottom.txt   pages, the 总计 row at the bottom instead of the top
  gb18030.txt        pages and split headers, GB18030-encoded with CRLF line ends
  unit-beside-header.txt  pages whose top line is `拨款单位<TAB>单位：万元` (the unit on the
                     header's first line), later pages' header says 中医药健康管理服务建设项目
  unit-top-right.txt pages whose top line holds 拨款单位 and, in the last column, 单位：万元; on
                     page 1 the header's other cells follow on the next line; later pages repeat
                     the whole header, reworded as above and padded with empty cells
  traditional.txt    pages in traditional characters (總計, 合計, 縣, 區, 撥款單位, 單位：萬元,
                     全年應撥付資金合計, 已提前下達 …), as some sites serve them
Faulty texts (the tool must keep going and mark the broken block):
  fault-traditional.txt  traditional.txt with 天山區's year total mistyped (331 → 341)
  fault-lost-row.txt      尉犁县 (in 巴州) lost at a page break
  fault-wrong-column.txt  天山区's 医养结合 amount (15) printed in the 健康素养行动 column
  fault-split-row.txt     莎车县 (in 喀什地区): its cells split over two lines
Expected `fenpei convert --show-tree` output (the most plausible tree; '?' on the broken block):
  tree.txt, fault-lost-row.tree.txt, fault-wrong-column.tree.txt, fault-split-row.tree.txt
"""
import csv
import os

HERE = os.path.dirname(os.path.abspath(__file__))
BUNDLED = os.path.join(HERE, "..", "allocations",
                       "xinjiang-2024-basic-public-health-batch2.csv")
OUT = os.path.join(HERE, "data", "notice")
TITLE = "2024年自治区基本公共卫生服务补助资金（第二批）分配表"
PAGE = 40


def read_bundled():
    with open(BUNDLED, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, data = rows[0], rows[1:]
    assert header[0] == "级次" and header[1] == "单位"
    out = []
    for i, r in enumerate(data):
        level = int(r[0])
        has_rows = i + 1 < len(data) and int(data[i + 1][0]) > level
        out.append({"name": r[1], "amounts": r[2:], "subtotal": has_rows, "level": level})
    return header[2:], out


def tree(columns, rows, uncertain=()):
    """The tree as `fenpei convert --show-tree` prints it: a '?' column, two spaces a level,
    the name and the year total."""
    total = columns.index("全年应拨付资金合计")
    out = ["  拨款单位  全年应拨付资金合计（万元）"]
    for r in rows:
        mark = "? " if r["name"] in uncertain else "  "
        out.append(mark + "  " * r["level"] + r["name"] + "  " + (r["amounts"][total] or "0"))
    return out


def block(rows, name):
    """NAME and the rows under it."""
    k = [r["name"] for r in rows].index(name)
    end = k + 1
    while end < len(rows) and rows[end]["level"] > rows[k]["level"]:
        end += 1
    return [r["name"] for r in rows[k:end]]


def data_line(row, total_colon=True):
    """A row as printed: blanks for 0 in a unit's row, 0 kept in a subtotal row."""
    name = row["name"]
    if name == "总计" and total_colon:
        name = "总计："
    cells = [a if row["subtotal"] or a != "0" else "" for a in row["amounts"]]
    return "\t".join([name] + cells)


def header_lines(columns, split):
    if not split:
        return ["\t".join(["拨款单位"] + columns)]
    # cut each long header in two, the way a narrow PDF column wraps it
    first, second = ["拨款单位"], [""]
    for c in columns:
        if len(c) > 4:
            cut = (len(c) + 1) // 2
            first.append(c[:cut])
            second.append(c[cut:])
        else:
            first.append(c)
            second.append("")
    return ["\t".join(first), "\t".join(second)]


def page_top(columns, split):
    return [TITLE, "单位：万元"] + header_lines(columns, split)


def notice(columns, lines, pages=False, split=False, numbers=False, breaks=()):
    """LINES are data lines; a page (furniture first) starts every PAGE lines and before every
    index in BREAKS."""
    out = page_top(columns, split)
    page, since = 1, 0
    for i, line in enumerate(lines):
        if pages and i and (since == PAGE or i in breaks):
            if numbers:
                out.append("— %d —" % page)
            page += 1
            since = 0
            out += page_top(columns, split)
        out.append(line)
        since += 1
    if numbers:
        out.append("— %d —" % page)
    return out


TRADITIONAL = str.maketrans("总计县区单万拨应资达级医卫务养结与动绩补专业费财转乡镇东阳长广黄龙乌鲁齐尔苏宁",
                            "總計縣區單萬撥應資達級醫衛務養結與動績補專業費財轉鄉鎮東陽長廣黃龍烏魯齊爾蘇寧")


def to_traditional(line):
    """LINE with the characters that matter in traditional script (not a full conversion)."""
    return line.translate(TRADITIONAL)


def write(name, lines, encoding="utf-8", newline="\n"):
    path = os.path.join(OUT, name)
    with open(path, "w", encoding=encoding, newline="") as f:
        f.write(newline.join(lines) + newline)


def main():
    os.makedirs(OUT, exist_ok=True)
    columns, rows = read_bundled()
    lines = [data_line(r) for r in rows]
    names = [r["name"] for r in rows]

    write("plain.txt", notice(columns, lines))
    write("tree.txt", tree(columns, rows))
    write("pages.txt", notice(columns, lines, pages=True, numbers=True))
    write("split-header.txt", notice(columns, lines, pages=True, split=True))

    blank = notice(columns, lines, pages=True)
    k = blank.index(lines[names.index("博州")])
    blank[k:k] = page_top(columns, False) + ["(此页无正文)"]
    write("blank-page.txt", blank)

    bottom = [data_line(r, total_colon=False) for r in rows[1:]] + [data_line(rows[0], False)]
    write("total-bottom.txt", notice(columns, bottom, pages=True))

    # real shapes: the unit shares the header's first line; a later page words a column
    # differently
    reworded = header_lines(columns, False)[0].replace("中医药健康管理服务项目",
                                                       "中医药健康管理服务建设项目")
    beside, top_right, page = [], [], 0
    for line in notice(columns, lines, pages=True, numbers=True):
        if line == "单位：万元":
            continue
        if line.startswith("拨款单位\t"):
            page += 1
            beside += ["拨款单位\t单位：万元", line if page == 1 else reworded]
            top_right += ["拨款单位" + "\t" * len(columns) + "单位：万元",
                          line.replace("拨款单位", "", 1) if page == 1 else reworded + "\t\t"]
            continue
        beside.append(line)
        top_right.append(line)
    write("unit-beside-header.txt", beside)
    write("unit-top-right.txt", top_right)

    trad = [to_traditional(line) for line in notice(columns, lines, pages=True, numbers=True)]
    write("traditional.txt", trad)
    k = trad.index(to_traditional(lines[names.index("天山区")]))
    assert trad[k].split("\t")[7] == "331"
    cells = trad[k].split("\t")
    cells[7] = "341"
    write("fault-traditional.txt", trad[:k] + ["\t".join(cells)] + trad[k + 1:])

    write("gb18030.txt", notice(columns, lines, pages=True, split=True), encoding="gb18030",
          newline="\r\n")

    lost = names.index("尉犁县")
    write("fault-lost-row.txt",
          notice(columns, lines[:lost] + lines[lost + 1:], pages=True, breaks=(lost,)))
    kept = rows[:lost] + rows[lost + 1:]
    write("fault-lost-row.tree.txt", tree(columns, kept, block(kept, "巴州")))

    wrong = list(lines)
    k = names.index("天山区")
    cells = wrong[k].split("\t")
    yiyang, suyang = 1 + columns.index("医养结合和老年健康服务"), 1 + columns.index("健康素养行动")
    assert cells[yiyang] == "15" and cells[suyang] == ""
    cells[suyang], cells[yiyang] = cells[yiyang], ""
    wrong[k] = "\t".join(cells)
    write("fault-wrong-column.txt", notice(columns, wrong, pages=True))
    write("fault-wrong-column.tree.txt", tree(columns, rows, block(rows, "乌鲁木齐市")))

    split = list(lines)
    k = names.index("莎车县")
    cells = split[k].split("\t")
    # the name and the first three amounts on one line, the rest (without their empty cells'
    # tabs) on the next, as a PDF copy gives them
    split[k:k + 1] = ["\t".join(cells[:4]), "\t".join(c for c in cells[4:] if c)]
    write("fault-split-row.txt", notice(columns, split, pages=True))
    # read back as they are printed: 莎车县 without its year total, and a row named by its first
    # remaining number holding the others from its first amount column on
    rest = [c for c in cells[4:] if c]
    halves = [dict(rows[k], amounts=cells[1:4] + [""] * (len(columns) - 3)),
              dict(rows[k], name=rest[0], amounts=rest[1:] + [""] * (len(columns) - len(rest) + 1))]
    got = rows[:k] + halves + rows[k + 1:]
    write("fault-split-row.tree.txt", tree(columns, got, block(got, "喀什地区")))


if __name__ == "__main__":
    main()
