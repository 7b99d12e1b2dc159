/**
 * References by name that point at nothing: where the app declares objects of a kind in a
 * namespace, it is taken to declare them all there, so a name none of them has is refused with
 * the closest declared name. What the app cannot know is left alone: Repositories and
 * BackupConfigurations Stash creates from a BackupBlueprint, namespaces where the app declares
 * none of the kind, and references marked `declaredElsewhere`.
 */
import { Chart, Testing } from 'cdk8s';
import {
  Backend, InstantBackup, PerconaXtraDbBackup, PerconaXtraDbBackupPlan, PerconaXtraDbRestore, Repository, RetentionPolicy, Schedule,
} from '../../../src';

function app(): { chart: Chart; plan: PerconaXtraDbBackupPlan } {
  const chart = new Chart(Testing.app(), 'app', { namespace: 'demo' });
  const plan = new PerconaXtraDbBackupPlan(chart, 'plan', {
    database: 'sample-xtradb-cluster', version: '8.0.36', backend: Backend.gcs({ bucket: 'stash-backups', prefix: 'demo/sample-xtradb-cluster' }),
    storageSecretName: 'gcs-secret', schedule: Schedule.cron('0 1 * * *'), retentionPolicy: RetentionPolicy.keepLast(5),
  });
  return { chart, plan };
}

function problems(chart: Chart): string[] {
  const out: string[] = [];
  for (const node of chart.node.findAll()) for (const e of node.node.validate()) out.push(`[${node.node.path}] ${e}`);
  return out;
}

const restore = (chart: Chart, id: string, repository: any) => new PerconaXtraDbRestore(chart, id, { database: `${id}-db`, version: '8.0.36', repository });

describe('a Repository by name', () => {
  test('a typo of a Repository the app declares in that namespace is refused with "did you mean"', () => {
    const { chart } = app();
    restore(chart, 'restore', Repository.fromRepositoryName('sample-xtradb-clustr-repo'));
    expect(problems(chart)).toEqual([
      '[app/restore] repository.name: names Repository "sample-xtradb-clustr-repo" in namespace "demo", which this app does not declare (the only Repository it declares there is "sample-xtradb-cluster-repo"); the RestoreSession would wait for it forever. '
      + 'Fix: did you mean "sample-xtradb-cluster-repo"? Better, pass the Repository construct (e.g. plan.repository) instead of a name; for one created outside this app, pass { declaredElsewhere: true }.',
    ]);
  });

  test('with several declared, the closest by edit distance is suggested; a backup gets its own consequence', () => {
    const { chart } = app();
    new Repository(chart, 'other', { name: 'orders-repo', backend: Backend.gcs({ bucket: 'stash-backups', prefix: 'demo/orders' }), storageSecretName: 's' });
    new PerconaXtraDbBackup(chart, 'backup', {
      database: 'orders', version: '8.0.36', repository: Repository.fromRepositoryName('order-repo'),
      schedule: Schedule.cron('0 2 * * *'), retentionPolicy: RetentionPolicy.keepLast(5),
    });
    expect(problems(chart)).toEqual([expect.stringContaining('[app/backup] repository.name: names Repository "order-repo" in namespace "demo", which this app does not declare (it declares 2 there; the closest is "orders-repo"); Stash would find no Repository to back up into. Fix: did you mean "orders-repo"?')]);
  });

  test('the declared name, the construct itself, another namespace, a blueprint\'s names and declaredElsewhere are accepted', () => {
    const { chart, plan } = app();
    restore(chart, 'by-name', Repository.fromRepositoryName('sample-xtradb-cluster-repo'));
    restore(chart, 'by-construct', plan.repository);
    // The app declares no Repository in "backups": it cannot know them.
    restore(chart, 'elsewhere', Repository.fromRepositoryName('shared-repo', 'backups'));
    // What Stash names the Repositories it creates from a BackupBlueprint.
    restore(chart, 'blueprint', Repository.fromRepositoryName('app-sample-xtradb'));
    restore(chart, 'blueprint-ns', Repository.fromRepositoryName('demo-app-sample-xtradb'));
    restore(chart, 'by-hand', Repository.fromRepositoryName('made-by-hand', undefined, { declaredElsewhere: true }));
    expect(problems(chart)).toEqual([]);
  });
});

describe('a BackupConfiguration by name', () => {
  test('an InstantBackup of a typo is refused with "did you mean"', () => {
    const { chart } = app();
    new InstantBackup(chart, 'now', { backup: PerconaXtraDbBackup.fromBackupConfigurationName('sample-xtradb-cluster-bakup') });
    expect(problems(chart)).toEqual([
      '[app/now] backup.name: names BackupConfiguration "sample-xtradb-cluster-bakup" in namespace "demo", which this app does not declare (the only BackupConfiguration it declares there is "sample-xtradb-cluster-backup"); the BackupSession would find no invoker and never run. '
      + 'Fix: did you mean "sample-xtradb-cluster-backup"? Better, pass the backup construct (e.g. plan.backup) instead of a name; for one created outside this app, pass { declaredElsewhere: true }.',
    ]);
  });

  test('the declared name, the construct, a blueprint\'s name and another namespace are accepted', () => {
    const { chart, plan } = app();
    new InstantBackup(chart, 'a', { backup: PerconaXtraDbBackup.fromBackupConfigurationName('sample-xtradb-cluster-backup'), name: 'a' });
    new InstantBackup(chart, 'b', { backup: plan.backup, name: 'b' });
    new InstantBackup(chart, 'c', { backup: PerconaXtraDbBackup.fromBackupConfigurationName('app-sample-xtradb'), name: 'c' });
    new InstantBackup(chart, 'd', { backup: PerconaXtraDbBackup.fromBackupConfigurationName('nightly', 'prod'), name: 'd' });
    expect(problems(chart)).toEqual([]);
  });
});
