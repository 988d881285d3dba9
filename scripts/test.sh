#!/usr/bin/env bash
# Runs all tests. Installs ffmpeg, chromium, yt-dlp, PostgreSQL, the native linker and the local S3 server (Ceph
# radosgw) when missing, starts the S3 server for the tests (and stops it afterwards, unless it was already
# running), then runs `dotnet test` on the solution. Extra arguments go to `dotnet test`,
# e.g.: scripts/test.sh --no-restore
# S3 settings (S3_PORT, S3_DIR, S3_ACCESS_KEY, ...): see scripts/s3-server.sh.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

export S3_PORT=${S3_PORT:-7480}
export S3_ACCESS_KEY=${S3_ACCESS_KEY:-testkey}
export S3_SECRET_KEY=${S3_SECRET_KEY:-testsecret123}

total_start=$SECONDS
step_start=$SECONDS
section() {
  step_start=$SECONDS
  printf '\n==== %s ====\n' "$*"
}
section_done() {
  printf '==== %s: done in %d s ====\n' "$*" "$((SECONDS - step_start))"
}

started_s3=0
# shellcheck disable=SC2317 # called through the trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ "$started_s3" -eq 1 ]; then
    section "Stopping the S3 server"
    bash scripts/s3-server.sh stop || true
    section_done "Stopping the S3 server"
  fi
  printf '\n==== total %d s, exit code %d ====\n' "$((SECONDS - total_start))" "$rc"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

section "Installing missing dependencies (ffmpeg, S3 server, chromium, yt-dlp, PostgreSQL, native linker)"
bash scripts/install-deps.sh ffmpeg s3 chromium yt-dlp postgres native
section_done "Installing dependencies"

section "Starting the S3 server (Ceph radosgw on 127.0.0.1:$S3_PORT)"
if bash scripts/s3-server.sh status >/dev/null 2>&1; then
  echo "already running; leaving it running afterwards"
else
  started_s3=1
  bash scripts/s3-server.sh start
fi
section_done "Starting the S3 server"

export YTD_TEST_S3_SERVICE_URL="http://127.0.0.1:$S3_PORT"
export AWS_ACCESS_KEY_ID="$S3_ACCESS_KEY"
export AWS_SECRET_ACCESS_KEY="$S3_SECRET_KEY"
export AWS_REGION=us-east-1
export DOTNET_CLI_TELEMETRY_OPTOUT=${DOTNET_CLI_TELEMETRY_OPTOUT:-1}
export DOTNET_NOLOGO=${DOTNET_NOLOGO:-1}

section "Running the tests (dotnet test, S3 at $YTD_TEST_S3_SERVICE_URL)"
# The run's output is kept so that the failures can be repeated at the end, where a long log is read first.
log=$(mktemp -t ytdownloader-test.XXXXXX.log)
rc=0
dotnet test --solution YtDownloader.slnx -c Release "$@" 2>&1 | tee "$log" || rc=$?
section_done "Running the tests (exit code $rc)"
if [ "$rc" -ne 0 ]; then
  section "Failed tests, repeated from the log above"
  grep -E -A 25 '^[[:space:]]*failed [^0-9]' "$log" | head -n 300 || echo "(no test failure named: the build or the runner failed)"
fi
rm -f "$log"
exit "$rc"
