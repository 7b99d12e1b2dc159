import { Chart, Testing } from 'cdk8s';
import { Backend, PerconaXtraDbBackup, PerconaXtraDbBackupFleet, Repository, RetentionPolicy, Schedule } from '../../../src';
import { ScheduleWindow, stableHash, Weekday } from '../../../src/database/backups/schedule-window';

/** Minutes after midnight of a daily cron `M H * * *`. */
function minuteOf(cron: string): number {
  const [m, h] = cron.split(' ').map(Number);
  return h * 60 + m;
}

const fleet = Array.from({ length: 500 }, (_, i) => `databases/pxc-${String(i).padStart(3, '0')}`);

describe('ScheduleWindow', () => {
  test('daily 01:00-05:00 gives every database a start inside the window', () => {
    const window = ScheduleWindow.daily({ start: '01:00', end: '05:00' });
    for (const key of fleet) {
      const cron = window.cronFor(key);
      expect(cron).toMatch(/^\d{1,2} \d{1,2} \* \* \*$/);
      expect(minuteOf(cron)).toBeGreaterThanOrEqual(60);
      expect(minuteOf(cron)).toBeLessThan(300);
    }
  });

  test('the same input always gives the same schedule', () => {
    const a = ScheduleWindow.daily({ start: '01:00', end: '05:00' });
    const b = ScheduleWindow.daily({ start: '01:00', end: '05:00' });
    expect(fleet.map((k) => a.cronFor(k))).toEqual(fleet.map((k) => b.cronFor(k)));
    // Pinned values: a change of the hash would reschedule every database of every user.
    expect(stableHash('')).toBe(0xe3b0c442);
    expect(a.cronFor('prod/orders')).toBe('46 2 * * *');
  });

  test('500 databases spread evenly: each hour of the window within ±20% of the mean', () => {
    const window = ScheduleWindow.daily({ start: '01:00', end: '05:00' });
    const buckets = new Array(4).fill(0);
    for (const key of fleet) buckets[Math.floor((minuteOf(window.cronFor(key)) - 60) / 60)]++;
    const mean = fleet.length / buckets.length;
    for (const count of buckets) {
      expect(count).toBeGreaterThanOrEqual(mean * 0.8);
      expect(count).toBeLessThanOrEqual(mean * 1.2);
    }
  });

  test('no minute gets more than a handful of the 500 starts (unspread: all 500)', () => {
    const window = ScheduleWindow.daily({ start: '01:00', end: '05:00' });
    const perMinute = new Map<string, number>();
    for (const key of fleet) perMinute.set(window.cronFor(key), (perMinute.get(window.cronFor(key)) ?? 0) + 1);
    expect(Math.max(...perMinute.values())).toBeLessThanOrEqual(8);
  });

  test('a window across midnight stays inside it', () => {
    const window = ScheduleWindow.daily({ start: '23:00', end: '01:00' });
    for (const key of fleet) {
      const m = minuteOf(window.cronFor(key));
      expect(m >= 23 * 60 || m < 60).toBe(true);
    }
  });

  test('weekly windows spread over the given days', () => {
    const window = ScheduleWindow.weekly({ start: '02:00', end: '04:00', days: [Weekday.SATURDAY, Weekday.SUNDAY] });
    const days = new Map<string, number>();
    for (const key of fleet) {
      const cron = window.cronFor(key);
      const day = cron.split(' ')[4];
      days.set(day, (days.get(day) ?? 0) + 1);
    }
    expect([...days.keys()].sort()).toEqual(['0', '6']);
    for (const count of days.values()) expect(count).toBeGreaterThan(200);
  });

  test('bad windows are reported by the constructs that use them, with the field and the fix', () => {
    expect(ScheduleWindow.daily({ start: '1am', end: '05:00' }).problems('window')).toEqual(['window.start: "1am" is not a time of day. Fix: write it as HH:MM, e.g. "01:30".']);
    expect(ScheduleWindow.daily({ start: '02:00', end: '02:00' }).problems('window')).toEqual(['window.end: is the same time as start. Fix: give a window of at least one minute (end is exclusive).']);
    expect(ScheduleWindow.weekly({ start: '02:00', end: '03:00', days: [] }).problems('w')).toEqual(['w.days: is empty. Fix: name at least one Weekday, e.g. [Weekday.SUNDAY].']);
    expect(ScheduleWindow.weekly({ start: '02:00', end: '03:00', days: [7 as Weekday] }).problems('w')[0]).toMatch(/^w\.days: contains 7\. Fix: use the Weekday enum/);
    expect(ScheduleWindow.daily({ start: '01:00', end: '05:00' }).problems('window')).toEqual([]);

    const chart = new Chart(Testing.app(), 'c', { namespace: 'demo' });
    const bad = ScheduleWindow.daily({ start: '25:00', end: '05:00' });
    new PerconaXtraDbBackup(chart, 'one', {
      database: 'db', version: '8.0.36', repository: Repository.fromRepositoryName('repo'),
      schedule: Schedule.spread(bad), retentionPolicy: RetentionPolicy.keepLast(3),
    });
    new PerconaXtraDbBackupFleet(chart, 'fleet', {
      window: bad, retentionPolicy: RetentionPolicy.keepDaily(7), storageSecretName: 's',
      databases: [{ name: 'db2', namespace: 'demo', version: '8.0.36', backend: Backend.gcs({ bucket: 'bucket', prefix: 'db2' }) }],
    });
    expect(() => Testing.synth(chart)).toThrow(/\[c\/one\] schedule\.window\.start: "25:00" is not a time of day\. Fix: write it as HH:MM[\s\S]*\[c\/fleet\] window\.start: "25:00" is not a time of day/);
  });
});
