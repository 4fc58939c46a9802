import { shQuote } from "./shell-quote.js";

/** Where the pieces `configure` installs live on the VM, relative to the admin's home. */
export const VM_PATHS = {
  tokenFile: ".azure/vm-identity-token",
  refresher: ".local/bin/oidc-bridge-refresh-token",
  awsConfig: ".aws/config",
  systemdDir: ".config/systemd/user",
} as const;

export const REFRESH_UNIT = "oidc-bridge-token";

export interface RefresherInput {
  /** The token's audience: IMDS's `resource`, exactly as the provider lists it. */
  readonly audience: string;
  readonly clientId: string;
  /** Absolute path of the token file on the VM. */
  readonly tokenFile: string;
}

/**
 * The POSIX shell script that fetches the VM identity's token from the instance metadata service
 * and replaces the token file atomically. It retries as Microsoft documents for IMDS (404, 429,
 * 5xx and timeouts with exponential backoff; 410 for up to 70 s; "Identity not found" while a new
 * assignment propagates) and gives up at once on any other 4xx. The token never reaches a command
 * line, the output or the journal: curl and jq write it to 0600 files (umask 077) only.
 */
export function refresherScript(input: RefresherInput): string {
  const query = `api-version=2018-02-01&resource=${encodeURIComponent(input.audience)}&client_id=${encodeURIComponent(input.clientId)}`;
  return `#!/bin/sh
# Installed by oidc-bridge configure: refreshes the VM identity's token for AWS.
# Run by the ${REFRESH_UNIT} timer (or cron); safe to run by hand. Prints no token.
set -u
umask 077
token_file=${shQuote(input.tokenFile)}
query=${shQuote(query)}
# IMDS_ENDPOINT overrides the metadata address, as Azure's SDKs allow.
base=\${IMDS_ENDPOINT:-http://169.254.169.254}
url="\${base%/}/metadata/identity/oauth2/token?$query"
dir=\${token_file%/*}
mkdir -p "$dir" && chmod 700 "$dir" || exit 1
reply="$dir/.imds-reply.$$"
next="$dir/.vm-identity-token.$$"
trap 'rm -f "$reply" "$next"' EXIT
trap 'exit 1' HUP INT TERM

say() { echo "oidc-bridge-refresh-token: $*" >&2; }
reason() { jq -r '.error_description // .error // empty' <"$reply" 2>/dev/null | head -c 300; }

started=$(date +%s)
delay=1
while :; do
  status=$(curl -sS -m 10 -o "$reply" -w '%{http_code}' -H 'Metadata: true' "$url" 2>/dev/null) || status=000
  elapsed=$(( $(date +%s) - started ))
  case "$status" in
    200)
      if jq -j -e '.access_token | select(type == "string" and length > 0)' <"$reply" >"$next"; then
        mv -f "$next" "$token_file" && exit 0
      fi
      say "the metadata service answered without an access token"
      exit 1
      ;;
    410) limit=70 ;;
    404 | 429 | 5[0-9][0-9] | 000) limit=120 ;;
    400)
      if grep -q 'Identity not found' "$reply" 2>/dev/null; then
        limit=120
      else
        say "the metadata service refused (400): $(reason)"
        exit 1
      fi
      ;;
    *)
      say "the metadata service refused ($status): $(reason)"
      exit 1
      ;;
  esac
  if [ "$elapsed" -ge "$limit" ]; then
    say "gave up after \${elapsed}s; last answer: $status $(reason)"
    exit 1
  fi
  sleep "$delay"
  delay=$((delay * 2))
  [ "$delay" -gt 16 ] && delay=16
done
`;
}
