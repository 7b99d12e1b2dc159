/**
 * The restore drill's restore step (src/database/restores/drill/drill-restore.sh), run with bash
 * on this host with a fake `kubectl` on PATH that records its calls and answers canned
 * RestoreSession phases, and a real TCP listener standing in for the throwaway server's port.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { freePort } from '../../support/mariadb';
import { REPO_ROOT } from '../../support/reference';

const SCRIPT = path.join(REPO_ROOT, 'src', 'database', 'restores', 'drill', 'drill-restore.sh');
const UID = '6f1c2d3e-0000-4000-8000-00000000beef';
const SESSION_UID = '0a1b2c3d-1111-4111-8111-000000000001';

/** The RestoreSession as the drill construct renders it into its ConfigMap (JSON, two-space indent). */
function manifest(target = 'orders-drill'): { [key: string]: any } {
  return {
    apiVersion: 'stash.appscode.com/v1beta1',
    kind: 'RestoreSession',
    metadata: { name: 'orders-drill', namespace: 'shop', labels: { 'stash-pxc/drill': 'orders-drill' } },
    spec: {
      repository: { name: 'orders-repo' },
      task: { name: 'perconaxtradb-restore-8.0' },
      target: { ref: { apiVersion: 'appcatalog.appscode.com/v1alpha1', kind: 'AppBinding', name: target }, rules: [{ snapshots: ['latest'] }] },
      timeOut: '3600s',
    },
  };
}

// Records each call (arguments tab-separated) and what `create` reads; answers `get` with the
// next line of `phases` (uid, phase, message; the last line repeats).
const FAKE_KUBECTL = `#!/bin/bash
set -u
printf '%s\\n' "$(IFS=$'\\t'; echo "$*")" >>"$FAKE_DIR/calls"
args=" $* "
case "$args" in
  *" create "*)
    n=$(ls "$FAKE_DIR" | grep -c '^created-' || true)
    cat >"$FAKE_DIR/created-$n.json"
    [ "\${FAKE_CREATE_FAILS:-}" = 1 ] && { echo 'Error from server (Forbidden)' >&2; exit 1; }
    printf '%s %s' "\${FAKE_CREATED_NAME:-orders-drill}" "${SESSION_UID}" ;;
  *" get restoresession "*)
    i=$(cat "$FAKE_DIR/i" 2>/dev/null || echo 1)
    total=$(wc -l <"$FAKE_DIR/phases")
    [ "$i" -le "$total" ] || i=$total
    sed -n "\${i}p" "$FAKE_DIR/phases" | tr -d '\\n'
    echo $((i + 1)) >"$FAKE_DIR/i" ;;
  *" delete "*) ;;
  *) echo "fake kubectl: unexpected call: $*" >&2; exit 1 ;;
esac
`;

interface RestoreRun {
  readonly code: number;
  readonly output: string;
  readonly seconds: number;
  /** kubectl calls, each as its argument list. */
  readonly calls: string[][];
  /** What each `kubectl create` read from stdin. */
  readonly created: any[];
  /** The state directory: file → first line. */
  readonly state: { [file: string]: string };
}

describe('restore drill restore step (drill-restore.sh) with a fake kubectl', () => {
  let work: string;
  let listener: net.Server;
  let openPort: number;

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'stash-pxc-drill-restore-'));
    fs.mkdirSync(path.join(work, 'bin'));
    fs.writeFileSync(path.join(work, 'bin', 'kubectl'), FAKE_KUBECTL, { mode: 0o755 });
    // The throwaway server's port: the kernel accepts connections even while the test waits.
    listener = net.createServer((socket) => socket.destroy());
    openPort = await new Promise<number>((resolve) => listener.listen(0, '127.0.0.1', () => resolve((listener.address() as net.AddressInfo).port)));
  });

  afterAll(() => {
    listener?.close();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  function restore(options: { phases?: string[]; env?: { [name: string]: string }; manifest?: { [key: string]: any } } = {}): RestoreRun {
    const dir = fs.mkdtempSync(path.join(work, 'run-'));
    const fake = path.join(dir, 'kubectl');
    const state = path.join(dir, 'state');
    fs.mkdirSync(fake);
    fs.mkdirSync(state);
    fs.writeFileSync(path.join(fake, 'phases'), (options.phases ?? [`${SESSION_UID}\tSucceeded\t`]).map((l) => `${l}\n`).join(''));
    const file = path.join(dir, 'restoresession.json');
    fs.writeFileSync(file, `${JSON.stringify(options.manifest ?? manifest(), null, 2)}\n`);
    const started = Date.now();
    const run = spawnSync('bash', [SCRIPT], {
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        PATH: `${path.join(work, 'bin')}:${process.env.PATH}`,
        FAKE_DIR: fake,
        DRILL_STATE_DIR: state,
        DRILL_NAMESPACE: 'shop',
        DRILL_NAME: 'orders-drill',
        DATABASE_NAME: 'orders',
        DRILL_JOB_NAME: 'orders-drill-29412345',
        DRILL_JOB_UID: UID,
        DRILL_RESTORE_SESSION_FILE: file,
        MYSQL_HOST: '127.0.0.1',
        MYSQL_PORT: String(openPort),
        DRILL_POLL_SECONDS: '1',
        ...(options.env ?? {}),
      },
    });
    const calls = fs.existsSync(path.join(fake, 'calls'))
      ? fs.readFileSync(path.join(fake, 'calls'), 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t')) : [];
    const created = fs.readdirSync(fake).filter((f) => f.startsWith('created-')).sort()
      .map((f) => JSON.parse(fs.readFileSync(path.join(fake, f), 'utf8')));
    const stateFiles: { [file: string]: string } = {};
    for (const f of fs.readdirSync(state)) stateFiles[f] = fs.readFileSync(path.join(state, f), 'utf8').split('\n')[0];
    fs.rmSync(dir, { recursive: true, force: true });
    return { code: run.status ?? -1, output: `${run.stdout}${run.stderr}`, seconds: (Date.now() - started) / 1000, calls, created, state: stateFiles };
  }

  const verbsOf = (run: RestoreRun) => run.calls.map((c) => c.filter((a) => !a.startsWith('--') && a !== 'shop').slice(0, 2).join(' '));

  test('creates exactly one RestoreSession into the drill\'s AppBinding, owned by the Job, and writes the outcome', () => {
    const run = restore({ phases: [`${SESSION_UID}\t\t`, `${SESSION_UID}\tPending\t`, `${SESSION_UID}\tRunning\t`, `${SESSION_UID}\tSucceeded\t`] });
    expect(run.code).toBe(0);
    // An earlier run's session goes first; then one create; then the phase until it is final.
    expect(verbsOf(run)).toEqual(['delete restoresession', 'create -f', 'get restoresession', 'get restoresession', 'get restoresession', 'get restoresession']);
    for (const call of run.calls) expect(call).toEqual(expect.arrayContaining(['--namespace', 'shop', '--request-timeout=30s']));
    expect(run.calls[0]).toEqual(expect.arrayContaining(['orders-drill', '--ignore-not-found']));
    expect(run.created).toHaveLength(1);
    const session = run.created[0];
    // Exactly the rendered manifest, plus the owner reference to this run's Job.
    const expected = manifest();
    expect(session).toEqual({ ...expected, metadata: { ...expected.metadata, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'orders-drill-29412345', uid: UID }] } });
    expect(session.spec.target.ref).toEqual({ apiVersion: 'appcatalog.appscode.com/v1alpha1', kind: 'AppBinding', name: 'orders-drill' });
    expect(run.state).toEqual({
      'server.ready': 'true',
      'server.seconds': expect.stringMatching(/^\d+$/),
      'restore.phase': 'Succeeded',
      'restore.seconds': expect.stringMatching(/^\d+$/),
      'restore.message': '',
    });
    expect(Number(run.state['restore.seconds'])).toBeGreaterThanOrEqual(3);
  });

  test.each([
    ['Failed', 'Failed', `${SESSION_UID}\tFailed\tfailed to restore: dump truncated`, 'failed to restore: dump truncated'],
    ['Unknown', 'Unknown', `${SESSION_UID}\tUnknown\t`, ''],
    ['Invalid', 'Failed', `${SESSION_UID}\tInvalid\t`, 'the RestoreSession is Invalid (see its conditions)'],
  ])('a RestoreSession that ends %s: restore.phase=%s with its message', (_ends, phase, line, message) => {
    const run = restore({ phases: [`${SESSION_UID}\tRunning\t`, line] });
    expect(run.code).toBe(0);
    expect(run.state).toMatchObject({ 'server.ready': 'true', 'restore.phase': phase, 'restore.message': message });
  });

  test('a restore that never finishes: Timeout after the budget, and the RestoreSession deleted (its Job with it)', () => {
    const run = restore({ phases: [`${SESSION_UID}\tRunning\t`], env: { DRILL_RESTORE_TIMEOUT_SECONDS: '3' } });
    expect(run.code).toBe(0);
    expect(run.seconds).toBeLessThan(20);
    expect(run.state).toMatchObject({ 'restore.phase': 'Timeout', 'restore.message': 'still Running after 3s' });
    expect(Number(run.state['restore.seconds'])).toBeGreaterThanOrEqual(3);
    expect(verbsOf(run).slice(-1)).toEqual(['delete restoresession']);
    expect(run.created).toHaveLength(1);
  });

  test('a server that never opens its port: server.ready=false, no restore tried, within the budget', async () => {
    const run = restore({ env: { MYSQL_PORT: String(await freePort()), DRILL_SERVER_TIMEOUT_SECONDS: '2' } });
    expect(run.code).toBe(0);
    expect(run.seconds).toBeLessThan(20);
    expect(run.state).toEqual({ 'server.ready': 'false', 'server.seconds': expect.stringMatching(/^\d+$/) });
    expect(run.calls).toEqual([]);
    expect(run.output).toMatch(/did not open its port within 2s: no restore/);
  });

  test('a session replaced while waiting (another uid) is not taken for this run\'s', () => {
    const run = restore({ phases: ['ffffffff-0000-4000-8000-000000000000\tSucceeded\t'] });
    expect(run.state).toMatchObject({ 'restore.phase': 'Failed', 'restore.message': 'RestoreSession orders-drill was replaced while the drill waited for it' });
  });

  test('a create the API server refuses: restore.phase=Failed, and the check step still runs (exit 0)', () => {
    const run = restore({ env: { FAKE_CREATE_FAILS: '1' } });
    expect(run.code).toBe(0);
    expect(run.state).toMatchObject({ 'restore.phase': 'Failed', 'restore.message': 'could not create RestoreSession orders-drill' });
  });

  test('never restores into another AppBinding (the source database\'s): refused before any call', () => {
    const run = restore({ manifest: manifest('orders') });
    expect(run.code).toBe(2);
    expect(run.output).toMatch(/the RestoreSession's target is not AppBinding orders-drill: refusing to restore into/);
    expect(run.calls).toEqual([]);
    expect(run.state).toEqual({});
  });

  test('configuration errors name the variable', () => {
    expect(restore({ env: { DRILL_JOB_UID: '' } }).output).toMatch(/DRILL_JOB_UID is not set/);
    expect(restore({ env: { DRILL_RESTORE_TIMEOUT_SECONDS: '1h' } }).output).toMatch(/RESTORE_TIMEOUT=1h is not a whole number/);
    expect(restore({ env: { DRILL_NAMESPACE: 'Shop;rm' } }).output).toMatch(/DRILL_NAMESPACE="Shop;rm" is not a Kubernetes name/);
  });
});
