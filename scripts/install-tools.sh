#!/usr/bin/env bash
# Installs the pinned Helm 3, Helm 4, promtool, Pushgateway and cyclonus binaries from their Go modules (through the Go
# module proxy) into the tools cache, once; later runs only check the version stamps (no Go needed). The
# tests look for them there (or on PATH). Also installs Debian's MariaDB server for the SQL suites
# where it may (root with apt-get).
#   --optional       without a Go toolchain, say so in one line and exit 0 (`npm test` runs this
#                    before the tests; the suites that need the tools then skip with the same hint). Without it
#                    (CI), a missing Go is an error.
#   STASH_PXC_CACHE  cache root (default: $HOME/.cache/stash-pxc)
#   GO               the go binary (default: go on PATH, else /usr/local/go/bin/go)
set -euo pipefail
HELM3_VERSION=v3.19.0
HELM4_VERSION=v4.3.1
# promtool checks the emitted PrometheusRules; Prometheus 3.x modules are tagged v0.3xx.
PROMTOOL_VERSION=v0.316.0
# The Pushgateway the drills push to in the host-run drill tests (the one Stash runs beside its operator).
PUSHGATEWAY_VERSION=v1.11.5
# cyclonus judges the Jobs' NetworkPolicies offline (`analyze --mode query-traffic`); about 5 minutes cold.
CYCLONUS_VERSION=v0.5.6
CACHE="${STASH_PXC_CACHE:-$HOME/.cache/stash-pxc}"
BIN="$CACHE/tools/bin"
optional=false
[ "${1:-}" = --optional ] && optional=true
export GOTOOLCHAIN=local GOFLAGS=-mod=mod

up_to_date() { # target version
  [ -x "$BIN/$1" ] && [ "$(cat "$BIN/$1.version" 2>/dev/null)" = "$2" ]
}

find_go() {
  if [ -n "${GO:-}" ]; then [ -x "$GO" ] && echo "$GO"
  elif command -v go >/dev/null 2>&1; then command -v go
  elif [ -x /usr/local/go/bin/go ]; then echo /usr/local/go/bin/go
  fi
}

go_install() { # module@version command target version
  local tmp
  tmp=$(mktemp -d)
  echo "install-tools: building $1 (cmd $2) as $BIN/$3"
  local pkg="${1%@*}"
  [ "$2" = . ] || pkg="$pkg/$2"
  GOBIN="$tmp" "$GO" install "$pkg@${1#*@}"
  mv "$tmp/$(basename "$pkg")" "$BIN/$3"
  echo "$4" > "$BIN/$3.version"
  rm -rf "$tmp"
}

# A real MySQL-compatible server for the host-run SQL and script tests (test/support/mariadb.ts):
# Debian's MariaDB, installed with apt-get where we may (root); elsewhere those suites say how.
if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "install-tools: installing Debian's mariadb-server and mariadb-client (apt-get)"
    if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
           DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mariadb-server mariadb-client >/dev/null; }; then
      echo "install-tools: apt-get could not install mariadb-server; the MariaDB suites will say so" >&2
      $optional || exit 1
    fi
    # The package may start a system server; the tests start their own on private sockets.
    command -v service >/dev/null 2>&1 && service mariadb stop >/dev/null 2>&1 || true
  else
    echo "install-tools: no MariaDB server and not root with apt-get: install mariadb-server and mariadb-client to run the SQL suites" >&2
    $optional || exit 1
  fi
fi

# target  module@version  command path in the module
TOOLS=(
  "helm   helm.sh/helm/v3@$HELM3_VERSION  cmd/helm"
  "helm4  helm.sh/helm/v4@$HELM4_VERSION  cmd/helm"
  "promtool  github.com/prometheus/prometheus@$PROMTOOL_VERSION  cmd/promtool"
  "pushgateway  github.com/prometheus/pushgateway@$PUSHGATEWAY_VERSION  ."
  "cyclonus  github.com/mattfenwick/cyclonus@$CYCLONUS_VERSION  cmd/cyclonus"
)

needed=()
for tool in "${TOOLS[@]}"; do
  read -r target module cmd <<<"$tool"
  up_to_date "$target" "${module#*@}" || needed+=("$tool")
done

if [ ${#needed[@]} -gt 0 ]; then
  GO=$(find_go || true)
  if [ -z "$GO" ]; then
    echo "install-tools: no Go toolchain, so Helm 3/4, promtool, the Pushgateway and cyclonus cannot be built: install Go (https://go.dev/dl/, or set GO=/path/to/go) and run \`bash scripts/install-tools.sh\`" >&2
    $optional && exit 0
    exit 1
  fi
  mkdir -p "$BIN"
  for tool in "${needed[@]}"; do
    read -r target module cmd <<<"$tool"
    go_install "$module" "$cmd" "$target" "${module#*@}"
  done
fi
echo "install-tools: helm $("$BIN/helm" version --short), helm4 $("$BIN/helm4" version --short)," \
  "promtool $(cat "$BIN/promtool.version") (module version; a go-installed promtool reports none)," \
  "pushgateway $(cat "$BIN/pushgateway.version"), cyclonus $(cat "$BIN/cyclonus.version") in $BIN"
