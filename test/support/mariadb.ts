/**
 * A real MySQL-compatible server for the tests that run SQL and shell scripts on this host:
 * Debian's `mariadb-server` (`mariadbd`, `mariadb-install-db`, the `mariadb` client and
 * `mariadb-dump`). `npm test` installs it first where it can (`scripts/install-tools.sh --optional`:
 * as root with apt-get). Each server gets its own data directory, socket and loopback port, so
 * suites may run side by side; `stop()` shuts it down and removes the directory.
 *
 * Without the server, the suites skip with one line (outside CI); in CI (CI=true) they fail with
 * the command that installs it.
 */
import { execFileSync, spawn, ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { onPath } from './helm';

const INSTALL_HINT = 'install it with `apt-get install mariadb-server mariadb-client` (as root; `npm test` does it through `scripts/install-tools.sh`)';

/** The MariaDB programs the tests run. */
export interface MariaDbTools {
  readonly server: string;
  readonly installDb: string;
  readonly client: string;
  readonly dump: string;
}

/** The MariaDB programs on PATH (or in /usr/sbin, where Debian puts the server), or undefined. */
export function findMariaDb(): MariaDbTools | undefined {
  const find = (name: string) => onPath(name) ?? ['/usr/sbin', '/usr/bin'].map((d) => path.join(d, name)).find((p) => fs.existsSync(p));
  const server = find('mariadbd');
  const installDb = find('mariadb-install-db');
  const client = find('mariadb');
  const dump = find('mariadb-dump');
  return server && installDb && client && dump ? { server, installDb, client, dump } : undefined;
}

/** Why the MariaDB suites are skipped here (one line), or undefined when they run (always in CI). */
export function mariaDbUnavailable(): string | undefined {
  if (findMariaDb() || process.env.CI) return undefined;
  return `no MariaDB server (mariadbd, mariadb-install-db, mariadb, mariadb-dump): ${INSTALL_HINT}`;
}

/**
 * `describe` with the MariaDB programs when they are here; one skipped test saying why when they
 * are not (outside CI); a failing test with the install command in CI.
 */
export function describeWithMariaDb(name: string, body: (tools: MariaDbTools) => void): void {
  const tools = findMariaDb();
  if (tools) {
    describe(name, () => body(tools));
    return;
  }
  const why = mariaDbUnavailable();
  describe(name, () => {
    if (why) test.skip(`skipped: ${why}`, () => undefined);
    else test('MariaDB is installed', () => { throw new Error(`MariaDB server not found; ${INSTALL_HINT}`); });
  });
}

/** A running throwaway server. */
export interface MariaDbServer {
  readonly tools: MariaDbTools;
  /** Loopback TCP port (host 127.0.0.1). */
  readonly port: number;
  /** Unix socket path. */
  readonly socket: string;
  /** The server's data directory. */
  readonly dataDir: string;
  /** Runs SQL as root over the socket and returns stdout (tab-separated, no headers). Throws on a client error. */
  sql(statements: string, database?: string): string;
  /** Stops the server and removes its files. */
  stop(): Promise<void>;
}

/** A free loopback TCP port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForSocket(socket: string, proc: ChildProcess, log: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`mariadbd exited with ${proc.exitCode}: ${fs.readFileSync(log, 'utf8').slice(-2000)}`);
    if (fs.existsSync(socket)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`mariadbd did not open ${socket} within ${timeoutMs} ms: ${fs.readFileSync(log, 'utf8').slice(-2000)}`);
}

/**
 * Starts a server on a new data directory (or on `dataDir`, which must hold an initialised one,
 * e.g. a restored data directory). Root has no password over the socket and over TCP.
 */
export async function startMariaDb(tools: MariaDbTools, options: { dataDir?: string; timeoutMs?: number } = {}): Promise<MariaDbServer> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'stash-pxc-mariadb-'));
  const dataDir = options.dataDir ?? path.join(root, 'data');
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? ['--user=root'] : [];
  if (!options.dataDir) {
    execFileSync(tools.installDb, ['--no-defaults', `--datadir=${dataDir}`, ...(asRoot ? ['--user=root'] : []),
      '--auth-root-authentication-method=normal', '--skip-test-db'], { stdio: 'pipe' });
  }
  const socket = path.join(root, 'mysqld.sock');
  const log = path.join(root, 'mysqld.log');
  const port = await freePort();
  const proc = spawn(tools.server, ['--no-defaults', `--datadir=${dataDir}`, `--socket=${socket}`, `--port=${port}`,
    '--bind-address=127.0.0.1', `--pid-file=${path.join(root, 'mysqld.pid')}`, `--log-error=${log}`, '--skip-log-bin',
    '--innodb-buffer-pool-size=32M', '--skip-name-resolve', ...user], { stdio: 'ignore' });
  await waitForSocket(socket, proc, log, options.timeoutMs ?? 30_000);
  const sql = (statements: string, database?: string) => execFileSync(tools.client,
    ['--no-defaults', `--socket=${socket}`, '-uroot', '--batch', '--skip-column-names', ...(database ? [database] : [])],
    { input: statements, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  return {
    tools, port, socket, dataDir, sql,
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise<void>((r) => proc.once('exit', () => r()));
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
