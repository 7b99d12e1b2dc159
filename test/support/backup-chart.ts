/**
 * Both front ends of the per-database chart on the same values: `helm template` of the generated
 * chart, and the constructs built by the values model. Objects are compared as parsed JSON with
 * the keys of every map sorted (Helm's `toYaml` sorts keys; the constructs write CRD-schema
 * order), so the comparison is of names, namespaces, labels, annotations and specs, not of the
 * text layout.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { writeBackupChart } from '../../generator/backup-chart/backup-chart';
import { fromValues, ReleaseInfo } from '../../generator/backup-chart/values-model';
import { HelmBinary, KUBE_VERSION, parseManifests, runHelm } from './helm';

/** The release the tests render. */
export const RELEASE: ReleaseInfo = { name: 'backups', namespace: 'shop' };

/** The generated chart, written once per test file into a temporary directory. */
export function writeTempBackupChart(): { dir: string; cleanup: () => void } {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stash-pxc-backup-'));
  const dir = path.join(tmp, 'stash-pxc-backup');
  writeBackupChart(dir);
  return { dir, cleanup: () => fs.rmSync(tmp, { recursive: true, force: true }) };
}

/** A values object written to a temporary file (for values built in a test). */
export function writeValuesFile(dir: string, name: string, values: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, stringify(values, { lineWidth: 0 }));
  return file;
}

/** JSON with every object's keys sorted. */
export function sortedKeys(value: any): any {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortedKeys(value[k])]));
  return value;
}

/** `kind namespace/name` of an object. */
export function objectKey(o: any): string {
  return `${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
}

/** Objects by `objectKey`, keys sorted. */
export function byKey(objects: any[]): Map<string, any> {
  return new Map(objects.map((o) => [objectKey(o), sortedKeys(o)]));
}

/** `helm template` of the chart with a values file: the objects, or Helm's error text. */
export async function helmRender(helm: HelmBinary, chartDir: string, valuesFile: string, release = RELEASE): Promise<{ objects?: any[]; error?: string }> {
  const result = await runHelm(helm, ['template', release.name, chartDir, '--namespace', release.namespace, '--kube-version', KUBE_VERSION, '--values', valuesFile]);
  if (result.code !== 0) return { error: result.stderr };
  return { objects: parseManifests(result.stdout) };
}

/** The construct side: the objects of a values file, or the values problems. */
export function constructRender(valuesFile: string, release = RELEASE): { objects?: any[]; error?: string } {
  const values = parse(fs.readFileSync(valuesFile, 'utf8'));
  try {
    return { objects: fromValues(values, release).manifests };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/**
 * The values paths a Helm error names, normalized to `databases[0].name`: schema errors say
 * `/databases/0/name` (Helm 3.18+, Helm 4) or `databases.0.name`; template failures say the path.
 */
export function normalizeHelmPaths(error: string): string {
  return error
    .replace(/'\/([^']*)'/g, (_m, p: string) => p.split('/').map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : `${i ? '.' : ''}${s}`)).join(''))
    .replace(/\b([A-Za-z]+)\.(\d+)\b/g, '$1[$2]');
}
