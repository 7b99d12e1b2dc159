/**
 * A weekly restore drill: the backup plan of the KubeDB database `sample-xtradb` with `drill`,
 * which restores its latest snapshot into a throwaway server every Saturday (between 10:00 and
 * 16:00, outside the nightly backup), checks the schema `shop`, its `orders` table and a rule
 * on its rows, and pushes the outcome to the Stash operator's Pushgateway
 * (`stash_pxc_restore_drill_*`). The namespace enforces Pod Security "restricted", which the
 * drill's pods meet; synth fails where they would not.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import { Backend, PerconaXtraDbBackupPlan, RetentionPolicy, RowCountOperator, Schedule } from '../src';

export function build(app: App): Chart {
  const chart = new Chart(app, 'restore-drill', { namespace: 'demo' });

  new ApiObject(chart, 'namespace', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'demo', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
  });

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
