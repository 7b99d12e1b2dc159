/**
 * Real Helm for the chart tests: Helm 3 and Helm 4, found through HELM_BIN / HELM4_BIN, the tools
 * cache that `bash scripts/install-tools.sh` fills ($STASH_PXC_CACHE or ~/.cache/stash-pxc), or
 * PATH. `npm test` installs them first (`scripts/install-tools.sh --optional`). A missing Helm is a
 * failure with the command that installs it; the Helm suites skip (`describeWithHelm`) only where
 * it cannot be installed: no Go toolchain to build it, outside CI.
 */
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

/** The Kubernetes version the chart is rendered for (the cluster suite's API server). */
export const KUBE_VERSION = '1.34.0';

/** A Helm binary of a known major version. */
export interface HelmBinary {
  readonly label: 'helm3' | 'helm4';
  readonly path: string;
  readonly version: string;
}

const INSTALL_HINT = 'install it with `bash scripts/install-tools.sh` (Helm 3 and 4 from their Go modules into $STASH_PXC_CACHE/tools/bin, default ~/.cache/stash-pxc/tools/bin), or point HELM_BIN / HELM4_BIN at a binary';

/** The path of executable `name` on PATH, if any. */
export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

const found = new Map<number, HelmBinary>();

/** The Go toolchain the install script would use ($GO, `go` on PATH, /usr/local/go), if any. */
export function goToolchain(): string | undefined {
  if (process.env.GO) return fs.existsSync(process.env.GO) ? process.env.GO : undefined;
  return onPath('go') ?? (fs.existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
}

let unavailable: { reason: string | undefined } | undefined;

/**
 * Why the Helm suites are skipped here (one line), or undefined when they run. They are skipped
 * only when a Helm is missing and there is no Go to build it with; in CI (CI=true) never: there a
 * missing Helm fails the tests.
 */
export function helmUnavailable(): string | undefined {
  if (unavailable) return unavailable.reason;
  let reason: string | undefined;
  const missing = ([3, 4] as const).filter((major) => {
    try {
      findHelm(major);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0 && !goToolchain() && !process.env.CI) {
    reason = `Helm ${missing.join(' and ')} not found and no Go toolchain to build it: install Go (https://go.dev/dl/) and run \`bash scripts/install-tools.sh\` (\`npm test\` runs it), or set HELM_BIN / HELM4_BIN`;
  }
  unavailable = { reason };
  return reason;
}

/** `describe` when Helm 3 and 4 can run here; otherwise one skipped test that says why (see `helmUnavailable`). */
export function describeWithHelm(name: string, fn: () => void): void {
  const reason = helmUnavailable();
  if (reason === undefined) {
    describe(name, fn);
  } else {
    describe(name, () => {
      test.skip(`skipped: ${reason}`, () => undefined);
    });
  }
}

/** Helm of a major version (3 or 4); throws with install instructions when there is none. */
export function findHelm(major: 3 | 4): HelmBinary {
  const cached = found.get(major);
  if (cached) return cached;
  const envVar = major === 3 ? 'HELM_BIN' : 'HELM4_BIN';
  const name = major === 3 ? 'helm' : 'helm4';
  const cache = path.join(process.env.STASH_PXC_CACHE ?? path.join(os.homedir(), '.cache', 'stash-pxc'), 'tools', 'bin', name);
  const candidates = [process.env[envVar], fs.existsSync(cache) ? cache : undefined, onPath(name)].filter((c): c is string => !!c);
  for (const candidate of candidates) {
    let version: string;
    try {
      version = execFileSync(candidate, ['version', '--short'], { encoding: 'utf8' }).trim();
    } catch {
      continue;
    }
    if (version.startsWith(`v${major}.`)) {
      const binary: HelmBinary = { label: major === 3 ? 'helm3' : 'helm4', path: candidate, version };
      found.set(major, binary);
      return binary;
    }
  }
  throw new Error(`Helm ${major} not found (looked at ${envVar}, ${cache} and PATH for "${name}"); ${INSTALL_HINT}`);
}

/** The result of one Helm run. */
export interface HelmResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let running = 0;
const waiting: Array<() => void> = [];
/** Helm runs at most this many at once: enough to fill the cores, not more. */
const PARALLEL = Math.max(2, os.cpus().length * 2);

/** Runs Helm (queued, so that many calls from a test file run in parallel but bounded). */
export async function runHelm(helm: HelmBinary, args: string[]): Promise<HelmResult> {
  if (running >= PARALLEL) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await new Promise<HelmResult>((resolve) => {
      execFile(helm.path, args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
    });
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** Options of `helmTemplate`. */
export interface TemplateOptions {
  readonly release: string;
  readonly namespace: string;
  /** Values files. */
  readonly valuesFiles?: string[];
  /** `--set` pairs. */
  readonly set?: string[];
}

/** `helm template` of a chart: the rendered objects, or an error with Helm's message. */
export async function helmTemplate(helm: HelmBinary, chartDir: string, options: TemplateOptions): Promise<any[]> {
  const args = ['template', options.release, chartDir, '--namespace', options.namespace, '--kube-version', KUBE_VERSION];
  for (const file of options.valuesFiles ?? []) args.push('--values', file);
  for (const pair of options.set ?? []) args.push('--set', pair);
  const result = await runHelm(helm, args);
  if (result.code !== 0) throw new Error(`${helm.label} ${args.join(' ')} failed:\n${result.stderr}`);
  return parseManifests(result.stdout);
}

/** Every object of a multi-document YAML stream (empty documents dropped); YAML errors throw. */
export function parseManifests(text: string): any[] {
  return parseAllDocuments(text).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`invalid YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
    return doc.toJSON();
  }).filter((o) => o !== null && o !== undefined);
}
