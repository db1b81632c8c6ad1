#!/usr/bin/python3
"""Score `fenpei check` on the cases of faults.py: found, right kind, right cell, right suggestion,
and whether `check --fix` restores the original table; false alarms on clean notice-layout controls.

    /usr/bin/python3 tests/acceptance/score_causes.py FENPEI [--cases DIR] [-n 60] [--seed 16] [--clean N]
        [--json SUMMARY.json] [--jobs 2] [--min-kind-recall X] [--min-kind-suggestion X] [--max-false-alarms N]
        [--max-fix-differs N] [--furniture]

Without --cases (or when DIR has no manifest.json) the cases are generated first with faults.py
(into DIR, or a temporary folder).  Each case is checked as its canonical CSV and as its notice
text (label-shift: notice text only):

    fenpei check --format json CASE           (found, kind, cell, suggestion)
    fenpei check --fix -o FIXED.csv CASE      (the table --fix writes)

Per case and layout:
  found        exit status 1, or any finding or note
  kind         a cause of the injected kind (subtotal-residue: a cause, not ambiguous, whose
               changed cells all lie on the faulted 地州 row)
  cell         every injected cell (line, column) is named by a cause's cell (missing-row: an
               insert naming the lost unit; extra-row: a delete of one of the two equal lines;
               label-shift: renames on exactly the shifted lines)
  suggestion   the suggested changes, taken together, are exactly the inverse of the fault: every
               changed cell back to its original value and no other cell changed (missing-row:
               an insert with the lost row's amounts; label-shift: every shifted line back to its
               own name)
  fix exact    --fix wrote a table equal to the original: every row under the same parent with the
               same name, level and amounts (siblings in any order: where a lost row goes among its
               siblings the sums cannot tell; `order` counts those written in another order)
  fix differs  --fix applied changes and wrote a table that differs from the original (the worst
               outcome: a wrong table); `claimed clean` when it then exited 0
  fix none     --fix applied nothing (0 changes, or no file)
  recall       suggestion right AND fix exact
Clean controls: a false alarm is exit status != 0; notes or warnings on them are counted apart.
--min-kind-recall X (a fraction, e.g. 0.95, or a percentage if > 1): exit 1 when any kind in any
layout has a recall below X; --min-kind-suggestion X likewise for the right suggestion (issue 16's
measure: >= 95 %, with --fix never writing a wrong table).  --max-false-alarms / --max-fix-differs likewise (default: no limit).
"""
import argparse
import concurrent.futures
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
from decimal import Decimal, InvalidOperation

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import faults  # noqa: E402

EXPECTED_KIND = {"typo": "typo", "transposition": "typo", "sign": "typo",
                 "missing-row": "missing-row", "extra-row": "extra-row",
                 "misplaced-cell": "misplaced-cell", "subtotal-residue": None,
                 "label-shift": "label-shift"}


def dec(text):
    if text is None:
        return None
    t = str(text).strip().replace(",", "")
    if t in ("", "-", "—"):
        return Decimal(0)
    try:
        return Decimal(t)
    except InvalidOperation:
        return None


def run(cmd, timeout=120):
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        return -1, "", "timeout"


def causes_of(report):
    """Every distinct cause object: those on findings (by id) and the notes."""
    out, seen = [], set()
    for f in report.get("findings") or []:
        c = f.get("cause")
        if c is not None and c.get("id") not in seen:
            seen.add(c.get("id"))
            out.append(c)
    for c in report.get("notes") or []:
        out.append(c)
    return out


def read_fixed(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        data = [r for r in csv.reader(f) if r]
    if data and data[0] and data[0][0].startswith("单位"):
        data = data[1:]
    return data[0], data[1:]


def tree_rows(rows, ncols):
    """[(path of names, level, amounts)] in file order; path = names from the top down."""
    out, stack = [], []
    for r in rows:
        try:
            level = int(str(r[0]).strip())
        except ValueError:
            level = -1
        while stack and stack[-1][0] >= level:
            stack.pop()
        name = str(r[1]).strip()
        stack.append((level, name))
        amounts = tuple(dec(r[c] if c < len(r) else "") for c in range(2, ncols))
        out.append((tuple(n for _, n in stack), level, amounts))
    return out


def compare_table(orig, path):
    """(same tree: every row under the same parent path with the same name, level and amounts,
    siblings in any order; same order too; first difference or None)."""
    try:
        header, rows = read_fixed(path)
    except (OSError, IndexError, UnicodeDecodeError) as e:
        return False, False, "unreadable: %s" % e
    oh, orows = orig["header"], orig["rows"]
    if len(header) != len(oh):
        return False, False, "header %s" % header
    a = tree_rows(rows, len(oh))
    b = tree_rows(orows, len(oh))
    if a == b:
        return True, True, None
    key = lambda t: (t[0], t[1], tuple(str(x) for x in t[2]))
    if sorted(a, key=key) == sorted(b, key=key):
        return True, False, "same rows, another order under a parent"
    if len(a) != len(b):
        return False, False, "%d rows, original %d" % (len(a), len(b))
    bset = {}
    for t in b:
        bset.setdefault(t[0], []).append(t)
    for k, t in enumerate(a):
        if t[0] not in bset:
            return False, False, "row %d: no row %s in the original (%s)" % (
                k + 1, "/".join(t[0]), "/".join(b[k][0]) if k < len(b) else "")
        if t not in bset[t[0]]:
            o = bset[t[0]][0]
            cols = [oh[2 + c] + ": " + str(t[2][c]) + ", original " + str(o[2][c])
                    for c in range(len(t[2])) if t[2][c] != o[2][c]]
            return False, False, "row %d (%s) %s" % (k + 1, t[0][-1], "; ".join(cols) or "level %d" % t[1])
    return False, False, "rows differ"


def changed_cells(causes):
    """The suggested changes of every cause but ambiguous ones and notes-only cells."""
    sets, inserts, deletes, renames = [], [], [], []
    for c in causes:
        if c.get("kind") == "ambiguous":
            continue
        for cell in c.get("cells") or []:
            ch = cell.get("change")
            if ch == "set":
                sets.append(cell)
            elif ch == "insert":
                inserts.append(cell)
            elif ch == "delete":
                deletes.append(cell)
            elif ch == "rename":
                renames.append(cell)
    return sets, inserts, deletes, renames


def score_report(truth, layout, rc, report):
    kind = truth["kind"]
    line_key = "csv_line" if layout == "csv" else "txt_line"
    causes = causes_of(report) if report else []
    res = {"found": False, "kind": False, "cell": False, "suggestion": False,
           "kinds_seen": sorted({c.get("kind") for c in causes})}
    if report is None:
        return res
    res["found"] = rc == 1 or bool(report.get("findings")) or bool(report.get("notes"))
    sets, inserts, deletes, renames = changed_cells(causes)
    if kind in ("typo", "transposition", "sign", "misplaced-cell", "subtotal-residue"):
        want = {(ch[line_key], ch["column"]): dec(ch["original"]) for ch in truth["changes"]}
        if kind == "subtotal-residue":
            row_line = truth["changes"][0][line_key]
            res["kind"] = any(c.get("kind") != "ambiguous" and
                              [x for x in c.get("cells") or [] if x.get("change") == "set"] and
                              all(x.get("line") == row_line for x in c.get("cells") or []
                                  if x.get("change") == "set") for c in causes)
        else:
            res["kind"] = any(c.get("kind") == EXPECTED_KIND[kind] for c in causes)
        named = {(x.get("line"), x.get("column")) for c in causes for x in c.get("cells") or []
                 if x.get("change") != "note"}
        # a misplaced cell's empty side may be named or not; its value's side must be
        need = set(want)
        if kind == "misplaced-cell":
            need = {k for k in want if want[k] != 0} | ({k for k in want} & named)
        res["cell"] = need <= named
        got = {}
        ok = not inserts and not deletes and not renames
        for x in sets:
            key = (x.get("line"), x.get("column"))
            v = dec(x.get("suggested"))
            if key in got and got[key] != v:
                ok = False
            got[key] = v
        res["suggestion"] = ok and got == want
    elif kind == "missing-row":
        lost = truth["removed"]
        res["kind"] = any(c.get("kind") == "missing-row" for c in causes)
        res["cell"] = any(x.get("unit") == lost["unit"] for x in inserts)
        vals = {}
        for x in inserts:
            vals[x.get("column")] = dec(x.get("suggested"))
        want = {k: dec(v) for k, v in lost["values"].items()}
        res["suggestion"] = (not sets and not deletes and not renames and
                             all(vals.get(k, Decimal(0)) == v for k, v in want.items()) and
                             all(k in want for k in vals if vals[k] != 0))
    elif kind == "extra-row":
        lines = truth["duplicate"]["csv_lines" if layout == "csv" else "txt_lines"]
        res["kind"] = any(c.get("kind") == "extra-row" for c in causes)
        dl = {x.get("line") for x in deletes}
        res["cell"] = bool(dl & set(lines))
        res["suggestion"] = len(dl) == 1 and dl <= set(lines) and not sets and not inserts and not renames
    elif kind == "label-shift":
        res["kind"] = any(c.get("kind") == "label-shift" for c in causes)
        want = {r["txt_line"]: r["original"] for r in truth["renames"]}
        got = {}
        for x in renames:
            got[x.get("line")] = x.get("suggested")
        # a rename to the name the line already carries is no change
        stated = {r["txt_line"]: r["unit_stated"] for r in truth["renames"]}
        got_changes = {k: v for k, v in got.items() if stated.get(k, None) != v}
        res["cell"] = set(got_changes) == set(want)
        res["suggestion"] = got_changes == want and not sets and not inserts and not deletes
    return res


def check_case(fenpei, case_dir, truth, layout, tmp):
    path = os.path.join(case_dir, truth["files"][layout])
    rc, out, err = run([fenpei, "check", "--format", "json", path])
    report = None
    if rc in (0, 1):
        try:
            report = json.loads(out)
        except ValueError:
            report = None
    res = score_report(truth, layout, rc, report)
    res["subkind"] = truth.get("subkind")
    res["rc"] = rc
    if rc == 2 or report is None:
        res["error"] = err.strip().splitlines()[-1] if err.strip() else "no JSON"
    fixed = os.path.join(tmp, "%s-%s.csv" % (truth["case"].replace("/", "-"), layout))
    if os.path.exists(fixed):
        os.unlink(fixed)
    frc, fout, ferr = run([fenpei, "check", "--fix", "-o", fixed, path])
    m = re.search(r"修正：(\d+) 处修改", fout)
    nchanges = int(m.group(1)) if m else None
    res["fix_rc"] = frc
    res["fix_changes"] = nchanges
    if not os.path.exists(fixed) or nchanges == 0:
        res["fix"] = "none"
    else:
        same, ordered, diff = compare_table(truth["original"], fixed)
        if same:
            res["fix"] = "exact"
            res["fix_order_differs"] = not ordered
        else:
            res["fix"] = "differs"
            res["fix_diff"] = diff
            res["fix_claimed_clean"] = frc == 0
    if os.path.exists(fixed):
        os.unlink(fixed)
    res["recall"] = res["suggestion"] and res["fix"] == "exact"
    return res


def check_clean(fenpei, case_dir, truth):
    path = os.path.join(case_dir, truth["files"]["txt"])
    rc, out, err = run([fenpei, "check", "--format", "json", path])
    res = {"rc": rc, "false_alarm": rc != 0}
    try:
        rep = json.loads(out) if rc in (0, 1) else None
    except ValueError:
        rep = None
    if rep is not None:
        res["warnings"] = rep.get("warnings", 0)
        res["notes"] = len(rep.get("notes") or [])
        res["rows"] = rep.get("rows")
        res["wrong_rows"] = rep.get("rows") != len(truth["original"]["rows"])
    else:
        res["error"] = err.strip().splitlines()[-1] if err.strip() else "no JSON"
    # the tree: convert must give back the bundled table exactly
    conv = os.path.join(tempfile.gettempdir(), "fenpei-clean-%d-%s.csv" % (os.getpid(), truth["case"].replace("/", "-")))
    crc, _, _ = run([fenpei, "convert", "-o", conv, "--force", path])
    if os.path.exists(conv):
        same, ordered, diff = compare_table(truth["original"], conv)
        exact = same and ordered
        res["convert_exact"] = exact
        if not exact:
            res["convert_diff"] = diff
        os.unlink(conv)
    else:
        res["convert_exact"] = False
    res["convert_rc"] = crc
    return res


def pct(a, b):
    return "—" if b == 0 else "%.1f" % (100.0 * a / b)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("fenpei", help="the fenpei binary")
    ap.add_argument("--cases", help="folder of faults.py cases (generated when it has no manifest.json)")
    ap.add_argument("-n", type=int, default=60, help="cases per kind when generating (default 60)")
    ap.add_argument("--seed", type=int, default=16, help="seed when generating (default 16)")
    ap.add_argument("--furniture", action="store_true", help="when generating: page furniture in faulted texts too")
    ap.add_argument("--clean", type=int, default=None, metavar="N",
                    help="clean controls when generating (default: n)")
    ap.add_argument("--kinds", default=None, help="only these kinds (comma-separated)")
    ap.add_argument("--json", help="write the summary (and every case's result) here")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--min-kind-recall", type=float, default=None, metavar="X")
    ap.add_argument("--min-kind-suggestion", type=float, default=None, metavar="X")
    ap.add_argument("--max-false-alarms", type=int, default=None, metavar="N")
    ap.add_argument("--max-fix-differs", type=int, default=None, metavar="N")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    a = ap.parse_args(argv)
    fenpei = os.path.abspath(a.fenpei)
    if not os.access(fenpei, os.X_OK):
        ap.error("%s is not an executable" % a.fenpei)
    tmpdir = tempfile.TemporaryDirectory(prefix="fenpei-acceptance-")
    cases = a.cases or os.path.join(tmpdir.name, "cases")
    if not os.path.exists(os.path.join(cases, "manifest.json")):
        gen = ["-o", cases, "-n", str(a.n), "--seed", str(a.seed)]
        if a.furniture:
            gen.append("--furniture")
        if a.kinds:
            gen += ["--kinds", a.kinds]
        if a.clean is not None:
            gen += ["--clean", str(a.clean)]
        faults.main(gen)
    with open(os.path.join(cases, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    kinds = [k for k in manifest["kinds"] if not a.kinds or k in a.kinds.split(",")]
    work = os.path.join(tmpdir.name, "fixed")
    os.makedirs(work, exist_ok=True)

    jobs = []
    for kind in kinds:
        for case in manifest["kinds"][kind]:
            with open(os.path.join(cases, case + ".json"), encoding="utf-8") as f:
                truth = json.load(f)
            for layout in ("csv", "txt"):
                if layout in truth["files"]:
                    jobs.append((kind, layout, truth))
    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as ex:
        futs = {ex.submit(check_case, fenpei, os.path.join(cases, kind), truth, layout, work):
                (kind, layout, truth["case"]) for kind, layout, truth in jobs}
        clean_futs = {}
        for case in manifest.get("clean", []):
            with open(os.path.join(cases, case + ".json"), encoding="utf-8") as f:
                truth = json.load(f)
            clean_futs[ex.submit(check_clean, fenpei, os.path.join(cases, "clean"), truth)] = case
        for fu in concurrent.futures.as_completed(futs):
            kind, layout, case = futs[fu]
            results.setdefault((kind, layout), {})[case] = fu.result()
        clean = {clean_futs[fu]: fu.result() for fu in concurrent.futures.as_completed(clean_futs)}

    summary = {"fenpei": a.fenpei, "cases": cases if a.cases else None, "seed": manifest["seed"],
               "n": manifest["n"], "furniture": manifest.get("furniture", False), "kinds": {}, "clean": {}}
    cols = ["found", "kind", "cell", "suggestion", "fix exact", "recall"]
    print("%-17s %-6s %4s  %s  %6s %8s %8s %7s %5s" % ("kind", "layout", "n", "  ".join("%9s" % c for c in cols),
                                                       "order", "fix none", "differs", "claimed", "exit2"))
    failed = []
    total_differs = 0
    for kind in kinds:
        for layout in ("csv", "txt"):
            r = results.get((kind, layout))
            if not r:
                continue
            n = len(r)
            cnt = {
                "found": sum(x["found"] for x in r.values()),
                "kind": sum(x["kind"] for x in r.values()),
                "cell": sum(x["cell"] for x in r.values()),
                "suggestion": sum(x["suggestion"] for x in r.values()),
                "fix exact": sum(x["fix"] == "exact" for x in r.values()),
                "recall": sum(x["recall"] for x in r.values()),
            }
            none = sum(x["fix"] == "none" for x in r.values())
            differs = sum(x["fix"] == "differs" for x in r.values())
            claimed = sum(x["fix"] == "differs" and x.get("fix_claimed_clean", False) for x in r.values())
            order = sum(x["fix"] == "exact" and x.get("fix_order_differs", False) for x in r.values())
            exit2 = sum(x["rc"] not in (0, 1) for x in r.values())
            total_differs += differs
            kinds_seen = {}
            for x in r.values():
                for k in x["kinds_seen"] or ["(none)"]:
                    kinds_seen[k] = kinds_seen.get(k, 0) + 1
            print("%-17s %-6s %4d  %s  %6d %8d %8d %7d %5d" % (
                kind, layout, n, "  ".join("%8s%%" % pct(cnt[c], n) for c in cols), order, none, differs, claimed, exit2))
            by_sub = {}
            for x in r.values():
                d = by_sub.setdefault(str(x.get("subkind")), {"n": 0, "recall": 0, "suggestion": 0,
                                                             "fix_exact": 0, "fix_none": 0, "fix_differs": 0})
                d["n"] += 1
                d["recall"] += x["recall"]
                d["suggestion"] += x["suggestion"]
                d["fix_" + x["fix"]] += 1
            summary["kinds"].setdefault(kind, {})[layout] = {
                "by_subkind": by_sub,
                "n": n, "counts": cnt, "percent": {c: (100.0 * cnt[c] / n if n else None) for c in cols},
                "fix_exact_other_order": order, "fix_none": none, "fix_differs": differs, "fix_differs_claimed_clean": claimed,
                "exit2": exit2, "cause_kinds_seen": kinds_seen,
                "cases": {c: r[c] for c in sorted(r)}}
            if a.min_kind_recall is not None:
                x = a.min_kind_recall / 100.0 if a.min_kind_recall > 1 else a.min_kind_recall
                if n and cnt["recall"] < x * n:
                    failed.append("%s (%s): recall %s%% < %.1f%%" % (kind, layout, pct(cnt["recall"], n), 100 * x))
            if a.min_kind_suggestion is not None:
                x = a.min_kind_suggestion / 100.0 if a.min_kind_suggestion > 1 else a.min_kind_suggestion
                if n and cnt["suggestion"] < x * n:
                    failed.append("%s (%s): right suggestion %s%% < %.1f%%" % (kind, layout, pct(cnt["suggestion"], n), 100 * x))
            if a.verbose:
                for c in sorted(r):
                    x = r[c]
                    if not x["recall"]:
                        print("    miss %s %s: rc=%s found=%d kind=%d cell=%d sugg=%d fix=%s kinds=%s %s" % (
                            c, layout, x["rc"], x["found"], x["kind"], x["cell"], x["suggestion"], x["fix"],
                            ",".join(x["kinds_seen"]), x.get("fix_diff", "") or x.get("error", "")))
    if clean:
        n = len(clean)
        fa = sum(x["false_alarm"] for x in clean.values())
        noted = sum(bool(x.get("notes") or x.get("warnings")) for x in clean.values())
        conv = sum(bool(x.get("convert_exact")) for x in clean.values())
        print("%-17s %-6s %4d  false alarms (exit != 0): %d (%s%%); with notes or warnings: %d; "
              "convert gives the original table: %d (%s%%)" % ("clean", "txt", n, fa, pct(fa, n), noted, conv, pct(conv, n)))
        if a.verbose:
            for c in sorted(clean):
                x = clean[c]
                if x["false_alarm"] or not x.get("convert_exact"):
                    print("    clean %s: rc=%s %s %s" % (c, x["rc"], x.get("error", ""), x.get("convert_diff", "")))
        summary["clean"] = {"n": n, "false_alarms": fa, "with_notes_or_warnings": noted,
                            "convert_exact": conv, "cases": {c: clean[c] for c in sorted(clean)}}
        if a.max_false_alarms is not None and fa > a.max_false_alarms:
            failed.append("clean controls: %d false alarms > %d" % (fa, a.max_false_alarms))
    if a.max_fix_differs is not None and total_differs > a.max_fix_differs:
        failed.append("--fix wrote %d tables that differ from the original > %d" % (total_differs, a.max_fix_differs))
    summary["failed"] = failed
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(summary, f, ensure_ascii=False, indent=1, sort_keys=True)
            f.write("\n")
    for m in failed:
        print("FAIL: " + m, file=sys.stderr)
    tmpdir.cleanup()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
