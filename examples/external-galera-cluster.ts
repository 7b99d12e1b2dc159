/**
 * A Percona XtraDB Cluster that KubeDB does not manage (here, three members of a StatefulSet
 * run by another operator): an AppBinding with the Galera arbitrator parameters, so the addon
 * takes the cluster path (garbd + xtrabackup), and a backup plan to S3.
 */
import { App, Chart } from 'cdk8s';
import {
  Backend, PerconaXtraDbAppBinding, PerconaXtraDbBackupPlan, RetentionPolicy, Schedule, SecretTransform,
} from '../src';

export function build(app: App): Chart {
  const chart = new Chart(app, 'external-galera-cluster', { namespace: 'orders' });

  const binding = new PerconaXtraDbAppBinding(chart, 'binding', {
    name: 'orders-db',
    service: 'orders-db-haproxy',
    authSecretName: 'orders-db-secrets',
    // The other operator keeps the root password under `root` and has no `username` key.
    secretTransforms: [SecretTransform.renameKey('root', 'password'), SecretTransform.addKey('username', 'root')],
    version: '8.0.36',
    galera: {
      clusterName: 'orders-db-pxc',
      peers: PerconaXtraDbAppBinding.statefulSetPeers({
        statefulSet: 'orders-db-pxc', governingService: 'orders-db-pxc', replicas: 3, namespace: 'orders',
      }),
    },
  });

  new PerconaXtraDbBackupPlan(chart, 'orders-db', {
    database: binding.name,
    version: '8.0.36',
    backend: Backend.s3({ bucket: 'orders-backups', region: 'eu-west-1', prefix: 'orders-db' }),
    storageSecretName: 's3-secret',
    schedule: Schedule.daily({ hour: 1, minute: 15 }),
    retentionPolicy: RetentionPolicy.of({ keepDaily: 7, keepWeekly: 4, keepMonthly: 6 }),
  });

  return chart;
}
