#!/usr/bin/env bash
# Builds the control-plane binaries that test/cluster runs (kube-apiserver, kubectl, etcd)
# from the Go module proxy with the local Go toolchain, into a cache directory:
#
#   ${STASH_PXC_CACHE:-$HOME/.cache/stash-pxc}/k8s-v1.34.4/bin/{kube-apiserver,kubectl,etcd}
#
# The build is skipped when the binaries are there and the stamp file matches the pinned
# versions. On 2 cores a cold build takes several minutes (kube-apiserver dominates); the Go
# build cache (go env GOCACHE) makes rebuilds fast.
#
# Env: STASH_PXC_CACHE (cache root), GO (go binary; default: go on PATH, else /usr/local/go/bin/go),
#      FORCE=1 (rebuild even if the stamp matches).
set -euo pipefail

K8S_VERSION=v1.34.4
ETCD_VERSION=v3.6.5
# The Prometheus Operator whose CRDs (ServiceMonitor, PrometheusRule) the cluster tests install.
PROMETHEUS_OPERATOR_VERSION=v0.85.0

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
tools="$repo/test/cluster/tools"
cache_root="${STASH_PXC_CACHE:-$HOME/.cache/stash-pxc}"
bin="$cache_root/k8s-$K8S_VERSION/bin"
stamp="$bin/.stamp"

if [[ -n "${GO:-}" ]]; then
  go="$GO"
elif command -v go >/dev/null 2>&1; then
  go="$(command -v go)"
elif [[ -x /usr/local/go/bin/go ]]; then
  go=/usr/local/go/bin/go
else
  echo "build-binaries: no Go toolchain found (set GO=/path/to/go)" >&2
  exit 1
fi

export GOTOOLCHAIN=local
export GOFLAGS="-mod=mod -buildvcs=false"
export CGO_ENABLED=0

# The Prometheus Operator CRDs, from the module's example/ (cheap: the module cache keeps it).
crds="$bin/crds"
if [[ ! -f "$crds/.version" || "$(cat "$crds/.version")" != "$PROMETHEUS_OPERATOR_VERSION" ]]; then
  module_dir="$(cd "$tools" && "$go" mod download -json "github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  mkdir -p "$crds"
  for plural in servicemonitors prometheusrules; do
    cp "$module_dir/example/prometheus-operator-crd/monitoring.coreos.com_$plural.yaml" "$crds/"
  done
  chmod u+w "$crds"/*.yaml
  echo "$PROMETHEUS_OPERATOR_VERSION" > "$crds/.version"
  echo "build-binaries: Prometheus Operator $PROMETHEUS_OPERATOR_VERSION CRDs in $crds"
fi

want_stamp="kubernetes=$K8S_VERSION etcd=$ETCD_VERSION $("$go" env GOVERSION) $(cat "$tools/go.sum" "$tools/etcd/go.sum" | sha256sum | cut -c1-16)"

if [[ "${FORCE:-}" != 1 && -f "$stamp" && "$(cat "$stamp")" == "$want_stamp" \
      && -x "$bin/kube-apiserver" && -x "$bin/kubectl" && -x "$bin/etcd" ]]; then
  echo "build-binaries: up to date in $bin ($want_stamp)"
  exit 0
fi

mkdir -p "$bin"
rm -f "$stamp"
log() { echo "build-binaries: [$(date -u +%H:%M:%S)] $*"; }
log "building into $bin with $("$go" env GOVERSION) (GOMAXPROCS=${GOMAXPROCS:-$(nproc)})"

# Same version stamping as kubernetes' hack/lib/version.sh, so `kubectl version`, Helm's
# kubeVersion checks and the apiserver's /version report v1.34.4 rather than v0.0.0-master.
major="${K8S_VERSION#v}"; major="${major%%.*}"
minor="${K8S_VERSION#v*.}"; minor="${minor%%.*}"
build_date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
ldflags="-s -w"
for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
  ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$build_date"
done

build() { # name dir package [ldflags]
  local name="$1" dir="$2" pkg="$3" flags="${4:--s -w}" start=$SECONDS
  log "$name: go build $pkg ..."
  (cd "$dir" && "$go" build -trimpath -ldflags "$flags" -o "$bin/$name.tmp" "$pkg")
  mv -f "$bin/$name.tmp" "$bin/$name"
  log "$name: done in $((SECONDS - start))s ($(du -h "$bin/$name" | cut -f1))"
}

total=$SECONDS
build etcd "$tools/etcd" go.etcd.io/etcd/server/v3
build kubectl "$tools" k8s.io/kubernetes/cmd/kubectl "$ldflags"
build kube-apiserver "$tools" k8s.io/kubernetes/cmd/kube-apiserver "$ldflags"

# Smoke-check the results (no `| head`: with pipefail a SIGPIPE would fail the script).
log "etcd $("$bin/etcd" --version | sed -n 's/^etcd Version: //p'), kubectl $("$bin/kubectl" version --client -o json | sed -n 's/.*"gitVersion": "\(v[^"]*\)".*/\1/p' | sed -n 1p), $("$bin/kube-apiserver" --version)"

echo "$want_stamp" > "$stamp"
log "all binaries built in $((SECONDS - total))s"
