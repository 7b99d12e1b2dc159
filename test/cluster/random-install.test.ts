/**
 * The API server as the judge of the install property test: seeded random StashOperator (and
 * catalog and CRD) prop sets that the synth accepts (the generators of
 * test/support/install-properties.ts) are created with `kubectl create --dry-run=server`, every
 * object of a kind this cluster serves (the upstream Stash CRDs installed; cert-manager, the
 * Prometheus Operator and the TaskQueue operator are not), and the operator Pod of each
 * Deployment is created as a bare Pod in a namespace that enforces Pod Security "restricted".
 * Every one must be accepted.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { installCaseSpec, synthesizeInstall } from '../support/install-properties';
import { hasReference, REFERENCE_DIR } from '../support/reference';
import { Cluster, startCluster } from './harness';
import { waitEstablished } from './support/objects';
import { asList, readYamlFile } from './support/yaml';

const SEED = Number(process.env.PROPERTY_SEED ?? 20261130);
/** How many accepted operator installs the server judges. */
const ACCEPTED = Number(process.env.SERVER_INSTALL_CASES ?? 50);
const POD_NAMESPACE = 'operator-pods';
/** API groups this cluster does not serve (no cert-manager, Prometheus Operator or TaskQueue operator). */
const UNSERVED = ['cert-manager.io/', 'monitoring.coreos.com/', 'batch.k8s.appscode.com/'];

const describeIfReference = hasReference ? describe : describe.skip;
if (!hasReference) {
  // eslint-disable-next-line no-console
  console.log(`random-install: skipped (upstream reference not found at ${REFERENCE_DIR})`);
}

/** Accepted objects of seeded random installs with an operator, and their operator Pods. */
function acceptedInstalls(): { objects: any[]; pods: any[]; cases: number; tried: number } {
  const objects: any[] = [];
  const pods: any[] = [];
  let cases = 0;
  let tried = 0;
  for (const spec of fc.sample(installCaseSpec, { seed: SEED, numRuns: ACCEPTED * 10 })) {
    if (cases >= ACCEPTED) break;
    if (!spec.operator) continue;
    tried++;
    const outcome = synthesizeInstall(spec);
    if (outcome.kind !== 'accepted') continue;
    cases++;
    for (const m of outcome.manifests) {
      if (UNSERVED.some((g) => String(m.apiVersion).startsWith(g))) continue;
      // The CRDs come from upstream's files (ours are judged by the CRD tests).
      if (m.kind === 'CustomResourceDefinition') continue;
      objects.push(m);
      if (m.kind === 'Deployment') {
        const template = m.spec.template;
        // The Pod as the ReplicaSet would create it, with names that exist in the scratch namespace.
        const { priorityClassName, ...spec } = template.spec;
        void priorityClassName;
        pods.push({
          apiVersion: 'v1', kind: 'Pod',
          metadata: { name: `operator-${pods.length}`, namespace: POD_NAMESPACE, labels: template.metadata.labels, annotations: template.metadata.annotations },
          spec: { ...spec, serviceAccountName: 'default' },
        });
      }
    }
  }
  return { objects, pods, cases, tried };
}

/** `kubectl create --dry-run=server` of `objects`: the server's refusals and warnings. */
async function dryRun(cluster: Cluster, objects: readonly any[]): Promise<{ created: number; refusals: string[]; warnings: string[] }> {
  const r = await cluster.kubectlResult(['create', '--dry-run=server', '-o', 'name', '-f', '-'], { input: asList(objects), check: false, timeoutMs: 300000 });
  const created = r.stdout.split('\n').filter((l) => l.trim() !== '').length;
  const lines = r.stderr.split('\n');
  return { created, refusals: lines.filter((l) => /^Error|error:/i.test(l)), warnings: lines.filter((l) => /^Warning/.test(l) && !/couldn't get resource list/.test(l)) };
}

describeIfReference('random accepted installs on a real API server', () => {
  let cluster: Cluster;
  const { objects, pods, cases, tried } = hasReference ? acceptedInstalls() : { objects: [], pods: [], cases: 0, tried: 0 };

  beforeAll(async () => {
    cluster = await startCluster();
    const dir = path.join(REFERENCE_DIR, 'stash-crds');
    const crds = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).flatMap((f) => readYamlFile(path.join(dir, f)));
    await cluster.kubectl(['apply', '--server-side', '-f', '-'], { input: asList(crds) });
    await waitEstablished(cluster, crds.map((c) => c.metadata.name));
    const namespaces = [...new Set(objects.map((o) => o.metadata?.namespace).filter((n) => n !== undefined && ![POD_NAMESPACE, 'kube-system', 'kube-public', 'default'].includes(n)))];
    const restricted = { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted' };
    await cluster.kubectl(['create', '-f', '-'], {
      input: asList([
        ...namespaces.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: POD_NAMESPACE, labels: restricted } },
      ]),
    });
    await cluster.kubectl(['create', '-f', '-'], { input: asList([{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: POD_NAMESPACE } }]) });
  }, 300000);

  afterAll(async () => {
    await cluster?.stop();
  });

  test(`${ACCEPTED} accepted installs: every object is accepted by the server`, async () => {
    expect(cases).toBe(ACCEPTED);
    const { created, refusals, warnings } = await dryRun(cluster, objects);
    // eslint-disable-next-line no-console
    console.log(`random-install: ${cases} accepted installs (of ${tried} tried), ${objects.length} objects, ${created} accepted by the server, ${refusals.length} refused, ${warnings.length} warnings`);
    expect(refusals).toEqual([]);
    expect(warnings).toEqual([]);
    expect(created).toBe(objects.length);
  }, 300000);

  test('their operator Pods are admitted under Pod Security "restricted", without a warning', async () => {
    expect(pods.length).toBe(ACCEPTED);
    const { created, refusals, warnings } = await dryRun(cluster, pods);
    // eslint-disable-next-line no-console
    console.log(`random-install: ${pods.length} operator Pods, ${created} admitted, ${refusals.length} refused, ${warnings.length} warnings`);
    expect(refusals).toEqual([]);
    expect(warnings).toEqual([]);
    expect(created).toBe(pods.length);
  }, 300000);

  test('the judge can refuse: an operator Pod running as root is refused', async () => {
    const pod = { ...pods[0], metadata: { name: 'control', namespace: POD_NAMESPACE }, spec: { ...pods[0].spec, securityContext: { runAsNonRoot: false } } };
    const { created, refusals } = await dryRun(cluster, [pod]);
    expect(created).toBe(0);
    expect(refusals.join('\n')).toMatch(/runAsNonRoot/);
  }, 300000);
});
