#!/usr/bin/python3
"""tests/bench/pandas_check.py TABLE.csv — the same identities fenpei check verifies, written as
an analyst would in idiomatic pandas (vectorised, no Python loop over rows): every subtotal equals
the sum of its rows in every amount column, every row's categories add up to its year total, and
全年 = 已提前下达 + 此次下达. The yardstick of docs/benchmarks.md; prints the number of failures.

Amounts are read as int64 (the bench table holds whole units), so pandas is not handicapped by
decimal parsing; fenpei parses every cell exactly as decimal text."""
import sys

import numpy as np
import pandas as pd


def main(path):
    df = pd.read_csv(path, dtype={"单位": str})
    level = df["级次"].to_numpy()
    amounts = [c for c in df.columns if c not in ("级次", "单位")]
    cats = amounts[:-3]
    total, advance, batch = amounts[-3:]
    # parent of each row: the last row before it one level up (pre-order), found per level
    idx = np.arange(len(df))
    parent = np.full(len(df), -1)
    for lv in range(1, int(level.max()) + 1):
        last_up = pd.Series(np.where(level == lv - 1, idx, np.nan)).ffill().to_numpy()
        mask = level == lv
        parent[mask] = last_up[mask].astype(np.int64)
    kids = df.loc[parent >= 0, amounts].groupby(parent[parent >= 0]).sum()
    col_fail = int((kids != df.loc[kids.index, amounts]).to_numpy().sum())
    split_fail = int((df[cats].sum(axis=1) != df[total]).sum())
    ab_fail = int((df[advance] + df[batch] != df[total]).sum())
    failures = col_fail + split_fail + ab_fail
    print(f"pandas {pd.__version__}: {len(df)} rows, {len(amounts)} amount columns, "
          f"{failures} failing identities")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
