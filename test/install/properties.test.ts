/**
 * Property: for any install prop set (StashOperator with everything it composes, StashCrds,
 * PerconaXtraDbCatalog; valid or hostile, including what only a JavaScript caller can pass), the
 * synth either fails with problems that each name the construct path, the field and the fix, or
 * emits objects that every checker accepts: the Kubernetes schemas (the operator's PodSpec in
 * process, every built-in kind with kubernetes-models), the API server's rules for what users
 * pass through, and the upstream Stash CRDs (strictly) for Functions and Tasks. Never a raw error.
 *
 * Seeded and replayable: PROPERTY_SEED=<seed> PROPERTY_RUNS=<n> npx jest lib/test/install/properties.test.js
 */
import { affinityProblems, containerSecurityContextProblems, kubernetesSchemaProblems, podSecurityContextProblems, tolerationProblems } from '../../src/core/validation/kubernetes';
import { labelProblems } from '../../src/core/validation/metadata';
import { installCaseSpec, InstallCaseSpec, partSpec, synthesizeInstall, synthesizePart } from '../support/install-properties';
import { validateWithModels } from '../support/kubernetes-models';
import { assertSeeded, judgeOutcome, manifestIssues, Outcome, PropertyStats } from '../support/properties';
import { hasReference, REFERENCE_DIR, upstreamCrds } from '../support/reference';

const SEED = Number(process.env.PROPERTY_SEED ?? 20261130);
/** Total cases, split over CHUNKS tests (each gets its own timeout and seed). */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 4000);
const CHUNKS = 4;
/** Objects checked with kubernetes-models (one Node process for the batch): every Deployment, and this many of each other kind. */
const MODEL_SAMPLES_PER_KIND = 150;

const stats: PropertyStats = { cases: 0, accepted: 0, refused: 0, objects: 0, ms: 0 };
const forModels: any[] = [];
const perKind = new Map<string, number>();
let crds: any[] | undefined;

beforeAll(() => {
  crds = hasReference ? [...upstreamCrds().values()] : undefined;
  if (!hasReference) {
    // eslint-disable-next-line no-console
    console.log(`install properties: CRD checks skipped (upstream reference not found at ${REFERENCE_DIR}); other checks run`);
  }
});

afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(`install properties: ${stats.cases} cases (${stats.accepted} accepted with ${stats.objects} objects, ${stats.refused} refused) in ${(stats.ms / 1000).toFixed(1)} s, seed ${SEED}`);
});

/** The operator Pod as the API server checks it: schema, and its rules for what users pass through. */
function podIssues(m: any): string[] {
  const template = m.spec?.template ?? {};
  const ps = template.spec ?? {};
  return [
    ...kubernetesSchemaProblems('pod', ps, 'io.k8s.api.core.v1.PodSpec'),
    ...labelProblems('pod.labels', template.metadata?.labels), ...labelProblems('pod.nodeSelector', ps.nodeSelector),
    ...tolerationProblems('pod.tolerations', ps.tolerations), ...affinityProblems('pod.affinity', ps.affinity),
    ...podSecurityContextProblems('pod.securityContext', ps.securityContext),
    ...(ps.containers ?? []).flatMap((c: any) => containerSecurityContextProblems(`containers.${c.name}.securityContext`, c.securityContext)),
    ...(Object.entries(m.spec?.selector?.matchLabels ?? {}).every(([k, v]) => template.metadata?.labels?.[k] === v) ? [] : ['spec.selector: does not select the Pod template']),
  ];
}

/** RBAC objects are named by path segments (`appscode:license-checker`), not DNS subdomains. */
const RBAC_KINDS = ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'];
function outputIssues(m: any): string[] {
  const name = m.metadata?.name;
  if (RBAC_KINDS.includes(m.kind) && typeof name === 'string') {
    const segmentBad = name === '' || name === '.' || name === '..' || /[/%]/.test(name);
    const issues = manifestIssues({ ...m, metadata: { ...m.metadata, name: 'x' } }, crds);
    return segmentBad ? [`metadata.name: "${name}" is not a path segment name`, ...issues] : issues;
  }
  return manifestIssues(m, crds);
}

function check(spec: InstallCaseSpec): void {
  judge(synthesizeInstall(spec));
}

function judge(outcome: Outcome): void {
  const issuesOf = (m: any) => [...outputIssues(m), ...(m.kind === 'Deployment' ? podIssues(m) : [])];
  for (const m of judgeOutcome(outcome, stats, issuesOf)) {
    const seen = perKind.get(m.kind) ?? 0;
    if (m.kind === 'Deployment' || seen < MODEL_SAMPLES_PER_KIND) {
      perKind.set(m.kind, seen + 1);
      forModels.push(m);
    }
  }
}

describe('every install prop set is a clear error or objects that every checker accepts', () => {
  test.each(Array.from({ length: CHUNKS }, (_, i) => i))('cases, part %i', (chunk) => {
    assertSeeded(installCaseSpec, check, { seed: SEED + chunk, chunk, numRuns: Math.ceil(RUNS / CHUNKS), runs: RUNS }, stats);
  }, 300000);

  test('the operator\'s parts used on their own (AdmissionWebhooks, OperatorApiServices, OperatorRbac, OperatorServiceMonitors, OperatorTaskQueue)', () => {
    assertSeeded(partSpec, (spec) => judge(synthesizePart(spec)), { seed: SEED, chunk: 0, numRuns: Math.ceil(RUNS / 5), runs: RUNS }, stats);
  }, 300000);

  test('both outcomes occur: the generators reach valid and invalid prop sets', () => {
    expect(stats.accepted).toBeGreaterThan(stats.cases / 10);
    expect(stats.refused).toBeGreaterThan(stats.cases / 10);
  });

  test('the accepted built-in objects validate against the Kubernetes models', async () => {
    expect(perKind.get('Deployment') ?? 0).toBeGreaterThan(10);
    const results = await validateWithModels(forModels);
    const bad = results.map((r, i) => ({ r, m: forModels[i] })).filter(({ r }) => r.errors.length > 0);
    expect(bad.map(({ r, m }) => `${m.kind} ${m.metadata?.name}: ${r.errors.join('; ')}`)).toEqual([]);
    // The kinds no package models are the custom ones, which the CRD check covers.
    const unmodelled = [...new Set(results.map((r, i) => (r.model === null ? forModels[i].kind : undefined)).filter((k) => k !== undefined))];
    expect(unmodelled.filter((k) => !['Function', 'Task', 'CustomResourceDefinition', 'TaskQueue'].includes(k!))).toEqual([]);
  }, 120000);
});
