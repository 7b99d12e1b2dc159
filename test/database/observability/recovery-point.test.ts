/**
 * The recovery point objective of a schedule: the longest gap between two consecutive runs.
 */
import { Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import {
  Backend, PerconaXtraDbBackupBlueprint, PerconaXtraDbBackupFleet, PerconaXtraDbBackupPlan, recoveryPointObjective, parseCron,
  RetentionPolicy, Schedule, ScheduleWindow, Weekday,
} from '../../../src';

const hours = (expression: string) => recoveryPointObjective(expression)?.toHours({ integral: false });

describe('recoveryPointObjective', () => {
  test.each([
    ['0 1 * * *', 24],
    ['*/5 * * * *', 5 / 60],
    ['0 */6 * * *', 6],
    ['0 1 * * 1-5', 72], // Friday 01:00 to Monday 01:00
    ['0 1 * * MON-FRI', 72],
    ['30 2,14 * * *', 12],
    ['0 22 * * *', 24],
    ['0 0,20 * * *', 20],
    ['@daily', 24],
    ['@hourly', 1],
    ['@weekly', 168],
    ['@every 6h', 6],
    ['@every 90m', 1.5],
    ['0 0 1 * *', 31 * 24], // the 1st of a 31-day month to the next 1st
    ['30 2 1,15 * *', 17 * 24], // the 15th to the 1st after a 31-day month
    ['0 0 * 1 *', 336 * 24], // January only: Jan 31 to Jan 1 of the next year
    ['0 0 29 2 *', 8 * 365 * 24 + 24], // leap days, across 2100 (no leap day): 8 years
    ['0 0 */2 * 1', 48], // both day fields restricted: odd days OR Mondays
    ['0 0 1 * 1', 7 * 24], // the 1st OR Mondays: never more than a week
    ['0 0 * * 1', 168],
  ])('%s → %sh', (expression, expected) => {
    expect(hours(expression)).toBeCloseTo(expected, 6);
  });

  test('invalid expressions have none', () => {
    expect(recoveryPointObjective('61 * * * *')).toBeUndefined();
    expect(recoveryPointObjective('@every')).toBeUndefined();
    expect(recoveryPointObjective('0 0 30 2 *')).toBeUndefined();
  });

  test('matches a brute-force walk over minutes for weekday crons (property)', () => {
    // The walk: every minute of two weeks, from a Monday; the longest gap between matches.
    const walk = (expression: string): number => {
      const cron = parseCron(expression)!;
      const runs: number[] = [];
      for (let m = 0; m < 2 * 7 * 1440; m++) {
        const weekday = (1 + Math.floor(m / 1440)) % 7;
        const minuteOfDay = m % 1440;
        if (cron.daysOfWeek.has(weekday) && cron.hours.has(Math.floor(minuteOfDay / 60)) && cron.minutes.has(minuteOfDay % 60)) runs.push(m);
      }
      let longest = 0;
      for (let i = 1; i < runs.length; i++) longest = Math.max(longest, runs[i] - runs[i - 1]);
      return longest;
    };
    const subset = (min: number, max: number) => fc.uniqueArray(fc.integer({ min, max }), { minLength: 1, maxLength: 4 }).map((v) => v.sort((a, b) => a - b).join(','));
    fc.assert(fc.property(subset(0, 59), subset(0, 23), subset(0, 6), (minutes, hoursField, days) => {
      const expression = `${minutes} ${hoursField} * * ${days}`;
      expect(recoveryPointObjective(expression)!.toMinutes()).toBe(walk(expression));
    }), { numRuns: 30 });
  });
});

describe('rpo on the constructs', () => {
  const backend = Backend.gcs({ bucket: 'b', prefix: 'p/${TARGET_NAME}' });

  test('a plan exposes its backup\'s RPO; a weekday-only schedule covers the weekend', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
    const plan = new PerconaXtraDbBackupPlan(chart, 'orders', {
      database: 'orders', version: '8.0.36', backend, storageSecretName: 's',
      schedule: Schedule.cron('0 1 * * 1-5'), retentionPolicy: RetentionPolicy.keepLast(5),
    });
    expect(plan.rpo.toHours()).toBe(72);
    expect(plan.backup.rpo.toHours()).toBe(72);
  });

  test('a spread schedule\'s RPO is that of the cron it resolves to', () => {
    const chart = new Chart(Testing.app(), 'test');
    const fleet = new PerconaXtraDbBackupFleet(chart, 'fleet', {
      window: ScheduleWindow.daily({ start: '01:00', end: '05:00' }),
      retentionPolicy: RetentionPolicy.keepDaily(7), storageSecretName: 's',
      databases: ['a', 'b', 'c'].map((name) => ({ name, namespace: 'ns', version: '8.0.36', backend: Backend.gcs({ bucket: 'b', prefix: name }) })),
    });
    for (const plan of fleet.plans) {
      expect(plan.backup.rpo.toMinutes()).toBe(recoveryPointObjective(plan.backup.scheduleExpression)!.toMinutes());
      expect(plan.backup.rpo.toHours()).toBe(24);
    }
    expect(fleet.rpo.toHours()).toBe(24);
    // A weekly window gives each database one of its days: a week between runs.
    const weekly = Schedule.spread(ScheduleWindow.weekly({ start: '01:00', end: '05:00', days: [Weekday.SUNDAY, Weekday.WEDNESDAY] }));
    expect(recoveryPointObjective(weekly.expressionFor({ namespace: 'ns', name: 'a' }))!.toHours()).toBe(168);
  });

  test('a blueprint gives the RPO of its schedule for each database', () => {
    const chart = new Chart(Testing.app(), 'test');
    const blueprint = new PerconaXtraDbBackupBlueprint(chart, 'bp', {
      name: 'bp', backend, storageSecretName: 's',
      schedule: Schedule.cron('0 */4 * * *'), retentionPolicy: RetentionPolicy.keepLast(5),
    });
    expect(blueprint.rpoFor({ namespace: 'shop', name: 'orders' }).toHours()).toBe(4);
  });
});
