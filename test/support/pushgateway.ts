/**
 * A real Prometheus Pushgateway for the tests of the scripts that push metrics (the restore
 * drill's), found through PUSHGATEWAY_BIN, the tools cache that `bash scripts/install-tools.sh`
 * fills ($STASH_PXC_CACHE or ~/.cache/stash-pxc), or PATH. Each test suite starts its own on a
 * free loopback port, without persistence.
 *
 * Without it the suites fail with the command that installs it, unless Go is absent too outside
 * CI (then nothing could build it here, and they are skipped with one line saying so).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { onPath } from './helm';
import { freePort } from './mariadb';

const INSTALL_HINT = 'install it with `bash scripts/install-tools.sh` (the Pushgateway from its Go module into $STASH_PXC_CACHE/tools/bin, default ~/.cache/stash-pxc/tools/bin), or point PUSHGATEWAY_BIN at a binary';

/** The pushgateway binary, or undefined. */
export function findPushgateway(): string | undefined {
  const cache = path.join(process.env.STASH_PXC_CACHE ?? path.join(os.homedir(), '.cache', 'stash-pxc'), 'tools', 'bin', 'pushgateway');
  return [process.env.PUSHGATEWAY_BIN, fs.existsSync(cache) ? cache : undefined, onPath('pushgateway')].find((c): c is string => !!c);
}

function goAvailable(): boolean {
  return fs.existsSync('/usr/local/go/bin/go') || onPath('go') !== undefined;
}

/** Why the Pushgateway suites are skipped here (no Pushgateway, no Go, not CI), or undefined. */
export function pushgatewayUnavailable(): string | undefined {
  return findPushgateway() || goAvailable() || process.env.CI ? undefined : `no Pushgateway and no Go to build it (${INSTALL_HINT})`;
}

/**
 * `describe` when the Pushgateway can run here; one skipped test saying why when there is
 * neither it nor Go (outside CI); a failing test with the install command otherwise.
 */
export function describeWithPushgateway(name: string, body: (pushgateway: string) => void): void {
  const binary = findPushgateway();
  if (binary) {
    describe(name, () => body(binary));
    return;
  }
  const why = pushgatewayUnavailable();
  describe(name, () => {
    if (why) test.skip(`skipped: ${why}`, () => undefined);
    else test('the Pushgateway is installed', () => { throw new Error(`pushgateway not found (looked at PUSHGATEWAY_BIN, the tools cache and PATH); ${INSTALL_HINT}`); });
  });
}

/** The Pushgateway's version: the stamp install-tools.sh writes next to it, else "unknown". */
export function pushgatewayVersion(binary: string): string {
  const stamp = `${binary}.version`;
  return fs.existsSync(stamp) ? fs.readFileSync(stamp, 'utf8').trim() : 'unknown';
}

/** One answer of the Pushgateway's HTTP API. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

function request(url: string, method = 'GET', body?: string): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, timeout: 10_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** One sample of the exposition text. */
export interface Sample {
  readonly name: string;
  readonly labels: { [name: string]: string };
  readonly value: number;
}

/** The samples of Prometheus's text format (what a scrape reads), comments skipped. */
export function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  const line = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
  const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  for (const raw of text.split('\n')) {
    const m = line.exec(raw.trim());
    if (!m || raw.startsWith('#')) continue;
    const labels: { [name: string]: string } = {};
    for (const l of (m[2] ?? '').matchAll(label)) labels[l[1]] = l[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

/** A running Pushgateway. */
export interface Pushgateway {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** What Prometheus scrapes: the exposition text of `/metrics`. */
  metricsText(): Promise<string>;
  /** The samples of `/metrics` whose name starts with `prefix`. */
  samples(prefix: string): Promise<Sample[]>;
  /** Deletes every group (PUT /api/v1/admin/wipe). */
  wipe(): Promise<void>;
  /** Stops it. */
  stop(): Promise<void>;
}

/** Starts a Pushgateway on a free loopback port and waits until it is ready. */
export async function startPushgateway(binary: string, timeoutMs = 15_000): Promise<Pushgateway> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // --web.enable-admin-api: the wipe between scenarios.
  const proc = spawn(binary, [`--web.listen-address=127.0.0.1:${port}`, '--web.enable-admin-api', '--log.level=warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr!.on('data', (chunk) => { log += String(chunk); });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`pushgateway exited with ${proc.exitCode}: ${log.slice(-2000)}`);
    const ready = await request(`${url}/-/ready`).catch(() => undefined);
    if (ready?.status === 200) break;
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`pushgateway not ready on ${url} within ${timeoutMs} ms: ${log.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const metricsText = async () => {
    const answer = await request(`${url}/metrics`);
    if (answer.status !== 200) throw new Error(`GET /metrics answered ${answer.status}: ${answer.body}`);
    return answer.body;
  };
  return {
    url,
    metricsText,
    async samples(prefix: string) {
      return parseExposition(await metricsText()).filter((s) => s.name.startsWith(prefix));
    },
    async wipe() {
      const answer = await request(`${url}/api/v1/admin/wipe`, 'PUT');
      if (answer.status !== 202 && answer.status !== 200) throw new Error(`wipe answered ${answer.status}: ${answer.body}`);
    },
    async stop() {
      if (proc.exitCode !== null) return;
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
