/**
 * Real promtool for the alert-rule tests, found through PROMTOOL_BIN, the tools cache that
 * `bash scripts/install-tools.sh` fills ($STASH_PXC_CACHE or ~/.cache/stash-pxc), or PATH.
 * Without promtool the tests fail with the command that installs it, unless Go is absent too
 * (then nothing could build it here, and the tests are skipped with one line saying so).
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';

const INSTALL_HINT = 'install it with `bash scripts/install-tools.sh` (promtool from its Go module into $STASH_PXC_CACHE/tools/bin, default ~/.cache/stash-pxc/tools/bin), or point PROMTOOL_BIN at a binary';

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The promtool binary, or undefined. */
export function findPromtool(): string | undefined {
  const cache = path.join(process.env.STASH_PXC_CACHE ?? path.join(os.homedir(), '.cache', 'stash-pxc'), 'tools', 'bin', 'promtool');
  return [process.env.PROMTOOL_BIN, fs.existsSync(cache) ? cache : undefined, onPath('promtool')].find((c): c is string => !!c);
}

function goAvailable(): boolean {
  return fs.existsSync('/usr/local/go/bin/go') || onPath('go') !== undefined;
}

/** Why the promtool suites are skipped here (neither promtool nor Go), or undefined. */
export function promtoolUnavailable(): string | undefined {
  return findPromtool() || goAvailable() ? undefined : `no promtool and no Go to build it (${INSTALL_HINT})`;
}

/**
 * `describe` when promtool can run here; one skipped test that says why (the body is not run)
 * when there is neither promtool nor Go. With Go but no promtool, the suite fails with the
 * install command.
 */
export function describeWithPromtool(name: string, body: (promtool: string) => void): void {
  const promtool = findPromtool();
  if (promtool) {
    describe(name, () => body(promtool));
    return;
  }
  const why = promtoolUnavailable();
  if (why) {
    describe(name, () => test.skip(`skipped: ${why}`, () => undefined));
    return;
  }
  describe(name, () => {
    test('promtool is installed', () => {
      throw new Error(`promtool not found (looked at PROMTOOL_BIN, the tools cache and PATH); ${INSTALL_HINT}`);
    });
  });
}

/** The result of one promtool run. */
export interface PromtoolResult {
  readonly code: number;
  readonly output: string;
}

/** Runs promtool in a fresh directory holding `files` (name → object, written as YAML). */
export function runPromtool(promtool: string, args: string[], files: { [name: string]: unknown }): PromtoolResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stash-pxc-promtool-'));
  try {
    for (const [name, content] of Object.entries(files)) {
      fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : stringify(content, { lineWidth: 0 }));
    }
    const run = spawnSync(promtool, args, { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return { code: run.status ?? -1, output: `${run.stdout}${run.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * promtool's version: the stamp install-tools.sh writes next to it (a `go install` build reports
 * an empty version), else its own version line.
 */
export function promtoolVersion(promtool: string): string {
  const stamp = `${promtool}.version`;
  if (fs.existsSync(stamp)) return `promtool ${fs.readFileSync(stamp, 'utf8').trim()}`;
  return execFileSync(promtool, ['--version'], { encoding: 'utf8' }).split('\n')[0];
}
