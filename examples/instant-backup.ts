/**
 * A backup right now of the database that standalone-backup-gcs backs up on schedule (the
 * seed's step 6 by hand). To take another one from Git, commit a new name.
 */
import { App, Chart } from 'cdk8s';
import { InstantBackup, PerconaXtraDbBackup } from '../src';

export function build(app: App): Chart {
  const chart = new Chart(app, 'instant-backup', { namespace: 'demo' });

  new InstantBackup(chart, 'before-upgrade', {
    backup: PerconaXtraDbBackup.fromBackupConfigurationName('sample-xtradb-backup', 'demo'),
    name: 'sample-xtradb-before-upgrade',
  });

  return chart;
}
