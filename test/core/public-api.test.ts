/**
 * The public API: named exports only, nothing marked `@internal`, every construct that emits one
 * object is a `StashObject` (so it exposes `name`, `namespace` and `apiObject` alike), and the
 * wire types are reachable as the `api` namespace only.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { Chart, Testing } from 'cdk8s';
import * as lib from '../../src';
import { REPO_ROOT } from '../../generator/paths';

const INDEX = path.join(REPO_ROOT, 'src', 'index.ts');

function exportedSymbols(): Array<{ name: string; internal: boolean }> {
  const program = ts.createProgram([INDEX], { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(INDEX)!)!;
  return checker.getExportsOfModule(moduleSymbol).map((exported) => {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const internal = (symbol.declarations ?? []).some((d) => ts.getJSDocTags(d).some((t) => t.tagName.text === 'internal'));
    return { name: exported.name, internal };
  });
}

describe('public API', () => {
  test('src/index.ts re-exports by name only', () => {
    const source = fs.readFileSync(INDEX, 'utf8');
    expect(source.match(/^export \* from .*$/gm) ?? []).toEqual([]);
  });

  test('nothing exported is marked @internal', () => {
    const symbols = exportedSymbols();
    expect(symbols.length).toBeGreaterThan(100);
    expect(symbols.filter((s) => s.internal).map((s) => s.name)).toEqual([]);
  });

  test('the declarations the package ships carry no @internal member', () => {
    const dts = fs.readFileSync(path.join(REPO_ROOT, 'lib', 'src', 'core', 'render.d.ts'), 'utf8');
    expect(dts).not.toMatch(/toJsonOnePass|class StashApiObject/);
  });

  test('the wire types are the api namespace, the constructs keep their names', () => {
    expect(typeof lib.api.STASH_RESOURCES).toBe('object');
    expect(lib.RetentionPolicy).not.toBe((lib.api as any).retentionPolicy);
    expect(Object.keys(lib)).not.toContain('STASH_RESOURCES');
  });

  test('every construct that emits one object exposes kind, name, namespace and apiObject the same way', () => {
    const chart = new Chart(Testing.app(), 'api', { namespace: 'demo' });
    const repo = new lib.Repository(chart, 'repo', { name: 'repo', backend: lib.Backend.gcs({ bucket: 'bucket', prefix: 'demo/db' }), storageSecretName: 's' });
    const backup = new lib.PerconaXtraDbBackup(chart, 'backup', {
      database: 'db', version: '8.0.36', repository: repo, schedule: lib.Schedule.daily({ hour: 1 }), retentionPolicy: lib.RetentionPolicy.keepLast(3),
    });
    const objects: lib.StashObject[] = [
      repo, backup,
      new lib.InstantBackup(chart, 'now', { backup }),
      new lib.PerconaXtraDbRestore(chart, 'restore', { database: 'db2', version: '8.0.36', repository: repo }),
      new lib.PerconaXtraDbAppBinding(chart, 'binding', { name: 'db', service: 'db', authSecretName: 'auth' }),
      new lib.StorageSecret(chart, 'secret', { name: 's', backend: lib.Backend.gcs({ bucket: 'bucket' }), values: { RESTIC_PASSWORD: 'x', GOOGLE_PROJECT_ID: 'p', GOOGLE_SERVICE_ACCOUNT_JSON_KEY: '{}' } }),
      new lib.PerconaXtraDbBackupBlueprint(chart, 'blueprint', {
        name: 'bp', backend: lib.Backend.gcs({ bucket: 'bucket', prefix: 'x/${TARGET_NAME}' }), storageSecretName: 's',
        schedule: lib.Schedule.daily({ hour: 1 }), retentionPolicy: lib.RetentionPolicy.keepLast(3),
      }),
    ];
    Testing.synth(chart);
    for (const o of objects) {
      expect(o).toBeInstanceOf(lib.StashObject);
      const json = o.apiObject.toJson();
      expect([o.kind, o.name, o.namespace]).toEqual([json.kind, json.metadata.name, json.metadata.namespace]);
    }
    expect(backup.name).toBe('db-backup');
    expect(objects.find((o) => o.kind === 'BackupBlueprint')!.namespace).toBeUndefined();
  });
});
