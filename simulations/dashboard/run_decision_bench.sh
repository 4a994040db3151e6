#!/usr/bin/env bash
# Decision-log benchmark (issue 15): builds simulations/dashboard/DecisionLogBench in Release, seeds a log of
# 1,008,000 decisions (100 services x 7 days of one-minute ticks) plus 3 more weeks for 3 services (1,098,720 in all)
# through SqliteDecisionLog, copies the same rows into a throwaway PostgreSQL 15 cluster (initdb/pg_ctl on a free
# loopback port, removed afterwards) with COPY, and prints per store: rows, seed time, and the median / p95 / max
# store time over 20 runs of the series call (7 days at the page's default 30-minute buckets), the service page's
# store calls, a filtered decision query (one service, changes only, one day) page 1 and page 2 by cursor.
# Targets: series for a week < 300 ms, filtered decision query < 100 ms. Exit code 2 when a p95 misses its target.
# Usage: simulations/dashboard/run_decision_bench.sh [--no-build] [--services N] [--days D] [--long-services K]
#        [--long-days L] [--runs R] [--stores sqlite,postgres]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
if [[ "${1:-}" == "--no-build" ]]; then
  shift
else
  (cd "$ROOT" && dotnet build simulations/dashboard/DecisionLogBench -c Release -nologo -v q >/dev/null)
fi
"$ROOT/simulations/dashboard/DecisionLogBench/bin/Release/net10.0/DecisionLogBench" "$@"
