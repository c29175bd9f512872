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

dotnet build EspRelease.sln -c Release -nologo -v:quiet

# One run per test project, each with its own results file, so no two reports can collide.
status=0
for project in $(find tests -name '*.Tests.csproj' | sort); do
  name="$(basename "$project" .csproj)"
  dotnet test "$project" -c Release --no-build -nologo \
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
