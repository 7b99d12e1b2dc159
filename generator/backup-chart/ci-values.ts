/**
 * The chart-testing values files of `charts/stash-pxc-backup/ci/`: examples that the tests lint
 * and render with Helm 3 and 4 and compare with the constructs.
 */

/** File name -> values. */
export function ciValuesFiles(): { [file: string]: any } {
  const fleet = Array.from({ length: 50 }, (_, i) => ({
    name: `shop-${String(i + 1).padStart(3, '0')}`,
    namespace: `tenant-${String((i % 5) + 1)}`,
  }));
  return {
    'standalone-gcs-values.yaml': {
      defaults: {
        version: '8.0.36',
        backend: { provider: 'gcs', gcs: { bucket: 'acme-db-backups' } },
        storageSecretName: 'gcs-secret',
        schedule: { cron: '*/30 * * * *' },
        retentionPolicy: { keepLast: 5 },
      },
      databases: [{ name: 'sample-xtradb' }],
    },
    'minio-custom-ca-values.yaml': {
      defaults: {
        version: '8.0.36',
        backend: { provider: 's3', s3: { endpoint: 'https://minio.storage.svc:9000', bucket: 'backups', customCaCertificate: true } },
        storageSecretName: 'minio-secret',
        schedule: { cron: '0 2 * * *' },
        retentionPolicy: { keepDaily: 7, keepWeekly: 4 },
        runtimeSettings: { container: { nice: 10, ionice: { class: 2, classData: 7 }, resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '1Gi' } } } },
        timeout: '2h',
        tempDir: { sizeLimit: '2Gi', disableCaching: true },
      },
      databases: [{ name: 'orders' }, { name: 'billing', args: '--databases billing --single-transaction', usagePolicy: { namespaces: ['restore-sandbox'] } }],
    },
    'cluster-restore-values.yaml': {
      defaults: {
        version: '8.0.36',
        backend: { provider: 'gcs', gcs: { bucket: 'acme-db-backups' } },
        storageSecretName: 'gcs-secret',
        schedule: { cron: '0 1 * * *' },
        retentionPolicy: { keepLast: 7 },
      },
      databases: [{ name: 'sample-xtradb-cluster' }],
      restores: [{
        name: 'restore-xtradb-cluster-1',
        database: 'restored-xtradb-cluster',
        from: 'sample-xtradb-cluster',
        cluster: {
          replicas: 3,
          volumeClaimTemplates: [{ name: 'data-restored-xtradb-cluster-${POD_ORDINAL}', storage: '10Gi', storageClassName: 'standard' }],
        },
      }],
    },
    'offsite-copy-values.yaml': {
      defaults: {
        version: '8.0.36',
        backend: { provider: 'gcs', gcs: { bucket: 'acme-db-backups' } },
        storageSecretName: 'gcs-secret',
        schedule: { window: { start: '01:00', end: '04:00' } },
        retentionPolicy: { keepDaily: 7 },
        expectedDuration: '45m',
        copies: [{ name: 'offsite', backend: { provider: 's3', s3: { bucket: 'acme-offsite', region: 'eu-central-1' } }, storageSecretName: 's3-offsite' }],
      },
      databases: [{ name: 'orders' }, { name: 'billing' }],
      restores: [{ name: 'orders-from-offsite', database: 'orders-restored', from: 'orders', fromCopy: 'offsite' }],
    },
    'fleet-50-spread-values.yaml': {
      defaults: {
        version: '8.0.36',
        backend: { provider: 's3', s3: { bucket: 'fleet-backups', region: 'eu-west-1' } },
        storageSecretName: 's3-secret',
        schedule: { window: { start: '23:00', end: '05:00' } },
        retentionPolicy: { keepDaily: 7, keepWeekly: 4, keepMonthly: 6 },
        paused: false,
      },
      databases: fleet,
    },
  };
}
