/**
 * The README's first backup runs as written: its TypeScript block is type-checked against the
 * package and executed, and it yields the Repository and BackupConfiguration it promises.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { Testing } from 'cdk8s';
import { REPO_ROOT } from '../support/reference';

const README = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

function snippetAfter(heading: string): string {
  const section = README.slice(README.indexOf(`## ${heading}`));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error(`no ts block after "## ${heading}" in README.md`);
  return match[1];
}

describe('README', () => {
  const snippet = snippetAfter('Back up a database')
    .replace("from 'stash-pxc'", `from '${path.join(REPO_ROOT, 'src').replace(/\\/g, '/')}'`)
    // The test keeps the app in memory instead of writing dist/.
    .replace('app.synth();', 'export const manifests = Testing.synth(chart);')
    .replace("import { App, Chart } from 'cdk8s';", "import { App, Chart, Testing } from 'cdk8s';");

  test('"Back up a database" type-checks against the package', () => {
    const file = path.join(REPO_ROOT, 'test', '__readme_snippet__.ts');
    const host = ts.createCompilerHost({ noEmit: true });
    const original = host.getSourceFile;
    host.getSourceFile = (name, ...rest) => (name === file ? ts.createSourceFile(name, snippet, ts.ScriptTarget.ES2022) : original(name, ...rest));
    // The project's own compiler options, so the snippet is checked as a user's code would be.
    const config = ts.parseJsonConfigFileContent(ts.readConfigFile(path.join(REPO_ROOT, 'tsconfig.json'), ts.sys.readFile).config, ts.sys, REPO_ROOT);
    const program = ts.createProgram([file], { ...config.options, noEmit: true, incremental: false, noUnusedLocals: false }, host);
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  });

  test('"Back up a database" synthesizes a Repository and a BackupConfiguration every five minutes', () => {
    const js = ts.transpileModule(snippet.replace(`'${path.join(REPO_ROOT, 'src').replace(/\\/g, '/')}'`, `'${path.join(REPO_ROOT, 'lib', 'src')}'`), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const module = { exports: {} as { manifests?: any[] } };
    new Function('require', 'module', 'exports', 'Testing', js)(require, module, module.exports, Testing);
    const manifests = module.exports.manifests!;
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      'Repository/sample-xtradb-repo',
      'BackupConfiguration/sample-xtradb-backup',
    ]);
    const backup = manifests.find((m) => m.kind === 'BackupConfiguration');
    expect(backup.spec.schedule).toBe('*/5 * * * *');
    expect(backup.spec.task.name).toBe('perconaxtradb-backup-8.0');
    expect(backup.spec.retentionPolicy).toMatchObject({ keepLast: 5 });
    expect(backup.spec.target.ref).toMatchObject({ kind: 'AppBinding', name: 'sample-xtradb' });
  });
});
