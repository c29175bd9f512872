#!/usr/bin/env bash
# Where esp-release comes from: tool-path (already there), tool-version (dotnet tool install), or
# built from the checkout of this repository the action itself came from, cached by a hash of
# everything that goes into the build.
set -euo pipefail
. "$GITHUB_ACTION_PATH/lib.sh"

cache="${RUNNER_TOOL_CACHE:?RUNNER_TOOL_CACHE is not set}/esp-release"
if [ -n "${ESPR_TOOL_PATH:-}" ]; then
  [ -d "$ESPR_TOOL_PATH" ] || fail "tool-path: '$ESPR_TOOL_PATH' is not a directory. Give a folder that holds esp-release.dll (a dotnet publish of src/EspRelease.Cli) or dotnet-esp-release (dotnet tool install --tool-path), or leave tool-path empty."
  output mode path
  output dir "$(cd "$ESPR_TOOL_PATH" && pwd)"
elif [ -n "${ESPR_TOOL_VERSION:-}" ]; then
  # The version names a folder: only what a NuGet version can hold.
  [[ "$ESPR_TOOL_VERSION" =~ ^[0-9A-Za-z][0-9A-Za-z.+-]*$ ]] || fail "tool-version: '$ESPR_TOOL_VERSION' is not a package version (e.g. 1.2.0 or 1.3.0-beta.1)."
  output mode version
  output dir "$cache/tool-$ESPR_TOOL_VERSION"
else
  # $GITHUB_ACTION_PATH is .github/actions/esp-release in a download of the repository at the ref
  # the workflow named (a tarball, no .git): the key hashes the files themselves, not a commit.
  repo=$(cd "$GITHUB_ACTION_PATH/../../.." && pwd)
  [ -d "$repo/src/EspRelease.Cli" ] || fail "no src/EspRelease.Cli in $repo, the checkout this action came from; set tool-version (a released EspRelease.Tool) or tool-path instead."
  key=$(
    cd "$repo"
    find src global.json nuget.config Directory.Build.props Directory.Packages.props .editorconfig \
      -type f ! -path '*/bin/*' ! -path '*/obj/*' -print0 2>/dev/null |
      LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-20
  )
  output mode source
  output repo "$repo"
  output key "$key"
  output dir "$cache/source-$key"
fi
