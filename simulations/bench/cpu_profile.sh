#!/usr/bin/env bash
# CPU profile of `dso simulate` by part of the pipeline (issue 12: where the time goes), measured with Linux perf
# sampling at 499 Hz with call stacks; the runtime writes a perf map so managed frames have names. Prints the run's CPU
# seconds and cpu_profile.py's table (share and CPU seconds per part). Needs `perf` (apt-get install linux-perf).
# Usage: simulations/bench/cpu_profile.sh [--dso EXE] [--rows N] [scenario]   (default: nasa-jul95, the built dso)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
dso="$repo/src/Dso.Controller/bin/Release/net10.0/dso"
rows=()
scenario=nasa-jul95
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dso) dso="$2"; shift 2 ;;
    --rows) rows=(--rows "$2"); shift 2 ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) scenario="$1"; shift ;;
  esac
done
[[ "$scenario" == *.yaml ]] || scenario="$repo/../shared/eval/scenarios/$scenario.yaml"
command -v perf >/dev/null || { echo "cpu_profile: perf is not installed (apt-get install linux-perf)" >&2; exit 1; }
work="$(mktemp -d "${TMPDIR:-/tmp}/dso-cpu-profile-XXXXXX")"
trap 'rm -rf "$work"' EXIT
# W^X off: with it the JIT's code is double-mapped and perf cannot match samples to the perf map.
DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 /usr/bin/time -f "%U %S" -o "$work/cpu" \
  perf record -q -F 499 -g -o "$work/perf.data" "$dso" simulate --scenario "$scenario" --output "$work/out.csv" "${rows[@]}" >/dev/null 2>"$work/err" \
  || { cat "$work/err" >&2; exit 1; }
cpu="$(awk '{print $1 + $2}' "$work/cpu")"
echo "dso simulate $(basename "$scenario" .yaml) ${rows[*]}: $cpu CPU s (user+sys, with perf's own overhead)"
perf script -i "$work/perf.data" -F comm,tid,ip,sym,dso 2>/dev/null | python3 "$here/cpu_profile.py" --cpu-seconds "$cpu"
