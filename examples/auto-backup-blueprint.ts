/**
 * Auto-backup: one cluster-wide BackupBlueprint, and a database that opts in with annotations.
 * KubeDB databases take the annotations on the PerconaXtraDB object; this one is run by another
 * operator, so they go on the AppBinding written for it. Stash then creates the Repository and
 * BackupConfiguration `app-shop-db` from the blueprint.
 */
import { App, Chart } from 'cdk8s';
import { Backend, PerconaXtraDbAppBinding, PerconaXtraDbBackupBlueprint, RetentionPolicy, Schedule } from '../src';

export function build(app: App): Chart {
  const chart = new Chart(app, 'auto-backup-blueprint', { namespace: 'shop' });

  const blueprint = new PerconaXtraDbBackupBlueprint(chart, 'blueprint', {
    name: 'perconaxtradb-backup-template',
    backend: Backend.gcs({
      bucket: 'stash-pxc-demo',
      prefix: 'stash/${TARGET_NAMESPACE}/${TARGET_APP_RESOURCE}/${TARGET_NAME}',
    }),
    storageSecretName: 'gcs-secret',
    schedule: Schedule.cron('*/5 * * * *'),
    retentionPolicy: RetentionPolicy.keepLast(5),
  });

  new PerconaXtraDbAppBinding(chart, 'shop-db', {
    name: 'shop-db',
    service: 'shop-db',
    authSecretName: 'shop-db-auth',
    version: '8.0.36',
    annotations: blueprint.annotationsFor({ schedule: Schedule.daily({ hour: 2, minute: 30 }), args: '--databases shop' }),
  });

  return chart;
}
