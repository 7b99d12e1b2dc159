/**
 * The same backup into an S3-compatible store (MinIO in the cluster, with a certificate from a
 * private CA), written with the one-call `PerconaXtraDbBackupPlan`. The storage Secret
 * `minio-secret` holds RESTIC_PASSWORD, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and CA_CERT_DATA.
 */
import { App, Chart } from 'cdk8s';
import { Backend, PerconaXtraDbBackupPlan, RetentionPolicy, Schedule } from '../src';

export function build(app: App): Chart {
  const chart = new Chart(app, 'standalone-backup-minio', { namespace: 'demo' });

  new PerconaXtraDbBackupPlan(chart, 'sample-xtradb', {
    database: 'sample-xtradb',
    version: '8.0.36',
    repositoryName: 'minio-repo-sample-xtradb',
    backend: Backend.s3({
      endpoint: 'https://minio.storage.svc:443',
      bucket: 'stash-backups',
      prefix: 'demo/xtradb/sample-xtradb',
      customCaCertificate: true,
    }),
    storageSecretName: 'minio-secret',
    schedule: Schedule.cron('*/5 * * * *'),
    retentionPolicy: RetentionPolicy.keepLast(5),
  });

  return chart;
}
