/**
 * Property: for any prop set (valid or hostile, including required props a JavaScript caller
 * left out), the synth either reports problems that each name the construct path, the field and
 * the fix, or emits objects that every checker accepts: the upstream Stash CRDs (strictly), the
 * Kubernetes schemas of the pod Stash derives from the runtime settings, and our checks of the
 * output itself (cron, Go durations, quantities, metadata). Never a raw error.
 *
 * Seeded and replayable: PROPERTY_SEED=<seed> PROPERTY_RUNS=<n> npx jest lib/test/database/properties.test.js
 */
import { kubedbPerconaXtraDbRefusal } from '../support/kubedb-webhook';
import { validateWithModels } from '../support/kubernetes-models';
import { assertSeeded, caseSpec, CaseSpec, derivePod, judgeOutcome, manifestIssues, PropertyStats, synthesize } from '../support/properties';
import { hasReference, kubedbCrds, REFERENCE_DIR, upstreamCrds } from '../support/reference';

const SEED = Number(process.env.PROPERTY_SEED ?? 20261130);
/** Total cases, split over CHUNKS tests (each gets its own timeout and seed). */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 10000);
const CHUNKS = 4;
/** Derived pods checked against the Kubernetes models (one batch: a Node process per batch). */
const MAX_PODS = 400;

const stats: PropertyStats = { cases: 0, accepted: 0, refused: 0, objects: 0, ms: 0 };
const pods: any[] = [];
let crds: any[] | undefined;

beforeAll(() => {
  // Read here, not at collection time: without the reference the CRD part is skipped.
  crds = hasReference ? [...upstreamCrds().values(), ...kubedbCrds().values()] : undefined;
  if (!hasReference) {
    // eslint-disable-next-line no-console
    console.log(`properties: CRD checks skipped (upstream reference not found at ${REFERENCE_DIR}); other checks run`);
  }
});

afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(`properties: ${stats.cases} cases (${stats.accepted} accepted with ${stats.objects} objects, ${stats.refused} refused) in ${(stats.ms / 1000).toFixed(1)} s, seed ${SEED}`);
});

/**
 * Every accepted standalone restore carries the restore guard unless it opted out, and so does
 * every standalone clone's; a cluster restore or clone never does (the operator guards it).
 */
function guardInvariant(spec: CaseSpec, manifests: any[]): void {
  if (spec.construct !== 'restore' && spec.construct !== 'clone') return;
  for (const rs of manifests.filter((m) => m.kind === 'RestoreSession')) {
    const cluster = spec.construct === 'clone' ? spec.props.mode === 'Cluster' : !!spec.props.cluster;
    const expected = !cluster && spec.props.overwrite !== true;
    const command = rs.spec.hooks?.preRestore?.exec?.command ?? [];
    const guarded = command[3] === 'stash-pxc-guard' && command[4] === 'check';
    if (guarded !== expected) throw new Error(`restore guard ${guarded ? 'present' : 'missing'} (${spec.construct}, cluster: ${cluster}, overwrite: ${spec.props.overwrite}): ${JSON.stringify(rs.spec.hooks)}`);
  }
}

/** Every accepted clone's PerconaXtraDB is one KubeDB's webhook admits (3 or more members, a short enough name, ...). */
function kubedbInvariant(manifests: any[]): void {
  for (const db of manifests.filter((m) => m.kind === 'PerconaXtraDB')) {
    const refusal = kubedbPerconaXtraDbRefusal(db);
    if (refusal !== undefined) throw new Error(`KubeDB would refuse ${db.metadata.name}: ${refusal}`);
  }
}

function check(spec: CaseSpec): void {
  const manifests = judgeOutcome(synthesize(spec), stats, (manifest) => manifestIssues(manifest, crds));
  guardInvariant(spec, manifests);
  kubedbInvariant(manifests);
  for (const m of manifests) {
    const pod = derivePod(m, `derived-${pods.length}`);
    if (pod && pods.length < MAX_PODS) pods.push(pod);
  }
}

describe('every prop set is a clear error or objects that every checker accepts', () => {
  test.each(Array.from({ length: CHUNKS }, (_, i) => i))('cases, part %i', (chunk) => {
    assertSeeded(caseSpec, check, { seed: SEED + chunk, chunk, numRuns: Math.ceil(RUNS / CHUNKS), runs: RUNS }, stats);
  }, 300000);

  test('both outcomes occur: the generators reach valid and invalid prop sets', () => {
    expect(stats.accepted).toBeGreaterThan(stats.cases / 10);
    expect(stats.refused).toBeGreaterThan(stats.cases / 10);
  });

  test('the pods Stash would derive from accepted runtime settings validate against the Kubernetes models', async () => {
    expect(pods.length).toBeGreaterThan(10);
    const results = await validateWithModels(pods);
    const bad = results.map((r, i) => ({ r, pod: pods[i] })).filter(({ r }) => r.errors.length > 0);
    expect(bad.map(({ r, pod }) => `${r.errors.join('; ')}\n${JSON.stringify(pod.spec)}`)).toEqual([]);
  });
});
