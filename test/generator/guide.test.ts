/**
 * docs/guide.md for a reader who copies its snippets: each imports what it uses (beyond the
 * "Before you begin" file it continues), the KubeDB step numbers say where they come from, and
 * what it says of the charts is true of both.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as cdk8s from 'cdk8s';
import * as library from '../../src';
import { REPO_ROOT } from '../support/reference';

const GUIDE = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'guide.md'), 'utf8');
const BLOCKS = [...GUIDE.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);

/** The names a block imports from a module. */
function importsOf(block: string, module: string): string[] {
  return [...block.matchAll(new RegExp(`import \\{([^}]*)\\} from '${module}';`, 'g'))]
    .flatMap((m) => m[1].split(',').map((n) => n.trim()).filter(Boolean));
}

describe('docs/guide.md', () => {
  test('every snippet imports the stash-pxc and cdk8s names it uses (or "Before you begin" does)', () => {
    expect(BLOCKS.length).toBeGreaterThan(10);
    const first = BLOCKS[0];
    const exported = { 'stash-pxc': Object.keys(library), 'cdk8s': ['Size', 'Duration', 'App', 'Chart'] };
    const missing: string[] = [];
    BLOCKS.forEach((block, i) => {
      const code = block.replace(/\/\/.*$/gm, '').replace(/^import .*$/gm, '');
      for (const [module, names] of Object.entries(exported)) {
        const imported = new Set([...importsOf(first, module), ...importsOf(block, module)]);
        for (const name of names) {
          if (new RegExp(`(^|[^.\\w])${name}\\b`).test(code) && !imported.has(name)) missing.push(`block ${i + 1}: ${name} from ${module}`);
        }
      }
    });
    expect(missing).toEqual([]);
    // The names the guide imports exist where it imports them from.
    const imported = BLOCKS.flatMap((b) => importsOf(b, 'stash-pxc'));
    expect(imported.filter((n) => !(n in library))).toEqual([]);
    expect(BLOCKS.flatMap((b) => importsOf(b, 'cdk8s')).filter((n) => !(n in cdk8s))).toEqual([]);
  });

  test('says which KubeDB guide its step numbers come from, and never speaks of an unexplained "seed"', () => {
    expect(GUIDE).not.toMatch(/\bseed\b/i);
    expect(GUIDE).toContain('| KubeDB step | object | construct |');
    expect(GUIDE).toMatch(/KubeDB's \*Percona XtraDB Backup &\s+Restore Overview\*/);
  });

  test('tells the per-database chart from the operator chart, and the operator chart\'s certificate mode under GitOps', () => {
    expect(GUIDE).not.toContain('The Helm chart installs the operator and the catalog only');
    expect(GUIDE).toMatch(/per-database Helm chart \(`charts\/stash-pxc-backup`\) applies the same defaults/);
    expect(GUIDE).toMatch(/Argo CD renders charts with\s+`helm template`[\s\S]*`certificates\.mode: certManager`[\s\S]*`certificates\.mode: provided`/);
  });
});
