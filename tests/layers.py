#!/usr/bin/python3
"""tests/layers.py SOURCE_DIR — fail when a module of src/ includes a private header of a later
stage of the pipeline (docs/architecture.md). Public headers (fenpei/…) are open to everyone;
the program's front ends (cli, serve) may include nothing private but their own."""
import os
import re
import sys

# Rank of each stage: a module may include private headers of its own folder and of folders
# with a lower rank only. Front ends (rank None) include only their own private headers.
RANK = {
    "util": 0, "core": 1, "places": 2, "read": 3, "round": 3, "check": 4, "explain": 5,
    "realloc": 6, "write": 7, "report": 7, "cli": None, "serve": None,
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/[^"]+"', re.M)


def main(src):
    bad = []
    for folder in sorted(os.listdir(src)):
        path = os.path.join(src, folder)
        if not os.path.isdir(path):
            continue
        if folder not in RANK:
            bad.append(f"src/{folder}/: a folder the layout does not know; add it to tests/layers.py "
                       "and docs/architecture.md with its place in the pipeline")
            continue
        for root, _, files in os.walk(path):
            for name in sorted(files):
                if not name.endswith((".c", ".h")):
                    continue
                text = open(os.path.join(root, name), encoding="utf-8").read()
                for m in INCLUDE.finditer(text):
                    dep = m.group(1)
                    if dep in ("fenpei", folder):
                        continue
                    mine, theirs = RANK[folder], RANK.get(dep)
                    if mine is None or theirs is None or theirs >= mine:
                        line = text.count("\n", 0, m.start()) + 1
                        bad.append(f"src/{folder}/{name}:{line}: includes {m.group(0).split()[-1]} "
                                   f"({dep} is not below {folder} in the pipeline)")
    for b in bad:
        print(b)
    print(f"layers: {len(bad)} upward include(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "src"))
