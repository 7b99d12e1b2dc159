//go:build tools

// Package tools records the etcd main package built by scripts/cluster/build-binaries.sh.
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
)
