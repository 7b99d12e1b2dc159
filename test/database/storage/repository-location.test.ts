/**
 * No two Repositories of an app (plans, fleets, backups, a blueprint's pattern) may share one
 * restic repository location, or nest one inside the other: the check across the app, its
 * messages (both construct paths, the location, the fix) and what it leaves alone.
 */
import { Chart, Testing } from 'cdk8s';
import {
  Backend, LocalVolume, PerconaXtraDbBackupBlueprint, PerconaXtraDbBackupFleet, PerconaXtraDbBackupPlan, Repository,
  RetentionPolicy, Schedule, ScheduleWindow,
} from '../../../src';

function chart(): Chart {
  return new Chart(Testing.app(), 'app', { namespace: 'demo' });
}

function plan(scope: Chart, database: string, backend: Backend, namespace?: string): PerconaXtraDbBackupPlan {
  return new PerconaXtraDbBackupPlan(scope, database, {
    database, namespace, version: '8.0.36', backend, storageSecretName: 'gcs-secret',
    schedule: Schedule.cron('0 1 * * *'), retentionPolicy: RetentionPolicy.keepLast(5),
  });
}

function repo(scope: Chart, id: string, backend: Backend, namespace?: string): Repository {
  return new Repository(scope, id, { name: id, namespace, backend, storageSecretName: 's' });
}

/** The location problems of the app, one string per problem. */
function locationProblems(c: Chart): string[] {
  const errors: string[] = [];
  for (const node of c.node.findAll()) for (const e of node.node.validate()) errors.push(`[${node.node.path}] ${e}`);
  return errors.filter((p) => /repository location/.test(p));
}

describe('two databases in one repository location', () => {
  test('two plans with the same prefix: the later one is refused, naming both paths, the location and the fix', () => {
    const c = chart();
    plan(c, 'orders', Backend.gcs({ bucket: 'stash-backups', prefix: 'demo/shared' }));
    plan(c, 'billing', Backend.gcs({ bucket: 'stash-backups', prefix: 'demo/shared' }));
    expect(locationProblems(c)).toEqual([
      '[app/billing/Repository] backend.gcs.prefix: gives app/billing/Repository the same repository location as app/orders/Repository (gcs:stash-backups/demo/shared), so both would write into one restic repository. Fix: give each database its own prefix (for example "<namespace>/<database>") or its own bucket.',
    ]);
    expect(() => Testing.synth(c)).toThrow(/same repository location/);
  });

  test('two plans without a prefix in one bucket share its root', () => {
    const c = chart();
    plan(c, 'orders', Backend.s3({ bucket: 'stash-backups' }));
    plan(c, 'billing', Backend.s3({ bucket: 'stash-backups', region: 'eu-west-1' }));
    expect(locationProblems(c)).toEqual([expect.stringContaining('[app/billing/Repository] backend.s3.prefix: gives app/billing/Repository the same repository location as app/orders/Repository (s3:s3.amazonaws.com/stash-backups/)')]);
  });

  test.each([
    ['leading and trailing slashes', 'demo/orders', '/demo/orders/'],
    ['a doubled slash at the end', 'demo/orders', 'demo/orders//'],
    ['the endpoint written as a URL', 'demo/orders', 'demo/orders'],
  ])('equal after normalising: %s', (_name, a, b) => {
    const c = chart();
    plan(c, 'orders', Backend.s3({ bucket: 'stash-backups', prefix: a }));
    plan(c, 'billing', Backend.s3({ bucket: 'stash-backups', prefix: b, endpoint: 'https://S3.amazonaws.com/' }));
    expect(locationProblems(c)).toEqual([expect.stringContaining('the same repository location as app/orders/Repository (s3:s3.amazonaws.com/stash-backups/demo/orders)')]);
  });

  test('a prefix that is the parent of another is refused, whichever comes first', () => {
    const parentFirst = chart();
    plan(parentFirst, 'orders', Backend.gcs({ bucket: 'stash-backups', prefix: 'demo' }));
    plan(parentFirst, 'billing', Backend.gcs({ bucket: 'stash-backups', prefix: 'demo/billing' }));
    expect(locationProblems(parentFirst)).toEqual([
      '[app/billing/Repository] backend.gcs.prefix: gives app/billing/Repository a repository location (gcs:stash-backups/demo/billing) inside the one of app/orders/Repository (gcs:stash-backups/demo), so one restic repository would lie inside the other\'s tree. Fix: give each database its own prefix (for example "<namespace>/<database>") or its own bucket.',
    ]);
    const childFirst = chart();
    plan(childFirst, 'billing', Backend.gcs({ bucket: 'stash-backups', prefix: 'demo/billing' }));
    plan(childFirst, 'orders', Backend.gcs({ bucket: 'stash-backups' }));
    expect(locationProblems(childFirst)).toEqual([expect.stringContaining('[app/orders/Repository] backend.gcs.prefix: gives app/orders/Repository a repository location (gcs:stash-backups/) that contains the one of app/billing/Repository (gcs:stash-backups/demo/billing)')]);
  });

  test('siblings, other buckets, other endpoints, other providers and a segment that only starts alike are fine', () => {
    const c = chart();
    plan(c, 'a', Backend.gcs({ bucket: 'stash-backups', prefix: 'demo/orders' }));
    plan(c, 'b', Backend.gcs({ bucket: 'stash-backups', prefix: 'demo/orders-archive' }));
    plan(c, 'c', Backend.gcs({ bucket: 'other-backups', prefix: 'demo/orders' }));
    plan(c, 'd', Backend.s3({ bucket: 'stash-backups', prefix: 'demo/orders', endpoint: 'https://minio.storage.svc:9000' }));
    plan(c, 'e', Backend.s3({ bucket: 'stash-backups', prefix: 'demo/orders' }));
    plan(c, 'f', Backend.azure({ container: 'stash-backups', prefix: 'demo/orders' }));
    expect(locationProblems(c)).toEqual([]);
  });

  test('a standalone Repository, a fleet member and a plan meet in one check', () => {
    const c = chart();
    repo(c, 'legacy', Backend.gcs({ bucket: 'fleet-backups', prefix: 'shop' }));
    new PerconaXtraDbBackupFleet(c, 'fleet', {
      window: ScheduleWindow.daily({ start: '01:00', end: '05:00' }), retentionPolicy: RetentionPolicy.keepDaily(7), storageSecretName: 'gcs-secret',
      databases: [
        { name: 'orders', namespace: 'shop', version: '8.0.36', backend: Backend.gcs({ bucket: 'fleet-backups', prefix: 'shop/orders' }) },
        { name: 'ledger', namespace: 'finance', version: '8.0.36', backend: Backend.gcs({ bucket: 'fleet-backups', prefix: 'finance/ledger' }) },
      ],
    });
    plan(c, 'ledger-copy', Backend.gcs({ bucket: 'fleet-backups', prefix: 'finance/ledger' }));
    expect(locationProblems(c).map((p) => /^\[([^\]]+)\].* (?:as|of) (\S+) \(/.exec(p)!.slice(1))).toEqual([
      ['app/fleet/shop.orders/Repository', 'app/legacy'],
      ['app/ledger-copy/Repository', 'app/fleet/finance.ledger/Repository'],
    ]);
  });

  test('a claim is per namespace; a subPath inside another on the same claim is refused', () => {
    const c = chart();
    const claim = () => LocalVolume.persistentVolumeClaim('backups');
    repo(c, 'a', Backend.local({ volume: claim(), subPath: 'db' }), 'one');
    repo(c, 'b', Backend.local({ volume: claim(), subPath: 'db' }), 'two');
    repo(c, 'c', Backend.local({ volume: claim(), subPath: 'db/nested' }), 'two');
    expect(locationProblems(c)).toEqual([expect.stringContaining('[app/c] backend.local.subPath: gives app/c a repository location (local:two/backups/db/nested) inside the one of app/b (local:two/backups/db)')]);
  });

  test('NFS exports: the export path and the subPath make one path', () => {
    const c = chart();
    repo(c, 'a', Backend.local({ volume: LocalVolume.nfs({ server: 'nfs.storage.svc', path: '/exports/db' }) }));
    repo(c, 'b', Backend.local({ volume: LocalVolume.nfs({ server: 'nfs.storage.svc', path: '/exports' }), subPath: 'db' }));
    expect(locationProblems(c)).toEqual([expect.stringContaining('[app/b] backend.local.subPath: gives app/b the same repository location as app/a (local:nfs.storage.svc/exports/db)')]);
  });

  test('REST servers: the URL path is the location', () => {
    const c = chart();
    repo(c, 'a', Backend.rest({ url: 'https://rest.storage.svc:8000/shop/' }));
    repo(c, 'b', Backend.rest({ url: 'https://REST.storage.svc:8000/shop/orders' }));
    repo(c, 'c', Backend.rest({ url: 'https://rest.storage.svc:8000/shopping' }));
    expect(locationProblems(c)).toEqual([expect.stringContaining('[app/b] backend.rest.url: gives app/b a repository location (rest:https://rest.storage.svc:8000/shop/orders) inside the one of app/a')]);
  });
});

describe('a BackupBlueprint\'s prefix pattern against the app\'s Repositories', () => {
  const blueprint = (c: Chart, prefix: string) => new PerconaXtraDbBackupBlueprint(c, 'blueprint', {
    name: 'pxc', backend: Backend.gcs({ bucket: 'stash-backups', prefix }), storageSecretName: 'gcs-secret',
    schedule: Schedule.cron('0 1 * * *'), retentionPolicy: RetentionPolicy.keepLast(5),
  });

  test('a Repository where the pattern can expand (or above it) is refused on the blueprint, naming them', () => {
    const c = chart();
    plan(c, 'orders', Backend.gcs({ bucket: 'stash-backups', prefix: 'stash/shop/orders' }));
    plan(c, 'root', Backend.gcs({ bucket: 'stash-backups', prefix: 'stash' }));
    blueprint(c, 'stash/${TARGET_NAMESPACE}/${TARGET_NAME}');
    expect(locationProblems(c).filter((p) => p.startsWith('[app/blueprint]'))).toEqual([
      '[app/blueprint] backend.gcs.prefix: "stash/${TARGET_NAMESPACE}/${TARGET_NAME}" can expand to the repository location of app/orders/Repository (gcs:stash-backups/stash/shop/orders), app/root/Repository (gcs:stash-backups/stash) (or one containing or inside it), so a database that opts in to the blueprint could write into that restic repository. Fix: give the blueprint\'s repositories a root of their own (for example "auto/${TARGET_NAMESPACE}/${TARGET_NAME}"), or move the other prefixes out of it.',
    ]);
  });

  test('a variable inside a segment matches only what the literal part allows', () => {
    const c = chart();
    plan(c, 'orders', Backend.gcs({ bucket: 'stash-backups', prefix: 'stash/shop/orders' }));
    blueprint(c, 'stash/${TARGET_NAMESPACE}/pxc-${TARGET_NAME}');
    expect(locationProblems(c)).toEqual([]);
    const other = chart();
    plan(other, 'orders', Backend.gcs({ bucket: 'stash-backups', prefix: 'stash/shop/pxc-orders/x' }));
    blueprint(other, 'stash/${TARGET_NAMESPACE}/pxc-${TARGET_NAME}');
    expect(locationProblems(other)).toHaveLength(1);
  });

  test('a blueprint with its own root, or in another bucket, is fine', () => {
    const c = chart();
    plan(c, 'orders', Backend.gcs({ bucket: 'stash-backups', prefix: 'stash/shop/orders' }));
    blueprint(c, 'auto/${TARGET_NAMESPACE}/${TARGET_NAME}');
    expect(locationProblems(c)).toEqual([]);
  });
});

test('10,000 Repositories are checked in one pass', () => {
  const c = chart();
  for (let i = 0; i < 10000; i++) repo(c, `r${i}`, Backend.gcs({ bucket: 'fleet-backups', prefix: `team-${i % 10}/db-${i}` }));
  repo(c, 'late', Backend.gcs({ bucket: 'fleet-backups', prefix: 'team-3/db-3' }));
  const started = Date.now();
  expect(locationProblems(c)).toEqual([expect.stringContaining('[app/late] backend.gcs.prefix: gives app/late the same repository location as app/r3')]);
  // Quadratic would be 10^8 comparisons; one pass takes well under a few seconds even on a busy machine.
  expect(Date.now() - started).toBeLessThan(20000);
});
