/**
 * `npm run bench`: how the synth scales with the fleet.
 *
 * For fleets of 10, 100 and 1000 databases (each: a Repository, a PerconaXtraDbBackup and a
 * PerconaXtraDbRestore, built through the public constructs) it measures the synth (construct
 * tree, validation, JSON, YAML) against its floor (serializing the very same final objects with
 * the `yaml` library alone), the peak memory of a process that does nothing else, and the YAML
 * bytes per database. It also times the cold `npm run synth` of the default app and counts how
 * many of 500 databases under one daily window start in the same minute. Results go to stdout
 * (the last lines, one per fleet size, are the contract) and to BENCHMARKS.md.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { stringify } from 'yaml';
import {
  Backend, PerconaXtraDbBackup, PerconaXtraDbRestore, Repository, RetentionPolicy, Schedule, ScheduleWindow, Snapshot,
} from '../src';
import { manifestsOf, REPO_ROOT, toYamlDocuments } from '../generator/chart/output';

const ROOT = REPO_ROOT;
const SIZES = [10, 100, 1000];
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
  const runs = size >= 1000 ? 5 : 9;
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
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  });
  run('npm', ['run', 'synth']);
  const npm = [1, 2, 3].map(() => run('npm', ['run', 'synth']));
  const node = [1, 2, 3].map(() => run(process.execPath, ['lib/generator/main.js']));
  return { npmMs: median(npm), nodeMs: median(node) };
}

function spreadPeak(): { spread: number; unspread: number } {
  const perMinute = new Map<string, number>();
  for (let i = 0; i < 500; i++) {
    const cron = Schedule.spread(WINDOW).expressionFor({ namespace: `team-${i % 20}`, name: `pxc-${i}` });
    perMinute.set(cron, (perMinute.get(cron) ?? 0) + 1);
  }
  return { spread: Math.max(...perMinute.values()), unspread: 500 };
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
    `Schedule spreading: 500 databases with the policy "daily 01:00-05:00" start at most ${spread.spread} in any one minute (unspread: ${spread.unspread}).`,
    '',
    'Targets: ratio ≤ 2.0 at fleet 1000, peak memory growing linearly, cold `npm run synth` under 1.5 s.',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(ROOT, 'BENCHMARKS.md'), md);

  console.log(`machine: ${machine()}`);
  console.log(`cold npm run synth: ${cold.npmMs.toFixed(0)} ms (node lib/generator/main.js: ${cold.nodeMs.toFixed(0)} ms)`);
  console.log(`spread: 500 databases, daily 01:00-05:00: at most ${spread.spread} start in one minute (unspread: ${spread.unspread})`);
  for (const line of lines) console.log(line);
}

const childIndex = process.argv.indexOf('--child');
if (childIndex >= 0) child(Number(process.argv[childIndex + 1]));
else main();
