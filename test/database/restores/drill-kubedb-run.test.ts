/**
 * A drill run into a KubeDB database, its three scripts in the order the pod runs them, on this
 * host: drill-restore.sh with DRILL_DATABASE_FILE (the PerconaXtraDB the construct renders) and a
 * fake `kubectl` that stands in for the API server and KubeDB (it records every call and makes
 * the AppBinding and Secret appear after a few looks), a real MariaDB as the database KubeDB would
 * run (holding a restored `mariadb-dump`, as the addon's `mysql < dump` leaves it), drill-check.sh
 * with the credentials KubeDB's Secret would hold, pushing to a real Pushgateway, then
 * drill-cleanup.sh, which deletes the PerconaXtraDB once the checks are done.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { Backend, DRILL_METRIC_PREFIX, DrillServer, PerconaXtraDbBackupPlan, PerconaXtraDbRestoreDrill, RetentionPolicy, Schedule } from '../../../src';
import { describeWithMariaDb, MariaDbServer, startMariaDb } from '../../support/mariadb';
import { describeWithPushgateway, Pushgateway, startPushgateway } from '../../support/pushgateway';
import { REPO_ROOT } from '../../support/reference';

const DRILL_DIR = path.join(REPO_ROOT, 'src', 'database', 'restores', 'drill');
const JOB_UID = '6f1c2d3e-0000-4000-8000-00000000beef';
const SESSION_UID = '0a1b2c3d-1111-4111-8111-000000000001';
const PASSWORD = `kubedb-made-${process.pid}`;

/** The drill's rendered files, as its ConfigMap holds them. */
function rendered(): { database: any; session: any } {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
  const plan = new PerconaXtraDbBackupPlan(chart, 'orders', {
    database: 'orders', version: '8.0.36', backend: Backend.gcs({ bucket: 'shop-backups', prefix: 'shop/orders' }), storageSecretName: 'gcs-secret',
    schedule: Schedule.daily({ hour: 1 }), retentionPolicy: RetentionPolicy.keepLast(7), drill: { throwaway: DrillServer.kubedb() },
  });
  const drill = plan.drill as PerconaXtraDbRestoreDrill;
  const config = Testing.synth(chart).find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'orders-drill-config').data;
  expect(JSON.parse(config['perconaxtradb.json'])).toEqual(JSON.parse(JSON.stringify(drill.kubedbDatabase)));
  return { database: config['perconaxtradb.json'], session: config['restoresession.json'] };
}

// Records each call (arguments tab-separated) and what `create` reads. KubeDB's AppBinding exists
// from the FAKE_APPBINDING_AFTER-th look on ("never": not at all); the Secret once it does.
const FAKE_KUBECTL = `#!/bin/bash
set -u
printf '%s\\n' "$(IFS=$'\\t'; echo "$*")" >>"$FAKE_DIR/calls"
args=" $* "
looks() { n=$(cat "$FAKE_DIR/$1" 2>/dev/null || echo 0); echo $((n + 1)) >"$FAKE_DIR/$1"; echo $((n + 1)); }
case "$args" in
  *" create "*)
    n=$(ls "$FAKE_DIR" | grep -c '^created-' || true)
    cat >"$FAKE_DIR/created-$n.json"
    if grep -q '"kind": "PerconaXtraDB"' "$FAKE_DIR/created-$n.json" && [ "\${FAKE_DATABASE_FORBIDDEN:-}" = 1 ]; then
      echo 'Error from server (Forbidden)' >&2; exit 1
    fi
    printf 'orders-drill %s' "${SESSION_UID}" ;;
  *" get appbinding "*|*" get secret "*)
    after="\${FAKE_APPBINDING_AFTER:-1}"
    case "$args" in *" appbinding "*) n=$(looks appbinding) ;; *) n=$(cat "$FAKE_DIR/appbinding" 2>/dev/null || echo 0) ;; esac
    [ "$after" != never ] && [ "$n" -ge "$after" ] || { echo 'Error from server (NotFound)' >&2; exit 1; }
    echo found ;;
  *" get restoresession "*) printf '%s\\tSucceeded\\t' "${SESSION_UID}" ;;
  *" delete "*) ;;
  *) echo "fake kubectl: unexpected call: $*" >&2; exit 1 ;;
esac
`;

describeWithMariaDb('a drill run into a KubeDB database (restore, check and cleanup scripts)', (tools) => {
  describeWithPushgateway('reporting to a real Pushgateway', (pushgatewayBin) => {
    let server: MariaDbServer;
    let gateway: Pushgateway;
    let work: string;
    const files = rendered();

    beforeAll(async () => {
      server = await startMariaDb(tools);
      gateway = await startPushgateway(pushgatewayBin);
      work = fs.mkdtempSync(path.join(os.tmpdir(), 'stash-pxc-drill-kubedb-'));
      fs.mkdirSync(path.join(work, 'bin'));
      fs.writeFileSync(path.join(work, 'bin', 'kubectl'), FAKE_KUBECTL, { mode: 0o755 });
      // What the restore leaves in the database: a dump of the source, loaded with the client.
      server.sql('CREATE DATABASE shop; CREATE TABLE shop.orders (id INT PRIMARY KEY, total INT NOT NULL); INSERT INTO shop.orders VALUES (1, 10), (2, 20);');
      const dump = execFileSync(tools.dump, ['--no-defaults', `--socket=${server.socket}`, '-uroot', '--databases', 'shop'], { encoding: 'utf8' });
      server.sql('DROP DATABASE shop;');
      server.sql(dump);
      // KubeDB's Secret holds root's credentials; here a user with the same rights over TCP.
      server.sql(`CREATE USER 'admin'@'127.0.0.1' IDENTIFIED BY '${PASSWORD}'; GRANT ALL ON *.* TO 'admin'@'127.0.0.1';`);
    }, 90_000);

    afterAll(async () => {
      await gateway?.stop();
      await server?.stop();
      if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    interface RunDir { dir: string; fake: string; state: string; database: string; session: string }
    function runDir(database = files.database): RunDir {
      const dir = fs.mkdtempSync(path.join(work, 'run-'));
      const r = { dir, fake: path.join(dir, 'kubectl'), state: path.join(dir, 'state'), database: path.join(dir, 'perconaxtradb.json'), session: path.join(dir, 'restoresession.json') };
      fs.mkdirSync(r.fake);
      fs.mkdirSync(r.state);
      fs.writeFileSync(r.database, database);
      fs.writeFileSync(r.session, files.session);
      return r;
    }
    const common = (r: RunDir, env: { [name: string]: string } = {}) => ({
      PATH: `${path.join(work, 'bin')}:${process.env.PATH}`, FAKE_DIR: r.fake, DRILL_STATE_DIR: r.state,
      DRILL_NAMESPACE: 'shop', DRILL_NAME: 'orders-drill', DATABASE_NAME: 'orders', DRILL_POLL_SECONDS: '1', ...env,
    });
    function script(name: string, r: RunDir, env: { [name: string]: string }): { code: number; output: string } {
      const run = spawnSync('bash', [path.join(DRILL_DIR, name)], { encoding: 'utf8', timeout: 60_000, env: common(r, env) });
      return { code: run.status ?? -1, output: `${run.stdout}${run.stderr}` };
    }
    const restore = (r: RunDir, env: { [name: string]: string } = {}) => script('drill-restore.sh', r, {
      DRILL_JOB_NAME: 'orders-drill-29412345', DRILL_JOB_UID: JOB_UID, DRILL_RESTORE_SESSION_FILE: r.session, DRILL_DATABASE_FILE: r.database,
      DRILL_AUTH_SECRET: 'orders-drill-auth', MYSQL_HOST: '127.0.0.1', MYSQL_PORT: String(server.port), FAKE_APPBINDING_AFTER: '3', ...env,
    });
    const check = (r: RunDir) => script('drill-check.sh', r, {
      MYSQL_HOST: '127.0.0.1', MYSQL_PORT: String(server.port), MYSQL_USER: 'admin', MYSQL_PWD: PASSWORD, PUSHGATEWAY_URL: gateway.url,
      DRILL_SCHEMAS: 'shop', DRILL_SERVER_TIMEOUT_SECONDS: '10',
    });
    const cleanup = (r: RunDir, wait = '30') => script('drill-cleanup.sh', r, { DRILL_CLEANUP_WAIT_SECONDS: wait });
    const calls = (r: RunDir): string[] => (fs.existsSync(path.join(r.fake, 'calls')) ? fs.readFileSync(path.join(r.fake, 'calls'), 'utf8').split('\n').filter(Boolean) : [])
      .map((l) => l.split('\t').filter((a) => !a.startsWith('--') && a !== 'shop' && a !== '-f' && a !== '-' && a !== '-o' && a !== 'name' && !a.startsWith('jsonpath')).join(' '));
    const created = (r: RunDir): any[] => fs.readdirSync(r.fake).filter((f) => f.startsWith('created-')).sort().map((f) => JSON.parse(fs.readFileSync(path.join(r.fake, f), 'utf8')));
    const state = (r: RunDir, file: string) => (fs.existsSync(path.join(r.state, file)) ? fs.readFileSync(path.join(r.state, file), 'utf8').trim() : undefined);
    async function success(): Promise<number | undefined> {
      return (await gateway.samples(`${DRILL_METRIC_PREFIX}success`)).find((s) => s.labels.drill === 'orders-drill')?.value;
    }

    test('a passing run: the database is created owned by the Job, waited for, restored into, checked, reported, then deleted', async () => {
      const r = runDir();
      const restored = restore(r);
      expect(restored).toMatchObject({ code: 0 });
      expect(calls(r)).toEqual([
        'delete perconaxtradb orders-drill', 'create',
        'get appbinding orders-drill', 'get appbinding orders-drill', 'get appbinding orders-drill', 'get secret orders-drill-auth',
        'delete restoresession orders-drill', 'create', 'get restoresession orders-drill',
      ]);
      const [database, session] = created(r);
      // Exactly the rendered PerconaXtraDB, plus the owner reference to this run's Job.
      const expected = JSON.parse(files.database);
      expect(database).toEqual({ ...expected, metadata: { ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'orders-drill-29412345', uid: JOB_UID }], ...expected.metadata } });
      expect(session.spec.target.ref.name).toBe('orders-drill');
      expect(state(r, 'server.ready')).toBe('true');
      expect(state(r, 'restore.phase')).toBe('Succeeded');

      const checked = check(r);
      expect(checked.code).toBe(0);
      expect(checked.output).toMatch(/check tables: ok/);
      expect(checked.output.includes(PASSWORD)).toBe(false);
      expect(await success()).toBe(1);
      expect(fs.existsSync(path.join(r.state, 'check.done'))).toBe(true);

      const before = calls(r).length;
      const cleaned = cleanup(r);
      expect(cleaned.code).toBe(0);
      expect(calls(r).slice(before)).toEqual(['delete perconaxtradb orders-drill']);
      expect(fs.readFileSync(path.join(r.fake, 'calls'), 'utf8').trim().split('\n').pop()).toContain('--wait=false');
    }, 60_000);

    test('KubeDB never makes the AppBinding: no RestoreSession, and the checks report server-start', async () => {
      const r = runDir();
      expect(restore(r, { FAKE_APPBINDING_AFTER: 'never', DRILL_SERVER_TIMEOUT_SECONDS: '3' })).toMatchObject({ code: 0 });
      expect(calls(r).filter((c) => c.includes('restoresession'))).toEqual([]);
      expect(created(r).map((o) => o.kind)).toEqual(['PerconaXtraDB']);
      expect(state(r, 'server.ready')).toBe('false');
      const checked = check(r);
      expect(checked.code).toBe(1);
      expect(checked.output).toMatch(/check server-start: FAILED/);
      expect(await success()).toBe(0);
      expect(cleanup(r).code).toBe(0);
      expect(calls(r).pop()).toBe('delete perconaxtradb orders-drill');
    }, 60_000);

    test('a refused create of the database: no RestoreSession', () => {
      const r = runDir();
      expect(restore(r, { FAKE_DATABASE_FORBIDDEN: '1' })).toMatchObject({ code: 0 });
      expect(calls(r)).toEqual(['delete perconaxtradb orders-drill', 'create']);
      expect(state(r, 'server.ready')).toBe('false');
    });

    test.each([
      ['names an auth Secret (the source\'s, say)', (db: any) => ({ ...db, spec: { ...db.spec, authSecret: { name: 'orders-auth' } } }), /names an auth Secret/],
      ['is named after something else', (db: any) => ({ ...db, metadata: { ...db.metadata, name: 'orders' } }), /is not the PerconaXtraDB orders-drill/],
      ['does not wait for the restore', (db: any) => ({ ...db, spec: { ...db.spec, init: { waitForInitialRestore: false } } }), /does not wait for the initial restore/],
    ])('a manifest that %s is refused before any call', (_name, change, message) => {
      const r = runDir(`${JSON.stringify(change(JSON.parse(files.database)), null, 2)}\n`);
      const run = restore(r);
      expect(run.code).toBe(2);
      expect(run.output).toMatch(message);
      expect(calls(r)).toEqual([]);
    });

    test('without the checks\' check.done the cleanup waits its budget, then deletes the database anyway', () => {
      const r = runDir();
      const started = Date.now();
      const run = cleanup(r, '2');
      expect(run.code).toBe(0);
      expect(run.output).toMatch(/did not finish within 2s: deleting the database anyway/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
      expect(calls(r)).toEqual(['delete perconaxtradb orders-drill']);
    });
  });
});
