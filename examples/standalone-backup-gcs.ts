/**
 * The seed's standalone flow, steps 1-3: a Repository in a GCS bucket and a BackupConfiguration
 * that backs up the KubeDB database `sample-xtradb` every five minutes, keeping the last five
 * snapshots. The storage Secret `gcs-secret` is created out of band (see docs/guide.md).
 */
import { App, Chart } from 'cdk8s';
import { Backend, PerconaXtraDbBackup, Repository, RetentionPolicy, Schedule } from '../src';

export function build(app: App): Chart {
  const chart = new Chart(app, 'standalone-backup-gcs', { namespace: 'demo' });

  const repository = new Repository(chart, 'repository', {
    name: 'gcs-repo-sample-xtradb',
    backend: Backend.gcs({ bucket: 'stash-pxc-demo', prefix: 'demo/xtradb/sample-xtradb' }),
    storageSecretName: 'gcs-secret',
  });

  new PerconaXtraDbBackup(chart, 'backup', {
    database: 'sample-xtradb',
    version: '8.0.36',
    repository,
    schedule: Schedule.cron('*/5 * * * *'),
    retentionPolicy: RetentionPolicy.keepLast(5),
  });

  return chart;
}
