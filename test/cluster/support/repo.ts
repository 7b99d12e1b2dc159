/**
 * Where the cluster tests find the repository and the generated artifacts they judge.
 *
 * The tests run from the compiled JavaScript in `lib/test/cluster/...`, so paths are found by
 * walking up to the repository's `package.json` rather than by counting `..`.
 *
 * `STASH_PXC_ARTIFACTS=<dir>` points the suite at another synth output (a dir holding
 * `charts/stash-pxc` and `dist/`), e.g. one written by `synth('<dir>')` from a work in progress,
 * without touching the committed files. By default the committed `charts/` and `dist/` are used.
 */
import * as fs from 'fs';
import * as path from 'path';

function findRepoRoot(start: string): string {
  let dir = start;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if (JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'stash-pxc') return dir;
      } catch { /* not ours; keep walking */ }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the stash-pxc repository above ${start}`);
    dir = parent;
  }
}

/** The repository root (the directory of stash-pxc's package.json). */
export const REPO_ROOT = findRepoRoot(__dirname);

/** The root that holds `charts/stash-pxc` and `dist/`: the repository, or STASH_PXC_ARTIFACTS. */
export const ARTIFACTS_ROOT = process.env.STASH_PXC_ARTIFACTS
  ? path.resolve(process.env.STASH_PXC_ARTIFACTS)
  : REPO_ROOT;

/** The generated Helm chart. */
export const CHART_DIR = path.join(ARTIFACTS_ROOT, 'charts', 'stash-pxc');
/** The generated per-database chart. */
export const BACKUP_CHART_DIR = path.join(ARTIFACTS_ROOT, 'charts', 'stash-pxc-backup');
/** The generated plain manifests. */
export const DIST_DIR = path.join(ARTIFACTS_ROOT, 'dist');
/** The generated per-database examples. */
export const EXAMPLES_DIR = path.join(DIST_DIR, 'examples');

/**
 * Throws a message that says what to run when a generated file the test needs is missing (the
 * tests never synthesize: they judge what is committed).
 */
export function requireArtifact(file: string, what: string): string {
  if (!fs.existsSync(file)) {
    throw new Error(`${what} not found at ${file}. It is generated: run \`npm run synth\` (and commit the result)`
      + (process.env.STASH_PXC_ARTIFACTS ? ` or fix STASH_PXC_ARTIFACTS=${process.env.STASH_PXC_ARTIFACTS}` : '') + '.');
  }
  return file;
}

/** The chart's template files (`templates/*.yaml`), or an error that says to synthesize. */
export function requireChartTemplates(): string[] {
  const dir = requireArtifact(path.join(CHART_DIR, 'templates'), 'The chart\'s templates/ folder');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  if (files.length === 0) throw new Error(`${dir} holds no templates: run \`npm run synth\`.`);
  return files.map((f) => path.join(dir, f));
}
