#!/usr/bin/env bash
# Scores `dso detect` (the service's default detector) on the full NAB corpus.
# Usage: simulations/nab/run_nab.sh [OUTDIR]   (default: out/nab, git-ignored)
# Needs /work/shared (or NAB_DATA / NAB_EVAL pointing at the data folder and the scorer folder).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="${NAB_DATA:-/work/shared/data/nab}"
eval_dir="${NAB_EVAL:-/work/shared/eval}"
out="${1:-$repo/out/nab}"
jobs="${JOBS:-$(nproc)}"

dotnet build "$repo/src/Dso.Controller" -c Release -nologo -v quiet >/dev/null
dso="$repo/src/Dso.Controller/bin/Release/net10.0/dso"

rm -rf "$out"
mkdir -p "$out"
start=$(date +%s.%N)
# The built executable directly: 58 `dotnet run` start-ups would cost more than the scoring itself.
(cd "$data/data" && find . -name '*.csv' -printf '%P\n') |
  xargs -P "$jobs" -I{} sh -c 'mkdir -p "$(dirname "$2/$1")" && "$3" detect --input "$4/data/$1" --output "$2/$1" >/dev/null' _ {} "$out" "$dso" "$data"
end=$(date +%s.%N)

score() { python3 "$eval_dir/nab_score.py" --data "$data/data" --labels "$data/labels/combined_windows.json" --results "$out" "$@"; }
echo "== full corpus (58 files)"
score
echo "== realAWSCloudwatch"
score --only realAWSCloudwatch/
echo "== realKnownCause"
score --only realKnownCause/
printf 'detect elapsed over the corpus: %.1f s (%s parallel jobs)\n' "$(echo "$end - $start" | bc)" "$jobs"
