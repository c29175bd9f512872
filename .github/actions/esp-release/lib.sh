# Shared by the esp-release action's steps (sourced, never run): how a step reports why it failed.

# fail MESSAGE: an ::error annotation in the log, the reason kept for the final step's summary, exit 1.
fail() {
  printf '::error title=esp-release::%s\n' "$(escape_data "$1")"
  if [ -n "${ESPR_STATE:-}" ] && [ -d "$ESPR_STATE" ]; then
    printf '%s\n' "$1" >"$ESPR_STATE/reason"
  fi
  exit 1
}

# escape_data VALUE: a workflow command's data, escaped as the runner unescapes it (% first).
escape_data() {
  local v=${1//%/%25}
  v=${v//$'\r'/%0D}
  printf '%s' "${v//$'\n'/%0A}"
}

# output NAME VALUE: a step output, in the heredoc form so that no value can end the file's entry early.
output() {
  local delimiter
  delimiter="ghadelimiter_$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  printf '%s<<%s\n%s\n%s\n' "$1" "$delimiter" "$2" "$delimiter" >>"$GITHUB_OUTPUT"
}

# esp_release ARGS…: the tool install.sh made runnable.
esp_release() {
  if [ -n "${ESPR_DLL:-}" ]; then
    dotnet exec "$ESPR_DLL" "$@"
  elif [ -n "${ESPR_EXE:-}" ]; then
    "$ESPR_EXE" "$@"
  else
    fail "esp-release is not installed (the install step did not run or said nothing)."
  fi
}

# flag NAME VALUE: true or false, and nothing else, so that a typo is not silently "false".
flag() {
  case "$2" in
    true | false) ;;
    *) fail "$1: '$2' is neither true nor false." ;;
  esac
  [ "$2" = true ]
}
