#!/usr/bin/env bash
# Runs the YtDownloader service (http://localhost:8080 by default, files kept in a local
# folder; no configuration needed). Installs ffmpeg and the native linker first if they are missing.
# Arguments are passed to the service, e.g.: scripts/run.sh --urls http://0.0.0.0:9000
# The videos and the jobs database go under ./data of the folder it is started from
# (data/videos, data/jobs.db), unless Storage__Local__Path or Jobs__DatabasePath say otherwise;
# the service prints where, with its address, when it has started.
# It publishes the service for this machine into artifacts/run first (scripts/publish-here.sh: one native
# executable), then starts it.
set -euo pipefail

here=$(pwd)
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The service starts in its publish folder (its settings and page are there): relative paths would land there, not here.
from_here() { case $1 in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$here" "$1" ;; esac; }
export Storage__Local__Path=$(from_here "${Storage__Local__Path:-data/videos}")
export Jobs__DatabasePath=$(from_here "${Jobs__DatabasePath:-data/jobs.db}")

bash "$root/scripts/install-deps.sh" ffmpeg native

export DOTNET_CLI_TELEMETRY_OPTOUT=${DOTNET_CLI_TELEMETRY_OPTOUT:-1}
export DOTNET_NOLOGO=${DOTNET_NOLOGO:-1}
published="$root/artifacts/run"
bash "$root/scripts/publish-here.sh" "$published"
cd "$published"
exec ./YtDownloader "$@"
