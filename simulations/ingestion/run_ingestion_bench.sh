#!/usr/bin/env bash
# Ingestion benchmark: builds the service and the benchmark in Release, then prints one table:
# push parse+store throughput (JSON and Prometheus text, 1 thread and all cores), end-to-end HTTP push
# throughput against the real `dso` service, and series-store memory for 1,000 series x 7 days of 1-minute samples.
# Usage: simulations/ingestion/run_ingestion_bench.sh [--no-build]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
if [[ "${1:-}" != "--no-build" ]]; then
  (cd "$ROOT" && dotnet build src/Dso.Controller -c Release -nologo -v q >/dev/null)
  (cd "$ROOT" && dotnet build simulations/ingestion/IngestionBench -c Release -nologo -v q >/dev/null)
fi
"$ROOT/simulations/ingestion/IngestionBench/bin/Release/net10.0/IngestionBench" "$ROOT/src/Dso.Controller/bin/Release/net10.0/dso"
