/**
 * A real, throw-away Kubernetes control plane for tests: etcd + kube-apiserver v1.34.4 on
 * 127.0.0.1 with random free ports, fresh certificates and a temp data dir.
 *
 * There is no kube-controller-manager, scheduler or kubelet: namespaces are not reconciled,
 * ServiceAccounts are not created automatically and Deployments get no pods. What is real is
 * the API server itself: storage, OpenAPI/CRD validation, admission (PodSecurity, validating
 * admission policies, ...) and RBAC/Node authorization. Use `createNamespace()` to get a
 * namespace that also has its `default` ServiceAccount, so that Pods can be admitted.
 *
 * The binaries come from `bash scripts/cluster/build-binaries.sh` (see `binDir()`).
 */
import { ChildProcess, execFile, spawn, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as https from 'https';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

export const K8S_VERSION = 'v1.34.4';
export const SERVICE_CIDR = '10.0.0.0/24';

/** Where build-binaries.sh puts kube-apiserver, kubectl and etcd. */
export function binDir(): string {
  if (process.env.STASH_PXC_BIN_DIR) return process.env.STASH_PXC_BIN_DIR;
  const root = process.env.STASH_PXC_CACHE ?? path.join(os.homedir(), '.cache', 'stash-pxc');
  return path.join(root, `k8s-${K8S_VERSION}`, 'bin');
}

/** Absolute paths of the three binaries; throws a message that says how to build them. */
export function binaries(): { etcd: string; kubeApiserver: string; kubectl: string } {
  const dir = binDir();
  const bins = {
    etcd: path.join(dir, 'etcd'),
    kubeApiserver: path.join(dir, 'kube-apiserver'),
    kubectl: path.join(dir, 'kubectl'),
  };
  const missing = Object.values(bins).filter((b) => !isExecutable(b));
  if (missing.length > 0) {
    throw new Error(
      `cluster binaries missing: ${missing.join(', ')}.\n`
      + 'Build them first with `bash scripts/cluster/build-binaries.sh` '
      + '(needs Go; takes several minutes the first time; set STASH_PXC_CACHE to change the cache dir).',
    );
  }
  return bins;
}

export interface KubectlOptions {
  /** Written to kubectl's standard input (e.g. for `apply -f -`). */
  input?: string;
  /** Throw when kubectl exits non-zero (default true). */
  check?: boolean;
  /** Milliseconds before kubectl is killed (default 60 s). */
  timeoutMs?: number;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Cluster {
  /** Path of an admin (system:masters) kubeconfig. */
  kubeconfig: string;
  /** https://127.0.0.1:<port> */
  server: string;
  /** Temp dir holding certs, data, logs; removed by stop(). */
  dir: string;
  /** Paths of the binaries in use. */
  bin: { etcd: string; kubeApiserver: string; kubectl: string };
  /** Runs kubectl against the cluster as admin; resolves stdout, rejects on a non-zero exit. */
  kubectl(args: string[], opts?: KubectlOptions): Promise<string>;
  /** Runs kubectl and resolves whatever the outcome. */
  kubectlResult(args: string[], opts?: KubectlOptions): Promise<KubectlResult>;
  /** Creates a namespace (with labels) and its `default` ServiceAccount. */
  createNamespace(name: string, labels?: Record<string, string>): Promise<void>;
  /** Environment for other tools (helm, ...): KUBECONFIG set, PATH starting with binDir. */
  env(): NodeJS.ProcessEnv;
  /** Last lines of the apiserver/etcd logs, for failure messages. */
  logs(lines?: number): string;
  /** Kills both processes and removes the temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Extra kube-apiserver flags (e.g. ['--feature-gates=...']). */
  apiserverArgs?: string[];
  /** Milliseconds to wait for /readyz (default 60 s). */
  readyTimeoutMs?: number;
  /** Keep the temp dir after stop() (also: env STASH_PXC_KEEP_CLUSTER=1). */
  keepDir?: boolean;
}

class KubectlError extends Error {
  constructor(args: string[], public readonly result: KubectlResult) {
    super(`kubectl ${args.join(' ')} exited ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Leak protection: every live child is killed when this process exits or is interrupted, and a
// detached watchdog kills them if this process dies without running handlers (SIGKILL, OOM).

const live = new Set<{ kill(): void }>();
let handlersInstalled = false;

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    for (const c of [...live]) c.kill();
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      for (const c of [...live]) c.kill();
      process.kill(process.pid, sig); // re-raise with the default action now that we are clean
    });
  }
}

export async function startCluster(options: StartOptions = {}): Promise<Cluster> {
  // The ports are free when picked, but another process (a suite of another checkout, anything)
  // may bind one before etcd or the apiserver does: then start again on new ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startClusterOnce(options);
    } catch (err) {
      if (attempt >= 3 || !/address already in use/.test(String(err))) throw err;
    }
  }
}

async function startClusterOnce(options: StartOptions): Promise<Cluster> {
  const bin = binaries();
  installExitHandlers();
  const started = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stash-pxc-cluster-'));
  const keepDir = options.keepDir ?? process.env.STASH_PXC_KEEP_CLUSTER === '1';
  const procs: ChildProcess[] = [];
  let watchdog: ChildProcess | undefined;
  let stopped = false;

  const killAll = (): void => {
    for (const p of procs) {
      if (p.exitCode === null && p.signalCode === null && p.pid) {
        try { process.kill(p.pid, 'SIGKILL'); } catch { /* already gone */ }
      }
    }
    if (watchdog?.pid && watchdog.exitCode === null) {
      try { process.kill(watchdog.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    if (!keepDir) fs.rmSync(dir, { recursive: true, force: true });
  };
  const guard = { kill: killAll };
  live.add(guard);

  const logFile = (name: string) => path.join(dir, `${name}.log`);
  const logs = (lines = 40): string => ['etcd', 'kube-apiserver'].map((n) => {
    let text = '';
    try { text = fs.readFileSync(logFile(n), 'utf8'); } catch { /* not started */ }
    return `--- ${n} (last ${lines} lines of ${logFile(n)}) ---\n${text.split('\n').slice(-lines - 1).join('\n')}`;
  }).join('\n');

  const launch = (name: string, file: string, args: string[]): ChildProcess => {
    const out = fs.openSync(logFile(name), 'a');
    const child = spawn(file, args, { stdio: ['ignore', out, out], cwd: dir });
    fs.closeSync(out);
    procs.push(child);
    child.on('error', () => { /* reported through exitCode / waitReady */ });
    return child;
  };

  try {
    const certs = makeCerts(dir);
    const [etcdClient, etcdPeer, apiPort] = await freePorts(3);

    // ---- etcd ----
    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    const peerUrl = `http://127.0.0.1:${etcdPeer}`;
    const etcd = launch('etcd', bin.etcd, [
      '--name=stash-pxc-test',
      `--data-dir=${path.join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=stash-pxc-test=${peerUrl}`,
      '--initial-cluster-state=new',
      '--unsafe-no-fsync', // throw-away data: skip fsync, much faster on shared disks
      '--log-level=warn',
    ]);

    // ---- kube-apiserver ----
    const server = `https://127.0.0.1:${apiPort}`;
    const apiserver = launch('kube-apiserver', bin.kubeApiserver, [
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${path.join(dir, 'apiserver-certs')}`,
      `--etcd-servers=${etcdUrl}`,
      `--tls-cert-file=${certs.servingCert}`,
      `--tls-private-key-file=${certs.servingKey}`,
      `--client-ca-file=${certs.caCert}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${certs.saPublic}`,
      `--service-account-signing-key-file=${certs.saPrivate}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      '--authorization-mode=Node,RBAC',
      // PodSecurity, ServiceAccount, ValidatingAdmissionPolicy, webhooks, ... are on by default.
      '--enable-admission-plugins=NodeRestriction',
      '--allow-privileged=true',
      '--endpoint-reconciler-type=none', // no kube-proxy/endpoints to keep in sync
      '--profiling=false',
      '--v=1',
      ...(options.apiserverArgs ?? []),
    ]);

    // ---- kubeconfig ----
    const kubeconfig = path.join(dir, 'kubeconfig');
    fs.writeFileSync(kubeconfig, [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: test',
      '  cluster:',
      `    server: ${server}`,
      `    certificate-authority: ${certs.caCert}`,
      'users:',
      '- name: admin',
      '  user:',
      `    client-certificate: ${certs.adminCert}`,
      `    client-key: ${certs.adminKey}`,
      'contexts:',
      '- name: test',
      '  context: {cluster: test, user: admin}',
      'current-context: test',
      '',
    ].join('\n'), { mode: 0o600 });

    watchdog = spawnWatchdog([etcd.pid, apiserver.pid], keepDir ? undefined : dir);

    await waitReady({
      port: apiPort,
      ca: fs.readFileSync(certs.caCert),
      cert: fs.readFileSync(certs.adminCert),
      key: fs.readFileSync(certs.adminKey),
      procs: { etcd, 'kube-apiserver': apiserver },
      timeoutMs: options.readyTimeoutMs ?? 60_000,
      logs,
    });

    const env = (): NodeJS.ProcessEnv => ({
      ...process.env,
      KUBECONFIG: kubeconfig,
      PATH: `${binDir()}${path.delimiter}${process.env.PATH ?? ''}`,
    });
    const kubectlResult = (args: string[], opts: KubectlOptions = {}): Promise<KubectlResult> =>
      run(bin.kubectl, [`--kubeconfig=${kubeconfig}`, `--cache-dir=${path.join(dir, 'kubectl-cache')}`, ...args],
        env(), opts.input, opts.timeoutMs ?? 60_000);
    const kubectl = async (args: string[], opts: KubectlOptions = {}): Promise<string> => {
      const r = await kubectlResult(args, opts);
      if (r.code !== 0 && opts.check !== false) throw new KubectlError(args, r);
      return r.stdout;
    };

    const cluster: Cluster = {
      kubeconfig,
      server,
      dir,
      bin,
      kubectl,
      kubectlResult,
      env,
      logs,
      async createNamespace(name, labels = {}) {
        const ns = {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name, labels },
        };
        const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name } };
        await kubectl(['create', '-f', '-'], { input: JSON.stringify(ns) });
        await kubectl(['create', '-f', '-'], { input: JSON.stringify(sa) });
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        // SIGTERM first so the apiserver/etcd close cleanly, then SIGKILL whatever is left.
        for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGTERM');
        await Promise.all(procs.map((p) => exited(p, 5_000)));
        killAll();
        live.delete(guard);
      },
    };
    if (process.env.STASH_PXC_CLUSTER_DEBUG) {
      // eslint-disable-next-line no-console
      console.log(`cluster ready in ${Date.now() - started} ms at ${server} (dir ${dir})`);
    }
    return cluster;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const detail = message.includes('--- kube-apiserver') ? '' : `\n${logs()}`;
    stopped = true;
    killAll();
    live.delete(guard);
    throw new Error(`startCluster failed: ${message}${detail}`);
  }
}

// ---------------------------------------------------------------------------------------------

interface Certs {
  caCert: string; servingCert: string; servingKey: string;
  adminCert: string; adminKey: string; saPublic: string; saPrivate: string;
}

/** A CA, a serving cert for 127.0.0.1/localhost, an admin client cert and a SA key pair. */
function makeCerts(dir: string): Certs {
  const d = path.join(dir, 'pki');
  fs.mkdirSync(d, { mode: 0o700 });
  const p = (f: string) => path.join(d, f);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2'];

  openssl(['req', '-x509', ...ec, '-keyout', p('ca.key'), '-out', p('ca.crt'),
    '-subj', '/CN=stash-pxc-test-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  const sans = [
    'IP:127.0.0.1', 'IP:10.0.0.1', 'DNS:localhost', 'DNS:kubernetes', 'DNS:kubernetes.default',
    'DNS:kubernetes.default.svc', 'DNS:kubernetes.default.svc.cluster.local',
  ].join(',');
  openssl(['req', '-x509', ...ec, '-CA', p('ca.crt'), '-CAkey', p('ca.key'),
    '-keyout', p('apiserver.key'), '-out', p('apiserver.crt'), '-subj', '/CN=kube-apiserver',
    '-addext', 'basicConstraints=critical,CA:FALSE',
    '-addext', 'keyUsage=critical,digitalSignature',
    '-addext', 'extendedKeyUsage=serverAuth',
    '-addext', `subjectAltName=${sans}`]);
  openssl(['req', '-x509', ...ec, '-CA', p('ca.crt'), '-CAkey', p('ca.key'),
    '-keyout', p('admin.key'), '-out', p('admin.crt'), '-subj', '/O=system:masters/CN=admin',
    '-addext', 'basicConstraints=critical,CA:FALSE',
    '-addext', 'keyUsage=critical,digitalSignature',
    '-addext', 'extendedKeyUsage=clientAuth']);

  const sa = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  fs.writeFileSync(p('sa.key'), sa.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  fs.writeFileSync(p('sa.pub'), sa.publicKey.export({ type: 'spki', format: 'pem' }));

  return {
    caCert: p('ca.crt'), servingCert: p('apiserver.crt'), servingKey: p('apiserver.key'),
    adminCert: p('admin.crt'), adminKey: p('admin.key'), saPublic: p('sa.pub'), saPrivate: p('sa.key'),
  };
}

function openssl(args: string[]): void {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.error) throw new Error(`openssl not runnable (apt-get install openssl): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
}

async function freePorts(n: number): Promise<number[]> {
  // Hold all listeners open at once so the n ports are distinct.
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise<net.Server>((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => resolve(s));
  })));
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/**
 * A detached shell that outlives us only long enough to notice we died: it kills the given
 * pids (and removes `dir`) once this Node process is gone. stop() kills it first.
 */
function spawnWatchdog(pids: (number | undefined)[], dir: string | undefined): ChildProcess {
  const script = [
    'parent=$1; dir=$2; shift 2',
    'while kill -0 "$parent" 2>/dev/null; do sleep 1; done',
    'kill -9 "$@" 2>/dev/null',
    '[ -n "$dir" ] && rm -rf "$dir"',
    'exit 0',
  ].join('\n');
  const w = spawn('bash', ['-c', script, 'watchdog', String(process.pid), dir ?? '',
    ...pids.filter((p): p is number => !!p).map(String)], { detached: true, stdio: 'ignore' });
  w.unref();
  return w;
}

async function waitReady(o: {
  port: number; ca: Buffer; cert: Buffer; key: Buffer;
  procs: Record<string, ChildProcess>; timeoutMs: number; logs: (n?: number) => string;
}): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    for (const [name, p] of Object.entries(o.procs)) {
      if (p.exitCode !== null || p.signalCode !== null) {
        throw new Error(`${name} exited (${p.exitCode ?? p.signalCode}) before the apiserver was ready\n${o.logs()}`);
      }
    }
    last = await new Promise<string>((resolve) => {
      const req = https.get({
        host: '127.0.0.1', port: o.port, path: '/readyz', ca: o.ca, cert: o.cert, key: o.key, timeout: 2_000,
      }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => { body += c; });
        res.on('end', () => resolve(res.statusCode === 200 ? 'ok' : `HTTP ${res.statusCode}: ${body}`));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e) => resolve(e.message));
    });
    if (last === 'ok') return;
    await sleep(200);
  }
  throw new Error(`kube-apiserver not ready after ${o.timeoutMs} ms (last /readyz: ${last})\n${o.logs()}`);
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv, input: string | undefined,
  timeoutMs: number): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as any).code === 'number' ? (err as any).code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) + (err && code === 1 && !stderr ? err.message : '') });
      });
    child.stdin?.end(input ?? '');
  });
}

function exited(p: ChildProcess, timeoutMs: number): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(resolve, timeoutMs);
    p.once('exit', () => { clearTimeout(t); resolve(); });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
