#!/usr/bin/env bash
# The version a pack or publish must carry, so that CI cannot release an image whose version is not
# the one intended: the version input; else the tag that triggered the run (v stripped); else "git":
# esp-release then computes HEAD's version from the tags (as `esp-release version` does) and accepts
# the image when it holds that version or ESP-IDF's own `git describe` of the same commit, and it
# refuses a shallow clone of an untagged commit instead of guessing (actions/checkout: fetch-depth: 0).
set -euo pipefail
. "$GITHUB_ACTION_PATH/lib.sh"

if [ -n "${ESPR_VERSION:-}" ]; then
  expected=$ESPR_VERSION
elif [ "${GITHUB_REF_TYPE:-}" = tag ] && [ -n "${GITHUB_REF_NAME:-}" ]; then
  expected=${GITHUB_REF_NAME#v}
else
  expected=git
fi
output expected "$expected"
