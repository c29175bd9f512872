#!/usr/bin/env bash
# The one esp-release command the action runs. The tool itself writes the step's outputs, the step
# summary and the annotations (--diagnostics-format github); this script only builds the arguments.
set -euo pipefail
. "$GITHUB_ACTION_PATH/lib.sh"

build_dir=${ESPR_BUILD_DIR:-}
key=()
[ -z "${ESPR_KEY_FILE:-}" ] || key=(--key "$ESPR_KEY_FILE")
channel=()
[ -z "${ESPR_CHANNEL:-}" ] || channel=(--channel "$ESPR_CHANNEL")
packing=("${key[@]}" "${channel[@]}")
[ -z "${ESPR_RESOLVED_VERSION:-}" ] || packing+=(--version "$ESPR_RESOLVED_VERSION")
if flag allow-insecure "${ESPR_ALLOW_INSECURE:-false}"; then packing+=(--allow-insecure); fi
if flag factory "${ESPR_FACTORY:-false}"; then packing+=(--factory); fi

case "$ESPR_COMMAND" in
  publish)
    args=(publish ${build_dir:+"$build_dir"} "${packing[@]}")
    [ -z "${ESPR_HOST:-}" ] || args+=(--to "$ESPR_HOST")
    [ -z "${ESPR_ROLLOUT:-}" ] || args+=(--rollout "$ESPR_ROLLOUT")
    [ -z "${ESPR_PROJECT_DIR:-}" ] || args+=(--project "$ESPR_PROJECT_DIR")
    ;;
  pack) args=(pack ${build_dir:+"$build_dir"} "${packing[@]}") ;;
  inspect) args=(inspect "${build_dir:-.}") ;;
  verify)
    # A host when one is named, else the release (or build) directory; the key checks the signature.
    target=${ESPR_HOST:-$build_dir}
    args=(verify ${target:+"$target"} "${key[@]}" "${channel[@]}")
    ;;
  ca-check)
    args=(ca check)
    [ -z "${ESPR_PROJECT_DIR:-}" ] || args+=(--project "$ESPR_PROJECT_DIR")
    ;;
  version) args=(version ${ESPR_PROJECT_DIR:+"$ESPR_PROJECT_DIR"}) ;;
  doctor)
    # The pre-flash prediction for the project (a serial log, when one is given in extra-args, is
    # explained and confirmed against it); never stdin, which a runner step does not have.
    args=(doctor --project "${ESPR_PROJECT_DIR:-.}")
    [ -z "$build_dir" ] || args+=(--build "$build_dir")
    ;;
  *) fail "command: '$ESPR_COMMAND' is not one this action runs (publish, pack, inspect, verify, ca-check, version, doctor)." ;;
esac

# extra-args is split, never evaluated: no quotes, variables or globs. At whitespace on one line;
# a value of several lines is split at line ends only, so an argument may hold spaces.
extra=()
if [[ "${ESPR_EXTRA_ARGS:-}" == *$'\n'* ]]; then
  while IFS= read -r line; do
    line=${line%$'\r'}
    [ -z "$line" ] || extra+=("$line")
  done <<<"$ESPR_EXTRA_ARGS"
else
  read -ra extra <<<"${ESPR_EXTRA_ARGS:-}"
fi

status=0
esp_release "${args[@]}" "${extra[@]}" --diagnostics-format github || status=$?
printf '%s\n' "$status" >"$ESPR_STATE/exit-code"
exit "$status"
