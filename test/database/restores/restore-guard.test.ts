/**
 * The restore guard's commands, run for real against a MariaDB server on this host, exactly as
 * the RestoreSession carries them: the restore Job's steps are replayed in Stash's order (the
 * preRestore hook, then the restore only if it succeeded, then the postRestore hook "OnSuccess"),
 * with the restore itself done as the addon does it for a standalone database (a dump piped
 * into `mysql`). The hooks run with the environment KubeDB gives its server container
 * (MYSQL_ROOT_USERNAME, MYSQL_ROOT_PASSWORD); MYSQL_TCP_PORT points the client at this server,
 * and STASH_PXC_GUARD_LOG stands for the server container's log (PID 1's stdout in the pod).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { PerconaXtraDbRestore, PerconaXtraDbRestoreProps, Repository } from '../../../src';
import { describeWithMariaDb, MariaDbServer, startMariaDb } from '../../support/mariadb';
import { execHookError, HOST_RESTORE_FAILED, preRestoreHookRefusal, STATUS_UPDATER } from '../../support/stash-restore-failure';

const REPO = Repository.fromRepositoryName('orders-repo');
const ADMIN = { user: 'kubedb-root', password: 'pa ss"word' };
/** Stands for the server container's log, where the guard copies a refusal. */
const SERVER_LOG = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'stash-pxc-guard-')), 'perconaxtradb.log');

/** The RestoreSession a user would apply. */
function restoreSession(props: Partial<PerconaXtraDbRestoreProps> = {}): any {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
  new PerconaXtraDbRestore(chart, 'restore', { database: 'orders-copy', version: '8.0.36', repository: REPO, ...props });
  return Testing.synth(chart)[0];
}

interface HookRun { readonly exitCode: number; readonly output: string }

/** Runs an exec hook as `stash run-hook` does in the database's container: its command, the container's environment, output combined. */
function runHook(hook: any, server: MariaDbServer, port = server.port): HookRun {
  const [cmd, ...args] = hook.exec.command as string[];
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, MYSQL_TCP_PORT: String(port), MYSQL_ROOT_USERNAME: ADMIN.user, MYSQL_ROOT_PASSWORD: ADMIN.password, STASH_PXC_GUARD_LOG: SERVER_LOG },
  });
  return { exitCode: r.status ?? -1, output: `${r.stdout}${r.stderr}`.trim() };
}

interface RestoreRun { readonly phase: 'Succeeded' | 'Failed'; readonly restored: boolean; readonly message: string }

/** The restore Job's steps in Stash's order; `dump` is what the addon pipes into mysql. */
function runRestore(rs: any, server: MariaDbServer, dump: string): RestoreRun {
  const pre = rs.spec.hooks?.preRestore;
  if (pre) {
    const r = runHook(pre, server);
    if (r.exitCode !== 0) return { phase: 'Failed', restored: false, message: r.output };
  }
  server.sql(dump);
  const post = rs.spec.hooks?.postRestore;
  if (post && (post.executionPolicy ?? 'Always') !== 'OnFailure') {
    const r = runHook(post, server);
    if (r.exitCode !== 0) return { phase: 'Failed', restored: true, message: r.output };
  }
  return { phase: 'Succeeded', restored: true, message: '' };
}

const ORDERS_DUMP = 'CREATE DATABASE orders; CREATE TABLE orders.items (id INT PRIMARY KEY, sku VARCHAR(20)); INSERT INTO orders.items VALUES (1, \'first\');';

describeWithMariaDb('the restore guard against a real server', (tools) => {
  let server: MariaDbServer;

  // One server for the suite (starting one takes seconds); each test starts from a server that
  // holds only what a fresh KubeDB database holds.
  beforeAll(async () => {
    server = await startMariaDb(tools);
    // KubeDB's root account: a password, reached over TCP.
    server.sql(`CREATE USER '${ADMIN.user}'@'%' IDENTIFIED BY '${ADMIN.password.replace(/"/g, '\\"')}'; GRANT ALL ON *.* TO '${ADMIN.user}'@'%' WITH GRANT OPTION;`);
  }, 60_000);

  beforeEach(() => {
    for (const db of server.sql('SHOW DATABASES').trim().split('\n')) {
      if (!['mysql', 'information_schema', 'performance_schema', 'sys'].includes(db)) server.sql(`DROP DATABASE \`${db}\``);
    }
    // KubeDB's own health-check schema is in every database it runs; it is not user data.
    server.sql('CREATE DATABASE kubedb_system; CREATE TABLE kubedb_system.kubedb_write_check (id INT PRIMARY KEY);');
    fs.writeFileSync(SERVER_LOG, '');
  });

  afterAll(async () => {
    await server?.stop();
  });

  test('an empty server: allowed, restored, and the marker recorded', () => {
    const rs = restoreSession({ name: 'orders-2026-12-01' });
    expect(runHook(rs.spec.hooks.preRestore, server)).toEqual({
      exitCode: 0, output: 'stash-pxc restore guard: the database holds no user schemas and no record of shop/orders-2026-12-01; restoring.',
    });
    expect(runRestore(rs, server, ORDERS_DUMP)).toEqual({ phase: 'Succeeded', restored: true, message: '' });
    expect(server.sql('SELECT sku FROM orders.items').trim()).toBe('first');
    expect(server.sql('SELECT name FROM stash_pxc.restores').trim()).toBe('shop/orders-2026-12-01');
    // Nothing refused, nothing in the server's log.
    expect(fs.readFileSync(SERVER_LOG, 'utf8')).toBe('');
  });

  test('a server with user data: refused before anything is written, with the message the user sees', () => {
    server.sql('CREATE DATABASE shop; CREATE TABLE shop.carts (id INT PRIMARY KEY); INSERT INTO shop.carts VALUES (7); CREATE DATABASE billing;');
    const result = runRestore(restoreSession({ name: 'orders-2026-12-01' }), server, ORDERS_DUMP);
    expect(result).toEqual({
      phase: 'Failed', restored: false,
      message: 'stash-pxc restore guard: REFUSED: the database already holds data (schemas: billing, shop) that restoring shop/orders-2026-12-01 would overwrite. '
        + 'Nothing was restored. Fix: restore into a new, empty database, or set overwrite: true on the restore to replace this data on purpose.',
    });
    expect(server.sql('SHOW DATABASES LIKE \'orders\'').trim()).toBe('');
    expect(server.sql('SELECT id FROM shop.carts').trim()).toBe('7');
  });

  test('the same RestoreSession created again after it finished: refused by its marker, even when the dump held no schema', () => {
    const rs = restoreSession({ name: 'orders-2026-12-01' });
    expect(runRestore(rs, server, 'SELECT 1;').phase).toBe('Succeeded');
    // Created again (helm uninstall + install, a GitOps re-sync): the same object, the same hooks.
    const again = runRestore(restoreSession({ name: 'orders-2026-12-01' }), server, ORDERS_DUMP);
    expect(again.phase).toBe('Failed');
    expect(again.restored).toBe(false);
    expect(again.message).toMatch(new RegExp('^stash-pxc restore guard: REFUSED: RestoreSession shop/orders-2026-12-01 already restored this database '
      + '\\(finished \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC, recorded in stash_pxc\\.restores\\); running it again would overwrite everything written since\\. '
      + 'Nothing was restored\\. Fix: to restore again on purpose, create a RestoreSession with a new name and overwrite: true \\(see the runbook, StashPxcRestoreFailed\\)\\.$'));
    expect(server.sql('SHOW DATABASES LIKE \'orders\'').trim()).toBe('');
  });

  test('after a real restore, the same RestoreSession again is refused and the data written since survives', () => {
    expect(runRestore(restoreSession({ name: 'orders-2026-12-01' }), server, ORDERS_DUMP).phase).toBe('Succeeded');
    server.sql('INSERT INTO orders.items VALUES (2, \'since\');');
    const again = runRestore(restoreSession({ name: 'orders-2026-12-01' }), server, 'DROP DATABASE orders; ' + ORDERS_DUMP);
    expect(again.phase).toBe('Failed');
    expect(server.sql('SELECT COUNT(*) FROM orders.items').trim()).toBe('2');
  });

  test('opt-in (overwrite: true): the restore runs over existing data', () => {
    server.sql('CREATE DATABASE orders; CREATE TABLE orders.items (id INT PRIMARY KEY, sku VARCHAR(20)); INSERT INTO orders.items VALUES (1, \'old\');');
    const rs = restoreSession({ name: 'orders-2026-12-02', overwrite: true });
    expect(runRestore(rs, server, 'DROP DATABASE orders; ' + ORDERS_DUMP)).toEqual({ phase: 'Succeeded', restored: true, message: '' });
    expect(server.sql('SELECT sku FROM orders.items').trim()).toBe('first');
  });

  test('a server it cannot reach: refused (the guard fails closed)', () => {
    const rs = restoreSession({ name: 'orders-2026-12-01' });
    const r = runHook(rs.spec.hooks.preRestore, server, 1);
    expect(r.exitCode).toBe(1);
    expect(r.output).toMatch(/^stash-pxc restore guard: REFUSED: cannot query the database to check that it is empty \(.*\)\. Nothing was restored\. Fix: make the database reachable and create the RestoreSession again, or set overwrite: true to restore without this check\.$/s);
  });

  test('what the user sees of a refusal: Stash keeps only that the hook failed, the guard\'s reason and fix are in the server\'s log', () => {
    server.sql('CREATE DATABASE shop;');
    const hook = runHook(restoreSession({ name: 'orders-2026-12-01' }).spec.hooks.preRestore, server);
    expect(hook.exitCode).toBe(1);
    // Stash's exec runner drops the command's output: the RestoreSession's host error and its
    // Events say that the preRestore hook failed, on which host, and nothing of why.
    const hookError = execHookError('command terminated with non-zero exit code: exit status 1');
    const seen = preRestoreHookRefusal({ namespace: 'shop', name: 'orders-2026-12-01' }, 'host-0', hookError);
    expect(seen.phase).toBe('Failed');
    expect(seen.stats).toEqual([{ hostname: 'host-0', phase: 'Failed', error: hookError }]);
    expect(seen.jobEvents).toEqual([{
      type: 'Warning', reason: HOST_RESTORE_FAILED, source: { component: STATUS_UPDATER },
      message: `restore failed for host "host-0". Reason: ${hookError}`,
      involvedObject: { apiVersion: 'stash.appscode.com/v1beta1', kind: 'RestoreSession', namespace: 'shop', name: 'orders-2026-12-01' },
    }]);
    // So the guard writes its line, with the fix, where `kubectl logs` of the database shows it.
    expect(fs.readFileSync(SERVER_LOG, 'utf8')).toBe(`${hook.output}\n`);
    expect(hook.output).toBe('stash-pxc restore guard: REFUSED: the database already holds data (schemas: shop) that restoring shop/orders-2026-12-01 would overwrite. '
      + 'Nothing was restored. Fix: restore into a new, empty database, or set overwrite: true on the restore to replace this data on purpose.');
  });

  test('a log it cannot write does not change the verdict', () => {
    server.sql('CREATE DATABASE shop;');
    const [cmd, ...args] = restoreSession({ name: 'orders-2026-12-01' }).spec.hooks.preRestore.exec.command as string[];
    const r = spawnSync(cmd, args, {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, MYSQL_TCP_PORT: String(server.port), MYSQL_ROOT_USERNAME: ADMIN.user, MYSQL_ROOT_PASSWORD: ADMIN.password,
        STASH_PXC_GUARD_LOG: path.join(SERVER_LOG, 'no-such-dir', 'log') },
    });
    expect(r.status).toBe(1);
    expect(`${r.stdout}${r.stderr}`.trim()).toMatch(/^stash-pxc restore guard: REFUSED: the database already holds data \(schemas: shop\)/);
    expect(r.stderr).toBe('');
  });
});
