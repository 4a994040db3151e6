#!/usr/bin/env python3
"""Cost/SLO frontier of the cost-optimizer: simulates each scenario with the default policy's strategy switched
to cost-optimizer and one parameter (default coverage_quantile) swept, scores every run with autoscale_eval.py and
prints one row per (scenario, value). Usage: frontier.py [--param NAME] [--values 0.95,0.98,...] [--no-build] [scenario ...]"""
import argparse, json, os, subprocess, sys, tempfile, time
import yaml

here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.abspath(os.path.join(here, "..", ".."))
eval_dir = os.environ.get("DSO_EVAL_DIR", os.path.join(repo, "..", "shared", "eval"))
ap = argparse.ArgumentParser()
ap.add_argument("--param", default="coverage_quantile")
ap.add_argument("--values", default="0.95,0.97,0.98,0.99,0.995,0.999")
ap.add_argument("--no-build", action="store_true")
ap.add_argument("scenarios", nargs="*", default=["nasa-jul95", "twitter-aug21", "wikipedia-hourly"])
a = ap.parse_args()
if not os.path.isdir(eval_dir):
    sys.exit(f"evaluation folder {eval_dir} not found (set DSO_EVAL_DIR)")
if not a.no_build:
    subprocess.run(["dotnet", "build", os.path.join(repo, "src/Dso.Controller"), "-c", "Release", "-v", "quiet", "-nologo"], check=True, stdout=subprocess.DEVNULL)
dso = os.path.join(repo, "src/Dso.Controller/bin/Release/net10.0/dso")
template = yaml.safe_load(open(os.path.join(repo, "src/Dso.Controller/Defaults/default-policy.yaml")))
work = tempfile.mkdtemp(prefix="dso-frontier-")
print(f"{'scenario':18s} {a.param:>18s} {'x oracle':>9s} {'under %t':>9s} {'unserved %':>11s} {'actions/d':>10s} {'budget %':>9s} {'in budget':>9s} {'sim s':>6s}")
for s in a.scenarios:
    scenario = os.path.join(eval_dir, "scenarios", f"{s}.yaml")
    for v in a.values.split(","):
        policy = json.loads(json.dumps(template))
        strategy = policy["services"][0]["strategy"]
        if strategy.get("name") != "cost-optimizer":
            strategy["name"], strategy["parameters"] = "cost-optimizer", {}
        strategy.setdefault("parameters", {})[a.param] = float(v)
        path = os.path.join(work, f"policy-{v}.yaml")
        yaml.safe_dump(policy, open(path, "w"))
        out = os.path.join(work, f"{s}-{v}.csv")
        t0 = time.time()
        subprocess.run([dso, "simulate", "--scenario", scenario, "--policy", path, "--output", out], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        secs = time.time() - t0
        m = json.loads(subprocess.run([sys.executable, os.path.join(eval_dir, "autoscale_eval.py"), "--scenario", scenario, "--decisions", out, "--json"],
                                      check=True, capture_output=True, text=True).stdout)
        print(f"{s:18s} {v:>18s} {m['cost_vs_oracle']:9.3f} {m['under_provisioned_time_pct']:9.3f} {m['unserved_request_pct']:11.4f} "
              f"{m['scaling_actions_per_day']:10.0f} {m.get('budget_used_pct', float('nan')):9.1f} {str(m.get('within_budget', '')):>9s} {secs:6.1f}", flush=True)
