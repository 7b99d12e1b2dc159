// Build-only module for the etcd server used by test/cluster. Kept apart from ../go.mod so
// that etcd's dependency graph does not change the one Kubernetes v1.34.4 was released with.
// v3.6.5 is the etcd version Kubernetes v1.34.4 tests and deploys with
// (build/dependencies.yaml "etcd", hack/lib/etcd.sh ETCD_VERSION).
module stash-pxc/test/cluster/tools/etcd

go 1.24.0

require go.etcd.io/etcd/server/v3 v3.6.5
