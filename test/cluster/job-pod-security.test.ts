/**
 * The backup and restore Jobs that the Stash operator builds from what we emit, judged by Pod
 * Security admission of a real kube-apiserver.
 *
 * The operator is not here, so each Job's Pod is built the way it builds it (test/support/
 * stash-job-pod.ts: every Task step a container, the runtimeSettings' container securityContext
 * on each, the operator's pod securityContext default and merge) from the Tasks and Functions of
 * dist/install.yaml and the runtimeSettings of every BackupConfiguration, BackupBlueprint and
 * RestoreSession of dist/examples and of each construct's defaults. Each Pod is then created
 * with `--dry-run=server` in namespaces that enforce "restricted" and "baseline".
 *
 * Also: the NetworkPolicies we emit are created on the API server, and select the modelled pods.
 */
import * as path from 'path';
import { Chart, Size, Testing } from 'cdk8s';
import { Backend, PerconaXtraDbBackupPlan, PerconaXtraDbRestore, POD_ORDINAL, Repository, RetentionPolicy, Schedule } from '../../src';
import { constructDefaults, INVOKER_KINDS, isClusterRestore } from '../support/job-invokers';
import { Catalog, catalogOf, jobPodOf } from '../support/stash-job-pod';
import { Cluster, startCluster } from './harness';
import { serverWarnings, withoutClientNoise } from './support/objects';
import { DIST_DIR, EXAMPLES_DIR, requireArtifact } from './support/repo';
import { readYamlFile, yamlFilesIn } from './support/yaml';

const level = (enforce: string) => ({
  'pod-security.kubernetes.io/enforce': enforce,
  'pod-security.kubernetes.io/enforce-version': 'latest',
  'pod-security.kubernetes.io/warn': enforce,
  'pod-security.kubernetes.io/warn-version': 'latest',
});
const RESTRICTED = 'restricted';
const BASELINE = 'baseline';

interface Invoker {
  readonly source: string;
  readonly object: any;
}

function withoutSecurity(invoker: any): any {
  const copy = structuredClone(invoker);
  delete copy.spec.runtimeSettings?.container?.securityContext;
  delete copy.spec.runtimeSettings?.pod?.securityContext;
  return copy;
}

describe('backup and restore Job pods under Pod Security admission', () => {
  let cluster: Cluster;
  let catalog: Catalog;
  const examples: Invoker[] = [];
  const defaults: Invoker[] = [];
  const defaultsOff: Invoker[] = [];

  beforeAll(async () => {
    catalog = catalogOf(readYamlFile(requireArtifact(path.join(DIST_DIR, 'install.yaml'), 'dist/install.yaml')));
    for (const file of yamlFilesIn(EXAMPLES_DIR)) {
      for (const o of readYamlFile(file)) if (INVOKER_KINDS.includes(o?.kind)) examples.push({ source: `dist/examples/${path.basename(file)} ${o.kind}/${o.metadata.name}`, object: o });
    }
    for (const d of constructDefaults()) for (const o of d.invokers) defaults.push({ source: `${d.construct} ${o.kind}`, object: o });
    for (const d of constructDefaults(false)) for (const o of d.invokers) defaultsOff.push({ source: `${d.construct} ${o.kind} (defaultSecurityContext: false)`, object: o });

    cluster = await startCluster();
    await cluster.createNamespace(RESTRICTED, level(RESTRICTED));
    await cluster.createNamespace(BASELINE, level(BASELINE));
    // Pods need their ServiceAccounts to exist, also in a dry run.
    const accounts = new Set<string>();
    for (const i of [...examples, ...defaults, ...defaultsOff]) accounts.add(jobPodOf(i.object, catalog, { namespace: RESTRICTED }).spec.serviceAccountName);
    for (const ns of [RESTRICTED, BASELINE]) {
      for (const name of accounts) await cluster.kubectl(['create', 'serviceaccount', name, '-n', ns]);
    }
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  async function dryRun(o: any): Promise<{ code: number; errors: string; warnings: string[] }> {
    const r = await cluster.kubectlResult(['create', '--dry-run=server', '-f', '-'], { input: JSON.stringify(o) });
    return { code: r.code, errors: r.code === 0 ? '' : withoutClientNoise(r.stderr).trim(), warnings: serverWarnings(r.stderr) };
  }

  async function outcomes(invokers: Invoker[], namespace: string): Promise<Array<{ source: string; admitted: boolean; errors: string }>> {
    const out = [];
    for (const i of invokers) {
      const r = await dryRun(jobPodOf(i.object, catalog, { namespace }));
      out.push({ source: i.source, admitted: r.code === 0 && r.warnings.length === 0, errors: r.errors || r.warnings.join('; ') });
    }
    return out;
  }

  test('we judge every example and every construct\'s default, cluster restores included', () => {
    expect(examples.length).toBeGreaterThanOrEqual(7);
    expect(defaults.map((d) => d.source)).toEqual(expect.arrayContaining([
      'PerconaXtraDbBackup BackupConfiguration', 'PerconaXtraDbBackupBlueprint BackupBlueprint', 'PerconaXtraDbBackupPlan BackupConfiguration',
      'PerconaXtraDbBackupPlan RestoreSession', 'PerconaXtraDbBackupFleet BackupConfiguration', 'PerconaXtraDbRestore RestoreSession',
      'PerconaXtraDbRestore (cluster) RestoreSession',
    ]));
    expect([...examples, ...defaults].filter((i) => isClusterRestore(i.object)).length).toBeGreaterThanOrEqual(2);
  });

  test('"restricted" admits the Job pod of every backup and standalone restore, examples and defaults', async () => {
    const judged = [...examples, ...defaults].filter((i) => !isClusterRestore(i.object));
    const refused = (await outcomes(judged, RESTRICTED)).filter((o) => !o.admitted);
    expect(refused).toEqual([]);
  });

  test('control: "restricted" refuses the same pods without the default security context', async () => {
    const judged = [
      ...defaultsOff.filter((i) => !isClusterRestore(i.object)),
      ...examples.filter((i) => !isClusterRestore(i.object)).map((i) => ({ source: `${i.source} without securityContexts`, object: withoutSecurity(i.object) })),
    ];
    expect(judged.length).toBeGreaterThan(5);
    const results = await outcomes(judged, RESTRICTED);
    expect(results.filter((o) => o.admitted)).toEqual([]);
    for (const o of results) expect(o.errors).toMatch(/violates PodSecurity "restricted:latest"/);
  });

  test('cluster restores: "baseline" admits their pods, "restricted" refuses them', async () => {
    const judged = [...examples, ...defaults].filter((i) => isClusterRestore(i.object));
    expect((await outcomes(judged, BASELINE)).filter((o) => !o.admitted)).toEqual([]);
    const restricted = await outcomes(judged, RESTRICTED);
    expect(restricted.filter((o) => o.admitted)).toEqual([]);
    for (const o of restricted) expect(o.errors).toMatch(/violates PodSecurity "restricted:latest": .*runAsNonRoot/);
  });

  test('NetworkPolicies are created on the API server and select the pods of their Jobs', async () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: RESTRICTED });
    new PerconaXtraDbBackupPlan(chart, 'plan', {
      database: 'db', version: '8.0.36', storageSecretName: 's',
      backend: Backend.s3({ endpoint: 'https://minio.storage.svc:443', bucket: 'backups', prefix: 'db' }),
      schedule: Schedule.cron('@daily'), retentionPolicy: RetentionPolicy.keepLast(5),
      networkPolicy: { apiServerCidrs: ['10.0.0.1/32'], objectStorePort: 9000, galera: true },
      restore: { database: 'db2' },
    });
    new PerconaXtraDbRestore(chart, 'cluster', {
      database: 'db3', version: '5.7.44', repository: Repository.fromRepositoryName('r', undefined, { declaredElsewhere: true }), networkPolicy: { apiServerCidrs: ['10.0.0.1/32', 'fd00::1/128'] },
      cluster: { replicas: 3, volumeClaimTemplates: [{ name: `data-db3-${POD_ORDINAL}`, storage: Size.gibibytes(1) }] },
    });
    const objects = Testing.synth(chart);
    const fromExamples = yamlFilesIn(EXAMPLES_DIR).flatMap((f) => readYamlFile(f)).filter((o: any) => o?.kind === 'NetworkPolicy')
      .map((o: any) => ({ ...o, metadata: { ...o.metadata, namespace: RESTRICTED } }));
    const policies = [...objects.filter((o: any) => o.kind === 'NetworkPolicy'), ...fromExamples];
    expect(policies.length).toBeGreaterThanOrEqual(3);
    for (const p of policies) {
      const r = await cluster.kubectlResult(['create', '-f', '-'], { input: JSON.stringify(p) });
      expect({ name: p.metadata.name, code: r.code, stderr: r.code ? r.stderr : '' }).toEqual({ name: p.metadata.name, code: 0, stderr: '' });
    }
    const live = JSON.parse(await cluster.kubectl(['get', 'networkpolicies', '-n', RESTRICTED, '-o', 'json'])).items;
    expect(live.map((p: any) => p.metadata.name)).toEqual(expect.arrayContaining(['db-backup-jobs', 'db2-restore-jobs', 'db3-restore-jobs']));

    // Each policy selects the pods the operator would run for its invoker, and no other Job's.
    const invokers = objects.filter((o: any) => INVOKER_KINDS.includes(o.kind));
    for (const p of objects.filter((o: any) => o.kind === 'NetworkPolicy')) {
      const selected = invokers.filter((i: any) => {
        const labels = jobPodOf(i, catalog, { namespace: RESTRICTED }).metadata.labels;
        return Object.entries(p.spec.podSelector.matchLabels).every(([k, v]) => labels[k] === v);
      });
      expect(selected.map((i: any) => i.metadata.name)).toEqual([p.metadata.name.replace(/-jobs$/, '')]);
    }
  });
});
