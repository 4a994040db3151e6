#!/usr/bin/env python3
"""Times `dso simulate` of two builds on the same scenario, alternating them in one run so machine load hits both
alike, and says whether their decisions are identical. Prints wall and CPU seconds (user+sys of the child) per run
and the after/before ratios of the medians.
Usage: compare_speed.py --before DSO --after DSO [--scenario nasa-jul95] [--rounds 2] [--rows N]
(DSO is a built `dso` executable, e.g. an older checkout's src/Dso.Controller/bin/Release/net10.0/dso)."""
import argparse, filecmp, os, resource, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
EVAL = os.environ.get("DSO_EVAL_DIR", os.path.join(REPO, "..", "shared", "eval"))


def run(dso, scenario, out, rows):
    cmd = [dso, "simulate", "--scenario", scenario, "--output", out] + (["--rows", str(rows)] if rows else [])
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", required=True)
    ap.add_argument("--after", required=True)
    ap.add_argument("--scenario", default="nasa-jul95")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--rows", type=int)
    a = ap.parse_args()
    scenario = a.scenario if a.scenario.endswith(".yaml") else os.path.join(EVAL, "scenarios", a.scenario + ".yaml")
    out = tempfile.mkdtemp(prefix="dso-speed-")
    times = {"before": [], "after": []}
    for r in range(a.rounds):
        for who in ("before", "after") if r % 2 == 0 else ("after", "before"):
            wall, cpu = run(getattr(a, who), scenario, os.path.join(out, f"{who}.csv"), a.rows)
            times[who].append((wall, cpu))
            print(f"round {r + 1} {who:6s} wall {wall:6.1f} s  cpu {cpu:6.1f} s", flush=True)
    same = filecmp.cmp(os.path.join(out, "before.csv"), os.path.join(out, "after.csv"), shallow=False)
    mb = [statistics.median(x[i] for x in times["before"]) for i in (0, 1)]
    ma = [statistics.median(x[i] for x in times["after"]) for i in (0, 1)]
    print(f"median wall {mb[0]:.1f} -> {ma[0]:.1f} s (x{ma[0] / mb[0]:.2f}, {mb[0] / ma[0]:.2f} times faster); "
          f"cpu {mb[1]:.1f} -> {ma[1]:.1f} s (x{ma[1] / mb[1]:.2f}); decisions {'identical' if same else 'DIFFER'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
