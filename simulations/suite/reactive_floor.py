#!/usr/bin/env python3
"""What a floor at a share of the reactive rule's capacity would do to the roomy rows of a suite run.

Usage: reactive_floor.py OUT_DIR [ALPHAS]     e.g. reactive_floor.py simulations/out/suite 0.7,0.8,0.9

For every scenario of a finished run_suite.py output whose budget covers the clairvoyant reference (the roomy rows),
replays the product's own decisions through the shared scorer's simulator (autoscale_eval.py: boot delays, billing
minimums, the same metrics) with, on every row, instances of the reactive rule's type added wherever the fleet holds
less than alpha x the rule's capacity for that row. Prints cost (x reactive's) and unserved per alpha, whether the row
then dominates reactive (D), leaves more than 1.25x its unserved (x) or is over budget (!), and the counts. An offline
what-if on the decisions already made (the planner would react to the added capacity), not the product.
"""
import glob, json, math, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from score import load_scorer  # the shared scorer, from ../shared/eval or DSO_EVAL_DIR  # noqa: E402


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    ae = load_scorer()
    base = sys.argv[1]
    alphas = [float(a) for a in (sys.argv[2] if len(sys.argv) > 2 else "0.7,0.8,0.9").split(",")]
    rows = []
    for d in sorted(glob.glob(os.path.join(base, "*", "refs.json"))):
        d = os.path.dirname(d)
        refs = json.load(open(os.path.join(d, "refs.json")))["refs"]
        if not refs["clairvoyant"].get("within_budget", True) or not os.path.exists(os.path.join(d, "decisions.csv")):
            continue
        sc, types = ae.load_scenario(os.path.join(d, "scenario.yaml"))
        raw, ts, demand = ae.read_trace(os.path.join(d, sc["trace"]))
        budget = float(sc.get("budget_monthly_usd", 0) or 0)
        ours = ae.read_decisions(os.path.join(d, "decisions.csv"), raw, types)
        rule = ae.ref_reactive(sc, types, ts, demand)
        mo, _ = ae.simulate(sc, types, ts, demand, ours)
        mr, _ = ae.simulate(sc, types, ts, demand, rule)
        name = next(iter(rule[0]))
        cap = types[name]["capacity_rps"]
        row = [os.path.basename(d), mo["cost_usd"] / mr["cost_usd"], mo["unserved_request_pct"], mr["unserved_request_pct"], []]
        for alpha in alphas:
            floored = []
            for j, fleet in enumerate(ours):
                have = sum(types[n]["capacity_rps"] * k for n, k in fleet.items())
                need = alpha * rule[j][name] * cap
                fleet = dict(fleet)
                if have < need - 1e-9:
                    fleet[name] = fleet.get(name, 0) + math.ceil((need - have) / cap - 1e-9)
                floored.append(fleet)
            m, _ = ae.simulate(sc, types, ts, demand, floored)
            within = not budget or m["cost_usd"] <= budget * m["duration_hours"] / (30 * 24)
            row[4].append((m["cost_usd"] / mr["cost_usd"], m["unserved_request_pct"], within))
        rows.append(row)

    def mark(cost, unserved, reactive, within):
        verdict = "D" if cost < 1 and unserved <= reactive + 1e-12 else ("x" if unserved > 1.25 * reactive + 1e-9 else "-")
        return verdict + ("" if within else "!")

    print(f"{'scenario':40s} {'cost x':>7s} {'unsrv %':>8s} {'react %':>8s}" + "".join(f" | a={a}: cost x  unsrv %" for a in alphas))
    for name, cost, unserved, reactive, floored in rows:
        print(f"{name:40s} {cost:7.3f} {unserved:8.4f} {reactive:8.4f}" + "".join(f" | {c:7.3f} {u:8.4f} {mark(c, u, reactive, w):2s}" for c, u, w in floored))
    dominate = lambda c, u, r: c < 1 and u <= r + 1e-12
    print(f"as decided: dominates reactive on {sum(dominate(c, u, r) for _, c, u, r, _ in rows)} of {len(rows)}")
    for i, alpha in enumerate(alphas):
        print(f"alpha {alpha}: dominates on {sum(dominate(f[i][0], f[i][1], r) for _, _, _, r, f in rows)} of {len(rows)}, "
              f"more than 1.25x reactive's unserved on {sum(f[i][1] > 1.25 * r + 1e-9 for _, _, _, r, f in rows)}, "
              f"over budget on {sum(not f[i][2] for *_, f in rows)}")


if __name__ == "__main__":
    main()
