#!/usr/bin/python3
"""Label-shift fixtures (issue 16): the bundled table with names one row late against their numbers.

    /usr/bin/python3 tests/data/shift/make_fixtures.py      (writes beside itself; same bytes each run, but for the
    .xlsx, whose zip entries carry the time they were written)

Each fixture is the bundled table (allocations/xinjiang-2024-basic-public-health-batch2.csv) with
one run: the first row of the run gets no name ("empty") or the name of the row above ("previous"),
each later row of the run the name of the row before it, and the last row's own name is lost.
*.notice.txt are the notice layout (no 级次; subtotal rows print 0 where units print blank);
*.names.csv keep 级次 with the numbers (only 单位 moves); *.levels.csv move 级次 with the names;
*.xlsx is written by openpyxl (another producer). era-* name 哈密市, 吐鲁番市 and 库车市 as before
2016, 2015 and 2019 (哈密地区, 吐鲁番地区, 库车县): a table that names by former names.
"""
import csv
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
BUNDLED = os.path.join(ROOT, "allocations", "xinjiang-2024-basic-public-health-batch2.csv")
TITLE = "2024年自治区基本公共卫生服务补助资金（第二批）分配表"

with open(BUNDLED, encoding="utf-8-sig", newline="") as f:
    data = list(csv.reader(f))
HEADER, ROWS = data[0], [r for r in data[1:] if r]


def at(rows, name):
    return [r[1] for r in rows].index(name)


def shift(rows, first, length, mode, levels=False):
    out = [list(r) for r in rows]
    for k in range(first, first + length):
        if k == first and mode == "empty":
            out[k][1] = ""
            continue
        out[k][1] = rows[k - 1][1]
        if levels:
            out[k][0] = rows[k - 1][0]
    return out


def has_rows(rows, i):
    return i + 1 < len(rows) and int(rows[i + 1][0]) > int(rows[i][0])


def notice(rows, levels_from):
    lines = [TITLE, "单位：万元", "\t".join(["拨款单位"] + HEADER[2:])]
    for i, r in enumerate(rows):
        sub = has_rows(levels_from, i)
        cells = [("0" if sub else "") if v in ("", "0") else v for v in r[2:]]
        name = "总计：" if i == 0 else r[1]
        lines.append("\t".join([name] + cells))
    return "\n".join(lines) + "\n"


def write_notice(name, rows, orig):
    with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="") as f:
        f.write(notice(rows, orig))


def write_csv(name, rows):
    with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([HEADER] + rows)


R = ROWS
# a run of 2 inside 和田地区: 墨玉县 unnamed, 皮山县 lost
write_notice("hetian-2.notice.txt", shift(R, at(R, "墨玉县"), 2, "empty"), R)
# a run of 4 from the 地州 row 昌吉州, which repeats the name above (阿拉山口市); 呼图壁县 lost
write_notice("changji-4-prefecture.notice.txt", shift(R, at(R, "昌吉州"), 4, "previous"), R)
# a run of 10 in 伊犁州 (伊宁市 … 尼勒克县; 霍尔果斯市, a city of 2014, listed last, stays)
write_notice("yili-10.notice.txt", shift(R, at(R, "伊宁市"), 10, "empty"), R)
# the whole block of 和田地区 (its 地州 row and its 8 counties): 民丰县 lost
write_notice("hetian-block.notice.txt", shift(R, at(R, "和田地区"), 9, "empty"), R)
# 木垒哈萨克自治县 lost: the table writes autonomous counties short (巴里坤县, 焉耆县): 木垒县
write_notice("changji-tail.notice.txt", shift(R, at(R, "奇台县"), 3, "previous"), R)
# a run whose lost name the gazetteer cannot give (a 其中 row): shown, never fixed
write_notice("kashi-qizhong.notice.txt", shift(R, at(R, "喀什地区"), 2, "empty"), R)

# an older naming: 哈密地区 (哈密市 since 2016), 吐鲁番地区 (吐鲁番市 since 2015), 库车县 (库车市
# since 2019); 沙湾县 as in the bundled table (沙湾市 since 2021)
E = [list(r) for r in R]
E[at(E, "库车市")][1] = "库车县"
E[at(E, "哈密市")][1] = "哈密地区"
E[at(E, "吐鲁番市")][1] = "吐鲁番地区"
write_csv("era.csv", E)
# a run from 吐鲁番地区: the names move as they are (吐鲁番地区 stays 吐鲁番地区); 鄯善县 lost
write_notice("era-tulufan.notice.txt", shift(E, at(E, "吐鲁番地区"), 3, "empty"), E)
# a run from 木垒县 into the 地州 row of 哈密: its lost name in the table's era, 哈密地区
write_notice("era-hami-lost.notice.txt", shift(E, at(E, "木垒县"), 2, "empty"), E)

# CSV: only 单位 moves (阿勒泰地区, 布尔津县 … 青河县, 5 rows; 青河县 lost)
write_csv("aletai-5.names.csv", shift(R, at(R, "布尔津县"), 5, "previous"))
# CSV: 级次 moves with the names, from the 地州 row 克州 (3 rows; 阿克陶县 lost): the sums fail
write_csv("kezhou-3.levels.csv", shift(R, at(R, "克州"), 3, "previous", levels=True))

# XLSX by openpyxl: 乌鲁木齐市, 沙依巴克区 … 达坂城区 (5 rows; 达坂城区 lost)
try:
    import openpyxl
except ImportError:
    openpyxl = None
if openpyxl:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "附件1"
    ws.append([TITLE])
    ws.append(HEADER)
    for r in shift(R, at(R, "沙依巴克区"), 5, "empty"):
        ws.append([int(r[0]), r[1] or None] + [int(v) if v not in ("", "0") else 0 for v in r[2:]])
    wb.properties.created = wb.properties.modified = __import__("datetime").datetime(2024, 1, 1)
    wb.save(os.path.join(HERE, "urumqi-5.xlsx"))

# The bundled table lists its rows as Xinjiang's documents do (gz_listing_code): 克拉玛依区 before
# 独山子区 and 阿瓦提县 before 乌什县, against their codes. code-order.csv is the bundled table with
# those two pairs in plain code order (every sum the same): a table that does not keep that
# listing, where a run whose end only the order tells is held (FP_HOLD_ORDER).
O = [list(r) for r in R]
for a, b in (("克拉玛依区", "独山子区"), ("阿瓦提县", "乌什县")):
    i, j = at(O, a), at(O, b)
    O[i], O[j] = O[j], O[i]
write_csv("code-order.csv", O)
write_notice("code-order-hetian-2.notice.txt", shift(O, at(O, "墨玉县"), 2, "empty"), O)
# in the bundled table, a run in 阿克苏地区 whose lost name 阿瓦提县 is listed before 乌什县: by plain
# code order (乌什县 652927 before 阿瓦提县 652928) it would end one row late
write_notice("akesu-8-prefecture.notice.txt", shift(R, at(R, "阿克苏地区"), 8, "empty"), R)
# CSV: 级次 moves with the names in the table of plain code order (克州, 3 rows): held
write_csv("code-order-kezhou-3.levels.csv", shift(O, at(O, "克州"), 3, "previous", levels=True))
