/**
 * Schedule.spread and PerconaXtraDbBackupFleet: many databases under one policy, their starts
 * spread deterministically over one window.
 */
import { Chart, Duration, Testing } from 'cdk8s';
import {
  Backend, PerconaXtraDbBackup, PerconaXtraDbBackupFleet, Repository, RetentionPolicy, Schedule, ScheduleWindow,
} from '../../../src';

const nightly = ScheduleWindow.daily({ start: '01:00', end: '05:00' });

function fleetOf(count: number): PerconaXtraDbBackupFleet['plans'][number]['backup'][] {
  const chart = new Chart(Testing.app(), 'fleet');
  const fleet = new PerconaXtraDbBackupFleet(chart, 'fleet', {
    window: nightly,
    retentionPolicy: RetentionPolicy.keepDaily(7),
    storageSecretName: 'gcs-secret',
    databases: Array.from({ length: count }, (_, i) => ({
      name: `pxc-${i}`,
      namespace: `team-${i % 7}`,
      version: '8.0.36',
      backend: Backend.gcs({ bucket: 'fleet-backups', prefix: `team-${i % 7}/pxc-${i}` }),
    })),
  });
  return fleet.plans.map((p) => p.backup);
}

function schedulesOf(chart: Chart): string[] {
  return Testing.synth(chart).filter((o) => o.kind === 'BackupConfiguration').map((o) => o.spec.schedule);
}

describe('Schedule.spread', () => {
  test('a backup gets the cron its window gives its namespace/name', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'prod' });
    const repository = new Repository(chart, 'repo', {
      name: 'orders-repo', backend: Backend.gcs({ bucket: 'prod-backups', prefix: 'prod/orders' }), storageSecretName: 'gcs-secret',
    });
    new PerconaXtraDbBackup(chart, 'backup', {
      database: 'orders', version: '8.0.36', repository,
      schedule: Schedule.spread(nightly),
      retentionPolicy: RetentionPolicy.keepLast(5),
    });
    expect(schedulesOf(chart)).toEqual([nightly.cronFor('prod/orders')]);
  });

  test('the same database in another namespace may start at another time', () => {
    const crons = ['a', 'b', 'c', 'd', 'e'].map((ns) => Schedule.spread(nightly).expressionFor({ namespace: ns, name: 'orders' }));
    expect(new Set(crons).size).toBeGreaterThan(1);
  });
});

describe('PerconaXtraDbBackupFleet', () => {
  test('500 databases: one plan each, all inside the window, at most ceil(500/240) = 3 per minute', () => {
    const chart = new Chart(Testing.app(), 'fleet');
    new PerconaXtraDbBackupFleet(chart, 'fleet', {
      window: nightly,
      retentionPolicy: RetentionPolicy.keepDaily(7),
      storageSecretName: 'gcs-secret',
      databases: Array.from({ length: 500 }, (_, i) => ({
        name: `pxc-${i}`, namespace: `team-${i % 7}`, version: '8.0.36',
        backend: Backend.gcs({ bucket: 'fleet-backups', prefix: `team-${i % 7}/pxc-${i}` }),
      })),
    });
    const schedules = schedulesOf(chart);
    expect(schedules).toHaveLength(500);
    const perMinute = new Map<string, number>();
    for (const cron of schedules) {
      const [minute, hour] = cron.split(' ').map(Number);
      expect(hour * 60 + minute).toBeGreaterThanOrEqual(60);
      expect(hour * 60 + minute).toBeLessThan(300);
      perMinute.set(cron, (perMinute.get(cron) ?? 0) + 1);
    }
    expect(Math.max(...perMinute.values())).toBeLessThanOrEqual(3);
  });

  test('the crons are those ScheduleWindow.place gives the fleet, whatever the order of the list', () => {
    const databases = Array.from({ length: 300 }, (_, i) => ({
      name: `pxc-${i}`, namespace: `team-${i % 7}`, version: '8.0.36',
      expectedDuration: i % 10 === 0 ? Duration.hours(1) : undefined,
      backend: Backend.gcs({ bucket: 'fleet-backups', prefix: `team-${i % 7}/pxc-${i}` }),
    }));
    const scheduleByKey = (list: typeof databases): Map<string, string> => {
      const chart = new Chart(Testing.app(), 'fleet');
      new PerconaXtraDbBackupFleet(chart, 'fleet', {
        window: nightly, retentionPolicy: RetentionPolicy.keepDaily(7), storageSecretName: 'gcs-secret', databases: list,
      });
      return new Map(Testing.synth(chart).filter((o) => o.kind === 'BackupConfiguration')
        .map((o) => [`${o.metadata.namespace}/${o.spec.target.ref.name}`, o.spec.schedule]));
    };
    const placed = nightly.place(databases.map((db) => ({ key: `${db.namespace}/${db.name}`, expectedDuration: db.expectedDuration })));
    const expected = new Map(databases.map((db, i) => [`${db.namespace}/${db.name}`, placed[i]]));
    expect(scheduleByKey(databases)).toEqual(expected);
    expect(scheduleByKey([...databases].reverse())).toEqual(expected);
  });

  test('every database gets its own Repository and BackupConfiguration in its namespace', () => {
    const backups = fleetOf(3);
    expect(backups.map((b) => b.node.path)).toEqual([
      'fleet/fleet/team-0.pxc-0/Backup', 'fleet/fleet/team-1.pxc-1/Backup', 'fleet/fleet/team-2.pxc-2/Backup',
    ]);
  });

  test('a database listed twice or an empty list is refused with the fix', () => {
    const chart = new Chart(Testing.app(), 'fleet');
    const db = { name: 'orders', namespace: 'shop', version: '8.0.36', backend: Backend.gcs({ bucket: 'b', prefix: 'shop/orders' }) };
    new PerconaXtraDbBackupFleet(chart, 'dup', {
      window: nightly, retentionPolicy: RetentionPolicy.keepLast(3), storageSecretName: 's', databases: [db, db],
    });
    expect(() => Testing.synth(chart)).toThrow(/fleet\/dup.*databases: lists shop\/orders more than once\. Fix: list each database once\./);
    const empty = new Chart(Testing.app(), 'empty');
    new PerconaXtraDbBackupFleet(empty, 'none', {
      window: nightly, retentionPolicy: RetentionPolicy.keepLast(3), storageSecretName: 's', databases: [],
    });
    expect(() => Testing.synth(empty)).toThrow(/databases: is empty\. Fix: list at least one database\./);
  });

  test('an expectedDuration that is not a Duration (from JavaScript) is reported, not thrown', () => {
    const chart = new Chart(Testing.app(), 'fleet');
    new PerconaXtraDbBackupFleet(chart, 'sized', {
      window: nightly, retentionPolicy: RetentionPolicy.keepLast(3), storageSecretName: 's',
      databases: [{ name: 'orders', namespace: 'shop', version: '8.0.36', backend: Backend.gcs({ bucket: 'b', prefix: 'shop/orders' }), expectedDuration: 30 as any }],
    });
    expect(() => Testing.synth(chart)).toThrow(/fleet\/sized.*databases\[0\]\.expectedDuration: 30 is not a Duration\. Fix: use Duration\.minutes\(n\)/);
  });
});
