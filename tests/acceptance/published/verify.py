#!/usr/bin/python3
"""The published tables' own arithmetic, checked exactly (decimal), independently of fenpei.

    /usr/bin/python3 tests/acceptance/published/verify.py

Prints each identity with its result; exits 1 if one fails.  Standard library only.
"""
import os
import sys
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))


def lines(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return f.read().splitlines()


def amount(text):
    t = text.strip().replace(",", "")
    return Decimal(0) if t in ("", "-", "—") else Decimal(t)


failed = 0


def check(label, stated, computed):
    global failed
    ok = stated == computed
    failed += not ok
    print("  %-62s %s  (stated %s, computed %s)" % (label, "holds" if ok else "FAILS", stated, computed))


def dianjiang():
    print("dianjiang-2021-rural-housing-repair.txt")
    rows = [l.split("\t") for l in lines("dianjiang-2021-rural-housing-repair.txt")[3:27]]
    towns, total = rows[:-1], rows[-1]
    assert total[1] == "合  计" and len(towns) == 23
    cols = ["C级 户数", "C级 补助资金", "D级 户数", "D级 补助资金", "无房户 户数", "无房户 补助资金",
            "合计 总户数", "合计 补助资金"]
    for c in range(8):
        check("合计 row, %s = Σ 23 towns" % cols[c], amount(total[2 + c]),
              sum(amount(r[2 + c]) for r in towns))
    bad_q = [r[1] for r in towns + [total] if amount(r[8]) != amount(r[2]) + amount(r[4]) + amount(r[6])]
    bad_m = [r[1] for r in towns + [total] if amount(r[9]) != amount(r[3]) + amount(r[5]) + amount(r[7])]
    check("rows where 总户数 != C + D + 无房户 户数 (24 rows)", len(bad_q), 0)
    check("rows where 合计 资金 != C + D + 无房户 资金 (24 rows)", len(bad_m), 0)
    rate = {2: Decimal("0.75"), 4: Decimal("2.1"), 6: Decimal("2.1")}
    bad_r = [r[1] for r in towns + [total] for c in rate if amount(r[c]) * rate[c] != amount(r[c + 1])]
    check("cells where 资金 != 户数 × standard (0.75 / 2.1 万元 a household)", len(bad_r), 0)


def yiyang():
    print("yiyang-2017-disaster-relief.txt")
    rows = [l.split("\t") for l in lines("yiyang-2017-disaster-relief.txt")[3:]]
    check("合计 = 资阳区 + 赫山区 + 大通湖区", amount(rows[-1][1]), sum(amount(r[1]) for r in rows[:-1]))


def zhengan():
    print("zhengan-2009-disaster-relief.txt")
    rows = [l.split("\t") for l in lines("zhengan-2009-disaster-relief.txt")[3:]]
    check("合计 = Σ 9 towns", amount(rows[-1][1]), sum(amount(r[1]) for r in rows[:-1]))


def taiwan():
    print("taiwan-2001-subsidies-to-local-governments.txt")
    rows = [l.split("\t") for l in lines("taiwan-2001-subsidies-to-local-governments.txt")[5:]]
    total, parts = rows[0], rows[1:]
    names = ["補助台北市政府", "補助高雄市政府", "補助台灣省各縣市政府", "補助金門及連江縣政府", "合計"]
    for c in range(5):
        check("合計 row, %s = Σ 11 主管" % names[c], amount(total[2 + c]), sum(amount(r[2 + c]) for r in parts))
    bad = [r[1] for r in rows if amount(r[6]) != sum(amount(r[2 + c]) for c in range(4))]
    check("rows where 合計 column != Σ the four columns (12 rows)", len(bad), 0)
    raw = [l for l in lines("taiwan-2001-subsidies-to-local-governments.raw.txt")
           if l.count("│") == 6 and l.rstrip()[-1].isdigit()]
    cells = [[x.strip() for x in l.split("│")] for l in raw]
    same = [[amount(x) for x in c[2:]] for c in cells] == [[amount(x) for x in r[2:]] for r in rows]
    check("raw copy: rows whose amounts differ from the tab-separated copy", 0 if same else 1, 0)


dianjiang()
yiyang()
zhengan()
taiwan()
print("all identities hold" if not failed else "%d identities fail" % failed)
sys.exit(1 if failed else 0)
