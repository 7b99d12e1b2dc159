/**
 * The seed's cluster flow, steps 1-3: backup of the KubeDB Percona XtraDB Cluster
 * `sample-xtradb-cluster` to GCS every five minutes, keeping the last five snapshots. KubeDB's
 * AppBinding carries the Galera parameters, so the addon streams an xtrabackup SST via garbd.
 */
import { App, Chart, Duration } from 'cdk8s';
import { Backend, PerconaXtraDbBackup, Repository, RetentionPolicy, Schedule } from '../src';

export function build(app: App): Chart {
  const chart = new Chart(app, 'cluster-backup-gcs', { namespace: 'demo' });

  const repository = new Repository(chart, 'repository', {
    name: 'gcs-repo-xtradb-cluster',
    backend: Backend.gcs({ bucket: 'stash-pxc-demo', prefix: 'demo/xtradb/sample-xtradb-cluster' }),
    storageSecretName: 'gcs-secret',
  });

  new PerconaXtraDbBackup(chart, 'backup', {
    name: 'sample-xtradb-cluster-backup',
    database: 'sample-xtradb-cluster',
    version: '8.0.36',
    repository,
    schedule: Schedule.cron('*/5 * * * *'),
    retentionPolicy: RetentionPolicy.keepLast(5),
    timeout: Duration.hours(2),
    backupHistoryLimit: 3,
  });

  return chart;
}
