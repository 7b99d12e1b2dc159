/**
 * The seed's cluster restore: the latest snapshot of the cluster backup into a new 3-member
 * cluster `restored-xtradb-cluster`. Stash creates one volume per member, named as KubeDB's
 * StatefulSet expects (`data-<database>-<ordinal>`), and fills each with the data directory
 * backed up as host-0. Deploy the PerconaXtraDB object with `init.waitForInitialRestore: true`.
 *
 * The addon's cluster restore script needs root (it adds the `mysql` user and chowns the data
 * directory), so its Jobs get a root security context with only CHOWN, DAC_OVERRIDE and FOWNER:
 * the namespace must admit Pod Security "baseline" (not "restricted") during the restore.
 */
import { App, Chart, Size } from 'cdk8s';
import { PerconaXtraDbRestore, POD_ORDINAL, Repository } from '../src';

export function build(app: App): Chart {
  const chart = new Chart(app, 'cluster-restore', { namespace: 'demo' });

  new PerconaXtraDbRestore(chart, 'restore', {
    database: 'restored-xtradb-cluster',
    version: '8.0.36',
    repository: Repository.fromRepositoryName('gcs-repo-xtradb-cluster'),
    cluster: {
      replicas: 3,
      volumeClaimTemplates: [{
        name: `data-restored-xtradb-cluster-${POD_ORDINAL}`,
        storage: Size.gibibytes(1),
        storageClassName: 'standard',
      }],
    },
  });

  return chart;
}
