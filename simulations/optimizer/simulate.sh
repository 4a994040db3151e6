#!/usr/bin/env bash
# Simulates the given scenarios (default: all three) with a policy (default: the product's default policy),
# scores each with autoscale_eval.py and prints one table next to the reactive and clairvoyant references.
# Usage: simulate.sh [--policy FILE] [--no-build] [--decision-logs] [--out DIR] [scenario ...]
# --decision-logs also keeps each run's SQLite decision log as DIR/<scenario>.db (for reversals.py).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
eval_dir="${DSO_EVAL_DIR:-$repo/../shared/eval}"
policy=""; build=1; logs=0; out="${TMPDIR:-/tmp}/dso-optimizer-sim"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --policy) policy="$(realpath "$2")"; shift 2 ;;
    --no-build) build=0; shift ;;
    --decision-logs) logs=1; shift ;;
    --out) out="$2"; shift 2 ;;
    *) break ;;
  esac
done
scenarios=("$@")
[[ ${#scenarios[@]} -eq 0 ]] && scenarios=(nasa-jul95 twitter-aug21 wikipedia-hourly)
[[ -d "$eval_dir" ]] || { echo "evaluation folder $eval_dir not found (set DSO_EVAL_DIR)" >&2; exit 2; }
mkdir -p "$out"
if [[ $build -eq 1 ]]; then
  dotnet build "$repo/src/Dso.Controller" -c Release -v quiet -nologo >/dev/null
fi
dso="$repo/src/Dso.Controller/bin/Release/net10.0/dso"
for s in "${scenarios[@]}"; do
  scenario="$eval_dir/scenarios/$s.yaml"
  args=(simulate --scenario "$scenario" --output "$out/$s.csv")
  [[ -n "$policy" ]] && args+=(--policy "$policy")
  [[ $logs -eq 1 ]] && { rm -f "$out/$s.db"; args+=(--decision-log "$out/$s.db"); }
  start=$(date +%s.%N)
  "$dso" "${args[@]}" >/dev/null
  secs=$(echo "$(date +%s.%N) - $start" | bc)
  python3 "$eval_dir/autoscale_eval.py" --scenario "$scenario" --decisions "$out/$s.csv" --json > "$out/$s.json"
  for ref in reactive clairvoyant; do
    [[ -f "$out/$s.$ref.json" ]] || python3 "$eval_dir/autoscale_eval.py" --scenario "$scenario" --reference "$ref" --json > "$out/$s.$ref.json"
  done
  echo "$s $secs" > "$out/$s.time"
done
python3 - "$out" "${scenarios[@]}" <<'PY'
import json, sys
out, names = sys.argv[1], sys.argv[2:]
cols = [("cost_usd", "cost $", "{:.2f}"), ("cost_vs_oracle", "x oracle", "{:.3f}"), ("under_provisioned_time_pct", "under %t", "{:.3f}"),
        ("unserved_request_pct", "unserved %", "{:.4f}"), ("scaling_actions_per_day", "actions/d", "{:.0f}"), ("budget_used_pct", "budget %", "{:.1f}"),
        ("within_budget", "in budget", "{}")]
print(f"{'scenario':18s} {'policy':13s} " + " ".join(f"{c[1]:>10s}" for c in cols) + f" {'sim s':>6s}")
for n in names:
    secs = open(f"{out}/{n}.time").read().split()[1]
    for who, path in (("this policy", f"{out}/{n}.json"), ("reactive", f"{out}/{n}.reactive.json"), ("clairvoyant", f"{out}/{n}.clairvoyant.json")):
        m = json.load(open(path))
        t = f"{float(secs):6.1f}" if who == "this policy" else ""
        print(f"{n:18s} {who:13s} " + " ".join(f"{c[2].format(m.get(c[0], float('nan'))):>10s}" for c in cols) + f" {t:>6s}")
PY
