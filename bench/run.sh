#!/usr/bin/env bash
# Builds the server and the benchmark in Release (into bench/.artifacts, apart from the IDE/test builds), then runs
# every scenario and prints the table; it is also written to bench/results/<timestamp>.md. See bench/README.md.
#   ./bench/run.sh                 full run: concurrency 16/64/256, 2 s warm-up + 5 s per row
#   ./bench/run.sh --seconds 10    longer windows;  --runs 3: median of three runs per row
#   ./bench/run.sh --quick         2 s windows, concurrency 64 only
#   ./bench/run.sh --smoke         CI: one short pass at low concurrency, 1,000 watchers, no thresholds
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "bench: wrk is missing; install it (Debian: apt-get install -y wrk) or run as root" >&2
    exit 1
  fi
  echo "bench: installing wrk" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

# The Run scenarios on PostgreSQL start a throwaway server from Debian's binaries.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  echo "bench: installing postgresql-15" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
fi

echo "bench: building (Release)" >&2
dotnet build bench/Bench.slnx -c Release --artifacts-path bench/.artifacts -nologo -v quiet -clp:ErrorsOnly
exec dotnet bench/.artifacts/bin/Runner/release/Runner.dll "$@"
