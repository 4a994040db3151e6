#!/usr/bin/env python3
"""Random services no default was judged on: a sweep of what the fixed suite never draws.

The suite (run_suite.py) crosses 23 trace windows with three catalogs, whole-minute boot delays of 1-15 minutes, five
budget factors, min_instances 1-3, max_instances 400, a one-minute billing minimum and the traces' own ticks. This
sweep draws each of those at random instead (reproducibly, from --seed): any window of any suite or held-out trace,
resampled to a coarser tick (2, 3, 5, 15, 30 minutes or an hour where the source allows), scaled to a median of
5-5,000 requests/s; a generated catalog of 1-8 types (vCPU 1-64, per-rps prices spread 3x, one size sometimes
cheaper per rps); boot delays of 0-20 minutes in seconds; a one-minute or one-hour billing minimum; min_instances 0-4;
max_instances sometimes below what the peak needs (listed apart: the scorer's references ignore max_instances); budgets from 0.3 to 3 times the clairvoyant's spend, now and then
soft; an empty, small or mixed initial fleet. Each is simulated with `dso simulate` (default policy unless --policy)
and scored with score.py next to reactive, clairvoyant and clairvoyant-budget, and judged as the suite judges.

What it must show on every case, whatever the verdict: the simulation runs, writes one row per trace row, and a hard
budget is never overspent. It exits 1 if any case breaks one of those. Output under simulations/out/sweep-SEED
(git-ignored); nothing is copied into the repository.

With --random-policy each service also draws its own policy (its own random stream, so the services are the plain
seed's): the target-tracking strategy now and then, else the cost optimizer with up to eight of its declared parameters
anywhere in their ranges (a third of them at an end), max_step, cooldowns, stabilization, max_hourly_usd as 0.5-3 x the
budget's flat hourly rate, zero_traffic_hold. The hard checks then also include max_hourly_usd kept on every row where
min_instances of the cheapest type fit it (below that the guard keeps min_instances, and dso validate warns).

Usage: random_sweep.py [--seed 1] [--count 40] [--jobs 2] [--dso EXE] [--policy FILE | --random-policy] [--out DIR] [--report-only]
"""
import argparse, concurrent.futures, csv, json, math, os, random, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run_suite as suite  # noqa: E402  (the suite's trace reader, scorer, references and verdicts)

SOURCES = {**suite.WINDOWS, **suite.HOLDOUT_WINDOWS}
SHAPES = [("c", 2.0), ("m", 4.0), ("r", 8.0), ("t", 2.0)]  # family, GiB per vCPU


def catalog(rng):
    """1-8 types; per-vCPU throughput and price drawn per family, so price per rps spreads about 3x across types."""
    n = rng.choice([1, 1, 2, 3, 4, 6, 8])
    types, names = [], set()
    rps_per_vcpu = rng.uniform(15, 80)
    for _ in range(n):
        fam, mem = rng.choice(SHAPES)
        vcpu = rng.choice([1, 2, 4, 8, 16, 32, 64])
        name = f"{fam}{rng.randint(4, 8)}.{vcpu}x"
        if name in names:
            continue
        names.add(name)
        rps = max(1, round(vcpu * rps_per_vcpu * rng.uniform(0.6, 1.4)))
        # A bigger size is now and then cheaper per rps (volume discount), or dearer (the old generation).
        price = round(vcpu * rng.uniform(0.02, 0.06) * (0.85 if vcpu >= 16 and rng.random() < 0.4 else 1.0), 4)
        types.append((name, vcpu, vcpu * mem, max(price, 0.001), rps))
    return types


def plan(seed, count, random_policies=False):
    rng = random.Random(seed)
    specs = []
    for k in range(count):
        window = rng.choice(sorted(SOURCES))
        kind, src, step, counts, start_day, days, _ = SOURCES[window]
        steps = [s for s in (step, 2 * step, 3 * step, 5 * step, 15 * step) if s <= 3600 and s % step == 0 and s in (60, 120, 180, 300, 600, 900, 1800, 3600)]
        tick = rng.choice(steps)
        span = rng.choice([3, 5, 7, 10]) if tick < 3600 else rng.choice([14, 30])
        offset = rng.randint(0, 10)
        types = catalog(rng)
        boot = rng.choice([0, 30, 90, 150, 240, 420, 600, 900, 1200])
        spec = {
            "name": f"r{seed}-{k:02d}.{window}.t{tick // 60}m.b{boot}s",
            "window": window, "kind": kind, "tick": tick, "span_days": span, "offset_days": offset,
            "median_rps": round(math.exp(rng.uniform(math.log(5), math.log(5000))), 1),
            "types": types, "boot": boot, "billing_min": rng.choice([60, 60, 60, 3600]),
            "min": rng.choice([0, 1, 1, 2, 3, 4]), "max_tight": rng.random() < 0.15,
            "factor": round(math.exp(rng.uniform(math.log(0.3), math.log(3.0))), 2),
            "soft": rng.random() < 0.1, "initial": rng.choice(["empty", "small", "mixed"]),
        }
        if random_policies:
            spec["policy"] = random_policy(seed, k)
        specs.append(spec)
    return specs


# The cost optimizer's declared parameters (CostOptimizerParameters.cs) with their ranges: (kind, low, high), durations
# in seconds. A drawn value the product rejects is a finding too (the sweep reports the error), so these must stay in
# step with the declarations.
DAY = 86400
OPTIMIZER_PARAMS = {
    "coverage_quantile": ("num", 0.5001, 0.9999), "horizon": ("dur", 1, DAY), "shortfall_penalty": ("log", 1, 1e6),
    "emergency_headroom": ("num", 0, 10), "scale_in_min_saving": ("num", 0, 0.99), "consolidation_min_saving": ("num", 0, 0.99),
    "scale_in_band": ("num", 0, 0.99), "sqrt_noise": ("bool",), "min_dwell": ("dur", 0, DAY), "scale_in_window": ("dur", 0, DAY),
    "scale_in_margin": ("num", 0, 0.99), "scale_in_margin_under_budget": ("bool",), "scale_in_lookahead": ("dur", 0, 3600),
    "swap_dwell": ("dur", 0, DAY), "billing_minimum_hold": ("bool",), "scale_in_expected_hold": ("bool",),
    "calibration_window": ("dur", 60, 90 * DAY), "seasonal_window": ("dur", 0, 3600), "warmup_headroom": ("log", 1, 100),
    "budget_safety": ("num", 0, 0.49), "budget_pacing": ("bool",), "budget_ceiling": ("bool",), "budget_realized_cost": ("bool",),
    "budget_release_bursts": ("bool",), "budget_skip_short_bursts": ("bool",), "budget_pace_cost": ("bool",),
    "budget_overhead": ("bool",), "budget_unbound_peak": ("bool",), "surge_on_return": ("bool",), "budget_tight_scale_in": ("bool",),
    "budget_scale_in_band": ("num", 0, 0.99), "budget_scale_out_tolerance": ("num", 0, 1), "budget_bound_quantile": ("num", 0, 0.99),
    "burst_min_hazard": ("num", 0.001, 1), "self_correction": ("bool",), "self_correction_insurance": ("num", 0, 1),
}


def draw_value(rng, kind):
    """A value of the parameter's kind, a third of the time at an end of its range (where defects hide)."""
    if kind[0] == "bool":
        return rng.choice(["true", "false"])
    lo, hi = kind[1], kind[2]
    edge = rng.random()
    if edge < 0.15:
        v = lo
    elif edge < 0.3:
        v = hi
    elif kind[0] == "log":
        v = math.exp(rng.uniform(math.log(lo), math.log(hi)))
    else:
        v = rng.uniform(lo, hi)
    return f"{max(int(round(v)), int(lo))}s" if kind[0] == "dur" else f"{v:.4g}"


def random_policy(seed, k):
    """A policy an operator might write for service k: a strategy, a few of its parameters anywhere in their declared
    ranges, and the limits the scenario does not set (max_step, cooldowns, max_hourly_usd as a share of the budget's
    flat hourly rate, filled in once the budget is known). Drawn from its own stream, so --random-policy leaves the
    services themselves as the plain seed draws them."""
    rng = random.Random(f"policy-{seed}-{k}")
    if rng.random() < 0.15:
        strategy, params = "target-tracking", ({"target_utilization": f"{rng.uniform(0.2, 1.0):.3g}"} if rng.random() < 0.7 else {})
    else:
        names = rng.sample(sorted(OPTIMIZER_PARAMS), rng.randint(0, 8))
        strategy, params = "cost-optimizer", {n: draw_value(rng, OPTIMIZER_PARAMS[n]) for n in names}
    limits = {}
    if rng.random() < 0.5:
        limits["max_step"] = rng.choice([1, 2, 3, 5, 10, 50, 1000])
    if rng.random() < 0.3:
        limits["scale_up_cooldown"] = rng.choice(["0s", "2m", "10m", "1h"])
    if rng.random() < 0.4:
        limits["scale_down_stabilization"] = rng.choice(["0s", "1m", "15m", "2h"])
    hourly_share = round(rng.uniform(0.5, 3.0), 2) if rng.random() < 0.25 else None
    hold = rng.choice([None, None, "0s", "10m", "1d"])
    return {"strategy": strategy, "params": params, "limits": limits, "hourly_share": hourly_share, "zero_traffic_hold": hold}


def policy_yaml(pol, spec, budget):
    """The drawn policy as a service file (`dso simulate` takes the scenario's catalog, min/max instances and budget;
    the strategy and the other limits are the policy's)."""
    n, v, m, p, c = spec["types"][0]
    limits = dict(pol["limits"])
    if pol["hourly_share"]:
        limits["max_hourly_usd"] = round(max(pol["hourly_share"] * budget / 720, 0.01), 4)
    lines = ["services:", "  - name: swept", "    provider: simulated", "    scale_group: swept", "    tick: 1m",
             "    slo: {latency_p95_ms: 250}",
             f"    instance_types:\n      - {{name: {n}, vcpu: {v}, memory_gib: {m}, price_per_hour: {p}, capacity_rps: {c}}}",
             "    boot_delay: 1m", "    budget: {monthly_usd: 100}",
             "    limits:" + ("".join(f"\n      {k}: {val}" for k, val in limits.items()) if limits else " {}"),
             "    metrics:", "      source: synthetic"]
    if pol["zero_traffic_hold"]:
        lines.append(f"      zero_traffic_hold: {pol['zero_traffic_hold']}")
    lines += ["    strategy:", f"      name: {pol['strategy']}",
              "      parameters:" + ("".join(f"\n        {k}: {val}" for k, val in pol["params"].items()) if pol["params"] else " {}")]
    return "\n".join(lines) + "\n"


def over_hourly_cap(decisions_csv, spec, cap):
    """Rows whose chosen fleet is priced above max_hourly_usd where a fleet within it was allowed (min_instances of the
    cheapest type fit it), after the first tick (the initial fleet is the scenario's): (count, worst price)."""
    price = {t[0]: t[3] for t in spec["types"]}
    floor = spec["min"] * min(price.values())
    over, worst = 0, 0.0
    with open(decisions_csv) as f:
        for i, row in enumerate(csv.DictReader(f)):
            fleet = row["fleet"].strip()
            hourly = sum(price[t] * int(c) for t, c in (item.split("=") for item in fleet.split(";") if item)) if fleet else 0.0
            if i > 0 and hourly > cap + 1e-9 and floor <= cap:
                over, worst = over + 1, max(worst, hourly)
    return over, worst


def build_trace(spec, path):
    """The window's rows from the suite's reader, resampled to the drawn tick (mean per interval) and rescaled."""
    kind, src, step, counts, start_day, days, _ = SOURCES[spec["window"]]
    tmp = path + ".src"
    suite.WINDOWS[spec["window"]] = (kind, src, step, counts, start_day + spec["offset_days"], spec["span_days"], 100.0)
    try:
        suite.build_trace(spec["window"], tmp, False)
    except (ValueError, statistics.StatisticsError):
        suite.WINDOWS[spec["window"]] = (kind, src, step, counts, 0, spec["span_days"], 100.0)
        suite.build_trace(spec["window"], tmp, False)
    rows = [(r[0], float(r[1])) for r in csv.reader(open(tmp)) if r and r[0] != "timestamp"]
    os.remove(tmp)
    k = spec["tick"] // step
    grouped = [(rows[i][0], statistics.fmean(v for _, v in rows[i:i + k])) for i in range(0, len(rows) - k + 1, k)]
    med = statistics.median(v for _, v in grouped) or 1.0
    scale = spec["median_rps"] / med
    with open(path, "w") as f:
        f.write("timestamp,value\n")
        for t, v in grouped:
            f.write(f"{t},{v * scale:.3f}\n")
    return [v * scale for _, v in grouped]


def scenario_yaml(spec, trace, demand, budget):
    types = spec["types"]
    best = max(t[4] for t in types)
    need = math.ceil(max(demand) / best)
    max_instances = max(1, spec["min"], math.ceil(need * 0.7)) if spec["max_tight"] else max(400, need * 3)
    small = min(types, key=lambda t: t[4])
    fleet = {"empty": "{}", "small": f"{{{small[0]}: {max(spec['min'], 1)}}}",
             "mixed": "{" + ", ".join(f"{t[0]}: 1" for t in types[:3]) + "}"}[spec["initial"]]
    if spec["min"] > 0 and spec["initial"] == "empty":
        fleet = f"{{{small[0]}: {spec['min']}}}"
    lines = "\n".join(f"  - {{name: {n}, vcpu: {v}, memory_gib: {m}, price_per_hour: {p}, capacity_rps: {c}}}" for n, v, m, p, c in types)
    return (f"name: {spec['name']}\ntrace: {trace}\nslo:\n  latency_p95_ms: 250\nboot_delay_seconds: {spec['boot']}\n"
            f"billing_minimum_seconds: {spec['billing_min']}\nmin_instances: {spec['min']}\nmax_instances: {max_instances}\n"
            f"budget_monthly_usd: {budget:.2f}\n" + ("budget_enforcement: soft\n" if spec["soft"] else "") +
            f"initial_fleet: {fleet}\ninstance_types:\n{lines}\n")


def run_one(spec, out, dso, policy, extra):
    d = os.path.join(out, spec["name"])
    os.makedirs(d, exist_ok=True)
    trace = os.path.join(d, "trace.csv")
    demand = build_trace(spec, trace)
    path = os.path.join(d, "scenario.yaml")
    with open(path, "w") as f:
        f.write(scenario_yaml(spec, trace, demand, 1e9))
    clair = suite.score(path, ["--reference", "clairvoyant"])
    budget = max(spec["factor"] * clair["cost_usd"] * 720 / clair["duration_hours"], 0.01)
    with open(path, "w") as f:
        f.write(scenario_yaml(spec, trace, demand, budget))
    out_csv = os.path.join(d, "decisions.csv")
    if "policy" in spec:
        policy = os.path.join(d, "policy.yaml")
        with open(policy, "w") as f:
            f.write(policy_yaml(spec["policy"], spec, budget))
    cmd = [dso, "simulate", "--scenario", path, "--output", out_csv] + (["--policy", policy] if policy else []) + list(extra)
    start = time.monotonic()
    sim = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    secs = time.monotonic() - start
    if sim.returncode != 0:
        return {**spec, "error": f"dso simulate exited {sim.returncode}: {sim.stderr.strip()[-300:]}"}
    with open(out_csv) as f:
        written = sum(1 for _ in f) - 1
    if written != len(demand):
        return {**spec, "error": f"{written} decision rows for {len(demand)} trace rows"}
    refs = suite.references(d, path, trace)
    result = {**spec, "out": out, "sim_seconds": secs, "budget_monthly_usd": budget, "this": suite.score(path, ["--decisions", out_csv]), **refs}
    if spec.get("policy", {}).get("hourly_share"):
        cap = round(max(spec["policy"]["hourly_share"] * budget / 720, 0.01), 4)
        result["hourly_cap"] = {"max_hourly_usd": cap, "rows_over": over_hourly_cap(out_csv, spec, cap)}
    with open(os.path.join(d, "result.json"), "w") as f:
        json.dump(result, f, indent=1)
    return result


def unavoidable_usd(r):
    """What the initial fleet costs whatever a policy does: the scorer bills each initial instance from 10 boot delays
    and a second before the trace (it has been running) until the first decision removes it, at least the billing
    minimum. A budget below it cannot be kept by any policy (seed 7 drew one: a 64-vCPU type in the initial fleet, a
    15-minute boot and a $4.86 budget), so such a run is not counted as an overspend when it spends no more than that."""
    d = os.path.join(r.get("out", ""), r["name"])
    try:
        rows = [row for row in csv.reader(open(os.path.join(d, "trace.csv"))) if row and row[0] != "timestamp"][:2]
        text = open(os.path.join(d, "scenario.yaml")).read()
    except OSError:
        return 0.0
    import datetime as dt
    first = (dt.datetime.fromisoformat(rows[1][0].replace("Z", "+00:00")) - dt.datetime.fromisoformat(rows[0][0].replace("Z", "+00:00"))).total_seconds()
    fleet = text.split("initial_fleet: ", 1)[1].split("\n", 1)[0].strip("{} ")
    price = {n: p for n, _, _, p, _ in r["types"]}
    hours = max(10 * r["boot"] + 1 + first, r["billing_min"]) / 3600
    return sum(price[n.strip()] * int(c) * hours for n, c in (item.split(":") for item in fleet.split(",") if item.strip()))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=40)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--dso", help="a built dso executable (default: this checkout's Release build)")
    ap.add_argument("--policy", help="policy YAML (default: the product's default policy)")
    ap.add_argument("--random-policy", action="store_true",
                    help="each service also draws its own policy (strategy, parameters anywhere in their ranges, limits, max_hourly_usd); "
                         "the verdicts then judge those policies, the hard checks are the same plus max_hourly_usd kept")
    ap.add_argument("--out", help="output folder (default simulations/out/sweep-SEED, or sweep-SEED-policies)")
    ap.add_argument("--report-only", action="store_true")
    a = ap.parse_args()
    if a.random_policy and a.policy:
        ap.error("--random-policy draws each service's policy: leave out --policy")
    out = os.path.abspath(a.out or os.path.join(suite.REPO, "simulations", "out", f"sweep-{a.seed}" + ("-policies" if a.random_policy else "")))
    dso = os.path.abspath(a.dso) if a.dso else os.path.join(suite.REPO, "src", "Dso.Controller", "bin", "Release", "net10.0", "dso")
    specs = plan(a.seed, a.count, a.random_policy)
    for s in specs:
        suite.WINDOWS.setdefault(s["window"], SOURCES[s["window"]])
    if a.report_only:
        results = json.load(open(os.path.join(out, "results.json")))
    else:
        os.makedirs(out, exist_ok=True)
        extra = suite.sequential_flag(dso, a.jobs)
        print(f"{len(specs)} random scenarios (seed {a.seed}), {a.jobs} at a time; output in {out}", flush=True)
        start = time.monotonic()
        results = []
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
            futures = {pool.submit(run_one, s, out, dso, a.policy and os.path.abspath(a.policy), extra): s for s in specs}
            for n, fut in enumerate(concurrent.futures.as_completed(futures), 1):
                try:
                    r = fut.result()
                except Exception as e:  # a scorer failure is a finding too: reported, not fatal to the sweep
                    r = {**futures[fut], "error": f"{type(e).__name__}: {e}"}
                results.append(r)
                print(f"  [{n}/{len(specs)}] {r['name']}" + (f" ERROR {r['error']}" if "error" in r else f" {r['sim_seconds']:.0f} s"), file=sys.stderr, flush=True)
        order = {s["name"]: i for i, s in enumerate(specs)}
        results.sort(key=lambda r: order[r["name"]])
        with open(os.path.join(out, "results.json"), "w") as f:
            json.dump(results, f, indent=1)
        print(f"ran in {time.monotonic() - start:.0f} s\n")
    for r in results:
        suite.WINDOWS.setdefault(r["window"], SOURCES[r["window"]])
        r.setdefault("out", out)
    # The scorer's references never read max_instances: where it is below the peak's need their figures are out of
    # any policy's reach, so those services are listed apart and left out of the verdicts (as edge_cases.py does).
    limited = [r for r in results if r.get("max_tight") and "error" not in r]
    suite.report([r for r in results if r not in limited])
    if limited:
        print(f"\nmax_instances below the peak's need ({len(limited)}; the references ignore it, so no verdict): cost, unserved %, budget %")
        for r in limited:
            t = r["this"]
            print(f"  {r['name']:44s} {t['cost_usd']:8.2f} {t['unserved_request_pct']:8.4f} {t.get('budget_used_pct', float('nan')):6.1f}")
    hard_over = [r["name"] for r in results if "error" not in r and not r["soft"] and not r["this"].get("within_budget", True)
                 and r["this"]["cost_usd"] > unavoidable_usd(r) + 1e-6]
    sunk = [r["name"] for r in results if "error" not in r and not r["soft"] and r["this"]["cost_usd"] > r["this"]["budget_usd_prorated"] + 1e-6
            and r["name"] not in hard_over]
    errors = [r["name"] for r in results if "error" in r]
    capped = [r for r in results if "hourly_cap" in r]
    over_cap = [f"{r['name']} ({r['hourly_cap']['rows_over'][0]} rows, up to ${r['hourly_cap']['rows_over'][1]:.3f}/h against "
                f"${r['hourly_cap']['max_hourly_usd']}/h)" for r in capped if r["hourly_cap"]["rows_over"][0]]
    for r in results:
        if "error" in r:
            print(f"  {r['name']}: {r['error']}")
    print(f"\nfailed to run: {len(errors)}; hard budget overspent: {len(hard_over)}" + (f" ({', '.join(hard_over)})" if hard_over else "")
          + (f"; max_hourly_usd exceeded: {len(over_cap)} of {len(capped)}" + (f" ({'; '.join(over_cap)})" if over_cap else "") if a.random_policy else ""))
    if sunk:
        print(f"hard budget below what the initial fleet costs before any decision (no policy can keep it; spent no more than that): {', '.join(sunk)}")
    return 1 if errors or hard_over or over_cap else 0


if __name__ == "__main__":
    sys.exit(main())
