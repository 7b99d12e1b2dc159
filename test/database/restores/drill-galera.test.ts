/**
 * The Galera drill's runner (src/database/restores/drill/drill-galera.sh) run with bash on this
 * host, on the RestoreSession and server pod the construct renders, with a fake `kubectl` on
 * PATH that records its calls and answers canned RestoreSession phases and pod states, pushing
 * to a real Pushgateway when it reports itself (a failed restore, a server pod that never
 * finished). Clean-up is checked after every outcome.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Size, Testing } from 'cdk8s';
import { Backend, DRILL_METRIC_PREFIX, PerconaXtraDbBackupPlan, RetentionPolicy, Schedule } from '../../../src';
import { describeWithPushgateway, Pushgateway, startPushgateway } from '../../support/pushgateway';
import { REPO_ROOT } from '../../support/reference';

const SCRIPT = path.join(REPO_ROOT, 'src', 'database', 'restores', 'drill', 'drill-galera.sh');
const JOB_UID = '6f1c2d3e-0000-4000-8000-00000000beef';
const SESSION_UID = '0a1b2c3d-1111-4111-8111-000000000001';
const CHECKS = ['restore', 'server-start', 'schemas', 'tables', 'row-counts', 'sql'];
const CLAIMS = ['orders-drill-data-0', 'orders-drill-data-1'];

/** The drill's ConfigMap and the runner's plain environment, as the construct renders them. */
function rendered(): { config: { [file: string]: string }; env: { [name: string]: string } } {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
  new PerconaXtraDbBackupPlan(chart, 'orders', {
    database: 'orders', version: '8.0.36',
    backend: Backend.gcs({ bucket: 'shop-backups', prefix: 'shop/orders' }), storageSecretName: 'gcs-secret',
    schedule: Schedule.daily({ hour: 1 }), retentionPolicy: RetentionPolicy.keepLast(7),
    drill: { galera: true, claimStorage: Size.gibibytes(20) },
  });
  const objects = Testing.synth(chart);
  const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'orders-drill-config').data;
  const run = objects.find((o) => o.kind === 'CronJob').spec.jobTemplate.spec.template.spec.containers[0];
  return { config, env: Object.fromEntries(run.env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value])) };
}

// Records each call (arguments tab-separated) and what `create` reads; answers `get restoresession`
// with the next line of `phases` and `get pod` with the next line of `pods` (the last line repeats).
const FAKE_KUBECTL = `#!/bin/bash
set -u
printf '%s\\n' "$(IFS=$'\\t'; echo "$*")" >>"$FAKE_DIR/calls"
args=" $* "
next() { # file
  local i total
  i=$(cat "$FAKE_DIR/$1.i" 2>/dev/null || echo 1)
  total=$(wc -l <"$FAKE_DIR/$1")
  [ "$i" -le "$total" ] || i=$total
  sed -n "\${i}p" "$FAKE_DIR/$1" | tr -d '\\n'
  echo $((i + 1)) >"$FAKE_DIR/$1.i"
}
case "$args" in
  *" create "*)
    n=$(ls "$FAKE_DIR" | grep -c '^created-' || true)
    body=$(cat); printf '%s' "$body" >"$FAKE_DIR/created-$n.json"
    case "$body" in
      *'"kind": "Pod"'*) if [ "\${FAKE_POD_CREATE_FAILS:-}" = 1 ]; then echo 'Error from server (Forbidden)' >&2; exit 1; fi ;;
      *) printf '%s %s' orders-drill "${SESSION_UID}" ;;
    esac ;;
  *" get restoresession "*) next phases ;;
  *" get pod "*) next pods ;;
  *" delete pvc "*) if [ "\${FAKE_PVC_DELETE_FAILS:-}" = 1 ] && [[ "$args" == *" --wait=true "* ]]; then echo 'timed out waiting' >&2; exit 1; fi ;;
  *" delete "*) ;;
  *) echo "fake kubectl: unexpected call: $*" >&2; exit 1 ;;
esac
`;

interface RunnerRun {
  readonly code: number;
  readonly output: string;
  readonly calls: string[][];
  readonly created: any[];
}

describeWithPushgateway('Galera drill runner (drill-galera.sh) with a fake kubectl', (pushgatewayBin) => {
  let gateway: Pushgateway;
  let work: string;
  const { config, env: runnerEnv } = rendered();

  beforeAll(async () => {
    gateway = await startPushgateway(pushgatewayBin);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'stash-pxc-galera-runner-'));
    fs.mkdirSync(path.join(work, 'bin'));
    fs.writeFileSync(path.join(work, 'bin', 'kubectl'), FAKE_KUBECTL, { mode: 0o755 });
  });
  afterAll(async () => {
    await gateway?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  function setup(drill: string, options: { phases?: string[]; pods?: string[]; env?: { [name: string]: string }; serverPod?: any }) {
    const dir = fs.mkdtempSync(path.join(work, `${drill}-`));
    const [fake, state, conf, tmp] = ['kubectl', 'state', 'config', 'tmp'].map((d) => path.join(dir, d));
    for (const d of [fake, state, conf, tmp]) fs.mkdirSync(d);
    fs.writeFileSync(path.join(fake, 'phases'), (options.phases ?? [`${SESSION_UID}\tSucceeded\t`]).map((l) => `${l}\n`).join(''));
    fs.writeFileSync(path.join(fake, 'pods'), (options.pods ?? ['Running\t\t', 'Succeeded\t0\t']).map((l) => `${l}\n`).join(''));
    for (const [name, text] of Object.entries(config)) fs.writeFileSync(path.join(conf, name), text);
    if (options.serverPod) fs.writeFileSync(path.join(conf, 'server-pod.json'), `${JSON.stringify(options.serverPod, null, 2)}\n`);
    const env: { [name: string]: string } = {
      ...runnerEnv,
      PATH: `${path.join(work, 'bin')}:${process.env.PATH}`,
      TMPDIR: tmp,
      FAKE_DIR: fake,
      DRILL_STATE_DIR: state,
      DRILL_RESTORE_SESSION_FILE: path.join(conf, 'restoresession.json'),
      DRILL_SERVER_POD_FILE: path.join(conf, 'server-pod.json'),
      DRILL_NAMESPACE: 'shop',
      DRILL_NAME: drill,
      DRILL_RESTORESESSION_NAME: 'orders-drill',
      DRILL_APPBINDING_NAME: 'orders-drill',
      DRILL_JOB_NAME: 'orders-drill-29412345',
      DRILL_JOB_UID: JOB_UID,
      DRILL_POLL_SECONDS: '1',
      PUSHGATEWAY_URL: gateway.url,
      ...(options.env ?? {}),
    };
    const collect = (code: number, output: string): RunnerRun => ({
      code, output,
      calls: fs.existsSync(path.join(fake, 'calls')) ? fs.readFileSync(path.join(fake, 'calls'), 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t')) : [],
      created: fs.readdirSync(fake).filter((f) => f.startsWith('created-')).sort().map((f) => JSON.parse(fs.readFileSync(path.join(fake, f), 'utf8'))),
    });
    return { env, collect };
  }

  function runner(drill: string, options: Parameters<typeof setup>[1] = {}): RunnerRun {
    const { env, collect } = setup(drill, options);
    const r = spawnSync('bash', [SCRIPT], { env, encoding: 'utf8', timeout: 60_000 });
    return collect(r.status ?? -1, `${r.stdout}${r.stderr}`);
  }

  async function pushed(drill: string): Promise<{ [series: string]: number }> {
    const out: { [series: string]: number } = {};
    for (const s of await gateway.samples(DRILL_METRIC_PREFIX)) {
      if (s.labels.drill !== drill) continue;
      const name = s.name.slice(DRILL_METRIC_PREFIX.length);
      out[s.labels.check ? `${name}{check=${s.labels.check}}` : name] = s.value;
    }
    return out;
  }
  const failedChecks = (series: { [series: string]: number }) => Object.fromEntries(CHECKS.map((c) => [c, series[`failed_check{check=${c}}`]]));

  /** The deletes of the run's end: the server pod, the RestoreSession and both claims, without waiting. */
  function expectCleanedUp(run: RunnerRun): void {
    const last = run.calls.slice(-3).map((c) => c.filter((a) => !a.startsWith('--request-timeout') && a !== '--namespace' && a !== 'shop'));
    expect(last).toEqual([
      ['delete', 'pod', 'orders-drill-server', '--ignore-not-found', '--wait=false'],
      ['delete', 'restoresession', 'orders-drill', '--ignore-not-found', '--wait=false'],
      ['delete', 'pvc', ...CLAIMS, '--ignore-not-found', '--wait=false'],
    ]);
  }

  test('a passing run: leftovers removed first, the RestoreSession, then the server pod owned by the Job; the pod reports, the runner does not', async () => {
    const run = runner('g-pass');
    expect(run.code).toBe(0);
    expect(run.output).toMatch(/the server pod passed every check/);
    const verbs = run.calls.map((c) => `${c[0] === '--request-timeout=30s' ? c.slice(3).slice(0, 2).join(' ') : c.slice(0, 2).join(' ')}`);
    expect(verbs.slice(0, 4)).toEqual(['delete pod', 'delete restoresession', 'delete pvc', 'delete restoresession']);
    const [session, pod] = run.created;
    expect(session.kind).toBe('RestoreSession');
    expect(session.spec.target.ref.name).toBe('orders-drill');
    expect(session.metadata.ownerReferences).toEqual([{ apiVersion: 'batch/v1', kind: 'Job', name: 'orders-drill-29412345', uid: JOB_UID }]);
    expect(pod.kind).toBe('Pod');
    expect(pod.metadata.name).toBe('orders-drill-server');
    expect(pod.metadata.ownerReferences).toEqual([{ apiVersion: 'batch/v1', kind: 'Job', name: 'orders-drill-29412345', uid: JOB_UID }]);
    expect(Number(pod.metadata.annotations['stash-pxc/restore-seconds'])).toBeGreaterThanOrEqual(0);
    expect(pod.spec.volumes.find((v: any) => v.persistentVolumeClaim).persistentVolumeClaim.claimName).toBe('orders-drill-data-0');
    expectCleanedUp(run);
    expect(await pushed('g-pass')).toEqual({});
  });

  test('a check that failed in the server pod: the runner exits 1 and leaves the report to the pod', async () => {
    const run = runner('g-check-failed', { pods: ['Running\t\t', 'Failed\t1\t'] });
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/the server pod reported \(exit 1\)/);
    expectCleanedUp(run);
    expect(await pushed('g-check-failed')).toEqual({});
  });

  const failures: Array<[string, string, RegExp, Parameters<typeof setup>[1]]> = [
    ['a failed restore', 'restore', /check restore: FAILED: the RestoreSession ended Failed: no such file xtrabackup/,
      { phases: [`${SESSION_UID}\tRunning\t`, `${SESSION_UID}\tFailed\tno such file xtrabackup`] }],
    ['a restore that never finished', 'restore', /check restore: FAILED: the RestoreSession did not finish within its time budget/,
      { phases: [`${SESSION_UID}\tRunning\t`], env: { DRILL_RESTORE_TIMEOUT_SECONDS: '2' } }],
    ['claims an earlier run left that cannot be deleted', 'restore', /could not delete what an earlier run left: claims orders-drill-data-0 orders-drill-data-1/,
      { env: { FAKE_PVC_DELETE_FAILS: '1' } }],
    ['a server pod that never finishes (image pull, scheduling)', 'server-start', /check server-start: FAILED: the throwaway server did not become ready/,
      { pods: ['Pending\t\tImagePullBackOff'], env: { DRILL_SERVER_TIMEOUT_SECONDS: '1', DRILL_CHECK_TIMEOUT_SECONDS: '1', DRILL_POD_SLACK_SECONDS: '1' } }],
    ['a server pod killed before it reported (out of memory)', 'server-start', /its check container ended with 137 \(Failed\) before reporting/,
      { pods: ['Running\t\t', 'Failed\t137\t'] }],
    ['a server pod the API server refuses', 'server-start', /the server pod orders-drill-server: could not be created/, { env: { FAKE_POD_CREATE_FAILS: '1' } }],
  ];

  test.each(failures)('%s: the runner reports success=0 naming "%s" and cleans up', async (scenario, failed, reason, options) => {
    const drill = `g-f${failures.findIndex((f) => f[0] === scenario)}`;
    const run = runner(drill, options);
    expect(run.output).toMatch(reason);
    expect(run.code).toBe(1);
    const series = await pushed(drill);
    expect(series.success).toBe(0);
    expect(failedChecks(series)).toEqual(Object.fromEntries(CHECKS.map((c) => [c, c === failed ? 1 : 0])));
    expectCleanedUp(run);
  });

  test('a server pod manifest that mounts another claim is refused before anything is created', () => {
    const evil = JSON.parse(config['server-pod.json']);
    evil.spec.volumes.push({ name: 'source', persistentVolumeClaim: { claimName: 'data-orders-0' } });
    const run = runner('g-evil', { serverPod: evil });
    expect(run.code).toBe(2);
    expect(run.output).toMatch(/the server pod mounts the claims \[data-orders-0 orders-drill-data-0\], not only orders-drill-data-0: refusing to start it/);
    expect(run.created).toEqual([]);
  });

  test('SIGTERM (the Job\'s deadline) while the restore runs: the runner cleans up at once', async () => {
    const { env, collect } = setup('g-term', { phases: [`${SESSION_UID}\tRunning\t`] });
    const child = spawn('bash', [SCRIPT], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    const deadline = Date.now() + 20_000;
    while (!/created RestoreSession/.test(output) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const stopped = Date.now();
    child.kill('SIGTERM');
    const code = await new Promise<number>((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 128 : -1))));
    expect(Date.now() - stopped).toBeLessThan(5_000);
    expect(code).toBe(143);
    expect(output).toMatch(/stopped \(SIGTERM\): cleaning up/);
    expectCleanedUp(collect(code, output));
  }, 30_000);
});
