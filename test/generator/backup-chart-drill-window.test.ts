/**
 * The chart's check that a drill starts outside its database's backup window, against the
 * constructs' (`firstClash` in the drill construct): for generated backup and drill crons (lists,
 * ranges, steps, names, macros, `@every`, day-of-month against day-of-week) and backup durations,
 * Helm refuses exactly the values the constructs refuse, with the same message line.
 */
import * as fc from 'fast-check';
import * as path from 'path';
import { cronViolation } from '../../src/core/validation/cron';
import { constructRender, helmRender, writeTempBackupChart, writeValuesFile } from '../support/backup-chart';
import { findHelm } from '../support/helm';

const field = (max: number, min: number, words: string[] = []): fc.Arbitrary<string> => fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min, max }).map(String) },
  { weight: 2, arbitrary: fc.constant('*') },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('*', String(min), '?'), fc.integer({ min: 1, max: Math.min(max - min + 1, 20) })).map(([a, s]) => `${a}/${s}`) },
  { weight: 1, arbitrary: fc.array(fc.integer({ min, max }), { minLength: 2, maxLength: 3 }).map((a) => a.join(',')) },
  { weight: words.length ? 1 : 0, arbitrary: fc.constantFrom(...(words.length ? words : ['*'])) },
);
// Hours and days narrow enough that both clashes and free drills are common.
const CRON = fc.tuple(field(59, 0), field(23, 0), fc.constantFrom('*', '*', '*', '1', '15', '1-7', '*/1'), fc.constantFrom('*', '*', 'jan-jun'),
  field(6, 0, ['MON-FRI', 'sat', 'SUN', 'sun,wed'])).map((f) => f.join(' '));
const SAMPLES: Array<[string, string, string]> = [...fc.sample(fc.tuple(
  fc.oneof({ weight: 6, arbitrary: CRON }, { weight: 1, arbitrary: fc.constantFrom('@daily', '@hourly', '@weekly', '@every 6h', '*/30 * * * *') }),
  fc.oneof({ weight: 6, arbitrary: CRON }, { weight: 1, arbitrary: fc.constantFrom('@daily', '@weekly', '@every 168h', '0 * * * *') }),
  fc.constantFrom('1m', '30m', '1h', '90m', '3h', '24h', '200h'),
), { numRuns: 70, seed: 19 }),
// Hand-picked edges: a drill at a backup's start, at its last busy minute and at the first free
// one; a window across midnight of Saturday into Sunday; backups that leave no free minute.
['0 2 * * *', '0 2 * * 6', '1h'], ['0 2 * * *', '59 2 * * 6', '1h'], ['0 2 * * *', '0 3 * * 6', '1h'],
['30 23 * * 6', '15 0 * * 0', '1h'], ['*/30 * * * *', '0 12 * * 6', '30m'], ['*/30 * * * *', '0 12 * * 6', '29m'],
['0 1 15 * *', '30 1 * * 3', '1h'], ['0 1 15 * mon', '30 1 * * 3', '1h'], ['0 1 * * mon', '30 1 * * 3', '1h'],
].filter(([b, d]) => cronViolation(b) === undefined && cronViolation(d) === undefined) as Array<[string, string, string]>;

const WHERE = 'databases[0].drill.schedule';

describe('stash-pxc-backup: a drill inside the backup window is refused by both front ends, with the same message', () => {
  const chart = writeTempBackupChart();
  afterAll(() => chart.cleanup());
  const outcomes: boolean[] = [];

  test.each(SAMPLES)('backup %s, drill %s, backupDuration %s', async (backup, drill, busy) => {
    const values = {
      defaults: { version: '8.0.36', backend: { provider: 'gcs', gcs: { bucket: 'acme-db-backups' } }, storageSecretName: 's', retentionPolicy: { keepLast: 1 } },
      databases: [{ name: 'orders', schedule: { cron: backup }, drill: { enabled: true, schedule: { cron: drill }, backupDuration: busy } }],
    };
    const file = writeValuesFile(path.dirname(chart.dir), `window-${SAMPLES.findIndex((s) => s[0] === backup && s[1] === drill && s[2] === busy)}.yaml`, values);
    const line = (text: string | undefined) => (text ?? '').split('\n').map((l) => l.trim()).find((l) => l.startsWith(`${WHERE}: `));
    const constructs = constructRender(file);
    const helm = await helmRender(findHelm(4), chart.dir, file);
    // Nothing else is wrong with these values: either both render, or both name the clash.
    expect({ constructsError: constructs.error !== undefined && line(constructs.error) === undefined }).toEqual({ constructsError: false });
    expect({ backup, drill, busy, helm: line(helm.error) }).toEqual({ backup, drill, busy, helm: line(constructs.error) });
    expect(helm.objects !== undefined).toBe(constructs.objects !== undefined);
    outcomes.push(constructs.error !== undefined);
  }, 30000);

  test('the samples hold both drills inside and outside the window', () => {
    expect(outcomes.length).toBe(SAMPLES.length);
    expect(outcomes.filter((x) => x).length).toBeGreaterThan(10);
    expect(outcomes.filter((x) => !x).length).toBeGreaterThan(10);
  });
});
