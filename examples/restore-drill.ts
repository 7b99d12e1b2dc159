/**
 * A weekly restore drill: the backup plan of the KubeDB database `sample-xtradb` with `drill`,
 * which restores its latest snapshot into a throwaway server every Saturday (between 10:00 and
 * 16:00, outside the nightly backup), checks the schema `shop`, its `orders` table and a rule
 * on its rows, and pushes the outcome to the Stash operator's Pushgateway
 * (`stash_pxc_restore_drill_*`). The drill's pods meet Pod Security "restricted"; where the app
 * has a Namespace object whose `pod-security.kubernetes.io/enforce` level would refuse them, the
 * synth fails (the namespace here is created out of band, like the other examples').
 */
import { App, Chart } from 'cdk8s';
import { Backend, PerconaXtraDbBackupPlan, RetentionPolicy, RowCountOperator, Schedule } from '../src';

export function build(app: App): Chart {
  const chart = new Chart(app, 'restore-drill', { namespace: 'demo' });

  new PerconaXtraDbBackupPlan(chart, 'sample-xtradb', {
    database: 'sample-xtradb',
    version: '8.0.36',
    backend: Backend.gcs({ bucket: 'stash-pxc-demo', prefix: 'demo/xtradb/sample-xtradb' }),
    storageSecretName: 'gcs-secret',
    schedule: Schedule.daily({ hour: 1 }),
    retentionPolicy: RetentionPolicy.keepDaily(14),
    drill: {
      schemas: ['shop'],
      tables: ['shop.orders'],
      rowCountRules: [{ database: 'shop', table: 'orders', rowCount: { operator: RowCountOperator.GREATER_THAN, value: 0 } }],
    },
  });

  return chart;
}
