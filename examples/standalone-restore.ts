/**
 * The seed's standalone restore: the latest snapshot of gcs-repo-sample-xtradb into a new
 * KubeDB database `restored-xtradb` (created with `init.waitForInitialRestore: true` and the
 * original's auth Secret).
 */
import { App, Chart } from 'cdk8s';
import { PerconaXtraDbRestore, Repository, Snapshot } from '../src';

export function build(app: App): Chart {
  const chart = new Chart(app, 'standalone-restore', { namespace: 'demo' });

  new PerconaXtraDbRestore(chart, 'restore', {
    database: 'restored-xtradb',
    version: '8.0.36',
    repository: Repository.fromRepositoryName('gcs-repo-sample-xtradb'),
    snapshot: Snapshot.latest(),
  });

  return chart;
}
