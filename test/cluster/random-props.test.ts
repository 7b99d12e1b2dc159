/**
 * The API server as the judge of the property tests: a few hundred random prop sets that the
 * synth accepts (the generators of test/support/properties.ts, seeded) are created with
 * `kubectl create --dry-run=server` against the upstream Stash CRDs, and so are the Pods that
 * Stash would derive from their runtime settings (container securityContext, resources and env;
 * pod placement, identity and security), in a scratch namespace that holds the ServiceAccounts
 * and PriorityClasses the generator names. Every one must be accepted.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { caseSpec, CaseSpec, derivePod, PRIORITY_CLASSES, runtimeCaseSpec, SERVICE_ACCOUNTS, synthesize } from '../support/properties';
import { hasReference, REFERENCE_DIR } from '../support/reference';
import { Cluster, startCluster } from './harness';
import { waitEstablished } from './support/objects';
import { asList, readYamlFile } from './support/yaml';

const SEED = Number(process.env.PROPERTY_SEED ?? 20261130);
/** How many accepted prop sets the server judges. */
const ACCEPTED = Number(process.env.SERVER_PROPERTY_CASES ?? 300);
const POD_NAMESPACE = 'derived-pods';
/** How many more pods, from backups that always carry runtime settings. */
const PODS = Number(process.env.SERVER_PROPERTY_PODS ?? 200);

const describeIfReference = hasReference ? describe : describe.skip;
if (!hasReference) {
  // eslint-disable-next-line no-console
  console.log(`random-props: skipped (upstream reference not found at ${REFERENCE_DIR})`);
}

/** Accepted objects of seeded random prop sets, and their derived Pods. */
function acceptedObjects(): { objects: any[]; pods: any[]; cases: number; tried: number } {
  const objects: any[] = [];
  const pods: any[] = [];
  let cases = 0;
  let tried = 0;
  for (const spec of fc.sample(caseSpec, { seed: SEED, numRuns: ACCEPTED * 4 })) {
    if (cases >= ACCEPTED) break;
    tried++;
    const outcome = synthesize(spec);
    if (outcome.kind !== 'accepted' || outcome.manifests.length === 0) continue;
    cases++;
    for (const m of outcome.manifests) {
      objects.push(m);
      const pod = derivePod(m, `derived-${pods.length}`);
      if (pod) pods.push({ ...pod, metadata: { ...pod.metadata, namespace: POD_NAMESPACE } });
    }
  }
  for (const spec of fc.sample(runtimeCaseSpec, { seed: SEED, numRuns: PODS * 4 }) as CaseSpec[]) {
    if (pods.length >= PODS) break;
    const outcome = synthesize(spec);
    if (outcome.kind !== 'accepted') continue;
    for (const m of outcome.manifests) {
      const pod = derivePod(m, `derived-${pods.length}`);
      if (pod) pods.push({ ...pod, metadata: { ...pod.metadata, namespace: POD_NAMESPACE } });
    }
  }
  return { objects, pods, cases, tried };
}

/** `kubectl create --dry-run=server` of `objects`: the server's refusals (empty when all were accepted). */
async function dryRunRefusals(cluster: Cluster, objects: readonly any[]): Promise<{ created: number; refusals: string[] }> {
  const r = await cluster.kubectlResult(['create', '--dry-run=server', '-o', 'name', '-f', '-'], { input: asList(objects), check: false, timeoutMs: 300000 });
  const created = r.stdout.split('\n').filter((l) => l.trim() !== '').length;
  const refusals = r.stderr.split('\n').filter((l) => /^Error|error:/i.test(l));
  return { created, refusals };
}

describeIfReference('random accepted prop sets on a real API server', () => {
  let cluster: Cluster;
  const { objects, pods, cases, tried } = hasReference ? acceptedObjects() : { objects: [], pods: [], cases: 0, tried: 0 };

  beforeAll(async () => {
    cluster = await startCluster();
    // Stash's CRDs, and KubeDB's for the PerconaXtraDB objects of clones.
    const crds = ['stash-crds', 'kubedb-crds'].flatMap((folder) => {
      const dir = path.join(REFERENCE_DIR, folder);
      return fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).flatMap((f) => readYamlFile(path.join(dir, f)));
    });
    await cluster.kubectl(['apply', '--server-side', '-f', '-'], { input: asList(crds) });
    await waitEstablished(cluster, crds.map((c) => c.metadata.name));
    // Every namespace the accepted objects name, and the scratch namespace of the pods with
    // the ServiceAccounts and PriorityClasses the generator uses.
    const namespaces = [...new Set([POD_NAMESPACE, ...objects.map((o) => o.metadata?.namespace).filter((n) => n !== undefined)])];
    await cluster.kubectl(['create', '-f', '-'], { input: asList(namespaces.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }))) });
    await cluster.kubectl(['create', '-f', '-'], {
      input: asList([
        ...['default', ...SERVICE_ACCOUNTS].map((name) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: POD_NAMESPACE } })),
        ...PRIORITY_CLASSES.map((name, i) => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value: 1000 * (i + 1) })),
      ]),
    });
  }, 300000);

  afterAll(async () => {
    await cluster?.stop();
  });

  test(`${ACCEPTED} accepted prop sets: every object is accepted by the server`, async () => {
    expect(cases).toBe(ACCEPTED);
    const { created, refusals } = await dryRunRefusals(cluster, objects);
    // eslint-disable-next-line no-console
    console.log(`random-props: ${cases} accepted prop sets (of ${tried} tried), ${objects.length} objects, ${created} accepted by the server, ${refusals.length} refused`);
    expect(refusals).toEqual([]);
    expect(created).toBe(objects.length);
  }, 300000);

  test('the pods Stash would derive from their runtime settings are admitted', async () => {
    expect(pods.length).toBeGreaterThanOrEqual(PODS);
    const { created, refusals } = await dryRunRefusals(cluster, pods);
    // eslint-disable-next-line no-console
    console.log(`random-props: ${pods.length} derived pods, ${created} admitted, ${refusals.length} refused`);
    expect(refusals).toEqual([]);
    expect(created).toBe(pods.length);
  }, 300000);

  test('the judge can refuse: a pod with a negative user ID and an object with a bad label key are refused', async () => {
    const pod = { ...pods[0], metadata: { name: 'control', namespace: POD_NAMESPACE }, spec: { ...pods[0].spec, securityContext: { runAsUser: -1 } } };
    const object = { ...objects[0], metadata: { ...objects[0].metadata, labels: { 'bad key': 'x' } } };
    const { created, refusals } = await dryRunRefusals(cluster, [pod, object]);
    expect(created).toBe(0);
    expect(refusals.join('\n')).toMatch(/runAsUser[\s\S]*bad key|bad key[\s\S]*runAsUser/);
  }, 300000);
});
