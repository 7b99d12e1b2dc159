/** Deterministic file output shared by every generated artifact (dist/, charts/, examples). */
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { stringify } from 'yaml';
import { validateTree } from '../../src/core/validation/problems';
import { warningsOf } from '../../src/core/validation/warnings';
import { REPO_ROOT } from '../paths';

export { REPO_ROOT };

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

/**
 * The manifests of a chart as plain JSON objects, in construct order, after one validation
 * pass over the whole app (which throws every construct's problems at once).
 *
 * `chart.toJson()` would do the same work and more: it validates the app again and builds a
 * dependency graph to order the objects, which is most of cdk8s's own cost on a large fleet
 * (see BENCHMARKS.md). Our constructs declare no dependencies, so construct order is the order
 * cdk8s would pick; an app that does declare some is handed to cdk8s.
 */
export function manifestsOf(chart: Chart): any[] {
  const app = App.of(chart);
  const nodes = app.node.findAll();
  for (const warning of warningsOf(chart)) pendingWarnings.add(warning);
  if (nodes.some((c) => c.node.dependencies.length > 0)) return chart.toJson();
  validateTree(app, nodes);
  const out: any[] = [];
  for (const c of nodes) {
    if (c instanceof ApiObject && Chart.of(c) === chart) out.push(c.toJson());
  }
  return out;
}

/** A cdk8s App that is only used to build charts in memory (we write the files ourselves). */
export function memoryApp(): App {
  return new App({ outdir: path.join(REPO_ROOT, 'dist') });
}

/** The warnings of the charts `manifestsOf` rendered since the last `takeWarnings()`, each once. */
const pendingWarnings = new Set<string>();

/** The warnings collected so far (`[path] field: what. Fix: how.`), in the order met; clears them. */
export function takeWarnings(): string[] {
  const out = [...pendingWarnings];
  pendingWarnings.clear();
  return out;
}
