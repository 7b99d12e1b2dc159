/**
 * Pod Security admission of a real kube-apiserver on every workload we emit, in a namespace
 * labelled `pod-security.kubernetes.io/{enforce,warn,audit}=restricted`.
 *
 * For workload kinds (Deployment, Job, CronJob, ...) the server checks the Pod template against
 * the `warn` and `audit` levels only (it never rejects them: `enforce` applies to Pods), so the
 * check is that the server returns no warning. Each template is also created as a bare Pod, which
 * `enforce` judges. `--dry-run=server` runs the full admission chain without storing anything.
 *
 * What we emit: the operator Deployment of the chart (default values and every values file of
 * test/values/), of dist/install.yaml, and any workload in dist/examples. The chart and dist hold
 * no Job or CronJob: the backup/restore Jobs and the BackupSession CronJob are built by the
 * operator at run time (from the Functions and the runtimeSettings of a BackupConfiguration).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Cluster, startCluster } from './harness';
import { renderChart } from './support/helm';
import { objectKey, serverWarnings, withoutClientNoise } from './support/objects';
import { DIST_DIR, EXAMPLES_DIR, REPO_ROOT, requireArtifact, requireChartTemplates } from './support/repo';
import { readYamlFile, yamlFilesIn } from './support/yaml';

const NS = 'restricted';
const RESTRICTED = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/enforce-version': 'latest',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/warn-version': 'latest',
  'pod-security.kubernetes.io/audit': 'restricted',
  'pod-security.kubernetes.io/audit-version': 'latest',
};
const VALUES_DIR = path.join(REPO_ROOT, 'test', 'values');

/** Where the Pod template of a workload kind is. */
const POD_TEMPLATE: Record<string, (o: any) => any> = {
  Deployment: (o) => o.spec.template,
  StatefulSet: (o) => o.spec.template,
  DaemonSet: (o) => o.spec.template,
  ReplicaSet: (o) => o.spec.template,
  Job: (o) => o.spec.template,
  CronJob: (o) => o.spec.jobTemplate.spec.template,
  Pod: (o) => ({ metadata: o.metadata, spec: o.spec }),
};

interface Workload {
  /** Where it comes from, for the test name. */
  readonly source: string;
  readonly object: any;
}

/** A workload moved into the restricted namespace. */
function inRestricted(o: any): any {
  return { ...structuredClone(o), metadata: { ...structuredClone(o.metadata), namespace: NS } };
}

/** A bare Pod of a workload's template. */
function podOf(w: any): any {
  const template = POD_TEMPLATE[w.kind](w);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${w.metadata.name}-pod`.slice(0, 63), namespace: NS, labels: template.metadata?.labels ?? {} },
    spec: structuredClone(template.spec),
  };
}

describe('Pod Security "restricted" on a real kube-apiserver', () => {
  let cluster: Cluster;
  const workloads: Workload[] = [];

  beforeAll(async () => {
    requireChartTemplates();
    requireArtifact(path.join(DIST_DIR, 'install.yaml'), 'dist/install.yaml');
    const valuesFiles = fs.existsSync(VALUES_DIR) ? yamlFilesIn(VALUES_DIR) : [];
    const renders = await Promise.all([
      renderChart('stash', NS).then((objects) => ({ source: 'chart (default values)', objects })),
      ...valuesFiles.map((file) => renderChart('stash', NS, { valuesFiles: [file] })
        .then((objects) => ({ source: `chart (test/values/${path.basename(file)})`, objects }))),
    ]);
    renders.push({ source: 'dist/install.yaml', objects: readYamlFile(path.join(DIST_DIR, 'install.yaml')) });
    for (const file of yamlFilesIn(EXAMPLES_DIR)) {
      renders.push({ source: `dist/examples/${path.basename(file)}`, objects: readYamlFile(file) });
    }
    for (const { source, objects } of renders) {
      for (const o of objects) if (POD_TEMPLATE[o.kind]) workloads.push({ source, object: inRestricted(o) });
    }

    cluster = await startCluster();
    await cluster.createNamespace(NS, RESTRICTED);
    // Pods need their ServiceAccounts to exist (ServiceAccount admission), also in a dry run.
    const accounts = new Set(workloads.map((w) => POD_TEMPLATE[w.object.kind](w.object).spec.serviceAccountName).filter(Boolean));
    for (const name of accounts) {
      await cluster.kubectl(['create', 'serviceaccount', name, '-n', NS]);
    }
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  async function dryRun(o: any): Promise<{ code: number; errors: string; warnings: string[] }> {
    const r = await cluster.kubectlResult(['create', '--dry-run=server', '-f', '-'], { input: JSON.stringify(o) });
    return { code: r.code, errors: r.code === 0 ? '' : withoutClientNoise(r.stderr).trim(), warnings: serverWarnings(r.stderr) };
  }

  test('we emit workloads: the operator Deployment of the chart and of dist', () => {
    const sources = workloads.map((w) => `${w.source}: ${w.object.kind}`);
    expect(sources).toEqual(expect.arrayContaining(['chart (default values): Deployment', 'dist/install.yaml: Deployment']));
  });

  test('every workload is admitted without a warning, and its Pod is admitted by "enforce"', async () => {
    const problems: string[] = [];
    for (const w of workloads) {
      const label = `${w.source} ${objectKey(w.object)}`;
      const asWorkload = await dryRun(w.object);
      if (asWorkload.code !== 0 || asWorkload.warnings.length > 0) problems.push(`${label}: ${JSON.stringify(asWorkload)}`);
      const asPod = await dryRun(podOf(w.object));
      if (asPod.code !== 0 || asPod.warnings.length > 0) problems.push(`${label} as a Pod: ${JSON.stringify(asPod)}`);
    }
    expect(problems).toEqual([]);
  });

  test('the default operator Deployment and its Pod are stored for real, without warnings', async () => {
    const deployment = workloads.find((w) => w.source === 'chart (default values)' && w.object.kind === 'Deployment')!.object;
    for (const o of [deployment, podOf(deployment)]) {
      const r = await cluster.kubectlResult(['create', '-f', '-'], { input: JSON.stringify(o) });
      expect({ code: r.code, warnings: serverWarnings(r.stderr) }).toEqual({ code: 0, warnings: [] });
    }
    await cluster.kubectl(['get', 'deployment', deployment.metadata.name, '-n', NS]);
  });

  test('the stored operator Deployment keeps both containers\' probes and memory requests and limits', async () => {
    const deployment = workloads.find((w) => w.source === 'chart (default values)' && w.object.kind === 'Deployment')!.object;
    const stored = JSON.parse(await cluster.kubectl(['get', 'deployment', deployment.metadata.name, '-n', NS, '-o', 'json']));
    const health = stored.spec.template.spec.containers.map((c: any) => ({
      name: c.name,
      readiness: c.readinessProbe && `${c.readinessProbe.httpGet.scheme} ${c.readinessProbe.httpGet.port}${c.readinessProbe.httpGet.path}`,
      liveness: c.livenessProbe && `${c.livenessProbe.httpGet.scheme} ${c.livenessProbe.httpGet.port}${c.livenessProbe.httpGet.path}`,
      memory: [c.resources?.requests?.memory, c.resources?.limits?.memory],
    }));
    expect(health).toEqual([
      { name: 'operator', readiness: 'HTTPS 8443/readyz', liveness: 'HTTPS 8443/livez', memory: ['256Mi', '1Gi'] },
      { name: 'pushgateway', readiness: 'HTTP 56789/-/ready', liveness: 'HTTP 56789/-/healthy', memory: ['32Mi', '256Mi'] },
    ]);
    // The values file that tunes them and turns some off is admitted like every other (above).
    expect(workloads.map((w) => w.source)).toContain('chart (test/values/probes-resources.yaml)');
  });

  test('control: without seccomp profiles the same Deployment warns and its Pod is refused', async () => {
    const deployment = structuredClone(workloads.find((w) => w.object.kind === 'Deployment')!.object);
    deployment.metadata.name = 'control';
    const pod = deployment.spec.template.spec;
    delete pod.securityContext?.seccompProfile;
    for (const c of pod.containers) delete c.securityContext?.seccompProfile;
    const asWorkload = await dryRun(deployment);
    expect(asWorkload.code).toBe(0);
    expect(asWorkload.warnings.join('\n')).toMatch(/would violate PodSecurity "restricted:latest": seccompProfile/);
    const asPod = await dryRun(podOf(deployment));
    expect(asPod.code).not.toBe(0);
    expect(asPod.errors).toMatch(/violates PodSecurity "restricted:latest": seccompProfile/);
  });
});
