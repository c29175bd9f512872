#!/usr/bin/env bash
# The README's test command and what CI runs: checks/installs what the tests need, builds the
# solution once, runs every test project, and ends with one line "N passed, N failed, N skipped".
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

fixtures="${ESP_RELEASE_FIXTURES:-$repo/../shared/fixtures}"
if [ ! -d "$fixtures/images" ]; then
  echo "build/test.sh: the shared fixtures are not at $fixtures; check out the repository with ../shared beside it (or set ESP_RELEASE_FIXTURES)." >&2
  exit 1
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "build/test.sh: the .NET SDK (dotnet, 10.0) is required and is not on PATH." >&2
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

# device-sim (tests/device-sim): the ESP32's TLS client, built against Debian's Mbed TLS 2.28 so the
# TLS tests judge hosts and chains with the device's own library. Install what it needs if missing.
have_package() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }
missing=()
[ -f /usr/include/mbedtls/ssl.h ] || have_package libmbedtls-dev || missing+=(libmbedtls-dev)
# esp-release-ota-core (tests/esp-release-ota-core): the device's manifest check, also needs cJSON.
[ -f /usr/include/cjson/cJSON.h ] || have_package libcjson-dev || missing+=(libcjson-dev)
command -v cmake >/dev/null 2>&1 || missing+=(cmake)
command -v make >/dev/null 2>&1 || missing+=(make)
command -v cc >/dev/null 2>&1 || missing+=(gcc)
[ -f /usr/include/stdio.h ] || have_package libc6-dev || missing+=(libc6-dev)
# The servers users really run, started by the tests beside Kestrel: openssl s_server -WWW, Python's
# http.server in ssl, and nginx (RealServerTests).
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
[ -x /usr/bin/python3 ] || command -v python3 >/dev/null 2>&1 || missing+=(python3)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx-light)
if [ "${#missing[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "build/test.sh: the tests need ${missing[*]} (device-sim and esp-release-ota-core: Mbed TLS 2.28 and cJSON headers, CMake, a C compiler; the real-server tests: openssl, python3, nginx); install them and run again." >&2
    exit 1
  fi
  as_root=""
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "build/test.sh: the tests need ${missing[*]}; run as root or install them (apt-get install ${missing[*]})." >&2
      exit 1
    fi
    as_root=sudo
  fi
  echo "build/test.sh: installing ${missing[*]} for the tests" >&2
  # Packages with a service (nginx) must not start it: the tests start their own on free loopback
  # ports and stop them. policy-rc.d is Debian's way to say so; ours is removed again at once.
  policy=/usr/sbin/policy-rc.d
  added_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $as_root tee "$policy" >/dev/null && $as_root chmod 755 "$policy" && added_policy=1
  fi
  apt_status=0
  apt_log="$($as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq 2>&1 &&
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" 2>&1)" || apt_status=$?
  [ -z "$added_policy" ] || $as_root rm -f "$policy"
  if [ "$apt_status" -ne 0 ]; then
    printf '%s\n' "$apt_log" >&2
    echo "build/test.sh: installing ${missing[*]} failed." >&2
    exit 1
  fi
fi

# The C programs are built in git-ignored folders of the work tree, which is also where the tests look
# without the variables. build_c <name> <source folder> <build type>: configure and build, or fail with the log.
build_c() {
  local build="$2/build" log
  if ! log="$(cmake -S "$2" -B "$build" -DCMAKE_BUILD_TYPE="$3" 2>&1)"; then
    # A cache from another checkout location refuses to configure; start that folder afresh.
    rm -rf "$build"
    if ! log="$(cmake -S "$2" -B "$build" -DCMAKE_BUILD_TYPE="$3" 2>&1)"; then
      printf '%s\n' "$log" >&2
      echo "build/test.sh: configuring $1 failed." >&2
      exit 1
    fi
  fi
  if ! log="$(cmake --build "$build" 2>&1)"; then
    printf '%s\n' "$log" >&2
    echo "build/test.sh: building $1 failed." >&2
    exit 1
  fi
}
build_c device-sim tests/device-sim Release
export ESP_RELEASE_DEVICE_SIM="$repo/tests/device-sim/build/device-sim"
# The esp_release_ota component's portable core and its driver, with ASan and UBSan (-Werror).
build_c esp-release-ota-core tests/esp-release-ota-core RelWithDebInfo
export ESP_RELEASE_OTA_CORE_TEST="$repo/tests/esp-release-ota-core/build/esp-release-ota-core-test"
# The component's ESP-IDF glue and the sample's main.c, compiled (not linked) against stubs that copy
# ESP-IDF v5.3's declarations: a call that no longer matches a signature fails here (OtaGlueCompileTests).
if ! log="$(tests/esp-release-ota-glue/compile.sh 2>&1)"; then
  printf '%s\n' "$log" >&2
  echo "build/test.sh: compiling the esp_release_ota glue against tests/esp-idf-stubs failed." >&2
  exit 1
fi

# Azurite (the Azure Blob Storage emulator, npm, pinned) for the azure:// host tests, installed once
# into a cache outside the repository. The tests start and stop their own instances: HTTPS with a CA
# made for the run, on free loopback ports, and stopped mid-upload by the fault test.
azurite_version=3.37.0
azurite_dir="${XDG_CACHE_HOME:-$HOME/.cache}/esp-release/azurite-$azurite_version"
azurite_bin="$azurite_dir/node_modules/.bin/azurite-blob"
if [ ! -e "$azurite_dir/node_modules/azurite/dist/src/blob/main.js" ]; then
  if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    echo "build/test.sh: the Azure host tests need Node.js and npm (for Azurite); install them (apt-get install nodejs npm) and run again." >&2
    exit 1
  fi
  echo "build/test.sh: installing azurite@$azurite_version into $azurite_dir" >&2
  rm -rf "$azurite_dir"
  # Azurite 3.37 declares node >= 22 but serves blobs on Node 20 (the build machines'); npm only warns.
  if ! npm_log="$(npm install --prefix "$azurite_dir" --no-audit --no-fund --loglevel=error "azurite@$azurite_version" 2>&1)"; then
    printf '%s\n' "$npm_log" >&2
    rm -rf "$azurite_dir"
    echo "build/test.sh: installing azurite@$azurite_version from npm failed." >&2
    exit 1
  fi
fi
export ESP_RELEASE_AZURITE="$azurite_bin"

# s3rver (an S3 server in Node, npm, pinned) for the s3:// host tests, installed the same way. The
# tests start it themselves through tests/s3rver/server.js (HTTPS with a CA made for the run, free
# loopback ports; plain, and with AWS's SigV4 check and conditional PUTs added) and kill it mid-upload.
s3rver_version=3.7.1
s3rver_dir="${XDG_CACHE_HOME:-$HOME/.cache}/esp-release/s3rver-$s3rver_version"
if [ ! -e "$s3rver_dir/node_modules/s3rver/package.json" ]; then
  echo "build/test.sh: installing s3rver@$s3rver_version into $s3rver_dir" >&2
  rm -rf "$s3rver_dir"
  if ! npm_log="$(npm install --prefix "$s3rver_dir" --no-audit --no-fund --loglevel=error "s3rver@$s3rver_version" 2>&1)"; then
    printf '%s\n' "$npm_log" >&2
    rm -rf "$s3rver_dir"
    echo "build/test.sh: installing s3rver@$s3rver_version from npm failed." >&2
    exit 1
  fi
fi
export ESP_RELEASE_S3RVER="$s3rver_dir/node_modules/s3rver"

dotnet build EspRelease.sln -c Release -nologo -v:quiet

# One run per test project, each with its own results file, so no two reports can collide. Every
# test bounds its own waits; --blame-hang is the net under them: a test still running after 10
# minutes is killed and reported by name, so a hang fails the run instead of stalling it.
status=0
for project in $(find tests -name '*.Tests.csproj' | sort); do
  name="$(basename "$project" .csproj)"
  dotnet test "$project" -c Release --no-build -nologo \
    --blame-hang --blame-hang-timeout 10min --blame-hang-dump-type none \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" --results-directory "$results" || status=$?
done

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  files=$((files + 1))
  counters="$(grep -o '<Counters [^>]*>' "$trx")"
  get() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  total="$(get total)"; executed="$(get executed)"
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + total - executed))
done

projects="$(find tests -name '*.Tests.csproj' | wc -l)"
if [ "$files" -lt "$projects" ]; then
  echo "build/test.sh: only $files of $projects test projects reported results." >&2
  status=1
fi

echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then
  exit 1
fi
