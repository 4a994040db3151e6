#!/usr/bin/env python3
"""Reads why scale-ins were reversed the next tick: for every capacity-lowering decision followed by a
capacity-raising one (churn.py's "rev next"), the two decisions' steps and reasons from the decision log, and a
count by what raised the bound on the reversing tick (its step, and the outlook feature its reason names).

Usage: reversals.py [--out DIR] [--list] [scenario ...]
DIR holds <scenario>.csv and the SQLite decision log <scenario>.db of the same run
(`simulate.sh --decision-logs --out DIR`, or `dso simulate ... --output DIR/S.csv --decision-log DIR/S.db`).
"""
import argparse
import collections
import csv
import os
import re
import sqlite3
import sys

from churn import EVAL, capacity_of, parse_fleet

FEATURES = ["recent mean", "latest peak", "seasonal peak", "yesterday's shape", "last week's shape", "forecast",
            "recurring burst", "current ramp"]


def cause(step, reason):
    """What set the reversing decision's bound: the step, and the feature its outlook names first."""
    if "warm-up" in reason:
        return step, "warm-up"
    if "the reactive rule's capacity" in reason:
        return step, "self-correction following the rule"
    head = reason.split(" in ")[0]
    if "; the fit gave " in head:
        # "not below the demand served now, ...; the fit gave X from FEATURE ...": the fitted term's feature.
        head = head.split("; the fit gave ")[1]
    named = [(head.find(f), f) for f in FEATURES if f in head]
    return step, min(named)[1] if named else "-"


def reversals(scenario, csv_path, db_path):
    sc, cap = capacity_of(scenario)

    rows = list(csv.DictReader(open(csv_path)))
    db = sqlite3.connect(db_path)
    # One decision per trace row, in order (the decision after row i is logged one tick later).
    decisions = db.execute("select strategy, reason from decisions where variant is not null order by seq").fetchall()
    if len(decisions) != len(rows):
        raise SystemExit(f"{db_path}: {len(decisions)} decisions for {len(rows)} rows (not the same run?)")
    previous = dict(sc.get("initial_fleet") or {})
    moves = []
    for r in rows[:-1]:
        fleet = parse_fleet(r["fleet"])
        delta = cap(fleet) - cap(previous)
        moves.append(1 if delta > 1e-9 else -1 if delta < -1e-9 else 0)
        previous = fleet
    found = []
    for i in range(len(moves) - 1):
        if moves[i] < 0 and moves[i + 1] > 0:
            found.append((rows[i], decisions[i], rows[i + 1], decisions[i + 1]))
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "dso-optimizer-sim"))
    ap.add_argument("--list", action="store_true", help="print every reversal's two decisions")
    ap.add_argument("scenarios", nargs="*", default=["nasa-jul95", "twitter-aug21", "wikipedia-hourly"])
    a = ap.parse_args()
    for s in a.scenarios:
        csv_path, db_path = os.path.join(a.out, f"{s}.csv"), os.path.join(a.out, f"{s}.db")
        if not (os.path.exists(csv_path) and os.path.exists(db_path)):
            print(f"{s}: {csv_path} or {db_path} not found (run simulate.sh --decision-logs --out {a.out} first)", file=sys.stderr)
            return 2
        found = reversals(os.path.join(EVAL, "scenarios", f"{s}.yaml"), csv_path, db_path)
        counts = collections.Counter(cause(out[0], out[1]) for _, _, _, out in found)
        print(f"{s}: {len(found)} next-tick reversals; the reversing decision's step and binding feature:")
        for (step, feature), n in counts.most_common():
            print(f"  {n:4d}  {step:22s} {feature}")
        if a.list:
            for row_in, (step_in, why_in), row_out, (step_out, why_out) in found:
                print(f"  - {row_in['timestamp']} {row_in['fleet']} [{step_in}] {why_in}")
                print(f"    {row_out['timestamp']} {row_out['fleet']} [{step_out}] {why_out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
