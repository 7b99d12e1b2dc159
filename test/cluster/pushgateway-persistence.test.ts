/**
 * `pushgateway.persistence` of the install chart on a real kube-apiserver, with Helm 3 and 4:
 * install with it off, `helm upgrade` switching it on (claim created, volume mounted, Recreate),
 * then off again (emptyDir back, the claim kept as documented), an existing claim, on again (the
 * kept claim taken back), and uninstall (the claim stays). The operator Pod with the claim is admitted in a
 * namespace that enforces Pod Security "restricted" (server-side dry run of a Pod from the
 * Deployment's template). Nothing runs the Pods (no kubelet), so Helm never waits.
 */
import { Cluster, startCluster } from './harness';
import { findHelm, HelmBinary } from '../support/helm';
import { helmOn, releaseManifest } from './support/helm';
import { CHART_DIR, requireChartTemplates } from './support/repo';

const RESTRICTED = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/enforce-version': 'latest',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/warn-version': 'latest',
};
const RELEASE = 'stash';
const CLAIM = 'stash-stash-pxc-pushgateway';
const ON = ['--set', 'pushgateway.persistence.enabled=true', '--set', 'pushgateway.persistence.size=2Gi'];

const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean);

describe.each([3, 4] as const)('pushgateway.persistence on a real kube-apiserver (Helm %s)', (major) => {
  let cluster: Cluster;
  let helm: HelmBinary;
  const ns = `stash-pg${major}`;
  const noWait = major === 3 ? '--wait=false' : '--wait=hookOnly';
  const run = async (args: string[]) => {
    const r = await helmOn(cluster, [...args, '--namespace', ns, noWait], helm);
    expect({ code: r.code, stderr: lines(r.stderr) }).toEqual({ code: 0, stderr: [] });
  };
  const deployment = async () => JSON.parse(await cluster.kubectl(['get', 'deployment', 'stash-stash-pxc', '-n', ns, '-o', 'json']));
  const dataVolume = (d: any) => d.spec.template.spec.volumes.find((v: any) => v.name === 'pushgateway-data');
  const claim = async () => {
    const out = await cluster.kubectl(['get', 'pvc', CLAIM, '-n', ns, '--ignore-not-found', '-o', 'json']);
    return out.trim() ? JSON.parse(out) : undefined;
  };

  beforeAll(async () => {
    requireChartTemplates();
    helm = findHelm(major);
    cluster = await startCluster();
    await cluster.createNamespace(ns, RESTRICTED);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  test('installed with persistence off: an emptyDir, no claim', async () => {
    await run(['install', RELEASE, CHART_DIR]);
    const d = await deployment();
    expect(dataVolume(d)).toEqual({ name: 'pushgateway-data', emptyDir: {} });
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    expect(await claim()).toBeUndefined();
  });

  test('helm upgrade switching it on: the claim exists, the Deployment mounts it, strategy Recreate, fsGroup set', async () => {
    await run(['upgrade', RELEASE, CHART_DIR, ...ON]);
    const pvc = await claim();
    expect(pvc.spec).toEqual(expect.objectContaining({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } }));
    expect(pvc.metadata.annotations).toEqual(expect.objectContaining({ 'helm.sh/resource-policy': 'keep', 'meta.helm.sh/release-name': RELEASE }));
    expect(pvc.metadata.labels).toEqual(expect.objectContaining({ 'app.kubernetes.io/instance': RELEASE, 'app.kubernetes.io/managed-by': 'Helm' }));
    const d = await deployment();
    expect(dataVolume(d)).toEqual({ name: 'pushgateway-data', persistentVolumeClaim: { claimName: CLAIM } });
    expect(d.spec.template.spec.containers.find((c: any) => c.name === 'pushgateway').volumeMounts)
      .toEqual(expect.arrayContaining([{ name: 'pushgateway-data', mountPath: '/var/pv' }]));
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    expect(d.spec.template.spec.securityContext.fsGroup).toBe(65535);
    expect((await releaseManifest(cluster, RELEASE, ns)).map((o) => `${o.kind}/${o.metadata.name}`)).toContain(`PersistentVolumeClaim/${CLAIM}`);
  });

  test('the operator Pod with the claim is admitted under Pod Security "restricted" (server-side dry run)', async () => {
    const d = await deployment();
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'operator-dry-run', namespace: ns, labels: d.spec.template.metadata.labels }, spec: d.spec.template.spec };
    const r = await cluster.kubectlResult(['create', '--dry-run=server', '-f', '-'], { input: JSON.stringify(pod) });
    expect({ code: r.code, stderr: lines(r.stderr) }).toEqual({ code: 0, stderr: [] });
  });

  test('helm upgrade switching it off: the emptyDir is back, Recreate stays, the claim is kept (resource-policy keep)', async () => {
    await run(['upgrade', RELEASE, CHART_DIR, '--reset-values']);
    const d = await deployment();
    expect(dataVolume(d)).toEqual({ name: 'pushgateway-data', emptyDir: {} });
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    expect((await claim())?.metadata.name).toBe(CLAIM);
    expect((await releaseManifest(cluster, RELEASE, ns)).filter((o) => o.kind === 'PersistentVolumeClaim')).toEqual([]);
  });

  test('an existing claim is mounted and never touched by the release', async () => {
    await cluster.kubectl(['apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'metrics', namespace: ns },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      }),
    });
    await run(['upgrade', RELEASE, CHART_DIR, '--reset-values', '--set', 'pushgateway.persistence.enabled=true', '--set', 'pushgateway.persistence.existingClaim=metrics']);
    expect(dataVolume(await deployment())).toEqual({ name: 'pushgateway-data', persistentVolumeClaim: { claimName: 'metrics' } });
    const existing = JSON.parse(await cluster.kubectl(['get', 'pvc', 'metrics', '-n', ns, '-o', 'json']));
    expect(existing.metadata.annotations?.['meta.helm.sh/release-name']).toBeUndefined();
  });

  test('switching it on again takes the kept claim back (same object, no conflict)', async () => {
    const uid = (await claim()).metadata.uid;
    await run(['upgrade', RELEASE, CHART_DIR, ...ON]);
    expect((await claim()).metadata.uid).toBe(uid);
    expect(dataVolume(await deployment())).toEqual({ name: 'pushgateway-data', persistentVolumeClaim: { claimName: CLAIM } });
  });

  test('helm uninstall with the chart\'s claim in the release: the claims stay (the chart\'s by resource-policy keep, the existing one untouched)', async () => {
    await run(['uninstall', RELEASE]);
    expect(await cluster.kubectl(['get', 'deployment', '-n', ns, '-o', 'name'])).toBe('');
    const names = (await cluster.kubectl(['get', 'pvc', '-n', ns, '-o', 'name'])).split('\n').filter(Boolean).sort();
    expect(names).toEqual(['persistentvolumeclaim/metrics', `persistentvolumeclaim/${CLAIM}`]);
    const existing = JSON.parse(await cluster.kubectl(['get', 'pvc', 'metrics', '-n', ns, '-o', 'json']));
    expect(existing.metadata.labels?.['app.kubernetes.io/managed-by']).toBeUndefined();
  });
});
