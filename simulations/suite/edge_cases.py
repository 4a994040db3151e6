#!/usr/bin/env python3
"""Edge cases the trace suite does not reach: synthetic scenarios a newcomer's service may look like.

Each one is generated here (no data is read), simulated with `dso simulate` (default policy unless --policy) and scored
by autoscale_eval.py next to the reactive reference. Besides the scorer's figures, the table says whether the run
stayed within a hard budget and flags a verdict: "dominates" (cheaper and no more unserved than reactive), "dearer",
"more unserved", or "within limits" where the scenario's own limits (max_instances, a budget below the floor) make
reactive's figures unreachable. Everything generated goes under simulations/out/edge (git-ignored).

Usage: edge_cases.py [--dso EXE] [--policy FILE] [--out DIR] [--only NAME ...]

The cases: a 10-second tick; a daily tick; all-zero demand; demand far above max_instances x the biggest type with a
mix of small types to start from; demand far below one instance with min_instances 0 and an empty fleet; five rows; a
steady ramp under a tight budget; rare spikes from a quiet baseline with no boot delay; a step with an hour's boot and
billing minimum; log-normal noise; gaps of an hour in the timestamps; a budget below min_instances; a soft budget; an
hour's boot; a catalog of one huge type; unknown scenario keys (must be ignored).
"""
import argparse, datetime as dt, json, math, os, random, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
EVAL = os.environ.get("DSO_EVAL_DIR", os.path.join(REPO, "..", "shared", "eval"))
SCORER = os.path.join(EVAL, "autoscale_eval.py")

SIX = """instance_types:
  - {name: c7g.large, vcpu: 2, memory_gib: 4, price_per_hour: 0.0725, capacity_rps: 110}
  - {name: c7g.xlarge, vcpu: 4, memory_gib: 8, price_per_hour: 0.1450, capacity_rps: 225}
  - {name: c7g.2xlarge, vcpu: 8, memory_gib: 16, price_per_hour: 0.2900, capacity_rps: 455}
"""
HUGE = "instance_types:\n  - {name: x.big, vcpu: 96, memory_gib: 384, price_per_hour: 4.0, capacity_rps: 20000}\n"


def traces(rng):
    day = lambda i, period: 300 + 200 * math.sin(2 * math.pi * i / period)
    return {
        "t10s": (8640, 10, lambda i: max(0, day(i, 8640) + rng.gauss(0, 20))),
        "daily": (90, 86400, lambda i: 500 + 100 * math.sin(i / 7 * 2 * math.pi)),
        "zeros": (1440, 60, lambda i: 0),
        "huge": (2880, 60, lambda i: 40000 + 20000 * math.sin(2 * math.pi * i / 1440)),
        "tiny": (2880, 60, lambda i: 0.05 + 0.05 * rng.random()),
        "short": (5, 60, lambda i: 100 * i),
        "ramp": (4320, 60, lambda i: 50 + i * 0.5),
        "spiky": (2880, 60, lambda i: 200 + (3000 if i % 240 < 3 else 0)),
        "step": (2880, 60, lambda i: 100 if i < 1440 else 2000),
        "noisy": (2880, 60, lambda i: max(0, rng.lognormvariate(5, 1))),
    }


# name -> (trace, boot s, billing minimum s, min, max, monthly budget, extra keys, catalog, initial fleet)
CASES = {
    "t10s": ("t10s", 60, 60, 1, 200, 1000, "", SIX, "{c7g.large: 2}"),
    "daily": ("daily", 600, 60, 1, 200, 2000, "", SIX, "{c7g.large: 2}"),
    "zeros": ("zeros", 180, 60, 1, 200, 1000, "", SIX, "{c7g.large: 2}"),
    "huge-at-max-instances": ("huge", 180, 60, 1, 100, 100000, "", SIX, "{c7g.large: 2}"),
    "tiny-min0": ("tiny", 180, 60, 0, 200, 1000, "", SIX, "{}"),
    "short": ("short", 180, 60, 1, 200, 1000, "", SIX, "{c7g.large: 2}"),
    "ramp-tight-budget": ("ramp", 180, 60, 1, 200, 300, "", SIX, "{c7g.large: 2}"),
    "spiky-no-boot": ("spiky", 0, 60, 1, 200, 1000, "", SIX, "{c7g.large: 2}"),
    "step-hour-billing": ("step", 900, 3600, 1, 200, 1000, "", SIX, "{c7g.large: 2}"),
    "noisy": ("noisy", 180, 60, 1, 200, 1000, "", SIX, "{c7g.large: 2}"),
    "gaps": ("gaps", 180, 60, 1, 200, 1000, "", SIX, "{c7g.large: 2}"),
    "budget-below-floor": ("ramp", 180, 60, 3, 200, 5, "", SIX, "{c7g.large: 2}"),
    "soft-budget": ("ramp", 180, 60, 1, 200, 50, "budget_enforcement: soft\n", SIX, "{c7g.large: 2}"),
    "hour-boot": ("ramp", 3600, 3600, 1, 200, 1000, "", SIX, "{c7g.large: 2}"),
    "one-huge-type": ("ramp", 180, 60, 1, 200, 1000, "", HUGE, "{x.big: 1}"),
    "unknown-keys": ("ramp", 180, 60, 1, 200, 1000, "region: eu-west-1\nfoo: {bar: 1}\n", SIX, "{c7g.large: 2}"),
}


def write_traces(out):
    rng = random.Random(1)
    t0 = dt.datetime(2024, 3, 1)
    for name, (n, step, f) in traces(rng).items():
        with open(os.path.join(out, name + ".csv"), "w") as g:
            g.write("timestamp,value\n")
            for i in range(n):
                g.write(f"{(t0 + dt.timedelta(seconds=i * step)):%Y-%m-%dT%H:%M:%SZ},{f(i):.4f}\n")
    with open(os.path.join(out, "gaps.csv"), "w") as g:
        g.write("timestamp,value\n")
        t = t0
        for i in range(2000):
            t += dt.timedelta(seconds=60 if rng.random() > 0.02 else 3600)
            g.write(f"{t:%Y-%m-%dT%H:%M:%SZ},{300 + 100 * math.sin(i / 200):.4f}\n")


def score(scenario, extra):
    out = subprocess.run([sys.executable, SCORER, "--scenario", scenario, "--json"] + extra, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dso", default=os.path.join(REPO, "src", "Dso.Controller", "bin", "Release", "net10.0", "dso"))
    ap.add_argument("--policy")
    ap.add_argument("--out", default=os.path.join(REPO, "simulations", "out", "edge"))
    ap.add_argument("--only", nargs="*")
    a = ap.parse_args()
    if not os.path.isfile(SCORER):
        print(f"{SCORER} not found (set DSO_EVAL_DIR)", file=sys.stderr)
        return 2
    os.makedirs(a.out, exist_ok=True)
    write_traces(a.out)
    print(f"{'case':24s} {'cost':>9s} {'x react':>7s} {'unsrv %':>8s} {'react %':>8s} {'budget %':>8s} {'act/d':>6s}  verdict")
    failures = 0
    for name, (trace, boot, bill, mn, mx, budget, extra, catalog, init) in CASES.items():
        if a.only and not any(o in name for o in a.only):
            continue
        path = os.path.join(a.out, name + ".yaml")
        with open(path, "w") as f:
            f.write(f"name: {name}\ntrace: {trace}.csv\nslo:\n  latency_p95_ms: 250\nboot_delay_seconds: {boot}\n"
                    f"billing_minimum_seconds: {bill}\nmin_instances: {mn}\nmax_instances: {mx}\nbudget_monthly_usd: {budget}\n"
                    f"initial_fleet: {init}\n{extra}{catalog}")
        decisions = os.path.join(a.out, name + ".out.csv")
        cmd = [a.dso, "simulate", "--scenario", path, "--output", decisions] + (["--policy", a.policy] if a.policy else [])
        sim = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if sim.returncode != 0:
            failures += 1
            print(f"{name:24s} FAILED: {sim.stderr.strip()[-200:]}")
            continue
        this, rx = score(path, ["--decisions", decisions]), score(path, ["--reference", "reactive"])
        u, ru = this["unserved_request_pct"], rx["unserved_request_pct"]
        hard = "budget_enforcement: soft" not in extra
        if hard and not this.get("within_budget", True):
            verdict = "OVER BUDGET"
            failures += 1
        elif this["cost_usd"] <= rx["cost_usd"] + 1e-9 and u <= ru + 1e-9:
            verdict = "dominates"
        elif not rx.get("within_budget", True) or name == "huge-at-max-instances":
            verdict = "within limits (reactive ignores them)"
        else:
            verdict = ("dearer" if this["cost_usd"] > rx["cost_usd"] else "") + (" more unserved" if u > ru else "")
        print(f"{name:24s} {this['cost_usd']:9.2f} {this['cost_usd'] / max(rx['cost_usd'], 1e-9):7.2f} {u:8.4f} {ru:8.4f} "
              f"{this.get('budget_used_pct', float('nan')):8.1f} {this['scaling_actions_per_day']:6.0f}  {verdict.strip()}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
