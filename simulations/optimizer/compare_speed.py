#!/usr/bin/env python3
"""Times `dso simulate` of two builds on the same scenarios, alternating them in one run so machine load hits both
alike, and says whether their decisions are identical. Per run it records wall seconds and CPU seconds (user+sys of
the child: on a shared machine the wall clock mostly measures the other processes); the table gives the medians and
the before/after ratios.
Usage: compare_speed.py --before DSO --after DSO [--scenario nasa-jul95 [--scenario ...]] [--rounds 2] [--rows N]
                        [--before-args=OPTIONS] [--after-args=OPTIONS]
(DSO is a built `dso` executable, e.g. an older checkout's src/Dso.Controller/bin/Release/net10.0/dso;
simulations/bench/simulate_speed.sh builds both and calls this). One build against itself with and without the
sensing thread: --before DSO --after DSO --before-args=--sequential."""
import argparse, filecmp, os, resource, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
EVAL = os.environ.get("DSO_EVAL_DIR", os.path.join(REPO, "..", "shared", "eval"))


def run(dso, scenario, out, rows, extra=()):
    cmd = [dso, "simulate", "--scenario", scenario, "--output", out] + (["--rows", str(rows)] if rows else []) + list(extra)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def load():
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", required=True)
    ap.add_argument("--after", required=True)
    ap.add_argument("--scenario", action="append", help="name under ../shared/eval/scenarios or a YAML path (repeatable)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--rows", type=int)
    ap.add_argument("--before-args", default="", help="extra `dso simulate` options for the before side, e.g. --before-args=--sequential (one build against itself)")
    ap.add_argument("--after-args", default="", help="extra `dso simulate` options for the after side")
    a = ap.parse_args()
    extra = {"before": a.before_args.split(), "after": a.after_args.split()}
    names = a.scenario or ["nasa-jul95"]
    out = tempfile.mkdtemp(prefix="dso-speed-")
    table = []
    for name in names:
        scenario = name if name.endswith(".yaml") else os.path.join(EVAL, "scenarios", name + ".yaml")
        label = os.path.basename(scenario)[:-5]
        times = {"before": [], "after": []}
        same = True
        for r in range(a.rounds):
            for who in ("before", "after") if r % 2 == 0 else ("after", "before"):
                path = os.path.join(out, f"{label}-{who}-{r}.csv")
                wall, cpu = run(getattr(a, who), scenario, path, a.rows, extra[who])
                times[who].append((wall, cpu))
                print(f"{label}: round {r + 1} {who:6s} wall {wall:6.1f} s  cpu {cpu:6.1f} s  (load {load():.1f})", file=sys.stderr, flush=True)
            same &= filecmp.cmp(os.path.join(out, f"{label}-before-{r}.csv"), os.path.join(out, f"{label}-after-{r}.csv"), shallow=False)
        mb = [statistics.median(x[i] for x in times["before"]) for i in (0, 1)]
        ma = [statistics.median(x[i] for x in times["after"]) for i in (0, 1)]
        table.append((label, mb, ma, same))

    print(f"{'scenario':18s} {'before wall s':>13s} {'after wall s':>12s} {'wall ratio':>10s} {'before cpu s':>12s} {'after cpu s':>11s} {'cpu ratio':>9s}  identical output")
    for label, mb, ma, same in table:
        print(f"{label:18s} {mb[0]:13.1f} {ma[0]:12.1f} {mb[0] / ma[0]:9.2f}x {mb[1]:12.1f} {ma[1]:11.1f} {mb[1] / ma[1]:8.2f}x  {'yes' if same else 'NO'}")
    print(f"(medians of {a.rounds} alternating rounds{f', first {a.rows} rows' if a.rows else ''}; ratio = before / after, above 1 is faster; "
          f"load average at the end {load():.1f} on {os.cpu_count()} cores)")
    return 0 if all(t[3] for t in table) else 1


if __name__ == "__main__":
    sys.exit(main())
