/**
 * The Galera drill's server step (src/database/restores/drill/drill-galera-server.sh) run with
 * bash on this host the way its pod runs it: Debian's MariaDB server started on a data directory
 * that stands in for the restored claim (made with mariadb-install-db, the fixture loaded, the
 * server stopped), with the environment the construct renders into the server pod, pushing to a
 * real Pushgateway. The source's root password is set and never given to the drill.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Size, Testing, Chart } from 'cdk8s';
import { Backend, DRILL_METRIC_PREFIX, PerconaXtraDbBackupPlan, RetentionPolicy, RowCountOperator, Schedule } from '../../../src';
import { describeWithMariaDb, MariaDbTools, startMariaDb } from '../../support/mariadb';
import { describeWithPushgateway, Pushgateway, startPushgateway } from '../../support/pushgateway';
import { REPO_ROOT } from '../../support/reference';

const SCRIPT = path.join(REPO_ROOT, 'src', 'database', 'restores', 'drill', 'drill-galera-server.sh');
const CHECKS = ['restore', 'server-start', 'schemas', 'tables', 'row-counts', 'sql'];
const SOURCE_PASSWORD = `source-${process.pid}`;

const SOURCE = `
CREATE DATABASE shop;
CREATE TABLE shop.orders (id INT PRIMARY KEY, total INT NOT NULL) ENGINE=InnoDB;
INSERT INTO shop.orders VALUES (1, 10), (2, 20), (3, 30);
CREATE TABLE shop.customers (id INT PRIMARY KEY, name VARCHAR(40)) ENGINE=InnoDB;
INSERT INTO shop.customers VALUES (1, 'ada'), (2, 'grace');
ALTER USER 'root'@'localhost' IDENTIFIED BY '${SOURCE_PASSWORD}';
`;

/** The server pod's environment as the construct renders it: plain values only (the rest is the downward API). */
function renderedServerEnv(): { [name: string]: string } {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
  new PerconaXtraDbBackupPlan(chart, 'orders', {
    database: 'orders', version: '8.0.36',
    backend: Backend.gcs({ bucket: 'shop-backups', prefix: 'shop/orders' }), storageSecretName: 'gcs-secret',
    schedule: Schedule.daily({ hour: 1 }), retentionPolicy: RetentionPolicy.keepLast(7),
    drill: {
      galera: true, claimStorage: Size.gibibytes(20), schemas: ['shop'], sql: 'SELECT SUM(total) = 60 FROM shop.orders',
      rowCountRules: [{ database: 'shop', table: 'orders', rowCount: { operator: RowCountOperator.GREATER_THAN_OR_EQUAL, value: 3 } }],
    },
  });
  const config = Testing.synth(chart).find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'orders-drill-config');
  const pod = JSON.parse(config.data['server-pod.json']);
  return { ...Object.fromEntries(pod.spec.containers[0].env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value])), config: config.data };
}

describeWithMariaDb('Galera drill server step (drill-galera-server.sh) on a real MariaDB', (tools: MariaDbTools) => {
  describeWithPushgateway('pushing to a real Pushgateway', (pushgatewayBin) => {
    let gateway: Pushgateway;
    let work: string;
    let restored: string;
    const rendered = renderedServerEnv() as any;
    const config: { [file: string]: string } = rendered.config;

    beforeAll(async () => {
      gateway = await startPushgateway(pushgatewayBin);
      work = fs.mkdtempSync(path.join(os.tmpdir(), 'stash-pxc-galera-drill-'));
      // The stand-in for host-0's restored data directory: made, loaded and stopped.
      restored = path.join(work, 'restored');
      const asRoot = process.getuid?.() === 0;
      const install = spawnSync(tools.installDb, ['--no-defaults', `--datadir=${restored}`, ...(asRoot ? ['--user=root'] : []),
        '--auth-root-authentication-method=normal', '--skip-test-db'], { encoding: 'utf8' });
      expect(install.status).toBe(0);
      const source = await startMariaDb(tools, { dataDir: restored });
      source.sql(SOURCE);
      await source.stop();
    }, 90_000);

    afterAll(async () => {
      await gateway?.stop();
      if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    interface Run { code: number; output: string; dataDir: string; runDir: string }

    /** Runs the server step as the pod would, on a copy of the restored data directory (or `dataDir`). */
    function runPod(drill: string, options: { env?: { [name: string]: string }; prepare?: (dataDir: string) => void; files?: { [name: string]: string } } = {}): Run {
      const dir = fs.mkdtempSync(path.join(work, `${drill}-`));
      const dataDir = path.join(dir, 'data');
      fs.cpSync(restored, dataDir, { recursive: true });
      options.prepare?.(dataDir);
      const [state, run, tmp, conf] = ['state', 'run', 'tmp', 'config'].map((d) => path.join(dir, d));
      for (const d of [state, run, tmp, conf]) fs.mkdirSync(d);
      const files = { ...config, ...(options.files ?? {}) };
      for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(conf, name), text);
      const asRoot = process.getuid?.() === 0;
      const env: { [name: string]: string } = {
        ...Object.fromEntries(Object.entries(rendered).filter(([k]) => k !== 'config')) as { [name: string]: string },
        PATH: process.env.PATH ?? '',
        TMPDIR: tmp,
        // The pod's paths, moved to this run's directory.
        DRILL_STATE_DIR: state,
        DRILL_RUN_DIR: run,
        DRILL_DATA_DIR: dataDir,
        DRILL_RULES_FILE: path.join(conf, 'rules.txt'),
        DRILL_SQL_FILE: path.join(conf, 'check.sql'),
        // What the downward API gives the pod.
        DRILL_NAMESPACE: 'shop',
        DRILL_RESTORE_SECONDS: '42',
        DRILL_NAME: drill,
        // Debian's server: its own config left out, and root may run it here (the pod runs as mysql).
        DRILL_MYSQLD: tools.server,
        DRILL_MYSQLD_ARGS: `--no-defaults${asRoot ? ' --user=root' : ''} --innodb-buffer-pool-size=32M ${rendered.DRILL_MYSQLD_ARGS}`,
        DRILL_MYSQL_CLIENT: tools.client,
        DRILL_SERVER_TIMEOUT_SECONDS: '30',
        PUSHGATEWAY_URL: gateway.url,
        ...(options.env ?? {}),
      };
      const r = spawnSync('bash', [SCRIPT], { env, encoding: 'utf8', timeout: 120_000 });
      const output = `${r.stdout}${r.stderr}`;
      expect(output.includes(SOURCE_PASSWORD)).toBe(false);
      return { code: r.status ?? -1, output, dataDir, runDir: run };
    }

    async function pushed(drill: string): Promise<{ [series: string]: number }> {
      const out: { [series: string]: number } = {};
      for (const s of await gateway.samples(DRILL_METRIC_PREFIX)) {
        if (s.labels.drill !== drill) continue;
        const name = s.name.slice(DRILL_METRIC_PREFIX.length);
        const key = s.labels.check ? `${name}{check=${s.labels.check}}` : s.labels.phase ? `${name}{phase=${s.labels.phase}}` : name;
        out[key] = s.value;
      }
      return out;
    }
    const failedChecks = (series: { [series: string]: number }) => Object.fromEntries(CHECKS.map((c) => [c, series[`failed_check{check=${c}}`]]));

    test('a restored data directory whose grants are the source\'s passes every check without the source\'s password, and the server is stopped', async () => {
      const run = runPod('galera-pass');
      expect(run.output).toMatch(/the server answers on .*mysqld\.sock/);
      for (const c of CHECKS) expect(run.output).toMatch(new RegExp(`check ${c}: ok`));
      expect(run.output).toMatch(/check row-counts: ok \(1 rules\)/);
      expect(run.output).toMatch(/check sql: ok \(first value 1\)/);
      expect(run.code).toBe(0);
      const series = await pushed('galera-pass');
      expect(series.success).toBe(1);
      expect(series.last_success_timestamp_seconds).toBe(series.last_run_timestamp_seconds);
      expect(failedChecks(series)).toEqual(Object.fromEntries(CHECKS.map((c) => [c, 0])));
      expect(series['phase_duration_seconds{phase=restore}']).toBe(42);
      expect(series['phase_duration_seconds{phase=server-start}']).toBeGreaterThanOrEqual(0);
      expect(series.restored_size_bytes).toBeGreaterThan(0);
      // Stopped: its socket and pid file are gone, and the data directory can be started again.
      expect(fs.existsSync(path.join(run.runDir, 'mysqld.sock'))).toBe(false);
      expect(fs.existsSync(path.join(run.runDir, 'mysqld.pid'))).toBe(false);
      // The grant tables were skipped, not changed: the source's root password still guards them.
      const again = await startMariaDb(tools, { dataDir: run.dataDir });
      try {
        expect(() => again.sql('SELECT 1')).toThrow(/Access denied/);
      } finally {
        await again.stop();
      }
    }, 120_000);

    test('no TCP port: the server skips networking (the grant tables are skipped, so only the pod\'s socket may reach it)', () => {
      const run = runPod('galera-no-tcp', { files: { 'check.sql': 'SELECT @@skip_networking = 1 AND @@skip_grant_tables = 1;\n' } });
      expect(run.output).toMatch(/check sql: ok \(first value 1\)/);
      expect(run.code).toBe(0);
    }, 120_000);

    const failures: Array<[string, string, RegExp, Parameters<typeof runPod>[1]]> = [
      ['an empty data directory (a claim the restore never filled)', 'server-start', /has no mysql system schema: the restored data directory is empty/,
        { prepare: (d) => { fs.rmSync(d, { recursive: true }); fs.mkdirSync(d); } }],
      ['a corrupt system tablespace', 'server-start', /exited with \d+: .*InnoDB/,
        { prepare: (d) => fs.writeFileSync(path.join(d, 'ibdata1'), Buffer.alloc(65536, 0x5a)) }],
      ['a server that does not start (an option it refuses)', 'server-start', /exited with \d+: .*no-such-option/,
        { env: { DRILL_MYSQLD_ARGS: `--no-defaults${process.getuid?.() === 0 ? ' --user=root' : ''} --no-such-option` } }],
      ['a server binary the image lacks', 'server-start', /no server binary \/nonexistent\/mysqld in this image/, { env: { DRILL_MYSQLD: '/nonexistent/mysqld' } }],
      ['a table the restore lost', 'tables', /missing: shop\.refunds/, { env: { DRILL_TABLES: 'shop.orders shop.refunds' } }],
      ['a failed row-count rule', 'row-counts', /shop\.orders has 3 rows, the rule wants >= 1000/, { files: { 'rules.txt': 'shop orders >= 1000\n' } }],
    ];

    test.each(failures)('%s: success=0 and failed_check names "%s"', async (scenario, failed, reason, options) => {
      const drill = `galera-f${failures.findIndex((f) => f[0] === scenario)}`;
      const run = runPod(drill, options);
      expect(run.output).toMatch(reason);
      expect(run.output).toMatch(new RegExp(`drill FAILED at check ${failed}`));
      expect(run.code).toBe(1);
      const series = await pushed(drill);
      expect(series.success).toBe(0);
      expect(failedChecks(series)).toEqual(Object.fromEntries(CHECKS.map((c) => [c, c === failed ? 1 : 0])));
      expect(series['phase_duration_seconds{phase=restore}']).toBe(42);
      expect(fs.existsSync(path.join(run.runDir, 'mysqld.sock'))).toBe(false);
    }, 120_000);
  });
});
