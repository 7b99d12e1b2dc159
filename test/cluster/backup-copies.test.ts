/**
 * A fleet with copies (3-2-1) on a real kube-apiserver, against the CRDs of dist/crds.yaml: every
 * database's Repositories and both of its BackupConfigurations (the primary's and the copy's,
 * targeting the same AppBinding) are created, and stored exactly as rendered, apart from the
 * defaults the CRDs set (`spec.driver: Restic`). CRDs only, no operator (see custom-resources.test.ts).
 */
import * as path from 'path';
import { Chart, Duration, Testing } from 'cdk8s';
import { Backend, PerconaXtraDbBackupFleet, RetentionPolicy, ScheduleWindow } from '../../src';
import { Cluster, startCluster } from './harness';
import { keysOf, missingFrom, objectKey, serverWarnings, stripServerFields, waitEstablished, withoutClientNoise } from './support/objects';
import { DIST_DIR, requireArtifact } from './support/repo';
import { asList, readYamlFile } from './support/yaml';

function fleetObjects(): any[] {
  const chart = new Chart(Testing.app(), 'fleet');
  new PerconaXtraDbBackupFleet(chart, 'fleet', {
    window: ScheduleWindow.daily({ start: '01:00', end: '03:00' }),
    retentionPolicy: RetentionPolicy.keepDaily(7),
    storageSecretName: 'gcs-secret',
    databases: ['orders', 'billing', 'ledger'].map((name, i) => ({
      name, namespace: i === 2 ? 'finance' : 'shop', version: '8.0.36', expectedDuration: Duration.minutes(20 * (i + 1)),
      backend: Backend.gcs({ bucket: 'fleet-backups', prefix: `${name}` }),
      copies: [
        { name: 'offsite', backend: Backend.s3({ endpoint: 's3.eu-central-1.amazonaws.com', bucket: 'fleet-offsite', prefix: name }), storageSecretName: 's3-secret' },
        ...(name === 'ledger' ? [{ name: 'cold', backend: Backend.azure({ container: 'fleet-cold', prefix: name }), storageSecretName: 'azure-secret', retentionPolicy: RetentionPolicy.of({ keepDaily: 7, keepMonthly: 24 }) }] : []),
      ],
    })),
  });
  return Testing.synth(chart);
}

describe('a fleet with copies on a real kube-apiserver', () => {
  let cluster: Cluster;
  const objects = fleetObjects();

  beforeAll(async () => {
    const crdsFile = requireArtifact(path.join(DIST_DIR, 'crds.yaml'), 'dist/crds.yaml');
    cluster = await startCluster();
    await cluster.kubectl(['apply', '--server-side', '-f', crdsFile]);
    await waitEstablished(cluster, readYamlFile(crdsFile).map((c: any) => c.metadata.name));
    for (const ns of ['shop', 'finance']) await cluster.createNamespace(ns);
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  test('every database has its primary and its copies, each a Repository and a BackupConfiguration of the same AppBinding', () => {
    const configs = objects.filter((o) => o.kind === 'BackupConfiguration');
    expect(configs.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'shop/orders-backup', 'shop/orders-copy-offsite-backup',
      'shop/billing-backup', 'shop/billing-copy-offsite-backup',
      'finance/ledger-backup', 'finance/ledger-copy-offsite-backup', 'finance/ledger-copy-cold-backup',
    ]);
    for (const c of configs) expect(c.spec.target.ref.name).toBe(c.metadata.name.replace(/-(copy-[a-z]+-)?backup$/, ''));
  });

  test('created without a warning, and stored as rendered (CRD defaults aside)', async () => {
    const r = await cluster.kubectlResult(['create', '-f', '-'], { input: asList(objects) });
    expect({ code: r.code, stderr: withoutClientNoise(r.stderr).trim(), warnings: serverWarnings(r.stderr) }).toEqual({ code: 0, stderr: '', warnings: [] });
    const live = JSON.parse(await cluster.kubectl(['get', '-f', '-', '-o', 'json'], { input: asList(objects) })).items;
    expect(keysOf(live)).toEqual(keysOf(objects));
    const byKey = new Map<string, any>(live.map((o: any) => [objectKey(o), o]));
    for (const applied of objects) {
      const stored = stripServerFields(byKey.get(objectKey(applied)));
      expect(missingFrom(applied, stored)).toEqual([]);
      const expected = structuredClone(applied);
      if (applied.kind === 'BackupConfiguration') expected.spec.driver = 'Restic';
      expect(stored).toEqual(expected);
    }
  });
});
