/**
 * The chart's hand-written cron check against the constructs' (`Schedule.cron`): for generated
 * expressions, valid and broken (numbers out of range, reversed ranges, zero and oversized
 * steps, unknown words, days no month has with months as numbers, ranges, steps or names,
 * "@every" with a missing or doubled space or a duration that is malformed, not positive or
 * beyond Go's range), Helm refuses exactly the ones the constructs refuse.
 */
import * as fc from 'fast-check';
import * as path from 'path';
import { cronViolation } from '../../src/core/validation/cron';
import { constructRender, helmRender, normalizeHelmPaths, writeTempBackupChart, writeValuesFile } from '../support/backup-chart';
import { findHelm } from '../support/helm';

// Mostly in range (so that whole expressions are often valid), sometimes just outside.
const num = (max: number): fc.Arbitrary<number> => fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: max + 3 }) });
const atom = (max: number): fc.Arbitrary<string> => fc.oneof(
  { weight: 3, arbitrary: fc.constant('*') },
  { weight: 2, arbitrary: num(max).map(String) },
  { weight: 1, arbitrary: fc.tuple(num(max), num(max)).map(([a, b]) => `${a}-${b}`) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('*', '1'), num(max)).map(([a, s]) => `${a}/${s}`) },
);
const field = (max: number, words: string[] = []): fc.Arbitrary<string> => fc.oneof(
  { weight: 4, arbitrary: atom(max) },
  { weight: 1, arbitrary: fc.array(atom(max), { minLength: 2, maxLength: 3 }).map((a) => a.join(',')) },
  { weight: words.length ? 1 : 0, arbitrary: fc.constantFrom(...(words.length ? words : ['*'])) },
);
const CRON = fc.tuple(field(59), field(23), field(31), field(12, ['JAN', 'feb', 'FEB-JAN', 'Foo']), field(6, ['MON-FRI', 'sun', 'FRI-MON', 'Bar']))
  .map((f) => f.join(' '));

// "Never fires" with months as lists, ranges, steps and names (the day-of-month as a list, range or step).
const MONTHS = fc.constantFrom('2', 'feb', 'FEB', '2,4', 'apr-jun', 'APR-JUN,SEP', 'sep,nov', 'jan-feb', '4-6/2', 'feb/2', '*/2', 'jan-dec/3', '11-12', 'jul');
const DAYS = fc.constantFrom('28', '29', '30', '31', '30-31', '31,30', '30/2', '29-31/2', '15,31');
const NEVER = fc.tuple(DAYS, MONTHS, fc.constantFrom('*', '?', 'MON')).map(([d, m, w]) => `0 0 ${d} ${m} ${w}`);
// "@every" with zero, one or two spaces and durations valid, malformed, non-positive and beyond Go's range.
const EVERY = fc.tuple(
  fc.constantFrom('@every ', '@every ', '@every ', '@every', '@every  '),
  fc.constantFrom('5m', '1h30m', '1.5h', '.5h', '+5m', '90s', '100us', '500µs', '250ms', '0s', '-5m', '0.0h', '5x', '5', 'h', '2562047h', '2562048h', '99999999h', '1h-5m'),
).map(([e, d]) => `${e}${d}`);

// A fixed seed: the same expressions every run (a failure names the expression).
const SAMPLES = [...new Set([
  ...fc.sample(CRON, { numRuns: 60, seed: 42 }),
  ...fc.sample(NEVER, { numRuns: 30, seed: 7 }),
  ...fc.sample(EVERY, { numRuns: 30, seed: 7 }),
  '0 0 30 2 *', '0 0 31 4,6 *', '0 0 29 2 *', '5-2 * * * *', '*/60 * * * *',
  '0 0 31 2 *', '0 0 30 feb *', '0 0 31 apr-jun,sep *', '0 0 30 FEB-MAR *', '0 0 31 feb ?', '0 0 31 2 MON', '0 0 30-31 2 *', '0 0 29-31 feb,apr *',
  '@every 6h', '@every5m', '@every  5m', '@every', '@every ', '@every 0s', '@every -1h', '@every 2562048h', '@every 1h30m', ' @daily ', '@Daily', '@every 1.5µs',
])];

/** Hand-picked expressions, each rendered by Helm 3 too. */
const HAND_PICKED = SAMPLES.slice(SAMPLES.indexOf('0 0 30 2 *'));

describe('stash-pxc-backup: the chart refuses the crons the constructs refuse', () => {
  const chart = writeTempBackupChart();
  afterAll(() => chart.cleanup());

  test('the samples hold both valid and invalid expressions', () => {
    const invalid = SAMPLES.filter((c) => cronViolation(c) !== undefined).length;
    expect(invalid).toBeGreaterThan(10);
    expect(SAMPLES.length - invalid).toBeGreaterThan(10);
    const never = SAMPLES.filter((c) => cronViolation(c)?.includes('never fires')).length;
    const every = SAMPLES.filter((c) => c.startsWith('@every'));
    expect(never).toBeGreaterThan(5);
    expect(every.filter((c) => cronViolation(c) === undefined).length).toBeGreaterThan(3);
    expect(every.filter((c) => cronViolation(c) !== undefined).length).toBeGreaterThan(5);
  });

  test.each(SAMPLES)('%s', async (cron) => {
    const values = {
      defaults: { version: '8.0.36', backend: { provider: 'gcs', gcs: { bucket: 'acme-db-backups' } }, storageSecretName: 's', retentionPolicy: { keepLast: 1 } },
      databases: [{ name: 'db', schedule: { cron } }],
    };
    const file = writeValuesFile(path.dirname(chart.dir), `cron-${SAMPLES.indexOf(cron)}.yaml`, values);
    const constructs = constructRender(file);
    for (const version of (HAND_PICKED.includes(cron) ? [3, 4] : [4]) as Array<3 | 4>) {
      const helm = await helmRender(findHelm(version), chart.dir, file);
      expect({ cron, version, helmRefuses: helm.error !== undefined }).toEqual({ cron, version, helmRefuses: constructs.error !== undefined });
      if (helm.error) expect(normalizeHelmPaths(helm.error)).toContain('databases[0].schedule');
    }
  }, 30000);
});
