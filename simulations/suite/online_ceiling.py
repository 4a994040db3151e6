#!/usr/bin/env python3
"""How much of the budget-bound gap is pacing: clairvoyant-budget's constant ceiling against one re-solved every tick.

Usage: online_ceiling.py OUT_DIR [SAFETY]     e.g. online_ceiling.py simulations/out/suite 0.01

For every scenario of a run_suite.py output whose budget does not cover the clairvoyant reference, takes the
clairvoyant reference's row-by-row instance counts (it knows each row's demand and the boot delay: the row is not the
question here) and caps each row at a ceiling solved on that tick from the counts seen so far only: the largest K with
spend so far + the rest of the period at the mean of min(count, K) seen so far <= the budget less SAFETY. Scored with
the shared scorer's simulator next to clairvoyant-budget (the best constant ceiling, found knowing the whole trace).
If this online ceiling is within 1.1x of clairvoyant-budget's unserved, pacing from history is enough there, and what
a policy loses beyond it is in the rows (forecast, headroom, idle capacity), not in the ceiling.
"""
import bisect, glob, json, os, statistics, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from score import load_scorer  # the shared scorer, from ../shared/eval or DSO_EVAL_DIR  # noqa: E402


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    ae = load_scorer()
    safety = float(sys.argv[2]) if len(sys.argv) > 2 else 0.01
    rows = []
    for d in sorted(glob.glob(os.path.join(sys.argv[1], "*", "refs.json"))):
        d = os.path.dirname(d)
        refs = json.load(open(os.path.join(d, "refs.json")))["refs"]
        if refs["clairvoyant"].get("within_budget", True):
            continue
        sc, types = ae.load_scenario(os.path.join(d, "scenario.yaml"))
        raw, ts, demand = ae.read_trace(os.path.join(d, sc["trace"]))
        full = ae.ref_clairvoyant(sc, types, ts, demand)
        name = next(iter(full[0]))
        price = types[name]["price_per_hour"]
        floor = int(sc.get("min_instances", 1))
        n, dt = len(ts), ts[1] - ts[0]
        budget = float(sc["budget_monthly_usd"]) * (ts[-1] - ts[0] + dt) / 3600 / 720
        needs = [f[name] for f in full]
        seen, spent, fleets = [], 0.0, []
        for i in range(n):
            bisect.insort(seen, needs[i - 1] if i else needs[0])
            hours_left = (n - i) * dt / 3600
            left = budget * (1 - safety) - spent

            def rate(k):
                j = bisect.bisect_right(seen, k)
                return (sum(seen[:j]) + k * (len(seen) - j)) / len(seen) * price

            lo, hi = floor, max(seen)
            if rate(hi) * hours_left <= left:
                ceiling = hi + max(needs)
            else:
                while hi - lo > 1:
                    mid = (lo + hi) // 2
                    lo, hi = (mid, hi) if rate(mid) * hours_left <= left else (lo, mid)
                ceiling = lo
            k = max(floor, min(needs[i], ceiling))
            fleets.append({name: k})
            spent += k * price * dt / 3600
        m, _ = ae.simulate(sc, types, ts, demand, fleets)
        reference = refs["clairvoyant-budget"]["unserved_request_pct"]
        rows.append((os.path.basename(d), m["unserved_request_pct"], reference, 100 * m["cost_usd"] / budget))
    print(f"{'scenario':40s} {'online %':>9s} {'c-bud %':>9s} {'ratio':>6s} {'budget %':>9s}")
    for name, online, reference, used in rows:
        print(f"{name:40s} {online:9.3f} {reference:9.3f} {online / max(reference, 1e-9):6.2f} {used:9.1f}")
    ratios = [online / max(reference, 1e-9) for _, online, reference, _ in rows]
    print(f"online ceiling within 1.1x clairvoyant-budget's unserved on {sum(r <= 1.1 + 1e-9 for r in ratios)} of {len(rows)}, median {statistics.median(ratios):.2f}x")


if __name__ == "__main__":
    main()
