#!/usr/bin/env bash
# Always the last step: delete the key and this run's folder, and make sure a failure has a reason
# in the step summary and ok=false even when esp-release never started or wrote nothing.
set -uo pipefail
. "$GITHUB_ACTION_PATH/lib.sh"

reason=
code=
if [ -n "${ESPR_STATE:-}" ] && [ -d "$ESPR_STATE" ]; then
  [ ! -f "$ESPR_STATE/reason" ] || reason=$(<"$ESPR_STATE/reason")
  [ ! -f "$ESPR_STATE/exit-code" ] || code=$(<"$ESPR_STATE/exit-code")
  rm -f "$ESPR_STATE/signing-key.pem"
  rm -rf "$ESPR_STATE"
fi

if [ -n "${ESPR_RUN_OK:-}" ]; then
  output ok "$ESPR_RUN_OK"
  exit 0
fi

if [ "${ESPR_RUN_OUTCOME:-}" = success ]; then
  # An esp-release older than --diagnostics-format github's outputs: it succeeded but said nothing.
  output ok true
  printf '## esp-release %s\n\n✅ esp-release %s succeeded (it wrote no results of its own).\n' "$ESPR_COMMAND" "$ESPR_COMMAND" >>"$GITHUB_STEP_SUMMARY"
  exit 0
fi

if [ -z "$reason" ]; then
  case "$code" in
    '') reason="esp-release did not run: an earlier step of the action failed (see its log)." ;;
    1) reason="esp-release $ESPR_COMMAND exited 1: the command line was not understood (see the log)." ;;
    2) reason="esp-release $ESPR_COMMAND exited 2: the input was refused (see the log)." ;;
    3) reason="esp-release $ESPR_COMMAND exited 3: the host failed (see the log)." ;;
    70) reason="esp-release $ESPR_COMMAND exited 70: an internal error of esp-release (see the log; please report it)." ;;
    126 | 127) reason="esp-release $ESPR_COMMAND could not be started (exit $code: see the log)." ;;
    *) reason="esp-release $ESPR_COMMAND exited $code (see the log)." ;;
  esac
fi
output ok false
printf '## esp-release %s\n\n❌ %s\n' "$ESPR_COMMAND" "$reason" >>"$GITHUB_STEP_SUMMARY"
