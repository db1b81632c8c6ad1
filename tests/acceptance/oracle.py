#!/usr/bin/python3
"""A stand-in for `fenpei` that knows the answers (it reads each case's ground-truth JSON), to test
score_causes.py itself: scored with it, every kind must come out at 100 % and no control may alarm.

    /usr/bin/python3 tests/acceptance/score_causes.py tests/acceptance/oracle.py -n 10

Understands only what the scorer runs: `check --format json FILE`, `check --fix -o OUT FILE`,
`convert -o OUT --force FILE`.
"""
import csv
import json
import os
import sys


def truth_of(path):
    with open(os.path.splitext(path)[0] + ".json", encoding="utf-8") as f:
        return json.load(f)


def write_original(truth, out):
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(truth["original"]["header"])
        for r in truth["original"]["rows"]:
            w.writerow(r)


def cause_cells(truth, layout):
    key = "csv_line" if layout == "csv" else "txt_line"
    kind = truth["kind"]
    if "changes" in truth:
        return [{"line": c[key], "unit": c["unit"], "column": c["column"], "change": "set",
                 "stated": c["faulted"], "suggested": c["original"]} for c in truth["changes"]]
    if kind == "missing-row":
        lost = truth["removed"]
        return [{"line": None, "unit": lost["unit"], "column": k, "change": "insert", "stated": None,
                 "suggested": v} for k, v in lost["values"].items() if v not in ("0", "")]
    if kind == "extra-row":
        d = truth["duplicate"]
        line = d["csv_lines" if layout == "csv" else "txt_lines"][1]
        return [{"line": line, "unit": d["unit"], "column": "单位", "change": "delete",
                 "stated": None, "suggested": None}]
    if kind == "label-shift":
        return [{"line": r["txt_line"], "unit": r["unit_stated"], "column": "拨款单位", "change": "rename",
                 "stated": r["unit_stated"], "suggested": r["original"], "level": r["level"]}
                for r in truth["renames"]]
    return []


KIND = {"typo": "typo", "transposition": "typo", "sign": "typo", "subtotal-residue": "typo"}


def main(argv):
    args = argv[1:]
    path = args[-1]
    truth = truth_of(path)
    layout = "csv" if path.endswith(".csv") else "txt"
    out = args[args.index("-o") + 1] if "-o" in args else None
    if args[0] == "convert":
        write_original(truth, out)
        return 0
    if truth["kind"] == "clean":
        if out:
            write_original(truth, out)
            print("修正：0 处修改，已写入 %s：" % out)
            return 0
        print(json.dumps({"file": path, "rows": len(truth["original"]["rows"]), "errors": 0,
                          "warnings": 0, "findings": []}, ensure_ascii=False))
        return 0
    if out:
        write_original(truth, out)
        print("修正：1 处修改，已写入 %s：" % out)
        return 0
    cause = {"id": 0, "kind": KIND.get(truth["kind"], truth["kind"]), "subkind": None,
             "cells": cause_cells(truth, layout), "fixable": True}
    if truth["kind"] == "label-shift":
        rep = {"file": path, "errors": 0, "warnings": 0, "findings": [], "notes": [cause]}
        rc = 0
    else:
        rep = {"file": path, "errors": 1, "warnings": 0,
               "findings": [{"rule": "column-sum", "severity": "error", "cause": cause}]}
        rc = 1
    print(json.dumps(rep, ensure_ascii=False))
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))
