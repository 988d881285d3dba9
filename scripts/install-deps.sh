#!/usr/bin/env bash
# Installs the external tools YtDownloader needs, only when they are missing.
#
#   scripts/install-deps.sh [ffmpeg] [s3] [chromium] [yt-dlp] [postgres] [native]
#
#   ffmpeg    ffmpeg (the service muxes video and audio with it)
#   s3        a local S3 server for the tests: Ceph (ceph-mon, ceph-osd) + radosgw, and curl
#   chromium  Debian's chromium, for the page's browser tests and figures (never a downloaded browser)
#   yt-dlp    Debian's yt-dlp, for the tests of yt-dlp as a source (run on recorded info: Debian's is too old
#             for today's YouTube; a server that uses yt-dlp needs a current one, see README)
#   postgres  PostgreSQL's server programs (initdb, pg_ctl), for the tests of jobs shared through PostgreSQL;
#             the tests start their own server in a temporary folder, never the system service
#   native    a C compiler and linker (clang, or gcc when it is there) and zlib's headers, which the .NET SDK needs
#             to publish the service as one native executable (scripts/publish-here.sh)
#
# Without arguments all are checked. Needs Debian/Ubuntu (apt-get) and root or sudo,
# but only when something is actually missing. Safe to run again: installed tools are
# left alone.
set -euo pipefail

usage() {
  echo "usage: $0 [ffmpeg] [s3] [chromium] [yt-dlp] [postgres] [native]" >&2
  exit 2
}

want_ffmpeg=0
want_s3=0
want_chromium=0
want_ytdlp=0
want_postgres=0
want_native=0
if [ "$#" -eq 0 ]; then
  want_ffmpeg=1
  want_s3=1
  want_chromium=1
  want_ytdlp=1
  want_postgres=1
  want_native=1
fi
for arg in "$@"; do
  case "$arg" in
    ffmpeg) want_ffmpeg=1 ;;
    s3) want_s3=1 ;;
    chromium) want_chromium=1 ;;
    yt-dlp) want_ytdlp=1 ;;
    postgres) want_postgres=1 ;;
    native) want_native=1 ;;
    -h | --help) usage ;;
    *) echo "install-deps: unknown component '$arg'" >&2; usage ;;
  esac
done

# Packages to install, and a description of why.
packages=()

missing_commands() {
  # Prints the commands among "$@" that are not on PATH.
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null 2>&1 || printf '%s ' "$c"
  done
}

if [ "$want_ffmpeg" -eq 1 ]; then
  miss=$(missing_commands ffmpeg ffprobe)
  if [ -n "$miss" ]; then
    echo "install-deps: ffmpeg missing (${miss% }), will install: ffmpeg"
    packages+=(ffmpeg)
  else
    echo "install-deps: ffmpeg already installed ($(command -v ffmpeg))"
  fi
fi

if [ "$want_s3" -eq 1 ]; then
  # ceph-mon pulls in ceph-base (monmaptool) and ceph-common (ceph, ceph-authtool,
  # radosgw-admin).
  miss=$(missing_commands ceph-mon ceph-osd radosgw radosgw-admin ceph ceph-authtool monmaptool)
  if [ -n "$miss" ]; then
    echo "install-deps: S3 server missing (${miss% }), will install: ceph-mon ceph-osd radosgw"
    packages+=(ceph-mon ceph-osd radosgw)
  else
    echo "install-deps: S3 server (Ceph radosgw) already installed ($(command -v radosgw))"
  fi
  if ! command -v curl >/dev/null 2>&1; then
    echo "install-deps: curl missing, will install: curl"
    packages+=(curl)
  fi
fi

if [ "$want_chromium" -eq 1 ]; then
  if [ -x /usr/bin/chromium ]; then
    echo "install-deps: chromium already installed (/usr/bin/chromium)"
  else
    echo "install-deps: chromium missing, will install: chromium"
    packages+=(chromium)
  fi
fi

if [ "$want_ytdlp" -eq 1 ]; then
  if command -v yt-dlp >/dev/null 2>&1; then
    echo "install-deps: yt-dlp already installed ($(command -v yt-dlp))"
  else
    echo "install-deps: yt-dlp missing, will install: yt-dlp"
    packages+=(yt-dlp)
  fi
fi

if [ "$want_postgres" -eq 1 ]; then
  # Debian keeps the server programs off PATH, under /usr/lib/postgresql/<major>/bin.
  initdb=$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort -V | tail -n 1 || true)
  if [ -n "$initdb" ]; then
    echo "install-deps: PostgreSQL already installed ($(dirname "$initdb"))"
  else
    echo "install-deps: PostgreSQL server programs missing (initdb), will install: postgresql"
    packages+=(postgresql)
  fi
fi

if [ "$want_native" -eq 1 ]; then
  # The SDK's native linker step calls clang, or gcc when clang is not on PATH; either needs libc's and zlib's headers.
  if { command -v clang >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1; } && [ -e /usr/include/zlib.h ]; then
    echo "install-deps: native linker already installed ($(command -v clang || command -v gcc))"
  else
    echo "install-deps: native linker or zlib headers missing, will install: clang zlib1g-dev"
    packages+=(clang zlib1g-dev)
  fi
fi

if [ "${#packages[@]}" -eq 0 ]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: apt-get not found; please install these packages yourself: ${packages[*]}" >&2
  exit 1
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo)
  else
    echo "install-deps: not root and sudo is not available; as root run:" >&2
    echo "  apt-get update && apt-get install --no-install-recommends -y ${packages[*]}" >&2
    exit 1
  fi
fi

log=$(mktemp "${TMPDIR:-/tmp}/ytdownloader-install-deps.XXXXXX")
trap 'rm -f "$log"' EXIT

start=$SECONDS
echo "install-deps: apt-get update"
if ! "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >"$log" 2>&1; then
  cat "$log" >&2
  echo "install-deps: apt-get update failed" >&2
  exit 1
fi

echo "install-deps: apt-get install ${packages[*]}"
if ! "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install --no-install-recommends -y -q "${packages[@]}" >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "install-deps: apt-get install failed" >&2
  exit 1
fi

echo "install-deps: installed ${packages[*]} in $((SECONDS - start)) s"
