#!/usr/bin/env bash
# Before/after in one sitting: builds REF (any commit) and this checkout in Release, then alternates them
# (REF, this, this, REF, …) over one scenario and prints every run's req/s and the medians. Alternating spreads the
# shared machine's noise over both sides instead of giving one side the quiet minutes.
#   ./bench/compare.sh 6b2094f                      sync Run over gRPC, c=64, 3 pairs
#   ./bench/compare.sh 6b2094f --pairs 5 --only "apps/run" --concurrency 16
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

ref=${1:?usage: bench/compare.sh REF [--pairs N] [--only SCENARIO] [--concurrency C] [--seconds S]}
shift
pairs=3 only="Run, gRPC (sync)" concurrency=64 seconds=5
while [ $# -gt 0 ]; do
  case "$1" in
    --pairs) pairs=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    *) echo "compare: unknown option $1" >&2; exit 2 ;;
  esac
done

sha=$(git rev-parse --short "$ref^{commit}")
before=bench/.compare/$sha
if [ ! -f "$before/.artifacts/bin/Workflows.Server/release/Workflows.Server.dll" ]; then
  echo "compare: building $sha (Release) into $before" >&2
  rm -rf "$before" && mkdir -p "$before/src"
  git archive "$sha" | tar -x -C "$before/src"
  dotnet build "$before/src/bench/Bench.slnx" -c Release --artifacts-path "$before/.artifacts" -nologo -v quiet -clp:ErrorsOnly
fi
echo "compare: building this checkout (Release)" >&2
dotnet build bench/Bench.slnx -c Release --artifacts-path bench/.artifacts -nologo -v quiet -clp:ErrorsOnly

# One run of the scenario against one build; prints its req/s and server µs per request (the table's third and
# eleventh columns). CPU per request varies less than the rate on a shared machine: both are compared.
rate() {
  dotnet bench/.artifacts/bin/Runner/release/Runner.dll --artifacts "$1" --only "$only" --concurrency "$concurrency" \
    --seconds "$seconds" --runs 1 --out "$(mktemp -d)" 2>/dev/null |
    awk -F'|' -v name="$only" 'index($2, name) && $3+0 > 0 { gsub(/ /, "", $4); gsub(/ /, "", $12); print $4, $12; exit }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

declare -a old new old_us new_us
# Pairs alternate which side goes first (A B, B A, …): whatever the first run of a pair leaves behind (its database's
# dirty pages written back, a warmer or colder CPU) falls on each side equally often.
for i in $(seq "$pairs"); do
  if [ $((i % 2)) -eq 1 ]; then
    read -r r u <<< "$(rate "$before/.artifacts")"; old+=("$r"); old_us+=("$u")
    read -r r u <<< "$(rate bench/.artifacts)"; new+=("$r"); new_us+=("$u")
  else
    read -r r u <<< "$(rate bench/.artifacts)"; new+=("$r"); new_us+=("$u")
    read -r r u <<< "$(rate "$before/.artifacts")"; old+=("$r"); old_us+=("$u")
  fi
  echo "compare: pair $i: $sha ${old[-1]} req/s ${old_us[-1]} µs/req, this ${new[-1]} req/s ${new_us[-1]} µs/req" >&2
done
m_old=$(printf '%s\n' "${old[@]}" | median)
m_new=$(printf '%s\n' "${new[@]}" | median)
u_old=$(printf '%s\n' "${old_us[@]}" | median)
u_new=$(printf '%s\n' "${new_us[@]}" | median)
echo "$only, c=$concurrency, ${seconds} s windows, $pairs pairs"
echo "  $sha: ${old[*]} -> median $m_old req/s; server ${old_us[*]} -> median $u_old µs/req"
echo "  this:    ${new[*]} -> median $m_new req/s; server ${new_us[*]} -> median $u_new µs/req"
awk -v a="$m_old" -v b="$m_new" -v c="$u_old" -v d="$u_new" \
  'BEGIN { printf "  ratio this/before: %.3f req/s, %.3f server CPU per request\n", b / a, d / c }'
