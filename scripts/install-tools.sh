#!/usr/bin/env bash
# Installs the pinned Helm 3 and Helm 4 binaries from their Go modules (through the Go module
# proxy) into the tools cache, once. The tests look for them there (or on PATH).
#   STASH_PXC_CACHE  cache root (default: $HOME/.cache/stash-pxc)
set -euo pipefail
HELM3_VERSION=v3.19.0
HELM4_VERSION=v4.3.1
CACHE="${STASH_PXC_CACHE:-$HOME/.cache/stash-pxc}"
BIN="$CACHE/tools/bin"
mkdir -p "$BIN"
export PATH="/usr/local/go/bin:$PATH" GOTOOLCHAIN=local GOFLAGS=-mod=mod

install_helm() { # module version target
  local module=$1 version=$2 target=$3
  if [ -x "$BIN/$target" ] && [ "$(cat "$BIN/$target.version" 2>/dev/null)" = "$version" ]; then
    return
  fi
  echo "installing $module@$version as $BIN/$target"
  local tmp
  tmp=$(mktemp -d)
  GOBIN="$tmp" go install "$module/cmd/helm@$version"
  mv "$tmp/helm" "$BIN/$target"
  echo "$version" > "$BIN/$target.version"
  rm -rf "$tmp"
}

install_helm helm.sh/helm/v3 "$HELM3_VERSION" helm
install_helm helm.sh/helm/v4 "$HELM4_VERSION" helm4
echo "helm: $("$BIN/helm" version --short) helm4: $("$BIN/helm4" version --short) in $BIN"
