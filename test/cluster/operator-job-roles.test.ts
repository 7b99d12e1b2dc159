/**
 * The operator's shared Job ClusterRoles, `stash-cron-job` and `stash-restore-job`, on a real
 * kube-apiserver. The operator creates them on first use, from each worker: two workers can both
 * find them missing and both create, and the loser's RestoreSession fails for good
 * (`RestoreExecutorEnsured=False ... already exists`). The chart installs them first, so:
 *
 * - the operator's create-or-patch (kmodules client-go `rbac/v1` `CreateOrPatchClusterRole`,
 *   modelled below as the operator's own ServiceAccount: get; create when missing; else the
 *   two-way strategic merge patch from the live object to the live object with `rules` replaced
 *   by its own; sent only when not `{}`) finds them and sends nothing, and the server agrees that
 *   its rules are what it stores (their patch changes no resourceVersion);
 * - `helm upgrade` leaves them alone; `helm uninstall` keeps them (`helm.sh/resource-policy:
 *   keep`), and the operator of the next install (another release) finds them, binds Jobs to them
 *   and changes nothing.
 *
 * The operator's rules are `UPSTREAM_JOB_CLUSTER_ROLES` (support/upstream-job-rbac.ts, read from
 * stashed/stash pkg/rbac), not the chart's: the test compares two independent sources.
 */
import { Cluster, startCluster } from './harness';
import { helmOnOk, releaseManifest } from './support/helm';
import { withoutClientNoise } from './support/objects';
import { CHART_DIR, requireChartTemplates } from './support/repo';
import { UPSTREAM_JOB_CLUSTER_ROLES } from './support/upstream-job-rbac';

const NS = 'stash';
const OTHER_NS = 'stash-second';
const DB = 'demo';
const JOB_ROLES = ['stash-cron-job', 'stash-restore-job'];

/** A PolicyRule as Go's encoding/json writes it (empty lists are omitted, verbs always written). */
function goRule(rule: any): any {
  const out: any = { verbs: rule.verbs ?? [] };
  for (const k of ['apiGroups', 'resources', 'resourceNames', 'nonResourceURLs']) if ((rule[k] ?? []).length > 0) out[k] = rule[k];
  return out;
}

const deepEqual = (a: unknown, b: unknown) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
function sorted(v: any): any {
  if (Array.isArray(v)) return v.map(sorted);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])]));
  return v;
}

/**
 * The two-way strategic merge patch from `cur` to `mod` for a ClusterRole: maps merge key by key
 * (a key gone from `mod` becomes null); lists without a patch strategy, `rules` among them, are
 * replaced whole when they differ. (The list fields of ClusterRole that merge by key,
 * `metadata.ownerReferences` and the like, are the same on both sides: the operator's transform
 * touches only `rules`.)
 */
function twoWayMergePatch(cur: any, mod: any): any {
  const patch: any = {};
  for (const key of new Set([...Object.keys(cur ?? {}), ...Object.keys(mod ?? {})])) {
    const a = cur?.[key];
    const b = mod?.[key];
    if (deepEqual(a, b)) continue;
    if (b === undefined) patch[key] = null;
    else if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) patch[key] = twoWayMergePatch(a, b);
    else patch[key] = b;
  }
  return patch;
}

describe('the operator\'s Job ClusterRoles: installed by the chart, left alone by the operator, kept across upgrade and uninstall', () => {
  let cluster: Cluster;
  let operator = '';

  const asOperator = (namespace: string, sa: string) => `--as=system:serviceaccount:${namespace}:${sa}`;

  async function live(name: string): Promise<any> {
    return JSON.parse(await cluster.kubectl(['get', 'clusterrole', name, '-o', 'json']));
  }

  /** The operator's create-or-patch of ClusterRole `name` with `rules`, as `as`: what it did and the patch. */
  async function createOrPatch(as: string, name: string, rules: any[]): Promise<{ verb: string; patch?: any; error?: string }> {
    const got = await cluster.kubectlResult(['get', 'clusterrole', name, '-o', 'json', as]);
    if (got.code !== 0) {
      if (!/NotFound/.test(got.stderr)) return { verb: 'failed', error: withoutClientNoise(got.stderr).trim() };
      const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules: rules.map(goRule) };
      const created = await cluster.kubectlResult(['create', '-f', '-', as], { input: JSON.stringify(role) });
      return created.code === 0 ? { verb: 'created' } : { verb: 'failed', error: withoutClientNoise(created.stderr).trim() };
    }
    const cur = JSON.parse(got.stdout);
    const patch = twoWayMergePatch(cur, { ...cur, rules: rules.map(goRule) });
    if (Object.keys(patch).length === 0) return { verb: 'unchanged', patch };
    const sent = await cluster.kubectlResult(['patch', 'clusterrole', name, '--type', 'strategic', '-p', JSON.stringify(patch), as]);
    return sent.code === 0 ? { verb: 'patched', patch } : { verb: 'failed', patch, error: withoutClientNoise(sent.stderr).trim() };
  }

  beforeAll(async () => {
    requireChartTemplates();
    cluster = await startCluster();
    for (const ns of [NS, OTHER_NS, DB]) await cluster.createNamespace(ns);
    await helmOnOk(cluster, ['install', 'stash', CHART_DIR, '--namespace', NS, '--wait=false']);
    const manifest = await releaseManifest(cluster, 'stash', NS);
    operator = asOperator(NS, manifest.find((o) => o.kind === 'Deployment').spec.template.spec.serviceAccountName);
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  test('the install holds both, with the operator\'s rules in its order, kept on uninstall', async () => {
    for (const name of JOB_ROLES) {
      const role = await live(name);
      expect({ name, rules: role.rules }).toEqual({ name, rules: UPSTREAM_JOB_CLUSTER_ROLES[name].map(goRule) });
      expect(role.metadata.annotations).toMatchObject({ 'helm.sh/resource-policy': 'keep', 'meta.helm.sh/release-name': 'stash' });
    }
  });

  test('the operator\'s create-or-patch finds them and sends nothing; the patch it would send changes no resourceVersion', async () => {
    for (const name of JOB_ROLES) {
      const before = (await live(name)).metadata.resourceVersion;
      expect({ name, result: await createOrPatch(operator, name, UPSTREAM_JOB_CLUSTER_ROLES[name]) }).toEqual({ name, result: { verb: 'unchanged', patch: {} } });
      // Its rules sent anyway, as the operator: allowed (it holds patch and every permission in them), and a no-op.
      const r = await cluster.kubectlResult(['patch', 'clusterrole', name, '--type', 'strategic', '-p', JSON.stringify({ rules: UPSTREAM_JOB_CLUSTER_ROLES[name].map(goRule) }), operator]);
      expect({ name, code: r.code, stderr: withoutClientNoise(r.stderr).trim() }).toEqual({ name, code: 0, stderr: '' });
      expect({ name, resourceVersion: (await live(name)).metadata.resourceVersion }).toEqual({ name, resourceVersion: before });
    }
  });

  test('two workers at once both find them; without them, the second create fails with AlreadyExists (the race the install removes)', async () => {
    const results = await Promise.all(JOB_ROLES.flatMap((name) => [1, 2].map(() => createOrPatch(operator, name, UPSTREAM_JOB_CLUSTER_ROLES[name]))));
    expect(results.map((r) => r.verb)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);

    // Control, step by step as two workers interleave: both get NotFound, both create.
    const name = 'stash-pxc-test-race';
    const rules = UPSTREAM_JOB_CLUSTER_ROLES['stash-restore-job'].map(goRule);
    const gets = [await cluster.kubectlResult(['get', 'clusterrole', name, operator]), await cluster.kubectlResult(['get', 'clusterrole', name, operator])];
    expect(gets.map((g) => /NotFound/.test(g.stderr))).toEqual([true, true]);
    const create = () => cluster.kubectlResult(['create', '-f', '-', operator], { input: JSON.stringify({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules }) });
    expect((await create()).code).toBe(0);
    const second = await create();
    expect(second.code).not.toBe(0);
    expect(second.stderr).toMatch(/AlreadyExists|already exists/);
  });

  test('control: a drifted role is patched back to the operator\'s rules (the model sees differences, order included)', async () => {
    const name = 'stash-pxc-test-race';
    const rules = UPSTREAM_JOB_CLUSTER_ROLES['stash-restore-job'];
    await cluster.kubectl(['patch', 'clusterrole', name, '--type', 'merge', '-p', JSON.stringify({ rules: rules.slice(1).map(goRule) })]);
    const before = (await live(name)).metadata.resourceVersion;
    const result = await createOrPatch(operator, name, rules);
    expect(result.verb).toBe('patched');
    expect(result.patch).toEqual({ rules: rules.map(goRule) });
    const after = await live(name);
    expect(after.metadata.resourceVersion).not.toBe(before);
    expect(after.rules).toEqual(rules.map(goRule));
    // The same rules in another order are another list to it.
    expect((await createOrPatch(operator, name, [...rules].reverse())).verb).toBe('patched');
    await cluster.kubectl(['delete', 'clusterrole', name]);
  });

  test('helm upgrade leaves them as they are', async () => {
    const before = await Promise.all(JOB_ROLES.map(async (n) => (await live(n)).metadata.resourceVersion));
    await helmOnOk(cluster, ['upgrade', 'stash', CHART_DIR, '--namespace', NS, '--wait=false', '--set', 'logLevel=4']);
    const manifest = await releaseManifest(cluster, 'stash', NS);
    expect(manifest.filter((o) => o.kind === 'ClusterRole' && JOB_ROLES.includes(o.metadata.name)).map((o) => o.metadata.name)).toEqual(JOB_ROLES);
    expect(await Promise.all(JOB_ROLES.map(async (n) => (await live(n)).metadata.resourceVersion))).toEqual(before);
  });

  test('helm uninstall keeps them; the next install\'s operator finds them, may bind Jobs to them, and changes nothing', async () => {
    await helmOnOk(cluster, ['uninstall', 'stash', '--namespace', NS]);
    for (const name of JOB_ROLES) expect({ name, rules: (await live(name)).rules }).toEqual({ name, rules: UPSTREAM_JOB_CLUSTER_ROLES[name].map(goRule) });

    // Another release: the kept roles belong to the first one, so this one leaves them out and installs cleanly.
    await helmOnOk(cluster, ['install', 'stash-again', CHART_DIR, '--namespace', OTHER_NS, '--wait=false']);
    const manifest = await releaseManifest(cluster, 'stash-again', OTHER_NS);
    expect(manifest.filter((o) => o.kind === 'ClusterRole' && JOB_ROLES.includes(o.metadata.name))).toEqual([]);
    const next = asOperator(OTHER_NS, manifest.find((o) => o.kind === 'Deployment').spec.template.spec.serviceAccountName);
    for (const name of JOB_ROLES) {
      expect({ name, result: await createOrPatch(next, name, UPSTREAM_JOB_CLUSTER_ROLES[name]) }).toEqual({ name, result: { verb: 'unchanged', patch: {} } });
    }
    // What it does next for a restore: a RoleBinding of the Job's ServiceAccount to stash-restore-job.
    const binding = {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding',
      metadata: { name: 'sample-xtradb-restore-stash-restore-job', namespace: DB },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'stash-restore-job' },
      subjects: [{ kind: 'ServiceAccount', name: 'restoresession-sample-xtradb-restore-0', namespace: DB }],
    };
    const r = await cluster.kubectlResult(['create', '-f', '-', next], { input: JSON.stringify(binding) });
    expect({ code: r.code, stderr: withoutClientNoise(r.stderr).trim() }).toEqual({ code: 0, stderr: '' });
  });
});
