/**
 * The synth: writes the plain manifests to `dist/` and the Helm chart to `charts/stash-pxc/`.
 * Run with `npm run synth` (compiles first) or `node lib/generator/main.js`.
 */
import * as path from 'path';
import { writeDistCrds } from './chart/crds';
import { writeDistDashboard } from './chart/dashboard';
import { writeDistInstall } from './chart/dist';
import { writeBackupChart } from './backup-chart/backup-chart';
import { writeExamples } from './chart/examples';
import { writeHelmChart } from './chart/helm-chart';
import { REPO_ROOT, resetDir } from './chart/output';

export function synth(root = REPO_ROOT): void {
  const dist = path.join(root, 'dist');
  resetDir(dist);
  writeDistCrds(dist);
  writeDistInstall(dist);
  writeExamples(dist);
  writeDistDashboard(dist);
  writeHelmChart(path.join(root, 'charts', 'stash-pxc'));
  writeBackupChart(path.join(root, 'charts', 'stash-pxc-backup'));
}

if (require.main === module) synth();
