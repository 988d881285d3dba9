#!/usr/bin/env bash
# Runs the benchmarks of issue 5 and prints one table (docs/benchmarks.md holds the latest one).
#
#   bench/run.sh [--size 1g|300m|quick] [--only 1,4,5,6] [--server-env NAME=VALUE]...
#
#   --size   1g (default): 1 GB job, 100 MB job, 300 MB concurrent jobs; quick: a smoke run of about 3 minutes
#   --only   figures to measure (1 gives 1 to 3: they come from the same jobs; 7 is the browser's; 8 event streams
#            under load; 9 peak memory per job size); all by default but 10, which is only run when asked:
#            10 CPU by stage (perf record of the measured job on our merge and on ffmpeg's; needs root and linux-perf)
#   --server-env  an environment variable for every server the bench starts (e.g. DOTNET_GCgen0size=0x1000000),
#            to measure a runtime setting against the shipped ones
#
# Sets up what it needs: ffmpeg, Ceph radosgw, a C linker and wrk (apt, when missing); its own radosgw on
# 127.0.0.1:${BENCH_S3_PORT:-7490} (reused if already running, stopped afterwards if started here);
# test media made by looping short ffmpeg clips under /tmp (deleted afterwards); the tests' fake YouTube
# origin; the real server as a separate process (the native YtDownloader that scripts/run.sh runs). Needs about
# 4 GB free in /tmp for --size 1g. Progress goes to stderr, the table to stdout.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

size=1g
only=()
server_env=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --size) size=${2:?--size needs 1g, 300m or quick}; shift 2 ;;
    --only) only=(--only "${2:?--only needs figure numbers, e.g. 1,4}"); shift 2 ;;
    --server-env) server_env+=(--server-env "${2:?--server-env needs NAME=VALUE}"); shift 2 ;;
    -h | --help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "bench: unknown argument $1" >&2; exit 2 ;;
  esac
done

export S3_PORT=${BENCH_S3_PORT:-7490}
export S3_MON_PORT=${BENCH_S3_MON_PORT:-3391}
export S3_DIR=${BENCH_S3_DIR:-${TMPDIR:-/tmp}/ytdownloader-bench-radosgw}
export S3_ACCESS_KEY=${S3_ACCESS_KEY:-testkey}
export S3_SECRET_KEY=${S3_SECRET_KEY:-testsecret123}
export AWS_ACCESS_KEY_ID="$S3_ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$S3_SECRET_KEY" AWS_REGION=us-east-1
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

work=$(mktemp -d "${TMPDIR:-/tmp}/ytd-bench-run.XXXXXX")
started_s3=0
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [ "$started_s3" -eq 1 ] && bash scripts/s3-server.sh stop >&2 || true
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bash scripts/install-deps.sh ffmpeg s3 chromium native >&2
if ! command -v wrk >/dev/null 2>&1; then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  echo "bench: installing wrk (the HTTP load generator)" >&2
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install --no-install-recommends -y -q wrk >&2 ||
    { "${sudo_cmd[@]}" apt-get update -q >&2 && "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install --no-install-recommends -y -q wrk >&2; }
fi

if [ "${#only[@]}" -gt 0 ] && [[ ",${only[1]}," == *,10,* ]] && ! perf --version >/dev/null 2>&1; then
  # Debian's perf is linux-perf (perf-tools-unstable on older releases); the profile of figure 10 runs it.
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  echo "bench: installing linux-perf (figure 10's profiler)" >&2
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install --no-install-recommends -y -q linux-perf >&2 ||
    { "${sudo_cmd[@]}" apt-get update -q >&2 && "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install --no-install-recommends -y -q linux-perf >&2; }
fi

if bash scripts/s3-server.sh status >/dev/null 2>&1; then
  echo "bench: reusing the S3 server on 127.0.0.1:$S3_PORT" >&2
else
  started_s3=1
  bash scripts/s3-server.sh start >&2
fi

echo "bench: building (Release)" >&2
for project in bench/YtDownloader.Bench bench/YtDownloader.MicroBenchmarks; do
  dotnet build "$project" -c Release -m:1 -v quiet -nologo >&2
done
# The server as scripts/run.sh runs it: published for this machine, one native executable.
bash scripts/publish-here.sh "$work/server"

if [ "${#only[@]}" -eq 0 ] || [[ ",${only[1]}," == *,6,* ]]; then
  echo "bench: micro benchmarks (BenchmarkDotNet, short job, in process)" >&2
  dotnet bench/YtDownloader.MicroBenchmarks/bin/Release/net10.0/YtDownloader.MicroBenchmarks.dll \
    --filter '*' --job short --inProcess --exporters json --artifacts "$work/micro" >&2
fi

echo "bench: end-to-end benchmarks, size $size" >&2
dotnet bench/YtDownloader.Bench/bin/Release/net10.0/YtDownloader.Bench.dll \
  --size "$size" \
  --server "$work/server/YtDownloader" \
  --s3 "http://127.0.0.1:$S3_PORT" \
  --radosgw-conf "$S3_DIR/ceph.conf" \
  --micro "$work/micro" \
  "${only[@]}" "${server_env[@]}"

if [ "${#only[@]}" -eq 0 ] || [[ ",${only[1]}," == *,7,* ]]; then
  echo "bench: browser figures (the published server, headless chromium)" >&2
  dotnet run -c Release --project bench/YtDownloader.BrowserBench -v quiet
fi
