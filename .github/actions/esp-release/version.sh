#!/usr/bin/env bash
# The version a pack or publish must carry, so that CI cannot release an image whose version is not
# the one intended: the version input; else the tag that triggered the run (v stripped); else what
# `esp-release version` computes from git, which refuses a shallow clone instead of guessing.
set -euo pipefail
. "$GITHUB_ACTION_PATH/lib.sh"

if [ -n "${ESPR_VERSION:-}" ]; then
  version=$ESPR_VERSION
elif [ "${GITHUB_REF_TYPE:-}" = tag ] && [ -n "${GITHUB_REF_NAME:-}" ]; then
  version=${GITHUB_REF_NAME#v}
elif [ "$ESPR_COMMAND" = pack ] || [ "$ESPR_COMMAND" = publish ]; then
  version=$(esp_release version "${ESPR_PROJECT_DIR:-.}" --diagnostics-format github) ||
    fail "esp-release version could not tell the version from git (see above). Check out with fetch-depth: 0 (a shallow clone has no tags), tag the commit, or set the version input."
else
  version=
fi
output version "$version"
