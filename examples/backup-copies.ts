/**
 * 3-2-1: the database `sample-xtradb` backed up nightly to GCS, with a second copy on S3 in
 * another region. The copy is one more Repository and BackupConfiguration of the same database;
 * by default it runs daily after the primary (at 01:45: the primary starts at 01:00 and is expected
 * to take 45 minutes), keeps what the primary keeps plus twelve monthly snapshots, and its
 * alerts carry `copy="offsite"`. To restore from the copy, give a restore `fromCopy: 'offsite'`
 * (or `repository: plan.backup.copy('offsite').repository`).
 */
import { App, Chart, Duration } from 'cdk8s';
import { Backend, PerconaXtraDbBackupAlerts, PerconaXtraDbBackupPlan, RetentionPolicy, Schedule } from '../src';

export function build(app: App): Chart {
  const chart = new Chart(app, 'backup-copies', { namespace: 'demo' });

  const plan = new PerconaXtraDbBackupPlan(chart, 'sample-xtradb', {
    database: 'sample-xtradb',
    version: '8.0.36',
    backend: Backend.gcs({ bucket: 'stash-pxc-demo', prefix: 'demo/sample-xtradb' }),
    storageSecretName: 'gcs-secret',
    schedule: Schedule.daily({ hour: 1 }),
    expectedDuration: Duration.minutes(45),
    retentionPolicy: RetentionPolicy.keepDaily(7),
    copies: [{
      name: 'offsite',
      backend: Backend.s3({ endpoint: 's3.eu-central-1.amazonaws.com', region: 'eu-central-1', bucket: 'stash-pxc-demo-offsite', prefix: 'demo/sample-xtradb' }),
      storageSecretName: 's3-offsite-secret',
      retentionPolicy: RetentionPolicy.of({ keepDaily: 7, keepMonthly: 12 }),
    }],
  });

  new PerconaXtraDbBackupAlerts(chart, 'alerts', { namespace: 'demo' }).addPlan(plan);
  return chart;
}
