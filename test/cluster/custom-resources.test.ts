/**
 * Every custom resource of the per-database examples (`dist/examples/*.yaml`) against the CRDs of
 * `dist/crds.yaml` on a real kube-apiserver: created, read back, and equal to what we applied
 * apart from server-set metadata and the defaults listed below (so nothing was pruned, renamed or
 * defaulted behind our back); and invalid variants of them refused with the server's message.
 *
 * This cluster holds the CRDs only, no operator install: the operator's webhook configurations
 * would intercept Repositories, BackupConfigurations and RestoreSessions, and the webhook server
 * never runs here (no kubelet). With `failurePolicy: Fail` every create would be refused for that
 * reason alone, and with `Ignore` the test would depend on the failure mode. What is judged here
 * is the CRDs' schemas, so they are alone. (helm-install.test.ts covers the webhooks.)
 */
import * as path from 'path';
import { Cluster, startCluster } from './harness';
import { keysOf, missingFrom, objectKey, serverWarnings, stripServerFields, waitEstablished, withoutClientNoise } from './support/objects';
import { prerequisiteCrdsFor } from './support/prerequisite-crds';
import { DIST_DIR, EXAMPLES_DIR, requireArtifact } from './support/repo';
import { asList, readYamlFile, yamlFilesIn } from './support/yaml';

/**
 * The defaults the CRDs set on our examples: `[kind, path, value]`, applied where the path's
 * parent exists and the key does not (`[]` = every item of a list). Any other difference between
 * what we applied and what the server stored fails the test.
 */
const EXPECTED_DEFAULTS: ReadonlyArray<readonly [string, string, unknown]> = [
  ['BackupConfiguration', 'spec.driver', 'Restic'],
  ['BackupConfiguration', 'spec.retryConfig.maxRetry', 1],
  ['BackupBlueprint', 'spec.retryConfig.maxRetry', 1],
  ['BackupBlueprint', 'spec.usagePolicy.allowedNamespaces.from', 'Same'],
  ['RestoreSession', 'spec.driver', 'Restic'],
  ['Repository', 'spec.usagePolicy.allowedNamespaces.from', 'Same'],
  ['AppBinding', 'spec.secret.apiGroup', ''],
  ['AppBinding', 'spec.secret.kind', 'Secret'],
  ['AppBinding', 'spec.tlsSecret.apiGroup', ''],
  ['AppBinding', 'spec.tlsSecret.kind', 'Secret'],
  ['AppBinding', 'spec.secretTransforms[].addKeysFrom.secretRef.name', ''],
];

/** `applied` with the expected defaults added. */
function withDefaults(applied: any): any {
  const out = structuredClone(applied);
  for (const [kind, dotted, value] of EXPECTED_DEFAULTS) {
    if (kind !== out.kind) continue;
    const steps = dotted.split('.');
    const visit = (node: any, i: number): void => {
      if (node === null || typeof node !== 'object') return;
      let step = steps[i];
      const each = step.endsWith('[]');
      if (each) step = step.slice(0, -2);
      if (i === steps.length - 1) {
        if (!(step in node)) node[step] = structuredClone(value);
        return;
      }
      if (!(step in node)) return;
      if (each) for (const item of node[step] ?? []) visit(item, i + 1);
      else visit(node[step], i + 1);
    };
    visit(out, 0);
  }
  return out;
}

// The examples are read when the file loads, so that each one is a test of its own.
const exampleFiles = yamlFilesIn(EXAMPLES_DIR);
const examples = new Map(exampleFiles.map((f) => [path.basename(f), readYamlFile(f)]));
const CUSTOM_GROUPS = /^(stash\.appscode\.com|appcatalog\.appscode\.com)\//;
const customResources = [...examples.values()].flat().filter((o) => CUSTOM_GROUPS.test(o.apiVersion));
const firstOf = (kind: string) => customResources.find((o) => o.kind === kind);

/** Invalid variants of the examples, with the server's message for each. */
interface InvalidCase {
  readonly name: string;
  readonly object: any;
  readonly error: RegExp;
}

function invalidCases(): InvalidCase[] {
  const cases: InvalidCase[] = [];
  const variant = (base: any, mutate: (o: any) => void): any => {
    const o = structuredClone(base);
    o.metadata = { name: `${base.metadata.name}-invalid`, namespace: base.metadata.namespace };
    mutate(o);
    return o;
  };
  const invalid = (o: any, field: string, detail: string) =>
    new RegExp(`The ${o.kind} "${o.metadata.name}" is invalid: .*${field.replace(/[.[\]]/g, '\\$&')}: ${detail}`);

  const bc = firstOf('BackupConfiguration');
  if (bc) {
    const wrongType = variant(bc, (o) => { o.spec.schedule = 5; });
    cases.push({
      name: 'BackupConfiguration: spec.schedule an integer (wrong type)',
      object: wrongType,
      error: invalid(wrongType, 'spec.schedule', 'Invalid value: "integer": spec.schedule in body must be of type string: "integer"'),
    });
    const noRetention = variant(bc, (o) => { delete o.spec.retentionPolicy; });
    cases.push({
      name: 'BackupConfiguration: spec.retentionPolicy missing (required)',
      object: noRetention,
      error: invalid(noRetention, 'spec.retentionPolicy', 'Required value'),
    });
    const typo = variant(bc, (o) => { o.spec.scheduel = o.spec.schedule; });
    cases.push({
      name: 'BackupConfiguration: an unknown field (a typo) is refused, not pruned silently',
      object: typo,
      error: /unknown field "spec\.scheduel"/,
    });
  }
  const repo = firstOf('Repository');
  if (repo) {
    const provider = Object.keys(repo.spec.backend).find((k) => ['gcs', 's3', 'azure', 'b2', 'swift'].includes(k));
    if (provider) {
      const required = provider === 'azure' || provider === 'swift' ? 'container' : 'bucket';
      const noBucket = variant(repo, (o) => { delete o.spec.backend[provider][required]; });
      cases.push({
        name: `Repository: spec.backend.${provider}.${required} missing (required)`,
        object: noBucket,
        error: invalid(noBucket, `spec.backend.${provider}.${required}`, 'Required value'),
      });
    }
  }
  const ab = firstOf('AppBinding');
  if (ab) {
    const noClientConfig = variant(ab, (o) => { delete o.spec.clientConfig; });
    cases.push({
      name: 'AppBinding: spec.clientConfig missing (required)',
      object: noClientConfig,
      error: invalid(noClientConfig, 'spec.clientConfig', 'Required value'),
    });
    if (ab.spec.clientConfig?.service) {
      const portString = variant(ab, (o) => { o.spec.clientConfig.service.port = String(o.spec.clientConfig.service.port); });
      cases.push({
        name: 'AppBinding: spec.clientConfig.service.port a string (wrong type)',
        object: portString,
        error: invalid(portString, 'spec.clientConfig.service.port', 'Invalid value: "string": spec.clientConfig.service.port in body must be of type integer: "string"'),
      });
    }
  }
  const rs = firstOf('RestoreSession');
  if (rs?.spec.repository) {
    const noRepoName = variant(rs, (o) => { o.spec.repository = {}; });
    cases.push({
      name: 'RestoreSession: spec.repository.name missing (required)',
      object: noRepoName,
      error: invalid(noRepoName, 'spec.repository.name', 'Required value'),
    });
  }
  const bs = firstOf('BackupSession');
  if (bs?.spec.invoker) {
    const noInvokerKind = variant(bs, (o) => { delete o.spec.invoker.kind; });
    cases.push({
      name: 'BackupSession: spec.invoker.kind missing (required)',
      object: noInvokerKind,
      error: invalid(noInvokerKind, 'spec.invoker.kind', 'Required value'),
    });
  }
  return cases;
}

describe('custom resources of dist/examples on a real kube-apiserver', () => {
  let cluster: Cluster;
  const namespaces = new Set<string>();

  beforeAll(async () => {
    const crdsFile = requireArtifact(path.join(DIST_DIR, 'crds.yaml'), 'dist/crds.yaml');
    cluster = await startCluster();
    const crds = readYamlFile(crdsFile);
    await cluster.kubectl(['apply', '--server-side', '-f', crdsFile]);
    // Kinds of other projects the examples use (the alerts' PrometheusRule): stand-in CRDs.
    const prerequisites = prerequisiteCrdsFor([...examples.values()].flat());
    if (prerequisites.length > 0) await cluster.kubectl(['apply', '--server-side', '-f', '-'], { input: asList(prerequisites) });
    await waitEstablished(cluster, [...crds, ...prerequisites].map((c) => c.metadata.name));
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function ensureNamespace(ns: string | undefined): Promise<void> {
    if (!ns || namespaces.has(ns)) return;
    namespaces.add(ns);
    await cluster.createNamespace(ns);
  }

  test('dist/examples holds examples with custom resources', () => {
    if (exampleFiles.length === 0) {
      throw new Error(`no examples under ${EXAMPLES_DIR}: they are generated from examples/*.ts by \`npm run synth\``
        + ' (generator/main.ts must call writeExamples); this test judges every custom resource in them.');
    }
    expect(customResources.length).toBeGreaterThan(0);
  });

  // One test per example file (none when the folder is missing: the test above fails then).
  test.each([...examples.keys()])('%s: created, read back, equal to what we applied (defaults aside)', async (file) => {
    const objects = examples.get(file)!;
    for (const o of objects) await ensureNamespace(o.metadata.namespace);
    const r = await cluster.kubectlResult(['create', '-f', '-'], { input: asList(objects) });
    // Examples are alternatives for the same database and share names: each goes after its test.
    cleanups.push(() => cluster.kubectl(['delete', '--ignore-not-found', '-f', '-'], { input: asList(objects) }));
    expect({ code: r.code, stderr: withoutClientNoise(r.stderr).trim(), warnings: serverWarnings(r.stderr) }).toEqual({ code: 0, stderr: '', warnings: [] });

    const live = JSON.parse(await cluster.kubectl(['get', '-f', '-', '-o', 'json'], { input: asList(objects) })).items;
    expect(keysOf(live)).toEqual(keysOf(objects));
    const byKey = new Map<string, any>(live.map((o: any) => [objectKey(o), o]));
    for (const applied of objects.filter((o) => CUSTOM_GROUPS.test(o.apiVersion))) {
      const stored = stripServerFields(byKey.get(objectKey(applied)));
      // Nothing we wrote is missing or different ...
      expect(missingFrom(applied, stored)).toEqual([]);
      // ... and all the server added are the expected defaults.
      expect(stored).toEqual(withDefaults(applied));
    }
  });

  const cases = invalidCases();

  test('there are invalid variants of a wrong type and of a missing required field', () => {
    expect(cases.map((c) => c.name)).toEqual(expect.arrayContaining([
      expect.stringMatching(/wrong type/),
      expect.stringMatching(/required/),
    ]));
  });

  test.each(cases.map((c) => [c.name, c] as const))('refused: %s', async (_name, c) => {
    await ensureNamespace(c.object.metadata.namespace);
    const r = await cluster.kubectlResult(['create', '--dry-run=server', '-f', '-'], { input: JSON.stringify(c.object) });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(c.error);
  });
});
