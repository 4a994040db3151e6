#!/usr/bin/env python3
"""Budget-bound rows against the simplest thing an operator could do instead: a fixed fleet the budget buys.

Usage: constant_fleet.py OUT_DIR     e.g. constant_fleet.py simulations/out/suite-holdout

For every scenario of a finished run_suite.py output whose budget does not cover the clairvoyant reference, finds the
fixed fleet with the most capacity whose cost, held all period, fits the budget prorated to the trace (at most two
instance types, at least min_instances), and scores it with the shared scorer's simulator (autoscale_eval.py: boot
delays, billing minimums, the same metrics) next to the product's own decisions (decisions.csv) and
clairvoyant-budget. A row where the fixed fleet leaves fewer requests unserved than the product is one where
following demand lost to standing still: the product spent the same money on capacity that arrived after the demand
it was bought for. Unlike clairvoyant-budget, the fixed fleet needs no knowledge of the future, so it is a floor an
online policy should be able to reach, not a bound.

Prints one row per scenario and "worse than a fixed fleet on N of M".
"""
import glob, json, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from score import load_scorer  # the shared scorer, from ../shared/eval or DSO_EVAL_DIR  # noqa: E402


def best_fixed_fleet(types, hourly, min_instances):
    """The fleet of at most two types with the most capacity whose hourly price fits `hourly` (None if none does)."""
    best = None
    names = sorted(types)
    for a in names:
        pa = types[a]["price_per_hour"]
        most = int(hourly // pa)
        for ka in range(max(0, most - 2), most + 1):
            for b in names:
                pb = types[b]["price_per_hour"]
                kb = int((hourly - ka * pa) // pb) if b != a else 0
                fleet = {a: ka}
                if kb > 0:
                    fleet[b] = fleet.get(b, 0) + kb
                fleet = {t: k for t, k in fleet.items() if k > 0}
                if sum(fleet.values()) < min_instances:
                    continue
                capacity = sum(types[t]["capacity_rps"] * k for t, k in fleet.items())
                price = sum(types[t]["price_per_hour"] * k for t, k in fleet.items())
                if best is None or (capacity, -price) > (best[0], -best[1]):
                    best = (capacity, price, fleet)
    return best


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    ae = load_scorer()
    rows = []
    for d in sorted(glob.glob(os.path.join(sys.argv[1], "*", "refs.json"))):
        d = os.path.dirname(d)
        refs = json.load(open(os.path.join(d, "refs.json")))["refs"]
        if refs["clairvoyant"].get("within_budget", True) or not os.path.exists(os.path.join(d, "decisions.csv")):
            continue
        sc, types = ae.load_scenario(os.path.join(d, "scenario.yaml"))
        raw, ts, demand = ae.read_trace(os.path.join(d, sc["trace"]))
        hourly = float(sc["budget_monthly_usd"]) / 720
        fixed = best_fixed_fleet(types, hourly, int(sc.get("min_instances", 1)))
        ours, _ = ae.simulate(sc, types, ts, demand, ae.read_decisions(os.path.join(d, "decisions.csv"), raw, types))
        cbud = refs["clairvoyant-budget"]
        if fixed is None:
            rows.append((os.path.basename(d), ours, None, None, cbud, hourly))
            continue
        m, _ = ae.simulate(sc, types, ts, demand, [fixed[2]] * len(ts))
        rows.append((os.path.basename(d), ours, m, fixed, cbud, hourly))

    print(f"{'scenario':42s} {'unsrv %':>8s} {'fixed %':>8s} {'c-bud %':>8s}  fixed fleet")
    worse = judged = 0
    for name, ours, m, fixed, cbud, hourly in rows:
        if m is None:
            print(f"{name:42s} {ours['unserved_request_pct']:8.3f} {'-':>8s} {cbud['unserved_request_pct']:8.3f}  "
                  "(the budget does not pay for min_instances all period)")
            continue
        judged += 1
        lost = ours["unserved_request_pct"] > m["unserved_request_pct"] + 1e-9
        worse += lost
        fleet = ";".join(f"{t}={k}" for t, k in sorted(fixed[2].items()))
        print(f"{name:42s} {ours['unserved_request_pct']:8.3f} {m['unserved_request_pct']:8.3f} {cbud['unserved_request_pct']:8.3f}  "
              f"{fleet} ({fixed[0]:.0f} rps, {100 * m['cost_usd'] / (hourly * m['duration_hours']):.0f} % of the budget)"
              + ("  WORSE than the fixed fleet" if lost else ""))
    print(f"worse than a fixed fleet on {worse} of {judged} budget-bound rows")


if __name__ == "__main__":
    main()
