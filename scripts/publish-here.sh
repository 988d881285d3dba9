#!/usr/bin/env bash
# Publishes the service for this machine's runtime into a folder as one native executable, YtDownloader (Native AOT:
# less memory and a quicker first answer than a plain build, see src/YtDownloader/YtDownloader.csproj; minutes the
# first time, seconds when nothing changed). Needs a C linker (scripts/install-deps.sh native):
#
#   scripts/publish-here.sh FOLDER [more dotnet publish arguments, e.g. --artifacts-path DIR]
#
# The one way the service is built to run here: scripts/run.sh starts it from artifacts/run, and the benches
# measure it. scripts/publish.sh makes the release tarballs for a server's runtime.
set -euo pipefail

output=${1:?publish-here: the folder to publish into}
shift
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runtime=$(dotnet --info | awk '$1 == "RID:" { print $2; exit }')
echo "publish-here: the service for $runtime into $output" >&2
dotnet publish "$root/src/YtDownloader/YtDownloader.csproj" -c Release --runtime "$runtime" --self-contained true \
  -o "$output" -v quiet -nologo "$@" >&2
