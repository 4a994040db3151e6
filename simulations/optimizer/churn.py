#!/usr/bin/env python3
"""Counts scaling churn in `dso simulate` outputs: actions per day (as autoscale_eval.py counts them: a row whose
decision changes the fleet), scale-ins, and scale-ins the following decisions reverse (capacity added again one
tick later, or within --window ticks).

Usage: churn.py [--out DIR] [--window N] [scenario ...]
DIR is where simulate.sh wrote <scenario>.csv (default: $TMPDIR/dso-optimizer-sim); the scenarios' catalogs are
read from ../shared/eval/scenarios (or $DSO_EVAL_DIR/scenarios).
"""
import argparse
import csv
import os
import sys
from datetime import datetime

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
EVAL = os.environ.get("DSO_EVAL_DIR", os.path.join(HERE, "..", "..", "..", "shared", "eval"))


def parse_fleet(text):
    fleet = {}
    for item in filter(None, (text or "").split(";")):
        name, count = item.split("=")
        fleet[name] = int(count)
    return fleet


def capacity_of(scenario):
    """The scenario and its fleet -> capacity (rps) function. Spot offerings are named <type>/spot: they serve like their type."""
    sc = yaml.safe_load(open(scenario))
    capacity = {t["name"]: float(t["capacity_rps"]) for t in sc["instance_types"]}
    return sc, lambda fleet: sum(capacity.get(n.split("/")[0], 0.0) * k for n, k in fleet.items())


def churn(scenario, decisions, window):
    sc, cap = capacity_of(scenario)

    rows = list(csv.DictReader(open(decisions)))
    times = [datetime.fromisoformat(r["timestamp"].replace("Z", "+00:00")) for r in rows]
    days = max((times[-1] - times[0]).total_seconds(), 1) / 86400.0
    previous = dict(sc.get("initial_fleet") or {})
    moves = []  # per decision: +1 capacity up, -1 capacity down, 0 same capacity (a swap or no change)
    actions = 0
    for r in rows[:-1]:  # the last row's decision never takes effect in the evaluator
        fleet = parse_fleet(r["fleet"])
        if fleet != previous:
            actions += 1
        delta = cap(fleet) - cap(previous)
        moves.append(1 if delta > 1e-9 else -1 if delta < -1e-9 else 0)
        previous = fleet
    scale_ins = sum(1 for m in moves if m < 0)
    next_tick = sum(1 for i in range(len(moves) - 1) if moves[i] < 0 and moves[i + 1] > 0)
    within = sum(1 for i in range(len(moves)) if moves[i] < 0 and any(m > 0 for m in moves[i + 1:i + 1 + window]))
    return {"actions": actions, "actions_per_day": actions / days, "scale_ins": scale_ins,
            "scale_outs": sum(1 for m in moves if m > 0), "next_tick": next_tick, "within": within}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "dso-optimizer-sim"))
    ap.add_argument("--window", type=int, default=5, help="ticks after a scale-in in which a scale-out counts as reversing it")
    ap.add_argument("scenarios", nargs="*", default=["nasa-jul95", "twitter-aug21", "wikipedia-hourly"])
    a = ap.parse_args()
    print(f"{'scenario':18s} {'actions':>8s} {'actions/d':>10s} {'scale-ins':>10s} {'scale-outs':>10s} {'rev next':>9s} {f'rev <={a.window}':>9s}")
    for s in a.scenarios:
        path = os.path.join(a.out, f"{s}.csv")
        if not os.path.exists(path):
            print(f"{s}: {path} not found (run simulate.sh --out {a.out} first)", file=sys.stderr)
            return 2
        m = churn(os.path.join(EVAL, "scenarios", f"{s}.yaml"), path, a.window)
        print(f"{s:18s} {m['actions']:8d} {m['actions_per_day']:10.1f} {m['scale_ins']:10d} {m['scale_outs']:10d} {m['next_tick']:9d} {m['within']:9d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
