#!/usr/bin/env python3
"""Scenarios beyond the three shipped ones, so the default policy is not tuned to them: other budgets (including
below what full coverage costs), boot delays, a one-type catalog, and other traces from ../shared/data (NASA August
with its 37-hour outage, the 1998 World Cup, Azure's VM CPU at 5-minute steps, NYC taxi at 30-minute steps).
Writes them with their traces to a temporary evaluation folder next to a copy of autoscale_eval.py, then runs
simulate.sh on them (same table: this policy beside reactive and clairvoyant).
Usage: robustness.py [--no-build] [--keep DIR] [name ...]"""
import argparse, csv, os, re, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
EVAL = os.environ.get("DSO_EVAL_DIR", os.path.join(REPO, "..", "shared", "eval"))
DATA = os.path.join(EVAL, "..", "data")

# name: (base scenario, {field: value} overrides, optional trace (source csv under data/, seconds per row, multiplier))
VARIANTS = {
    "nasa-tight": ("nasa-jul95", {"budget_monthly_usd": 220}, None),
    "nasa-boot60": ("nasa-jul95", {"boot_delay_seconds": 60}, None),
    "nasa-boot600": ("nasa-jul95", {"boot_delay_seconds": 600}, None),
    "nasa-onetype": ("nasa-jul95", {"instance_types": "one", "initial_fleet": "{m5.xlarge: 2}"}, None),
    "twitter-boot120": ("twitter-aug21", {"boot_delay_seconds": 120}, None),
    "twitter-b520": ("twitter-aug21", {"budget_monthly_usd": 520}, None),
    "twitter-rich": ("twitter-aug21", {"budget_monthly_usd": 700}, None),
    "wiki-tight": ("wikipedia-hourly", {"budget_monthly_usd": 440}, None),
    "wiki-boot900": ("wikipedia-hourly", {"boot_delay_seconds": 900}, None),
    "nasa-aug95": ("nasa-jul95", {}, ("traces/nasa_http_aug95_requests_per_minute.csv", 60, 300.0)),
    "wc98": ("nasa-jul95", {"budget_monthly_usd": 400}, ("traces/wc98_requests_per_minute.csv", 60, 2.0)),
    "azure-5min": ("nasa-jul95", {"budget_monthly_usd": 500}, ("traces/azure_vm_2019_cpu_usage_5min.csv", 300, 0.03)),
    "nyc-taxi": ("nasa-jul95", {"budget_monthly_usd": 700}, ("nab/data/realKnownCause/nyc_taxi.csv", 1800, 1800 / 15.0)),
}
ONE_TYPE = "instance_types:\n  - {name: m5.xlarge, vcpu: 4, memory_gib: 16, price_per_hour: 0.192, capacity_rps: 180}\n"


def write_trace(src, step, mult, out):
    with open(os.path.join(DATA, src)) as f, open(out, "w") as g:
        g.write("timestamp,value\n")
        for row in csv.reader(f):
            if not row or row[0] == "timestamp":
                continue
            ts = row[0].replace(" ", "T") + ("" if row[0].endswith("Z") else "Z")
            g.write(f"{ts},{float(row[1]) / step * mult:.3f}\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--keep", help="evaluation folder to write (kept); default: a temporary one")
    ap.add_argument("names", nargs="*", default=list(VARIANTS))
    args = ap.parse_args()
    out = args.keep or tempfile.mkdtemp(prefix="dso-robustness-")
    os.makedirs(os.path.join(out, "scenarios"), exist_ok=True)
    shutil.copy(os.path.join(EVAL, "autoscale_eval.py"), out)
    for name in args.names:
        base, overrides, trace = VARIANTS[name]
        text = open(os.path.join(EVAL, "scenarios", base + ".yaml")).read()
        text = re.sub(r"^name: .*$", f"name: {name}", text, flags=re.M)
        if trace:
            path = os.path.join(out, name + "-rps.csv")
            write_trace(*trace, path)
        else:
            path = os.path.abspath(os.path.join(EVAL, "scenarios", re.search(r"^trace: (\S+)", text, re.M).group(1)))
        text = re.sub(r"^trace: \S+", f"trace: {path}", text, flags=re.M)
        for key, value in overrides.items():
            if key == "instance_types":
                text = text[: text.index("instance_types:")] + ONE_TYPE
            else:
                text = re.sub(rf"^{key}: .*$", f"{key}: {value}", text, flags=re.M)
        with open(os.path.join(out, "scenarios", name + ".yaml"), "w") as f:
            f.write(text)
    cmd = ["bash", os.path.join(HERE, "simulate.sh"), "--out", os.path.join(out, "runs")] + (["--no-build"] if args.no_build else []) + args.names
    result = subprocess.run(cmd, env={**os.environ, "DSO_EVAL_DIR": out}, stdout=subprocess.PIPE, text=True)
    table = result.stdout[result.stdout.find("scenario "):]
    print(table if table else result.stdout)
    if not args.keep:
        shutil.rmtree(out, ignore_errors=True)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
