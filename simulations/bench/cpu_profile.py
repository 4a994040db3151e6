#!/usr/bin/env python3
"""Where `dso simulate`'s CPU goes, from `perf script` output of a run recorded with call stacks (cpu_profile.sh does
the recording). Each sample is charged to the first part of the pipeline found walking its stack from the leaf up
(the solver's native code, FastTree's training, the envelope fit, ...), or to the runtime thread it ran on (GC, JIT).
CPU samples, unlike `dso simulate --profile`'s elapsed stage times, do not count time spent waiting for other
processes, so the table means the same on a busy machine as on a quiet one.
Usage: perf script -F comm,tid,ip,sym,dso | cpu_profile.py [--cpu-seconds S]"""
import argparse, collections, re, sys

# First match from the leaf wins, so a solve called from the planner counts as the solver, not the planner.
PARTS = [
    ("CP-SAT solver (OR-Tools native, model)", r"OrTools|ortools|libprotobuf|libabsl|CpSatFleetSolver"),
    ("FastTree training (ML.NET)", r"Microsoft\.ML|FastTree|ModelTrainer::Train"),
    ("envelope fit (planner's demand bound)", r"EnvelopeCalibrator::Refit|EnvelopeFit|EnvelopeCostFilter|BoundedMinHeap"),
    ("decision log (SQLite, JSON)", r"SqliteDecisionLog|Sqlite|e_sqlite3|DecisionSql"),
    ("forecaster (features, scoring, intervals)", r"Dso\.Forecasting"),
    ("anomaly detectors", r"Dso\.Detection"),
    ("planner and guard (other)", r"Dso\.Optimization"),
    ("loop, simulator, CLI (other)", r"Dso\.Reconcile|Dso\.Cloud|Dso\.Controller|\[dso\]|Dso\.Abstractions"),
]
THREADS = [(".NET Server GC", "GC threads"), (".NET BGC", "GC threads"), (".NET Tiered Com", "JIT (tiered compilation thread)")]
NATIVE_ALLOC = r"\b(malloc|_int_malloc|_int_free|cfree|free|malloc_consolidate|unlink_chunk\S*|operator new|operator delete)\b"


def part(comm, stack):
    for prefix, name in THREADS:
        if comm.startswith(prefix):
            return name
    leaf = stack[0] if stack else ""
    if "libclrjit" in leaf:
        return "JIT (on the simulation thread)"
    for frame in stack:
        for name, pattern in PARTS:
            if re.search(pattern, frame):
                return name
    # Native frames of the solver often lack frame pointers, so its malloc/free calls lose their caller.
    if re.search(NATIVE_ALLOC, leaf):
        return "native malloc/free (mostly the solver's, caller lost)"
    return "runtime, kernel, startup (other)"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cpu-seconds", type=float, help="the run's CPU seconds (user+sys), to turn shares into seconds")
    a = ap.parse_args()
    counts = collections.Counter()
    comm, stack = None, []
    for line in sys.stdin:
        if line and not line[0].isspace():
            if comm is not None:
                counts[part(comm, stack)] += 1
            # perf prints "comm tid"; thread names may contain spaces (".NET Server GC"), the tid is the last field.
            comm, stack = line.rsplit(None, 1)[0].strip(), []
        elif line.strip():
            stack.append(line.strip())
    if comm is not None:
        counts[part(comm, stack)] += 1
    total = sum(counts.values())
    if total == 0:
        print("cpu_profile: no samples (was the run recorded with perf record -g?)", file=sys.stderr)
        return 1
    print(f"{'part':56s} {'share':>7s}" + (f" {'CPU s':>7s}" if a.cpu_seconds else ""))
    for name, n in counts.most_common():
        print(f"{name:56s} {100 * n / total:6.1f}%" + (f" {a.cpu_seconds * n / total:7.1f}" if a.cpu_seconds else ""))
    print(f"({total} samples" + (f", {a.cpu_seconds:.1f} CPU s" if a.cpu_seconds else "") + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
