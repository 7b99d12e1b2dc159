/**
 * The synth: writes the plain manifests to `dist/` and the Helm chart to `charts/stash-pxc/`.
 * Run with `npm run synth` (compiles first), `node lib/generator/main.js` or `cdk8s synth`
 * (cdk8s.yaml runs this file). Warnings of the rendered objects (`warningsOf`: things that work
 * but are probably not meant, such as a copy that can start while its primary runs) are printed
 * on stderr after the files are written, one `warning: [path] field: what. Fix: how.` line each;
 * they never fail the synth.
 */
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { writeDistCrds } from './chart/crds';
import { writeDistDashboard } from './chart/dashboard';
import { writeDistInstall } from './chart/dist';
import { writeBackupChart } from './backup-chart/backup-chart';
import { EXAMPLES, writeExamples } from './chart/examples';
import { writeHelmChart } from './chart/helm-chart';
import { REPO_ROOT, resetDir, takeWarnings } from './chart/output';

/** Options of `synth`. */
export interface SynthOptions {
  /** The examples written to `dist/examples/` (default: the registry of `examples/`). */
  readonly examples?: { readonly [name: string]: (app: App) => Chart };
  /** Where each warning line goes (default: stderr). */
  readonly warn?: (line: string) => void;
}

/** Writes dist/ and charts/ under `root`; returns the warnings it printed. */
export function synth(root = REPO_ROOT, options: SynthOptions = {}): string[] {
  const warn = options.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
  takeWarnings(); // only what this synth renders
  const dist = path.join(root, 'dist');
  resetDir(dist);
  writeDistCrds(dist);
  writeDistInstall(dist);
  writeExamples(dist, options.examples ?? EXAMPLES);
  writeDistDashboard(dist);
  writeHelmChart(path.join(root, 'charts', 'stash-pxc'));
  writeBackupChart(path.join(root, 'charts', 'stash-pxc-backup'));
  const warnings = takeWarnings();
  for (const w of warnings) warn(`warning: ${w}`);
  return warnings;
}

if (require.main === module) synth();
