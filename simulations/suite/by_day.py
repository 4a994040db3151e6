#!/usr/bin/env python3
"""Where a run spent its money and dropped its requests, day by day, next to a reference.

Usage: by_day.py --scenario S.yaml --decisions D.csv [--reference clairvoyant-budget|reactive|clairvoyant]

A budget-bound row's verdict is one number for the whole period; the question behind it is when. A policy that leaves
twice clairvoyant-budget's unserved requests usually spent more than it on the first days and was starved on the last
ones (or held money back for a crowd that never came, and ended with budget unspent). This prints, per UTC day of the
trace: the requests, the peak, and for the decisions and the reference the unserved share, the spend, the mean ready
capacity over demand, and the share of the budget spent by the day's end against the share of the period elapsed.

Everything is the shared scorer's own (autoscale_eval.py, from ../shared/eval or DSO_EVAL_DIR): its trace and
decision readers, its simulator (boot delays, billing minimums, pro-rata capacity) and its references. A day's spend is
the scorer's cost of the run cut at the day's end minus that at the day before's (the scorer bills an instance when it
is terminated or the run ends, at least its billing minimum), so the days add up to the scorer's total, which the last
line checks.
"""
import argparse, datetime, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from score import load_scorer  # noqa: E402

REFERENCES = {"clairvoyant-budget": "ref_clairvoyant_budget", "reactive": "ref_reactive", "clairvoyant": "ref_clairvoyant"}


def day_bounds(ts):
    """Indices where a new UTC day starts (the first row always does), and the day's label."""
    out = []
    for i, t in enumerate(ts):
        day = datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%d")
        if not out or out[-1][1] != day:
            out.append((i, day))
    return out


def spend_by_day(scorer, sc, types, ts, demand, fleets, bounds):
    """The scorer's cost of the run cut at each day's end, differenced: what each day added to the bill."""
    cumulative = []
    for k, (start, _) in enumerate(bounds):
        end = bounds[k + 1][0] if k + 1 < len(bounds) else len(ts)
        metrics, _ = scorer.simulate(sc, types, ts[:end], demand[:end], fleets[:end])
        cumulative.append(metrics["cost_usd"])
    return [c - (cumulative[k - 1] if k else 0.0) for k, c in enumerate(cumulative)], cumulative


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--decisions", required=True, help="the decisions CSV `dso simulate --output` wrote")
    ap.add_argument("--reference", default="clairvoyant-budget", choices=sorted(REFERENCES))
    a = ap.parse_args()
    for path in (a.scenario, a.decisions):
        if not os.path.isfile(path):
            sys.exit(f"by_day: {path}: no such file")

    scorer = load_scorer()
    sc, types = scorer.load_scenario(a.scenario)
    trace = os.path.join(os.path.dirname(os.path.abspath(a.scenario)), sc["trace"])
    raw, ts, demand = scorer.read_trace(trace)
    if len(ts) < 2:
        sys.exit(f"{trace}: fewer than two rows")
    ours = scorer.read_decisions(a.decisions, raw, types)
    theirs = getattr(scorer, REFERENCES[a.reference])(sc, types, ts, demand)

    total_ours, cap_ours = scorer.simulate(sc, types, ts, demand, ours)
    total_ref, cap_ref = scorer.simulate(sc, types, ts, demand, theirs)
    dts = [ts[i + 1] - ts[i] for i in range(len(ts) - 1)]
    dts.append(dts[-1])
    bounds = day_bounds(ts)
    spend_ours, cum_ours = spend_by_day(scorer, sc, types, ts, demand, ours, bounds)
    spend_ref, cum_ref = spend_by_day(scorer, sc, types, ts, demand, theirs, bounds)
    period = ts[-1] + dts[-1] - ts[0]
    budget = float(sc.get("budget_monthly_usd") or 0) * period / (30 * 86400)

    ref = a.reference
    print(f"{os.path.basename(a.scenario)}: this policy against {ref}; budget for the span ${budget:,.2f}" if budget
          else f"{os.path.basename(a.scenario)}: this policy against {ref}; no budget")
    print(f"{'day':10s} {'requests':>10s} {'peak rps':>9s} | {'unserved':>8s} {'spend':>9s} {'cap/dem':>7s} {'budget':>6s} |"
          f" {'unserved':>8s} {'spend':>9s} {'cap/dem':>7s} {'budget':>6s} | {'elapsed':>7s}")
    print(f"{'':10s} {'':>10s} {'':>9s} | {'this policy':^33s} | {ref:^33s} |")
    for k, (start, day) in enumerate(bounds):
        end = bounds[k + 1][0] if k + 1 < len(bounds) else len(ts)
        rows = range(start, end)
        requests = sum(demand[j] * dts[j] for j in rows)
        peak = max(demand[j] for j in rows)

        def cols(cap, spend, cumulative):
            lost = sum(max(0.0, demand[j] - cap[j]) * dts[j] for j in rows)
            unserved = 100 * lost / requests if requests > 0 else 0.0
            capacity = sum(cap[j] * dts[j] for j in rows) / requests if requests > 0 else float("nan")
            used = f"{100 * cumulative / budget:5.1f}%" if budget else "     -"
            return f"{unserved:7.2f}% ${spend:8.2f} {capacity:6.2f}x {used}"

        elapsed = 100 * (ts[end - 1] + dts[end - 1] - ts[0]) / period
        print(f"{day:10s} {requests / 1e6:9.2f}M {peak:9.0f} | {cols(cap_ours, spend_ours[k], cum_ours[k])} |"
              f" {cols(cap_ref, spend_ref[k], cum_ref[k])} | {elapsed:6.1f}%")
    print(f"{'total':10s} {sum(d * t for d, t in zip(demand, dts)) / 1e6:9.2f}M {max(demand):9.0f} |"
          f" {total_ours['unserved_request_pct']:7.2f}% ${total_ours['cost_usd']:8.2f} {'':7s} {'':6s} |"
          f" {total_ref['unserved_request_pct']:7.2f}% ${total_ref['cost_usd']:8.2f}")
    # The days must add up to the scorer's own totals (a check on the cut-and-difference above).
    for name, days, total in (("this policy", spend_ours, total_ours), (ref, spend_ref, total_ref)):
        if abs(sum(days) - total["cost_usd"]) > 1e-6 * max(1.0, total["cost_usd"]):
            sys.exit(f"by_day: {name}'s days add up to ${sum(days):.4f}, the scorer's total is ${total['cost_usd']:.4f}")


if __name__ == "__main__":
    main()
