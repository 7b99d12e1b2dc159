/**
 * Regenerates the typed classes in `imports/` with `cdk8s import`, from our own CRDs (never
 * from upstream files): one TypeScript module per API group. Works offline.
 *
 * Usage: `npm run import` (compiles, imports, compiles again).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { crdNameOf, crdSpecOf, STASH_RESOURCES } from '../src/api';
import { REPO_ROOT } from '../generator/paths';

const IMPORTS = path.join(REPO_ROOT, 'imports');
const CDK8S = path.join(REPO_ROOT, 'node_modules', '.bin', 'cdk8s');

/** Writes the typed classes of every API group into `outDir` (default: `imports/`). */
export function importCrds(outDir = IMPORTS, log: (line: string) => void = () => undefined): void {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'stash-pxc-import-'));
  const groups = [...new Set(STASH_RESOURCES.map((def) => def.group))];
  for (const group of groups) {
    const docs = STASH_RESOURCES.filter((def) => def.group === group).map((def) => stringify({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: crdNameOf(def) },
      spec: crdSpecOf(def),
    }));
    const file = path.join(work, `${group}.yaml`);
    fs.writeFileSync(file, docs.join('---\n'));
    execFileSync(CDK8S, ['import', file, '--language', 'typescript', '--output', outDir, '--no-save'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
    });
    log(path.join(path.relative(process.cwd(), outDir) || '.', `${group}.ts`));
  }
  fs.rmSync(work, { recursive: true, force: true });
}

if (require.main === module) importCrds(IMPORTS, (line) => console.log(line));
