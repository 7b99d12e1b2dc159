/**
 * The per-database chart reads the Pod Security level of a restore's namespace at install
 * (`lookup`) on a real kube-apiserver (Helm 3 and Helm 4): a cluster restore, whose Jobs run as
 * root, is refused with the reason and the fix into a namespace that enforces "restricted" and
 * nothing is created; the same values install under "baseline", and upgrade after the namespace
 * moved to "restricted" (the RestoreSession exists: not checked again); a standalone restore installs
 * under "restricted"; a client dry run cannot look and says so in the NOTES, a server dry run refuses.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { Cluster, startCluster } from './harness';
import { findHelm, HelmBinary } from '../support/helm';
import { helmOn } from './support/helm';
import { BACKUP_CHART_DIR, DIST_DIR } from './support/repo';

const ENFORCE = 'pod-security.kubernetes.io/enforce';

/** A release with one restore from an existing Repository into namespace `ns`; `cluster` makes it a cluster restore. */
function restoreValues(ns: string, cluster: boolean): unknown {
  return {
    restores: [{
      name: cluster ? 'restore-orders-cluster' : 'restore-orders', namespace: ns, database: 'orders-restored', version: '8.0.36',
      repository: { name: 'orders-repo' },
      ...(cluster ? { cluster: { replicas: 3, volumeClaimTemplates: [{ name: 'data-orders-restored-${POD_ORDINAL}', storage: '1Gi' }] } } : {}),
    }],
  };
}

const REFUSED = 'restores[0].runtimeSettings: the cluster restore Job\'s pod would be refused in namespace "locked", which enforces Pod Security "restricted" '
  + '(runAsNonRoot is not true; runs as user 0; adds capabilities CHOWN, DAC_OVERRIDE, FOWNER). Fix: a cluster restore runs the addon\'s restore script as root: '
  + 'restore in a namespace that enforces "baseline" at most (label it pod-security.kubernetes.io/enforce=baseline for the restore), then move to "restricted".';

describe.each([3, 4] as const)('Pod Security of a restore\'s namespace at helm install of charts/stash-pxc-backup (real kube-apiserver, Helm %d)', (major) => {
  let cluster: Cluster;
  let helm: HelmBinary;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stash-pxc-backup-psa-'));
  const file = (name: string, values: unknown) => {
    const f = path.join(tmp, name);
    fs.writeFileSync(f, stringify(values));
    return f;
  };
  const noWait = major === 3 ? '--wait=false' : '--wait=hookOnly';
  const restoreSessions = async (ns: string): Promise<string[]> =>
    JSON.parse(await cluster.kubectl(['get', 'restoresessions.stash.appscode.com', '-n', ns, '-o', 'json'])).items.map((o: any) => o.metadata.name);

  beforeAll(async () => {
    helm = findHelm(major);
    cluster = await startCluster();
    await cluster.createNamespace('locked', { [ENFORCE]: 'restricted' });
    await cluster.createNamespace('relaxed', { [ENFORCE]: 'baseline' });
    await cluster.kubectl(['apply', '--server-side', '-f', path.join(DIST_DIR, 'crds.yaml')]);
    await cluster.kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/restoresessions.stash.appscode.com'], { timeoutMs: 70_000 });
  }, 180_000);
  afterAll(async () => {
    await cluster?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('a cluster restore into a namespace that enforces "restricted" is refused with the reason and the fix, and creates nothing', async () => {
    const r = await helmOn(cluster, ['install', 'locked-restore', BACKUP_CHART_DIR, '--namespace', 'locked', '-f', file('locked.yaml', restoreValues('locked', true)), noWait], helm);
    expect(r.code).not.toBe(0);
    expect(r.stderr.replace(/\s+/g, ' ')).toContain(REFUSED);
    expect(await restoreSessions('locked')).toEqual([]);
    const list = JSON.parse((await helmOn(cluster, ['list', '--all-namespaces', '-o', 'json'], helm)).stdout);
    expect(list.map((x: any) => x.name)).not.toContain('locked-restore');
  }, 120_000);

  test('a server dry run refuses it too; a client dry run cannot look and says so in the NOTES', async () => {
    const values = file('locked-dry.yaml', restoreValues('locked', true));
    const server = await helmOn(cluster, ['install', 'locked-dry', BACKUP_CHART_DIR, '--namespace', 'locked', '-f', values, '--dry-run=server'], helm);
    expect(server.code).not.toBe(0);
    expect(server.stderr.replace(/\s+/g, ' ')).toContain(REFUSED);
    const client = await helmOn(cluster, ['install', 'locked-dry', BACKUP_CHART_DIR, '--namespace', 'locked', '-f', values, '--dry-run=client'], helm);
    expect({ code: client.code, stderr: client.stderr }).toEqual({ code: 0, stderr: '' });
    expect(client.stdout.replace(/\s+/g, ' ')).toContain('The chart could not read the Pod Security level of namespace(s) locked');
  }, 120_000);

  test('the same cluster restore installs into a namespace that enforces "baseline", and the NOTES have nothing to warn about', async () => {
    const r = await helmOn(cluster, ['install', 'relaxed-restore', BACKUP_CHART_DIR, '--namespace', 'relaxed', '-f', file('relaxed.yaml', restoreValues('relaxed', true)), noWait], helm);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).not.toContain('Pod Security');
    expect(await restoreSessions('relaxed')).toEqual(['restore-orders-cluster']);
  }, 120_000);

  test('once the restore exists, the namespace may move to "restricted" (as the guide says) and upgrades still work', async () => {
    await cluster.kubectl(['label', 'namespace', 'relaxed', `${ENFORCE}=restricted`, '--overwrite']);
    const r = await helmOn(cluster, ['upgrade', 'relaxed-restore', BACKUP_CHART_DIR, '--namespace', 'relaxed', '-f', file('relaxed.yaml', restoreValues('relaxed', true)), noWait], helm);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await restoreSessions('relaxed')).toEqual(['restore-orders-cluster']);
  }, 120_000);

  test('a standalone restore (restricted-ready Jobs) installs into the namespace that enforces "restricted"', async () => {
    const r = await helmOn(cluster, ['install', 'locked-standalone', BACKUP_CHART_DIR, '--namespace', 'locked', '-f', file('standalone.yaml', restoreValues('locked', false)), noWait], helm);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await restoreSessions('locked')).toEqual(['restore-orders']);
  }, 120_000);
});
