/** Writes the Helm chart `charts/stash-pxc` from the constructs' synth. */
import * as path from 'path';
import { stringify } from 'yaml';
import { crdManifests } from './crds';
import { resetDir, toYamlDocuments, writeFile } from './output';

/** Chart metadata. */
export const CHART_NAME = 'stash-pxc';
export const CHART_VERSION = '0.1.0';
export const APP_VERSION = 'v0.42.1';

export function writeHelmChart(dir: string): void {
  resetDir(dir);
  writeFile(path.join(dir, 'Chart.yaml'), stringify({
    apiVersion: 'v2',
    name: CHART_NAME,
    description: 'Stash operator with the Percona XtraDB addon: backup and restore of Percona XtraDB on Kubernetes',
    type: 'application',
    version: CHART_VERSION,
    appVersion: APP_VERSION,
  }));
  // Helm installs crds/ before the templates and never deletes them; each CRD is its own file.
  for (const crd of crdManifests(false)) {
    writeFile(path.join(dir, 'crds', `${crd.metadata.name}.yaml`), toYamlDocuments([crd]));
  }
}
