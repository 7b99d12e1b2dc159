/** `dist/dashboards/stash-pxc-backups.json`: the backup dashboard for importing into Grafana by hand. */
import * as path from 'path';
import { backupDashboardJson } from '../../src/install/backup-dashboard';
import { writeFile } from './output';

/** Writes the dashboard JSON under `<distDir>/dashboards/`. */
export function writeDistDashboard(distDir: string): void {
  writeFile(path.join(distDir, 'dashboards', 'stash-pxc-backups.json'), backupDashboardJson());
}
