#!/usr/bin/env bash
# Runs the YtDownloader service (http://localhost:8080 by default, files kept in a local
# folder; no configuration needed). Installs ffmpeg first if it is missing.
# Arguments are passed to the service, e.g.: scripts/run.sh --urls http://0.0.0.0:9000
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

bash scripts/install-deps.sh ffmpeg

export DOTNET_CLI_TELEMETRY_OPTOUT=${DOTNET_CLI_TELEMETRY_OPTOUT:-1}
export DOTNET_NOLOGO=${DOTNET_NOLOGO:-1}
exec dotnet run --project src/YtDownloader/YtDownloader.csproj -c Release -- "$@"
