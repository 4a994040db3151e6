#!/usr/bin/env bash
# Simulation speed before/after (issue 12): builds the `dso` of a base commit (default: the last commit before the
# speed work) and of the working tree, each in its own output directory, then runs `dso simulate` of both on the
# shipped scenarios alternately in one run (compare_speed.py) and prints scenario, before/after seconds (wall and
# CPU), the ratio and whether the decisions are identical.
# Usage: simulations/bench/simulate_speed.sh [--base REF] [--rounds N] [--rows N] [scenario ...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
base=575511ec987c45256aa4158b9386617baf810c6c   # main before the speed work of issue 12 (this script's commit's base)
rounds=2
rows=()
scenarios=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --base) base="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --rows) rows=(--rows "$2"); shift 2 ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) scenarios+=(--scenario "$1"); shift ;;
  esac
done
[[ ${#scenarios[@]} -gt 0 ]] || scenarios=(--scenario nasa-jul95 --scenario wikipedia-hourly --scenario twitter-aug21)

work="${DSO_SPEED_DIR:-${TMPDIR:-/tmp}/dso-speed-$(git -C "$repo" rev-parse --short "$base")}"
if [[ ! -x "$work/src/Dso.Controller/bin/Release/net10.0/dso" ]]; then
  echo "building the base $base in $work ..." >&2
  rm -rf "$work" && mkdir -p "$work"
  git -C "$repo" archive "$base" | tar -x -C "$work"
  dotnet build "$work/src/Dso.Controller" -c Release -v quiet -nologo >&2
fi
echo "building the working tree ..." >&2
dotnet build "$repo/src/Dso.Controller" -c Release -v quiet -nologo >&2
exec python3 "$repo/simulations/optimizer/compare_speed.py" \
  --before "$work/src/Dso.Controller/bin/Release/net10.0/dso" \
  --after "$repo/src/Dso.Controller/bin/Release/net10.0/dso" \
  --rounds "$rounds" "${rows[@]}" "${scenarios[@]}"
