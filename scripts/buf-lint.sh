#!/usr/bin/env bash
# Lints protos/ with buf. buf needs google/api/{annotations,http}.proto on its path; they ship in the
# JsonTranscoding NuGet package, so we copy them from the restored package into build/ (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
pkg="${NUGET_PACKAGES:-$HOME/.nuget/packages}/microsoft.aspnetcore.grpc.jsontranscoding"
version=$(grep -oP 'Microsoft.AspNetCore.Grpc.JsonTranscoding" Version="\K[^"]+' Directory.Packages.props)
src="$pkg/$version/content/protos/google/api"
if [ ! -f "$src/annotations.proto" ]; then
  echo "google/api protos not found in $src: run 'dotnet restore' first" >&2
  exit 1
fi
mkdir -p build/googleapis/google/api
cp "$src/annotations.proto" "$src/http.proto" build/googleapis/google/api/
npx --yes @bufbuild/buf@1.75.0 lint
echo "buf lint: clean"
