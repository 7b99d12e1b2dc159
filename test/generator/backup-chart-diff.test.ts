/**
 * The differential test of the per-database chart: every values file under test/values/backup/,
 * the chart's ci/ files and a generated 200-database fleet are rendered by real Helm 3 and
 * Helm 4 and built through the constructs (the values model); the objects must be the same
 * (same kinds, names, namespaces, labels, annotations and specs; parsed JSON with keys sorted).
 */
import * as fs from 'fs';
import * as path from 'path';
import { ciValuesFiles } from '../../generator/backup-chart/ci-values';
import { byKey, constructRender, helmRender, writeTempBackupChart, writeValuesFile } from '../support/backup-chart';
import { findHelm, HelmBinary } from '../support/helm';
import { manifestProblems } from '../../src';
import { describeWithReference, REPO_ROOT, upstreamCrds } from '../support/reference';

const VALUES_DIR = path.join(REPO_ROOT, 'test', 'values', 'backup');

/** A fleet of `n` databases over 10 namespaces, a spread window, and a few overrides. */
function fleet(n: number): any {
  return {
    defaults: {
      version: '8.0.36',
      backend: { provider: 'gcs', gcs: { bucket: 'fleet-backups' } },
      storageSecretName: 'gcs-secret',
      schedule: { window: { start: '20:00', end: '06:00' } },
      retentionPolicy: { keepDaily: 14 },
    },
    databases: Array.from({ length: n }, (_, i) => ({
      name: `db-${String(i).padStart(3, '0')}`,
      namespace: `team-${i % 10}`,
      ...(i % 25 === 0 ? { schedule: { window: { start: '00:00', end: '04:00', days: [0, 3] } } } : {}),
      ...(i % 40 === 1 ? { enabled: false } : {}),
    })),
  };
}

/** The same fleet with a copy of every database (defaults), one database with two of its own, placed after the window. */
function fleetWithCopies(n: number): any {
  const f = fleet(n);
  f.defaults.copies = [{ name: 'offsite', backend: { provider: 's3', s3: { bucket: 'fleet-offsite', region: 'eu-central-1' } }, storageSecretName: 's3-offsite' }];
  f.defaults.expectedDuration = '40m';
  f.databases[7].copies = [
    { name: 'offsite', backend: { provider: 's3', s3: { bucket: 'fleet-offsite', region: 'eu-central-1' } }, storageSecretName: 's3-offsite', retentionPolicy: { keepDaily: 30 } },
    { name: 'nas', backend: { provider: 'local', local: { nfs: { server: 'nas.example.com', path: '/exports' } } }, storageSecretName: 'nas', schedule: { cron: '0 12 * * *' } },
  ];
  return f;
}

describe('stash-pxc-backup: Helm and the constructs give the same objects', () => {
  const chart = writeTempBackupChart();
  const files: Array<[string, string]> = [
    ...fs.readdirSync(VALUES_DIR).filter((f) => f.endsWith('.yaml')).sort().map((f) => [`test/values/backup/${f}`, path.join(VALUES_DIR, f)] as [string, string]),
    ...Object.keys(ciValuesFiles()).sort().map((f) => [`ci/${f}`, path.join(chart.dir, 'ci', f)] as [string, string]),
    ['fleet of 200 with copies (generated)', writeValuesFile(path.dirname(chart.dir), 'fleet-200-copies.yaml', fleetWithCopies(200))],
    ['fleet of 200 (generated)', writeValuesFile(path.dirname(chart.dir), 'fleet-200.yaml', fleet(200))],
  ];
  const helms: HelmBinary[] = [findHelm(3), findHelm(4)];
  let compared = 0;
  afterAll(() => {
    chart.cleanup();
    // The report's count: objects compared across both Helm versions.
    process.stdout.write(`stash-pxc-backup differential: ${files.length} values files, ${compared} objects compared\n`);
  });

  test('covers every backend, restores, spread schedules, overrides, copies and the fleet', () => {
    const text = files.map(([, f]) => fs.readFileSync(f, 'utf8')).join('\n');
    for (const p of ['provider: s3', 'provider: gcs', 'provider: azure', 'provider: swift', 'provider: b2', 'provider: rest', 'provider: local', 'cluster:', 'window:', 'days:', 'enabled: false', 'copies:', 'fromCopy:', 'expectedDuration:']) {
      expect(text).toContain(p);
    }
  });

  describe.each(helms.map((h) => [h.label, h] as const))('%s', (_label, helm) => {
    test.each(files)('%s', async (_name, file) => {
      const fromConstructs = constructRender(file);
      expect(fromConstructs.error).toBeUndefined();
      const fromHelm = await helmRender(helm, chart.dir, file);
      expect(fromHelm.error).toBeUndefined();
      const a = byKey(fromHelm.objects!);
      const b = byKey(fromConstructs.objects!);
      expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
      expect(a.size).toBeGreaterThan(0);
      for (const [key, object] of b) {
        expect({ key, object: a.get(key) }).toEqual({ key, object });
        compared++;
      }
    }, 120000);
  });

  test('the fleet of 200 with copies renders one more Repository and BackupConfiguration per copy, every copy after the window', () => {
    const { objects } = constructRender(files.find(([name]) => name.startsWith('fleet of 200 with copies'))![1]);
    const copies = objects!.filter((o) => o.kind === 'BackupConfiguration' && o.metadata.name.includes('-copy-'));
    expect(copies).toHaveLength(195 + 1);
    expect(objects!.filter((o) => o.kind === 'Repository' && o.metadata.name.includes('-copy-'))).toHaveLength(196);
    for (const c of copies.filter((o) => o.metadata.name.endsWith('-copy-offsite-backup'))) {
      // The daily window 20:00-06:00 ends at 06:00; copies open 40m later (06:40), the weekly one's
      // (00:00-04:00) at 04:40.
      const [minute, hour] = c.spec.schedule.split(' ').map(Number);
      const m = hour * 60 + minute;
      expect(m >= 4 * 60 + 40 && m < 20 * 60).toBe(true);
    }
  });

  test('the fleet of 200 renders 195 databases (5 opted out), each with its own spread start', () => {
    const { objects } = constructRender(files[files.length - 1][1]);
    const backups = objects!.filter((o) => o.kind === 'BackupConfiguration');
    expect(backups).toHaveLength(195);
    expect(objects!.filter((o) => o.kind === 'Repository')).toHaveLength(195);
    const starts = new Set(backups.map((o) => o.spec.schedule));
    expect(starts.size).toBeGreaterThan(150);
    for (const b of backups) {
      const [minute, hour] = b.spec.schedule.split(' ').map(Number);
      const m = hour * 60 + minute;
      expect(m >= 20 * 60 || m < 6 * 60).toBe(true);
    }
  });
});

describeWithReference('stash-pxc-backup: what Helm renders conforms strictly to the upstream CRDs', () => {
  const chart = writeTempBackupChart();
  afterAll(() => chart.cleanup());
  const files = fs.readdirSync(VALUES_DIR).filter((f) => f.endsWith('.yaml')).sort();
  test.each(files)('%s', async (file) => {
    const crds = [...upstreamCrds().values()];
    const { objects, error } = await helmRender(findHelm(4), chart.dir, path.join(VALUES_DIR, file));
    expect(error).toBeUndefined();
    for (const object of objects!.filter((o) => o.apiVersion.startsWith('stash.appscode.com/'))) {
      expect({ object: `${object.kind}/${object.metadata.name}`, problems: manifestProblems(object, crds) })
        .toEqual({ object: `${object.kind}/${object.metadata.name}`, problems: [] });
    }
  }, 60000);
});
