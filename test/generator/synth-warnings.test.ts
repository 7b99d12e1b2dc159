/**
 * `npm run synth` (and `cdk8s synth`, which runs the same file) prints the warnings of what it
 * rendered on stderr, after writing, and still succeeds. The synth entry runs in a child process,
 * as the command line runs it, into a scratch root; one run adds an app whose backup copy can
 * start while its primary runs.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const LIB = path.join(__dirname, '..', '..');
const REPO = path.join(LIB, '..');

/** Runs `synth(root)` of the compiled generator in a child process; `extra` is JavaScript that builds one more example. */
function runSynth(extra?: string): { status: number | null; stderr: string; root: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'stash-pxc-synth-'));
  const script = `
    const { synth } = require(${JSON.stringify(path.join(LIB, 'generator', 'main'))});
    const { EXAMPLES } = require(${JSON.stringify(path.join(LIB, 'generator', 'chart', 'examples'))});
    const lib = require(${JSON.stringify(path.join(LIB, 'src'))});
    const { Chart, Duration } = require('cdk8s');
    const examples = { ...EXAMPLES${extra ? `, 'copy-overlap': (app) => { ${extra} }` : ''} };
    synth(process.argv[1], { examples });
  `;
  const r = spawnSync(process.execPath, ['-e', script, root], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stderr: r.stderr, root };
}

describe('the synth prints the warnings of what it rendered', () => {
  test('an app whose copy can start while the primary runs: one warning line on stderr, the files written, exit 0', () => {
    const { status, stderr, root } = runSynth(`
      const chart = new Chart(app, 'shop', { namespace: 'shop' });
      new lib.PerconaXtraDbBackupPlan(chart, 'orders', {
        database: 'orders', version: '8.0.36',
        backend: lib.Backend.gcs({ bucket: 'acme-backups', prefix: 'shop/orders' }), storageSecretName: 'gcs-secret',
        schedule: lib.Schedule.daily({ hour: 1, minute: 30 }), expectedDuration: Duration.hours(1),
        retentionPolicy: lib.RetentionPolicy.keepDaily(7),
        copies: [{ name: 'offsite', backend: lib.Backend.s3({ endpoint: 's3.eu-west-1.amazonaws.com', bucket: 'acme-offsite', prefix: 'shop/orders' }),
          storageSecretName: 'offsite-s3', schedule: lib.Schedule.daily({ hour: 2 }) }],
      });
      return chart;`);
    expect({ status, stderr }).toEqual({
      status: 0,
      stderr: 'warning: [shop/orders/Backup/Copy-offsite] schedule: "0 2 * * *" can start at 02:00 while the primary (started at 01:30, expected to run 60m) is running; '
        + 'Stash then holds the copy Pending until the primary ends. Fix: start the copy at least 60m after each primary start (e.g. "30 2 * * *"), or leave schedule out to place it after the primary.\n',
    });
    // Written before the warning, and the warned objects are in it.
    const written = fs.readFileSync(path.join(root, 'dist', 'examples', 'copy-overlap.yaml'), 'utf8');
    expect(written).toMatch(/name: orders-copy-offsite-backup/);
    expect(fs.existsSync(path.join(root, 'charts', 'stash-pxc', 'Chart.yaml'))).toBe(true);
    fs.rmSync(root, { recursive: true, force: true });
  }, 120_000);

  test('the repository\'s own examples and charts: nothing on stderr', () => {
    const { status, stderr, root } = runSynth();
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    fs.rmSync(root, { recursive: true, force: true });
  }, 120_000);
});
