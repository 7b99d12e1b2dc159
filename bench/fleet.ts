/**
 * `npm run bench`: how the synth scales with the fleet.
 *
 * For fleets of 10, 100, 1000 and 10000 databases (each: a Repository, a PerconaXtraDbBackup and a
 * PerconaXtraDbRestore, built through the public constructs) it measures the synth (construct
 * tree, validation, JSON, YAML) against its floor (serializing the very same final objects with
 * the `yaml` library alone), the peak memory of a process that does nothing else, and the YAML
 * bytes per database. It also times the cold `npm run synth` of the default app, counts how
 * many of 500 databases placed in one daily window (`ScheduleWindow.place`) start in the same
 * minute and how many of their schedules move when one database is added, and the synth time
 * and size of the alert rules of a 500-database fleet (`--alerts`: that alone), and the weekly
 * restore drills of a 500-database fleet: their starts per minute, none inside a backup window,
 * and the synth time with and without them (`--drills`: that alone, its paragraph of
 * BENCHMARKS.md rewritten in place), the starts per minute and synth time of that fleet with
 * one copy per database (`--copies`: that alone), what carrying the last success forward costs
 * the rule engine and the per-database chart's joint placement through Helm (`--chart`). Results go to
 * stdout (the last lines, one per fleet size, are the contract) and to BENCHMARKS.md.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Duration } from 'cdk8s';
import { parseAllDocuments, stringify } from 'yaml';
import {
  Backend, PerconaXtraDbBackup, LAST_SUCCESS_SERIES, PerconaXtraDbBackupAlerts, PerconaXtraDbBackupFleet, PerconaXtraDbRestore, PerconaXtraDbRestoreDrill, Repository, RetentionPolicy,
  Schedule, ScheduleWindow, Snapshot,
} from '../src';
import { weeklyFireMinutes } from '../src/database/restores/perconaxtradb-restore-drill';
import { manifestsOf, REPO_ROOT, toYamlDocuments } from '../generator/chart/output';
import { findPromtool, runPromtool } from '../test/support/promtool';
import { findHelm, HelmBinary } from '../test/support/helm';
import { writeBackupChart } from '../generator/backup-chart/backup-chart';

const ROOT = REPO_ROOT;
const SIZES = [10, 100, 1000, 10000];
const WINDOW = ScheduleWindow.daily({ start: '01:00', end: '05:00' });

/** One database's objects, as a platform team would write them. */
function addDatabase(chart: Chart, i: number): void {
  const namespace = `team-${i % 20}`;
  const database = `pxc-${i}`;
  const repository = new Repository(chart, `${namespace}.${database}.repo`, {
    namespace,
    name: `${database}-repo`,
    backend: Backend.gcs({ bucket: 'fleet-backups', prefix: `${namespace}/${database}` }),
    storageSecretName: 'gcs-secret',
  });
  new PerconaXtraDbBackup(chart, `${namespace}.${database}.backup`, {
    namespace,
    database,
    version: '8.0.36',
    repository,
    schedule: Schedule.spread(WINDOW),
    retentionPolicy: RetentionPolicy.keepLast(5, { prune: true }),
  });
  new PerconaXtraDbRestore(chart, `${namespace}.${database}.restore`, {
    namespace,
    database: `${database}-restored`,
    version: '8.0.36',
    repository,
    snapshot: Snapshot.latest(),
  });
}

/** The whole synth of a fleet: constructs, validation, JSON, YAML. */
function synthFleet(size: number): { objects: any[]; yaml: string } {
  const app = new App({ outdir: os.tmpdir() });
  const chart = new Chart(app, 'fleet');
  for (let i = 0; i < size; i++) addDatabase(chart, i);
  const objects = manifestsOf(chart);
  return { objects, yaml: toYamlDocuments(objects) };
}

/** The floor: the same final objects through `yaml` alone. */
function floor(objects: any[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timeIt(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

interface FleetResult { size: number; synthMs: number; floorMs: number; peakMiB: number; bytesPerDb: number }

/** Runs in a child process per size, so that peak memory belongs to that size alone. */
function child(size: number): void {
  synthFleet(10); // warm up the JIT and the module graph
  const runs = size >= 10000 ? 3 : size >= 1000 ? 5 : 9;
  const synthTimes: number[] = [];
  const floorTimes: number[] = [];
  let last: { objects: any[]; yaml: string } | undefined;
  for (let r = 0; r < runs; r++) {
    // Each run starts from an empty heap, as a synth process would: no earlier fleet alive.
    last = undefined;
    (global as any).gc?.();
    synthTimes.push(timeIt(() => { last = synthFleet(size); }));
    (global as any).gc?.();
    floorTimes.push(timeIt(() => floor(last!.objects)));
  }
  if (!last || floor(last.objects) !== last.yaml) throw new Error('the synth and the floor serialized different objects');
  const result: FleetResult = {
    size,
    // Best of N for both: noise (GC timing, the other core's load) only ever adds time.
    synthMs: Math.min(...synthTimes),
    floorMs: Math.min(...floorTimes),
    peakMiB: process.resourceUsage().maxRSS / 1024,
    bytesPerDb: Math.round(Buffer.byteLength(last.yaml) / size),
  };
  process.stdout.write(JSON.stringify(result));
}

/** Wall time of `npm run synth` in a fresh process, after a first run has compiled. */
function coldSynth(): { npmMs: number; nodeMs: number } {
  const run = (cmd: string, args: string[]): number => timeIt(() => {
    const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? r.signal ?? `exit ${r.status}`}):\n${r.stdout ?? ''}${r.stderr ?? ''}`);
  });
  run('npm', ['run', 'synth']);
  const npm = [1, 2, 3].map(() => run('npm', ['run', 'synth']));
  const node = [1, 2, 3].map(() => run(process.execPath, ['lib/generator/main.js']));
  return { npmMs: median(npm), nodeMs: median(node) };
}

const SPREAD_FLEET = Array.from({ length: 500 }, (_, i) => `team-${i % 20}/pxc-${i}`);

function maxPerMinute(crons: string[]): number {
  const perMinute = new Map<string, number>();
  for (const cron of crons) perMinute.set(cron, (perMinute.get(cron) ?? 0) + 1);
  return Math.max(...perMinute.values());
}

/** Starts per minute of 500 databases: placed as a fleet, by hash alone, and the optimum. */
function spreadPeak(): { spread: number; hashed: number; optimum: number; unspread: number } {
  return {
    spread: maxPerMinute(WINDOW.place(SPREAD_FLEET.map((key) => ({ key })))),
    hashed: maxPerMinute(SPREAD_FLEET.map((key) => WINDOW.cronFor(key))),
    optimum: Math.ceil(SPREAD_FLEET.length / WINDOW.minutes),
    unspread: SPREAD_FLEET.length,
  };
}

/** A small seeded generator (mulberry32), so that the "random" additions are the same every run. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** How many of the 500 schedules move when one database is added, over 100 random additions. */
function spreadStability(): { average: number; max: number } {
  const before = WINDOW.place(SPREAD_FLEET.map((key) => ({ key })));
  const random = seeded(14);
  const moves: number[] = [];
  for (let i = 0; i < 100; i++) {
    const added = `team-${Math.floor(random() * 40)}/db-${Math.floor(random() * 2 ** 32).toString(16)}`;
    const after = WINDOW.place([...SPREAD_FLEET, added].map((key) => ({ key })));
    moves.push(before.filter((cron, j) => after[j] !== cron).length);
  }
  return { average: moves.reduce((a, b) => a + b, 0) / moves.length, max: Math.max(...moves) };
}

/**
 * The bench's 500-database fleet (in the daily window, 20 namespaces, one GCS bucket): `extra`
 * adds fleet props (drills), `copies` one copy per database.
 */
function benchFleet(chart: Chart, databases: number, options: { copies?: boolean; extra?: object } = {}): PerconaXtraDbBackupFleet {
  return new PerconaXtraDbBackupFleet(chart, 'fleet', {
    window: WINDOW,
    retentionPolicy: RetentionPolicy.keepDaily(7),
    storageSecretName: 'gcs-secret',
    databases: Array.from({ length: databases }, (_, i) => ({
      name: `pxc-${i}`, namespace: `team-${i % 20}`, version: '8.0.36',
      backend: Backend.gcs({ bucket: 'fleet-backups', prefix: `team-${i % 20}/pxc-${i}` }),
      copies: options.copies ? [{ name: 'dr', backend: Backend.s3({ bucket: 'fleet-dr', prefix: `team-${i % 20}/pxc-${i}` }), storageSecretName: 'dr-secret' }] : undefined,
    })),
    ...(options.extra ?? {}),
  });
}

interface AlertsResult { databases: number; withMs: number; withoutMs: number; ruleBytes: number; rules: number; alerts: number }

/**
 * The backup alerts of a 500-database fleet: the synth of the fleet with and without its
 * PerconaXtraDbBackupAlerts (best of 5 each), and the size of the PrometheusRule.
 */
function alertsBench(databases = 500): AlertsResult {
  const build = (withAlerts: boolean): any[] => {
    const chart = new Chart(new App({ outdir: os.tmpdir() }), 'fleet');
    const fleet = benchFleet(chart, databases);
    if (withAlerts) new PerconaXtraDbBackupAlerts(chart, 'alerts', { namespace: 'monitoring' }).addFleet(fleet);
    return manifestsOf(chart);
  };
  build(true); // warm up
  let objects: any[] = [];
  const best = (withAlerts: boolean) => Math.min(...[1, 2, 3, 4, 5].map(() => {
    (global as any).gc?.();
    return timeIt(() => { objects = build(withAlerts); toYamlDocuments(objects); });
  }));
  const withoutMs = best(false);
  const withMs = best(true);
  const rule = objects.find((o) => o.kind === 'PrometheusRule');
  const rules = rule.spec.groups.flatMap((g: any) => g.rules);
  return {
    databases, withMs, withoutMs,
    ruleBytes: Buffer.byteLength(toYamlDocuments([rule])),
    rules: rules.length,
    alerts: rules.filter((r: any) => r.alert).length,
  };
}

interface CarryResult { databases: number; evaluations: number; withMs: number; withoutMs: number }

/**
 * What carrying each database's last success forward costs Prometheus: the alert rules of a
 * 500-database fleet evaluated by promtool's rule engine (Prometheus's own) every minute over a
 * six hours of pushed series, with and without the carrying rule (best of 2 each). Undefined without
 * promtool.
 */
function carryBench(databases = 500): CarryResult | undefined {
  const promtool = findPromtool();
  if (!promtool) return undefined;
  const chart = new Chart(new App({ outdir: os.tmpdir() }), 'fleet');
  const fleet = benchFleet(chart, databases);
  new PerconaXtraDbBackupAlerts(chart, 'alerts', { namespace: 'monitoring' }).addFleet(fleet);
  const rules = manifestsOf(chart).find((o) => o.kind === 'PrometheusRule').spec.groups[0].rules
    .map(({ annotations, ...rule }: any) => rule);
  const pushed = 'stash_backup_last_success_time_seconds{invoker_kind="BackupConfiguration"}';
  // The rules as they were before: alerts reading the pushed series directly.
  const without = rules.filter((r: any) => r.record !== LAST_SUCCESS_SERIES)
    .map((r: any) => (r.alert ? { ...r, expr: r.expr.split(LAST_SUCCESS_SERIES).join(pushed) } : r));
  const evaluations = 360;
  const inputSeries = fleet.plans.map((plan, i) => ({
    series: `stash_backup_last_success_time_seconds{job="backupconfiguration-${plan.backup.namespace}-${plan.backup.name}", namespace="${plan.backup.namespace}", invoker_kind="BackupConfiguration", invoker_name="${plan.backup.name}", repository="${plan.repository.name}"}`,
    values: `${i}+0x${evaluations}`,
  }));
  const tests = {
    rule_files: ['rules.yaml'], evaluation_interval: '1m',
    tests: [{ interval: '1m', input_series: inputSeries, alert_rule_test: [{ eval_time: `${evaluations}m`, alertname: 'none', exp_alerts: [] }] }],
  };
  const run = (ruleList: any[]) => Math.min(...[1, 2].map(() => timeIt(() => {
    const result = runPromtool(promtool, ['test', 'rules', 'tests.yaml'], { 'rules.yaml': { groups: [{ name: 'g', rules: ruleList }] }, 'tests.yaml': tests });
    if (result.code !== 0) throw new Error(`promtool test rules failed: ${result.output.slice(0, 2000)}`);
  })));
  return { databases, evaluations, withoutMs: run(without), withMs: run(rules) };
}

function carryLine(c: CarryResult | undefined): string {
  if (!c) return 'carry: skipped (no promtool; `bash scripts/install-tools.sh` builds it)';
  const perEval = (c.withMs - c.withoutMs) / c.evaluations;
  return `carry ${c.databases}: ${c.evaluations} evaluations of the alert rules in ${c.withoutMs.toFixed(0)} ms, ${c.withMs.toFixed(0)} ms with the carried last success `
    + `(${perEval.toFixed(2)} ms more per evaluation, ${(perEval * 1000 / c.databases).toFixed(1)} µs per database)`;
}

interface ChartPlacementResult { databases: number; ms: number; perMinute: number; optimum: number; fleetPerMinute: number; equal: boolean }

/**
 * The per-database chart's joint placement through real Helm (`helm template`, best of 3): N
 * databases in the window 01:00-05:00 in one release, the busiest minute, and whether the starts
 * equal the fleet's for the same list. Empty without Helm.
 */
function chartPlacementBench(sizes = [200, 1000]): ChartPlacementResult[] {
  let helm: HelmBinary;
  try { helm = findHelm(3); } catch { return []; }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stash-pxc-bench-chart-'));
  try {
    const chartDir = path.join(tmp, 'stash-pxc-backup');
    writeBackupChart(chartDir);
    return sizes.map((n) => {
      const dbs = Array.from({ length: n }, (_, i) => ({ name: `pxc-${i}`, namespace: `team-${i % 20}` }));
      const file = path.join(tmp, `values-${n}.yaml`);
      fs.writeFileSync(file, stringify({
        defaults: {
          version: '8.0.36', storageSecretName: 'gcs-secret', retentionPolicy: { keepDaily: 7 },
          backend: { provider: 'gcs', gcs: { bucket: 'fleet-backups' } }, prefix: '${DATABASE_NAMESPACE}/${DATABASE_NAME}',
          schedule: { window: { start: '01:00', end: '05:00' } },
        },
        databases: dbs,
      }));
      let out = '';
      const ms = Math.min(...[1, 2, 3].map(() => timeIt(() => {
        out = execFileSync(helm.path, ['template', 'fleet', chartDir, '--namespace', 'fleet', '--kube-version', '1.34.0', '--values', file],
          { encoding: 'utf8', maxBuffer: 256 << 20 });
      })));
      const crons = new Map(parseAllDocuments(out).map((d) => d.toJSON()).filter((o) => o?.kind === 'BackupConfiguration')
        .map((o) => [`${o.metadata.namespace}/${o.spec.target.ref.name}`, o.spec.schedule as string]));
      const fleet = WINDOW.place(dbs.map((db) => ({ key: `${db.namespace}/${db.name}` })));
      const equal = dbs.every((db, i) => crons.get(`${db.namespace}/${db.name}`) === fleet[i]);
      return { databases: n, ms, perMinute: maxPerMinute([...crons.values()]), optimum: Math.ceil(n / WINDOW.minutes), fleetPerMinute: maxPerMinute(fleet), equal };
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function chartPlacementLines(results: ChartPlacementResult[]): string[] {
  if (results.length === 0) return ['chart placement: skipped (no Helm; `bash scripts/install-tools.sh` builds it)'];
  return results.map((r) => `chart ${r.databases}: helm template ${(r.ms / 1000).toFixed(2)} s, at most ${r.perMinute} start in one minute (optimum ${r.optimum}; `
    + `the fleet: ${r.fleetPerMinute}), ${r.equal ? 'the same starts as the fleet' : 'NOT the same starts as the fleet'}`);
}

interface CopiesResult { databases: number; withMs: number; withoutMs: number; objects: number; peak: number; bound: number; window: string }

/**
 * A 500-database fleet with one copy each (a second Repository and BackupConfiguration per
 * database, placed in the window after the fleet's): synth time with and without the copies
 * (best of 5 each), and the most starts in one minute across all BackupConfigurations.
 */
function copiesBench(databases = 500): CopiesResult {
  let fleet: PerconaXtraDbBackupFleet | undefined;
  const build = (withCopies: boolean): any[] => {
    const chart = new Chart(new App({ outdir: os.tmpdir() }), 'fleet');
    fleet = benchFleet(chart, databases, { copies: withCopies });
    return manifestsOf(chart);
  };
  build(true); // warm up
  let objects: any[] = [];
  const best = (withCopies: boolean) => Math.min(...[1, 2, 3, 4, 5].map(() => {
    (global as any).gc?.();
    return timeIt(() => { objects = build(withCopies); toYamlDocuments(objects); });
  }));
  const withoutMs = best(false);
  const withMs = best(true);
  const crons = fleet!.plans.flatMap((p) => [p.backup, ...p.copies.map((c) => c.backup)]).map((b) => b.scheduleExpression);
  return {
    databases, withMs, withoutMs,
    objects: objects.filter((o) => o.kind === 'BackupConfiguration').length,
    peak: maxPerMinute(crons),
    // Primaries in the window, copies in the one after it: each holds N databases in M minutes.
    bound: Math.ceil(databases / WINDOW.minutes) + 1,
    window: WINDOW.following(Duration.hours(1)).toString(),
  };
}

function copiesLine(c: CopiesResult): string {
  return `copies ${c.databases}: one copy each (${c.objects} BackupConfigurations; copies in ${c.window}): at most ${c.peak} start in one minute across primaries and copies `
    + `(bound ceil(N/M) + 1 = ${c.bound}); fleet synth ${c.withoutMs.toFixed(0)} ms, with copies ${c.withMs.toFixed(0)} ms`;
}

function alertsLine(a: AlertsResult): string {
  return `alerts ${a.databases}: fleet synth ${a.withoutMs.toFixed(0)} ms, with alerts ${a.withMs.toFixed(0)} ms (+${(a.withMs - a.withoutMs).toFixed(0)} ms), `
    + `PrometheusRule ${(a.ruleBytes / 1024).toFixed(0)} KiB, ${a.rules} rules (${a.rules - a.alerts} RPO series, ${a.alerts} alerts)`;
}

interface DrillsResult {
  databases: number; windowMinutes: number; drills: number; maxPerMinute: number; bound: number;
  insideBackupWindow: number; withMs: number; withoutMs: number;
}

/**
 * Weekly restore drills of a 500-database fleet (backups daily 01:00-05:00, drills in the
 * default window, Saturday 10:00-16:00): how many start in the busiest minute against
 * `ceil(N/M) + 1`, how many would start inside their database's backup window (the fleet's
 * window, or an hour after its own backup's start), and the synth with and without drills.
 */
function drillsBench(databases = 500): DrillsResult {
  let fleet: PerconaXtraDbBackupFleet | undefined;
  const build = (withDrills: boolean): any[] => {
    const chart = new Chart(new App({ outdir: os.tmpdir() }), 'fleet');
    fleet = benchFleet(chart, databases, { extra: withDrills ? { drill: {} } : {} });
    return manifestsOf(chart);
  };
  build(true); // warm up
  let objects: any[] = [];
  const best = (withDrills: boolean) => Math.min(...[1, 2, 3, 4, 5].map(() => {
    (global as any).gc?.();
    return timeIt(() => { objects = build(withDrills); toYamlDocuments(objects); });
  }));
  const withoutMs = best(false);
  const withMs = best(true);
  const crons = objects.filter((o) => o.kind === 'CronJob').map((o) => o.spec.schedule as string);
  const backupWindow = new Set(WINDOW.weekMinutes());
  let inside = 0;
  fleet!.drills.forEach((drill, i) => {
    const backup = fleet!.plans.find((p) => p.backup.database === drill.database && p.backup.namespace === drill.namespace)!.backup;
    const backupStarts = weeklyFireMinutes(backup.scheduleExpression)!;
    const start = weeklyFireMinutes(drill.scheduleExpression)![0];
    const afterOwnBackup = backupStarts.some((b) => (start - b + 10080) % 10080 < 60);
    if (backupWindow.has(start) || afterOwnBackup || crons[i] !== drill.scheduleExpression) inside++;
  });
  const windowMinutes = PerconaXtraDbRestoreDrill.DEFAULT_WINDOW.minutes;
  return {
    databases, windowMinutes, drills: crons.length, maxPerMinute: maxPerMinute(crons),
    bound: Math.ceil(crons.length / windowMinutes) + 1, insideBackupWindow: inside, withMs, withoutMs,
  };
}

function drillsLine(d: DrillsResult): string {
  return `drills ${d.databases}: weekly, Saturday 10:00-16:00 (${d.windowMinutes} minutes): ${d.drills} drills, at most ${d.maxPerMinute} start in one minute (bound ceil(N/M) + 1 = ${d.bound}), `
    + `${d.insideBackupWindow} inside a backup window; fleet synth ${d.withoutMs.toFixed(0)} ms, with drills ${d.withMs.toFixed(0)} ms`;
}

function drillsParagraph(d: DrillsResult): string {
  return [
    `Restore drills: the same ${d.databases}-database fleet (backups daily 01:00-05:00) with weekly drills (\`drill: {}\`, the default window`,
    `Saturday 10:00-16:00, ${d.windowMinutes} minutes): ${d.drills} drills, at most ${d.maxPerMinute} start in one minute (the bound \`ceil(N/M) + 1\` is ${d.bound}),`,
    `${d.insideBackupWindow} start inside the backup window or within an hour of their own backup. The fleet synthesizes in ${d.withoutMs.toFixed(0)} ms,`,
    `${d.withMs.toFixed(0)} ms with its drills (best of 5; each drill adds 9 objects: CronJob, its ConfigMap, ServiceAccount, Role, RoleBinding,`,
    'Service, AppBinding, a ValidatingAdmissionPolicy and its binding; the scripts are one ConfigMap per namespace).',
  ].join('\n');
}

/** BENCHMARKS.md with the drills paragraph replaced (or put before the targets). */
function withDrillsParagraph(md: string, paragraph: string): string {
  const lines = md.split('\n');
  const start = lines.findIndex((l) => l.startsWith('Restore drills:'));
  if (start >= 0) {
    let end = start;
    while (end < lines.length && lines[end] !== '') end++;
    lines.splice(start, end - start, ...paragraph.split('\n'));
    return lines.join('\n');
  }
  const targets = lines.findIndex((l) => l.startsWith('Targets:'));
  lines.splice(targets >= 0 ? targets : lines.length, 0, ...paragraph.split('\n'), '');
  return lines.join('\n');
}

function machine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
}

function main(): void {
  const results: FleetResult[] = SIZES.map((size) => {
    const out = execFileSync(process.execPath, ['--expose-gc', __filename, '--child', String(size)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    return JSON.parse(out) as FleetResult;
  });
  const cold = coldSynth();
  const spread = spreadPeak();
  const alerts = alertsBench();
  const carry = carryBench();
  const chartPlacement = chartPlacementBench();
  const stability = spreadStability();
  const drills = drillsBench();
  const copies = copiesBench();
  const spreadLine = `spread: 500 databases, daily 01:00-05:00: at most ${spread.spread} start in one minute (optimum ${spread.optimum}; unspread: ${spread.unspread})`;
  const stabilityLine = `spread stability: adding one database to 500 moves ${stability.average.toFixed(2)} other schedules on average (max ${stability.max})`;
  const lines = results.map((r) => `fleet ${r.size}: synth ${r.synthMs.toFixed(0)} ms, floor ${r.floorMs.toFixed(0)} ms, ratio ${(r.synthMs / r.floorMs).toFixed(2)}, peak ${r.peakMiB.toFixed(0)} MiB, ${r.bytesPerDb} bytes/db`);

  const md = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (`bench/fleet.ts`); numbers from the last run, on:',
    '',
    `- machine: ${machine()}`,
    `- date: ${new Date().toISOString().slice(0, 10)}`,
    '',
    'Each database is a Repository, a PerconaXtraDbBackup and a PerconaXtraDbRestore. *synth* is',
    'the construct tree, validation, JSON and YAML; *floor* is serializing the very same final',
    'objects with the `yaml` library alone; *peak* is the maximum resident memory of a process',
    'that builds that one fleet size. Times are the best of several runs, each from an empty heap.',
    '',
    '| fleet | synth ms | floor ms | ratio | peak MiB | bytes/db |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map((r) => `| ${r.size} | ${r.synthMs.toFixed(0)} | ${r.floorMs.toFixed(0)} | ${(r.synthMs / r.floorMs).toFixed(2)} | ${r.peakMiB.toFixed(0)} | ${r.bytesPerDb} |`),
    '',
    `Cold \`npm run synth\` of the default app (whole process, median of 3): ${cold.npmMs.toFixed(0)} ms;`,
    `of which \`node lib/generator/main.js\` alone: ${cold.nodeMs.toFixed(0)} ms.`,
    '',
    'Schedule spreading: 500 databases under the policy "daily 01:00-05:00", placed as a fleet',
    '(`ScheduleWindow.place`, as `PerconaXtraDbBackupFleet` does), and 100 random additions of one',
    `more database (by hash alone, \`cronFor\`, at most ${spread.hashed} start in one minute):`,
    '',
    '```',
    spreadLine,
    stabilityLine,
    '```',
    '',
    'The per-database chart places the databases of a release that share a window jointly, with the',
    'same algorithm in its templates (`helm template` with Helm 3, best of 3, window 01:00-05:00):',
    '',
    '```',
    ...chartPlacementLines(chartPlacement),
    '```',
    '',
    `Backup alerts: a PerconaXtraDbBackupFleet of ${alerts.databases} databases synthesizes in ${alerts.withoutMs.toFixed(0)} ms, ${alerts.withMs.toFixed(0)} ms with its`,
    `PerconaXtraDbBackupAlerts (best of 5); the PrometheusRule is ${(alerts.ruleBytes / 1024).toFixed(0)} KiB of YAML with ${alerts.rules} rules:`,
    `${alerts.rules - alerts.alerts} recording rules (one constant RPO series per database, and the carried last success) and ${alerts.alerts} alerts.`,
    '',
    'Carrying the last success forward (so a Pushgateway restart changes no alert): promtool, whose',
    'rule engine is Prometheus\'s, evaluates the same rules every minute over six hours of pushed series,',
    'with and without the carrying rule (best of 2; the difference includes its one-hour history read):',
    '',
    '```',
    carryLine(carry),
    '```',
    '',
    drillsParagraph(drills),
    '',
    'Copies (3-2-1): the same 500-database fleet with one copy per database on another backend',
    '(`--copies`: that alone):',
    '',
    '```',
    copiesLine(copies),
    '```',
    '',
    'Targets: ratio ≤ 2.0 at fleet 1000, peak memory growing linearly, cold `npm run synth` under 1.5 s;',
    'spreading: at most optimum + 1 starts in one minute, at most one other schedule moved on average.',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(ROOT, 'BENCHMARKS.md'), md);

  console.log(`machine: ${machine()}`);
  console.log(`cold npm run synth: ${cold.npmMs.toFixed(0)} ms (node lib/generator/main.js: ${cold.nodeMs.toFixed(0)} ms)`);
  console.log(spreadLine);
  console.log(stabilityLine);
  console.log(alertsLine(alerts));
  console.log(carryLine(carry));
  for (const line of chartPlacementLines(chartPlacement)) console.log(line);
  console.log(drillsLine(drills));
  console.log(copiesLine(copies));
  for (const line of lines) console.log(line);
}

const childIndex = process.argv.indexOf('--child');
if (childIndex >= 0) child(Number(process.argv[childIndex + 1]));
else if (process.argv.includes('--chart')) console.log(chartPlacementLines(chartPlacementBench()).join('\n'));
else if (process.argv.includes('--alerts')) console.log(`${alertsLine(alertsBench())}\n${carryLine(carryBench())}`);
else if (process.argv.includes('--drills')) {
  const drills = drillsBench();
  const file = path.join(ROOT, 'BENCHMARKS.md');
  fs.writeFileSync(file, withDrillsParagraph(fs.readFileSync(file, 'utf8'), drillsParagraph(drills)));
  console.log(drillsLine(drills));
}
else if (process.argv.includes('--copies')) console.log(copiesLine(copiesBench()));
else main();
