/**
 * The README serves a user first and runs as written: its TypeScript examples (back up, restore,
 * monitor) are type-checked against the package and executed, and yield the objects they promise;
 * its sections come in a user's order, with the contributor's commands at the end.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { Testing } from 'cdk8s';
import { REPO_ROOT } from '../support/reference';
import { readmeExamples } from '../support/readme';

const README = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const SRC = path.join(REPO_ROOT, 'src').replace(/\\/g, '/');
const examples = readmeExamples(README);

/** An example against the sources, keeping the app in memory instead of writing dist/. */
function inMemory(snippet: string): string {
  return snippet
    .replace("from 'stash-pxc'", `from '${SRC}'`)
    .replace('app.synth();', 'export const manifests = Testing.synth(chart);')
    .replace("import { App, Chart } from 'cdk8s';", "import { App, Chart, Testing } from 'cdk8s';");
}

/** Diagnostics of each snippet, all checked in one program (one type-checker for the package). */
function typeCheck(snippets: { [name: string]: string }): { [name: string]: string[] } {
  const files = new Map(Object.entries(snippets).map(([name, text]) => [path.join(REPO_ROOT, 'test', `__readme_${name}__.ts`), text]));
  const host = ts.createCompilerHost({ noEmit: true });
  const original = host.getSourceFile;
  host.getSourceFile = (name, ...rest) => (files.has(name) ? ts.createSourceFile(name, files.get(name)!, ts.ScriptTarget.ES2022) : original(name, ...rest));
  // The project's own compiler options, so the snippets are checked as a user's code would be.
  const config = ts.parseJsonConfigFileContent(ts.readConfigFile(path.join(REPO_ROOT, 'tsconfig.json'), ts.sys.readFile).config, ts.sys, REPO_ROOT);
  const program = ts.createProgram([...files.keys()], { ...config.options, noEmit: true, incremental: false, noUnusedLocals: false }, host);
  return Object.fromEntries(Object.keys(snippets).map((name, i) => [name,
    ts.getPreEmitDiagnostics(program, program.getSourceFile([...files.keys()][i])).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))]));
}

function run(snippet: string): any[] {
  const js = ts.transpileModule(snippet.replace(`'${SRC}'`, `'${path.join(REPO_ROOT, 'lib', 'src')}'`), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const module = { exports: {} as { manifests?: any[] } };
  new Function('require', 'module', 'exports', 'Testing', js)(require, module, module.exports, Testing);
  return module.exports.manifests!;
}

const kindsAndNames = (manifests: any[]) => manifests.map((m) => `${m.kind}/${m.metadata.namespace}/${m.metadata.name}`);

describe('README', () => {
  test('the "Back up a database", "Restore" and "Monitor" examples type-check against the package', () => {
    const diagnostics = typeCheck(Object.fromEntries(Object.entries(examples).map(([name, snippet]) => [name, inMemory(snippet)])));
    expect(diagnostics).toEqual({ backup: [], restore: [], monitor: [] });
  });

  test('"Back up a database" synthesizes a Repository and a BackupConfiguration every five minutes', () => {
    const manifests = run(inMemory(examples.backup));
    expect(kindsAndNames(manifests)).toEqual([
      'Repository/demo/sample-xtradb-repo',
      'BackupConfiguration/demo/sample-xtradb-backup',
    ]);
    const backup = manifests.find((m) => m.kind === 'BackupConfiguration');
    expect(backup.spec.schedule).toBe('*/5 * * * *');
    expect(backup.spec.task.name).toBe('perconaxtradb-backup-8.0');
    expect(backup.spec.retentionPolicy).toMatchObject({ keepLast: 5 });
    expect(backup.spec.target.ref).toMatchObject({ kind: 'AppBinding', name: 'sample-xtradb' });
  });

  test('"Restore" restores the latest snapshot of the backup\'s Repository into the new database, as the command it gives watches', () => {
    const manifests = run(inMemory(examples.restore));
    const restore = manifests.find((m) => m.kind === 'RestoreSession');
    expect(README).toContain(`kubectl get restoresession --namespace ${restore.metadata.namespace} ${restore.metadata.name} --watch`);
    expect(restore.spec.repository.name).toBe('sample-xtradb-repo');
    expect(restore.spec.target.ref).toMatchObject({ kind: 'AppBinding', name: 'restored-xtradb' });
    expect(restore.spec.task.name).toBe('perconaxtradb-restore-8.0');
    expect(restore.spec.target.rules).toEqual([{ snapshots: ['latest'] }]);
  });

  test('"Monitor" adds a PrometheusRule in the monitoring namespace with the backup\'s alerts', () => {
    const manifests = run(inMemory(examples.monitor));
    const rules = manifests.filter((m) => m.kind === 'PrometheusRule');
    expect(rules.map((r) => r.metadata.namespace)).toEqual(['monitoring']);
    const text = JSON.stringify(rules[0].spec);
    expect(text).toContain('sample-xtradb-backup');
  });

  test('is ordered for a user: install, back up, restore, monitor, operations, then contributing', () => {
    const headings = README.split('\n').filter((l) => /^## /.test(l)).map((l) => l.slice(3));
    const order = ['Install', 'Back up a database', 'Restore', 'Monitor', 'Operations', 'Contributing'].map((h) => headings.indexOf(h));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(headings[headings.length - 1]).toBe('Contributing');
    // A user installs the package and synthesizes with cdk8s before reading anything about the clone.
    const install = README.indexOf('npm install stash-pxc');
    expect(install).toBeGreaterThan(0);
    expect(README.indexOf('npx cdk8s synth')).toBeGreaterThan(install);
    expect(README.indexOf('npm ci')).toBeGreaterThan(README.indexOf('## Contributing'));
    // The spreading algorithm's details live in docs/scheduling.md.
    expect(README).not.toContain('bounded-load consistent hashing');
    expect(fs.readFileSync(path.join(REPO_ROOT, 'docs', 'scheduling.md'), 'utf8')).toContain('bounded-load consistent hashing');
  });

  test('the contributor\'s two commands are there and exist as npm scripts', () => {
    const contributing = README.slice(README.indexOf('## Contributing'));
    expect(contributing).toMatch(/^npm ci && npm run synth /m);
    expect(contributing).toMatch(/^npm test /m);
    const scripts = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).scripts;
    expect(Object.keys(scripts)).toEqual(expect.arrayContaining(['synth', 'test']));
    // `npm ci` must not need a build step: synth compiles when a source is newer than lib/.
    expect(fs.readFileSync(path.join(REPO_ROOT, 'scripts', 'synth.js'), 'utf8')).toContain("require.resolve('typescript/bin/tsc')");
  });
});
