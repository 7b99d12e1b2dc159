/**
 * What `npm pack` ships: the library only (no generator, tests or scripts), declarations without
 * `@internal`, and a package that works for a user: installed into an empty project, the README's
 * "Back up a database" compiles with `tsc` (strict, the package's and its dependencies'
 * declarations checked: skipLibCheck false) and synthesizes the objects it promises.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../support/reference';
import { DRILL_SCRIPTS } from '../../src/database/restores/perconaxtradb-restore-drill';

const run = promisify(execFile);
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The first ```ts block after `## <heading>` in README.md, as written. */
function readmeExample(heading: string): string {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf(`## ${heading}`)));
  if (!match) throw new Error(`no ts block after "## ${heading}" in README.md`);
  return match[1];
}

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

describe('the npm package', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stash-pxc-package-'));
  const project = path.join(tmp, 'user');
  let files: string[] = [];
  let installed: string;

  beforeAll(async () => {
    // `npm test` has just compiled and pruned lib/; the lifecycle scripts would only repeat that.
    const pack = await run(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { cwd: REPO_ROOT });
    const [info] = JSON.parse(pack.stdout);
    files = info.files.map((f: { path: string }) => f.path).sort();

    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({
      name: 'readme-user', version: '1.0.0', private: true,
      dependencies: { 'stash-pxc': `file:${path.join(tmp, info.filename)}` },
    }));
    // The package's own dependencies come from the registry (or npm's cache): a dependency that
    // only the repository has (a devDependency) would fail here.
    await run(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], { cwd: project });
    installed = path.join(project, 'node_modules', 'stash-pxc');
  }, 180_000);
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('ships the library only: compiled src/ and imports/, the OpenAPI definitions, the restore drill scripts, README, package.json', () => {
    const outside = files.filter((f) => !/^lib\/(src|imports)\/.*\.(js|d\.ts)$/.test(f));
    expect(outside).toEqual(['README.md', 'imports/k8s-openapi.json', 'package.json',
      ...DRILL_SCRIPTS.map((f) => `src/database/restores/drill/${f}`).sort()]);
    expect(files).toContain('lib/src/index.js');
    expect(files).toContain('lib/src/index.d.ts');
  });

  test('every shipped module has its source (no stale output of a renamed or deleted file)', () => {
    const stale = files.filter((f) => f.startsWith('lib/'))
      .map((f) => f.replace(/^lib\//, '').replace(/\.(js|d\.ts)$/, '.ts'))
      .filter((source) => !fs.existsSync(path.join(REPO_ROOT, source)));
    expect(stale).toEqual([]);
  });

  test('a restore drill made from the installed package ships its scripts in its ConfigMap', () => {
    const lib = require(installed);
    const { Chart, Testing } = require(require.resolve('cdk8s', { paths: [installed] }));
    const chart = new Chart(Testing.app(), 'drill', { namespace: 'shop' });
    const plan = new lib.PerconaXtraDbBackupPlan(chart, 'orders', {
      database: 'orders', version: '8.0.36', backend: lib.Backend.gcs({ bucket: 'shop-backups', prefix: 'orders' }),
      storageSecretName: 'gcs-secret', schedule: lib.Schedule.daily({ hour: 1 }), retentionPolicy: lib.RetentionPolicy.keepLast(3), drill: {},
    });
    expect(plan.drill.name).toBe('orders-drill');
    const configMap = Testing.synth(chart).find((o: any) => o.kind === 'ConfigMap' && o.metadata.name === 'stash-pxc-drill-scripts');
    for (const script of DRILL_SCRIPTS) {
      expect(configMap.data[script]).toBe(fs.readFileSync(path.join(REPO_ROOT, 'src', 'database', 'restores', 'drill', script), 'utf8'));
    }
  });

  test('declarations carry no @internal API', () => {
    const declarations = filesUnder(installed).filter((f) => f.endsWith('.d.ts'));
    expect(declarations.length).toBeGreaterThan(10);
    const internal = declarations.filter((f) => fs.readFileSync(path.join(installed, f), 'utf8').includes('@internal'));
    expect(internal).toEqual([]);
  });

  test('the README\'s "Back up a database" compiles (strict, skipLibCheck false) and synthesizes its Repository and BackupConfiguration', async () => {
    fs.writeFileSync(path.join(project, 'index.ts'), readmeExample('Back up a database'));
    fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, skipLibCheck: false, types: [], outDir: 'out' },
      files: ['index.ts'],
    }));
    const tsc = require.resolve('typescript/bin/tsc', { paths: [REPO_ROOT] });
    const compiled = await run(process.execPath, [tsc, '-p', '.'], { cwd: project }).catch((e) => e);
    expect({ code: compiled.code ?? 0, diagnostics: compiled.stdout.trim() }).toEqual({ code: 0, diagnostics: '' });

    await run(process.execPath, [path.join('out', 'index.js')], { cwd: project });
    const dist = path.join(project, 'dist');
    const manifests = fs.readdirSync(dist).flatMap((f) =>
      parseAllDocuments(fs.readFileSync(path.join(dist, f), 'utf8')).map((d) => d.toJSON()));
    expect(manifests.map((m) => `${m.kind}/${m.metadata.namespace}/${m.metadata.name}`)).toEqual([
      'Repository/demo/sample-xtradb-repo',
      'BackupConfiguration/demo/sample-xtradb-backup',
    ]);
    const backup = manifests.find((m) => m.kind === 'BackupConfiguration');
    expect(backup.spec).toMatchObject({
      schedule: '*/5 * * * *',
      task: { name: 'perconaxtradb-backup-8.0' },
      repository: { name: 'sample-xtradb-repo' },
      target: { ref: { kind: 'AppBinding', name: 'sample-xtradb' } },
      retentionPolicy: { keepLast: 5 },
    });
  }, 120_000);
});
