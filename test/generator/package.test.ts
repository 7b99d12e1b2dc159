/**
 * What `npm pack` ships: the library and its user documentation only (no generator, tests or
 * scripts), declarations without `@internal`, no install-time script, and a package that works
 * for a user: installed into an empty project (scripts allowed, no warning), the README's examples
 * compile with `tsc` (strict, the package's and its dependencies' declarations checked:
 * skipLibCheck false), its first one synthesizes with `cdk8s synth` in the app that
 * `cdk8s init typescript-app` makes, and every relative link of the README resolves inside the
 * package.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../support/reference';
import { readmeExamples } from '../support/readme';
import { DRILL_SCRIPTS } from '../../src/database/restores/perconaxtradb-restore-drill';

const run = promisify(execFile);
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The npm lifecycle scripts that run when a package is installed (prepare: from git or a folder). */
const INSTALL_TIME_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare', 'preprepare', 'postprepare'];

/** GitHub's anchor of a Markdown heading. */
function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
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
  let installWarnings = '';

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
    // only the repository has (a devDependency) would fail here. Scripts allowed, warnings shown:
    // a user's `npm install stash-pxc` must not warn about install scripts.
    const install = await run(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=warn'], { cwd: project });
    installWarnings = install.stderr;
    installed = path.join(project, 'node_modules', 'stash-pxc');
  }, 180_000);
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('ships the library only: compiled src/ and imports/, the OpenAPI definitions, the restore guard and drill scripts, README, user docs, package.json', () => {
    const outside = files.filter((f) => !/^lib\/(src|imports)\/.*\.(js|d\.ts)$/.test(f));
    const docs = fs.readdirSync(path.join(REPO_ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`).sort();
    // The restore guard's and the drills' scripts are read at construction time (rendered into hooks and ConfigMaps).
    expect(outside).toEqual(['README.md', ...docs, 'imports/k8s-openapi.json', 'package.json',
      ...DRILL_SCRIPTS.map((f) => `src/database/restores/drill/${f}`).sort(), 'src/database/restores/guard/standalone.sh']);
    expect(files).toContain('lib/src/index.js');
    expect(files).toContain('lib/src/index.d.ts');
  });

  test('every shipped module has its source (no stale output of a renamed or deleted file)', () => {
    const stale = files.filter((f) => f.startsWith('lib/'))
      .map((f) => f.replace(/^lib\//, '').replace(/\.(js|d\.ts)$/, '.ts'))
      .filter((source) => !fs.existsSync(path.join(REPO_ROOT, source)));
    expect(stale).toEqual([]);
  });

  test('installs without a build step: no install-time script in the packed package.json, no npm warning', () => {
    const scripts = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')).scripts ?? {};
    expect(Object.keys(scripts).filter((s) => INSTALL_TIME_SCRIPTS.includes(s))).toEqual([]);
    expect(installWarnings).not.toMatch(/install-scripts|install scripts|prepare/i);
  });

  test('every relative link of the packed README resolves inside the package, anchors included', () => {
    const readme = fs.readFileSync(path.join(installed, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((l) => !/^[a-z]+:/i.test(l));
    expect(links.length).toBeGreaterThan(3);
    const broken = links.filter((link) => {
      const [file, anchor] = link.split('#');
      const target = path.join(installed, file || 'README.md');
      if (!fs.existsSync(target) || !fs.statSync(target).isFile()) return true;
      if (!anchor) return false;
      const headings = fs.readFileSync(target, 'utf8').split('\n').filter((l) => /^#+ /.test(l)).map((l) => slug(l.replace(/^#+ /, '')));
      return !headings.includes(anchor);
    });
    expect(broken).toEqual([]);
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

  test('the README\'s examples compile (strict, skipLibCheck false) and synthesize what they promise', async () => {
    const examples = readmeExamples(fs.readFileSync(path.join(installed, 'README.md'), 'utf8'));
    for (const [name, text] of Object.entries(examples)) fs.writeFileSync(path.join(project, `${name}.ts`), text);
    fs.writeFileSync(path.join(project, 'tsconfig.strict.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, skipLibCheck: false, types: [], outDir: 'out' },
      files: Object.keys(examples).map((name) => `${name}.ts`),
    }));
    const tsc = require.resolve('typescript/bin/tsc', { paths: [REPO_ROOT] });
    const compiled = await run(process.execPath, [tsc, '-p', 'tsconfig.strict.json'], { cwd: project }).catch((e) => e);
    expect({ code: compiled.code ?? 0, diagnostics: compiled.stdout.trim() }).toEqual({ code: 0, diagnostics: '' });

    const synth = async (name: string) => {
      const outdir = path.join(project, `dist-${name}`);
      await run(process.execPath, [path.join('out', `${name}.js`)], { cwd: project, env: { ...process.env, CDK8S_OUTDIR: outdir } });
      return fs.readdirSync(outdir).flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(outdir, f), 'utf8')).map((d) => d.toJSON()));
    };
    const key = (m: any) => `${m.kind}/${m.metadata.namespace}/${m.metadata.name}`;
    const backup = await synth('backup');
    expect(backup.map(key)).toEqual(['Repository/demo/sample-xtradb-repo', 'BackupConfiguration/demo/sample-xtradb-backup']);
    expect(backup.find((m) => m.kind === 'BackupConfiguration').spec).toMatchObject({
      schedule: '*/5 * * * *',
      task: { name: 'perconaxtradb-backup-8.0' },
      repository: { name: 'sample-xtradb-repo' },
      target: { ref: { kind: 'AppBinding', name: 'sample-xtradb' } },
      retentionPolicy: { keepLast: 5 },
    });
    const restore = (await synth('restore')).find((m) => m.kind === 'RestoreSession');
    expect(restore.spec).toMatchObject({ repository: { name: 'sample-xtradb-repo' }, target: { ref: { kind: 'AppBinding', name: 'restored-xtradb' } } });
    expect((await synth('monitor')).filter((m) => m.kind === 'PrometheusRule').map(key)).toHaveLength(1);
  }, 120_000);

  test('"Back up a database" as main.ts of a `cdk8s init typescript-app` app: `cdk8s synth` writes dist/backups.k8s.yaml', async () => {
    // The app the README starts from: cdk8s-cli's own template files (cdk8s.yaml runs
    // `npx ts-node main.ts`; its tsconfig.json), the same cdk8s-cli version as this repository's.
    const template = path.join(path.dirname(require.resolve('cdk8s-cli/package.json', { paths: [REPO_ROOT] })), 'templates', 'typescript-app');
    const app = path.join(tmp, 'cdk8s-app');
    fs.cpSync(project, app, { recursive: true, filter: (src) => !/(^|\/)(out|dist-[a-z]+)$/.test(src) });
    for (const file of ['cdk8s.yaml', 'tsconfig.json']) fs.copyFileSync(path.join(template, file), path.join(app, file));
    fs.writeFileSync(path.join(app, 'main.ts'), readmeExamples(fs.readFileSync(path.join(installed, 'README.md'), 'utf8')).backup);
    for (const f of fs.readdirSync(app)) if (/^(backup|restore|monitor)\.ts$|^tsconfig\.strict\.json$/.test(f)) fs.rmSync(path.join(app, f));
    const typescriptVersion = require(require.resolve('typescript/package.json', { paths: [REPO_ROOT] })).version;
    await run(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', '--save-dev', 'ts-node@^10', `typescript@${typescriptVersion}`, '@types/node@^20'], { cwd: app });
    const cdk8s = path.join(path.dirname(require.resolve('cdk8s-cli/package.json', { paths: [REPO_ROOT] })), 'bin', 'cdk8s');
    await run(process.execPath, [cdk8s, 'synth'], { cwd: app });
    const manifests = parseAllDocuments(fs.readFileSync(path.join(app, 'dist', 'backups.k8s.yaml'), 'utf8')).map((d) => d.toJSON());
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual(['Repository/sample-xtradb-repo', 'BackupConfiguration/sample-xtradb-backup']);
    expect(fs.readFileSync(path.join(installed, 'README.md'), 'utf8')).toContain('npx cdk8s-cli init typescript-app');
  }, 180_000);

  test('a restore built from the installed package carries the restore guard', async () => {
    const script = "const { App, Chart, Testing } = require('cdk8s'); const p = require('stash-pxc');"
      + "const chart = new Chart(new App(), 'c', { namespace: 'demo' });"
      + "new p.PerconaXtraDbRestore(chart, 'r', { database: 'orders-copy', version: '8.0.36', repository: p.Repository.fromRepositoryName('orders-repo') });"
      + "const rs = Testing.synth(chart)[0]; console.log(JSON.stringify(rs.spec.hooks.preRestore.exec.command.slice(3)));";
    const out = await run(process.execPath, ['-e', script], { cwd: project });
    expect(JSON.parse(out.stdout)).toEqual(['stash-pxc-guard', 'check', 'demo/orders-copy-restore']);
  }, 60_000);
});
