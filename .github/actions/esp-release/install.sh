#!/usr/bin/env bash
# Makes esp-release runnable (see locate.sh for where from) and says how: dll= (dotnet exec) or exe=.
set -euo pipefail
. "$GITHUB_ACTION_PATH/lib.sh"

command -v dotnet >/dev/null 2>&1 ||
  fail "dotnet is not on PATH: esp-release needs the .NET 10 SDK. Add actions/setup-dotnet (dotnet-version: 10.0.x) before this step."

dir=$ESPR_DIR
case "$ESPR_MODE" in
  path)
    if [ -f "$dir/esp-release.dll" ]; then
      output dll "$dir/esp-release.dll"
    elif [ -x "$dir/dotnet-esp-release" ]; then
      output exe "$dir/dotnet-esp-release"
    else
      fail "tool-path: $dir holds neither esp-release.dll nor dotnet-esp-release."
    fi
    ;;
  version)
    # A package version's content never changes, so the folder locate.sh named after it is reused as
    # it is, whatever feed it came from (on a self-hosted runner the tool cache outlives the job).
    if [ -x "$dir/dotnet-esp-release" ]; then
      echo "esp-release: EspRelease.Tool $ESPR_TOOL_VERSION installed before ($dir)"
    else
      source_args=()
      [ -z "${ESPR_TOOL_SOURCE:-}" ] || source_args=(--add-source "$ESPR_TOOL_SOURCE")
      # dotnet's own message (not found, feed unreachable) is in the log; the annotation and the summary
      # say which version was looked for where.
      dotnet tool install EspRelease.Tool --version "$ESPR_TOOL_VERSION" --tool-path "$dir" "${source_args[@]}" ||
        fail "EspRelease.Tool $ESPR_TOOL_VERSION could not be installed from ${ESPR_TOOL_SOURCE:+$ESPR_TOOL_SOURCE or }the NuGet feeds configured for the workspace (dotnet tool install failed, see the log): check tool-version${ESPR_TOOL_SOURCE:+ and tool-source}."
    fi
    output exe "$dir/dotnet-esp-release"
    ;;
  source)
    if [ -f "$dir/esp-release.dll" ]; then
      echo "esp-release: built from this source before ($dir)"
    else
      # Built beside the cache folder and moved in whole, so that a cancelled build never counts
      # as cached. --artifacts-path keeps bin/ and obj/ out of the checkout: a workflow that uses
      # the action from its own working tree may be building the same projects at the same time.
      work=$(mktemp -d "$(dirname "$dir")/build.XXXXXXXX" 2>/dev/null || { mkdir -p "$(dirname "$dir")" && mktemp -d "$(dirname "$dir")/build.XXXXXXXX"; })
      (cd "$ESPR_REPO" && dotnet publish src/EspRelease.Cli -c Release -nologo -o "$work/out" --artifacts-path "$work/artifacts") ||
        { rm -rf "$work"; fail "building esp-release from $ESPR_REPO failed (see above); set tool-version to use a released EspRelease.Tool instead."; }
      rm -rf "$dir"
      mv "$work/out" "$dir"
      rm -rf "$work"
    fi
    output dll "$dir/esp-release.dll"
    ;;
  *) fail "internal: unknown install mode '$ESPR_MODE'." ;;
esac
