/**
 * The per-database chart places a release's spread schedules jointly, as a fleet does: its Go
 * template logic, run through real Helm, gives exactly the starts `PerconaXtraDbBackupFleet`
 * gives for the same databases and window, so at most ceil(N / M) + 1 start in one minute of the
 * window, and adding a database moves few others.
 */
import { Chart, Testing } from 'cdk8s';
import { Backend, PerconaXtraDbBackupFleet, RetentionPolicy, ScheduleWindow, Weekday } from '../../src';
import { RELEASE, writeTempBackupChart, writeValuesFile } from '../support/backup-chart';
import { describeWithHelm, findHelm, HelmBinary, KUBE_VERSION, parseManifests, runHelm } from '../support/helm';

interface Db { readonly name: string; readonly namespace: string }

/** Deterministic pseudo-random numbers (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function databases(count: number, seed: number): Db[] {
  const next = random(seed);
  const seen = new Set<string>();
  const out: Db[] = [];
  while (out.length < count) {
    const db = { name: `pxc-${Math.floor(next() * 1e6).toString(36)}`, namespace: `team-${Math.floor(next() * 9)}` };
    // Names are unique in the release (one BackupConfiguration name per database, whatever its namespace).
    if (seen.has(db.name)) continue;
    seen.add(db.name);
    out.push(db);
  }
  return out;
}

interface WindowCase { readonly start: string; readonly end: string; readonly days?: number[] }

/** The copy every database gets with `copies` (defaults.copies in the chart, per database in the fleet). */
const OFFSITE = { name: 'offsite', storageSecretName: 's3-offsite' };

function values(dbs: Db[], window: WindowCase, copies = false): unknown {
  return {
    defaults: {
      version: '8.0.36', storageSecretName: 'gcs-secret', retentionPolicy: { keepLast: 5 },
      backend: { provider: 'gcs', gcs: { bucket: 'fleet' } }, prefix: '${DATABASE_NAMESPACE}/${DATABASE_NAME}',
      schedule: { window },
      ...(copies ? { copies: [{ ...OFFSITE, backend: { provider: 's3', s3: { bucket: 'fleet-offsite' } } }] } : {}),
    },
    databases: dbs,
  };
}

/** The schedule of every BackupConfiguration Helm renders, by `namespace/database`. */
async function chartSchedules(helm: HelmBinary, chartDir: string, dbs: Db[], window: WindowCase, copies = false): Promise<Map<string, string>> {
  const file = writeValuesFile(chartDir, 'placement-values.yaml', values(dbs, window, copies));
  const result = await runHelm(helm, ['template', RELEASE.name, chartDir, '--namespace', RELEASE.namespace, '--kube-version', KUBE_VERSION, '--values', file]);
  if (result.code !== 0) throw new Error(result.stderr);
  return new Map(parseManifests(result.stdout).filter((o) => o.kind === 'BackupConfiguration')
    .map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o.spec.schedule]));
}

/** What a PerconaXtraDbBackupFleet of the same databases in the same window gives. */
function fleetSchedules(dbs: Db[], window: WindowCase, copies = false): Map<string, string> {
  const chart = new Chart(Testing.app(), 'fleet');
  const fleet = new PerconaXtraDbBackupFleet(chart, 'fleet', {
    window: window.days ? ScheduleWindow.weekly({ start: window.start, end: window.end, days: window.days as Weekday[] })
      : ScheduleWindow.daily({ start: window.start, end: window.end }),
    retentionPolicy: RetentionPolicy.keepLast(5), storageSecretName: 'gcs-secret',
    databases: dbs.map((db) => ({
      ...db, version: '8.0.36', backend: Backend.gcs({ bucket: 'fleet', prefix: `${db.namespace}/${db.name}` }),
      copies: copies ? [{ ...OFFSITE, backend: Backend.s3({ bucket: 'fleet-offsite', prefix: `${db.namespace}/${db.name}` }) }] : undefined,
    })),
  });
  const backups = fleet.plans.flatMap((p) => [p.backup, ...p.copies.map((c) => c.backup)]);
  return new Map(backups.map((b) => [`${b.namespace}/${b.name}`, b.apiObject.toJson().spec.schedule]));
}

function busiestMinute(schedules: Map<string, string>): number {
  const count = new Map<string, number>();
  for (const cron of schedules.values()) count.set(cron, (count.get(cron) ?? 0) + 1);
  return Math.max(...count.values());
}

function windowMinutes(w: WindowCase): number {
  const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));
  return ((minutes(w.end) - minutes(w.start) + 1440) % 1440) * Math.max(1, new Set(w.days ?? []).size);
}

describeWithHelm('per-database chart: joint placement of spread schedules (real Helm)', () => {
  let chart: { dir: string; cleanup: () => void };
  beforeAll(() => { chart = writeTempBackupChart(); });
  afterAll(() => chart.cleanup());

  // Seeded cases: daily, across midnight, weekly with unsorted and repeated days, a tight window.
  const cases: Array<[string, number, WindowCase, number]> = [
    ['1000 databases, daily 01:00-05:00', 1000, { start: '01:00', end: '05:00' }, 20261205],
    ['230 databases, daily across midnight 23:30-00:20', 230, { start: '23:30', end: '00:20' }, 7],
    ['300 databases, weekly 22:30-01:10 on Fri, Sun, Wed', 300, { start: '22:30', end: '01:10', days: [5, 0, 3, 0] }, 11],
    ['41 databases in a 7-minute window', 41, { start: '02:00', end: '02:07' }, 3],
  ];

  test.each(cases)('%s: Helm 3 and 4 give the fleet\'s starts, at most ceil(N/M) + 1 in a minute', async (_name, count, window, seed) => {
    const dbs = databases(count, seed);
    const expected = fleetSchedules(dbs, window);
    for (const major of [3, 4] as const) {
      const got = await chartSchedules(findHelm(major), chart.dir, dbs, window);
      expect(got).toEqual(expected);
    }
    expect(busiestMinute(expected)).toBeLessThanOrEqual(Math.ceil(count / windowMinutes(window)) + 1);
  });

  // Copies: each database's copy in the window after the fleet's, placed jointly with the other copies.
  const copyCases: Array<[string, number, WindowCase, number]> = [
    ['500 databases with a copy each, daily 01:00-05:00', 500, { start: '01:00', end: '05:00' }, 500],
    ["120 databases with a copy each, weekly 22:30-01:10 on Sat, Sun, Wed (copies on the next days, Saturday's on Sunday)", 120, { start: '22:30', end: '01:10', days: [6, 0, 3] }, 120],
  ];

  test.each(copyCases)('%s: Helm 3 and 4 give the fleet\'s starts for primaries and copies, at most ceil(N/M) + 1 in a minute across both', async (_name, count, window, seed) => {
    const dbs = databases(count, seed);
    const expected = fleetSchedules(dbs, window, true);
    expect(expected.size).toBe(2 * count);
    for (const major of [3, 4] as const) {
      const got = await chartSchedules(findHelm(major), chart.dir, dbs, window, true);
      expect(got).toEqual(expected);
    }
    // Every start is a fixed minute of a day (and a day of the week): count them all together.
    expect(busiestMinute(expected)).toBeLessThanOrEqual(Math.ceil(count / windowMinutes(window)) + 1);
    // No copy starts inside the primaries' window.
    const copyStarts = [...expected].filter(([key]) => key.endsWith('-copy-offsite-backup')).map(([, cron]) => cron);
    const primaryStarts = new Set([...expected].filter(([key]) => !key.endsWith('-copy-offsite-backup')).map(([, cron]) => cron));
    expect(copyStarts.filter((c) => primaryStarts.has(c))).toEqual([]);
  }, 120000);

  test('adding one database to 200 moves at most a few others, in the chart as in the fleet', async () => {
    const window = { start: '01:00', end: '02:00' };
    const dbs = databases(201, 99);
    const helm = findHelm(4);
    const before = await chartSchedules(helm, chart.dir, dbs.slice(0, 200), window);
    const after = await chartSchedules(helm, chart.dir, dbs, window);
    const moved = [...before].filter(([key, cron]) => after.get(key) !== cron).length;
    expect(moved).toBeLessThanOrEqual(3);
    expect(after).toEqual(fleetSchedules(dbs, window));
  });

  test('the unspread per-database hash would have crowded a minute: the joint placement is what lowers it', async () => {
    const dbs = databases(1000, 20261205);
    const window = ScheduleWindow.daily({ start: '01:00', end: '05:00' });
    const hashed = new Map(dbs.map((db) => [`${db.namespace}/${db.name}`, window.cronFor(`${db.namespace}/${db.name}`)]));
    const placed = fleetSchedules(dbs, { start: '01:00', end: '05:00' });
    expect(busiestMinute(hashed)).toBeGreaterThan(busiestMinute(placed));
  });
});
