/**
 * The same backup into an S3-compatible store (MinIO in the cluster, with a certificate from a
 * private CA), written with the one-call `PerconaXtraDbBackupPlan`. The storage Secret
 * `minio-secret` holds RESTIC_PASSWORD, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and CA_CERT_DATA.
 *
 * Secure by default: the backup Job runs with the Pod Security "restricted" security context
 * (non-root 65534, no privilege escalation, no capability, RuntimeDefault seccomp). Here it is
 * also confined by a NetworkPolicy: DNS, the API server, the operator's license endpoint and
 * Pushgateway (the operator of dist/install.yaml: namespace `stash`), the database's pods on 3306
 * and the MinIO namespace on the pods' port 9000 (MinIO's Service maps 443 to it).
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
    networkPolicy: {
      apiServerCidrs: ['10.0.0.1/32'], // kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes
      objectStorePort: 9000,
    },
  });

  return chart;
}
