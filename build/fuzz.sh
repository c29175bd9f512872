#!/usr/bin/env bash
# The fuzzer (not part of CI; a short run of the same engine is a test in EspRelease.Core.Tests):
# seeded mutations of every fixture image, partition table and build file, of a release packed at
# start (manifest.jws, manifest.json), of keys, esp-release.json, sdkconfig, Kconfig and project
# files, run in process through the entry points the CLI calls. Exits non-zero when a case threw
# anything but a typed error (EspReleaseException) or ran over its time limit; each such case's
# input is saved, and the report names where.
#
#   build/fuzz.sh [count] [seed] [options…]   count defaults to 1000000, seed to a random one (printed)
#   build/fuzz.sh --target build --count 5000 --time-limit-ms 500 --out DIR   (--help lists the options)
#   build/fuzz.sh --replay DIR                 run one saved case again
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# The fuzzer finds the fixtures as the tests do (EspRelease.Testing's Fixtures): ESP_RELEASE_FIXTURES if
# set, else ../shared/fixtures beside the repository, and says so when they are in neither place.
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

args=()
if [ "$#" -gt 0 ] && [[ "$1" != -* ]]; then args+=(--count "$1"); shift; fi
if [ "$#" -gt 0 ] && [[ "$1" != -* ]]; then args+=(--seed "$1"); shift; fi

if ! build_log="$(dotnet build tests/EspRelease.Fuzz -c Release -nologo -v:quiet 2>&1)"; then
  printf '%s\n' "$build_log" >&2
  echo "build/fuzz.sh: building the fuzzer failed." >&2
  exit 2
fi
exec dotnet tests/EspRelease.Fuzz/bin/Release/net10.0/EspRelease.Fuzz.dll "${args[@]}" "$@"
