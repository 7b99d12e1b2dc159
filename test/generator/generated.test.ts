/**
 * Generated files are never edited by hand: a fresh run of the npm scripts must reproduce the
 * committed `dist/`, `charts/` and `imports/` byte for byte, and two runs give the same bytes.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { synth } from '../../generator/main';
import { execFileSync } from 'child_process';
import { extractKubernetesOpenApi } from '../../scripts/extract-k8s-openapi';
import { importCrds } from '../../scripts/import-crds';
import { REPO_ROOT } from '../support/reference';

/** Every file below `dir`, relative, sorted. */
function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (sub: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = path.join(sub, entry.name);
      if (entry.isDirectory()) walk(rel);
      else out.push(rel);
    }
  };
  walk('');
  return out.sort();
}

function expectSameTree(fresh: string, committed: string, fix: string): void {
  const freshFiles = listFiles(fresh);
  expect({ files: listFiles(committed), fix }).toEqual({ files: freshFiles, fix });
  for (const file of freshFiles) {
    const same = fs.readFileSync(path.join(fresh, file)).equals(fs.readFileSync(path.join(committed, file)));
    expect({ file, same, fix }).toEqual({ file, same: true, fix });
  }
}

describe('generated files', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stash-pxc-drift-'));
  const runA = path.join(tmp, 'a');
  const runB = path.join(tmp, 'b');
  beforeAll(() => {
    synth(runA);
    synth(runB);
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test.each(['dist', 'charts'])('committed %s/ equals a fresh `npm run synth`', (dir) => {
    expectSameTree(path.join(runA, dir), path.join(REPO_ROOT, dir), 'run `npm run synth` and commit the result');
  });

  test('committed imports/ equals a fresh `npm run import`', () => {
    const out = path.join(tmp, 'imports');
    importCrds(out);
    for (const file of listFiles(out)) {
      const same = fs.readFileSync(path.join(out, file)).equals(fs.readFileSync(path.join(REPO_ROOT, 'imports', file)));
      expect({ file, same, fix: 'run `npm run import` and commit the result' }).toEqual({ file, same: true, fix: 'run `npm run import` and commit the result' });
    }
  });

  // Needs Go and the Go module proxy (CI has both); elsewhere it is skipped with the reason.
  const hasGo = (() => {
    try {
      execFileSync('go', ['version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  (hasGo ? test : test.skip)(`committed imports/k8s-openapi.json equals a fresh \`npm run import:k8s\`${hasGo ? '' : ' (skipped: no `go` on PATH)'}`, () => {
    const out = path.join(tmp, 'k8s-openapi.json');
    extractKubernetesOpenApi(out);
    const same = fs.readFileSync(out).equals(fs.readFileSync(path.join(REPO_ROOT, 'imports', 'k8s-openapi.json')));
    expect({ same, fix: 'run `npm run import:k8s` and commit the result' }).toEqual({ same: true, fix: 'run `npm run import:k8s` and commit the result' });
  });

  test('the synth is deterministic: two runs write the same bytes', () => {
    for (const dir of ['dist', 'charts']) expectSameTree(path.join(runB, dir), path.join(runA, dir), 'the synth depends on something besides its input');
  });

  test('no object has a random or hashed name', () => {
    const names: string[] = [];
    for (const file of listFiles(path.join(runA, 'dist')).filter((f) => f.endsWith('.yaml'))) {
      for (const doc of parseAllDocuments(fs.readFileSync(path.join(runA, 'dist', file), 'utf8'))) {
        const obj = doc.toJSON();
        if (obj?.metadata?.name) names.push(obj.metadata.name);
      }
    }
    expect(names.length).toBeGreaterThan(0);
    // cdk8s appends `-c8` and six hex digits to names it derives from construct paths.
    expect(names.filter((n) => /-c8[0-9a-f]{6}$/.test(n) || /[0-9a-f]{8,}/.test(n))).toEqual([]);
  });
});
