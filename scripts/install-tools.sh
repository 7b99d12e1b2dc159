#!/usr/bin/env bash
# Installs the pinned Helm 3, Helm 4 and promtool binaries from their Go modules (through the Go
# module proxy) into the tools cache, once. The tests look for them there (or on PATH).
#   STASH_PXC_CACHE  cache root (default: $HOME/.cache/stash-pxc)
set -euo pipefail
HELM3_VERSION=v3.19.0
HELM4_VERSION=v4.3.1
# promtool (check/test the emitted PrometheusRules); Prometheus 3.x modules are tagged v0.3xx.
PROMTOOL_VERSION=v0.316.0
CACHE="${STASH_PXC_CACHE:-$HOME/.cache/stash-pxc}"
BIN="$CACHE/tools/bin"
mkdir -p "$BIN"
export PATH="/usr/local/go/bin:$PATH" GOTOOLCHAIN=local GOFLAGS=-mod=mod

install_tool() { # module version command target
  local module=$1 version=$2 command=$3 target=$4
  if [ -x "$BIN/$target" ] && [ "$(cat "$BIN/$target.version" 2>/dev/null)" = "$version" ]; then
    return
  fi
  echo "installing $module@$version as $BIN/$target"
  local tmp
  tmp=$(mktemp -d)
  GOBIN="$tmp" go install "$module/cmd/$command@$version"
  mv "$tmp/$command" "$BIN/$target"
  echo "$version" > "$BIN/$target.version"
  rm -rf "$tmp"
}

install_tool helm.sh/helm/v3 "$HELM3_VERSION" helm helm
install_tool helm.sh/helm/v4 "$HELM4_VERSION" helm helm4
install_tool github.com/prometheus/prometheus "$PROMTOOL_VERSION" promtool promtool
echo "helm: $("$BIN/helm" version --short) helm4: $("$BIN/helm4" version --short)" \
  "promtool: $("$BIN/promtool" --version 2>&1 | head -n 1) in $BIN"
