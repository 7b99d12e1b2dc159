/**
 * `helm install` of the per-database chart `charts/stash-pxc-backup` next to the install chart
 * `charts/stash-pxc` on a real kube-apiserver (Helm 3 and Helm 4): every object is stored as
 * rendered (with tempDir, usagePolicy, secretEnv, hook headers, restore rules, a cross-namespace
 * restore the usagePolicy allows, and a copy: both BackupConfigurations of that database, and a
 * restore from the copy); an upgrade with a database added and two removed deletes the removed ones'
 * BackupConfigurations, keeps the Repository annotated `helm.sh/resource-policy: keep` and
 * deletes the one with `keepRepository: false` (and the removed database's restore drill, cluster-scoped
 * admission policy included); `helm uninstall` leaves only the kept Repositories.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { Cluster, startCluster } from './harness';
import { findHelm, HelmBinary } from '../support/helm';
import { helmOn, helmOnOk, parseManifests } from './support/helm';
import { missingFrom, objectKey, ownedByRelease, snapshotObjects, stripServerFields } from './support/objects';
import { BACKUP_CHART_DIR, CHART_DIR } from './support/repo';

const BASE = {
  defaults: {
    version: '8.0.36',
    backend: { provider: 'gcs', gcs: { bucket: 'acme-db-backups' } },
    storageSecretName: 'gcs-secret',
    schedule: { window: { start: '01:00', end: '05:00' } },
    retentionPolicy: { keepDaily: 7 },
  },
};
const INSTALL = {
  ...BASE,
  databases: [
    // A restore drill: its CronJob, ConfigMaps, RBAC, Service, AppBinding and admission policy.
    // And a copy (3-2-1): a second Repository and BackupConfiguration of the same database.
    {
      name: 'orders', drill: { enabled: true, schemas: ['shop'] }, expectedDuration: '45m',
      copies: [{ name: 'offsite', backend: { provider: 's3', s3: { bucket: 'acme-offsite', region: 'eu-central-1' } }, storageSecretName: 's3-offsite' }],
    },
    { name: 'billing', schedule: { cron: '0 */6 * * *' } },
    { name: 'scratch', keepRepository: false, wipeOut: true },
    // tempDir, secretEnv, an HTTP hook with headers, and a usagePolicy that lets shop restore from it.
    {
      name: 'tenant-db', namespace: 'tenant', usagePolicy: { namespaces: ['shop'] }, tempDir: { medium: 'Memory', sizeLimit: '1Gi', disableCaching: true },
      runtimeSettings: { container: { secretEnv: { MYSQL_PWD: { secretName: 'tenant-auth', key: 'password' } } } },
      postBackupHook: { httpPost: { host: 'hooks.example.com', port: 443, scheme: 'HTTPS', path: '/done', headers: { 'X-Source': 'stash' } } },
    },
  ],
  restores: [{
    name: 'restore-tenant-db', database: 'tenant-copy', from: 'tenant-db', fromNamespace: 'tenant', tempDir: { sizeLimit: '512Mi' },
    rules: [{ sourceHost: 'tenant-db-0', snapshots: ['latest'] }],
  }, {
    name: 'restore-orders-cluster', database: 'orders-restored', from: 'orders',
    cluster: { replicas: 3, volumeClaimTemplates: [{ name: 'data-orders-restored-${POD_ORDINAL}', storage: '1Gi' }] },
  }, {
    name: 'restore-orders-offsite', database: 'orders-from-offsite', from: 'orders', fromCopy: 'offsite',
  }],
  blueprint: {
    enabled: true, name: 'shop-blueprint', backend: { provider: 'gcs', gcs: { bucket: 'acme-db-backups' } },
    prefix: 'auto/${TARGET_NAMESPACE}/${TARGET_NAME}', storageSecretName: 'gcs-secret',
    schedule: { cron: '@daily' }, retentionPolicy: { keepLast: 3 },
    repositoryNamespace: 'stash', backupNamespace: 'stash', usagePolicy: { namespacesWithLabels: { backups: 'allowed' } }, tempDir: { sizeLimit: '2Gi' },
  },
};
/** orders and scratch removed, payments added. */
const UPGRADE = { ...INSTALL, databases: [{ name: 'billing', schedule: { cron: '0 */6 * * *' } }, { name: 'tenant-db', namespace: 'tenant' }, { name: 'payments' }], restores: [] };

const STASH_KINDS = 'repositories.stash.appscode.com,backupconfigurations.stash.appscode.com,restoresessions.stash.appscode.com,backupblueprints.stash.appscode.com';

describe.each([3, 4] as const)('helm install of charts/stash-pxc-backup next to charts/stash-pxc (real kube-apiserver, Helm %d)', (major) => {
  let cluster: Cluster;
  let helm: HelmBinary;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stash-pxc-backup-install-'));
  const file = (name: string, values: unknown) => {
    const f = path.join(tmp, name);
    fs.writeFileSync(f, stringify(values));
    return f;
  };
  const noWait = major === 3 ? '--wait=false' : '--wait=hookOnly';
  const stashObjects = async (): Promise<string[]> => {
    const out = JSON.parse(await cluster.kubectl(['get', STASH_KINDS, '--all-namespaces', '-o', 'json'])).items;
    return out.map(objectKey).sort();
  };

  beforeAll(async () => {
    helm = findHelm(major);
    cluster = await startCluster();
    for (const ns of ['stash', 'shop', 'tenant']) await cluster.createNamespace(ns);
    const r = await helmOn(cluster, ['install', 'stash', CHART_DIR, '--namespace', 'stash', noWait], helm);
    if (r.code !== 0) throw new Error(r.stderr);
    await cluster.kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/repositories.stash.appscode.com', 'crd/backupconfigurations.stash.appscode.com', 'crd/restoresessions.stash.appscode.com', 'crd/backupblueprints.stash.appscode.com'], { timeoutMs: 70_000 });
  }, 180_000);
  afterAll(async () => {
    await cluster?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('installs into "shop" and every object reads back as rendered', async () => {
    const r = await helmOn(cluster, ['install', 'shop-backups', BACKUP_CHART_DIR, '--namespace', 'shop', '-f', file('install.yaml', INSTALL), noWait], helm);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/STATUS: deployed/);
    const manifest = parseManifests((await helmOnOk(cluster, ['get', 'manifest', 'shop-backups', '--namespace', 'shop'], helm)).stdout);
    // 5 Repositories, 5 BackupConfigurations (a copy's each), 3 RestoreSessions, 1 BackupBlueprint; the drill's 10 objects.
    expect(manifest).toHaveLength(24);
    expect(manifest.filter((o) => o.metadata.labels?.['stash-pxc/drill'] === 'orders-drill').map((o) => o.kind).sort()).toEqual([
      'AppBinding', 'ConfigMap', 'CronJob', 'Role', 'RoleBinding', 'Service', 'ServiceAccount', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
    ]);
    const live = await snapshotObjects(cluster);
    for (const object of manifest) {
      const stored = live.get(objectKey(object));
      expect({ key: objectKey(object), missing: stored ? missingFrom(object, stripServerFields(stored)) : ['not stored'] })
        .toEqual({ key: objectKey(object), missing: [] });
    }
    expect(ownedByRelease(live.values(), 'shop-backups', 'shop').map(objectKey).sort()).toEqual(manifest.map(objectKey).sort());
    // Both BackupConfigurations of orders are stored, each with its own Repository and schedule.
    const orders = [...live.values()].filter((o) => o.kind === 'BackupConfiguration' && o.spec.target?.ref?.name === 'orders');
    expect(orders.map((o) => [o.metadata.name, o.spec.repository.name]).sort()).toEqual([
      ['orders-backup', 'orders-repo'], ['orders-copy-offsite-backup', 'orders-copy-offsite-repo'],
    ]);
    expect(new Set(orders.map((o) => o.spec.schedule)).size).toBe(2);
    expect(live.get('RestoreSession.stash.appscode.com/shop/restore-orders-offsite')?.spec.repository).toEqual({ name: 'orders-copy-offsite-repo' });
  }, 120_000);

  test('upgrade: payments added; orders and scratch removed; the kept Repositories (orders\' and its copy\'s) stay, the other goes', async () => {
    await helmOnOk(cluster, ['upgrade', 'shop-backups', BACKUP_CHART_DIR, '--namespace', 'shop', '-f', file('upgrade.yaml', UPGRADE), noWait], helm);
    const objects = await stashObjects();
    expect(objects).toEqual([
      'BackupBlueprint.stash.appscode.com//shop-blueprint',
      'BackupConfiguration.stash.appscode.com/shop/billing-backup',
      'BackupConfiguration.stash.appscode.com/shop/payments-backup',
      'BackupConfiguration.stash.appscode.com/tenant/tenant-db-backup',
      'Repository.stash.appscode.com/shop/billing-repo',
      'Repository.stash.appscode.com/shop/orders-copy-offsite-repo',
      'Repository.stash.appscode.com/shop/orders-repo',
      'Repository.stash.appscode.com/shop/payments-repo',
      'Repository.stash.appscode.com/tenant/tenant-db-repo',
    ]);
    // The removed database's drill went with it.
    const drill = await cluster.kubectl(['get', 'cronjobs,serviceaccounts,roles,validatingadmissionpolicies', '--all-namespaces', '-l', 'stash-pxc/drill=orders-drill', '-o', 'name']);
    expect(drill.trim()).toBe('');
  }, 120_000);

  test('uninstall removes everything of the release except the kept Repositories', async () => {
    await helmOnOk(cluster, ['uninstall', 'shop-backups', '--namespace', 'shop'], helm);
    const objects = await stashObjects();
    expect(objects).toEqual([
      'Repository.stash.appscode.com/shop/billing-repo',
      'Repository.stash.appscode.com/shop/orders-copy-offsite-repo',
      'Repository.stash.appscode.com/shop/orders-repo',
      'Repository.stash.appscode.com/shop/payments-repo',
      'Repository.stash.appscode.com/tenant/tenant-db-repo',
    ]);
    const list = JSON.parse((await helmOnOk(cluster, ['list', '--all-namespaces', '-o', 'json'], helm)).stdout);
    expect(list.map((r: any) => r.name)).toEqual(['stash']);
  }, 120_000);
});
