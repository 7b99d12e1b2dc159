/** Deterministic file output shared by every generated artifact (dist/, charts/, examples). */
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { stringify } from 'yaml';

/** The repository root (this file runs from `lib/src/chart/`). */
export const REPO_ROOT = path.join(__dirname, '..', '..', '..');

/** One YAML document per object, `---` between them, stable key order as built. */
export function toYamlDocuments(objects: readonly unknown[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}

/** Removes and recreates a generated directory, so no stale file survives a synth. */
export function resetDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
}

/** Writes a file, creating its directory. */
export function writeFile(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/** The manifests of a chart as plain JSON objects, in cdk8s's order. */
export function manifestsOf(chart: Chart): any[] {
  return chart.toJson();
}

/** A cdk8s App that is only used to build charts in memory (we write the files ourselves). */
export function memoryApp(): App {
  return new App({ outdir: path.join(REPO_ROOT, 'dist') });
}
