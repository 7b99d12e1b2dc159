/**
 * The plain manifests in `dist/` (what users apply without Helm), applied with
 * `kubectl apply --server-side` to a real kube-apiserver: every object is accepted without
 * warnings, stored as written (nothing pruned), and a second apply of the whole folder is a no-op.
 *
 * `dist/install.yaml` runs cert-manager mode (plain manifests never carry a private key), so it
 * holds a cert-manager Issuer and Certificate. cert-manager is another project's install; the
 * test gives the cluster stand-ins of its two CRDs (see support/prerequisite-crds.ts), only for
 * the kinds dist actually uses, the way a user's cluster has cert-manager first.
 *
 * Order: `kubectl apply` maps every object of a command to its API before it applies any, so the
 * custom resources in install.yaml (Functions, Tasks) need their CRDs Established before the
 * command that applies them: crds.yaml goes first, as the README tells users.
 */
import * as path from 'path';
import { Cluster, startCluster } from './harness';
import { applyCrds, keysOf, missingFrom, objectKey, serverWarnings, withoutClientNoise } from './support/objects';
import { prerequisiteCrdsFor } from './support/prerequisite-crds';
import { DIST_DIR, requireArtifact } from './support/repo';
import { readYamlFile, yamlFilesIn } from './support/yaml';

describe('kubectl apply --server-side of dist/ (real kube-apiserver)', () => {
  let cluster: Cluster;
  const crdsFile = path.join(DIST_DIR, 'crds.yaml');
  const installFile = path.join(DIST_DIR, 'install.yaml');
  let crds: any[] = [];
  let install: any[] = [];
  /** Every top-level manifest file of dist/ (examples/ is a folder of its own, tested elsewhere). */
  let files: string[] = [];

  beforeAll(async () => {
    requireArtifact(crdsFile, 'dist/crds.yaml');
    requireArtifact(installFile, 'dist/install.yaml');
    crds = readYamlFile(crdsFile);
    install = readYamlFile(installFile);
    files = yamlFilesIn(DIST_DIR);
    cluster = await startCluster();
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  /** `kubectl apply --server-side` of files; resolves stdout, fails with stderr on errors or warnings. */
  async function apply(paths: string[]): Promise<string> {
    const r = await cluster.kubectlResult(['apply', '--server-side', ...paths.flatMap((f) => ['-f', f])]);
    expect({ code: r.code, errors: withoutClientNoise(r.stderr).trim().split('\n').filter(Boolean), warnings: serverWarnings(r.stderr) })
      .toEqual({ code: 0, errors: [], warnings: [] });
    return r.stdout;
  }

  test('dist/ holds crds.yaml (only CRDs) and install.yaml (no CRDs), and nothing the tests would miss', () => {
    expect(files.map((f) => path.basename(f))).toEqual(expect.arrayContaining(['crds.yaml', 'install.yaml']));
    expect(crds.length).toBeGreaterThan(0);
    expect(crds.filter((o) => o.kind !== 'CustomResourceDefinition').map(objectKey)).toEqual([]);
    expect(install.filter((o) => o.kind === 'CustomResourceDefinition').map(objectKey)).toEqual([]);
    // A new top-level file must be added to this test (where in the order does it go?).
    expect(files.map((f) => path.basename(f)).sort()).toEqual(['crds.yaml', 'install.yaml']);
  });

  test('crds.yaml applies and every CRD becomes Established (the chart README\'s commands)', async () => {
    const out = await apply([crdsFile]);
    expect(out.trim().split('\n')).toHaveLength(crds.length);
    await cluster.kubectl(['wait', '--for', 'condition=established', '--timeout=60s', '-f', crdsFile], { timeoutMs: 70_000 });
    const established = JSON.parse(await cluster.kubectl(['get', '-f', crdsFile, '-o', 'json'])).items
      .filter((c: any) => c.status.conditions.some((k: any) => k.type === 'Established' && k.status === 'True'));
    expect(established).toHaveLength(crds.length);
  });

  test('install.yaml applies without errors or warnings (PodSecurity "restricted" namespace included)', async () => {
    // cert-manager's CRDs are a prerequisite of the cert-manager mode, as on a user's cluster.
    const prerequisites = prerequisiteCrdsFor(install);
    expect(prerequisites.map((c) => c.metadata.name).sort())
      .toEqual(install.some((o) => o.apiVersion.startsWith('cert-manager.io/')) ? ['certificates.cert-manager.io', 'issuers.cert-manager.io'] : []);
    await applyCrds(cluster, prerequisites);

    const out = await apply([installFile]);
    expect(out.trim().split('\n')).toHaveLength(install.length);
    const ns = install.find((o) => o.kind === 'Namespace');
    expect(ns?.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('every object is stored as written: nothing pruned or changed (defaults aside)', async () => {
    for (const [file, objects] of [[crdsFile, crds], [installFile, install]] as const) {
      const live = JSON.parse(await cluster.kubectl(['get', '-f', file, '-o', 'json'])).items;
      expect(keysOf(live)).toEqual(keysOf(objects));
      const byKey = new Map(live.map((o: any) => [objectKey(o), o]));
      const problems = objects.flatMap((o) => missingFrom(o, byKey.get(objectKey(o))).map((p) => `${objectKey(o)} ${p}`));
      expect(problems).toEqual([]);
    }
  });

  test('applying the whole folder again (`kubectl apply --server-side -f dist/`) is clean and changes nothing', async () => {
    const versions = async () => {
      const items: any[] = [];
      for (const file of [crdsFile, installFile]) items.push(...JSON.parse(await cluster.kubectl(['get', '-f', file, '-o', 'json'])).items);
      return Object.fromEntries(items.map((o) => [objectKey(o), o.metadata.resourceVersion]));
    };
    const before = await versions();
    await apply([DIST_DIR]);
    expect(await versions()).toEqual(before);
  });
});
