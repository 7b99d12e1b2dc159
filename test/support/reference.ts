/**
 * Access to the upstream fixtures in `../shared/reference` (see its README). Tests that need
 * them call `describeWithReference`, which skips with a clear message where the folder is absent.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../../generator/paths';

export const REFERENCE_DIR = process.env.STASH_PXC_REFERENCE
  ?? path.resolve(REPO_ROOT, '..', 'shared', 'reference');

export { REPO_ROOT };

export const hasReference = fs.existsSync(path.join(REFERENCE_DIR, 'stash-crds'));

/** Why the reference-based tests are skipped here (one line), or undefined when the folder exists. */
export const REFERENCE_MISSING = hasReference ? undefined
  : `upstream reference not found at ${REFERENCE_DIR}: clone the project beside ../shared or set STASH_PXC_REFERENCE`;

/**
 * `describe` when the reference folder exists. Otherwise the block's body is not run (it reads the
 * reference while jest collects the tests) and one skipped test says why.
 */
export function describeWithReference(name: string, fn: () => void): void {
  if (REFERENCE_MISSING === undefined) {
    describe(name, fn);
  } else {
    const reason = REFERENCE_MISSING;
    describe(name, () => {
      test.skip(`skipped: ${reason}`, () => undefined);
    });
  }
}

/** Every YAML document of a file under the reference folder. */
export function readReference(relative: string): any[] {
  const text = fs.readFileSync(path.join(REFERENCE_DIR, relative), 'utf8');
  return parseAllDocuments(text).map((d) => d.toJSON()).filter((d) => d != null);
}

/** The upstream CRDs, by `<plural>.<group>`. */
export function upstreamCrds(): Map<string, any> {
  const out = new Map<string, any>();
  for (const file of fs.readdirSync(path.join(REFERENCE_DIR, 'stash-crds')).sort()) {
    if (!file.endsWith('.yaml')) continue;
    for (const doc of readReference(path.join('stash-crds', file))) out.set(doc.metadata.name, doc);
  }
  return out;
}

/** KubeDB's CRDs (PerconaXtraDB, PerconaXtraDBVersion), by `<plural>.<group>`. */
export function kubedbCrds(): Map<string, any> {
  const out = new Map<string, any>();
  for (const file of fs.readdirSync(path.join(REFERENCE_DIR, 'kubedb-crds')).sort()) {
    if (!file.endsWith('.yaml')) continue;
    for (const doc of readReference(path.join('kubedb-crds', file))) out.set(doc.metadata.name, doc);
  }
  return out;
}
