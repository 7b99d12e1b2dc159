/**
 * Copies of a backup (3-2-1): each copy is one more Repository and BackupConfiguration of the
 * same AppBinding, placed after the primary, with the primary's Job settings and not its hooks;
 * the checks (a copy in the primary's location, a copy that can start while the primary runs,
 * a copy that keeps less) and strict conformance with the upstream CRDs.
 */
import { Chart, Duration, Testing } from 'cdk8s';
import {
  Backend, BackupCopy, Hook, manifestProblems, PerconaXtraDbBackup, PerconaXtraDbBackupPlan, PerconaXtraDbBackupPlanProps,
  PerconaXtraDbBackupFleet, PerconaXtraDbRestore, Repository, RetentionPolicy, Schedule, ScheduleWindow, warningsOf,
} from '../../../src';
import { describeWithReference, upstreamCrds } from '../../support/reference';

const offsite: BackupCopy = {
  name: 'offsite',
  backend: Backend.s3({ endpoint: 's3.eu-west-1.amazonaws.com', bucket: 'acme-offsite', prefix: 'shop/orders' }),
  storageSecretName: 'offsite-s3',
};

function plan(props: Partial<PerconaXtraDbBackupPlanProps> = {}): { chart: Chart; plan: PerconaXtraDbBackupPlan } {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
  const p = new PerconaXtraDbBackupPlan(chart, 'orders', {
    database: 'orders', version: '8.0.36',
    backend: Backend.gcs({ bucket: 'acme-backups', prefix: 'shop/orders' }),
    storageSecretName: 'gcs-secret',
    schedule: Schedule.daily({ hour: 1, minute: 30 }),
    retentionPolicy: RetentionPolicy.keepDaily(7),
    copies: [offsite],
    ...props,
  });
  return { chart, plan: p };
}

function objects(chart: Chart, kind: string): any[] {
  return Testing.synth(chart).filter((o) => o.kind === kind);
}

function synthError(chart: Chart): string {
  try {
    Testing.synth(chart);
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

describe('a copy is one more Repository and BackupConfiguration of the same database', () => {
  test('names say which copy they are; the copy targets the same AppBinding and writes to its own Repository', () => {
    const { chart } = plan();
    const repos = objects(chart, 'Repository');
    expect(repos.map((r) => r.metadata.name)).toEqual(['orders-repo', 'orders-copy-offsite-repo']);
    expect(repos[1].spec.backend).toEqual({
      s3: { endpoint: 's3.eu-west-1.amazonaws.com', bucket: 'acme-offsite', prefix: 'shop/orders' }, storageSecretName: 'offsite-s3',
    });
    const [primary, copy] = objects(chart, 'BackupConfiguration');
    expect(copy.metadata.name).toBe('orders-copy-offsite-backup');
    expect(copy.spec.target).toEqual(primary.spec.target);
    expect(copy.spec.repository).toEqual({ name: 'orders-copy-offsite-repo' });
    expect(copy.spec.task).toEqual(primary.spec.task);
  });

  test('the copy takes the primary\'s security defaults and runtime settings, but not its hooks', () => {
    const { chart } = plan({
      preBackupHook: Hook.exec(['/bin/sh', '-c', 'echo start'], { containerName: 'perconaxtradb' }),
      runtimeSettings: { pod: { nodeSelector: { pool: 'backup' } } },
    });
    const [primary, copy] = objects(chart, 'BackupConfiguration');
    expect(copy.spec.runtimeSettings).toEqual(primary.spec.runtimeSettings);
    expect(copy.spec.runtimeSettings.container.securityContext.runAsNonRoot).toBe(true);
    expect(primary.spec.hooks.preBackup).toBeDefined();
    expect(copy.spec.hooks).toBeUndefined();
  });

  test('hooks run for a copy only when the copy asks for them', () => {
    const { chart } = plan({ copies: [{ ...offsite, postBackupHook: Hook.exec(['/bin/sh', '-c', 'echo copied'], { containerName: 'perconaxtradb' }) }] });
    const copy = objects(chart, 'BackupConfiguration')[1];
    expect(copy.spec.hooks.postBackup.exec.command).toEqual(['/bin/sh', '-c', 'echo copied']);
  });

  test('by default a copy keeps what the primary keeps; it can keep its own', () => {
    expect(objects(plan().chart, 'BackupConfiguration')[1].spec.retentionPolicy).toEqual({ name: 'keep-daily-7', keepDaily: 7, prune: true });
    const own = plan({ copies: [{ ...offsite, retentionPolicy: RetentionPolicy.of({ keepDaily: 7, keepMonthly: 12 }) }] });
    expect(objects(own.chart, 'BackupConfiguration')[1].spec.retentionPolicy).toEqual({ name: 'keep-daily-7-monthly-12', keepDaily: 7, keepMonthly: 12, prune: true });
  });

  test('a standalone backup takes copies too, and names them after its database', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
    const repository = new Repository(chart, 'repo', { name: 'orders-repo', backend: Backend.gcs({ bucket: 'acme-backups', prefix: 'shop/orders' }), storageSecretName: 'gcs-secret' });
    const backup = new PerconaXtraDbBackup(chart, 'backup', {
      database: 'orders', version: '8.0.36', repository,
      schedule: Schedule.daily({ hour: 2 }), retentionPolicy: RetentionPolicy.keepLast(5), copies: [offsite],
    });
    expect(backup.copy('offsite')?.backup.name).toBe('orders-copy-offsite-backup');
    expect(backup.copy('offsite')?.repository.name).toBe('orders-copy-offsite-repo');
    expect(objects(chart, 'BackupConfiguration').map((b) => b.metadata.name)).toEqual(['orders-backup', 'orders-copy-offsite-backup']);
  });

  test('names can be given, and a copy of the network-confined primary is confined too', () => {
    const { chart } = plan({
      copies: [{ ...offsite, repositoryName: 'orders-dr', backupName: 'orders-dr-nightly' }],
      networkPolicy: { apiServerCidrs: ['10.0.0.1/32'] },
    });
    expect(objects(chart, 'Repository').map((r) => r.metadata.name)).toContain('orders-dr');
    expect(objects(chart, 'BackupConfiguration').map((r) => r.metadata.name)).toContain('orders-dr-nightly');
    expect(objects(chart, 'NetworkPolicy').map((r) => r.metadata.name)).toEqual(['orders-backup-jobs', 'orders-dr-nightly-jobs']);
  });
});

describe('a copy\'s default schedule runs after the primary, never inside it', () => {
  test('daily, one expected duration after a daily primary (an hour when none is given)', () => {
    expect(objects(plan().chart, 'BackupConfiguration')[1].spec.schedule).toBe('30 2 * * *');
    const sized = plan({ expectedDuration: Duration.minutes(90) });
    expect(objects(sized.chart, 'BackupConfiguration')[1].spec.schedule).toBe('0 3 * * *');
  });

  test('a primary that runs several times a day: the first minute clear of every run', () => {
    // Runs at 00:00, 06:00, 12:00, 18:00 for 4h each: 04:00 is 4h after one and 2h before the next (too close).
    const { chart } = plan({ schedule: Schedule.cron('0 */6 * * *'), expectedDuration: Duration.hours(4) });
    expect(Schedule.cron('0 */6 * * *').following(Duration.hours(2)).expressionFor({ name: 'x' })).toBe('0 2 * * *');
    // With 4h runs no minute is 4h from all four starts: the copy goes right after the first run (Stash holds it Pending).
    expect(objects(chart, 'BackupConfiguration')[1].spec.schedule).toBe('0 4 * * *');
    expect(Schedule.cron('0 */6 * * *').following(Duration.hours(3)).expressionFor({ name: 'x' })).toBe('0 3 * * *');
  });

  test('a spread primary: the copies take the window after the primary\'s window, so they never meet any primary of the fleet', () => {
    const window = ScheduleWindow.daily({ start: '01:00', end: '03:00' });
    expect(window.following(Duration.minutes(30)).toString()).toBe('daily 03:30-05:30');
    const { chart } = plan({ schedule: Schedule.spread(window), expectedDuration: Duration.minutes(30) });
    const [primary, copy] = objects(chart, 'BackupConfiguration');
    const minuteOf = (cron: string) => { const [m, h] = cron.split(' ').map(Number); return h * 60 + m; };
    expect(minuteOf(primary.spec.schedule)).toBeGreaterThanOrEqual(60);
    expect(minuteOf(primary.spec.schedule)).toBeLessThan(180);
    expect(minuteOf(copy.spec.schedule)).toBeGreaterThanOrEqual(210);
    expect(minuteOf(copy.spec.schedule)).toBeLessThan(330);
  });

  test('over random fixed schedules, the default copy never starts inside a primary run when some minute allows it', () => {
    // A seeded generator (mulberry32): the same cases every run.
    let seed = 21;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    };
    const pick = (max: number, count: number) => [...new Set(Array.from({ length: count }, () => Math.floor(random() * max)))].sort((a, b) => a - b);
    const clear = (m: number, starts: number[], gap: number) => starts.every((s) => { const d = (m - s + 1440) % 1440; return d >= gap && d <= 1440 - gap; });
    let placed = 0;
    for (let i = 0; i < 300; i++) {
      const hours = pick(24, 1 + Math.floor(random() * 4));
      const minutes = pick(60, 1 + Math.floor(random() * 3));
      const gap = 1 + Math.floor(random() * 240);
      const starts = hours.flatMap((h) => minutes.map((m) => h * 60 + m)).sort((a, b) => a - b);
      const copy = Schedule.cron(`${minutes.join(',')} ${hours.join(',')} * * *`).following(Duration.minutes(gap)).expressionFor({ name: 'x' });
      const [m, h] = copy.split(' ').map(Number);
      const possible = Array.from({ length: 1440 }, (_, k) => k).some((k) => clear(k, starts, gap));
      if (possible) {
        placed++;
        expect({ copy, clear: clear(h * 60 + m, starts, gap) }).toEqual({ copy, clear: true });
      } else {
        // No clear minute: right after the day's first run.
        expect(h * 60 + m).toBe((starts[0] + gap) % 1440);
      }
    }
    expect(placed).toBeGreaterThan(100);
  });

  test('a long window is shortened so that the copies end before it opens again', () => {
    const window = ScheduleWindow.daily({ start: '20:00', end: '08:00' });
    expect(window.following(Duration.hours(1)).toString()).toBe('daily 09:00-19:00');
  });

  test('a weekly window is followed on the days its copies start', () => {
    const window = ScheduleWindow.weekly({ start: '22:00', end: '23:00', days: [6] });
    expect(window.following(Duration.hours(2)).toString()).toBe('weekly on SUNDAY 01:00-02:00');
  });
});

describe('checks of copies', () => {
  test('a copy in the primary\'s bucket and prefix is no copy: refused, naming both', () => {
    const { chart } = plan({ copies: [{ ...offsite, backend: Backend.gcs({ bucket: 'acme-backups', prefix: '/shop/orders/' }) }] });
    const message = synthError(chart);
    expect(message).toMatch(/test\/orders\/Backup\/Copy-offsite\/Repository\]/);
    expect(message).toMatch(/test\/orders\/Repository/);
  });

  test('two copies in one location are refused', () => {
    const { chart } = plan({ copies: [offsite, { ...offsite, name: 'second', storageSecretName: 'other' }] });
    expect(synthError(chart)).toMatch(/Copy-second\/Repository\].*acme-offsite/);
  });

  test('a copy name that is not a DNS label, or repeated, is reported, never thrown', () => {
    const { chart } = plan({ copies: [{ ...offsite, name: 'Off Site' }, offsite, { ...offsite, backend: Backend.gcs({ bucket: 'x', prefix: 'y' }) }] });
    const message = synthError(chart);
    expect(message).toMatch(/copies\[0\]\.name: "Off Site" .*Fix:/);
    expect(message).toMatch(/copies\[2\]\.name: "offsite" is the name of another copy\. Fix: give each copy its own name\./);
  });

  test('a copy whose names pass 63 characters is reported with the field to shorten', () => {
    const { chart } = plan({ copies: [{ ...offsite, name: 'x'.repeat(50) }] });
    expect(synthError(chart)).toMatch(/Copy-x+\/Backup\] name: .*63/);
  });

  test('Stash shortens trigger CronJob names past 52 characters: copies whose shortened names meet are refused', () => {
    // "stash-trigger-" + name: the first and last 26 characters are kept.
    const named = (middle: string) => `${'a'.repeat(20)}${middle}${'a'.repeat(20)}-dr-backup`;
    const second = { ...offsite, name: 'other', storageSecretName: 's', backend: Backend.gcs({ bucket: 'other', prefix: 'o' }) };
    const { chart } = plan({ copies: [{ ...offsite, backupName: named('x') }, { ...second, backupName: named('y') }] });
    expect(synthError(chart)).toMatch(new RegExp(`copies\\[1\\]\\.backupName: "${named('y')}" and "${named('x')}" both get the CronJob "stash-trigger-a{28}-dr-backup"`));
    expect(synthError(plan().chart)).toBe('');
  });

  test('a copy schedule that can start while the primary runs is a warning with the fix; a clear one is not', () => {
    const { chart } = plan({ expectedDuration: Duration.hours(1), copies: [{ ...offsite, schedule: Schedule.daily({ hour: 2 }) }] });
    Testing.synth(chart);
    expect(warningsOf(chart)).toEqual([
      '[test/orders/Backup/Copy-offsite] schedule: "0 2 * * *" can start at 02:00 while the primary (started at 01:30, expected to run 60m) is running; Stash then holds the copy Pending until the primary ends. '
      + 'Fix: start the copy at least 60m after each primary start (e.g. "30 2 * * *"), or leave schedule out to place it after the primary.',
    ]);
    expect(warningsOf(plan({ expectedDuration: Duration.hours(1), copies: [{ ...offsite, schedule: Schedule.daily({ hour: 3 }) }] }).chart)).toEqual([]);
  });

  test('without expectedDuration no overlap is assumed', () => {
    expect(warningsOf(plan({ copies: [{ ...offsite, schedule: Schedule.daily({ hour: 1, minute: 31 }) }] }).chart)).toEqual([]);
  });

  test('a copy that keeps less than the primary is a warning', () => {
    const { chart } = plan({ copies: [{ ...offsite, retentionPolicy: RetentionPolicy.keepDaily(3) }] });
    expect(warningsOf(chart)).toEqual([
      '[test/orders/Backup/Copy-offsite] retentionPolicy: keeps less than the primary\'s (keepDaily 3 < 7), so the copy cannot replace it when the primary\'s bucket is lost. '
      + 'Fix: keep at least as many snapshots as the primary (keep-daily-7), or leave retentionPolicy out to take the primary\'s.',
    ]);
    expect(warningsOf(plan({ copies: [{ ...offsite, retentionPolicy: RetentionPolicy.of({ keepDaily: 14 }) }] }).chart)).toEqual([]);
  });

  test('a copy without backend (from JavaScript) is reported by its Repository, never thrown', () => {
    const { chart } = plan({ copies: [{ name: 'offsite' } as any] });
    expect(synthError(chart)).toMatch(/Copy-offsite\/Repository\] backend: is missing/);
  });
});

describe('a fleet with copies', () => {
  function fleet(count: number, expectedDuration?: Duration): PerconaXtraDbBackupFleet {
    const chart = new Chart(Testing.app(), 'fleet');
    return new PerconaXtraDbBackupFleet(chart, 'fleet', {
      window: ScheduleWindow.daily({ start: '01:00', end: '05:00' }),
      retentionPolicy: RetentionPolicy.keepDaily(7),
      storageSecretName: 'gcs-secret',
      databases: Array.from({ length: count }, (_, i) => ({
        name: `pxc-${i}`, namespace: `team-${i % 7}`, version: '8.0.36', expectedDuration,
        backend: Backend.gcs({ bucket: 'fleet', prefix: `team-${i % 7}/pxc-${i}` }),
        copies: [{ name: 'dr', backend: Backend.s3({ bucket: 'fleet-dr', prefix: `team-${i % 7}/pxc-${i}` }), storageSecretName: 'dr-secret' }],
      })),
    });
  }
  const minuteOf = (cron: string) => { const [m, h] = cron.split(' ').map(Number); return h * 60 + m; };

  test('every database gets its copy; the copies start in the window after the primaries\' window', () => {
    const f = fleet(50, Duration.minutes(30));
    for (const p of f.plans) {
      expect(p.copies.map((c) => c.backup.name)).toEqual([`${p.backup.database}-copy-dr-backup`]);
      expect(minuteOf(p.backup.scheduleExpression)).toBeLessThan(5 * 60);
      // 05:00 + 30 minutes, four hours long.
      expect(minuteOf(p.copies[0].backup.scheduleExpression)).toBeGreaterThanOrEqual(5 * 60 + 30);
      expect(minuteOf(p.copies[0].backup.scheduleExpression)).toBeLessThan(9 * 60 + 30);
    }
  });

  test('500 databases with one copy each: at most ceil(N/M) + 1 starts in any minute, across primaries and copies', () => {
    const f = fleet(500);
    const starts = new Map<number, number>();
    for (const p of f.plans) {
      for (const b of [p.backup, ...p.copies.map((c) => c.backup)]) starts.set(minuteOf(b.scheduleExpression), (starts.get(minuteOf(b.scheduleExpression)) ?? 0) + 1);
    }
    expect([...starts.values()].reduce((a, b) => a + b, 0)).toBe(1000);
    expect(Math.max(...starts.values())).toBeLessThanOrEqual(Math.ceil(500 / 240) + 1);
  });

  test('a copy with a schedule of its own keeps it', () => {
    const chart = new Chart(Testing.app(), 'fleet');
    const f = new PerconaXtraDbBackupFleet(chart, 'fleet', {
      window: ScheduleWindow.daily({ start: '01:00', end: '05:00' }), retentionPolicy: RetentionPolicy.keepDaily(7), storageSecretName: 's',
      databases: [{ name: 'orders', namespace: 'shop', version: '8.0.36', backend: Backend.gcs({ bucket: 'b', prefix: 'shop/orders' }),
        copies: [{ ...offsite, schedule: Schedule.daily({ hour: 12 }) }] }],
    });
    expect(f.plans[0].copies[0].backup.scheduleExpression).toBe('0 12 * * *');
  });
});

describe('restores from a copy', () => {
  test('a plan\'s restore with fromCopy reads the copy\'s Repository', () => {
    const { chart } = plan({ restore: { database: 'orders-restored', fromCopy: 'offsite' } });
    const restore = objects(chart, 'RestoreSession')[0];
    expect(restore.spec.repository).toEqual({ name: 'orders-copy-offsite-repo' });
    expect(objects(plan({ restore: { database: 'orders-restored' } }).chart, 'RestoreSession')[0].spec.repository).toEqual({ name: 'orders-repo' });
  });

  test('a restore of its own takes fromCopy with the primary\'s Repository, like repository: backup.copy(name).repository', () => {
    const { chart, plan: p } = plan();
    new PerconaXtraDbRestore(chart, 'clone', { database: 'orders-clone', version: '8.0.36', repository: p.repository, fromCopy: 'offsite' });
    new PerconaXtraDbRestore(chart, 'clone2', { name: 'orders-clone2', database: 'orders-clone2', version: '8.0.36', repository: p.backup.copy('offsite')!.repository });
    expect(objects(chart, 'RestoreSession').map((r) => r.spec.repository)).toEqual([{ name: 'orders-copy-offsite-repo' }, { name: 'orders-copy-offsite-repo' }]);
  });

  test('a copy that does not exist is reported with the names there are', () => {
    const { chart, plan: p } = plan();
    new PerconaXtraDbRestore(chart, 'clone', { database: 'orders-clone', version: '8.0.36', repository: p.repository, fromCopy: 'ofsite' });
    expect(synthError(chart)).toMatch(/\[test\/clone\] fromCopy: "ofsite" is not a copy of a backup into Repository "orders-repo" \(its copies: offsite\)\. Fix: use one of those names, or leave fromCopy out to restore from the primary\./);
  });

  test('a restore into the database lists the copy among the backups to pause', () => {
    const { chart } = plan({ restore: { database: 'orders', fromCopy: 'offsite' } });
    expect(synthError(chart)).toMatch(/database: "orders" is backed up by test\/orders\/Backup, test\/orders\/Backup\/Copy-offsite\/Backup;/);
  });
});

describeWithReference('copy objects conform strictly to the upstream CRDs', () => {
  test('Repository and BackupConfiguration of every copy', () => {
    const crds = [...upstreamCrds().values()];
    const { chart } = plan({ copies: [offsite, { name: 'azure', backend: Backend.azure({ container: 'dr-copies', prefix: 'orders' }), storageSecretName: 'azure-secret' }] });
    const manifests = Testing.synth(chart).filter((o) => ['Repository', 'BackupConfiguration'].includes(o.kind));
    expect(manifests).toHaveLength(6);
    for (const m of manifests) expect(manifestProblems(m, crds)).toEqual([]);
  });
});
