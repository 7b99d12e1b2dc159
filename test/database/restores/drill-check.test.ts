/**
 * The restore drill's check step (src/database/restores/drill/drill-check.sh), run with bash on
 * this host against a real MariaDB server holding a restored `mariadb-dump` (the addon's
 * standalone restore is `mysql < dump`), pushing to a real Pushgateway; then the drill alerts of
 * PerconaXtraDbBackupAlerts unit-tested with promtool on exactly the series that Pushgateway
 * exposes, as Prometheus scrapes them with `honor_labels`.
 */
import { execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import {
  Backend, DRILL_METRIC_PREFIX, PerconaXtraDbBackupAlerts, PerconaXtraDbBackupPlan, RestoreDrillAlert, RetentionPolicy, Schedule,
} from '../../../src';
import { describeWithMariaDb, freePort, MariaDbServer, startMariaDb } from '../../support/mariadb';
import { describeWithPromtool, runPromtool } from '../../support/promtool';
import { describeWithPushgateway, Pushgateway, pushgatewayVersion, Sample, startPushgateway } from '../../support/pushgateway';
import { REPO_ROOT } from '../../support/reference';

const SCRIPT = path.join(REPO_ROOT, 'src', 'database', 'restores', 'drill', 'drill-check.sh');
const CHECKS = ['restore', 'server-start', 'schemas', 'tables', 'row-counts', 'sql'];
// Quotes and a backslash: the option file the script writes must escape them.
const PASSWORD = `dr"ill\\pa'ss-${process.pid}`;

/** The source data: dumped with mariadb-dump, dropped, and restored from the dump. */
const SOURCE = `
CREATE DATABASE shop;
CREATE TABLE shop.orders (id INT PRIMARY KEY, total INT NOT NULL) ENGINE=InnoDB;
INSERT INTO shop.orders VALUES (1, 10), (2, 20), (3, 30);
CREATE TABLE shop.customers (id INT PRIMARY KEY, name VARCHAR(40)) ENGINE=InnoDB;
INSERT INTO shop.customers VALUES (1, 'ada'), (2, 'grace');
CREATE DATABASE crm;
CREATE TABLE crm.contacts (id INT PRIMARY KEY) ENGINE=InnoDB;
INSERT INTO crm.contacts VALUES (7);
`;

interface Run {
  readonly code: number;
  readonly output: string;
}

describeWithMariaDb('restore drill checks (drill-check.sh) on a real MariaDB', (tools) => {
  describeWithPushgateway('pushing to a real Pushgateway', (pushgatewayBin) => {
    let server: MariaDbServer;
    let gateway: Pushgateway;
    let work: string;
    let clockDir: string;

    beforeAll(async () => {
      server = await startMariaDb(tools);
      gateway = await startPushgateway(pushgatewayBin);
      work = fs.mkdtempSync(path.join(os.tmpdir(), 'stash-pxc-drill-check-'));
      server.sql(SOURCE);
      const dump = execFileSync(tools.dump, ['--no-defaults', `--socket=${server.socket}`, '-uroot', '--databases', 'shop', 'crm'], { encoding: 'utf8' });
      server.sql('DROP DATABASE shop; DROP DATABASE crm;');
      server.sql(dump);
      server.sql(`CREATE USER 'drill'@'127.0.0.1' IDENTIFIED BY '${PASSWORD.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'; GRANT ALL ON *.* TO 'drill'@'127.0.0.1';`);
      // A clock the timeline below sets: `date +%s` answers DRILL_TEST_NOW, anything else is date's.
      clockDir = path.join(work, 'clock');
      fs.mkdirSync(clockDir);
      fs.writeFileSync(path.join(clockDir, 'date'),
        '#!/bin/bash\nif [ "$1" = "+%s" ] && [ -n "${DRILL_TEST_NOW:-}" ]; then echo "$DRILL_TEST_NOW"; else exec /usr/bin/date "$@"; fi\n', { mode: 0o755 });
    }, 90_000);

    afterAll(async () => {
      await gateway?.stop();
      await server?.stop();
      if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    const PASSING_STATE = { 'restore.phase': 'Succeeded', 'restore.seconds': '42', 'server.ready': 'true', 'server.seconds': '3' };

    /**
     * Runs drill-check.sh as the drill's check container would, with its own state directory
     * and TMPDIR; fails the test when the run leaves a file behind or prints the password.
     */
    function check(drill: string, options: { state?: { [file: string]: string }; env?: { [name: string]: string }; files?: { [name: string]: string }; now?: number } = {}): Run {
      const dir = fs.mkdtempSync(path.join(work, `${drill}-`));
      const state = path.join(dir, 'state');
      const tmp = path.join(dir, 'tmp');
      fs.mkdirSync(state);
      fs.mkdirSync(tmp);
      for (const [file, text] of Object.entries(options.state ?? PASSING_STATE)) fs.writeFileSync(path.join(state, file), `${text}\n`);
      const env: { [name: string]: string } = {
        PATH: `${options.now !== undefined ? `${clockDir}:` : ''}${process.env.PATH}`,
        TMPDIR: tmp,
        DRILL_STATE_DIR: state,
        MYSQL_HOST: '127.0.0.1',
        MYSQL_PORT: String(server.port),
        MYSQL_USER: 'drill',
        MYSQL_PWD: PASSWORD,
        PUSHGATEWAY_URL: gateway.url,
        DRILL_NAMESPACE: 'shop',
        DATABASE_NAME: 'orders',
        DRILL_NAME: drill,
        ...(options.now !== undefined ? { DRILL_TEST_NOW: String(options.now) } : {}),
      };
      for (const [name, text] of Object.entries(options.files ?? {})) {
        fs.writeFileSync(path.join(dir, name), text);
        env[name === 'rules.txt' ? 'DRILL_RULES_FILE' : 'DRILL_SQL_FILE'] = path.join(dir, name);
      }
      Object.assign(env, options.env ?? {});
      const run = spawnSync('bash', [SCRIPT], { env, encoding: 'utf8', timeout: 60_000 });
      const output = `${run.stdout}${run.stderr}`;
      expect({ drill, leftInTmp: fs.readdirSync(tmp) }).toEqual({ drill, leftInTmp: [] });
      expect(output.includes(PASSWORD)).toBe(false);
      fs.rmSync(dir, { recursive: true, force: true });
      return { code: run.status ?? -1, output };
    }

    /** The drill's series on the Pushgateway, by name (with the check or phase label when it has one). */
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

    function failedChecks(series: { [series: string]: number }): { [check: string]: number } {
      return Object.fromEntries(CHECKS.map((c) => [c, series[`failed_check{check=${c}}`]]));
    }

    test(`a passing drill pushes success, the last success, the phase durations and the restored size (Pushgateway ${pushgatewayVersion(pushgatewayBin)})`, async () => {
      const before = Math.floor(Date.now() / 1000);
      const run = check('passing', {
        env: { DRILL_SCHEMAS: 'shop crm', DRILL_TABLES: 'shop.orders crm.contacts' },
        files: { 'rules.txt': '# orders are never deleted\nshop orders >= 3\nshop customers == 2\n\ncrm contacts != 0\n', 'check.sql': 'SELECT SUM(total) = 60 FROM shop.orders;\n' },
      });
      expect(run.code).toBe(0);
      for (const c of CHECKS) expect(run.output).toMatch(new RegExp(`check ${c}: ok`));
      expect(run.output).toMatch(/check tables: ok \(2 checked\)/);
      expect(run.output).toMatch(/check row-counts: ok \(3 rules\)/);

      const series = await pushed('passing');
      expect(series.success).toBe(1);
      expect(series.last_success_timestamp_seconds).toBe(series.last_run_timestamp_seconds);
      expect(series.last_run_timestamp_seconds).toBeGreaterThanOrEqual(before);
      expect(series.last_run_timestamp_seconds).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
      expect(failedChecks(series)).toEqual(Object.fromEntries(CHECKS.map((c) => [c, 0])));
      expect(series['phase_duration_seconds{phase=restore}']).toBe(42);
      expect(series['phase_duration_seconds{phase=server-start}']).toBeGreaterThanOrEqual(3);
      expect(series['phase_duration_seconds{phase=checks}']).toBeGreaterThanOrEqual(0);
      const size = Number(server.sql("SELECT SUM(data_length + index_length) FROM information_schema.tables WHERE table_schema IN ('shop', 'crm')").trim());
      expect(size).toBeGreaterThan(0);
      expect(series.restored_size_bytes).toBe(size);
      // The grouping key: what the alerts join on.
      const sample = (await gateway.samples(`${DRILL_METRIC_PREFIX}success`)).find((s) => s.labels.drill === 'passing') as Sample;
      expect(sample.labels).toEqual({ job: 'stash-pxc-restore-drill', namespace: 'shop', database: 'orders', drill: 'passing', instance: '' });
    });

    test('every table of the user schemas is checked when none is listed', async () => {
      const run = check('all-tables');
      expect(run.code).toBe(0);
      expect(run.output).toMatch(/check schemas: ok \(crm shop\)/);
      expect(run.output).toMatch(/check tables: ok \(3 checked\)/);
      expect(run.output).toMatch(/check row-counts: ok \(no rules\)/);
      expect(run.output).toMatch(/check sql: ok \(no SQL\)/);
    });

    const failures: Array<[string, string, RegExp, Parameters<typeof check>[1]]> = [
      ['a listed table missing from the restore', 'tables', /missing: shop\.refunds/, { env: { DRILL_TABLES: 'shop.orders shop.refunds' } }],
      ['a listed schema missing from the restore', 'schemas', /missing: billing/, { env: { DRILL_SCHEMAS: 'shop billing' } }],
      ['a failed row-count rule', 'row-counts', /shop\.orders has 3 rows, the rule wants >= 1000/, { files: { 'rules.txt': 'shop customers == 2\nshop orders >= 1000\n' } }],
      ['a malformed row-count rule', 'row-counts', /rule on line 1: operator "=~" is not one of/, { files: { 'rules.txt': 'shop orders =~ 3\n' } }],
      ['a rule on a table that is not there', 'row-counts', /shop\.refunds: .*doesn't exist/, { files: { 'rules.txt': 'shop refunds > 0\n' } }],
      ['user SQL returning 0', 'sql', /the SQL returned 0/, { files: { 'check.sql': 'SELECT COUNT(*) FROM shop.orders WHERE total < 0;\n' } }],
      ['user SQL returning false', 'sql', /the SQL returned 0/, { files: { 'check.sql': 'SELECT SUM(total) = 61 FROM shop.orders;\n' } }],
      ['user SQL returning NULL', 'sql', /the SQL returned NULL/, { files: { 'check.sql': 'SELECT MAX(total) FROM shop.orders WHERE id > 99;\n' } }],
      ['user SQL returning no row', 'sql', /the SQL returned no row/, { files: { 'check.sql': 'SELECT id FROM shop.orders WHERE 1 = 0;\n' } }],
      ['user SQL that fails', 'sql', /the SQL failed: .*Unknown column/, { files: { 'check.sql': 'SELECT nope FROM shop.orders;\n' } }],
      ['a server that did not start (server.ready=false)', 'server-start', /the throwaway server did not become ready within 300s/,
        { state: { 'server.ready': 'false', 'server.seconds': '300' } }],
      ['a state directory with a garbled duration', 'restore', /the RestoreSession ended Failed/,
        { state: { 'restore.phase': 'Failed', 'restore.seconds': '12s', 'server.ready': 'true', 'server.seconds': 'soon' } }],
      ['a restore that never finished (restore.phase=Timeout)', 'restore', /the RestoreSession did not finish within its time budget: still Running after 3600s/,
        { state: { ...PASSING_STATE, 'restore.phase': 'Timeout', 'restore.seconds': '3600', 'restore.message': 'still Running after 3600s' } }],
      ['a failed restore', 'restore', /the RestoreSession ended Failed: snapshot not found/,
        { state: { ...PASSING_STATE, 'restore.phase': 'Failed', 'restore.message': 'snapshot not found' } }],
      ['a restore step that wrote no outcome', 'restore', /no restore\.phase/, { state: { 'server.ready': 'true', 'server.seconds': '1' } }],
    ];

    test.each(failures)('%s: success=0 and failed_check names "%s"', async (scenario, failed, reason, options) => {
      const drill = `f-${failures.findIndex((f) => f[0] === scenario)}`;
      const run = check(drill, options);
      expect(run.code).toBe(1);
      expect(run.output).toMatch(new RegExp(`check ${failed}: FAILED: ${reason.source}`));
      expect(run.output).toMatch(new RegExp(`drill FAILED at check ${failed}`));
      const series = await pushed(drill);
      expect(series.success).toBe(0);
      expect(failedChecks(series)).toEqual(Object.fromEntries(CHECKS.map((c) => [c, c === failed ? 1 : 0])));
      // Never succeeded: no last success at all.
      expect(series.last_success_timestamp_seconds).toBeUndefined();
      expect(series.last_run_timestamp_seconds).toBeGreaterThan(0);
    });

    test('a damaged table: CHECK TABLE reports it, and tables fails naming it', async () => {
      server.sql('CREATE DATABASE damaged; CREATE TABLE damaged.t (id INT PRIMARY KEY, v VARCHAR(40)) ENGINE=MyISAM;');
      server.sql(`INSERT INTO damaged.t VALUES ${Array.from({ length: 200 }, (_, i) => `(${i}, 'row ${i}')`).join(', ')}; FLUSH TABLES damaged.t;`);
      // Scribble over the index blocks (past the header) of the table's file on disk.
      const index = path.join(server.dataDir, 'damaged', 't.MYI');
      const fd = fs.openSync(index, 'r+');
      fs.writeSync(fd, Buffer.alloc(2048, 0xa5), 0, 2048, 1024);
      fs.closeSync(fd);
      server.sql('FLUSH TABLES damaged.t;');
      try {
        const run = check('damaged', { env: { DRILL_SCHEMAS: 'damaged' } });
        expect(run.code).toBe(1);
        expect(run.output).toMatch(/check tables: FAILED: CHECK TABLE: damaged\.t: /);
        expect(failedChecks(await pushed('damaged')).tables).toBe(1);
      } finally {
        server.sql('DROP DATABASE damaged;');
      }
    });

    test('CHECK TABLE that runs out of its budget (a table held by a lock): tables fails within the budget', async () => {
      // Another session holds a write lock, so CHECK TABLE waits for it.
      const locker = spawn(tools.client, ['--no-defaults', `--socket=${server.socket}`, '-uroot', '-e', 'LOCK TABLES crm.contacts WRITE; SELECT SLEEP(60);'], { stdio: 'ignore' });
      try {
        await new Promise((r) => setTimeout(r, 1000));
        const started = Date.now();
        const run = check('slow', { env: { DRILL_TABLES: 'shop.orders crm.contacts', DRILL_CHECK_TIMEOUT_SECONDS: '2' } });
        expect(Date.now() - started).toBeLessThan(20_000);
        expect(run.code).toBe(1);
        expect(run.output).toMatch(/check tables: FAILED: CHECK TABLE did not finish within 2s/);
        expect(failedChecks(await pushed('slow')).tables).toBe(1);
      } finally {
        locker.kill('SIGKILL');
      }
    });

    test('a server that does not answer on its port: server-start fails within its budget', async () => {
      const port = await freePort();
      const started = Date.now();
      const run = check('no-answer', { env: { MYSQL_PORT: String(port), DRILL_SERVER_TIMEOUT_SECONDS: '2' } });
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(run.code).toBe(1);
      expect(run.output).toMatch(new RegExp(`check server-start: FAILED: no answer from 127\\.0\\.0\\.1:${port} within 2s`));
      const series = await pushed('no-answer');
      expect(failedChecks(series)['server-start']).toBe(1);
      expect(series['phase_duration_seconds{phase=server-start}']).toBeGreaterThanOrEqual(5);
      expect(series['phase_duration_seconds{phase=checks}']).toBeUndefined();
    });

    test('the mariadb client, and a push over bash /dev/tcp (no curl)', async () => {
      const run = check('no-curl', { env: { DRILL_MYSQL_CLIENT: 'mariadb', DRILL_HTTP_CLIENT: 'bash' } });
      expect(run.code).toBe(0);
      expect(run.output).toMatch(/pushed the report/);
      expect((await pushed('no-curl')).success).toBe(1);
    });

    test('a report that cannot be pushed fails the run (exit 3) after bounded retries; https needs curl', () => {
      const run = check('unpushed', { env: { PUSHGATEWAY_URL: 'https://127.0.0.1:9', DRILL_HTTP_CLIENT: 'bash' } });
      expect(run.code).toBe(3);
      expect(run.output).toMatch(/only plain http:\/\/ works over \/dev\/tcp/);
      expect(run.output).toMatch(/every check passed, but the report was not pushed/);
    });

    // -----------------------------------------------------------------------------------------
    // One drill over time (the clock set per run), and the alerts on what the Pushgateway shows.

    const START = 1_800_000_000; // 2027-01-15T08:00:00Z
    const MINUTE = 60;
    /** What Prometheus would scrape after each run: minute of the run → the drill samples. */
    const timeline: Array<{ minute: number; samples: Sample[] }> = [];

    test('the last success survives a failed run, and a recovered run clears the failed check', async () => {
      await gateway.wipe();
      const at = async (minute: number, drill: string, database: string, options: Parameters<typeof check>[1] = {}) => {
        const run = check(drill, { ...options, now: START + minute * MINUTE, env: { DATABASE_NAME: database, ...(options?.env ?? {}) } });
        timeline.push({ minute, samples: await gateway.samples(DRILL_METRIC_PREFIX) });
        return run;
      };
      expect((await at(0, 'orders-drill', 'orders')).code).toBe(0);
      expect((await at(30, 'orders-drill', 'orders', { files: { 'rules.txt': 'shop orders >= 1000\n' } })).code).toBe(1);
      const afterFailure = await pushed('orders-drill');
      expect(afterFailure.success).toBe(0);
      expect(afterFailure.last_success_timestamp_seconds).toBe(START);
      expect(afterFailure.last_run_timestamp_seconds).toBe(START + 30 * MINUTE);
      expect(failedChecks(afterFailure)['row-counts']).toBe(1);

      expect((await at(120, 'orders-drill', 'orders')).code).toBe(0);
      const recovered = await pushed('orders-drill');
      expect(recovered.success).toBe(1);
      expect(recovered.last_success_timestamp_seconds).toBe(START + 120 * MINUTE);
      expect(Object.values(failedChecks(recovered))).toEqual(CHECKS.map(() => 0));
      // A drill of another database, not watched by the alerts, reports its first run.
      expect((await at(150, 'crm-drill', 'crm', { env: { DRILL_SCHEMAS: 'crm' } })).code).toBe(0);
    });

    describeWithPromtool('drill alerts with promtool, on the series pushed above', (promtool) => {
      const END = 170; // minutes

      /** A scraped sample as a promtool series: honor_labels keeps the pushed labels; an empty label is no label. */
      function seriesOf(s: Sample): string {
        const labels = Object.entries(s.labels).filter(([, v]) => v !== '').sort(([a], [b]) => a.localeCompare(b));
        return `${s.name}{${labels.map(([k, v]) => `${k}="${v}"`).join(', ')}}`;
      }

      /** Per minute 0..END, the value of the latest scrape that has the series ('_' where it has none). */
      function inputSeries(): Array<{ series: string; values: string }> {
        const all = new Map<string, Array<number | undefined>>();
        timeline.forEach(({ samples }, i) => {
          for (const s of samples) {
            const key = seriesOf(s);
            if (!all.has(key)) all.set(key, timeline.map(() => undefined));
            all.get(key)![i] = s.value;
          }
        });
        return [...all.entries()].map(([series, byRun]) => {
          const values: string[] = [];
          for (let m = 0; m <= END; m++) {
            let run = -1;
            timeline.forEach((t, i) => { if (t.minute <= m) run = i; });
            const v = run < 0 ? undefined : byRun[run];
            values.push(v === undefined ? '_' : String(v));
          }
          return { series, values: values.join(' ') };
        });
      }

      test('a failed drill fires (naming the check) and clears; an overdue drill fires and clears; a database without a drill fires until one reports, unless opted out', () => {
        expect(timeline.map((t) => t.minute)).toEqual([0, 30, 120, 150]);
        const chart = new Chart(Testing.app(), 'drills');
        const plan = (database: string) => new PerconaXtraDbBackupPlan(chart, database, {
          database, namespace: 'shop', version: '8.0.36',
          backend: Backend.gcs({ bucket: 'backups', prefix: `shop/${database}` }),
          storageSecretName: 'gcs-secret', schedule: Schedule.cron('0 1 * * *'), retentionPolicy: RetentionPolicy.keepLast(7),
        });
        const alerts = new PerconaXtraDbBackupAlerts(chart, 'alerts', { namespace: 'monitoring' });
        alerts.addPlan(plan('orders'));
        alerts.addPlan(plan('crm'));
        alerts.addPlan(plan('scratch'), { expectRestoreDrill: false });
        // Hourly drills: an interval of 1h, so overdue after 1h30m (× 1.5).
        alerts.addRestoreDrill({ name: 'orders-drill', namespace: 'shop', database: 'orders', scheduleExpression: '0 * * * *' });
        alerts.addRestoreDrill({ name: 'ledger-drill', namespace: 'shop', database: 'ledger', scheduleExpression: '0 * * * *' });
        const rule = Testing.synth(chart).find((o) => o.kind === 'PrometheusRule');

        // Stash's series of the three databases' backups (the operator pushes them, not the drill).
        const backups = ['orders', 'crm', 'scratch'].map((db) => ({
          series: `stash_backup_last_success_time_seconds{driver="Restic", invoker_kind="BackupConfiguration", invoker_name="${db}-backup", job="backupconfiguration-shop-${db}-backup", namespace="shop", repository="${db}-repo"}`,
          values: `${START - 3600}+0x${END}`,
        }));
        const drillLabels = (drill: string, database: string) => ({ database, drill, job: 'stash-pxc-restore-drill', namespace: 'shop', severity: 'warning', tolerance: '1.5' });
        const t = (minute: number, alertname: string, exp: object[]) => ({ eval_time: `${minute}m`, alertname, exp_alerts: exp.map((l) => ({ exp_labels: l })) });
        const missing = { namespace: 'shop', invoker_name: 'crm-backup', database: 'crm', severity: 'warning', tolerance: '1.5' };
        const tests = {
          rule_files: ['rules.yaml'],
          evaluation_interval: '1m',
          tests: [{
            interval: '1m',
            start_timestamp: START,
            input_series: [...inputSeries(), ...backups],
            alert_rule_test: [
              t(29, RestoreDrillAlert.FAILED, []),
              t(31, RestoreDrillAlert.FAILED, [{ ...drillLabels('orders-drill', 'orders'), check: 'row-counts' }]),
              t(119, RestoreDrillAlert.FAILED, [{ ...drillLabels('orders-drill', 'orders'), check: 'row-counts' }]),
              t(121, RestoreDrillAlert.FAILED, []),
              t(89, RestoreDrillAlert.OVERDUE, []),
              // orders: its last success (minute 0) is older than 1h30m; ledger: none in 1h30m.
              t(91, RestoreDrillAlert.OVERDUE, [drillLabels('orders-drill', 'orders'),
                { namespace: 'shop', database: 'ledger', drill: 'ledger-drill', severity: 'warning', tolerance: '1.5' }]),
              t(121, RestoreDrillAlert.OVERDUE, [{ namespace: 'shop', database: 'ledger', drill: 'ledger-drill', severity: 'warning', tolerance: '1.5' }]),
              t(59, RestoreDrillAlert.MISSING, []),
              t(61, RestoreDrillAlert.MISSING, [missing]),
              t(149, RestoreDrillAlert.MISSING, [missing]),
              t(151, RestoreDrillAlert.MISSING, []),
            ],
          }],
        };
        const result = runPromtool(promtool, ['test', 'rules', 'tests.yaml'], {
          'rules.yaml': { groups: rule.spec.groups.map((g: any) => ({ ...g, rules: g.rules.map(({ annotations, ...r }: any) => r) })) },
          'tests.yaml': tests,
        });
        expect(result.output).toMatch(/SUCCESS/);
        expect(result.code).toBe(0);
      });
    });
  });
});
