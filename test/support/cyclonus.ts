/**
 * An existing NetworkPolicy engine for the policy tests: cyclonus (`analyze --mode query-traffic`),
 * which reads policies from files and connections from JSON and says, offline, whether each
 * connection is allowed. Found through CYCLONUS_BIN, the tools cache that
 * `bash scripts/install-tools.sh` fills ($STASH_PXC_CACHE or ~/.cache/stash-pxc), or PATH. Without
 * it the suite fails with the command that installs it, unless there is no Go to build it and
 * this is not CI (then one skipped test says so).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { goToolchain, onPath } from './helm';

const INSTALL_HINT = 'install it with `bash scripts/install-tools.sh` (cyclonus from its Go module into $STASH_PXC_CACHE/tools/bin, default ~/.cache/stash-pxc/tools/bin), or point CYCLONUS_BIN at a binary';

/** The cyclonus binary, or undefined. */
export function findCyclonus(): string | undefined {
  const cache = path.join(process.env.STASH_PXC_CACHE ?? path.join(os.homedir(), '.cache', 'stash-pxc'), 'tools', 'bin', 'cyclonus');
  return [process.env.CYCLONUS_BIN, fs.existsSync(cache) ? cache : undefined, onPath('cyclonus')].find((c): c is string => !!c);
}

/** Why the engine suites are skipped here (no cyclonus, no Go, not CI), or undefined. */
export function cyclonusUnavailable(): string | undefined {
  return findCyclonus() || goToolchain() || process.env.CI ? undefined : `no cyclonus and no Go to build it (${INSTALL_HINT})`;
}

/**
 * `describe` when cyclonus can run here; one skipped test that says why when it cannot be had;
 * a failing test with the install command when it could be built but is missing (and in CI).
 */
export function describeWithCyclonus(name: string, body: (cyclonus: string) => void): void {
  const cyclonus = findCyclonus();
  if (cyclonus) {
    describe(name, () => body(cyclonus));
    return;
  }
  const why = cyclonusUnavailable();
  if (why) {
    describe(name, () => test.skip(`skipped: ${why}`, () => undefined));
    return;
  }
  describe(name, () => {
    test('cyclonus is installed', () => {
      throw new Error(`cyclonus not found (looked at CYCLONUS_BIN, the tools cache and PATH); ${INSTALL_HINT}`);
    });
  });
}

/** One end of a connection: a pod (namespace and labels) or an address outside the cluster. */
export interface Endpoint {
  /** The pod's namespace; none for an address outside the cluster. */
  readonly namespace?: string;
  /** The pod's labels. */
  readonly labels?: { [key: string]: string };
  /** The address. */
  readonly ip: string;
}

/** A connection as the CNI sees it: after a Service's DNAT, to the pod's port. */
export interface Connection {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP';
}

function peer(e: Endpoint): object {
  return {
    IP: e.ip,
    ...(e.namespace !== undefined
      // The API server labels every namespace with its name; namespaceSelectors rely on it.
      ? { Internal: { Namespace: e.namespace, NamespaceLabels: { 'kubernetes.io/metadata.name': e.namespace }, PodLabels: e.labels ?? {} } }
      : {}),
  };
}

/**
 * Whether each connection is allowed (egress from its source and ingress to its destination)
 * under `policies` (NetworkPolicy objects), as cyclonus judges it.
 */
export function allowedByCyclonus(cyclonus: string, policies: any[], connections: Connection[]): boolean[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stash-pxc-cyclonus-'));
  try {
    const policyFile = path.join(dir, 'policies.json');
    const trafficFile = path.join(dir, 'traffic.json');
    fs.writeFileSync(policyFile, JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicyList', items: policies }));
    fs.writeFileSync(trafficFile, JSON.stringify(connections.map((c) => ({
      Source: peer(c.from), Destination: peer(c.to), ResolvedPort: c.port, ResolvedPortName: '', Protocol: c.protocol ?? 'TCP',
    }))));
    const run = spawnSync(cyclonus, ['analyze', '--policy-path', policyFile, '--mode', 'query-traffic', '--traffic-path', trafficFile],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const output = `${run.stdout}${run.stderr}`;
    if (run.status !== 0) throw new Error(`cyclonus failed (${run.status}):\n${output}`);
    // One table per connection, in order, whose footer is "IS ALLOWED? | TRUE" or "| FALSE".
    const verdicts = run.stdout.split('Is traffic allowed?').slice(1)
      .map((block) => /IS ALLOWED\?\s*\|\s*(TRUE|FALSE)\s*\|/.exec(block)?.[1]);
    if (verdicts.length !== connections.length || verdicts.some((v) => v === undefined)) {
      throw new Error(`cyclonus answered ${verdicts.length} of ${connections.length} connections:\n${output}`);
    }
    return verdicts.map((v) => v === 'TRUE');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
