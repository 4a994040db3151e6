#!/usr/bin/env bash
# Walk-forward forecast benchmark: builds Release, runs the built `dso forecast` on the five reference cases,
# scores each with forecast_eval.py and prints one table row per case.
# Usage: simulations/forecast/run_forecast_eval.sh [--no-build] [case-name ...]
# Needs /work/shared (or SHARED=...); the data stays there, nothing is copied into the repository.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SHARED="${SHARED:-/work/shared}"
OUT="${OUT:-$(mktemp -d /tmp/dso-forecast-eval.XXXXXX)}"
BUILD=1
if [[ "${1:-}" == "--no-build" ]]; then BUILD=0; shift; fi
ONLY=("$@")

if [[ $BUILD == 1 ]]; then
  (cd "$ROOT" && dotnet build src/Dso.Controller -c Release -nologo -v q >/dev/null)
fi
DSO="$ROOT/src/Dso.Controller/bin/Release/net10.0/dso"
EVAL="$SHARED/eval/forecast_eval.py"

CASES=(
  "nasa-15 $SHARED/eval/traces/nasa-jul95-rps.csv 15"
  "nasa-60 $SHARED/eval/traces/nasa-jul95-rps.csv 60"
  "wikipedia-60 $SHARED/eval/traces/wikipedia-hourly-rps.csv 60"
  "nyc_taxi-15 $SHARED/data/nab/data/realKnownCause/nyc_taxi.csv 15"
  "nyc_taxi-60 $SHARED/data/nab/data/realKnownCause/nyc_taxi.csv 60"
)

printf "%-14s %4s %8s %9s %7s %9s %8s  %s\n" case H MASE best_ref ratio coverage seconds note
for c in "${CASES[@]}"; do
  read -r name trace h <<<"$c"
  if [[ ${#ONLY[@]} -gt 0 && ! " ${ONLY[*]} " =~ " $name " ]]; then continue; fi
  out="$OUT/$name.csv"
  start=$(date +%s.%N)
  if ! "$DSO" forecast --input "$trace" --horizon-minutes "$h" --output "$out" 2>"$OUT/$name.log"; then
    printf "%-14s %4s  dso forecast failed: %s\n" "$name" "$h" "$(tail -1 "$OUT/$name.log")"; continue
  fi
  secs=$(echo "$(date +%s.%N) - $start" | bc)
  if ! json=$(python3 "$EVAL" --trace "$trace" --forecasts "$out" --horizon-minutes "$h" --json 2>&1); then
    printf "%-14s %4s %8s %9s %7s %9s %8.1f  scorer refused: %s\n" "$name" "$h" - - - - "$secs" "$json"; continue
  fi
  EVAL_JSON="$json" python3 - "$name" "$h" "$secs" <<'PY'
import json, os, sys
name, h, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
d = json.loads(os.environ["EVAL_JSON"])
m = d["model"]; best = min(r["mase"] for r in d["references"].values())
ratio = m["mase"] / best; cov = m["p10_p90_coverage_pct"]
ok = ratio <= 0.85 and 72 <= cov <= 88
print(f"{name:14s} {h:>4s} {m['mase']:8.4f} {best:9.4f} {ratio:7.3f} {cov:8.1f}% {secs:8.1f}  {'ok' if ok else 'MISS'}")
PY
done
echo "(forecasts and logs in $OUT)"
