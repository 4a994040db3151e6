#!/usr/bin/env python3
"""autoscale_eval.py's scores without its oracle bound, for the suite.

Usage: score.py --scenario S.yaml (--decisions D.csv | --reference NAME) --json  (the scorer's own arguments)

Runs the shared scorer's own main() (same simulation, billing and metrics, same JSON) with one change: the oracle
bound (the cheapest integer fleet covering each row, found by exhaustive search) is not computed, so cost_vs_oracle
and oracle_cost_usd are left out. On the twelve-type catalog that search took more than 16 CPU minutes for one 8-day
window, while every reference and the product's decisions score in under a second; the suite's verdicts use only
cost, unserved requests and the budget, never the oracle.
"""
import contextlib, importlib.util, io, json, os, sys

EVAL = os.environ.get("DSO_EVAL_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "eval"))


def load_scorer():
    spec = importlib.util.spec_from_file_location("autoscale_eval", os.path.join(EVAL, "autoscale_eval.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    if "--json" not in sys.argv:
        sys.exit("score.py prints JSON only: pass --json")
    scorer = load_scorer()
    scorer.oracle = lambda sc, types, ts, demand: (float("nan"), [])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        scorer.main()
    metrics = json.loads(out.getvalue().replace("Infinity", "null").replace("NaN", "null"))
    for key in ("oracle_cost_usd", "cost_vs_oracle"):
        metrics.pop(key, None)
    print(json.dumps(metrics, indent=2))


if __name__ == "__main__":
    main()
