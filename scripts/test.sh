#!/usr/bin/env bash
# Runs the whole test suite: installs the vendor's npm client the compatibility test drives, the OpenAPI linter and
# the Node example's gRPC libraries (and, as root, the Debian packages the Python example needs), then every xunit
# project of Grpc.sln. Prints "N passed, N failed, N skipped" at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
# The console's end-to-end tests need Debian's Chromium at /usr/bin/chromium; Playwright never downloads a browser.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi
npm ci --prefix tests/Workflows.Server.Tests/npm --no-audit --no-fund --loglevel=error >/dev/null
npm ci --prefix tests/Workflows.Cli.Tests/npm --no-audit --no-fund --loglevel=error >/dev/null
npm ci --prefix examples/node --no-audit --no-fund --loglevel=error >/dev/null
need_apt=()
/usr/bin/python3 -c 'import grpc' >/dev/null 2>&1 || need_apt+=(python3-grpcio)
command -v protoc >/dev/null 2>&1 || need_apt+=(protobuf-compiler)
command -v grpc_python_plugin >/dev/null 2>&1 || need_apt+=(protobuf-compiler-grpc)
if [ ${#need_apt[@]} -gt 0 ] && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
log=$(mktemp)
set +e
dotnet test Grpc.sln "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# dotnet test prints one "Failed: N, Passed: N, Skipped: N, Total: N" line per test project.
grep -Eo 'Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$log" | tr -d ' ' | awk -F'[:,]' '
  { f += $2; p += $4; s += $6 }
  END { printf "%d passed, %d failed, %d skipped\n", p, f, s }'
rm -f "$log"
exit "$status"
