// Cluster tests: run a real etcd + kube-apiserver (see harness.ts). Like the main suite they
// run from the JavaScript that `tsc -b` compiled into lib/; the binaries come from
// `bash scripts/cluster/build-binaries.sh`. Run with --runInBand: each file starts its own
// control plane and the machine has 2 cores.
const path = require('path');

module.exports = {
  rootDir: path.resolve(__dirname, '..', '..'),
  testEnvironment: 'node',
  roots: ['<rootDir>/lib/test/cluster'],
  testMatch: ['**/*.test.js'],
  testTimeout: 180000,
};
