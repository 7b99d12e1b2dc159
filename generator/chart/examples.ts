/**
 * Synthesizes `examples/*.ts` into `dist/examples/<name>.yaml`, after running every
 * construct's validations (an invalid example fails the synth).
 */
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import * as autoBackupBlueprint from '../../examples/auto-backup-blueprint';
import * as backupAlerts from '../../examples/backup-alerts';
import * as backupCopies from '../../examples/backup-copies';
import * as clusterBackupGcs from '../../examples/cluster-backup-gcs';
import * as clusterRestore from '../../examples/cluster-restore';
import * as externalGaleraCluster from '../../examples/external-galera-cluster';
import * as instantBackup from '../../examples/instant-backup';
import * as restoreDrill from '../../examples/restore-drill';
import * as standaloneBackupGcs from '../../examples/standalone-backup-gcs';
import * as standaloneBackupMinio from '../../examples/standalone-backup-minio';
import * as standaloneRestore from '../../examples/standalone-restore';
import { manifestsOf, toYamlDocuments, writeFile } from './output';

/** Every example by output name (the file name in `examples/` and `dist/examples/`). */
export const EXAMPLES: { readonly [name: string]: (app: App) => Chart } = {
  'standalone-backup-gcs': standaloneBackupGcs.build,
  'standalone-backup-minio': standaloneBackupMinio.build,
  'instant-backup': instantBackup.build,
  'standalone-restore': standaloneRestore.build,
  'cluster-backup-gcs': clusterBackupGcs.build,
  'cluster-restore': clusterRestore.build,
  'auto-backup-blueprint': autoBackupBlueprint.build,
  'external-galera-cluster': externalGaleraCluster.build,
  'backup-alerts': backupAlerts.build,
  'restore-drill': restoreDrill.build,
  'backup-copies': backupCopies.build,
};

/** The manifests of one example, validated. */
export function synthExample(name: string): any[] {
  const build = EXAMPLES[name];
  if (!build) throw new Error(`unknown example "${name}"; known: ${Object.keys(EXAMPLES).join(', ')}`);
  return synthBuild(build);
}

/** The manifests of an example built by `build`, validated. */
function synthBuild(build: (app: App) => Chart): any[] {
  return manifestsOf(build(new App({ outdir: path.join(__dirname, 'unused') })));
}

/** Writes `<distDir>/examples/<name>.yaml` for every example (`examples`: the registry by default). */
export function writeExamples(distDir: string, examples: { readonly [name: string]: (app: App) => Chart } = EXAMPLES): void {
  for (const [name, build] of Object.entries(examples)) {
    writeFile(path.join(distDir, 'examples', `${name}.yaml`), toYamlDocuments(synthBuild(build)));
  }
}
