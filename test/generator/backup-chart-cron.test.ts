/**
 * The chart's hand-written cron check against the constructs' (`Schedule.cron`): for generated
 * expressions, valid and broken (numbers out of range, reversed ranges, zero and oversized
 * steps, unknown words, days no month has), Helm refuses exactly the ones the constructs refuse.
 */
import * as fc from 'fast-check';
import * as path from 'path';
import { cronViolation } from '../../src/core/validation/cron';
import { constructRender, helmRender, writeTempBackupChart, writeValuesFile } from '../support/backup-chart';
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

// A fixed seed: the same 60 expressions every run (a failure names the expression).
const SAMPLES = [...new Set([...fc.sample(CRON, { numRuns: 60, seed: 42 }), '0 0 30 2 *', '0 0 31 4,6 *', '0 0 29 2 *', '5-2 * * * *', '*/60 * * * *'])];

describe('stash-pxc-backup: the chart refuses the crons the constructs refuse', () => {
  const chart = writeTempBackupChart();
  afterAll(() => chart.cleanup());

  test('the samples hold both valid and invalid expressions', () => {
    const invalid = SAMPLES.filter((c) => cronViolation(c) !== undefined).length;
    expect(invalid).toBeGreaterThan(10);
    expect(SAMPLES.length - invalid).toBeGreaterThan(10);
  });

  test.each(SAMPLES)('%s', async (cron) => {
    const values = {
      defaults: { version: '8.0.36', backend: { provider: 'gcs', gcs: { bucket: 'acme-db-backups' } }, storageSecretName: 's', retentionPolicy: { keepLast: 1 } },
      databases: [{ name: 'db', schedule: { cron } }],
    };
    const file = writeValuesFile(path.dirname(chart.dir), `cron-${SAMPLES.indexOf(cron)}.yaml`, values);
    const constructs = constructRender(file);
    const helm = await helmRender(findHelm(4), chart.dir, file);
    expect({ cron, helmRefuses: helm.error !== undefined }).toEqual({ cron, helmRefuses: constructs.error !== undefined });
    if (helm.error) expect(helm.error).toContain('databases[0].schedule');
  }, 30000);
});
