/** The CRD part of dist/ and of the Helm chart. */
import * as path from 'path';
import { Chart } from 'cdk8s';
import { StashCrds } from '../../src/install/stash-crds';
import { manifestsOf, memoryApp, toYamlDocuments, writeFile } from './output';

/** The CRD manifests, AppBinding included unless `appBinding` is false. */
export function crdManifests(appBinding = true): any[] {
  const chart = new Chart(memoryApp(), 'crds');
  new StashCrds(chart, 'Crds', { appBinding });
  return manifestsOf(chart);
}

/** `dist/crds.yaml`: every CRD, AppBinding included. */
export function writeDistCrds(distDir: string): void {
  writeFile(path.join(distDir, 'crds.yaml'), toYamlDocuments(crdManifests(true)));
}
