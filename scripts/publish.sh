#!/usr/bin/env bash
# Builds a release tarball of the service for a server:
#
#   scripts/publish.sh [--self-contained] [--runtime linux-x64] [--output dist]
#
# Framework-dependent by default (the server needs the .NET 10 ASP.NET Core runtime); --self-contained bundles the
# runtime too, so the server needs nothing but the tarball and ffmpeg. Either way it is built for one runtime
# identifier (default linux-x64) and compiled ahead of time: self-contained for this machine's own runtime, to one
# native executable (Native AOT, the least memory; needs scripts/install-deps.sh native); otherwise ReadyToRun.
# The WebAssembly link-check module is published with the service by its own build. Nothing is downloaded but NuGet
# packages from the configured feed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

self_contained=false
runtime=linux-x64
output=dist
while [ "$#" -gt 0 ]; do
  case "$1" in
    --self-contained) self_contained=true ;;
    --runtime) runtime=$2; shift ;;
    --output) output=$2; shift ;;
    -h | --help) sed -n 2,9p "$0"; exit 0 ;;
    *) echo "publish: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done

version=$(git describe --tags --always --dirty 2>/dev/null || echo dev)
kind=$([ "$self_contained" = true ] && echo "$runtime" || echo "$runtime-framework-dependent")
name="ytdownloader-$version-$kind"
stage=$(mktemp -d "${TMPDIR:-/tmp}/ytdownloader-publish.XXXXXX")
trap 'rm -rf "$stage"' EXIT

export DOTNET_CLI_TELEMETRY_OPTOUT=${DOTNET_CLI_TELEMETRY_OPTOUT:-1} DOTNET_NOLOGO=${DOTNET_NOLOGO:-1}
# A self-contained build for this machine's own runtime is linked natively (src/YtDownloader/YtDownloader.csproj).
host_runtime=$(dotnet --info | awk '$1 == "RID:" { print $2; exit }')
if [ "$self_contained" = true ] && [ "$runtime" = "$host_runtime" ]; then
  bash scripts/install-deps.sh native
fi
args=(publish src/YtDownloader/YtDownloader.csproj -c Release -o "$stage/$name" --runtime "$runtime" --self-contained "$self_contained")
echo "publish: dotnet ${args[*]}"
dotnet "${args[@]}"

cp README.md "$stage/$name/"
mkdir -p "$stage/$name/deploy"
cp deploy/* "$stage/$name/deploy/"
mkdir -p "$output"
tar -C "$stage" -czf "$output/$name.tar.gz" "$name"
echo "publish: $output/$name.tar.gz ($(du -h "$output/$name.tar.gz" | cut -f1))"
