#!/usr/bin/env bash
# First step: register every secret this action can see with the runner (before any later step
# could print one), then write the signing key to a file only this user can read.
set -euo pipefail
. "$GITHUB_ACTION_PATH/lib.sh"

# The runner masks a registered value wherever it later appears, but only line by line: a PEM or
# any multi-line secret must be registered one line at a time.
mask() {
  local line
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%$'\r'}
    line=${line#"${line%%[![:space:]]*}"}
    line=${line%"${line##*[![:space:]]}"}
    if [ -n "$line" ]; then
      printf '::add-mask::%s\n' "$(escape_data "$line")"
    fi
  done <<<"$1"
}

# A storage credential holds its secret part (AccountKey=…, SharedAccessSignature=…, sig=…) among
# parts that are not; a tool could quote just that part, so it is registered on its own as well.
mask_credential() {
  local line part parts
  mask "$1"
  while IFS= read -r line; do
    IFS=';&' read -ra parts <<<"$line"
    for part in "${parts[@]}"; do
      case "$part" in
        AccountKey=* | SharedAccessSignature=* | sig=* | SharedAccessKey=*) mask "${part#*=}" ;;
      esac
    done
  done <<<"$1"
}

if [ -n "${ESPR_KEY:-}" ]; then
  mask "$ESPR_KEY"
  # The key's base64 body as one string too, in case anything prints it unwrapped.
  mask "$(printf '%s\n' "$ESPR_KEY" | grep -v -e '-----' | tr -d ' \t\r\n' || true)"
fi

# Azure storage and AWS credentials the azure:// and s3:// hosts read, and anything else in the
# environment that looks like one (a SAS token or URL, a connection string with a key, a presigned
# S3 URL), whatever the variable is called. (aws-actions/configure-aws-credentials masks its own too.)
while IFS= read -r name; do
  value=${!name-}
  case "$name" in
    AZURE_STORAGE_CONNECTION_STRING | AZURE_STORAGE_SAS_TOKEN | AZURE_STORAGE_KEY | AZURE_CLIENT_SECRET | ESP_RELEASE_SIGNING_KEY | \
      AWS_SECRET_ACCESS_KEY | AWS_SESSION_TOKEN)
      mask_credential "$value"
      continue
      ;;
  esac
  case "$value" in
    *sig=*se=* | *se=*sig=* | *AccountKey=* | *SharedAccessSignature=* | *SharedAccessKey=* | *X-Amz-Signature=*) mask_credential "$value" ;;
  esac
done < <(compgen -e)

# A folder of this run's own under RUNNER_TEMP (mktemp -d: mode 0700) for the key file and the
# reason a step failed; the last step deletes it whatever happened.
state=$(mktemp -d "${RUNNER_TEMP:?RUNNER_TEMP is not set}/esp-release.XXXXXXXX")
output state "$state"
if [ -n "${ESPR_KEY:-}" ]; then
  (
    umask 077
    printf '%s\n' "$ESPR_KEY" >"$state/signing-key.pem"
  )
  output key-file "$state/signing-key.pem"
fi
