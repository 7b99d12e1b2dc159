/**
 * PerconaXtraDbBackupAlerts: one constant RPO series per database and a handful of fleet-wide
 * alerts; the rules checked and unit-tested with the real promtool, on series named and
 * labelled the way Stash pushes them (docs/monitoring.md).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Duration, Testing } from 'cdk8s';
import {
  Backend, BackupAlert, DRILL_INTERVAL_SERIES, DRILL_OPT_OUT_SERIES, PerconaXtraDbBackupAlerts, PerconaXtraDbBackupBlueprint, PerconaXtraDbBackupFleet, PerconaXtraDbBackupPlan,
  LAST_SUCCESS_SERIES, RestoreDrillAlert, RetentionPolicy, RPO_SERIES, Schedule, ScheduleWindow,
} from '../../../src';
import { synthExample } from '../../../generator/chart/examples';
import { OperatorAlert, ServingCertificates, StashOperator } from '../../../src';
import { validateWithModels } from '../../support/kubernetes-models';
import { REPO_ROOT } from '../../support/reference';
import { describeWithPromtool, promtoolVersion, runPromtool } from '../../support/promtool';

const DAY = 1440; // minutes

function plan(chart: Chart, database: string, schedule: string): PerconaXtraDbBackupPlan {
  return new PerconaXtraDbBackupPlan(chart, database, {
    database, namespace: 'shop', version: '8.0.36',
    backend: Backend.gcs({ bucket: 'backups', prefix: `shop/${database}` }),
    storageSecretName: 'gcs-secret',
    schedule: Schedule.cron(schedule),
    retentionPolicy: RetentionPolicy.keepLast(7),
  });
}

function fleetChart(count: number): { chart: Chart; alerts: PerconaXtraDbBackupAlerts } {
  const chart = new Chart(Testing.app(), 'fleet');
  const fleet = new PerconaXtraDbBackupFleet(chart, 'fleet', {
    window: ScheduleWindow.daily({ start: '01:00', end: '05:00' }),
    retentionPolicy: RetentionPolicy.keepDaily(7),
    storageSecretName: 'gcs-secret',
    databases: Array.from({ length: count }, (_, i) => ({
      name: `pxc-${i}`, namespace: `team-${i % 7}`, version: '8.0.36',
      backend: Backend.gcs({ bucket: 'fleet', prefix: `team-${i % 7}/pxc-${i}` }),
    })),
  });
  const alerts = new PerconaXtraDbBackupAlerts(chart, 'alerts', { namespace: 'monitoring' });
  alerts.addFleet(fleet);
  return { chart, alerts };
}

function ruleOf(chart: Chart): any {
  return Testing.synth(chart).find((o) => o.kind === 'PrometheusRule');
}

function rulesOf(rule: any): any[] {
  return rule.spec.groups.flatMap((g: any) => g.rules);
}

describe('PerconaXtraDbBackupAlerts', () => {
  test('1000 databases: 1000 constant series and a handful of alerts', () => {
    const { chart } = fleetChart(1000);
    const rules = rulesOf(ruleOf(chart));
    const recordings = rules.filter((r) => r.record === RPO_SERIES);
    expect(recordings).toHaveLength(1000);
    // Plus one rule that carries every database's last success forward (Pushgateway restarts).
    expect(rules.filter((r) => r.record && r.record !== RPO_SERIES).map((r) => r.record)).toEqual([LAST_SUCCESS_SERIES]);
    // A spread nightly window: every database has RPO 24h, so one rule per alert; no drill is
    // watched, so of the drill alerts only "no drill at all" is there.
    expect(rules.filter((r) => r.alert).map((r) => r.alert).sort()).toEqual([...Object.values(BackupAlert), RestoreDrillAlert.MISSING].sort());
    expect(recordings[0].expr).toBe('vector(86400)');
  });

  test('per-database options: tolerance, severity, labels and off', () => {
    const chart = new Chart(Testing.app(), 'test');
    const orders = plan(chart, 'orders', '0 1 * * 1-5');
    const payments = plan(chart, 'payments', '0 1 * * *');
    const scratch = plan(chart, 'scratch', '0 1 * * *');
    const alerts = new PerconaXtraDbBackupAlerts(chart, 'alerts', { tolerance: 2 });
    alerts.addPlan(orders);
    alerts.addPlan(payments, { tolerance: 1.2, severity: 'critical', labels: { team: 'payments' } });
    alerts.addPlan(scratch);
    alerts.addPlan(scratch, { enabled: false });
    const rules = rulesOf(ruleOf(chart));
    expect(rules.filter((r) => r.record === RPO_SERIES).map((r) => [r.expr, r.labels])).toEqual([
      ['vector(259200)', { database: 'orders', invoker_name: 'orders-backup', namespace: 'shop', severity: 'warning', tolerance: '2' }],
      ['vector(86400)', { database: 'payments', invoker_name: 'payments-backup', namespace: 'shop', severity: 'critical', team: 'payments', tolerance: '1.2' }],
    ]);
    const tooOld = rules.filter((r) => r.alert === BackupAlert.TOO_OLD).map((r) => r.expr);
    expect(tooOld).toHaveLength(2);
    expect(tooOld[0]).toContain('group_left (database, severity, tolerance, team) (1.2 * stash_pxc:backup_rpo_seconds{tolerance="1.2"})');
    // The absence alert waits RPO × tolerance: one rule per distinct window.
    expect(rules.filter((r) => r.alert === BackupAlert.NEVER_SUCCEEDED).map((r) => r.for)).toEqual(['28h48m', '144h']);
    for (const r of rules.filter((x) => x.alert)) {
      expect(r.annotations.summary).toBeTruthy();
      expect(r.annotations.description).toContain(`docs/runbook.md#${r.alert.toLowerCase()}`);
    }
  });

  test('restore drills: an interval series per drill, rules per tolerance and window, opt-outs, and the drill\'s RestoreSession left to the drill alert', () => {
    const chart = new Chart(Testing.app(), 'test');
    const alerts = new PerconaXtraDbBackupAlerts(chart, 'alerts');
    alerts.addPlan(plan(chart, 'orders', '0 1 * * *'));
    alerts.addPlan(plan(chart, 'scratch', '0 1 * * *'), { expectRestoreDrill: false });
    alerts.addRestoreDrill({ name: 'orders-drill', namespace: 'shop', database: 'orders', scheduleExpression: '30 11 * * 6' });
    alerts.addRestoreDrill({ name: 'payments-drill', namespace: 'shop', database: 'payments', scheduleExpression: '0 12 * * *' },
      { tolerance: 2, severity: 'critical', labels: { team: 'payments' } });
    alerts.addRestoreDrill({ name: 'off-drill', namespace: 'shop', database: 'off', scheduleExpression: '0 12 * * *' }, { enabled: false });
    expect(alerts.restoreDrillCount).toBe(2);
    const rules = rulesOf(ruleOf(chart));
    expect(rules.filter((r) => r.record && r.record !== RPO_SERIES && r.record !== LAST_SUCCESS_SERIES).map((r) => [r.record, r.expr, r.labels])).toEqual([
      [DRILL_INTERVAL_SERIES, 'vector(604800)', { namespace: 'shop', database: 'orders', drill: 'orders-drill', severity: 'warning', tolerance: '1.5' }],
      [DRILL_INTERVAL_SERIES, 'vector(86400)', { team: 'payments', namespace: 'shop', database: 'payments', drill: 'payments-drill', severity: 'critical', tolerance: '2' }],
      [DRILL_OPT_OUT_SERIES, 'vector(1)', { namespace: 'shop', database: 'scratch' }],
    ]);
    const failed = rules.filter((r) => r.alert === RestoreDrillAlert.FAILED);
    expect(failed.map((r) => r.expr)).toEqual(['(stash_pxc_restore_drill_failed_check == 1) * on (namespace, database, drill) group_left (severity, tolerance, team) '
      + 'group by (namespace, database, drill, severity, tolerance, team) (stash_pxc:restore_drill_interval_seconds)']);
    const overdue = rules.filter((r) => r.alert === RestoreDrillAlert.OVERDUE);
    // Too old, per tolerance; never succeeded, per interval × tolerance (a week × 1.5 = 252h, a day × 2 = 48h).
    expect(overdue.filter((r) => !r.for).map((r) => r.expr)).toEqual([1.5, 2].map((t) =>
      `time() - stash_pxc_restore_drill_last_success_timestamp_seconds > on (namespace, database, drill) group_left (severity, tolerance, team) (${t} * stash_pxc:restore_drill_interval_seconds{tolerance="${t}"})`));
    expect(overdue.filter((r) => r.for).map((r) => r.for)).toEqual(['48h', '252h']);
    const missing = rules.filter((r) => r.alert === RestoreDrillAlert.MISSING);
    expect(missing).toHaveLength(1);
    expect(missing[0].expr).toMatch(/unless on \(namespace, database\) stash_pxc:restore_drill_opt_out$/);
    expect(missing[0].for).toBe('1h');
    expect(rules.find((r) => r.alert === BackupAlert.RESTORE_FAILED).expr)
      .toMatch(/unless on \(namespace, invoker_name\) label_replace\(stash_pxc:restore_drill_interval_seconds, "invoker_name", "\$1", "drill", "\(\.\+\)"\)$/);
    for (const r of [...failed, ...overdue, ...missing]) expect(r.annotations.runbook_url).toBe(`docs/runbook.md#${r.alert.toLowerCase()}`);

    // No drill expected at all: no "missing" rule.
    const quiet = new Chart(Testing.app(), 'quiet');
    new PerconaXtraDbBackupAlerts(quiet, 'alerts', { expectRestoreDrills: false }).addPlan(plan(quiet, 'orders', '0 1 * * *'));
    expect(rulesOf(ruleOf(quiet)).filter((r) => r.alert && r.alert.startsWith('StashPxcRestoreDrill'))).toEqual([]);
  });

  test('bad drill options are reported at synth time with the field and the fix', () => {
    const chart = new Chart(Testing.app(), 'test');
    const alerts = new PerconaXtraDbBackupAlerts(chart, 'alerts', { restoreDrillMissingFor: Duration.seconds(10) });
    alerts.addPlan(plan(chart, 'orders', '0 1 * * *'));
    alerts.addRestoreDrill({ name: 'nowhere', database: 'orders', scheduleExpression: '0 1 * * 6' });
    alerts.addRestoreDrill({ name: 'loose', namespace: 'shop', database: 'orders', scheduleExpression: '0 1 * * 6' }, { tolerance: 0.5, labels: { check: 'x' } });
    expect(() => Testing.synth(chart)).toThrow(/restoreDrills\[nowhere\]: has no namespace, and its metrics always carry one. Fix: give the drill \(or its chart\) a namespace/);
    expect(() => Testing.synth(chart)).toThrow(/restoreDrills\[loose\].tolerance: 0.5 is below 1. Fix: set a factor of at least 1/);
    expect(() => Testing.synth(chart)).toThrow(/restoreDrills\[loose\].labels: "check" is a label of the drill's own metrics/);
    expect(() => Testing.synth(chart)).toThrow(/restoreDrillMissingFor: is shorter than a minute/);
  });

  test('a blueprint: listed databases get their series; otherwise series come from the reported sessions', () => {
    const chart = new Chart(Testing.app(), 'test');
    const blueprint = new PerconaXtraDbBackupBlueprint(chart, 'bp', {
      name: 'pxc-nightly', backend: Backend.gcs({ bucket: 'backups', prefix: 'stash/${TARGET_NAMESPACE}/${TARGET_NAME}' }),
      storageSecretName: 's', schedule: Schedule.cron('0 2 * * *'), retentionPolicy: RetentionPolicy.keepLast(5),
    });
    const listed = new PerconaXtraDbBackupAlerts(chart, 'listed');
    listed.addBlueprint(blueprint, { databases: [{ namespace: 'shop', name: 'orders' }] });
    const derived = new PerconaXtraDbBackupAlerts(chart, 'derived', { name: 'derived' });
    derived.addBlueprint(blueprint, { severity: 'critical' });
    const [a, b] = Testing.synth(chart).filter((o) => o.kind === 'PrometheusRule').map((o) => rulesOf(o).filter((r) => r.record === RPO_SERIES));
    expect(a).toEqual([{ record: RPO_SERIES, expr: 'vector(86400)', labels: { database: 'orders', invoker_name: 'app-orders', namespace: 'shop', severity: 'warning', tolerance: '1.5' } }]);
    expect(b[0].expr).toContain('86400 * group by (namespace, invoker_name) (stash_backup_session_success{invoker_kind="BackupConfiguration", invoker_name=~"app-.+"})');
  });

  test('a database that overrides the blueprint\'s schedule gets the RPO of the schedule it runs on', () => {
    const build = () => {
      const chart = new Chart(Testing.app(), 'test');
      const blueprint = new PerconaXtraDbBackupBlueprint(chart, 'bp', {
        name: 'pxc-nightly', backend: Backend.gcs({ bucket: 'backups', prefix: 'stash/${TARGET_NAMESPACE}/${TARGET_NAME}' }),
        storageSecretName: 's', schedule: Schedule.cron('0 2 * * *'), retentionPolicy: RetentionPolicy.keepLast(5),
      });
      // reports runs weekly (its annotation says so).
      blueprint.annotationsFor({ schedule: Schedule.cron('0 3 * * 0'), databaseName: 'reports', databaseNamespace: 'shop' });
      return { chart, blueprint };
    };
    const listed = build();
    expect(listed.blueprint.rpoFor({ namespace: 'shop', name: 'reports' }).toDays()).toBe(7);
    expect(listed.blueprint.rpoFor({ namespace: 'shop', name: 'orders' }).toDays()).toBe(1);
    // archive's own schedule is told in the alert options.
    new PerconaXtraDbBackupAlerts(listed.chart, 'alerts').addBlueprint(listed.blueprint, {
      databases: [{ namespace: 'shop', name: 'orders' }, { namespace: 'shop', name: 'reports' }, { namespace: 'shop', name: 'archive', schedule: Schedule.cron('0 4 1 * *') }],
    });
    expect(rulesOf(ruleOf(listed.chart)).filter((r) => r.record === RPO_SERIES).map((r: any) => [r.labels.database, r.expr])).toEqual([
      ['archive', 'vector(2678400)'], ['orders', 'vector(86400)'], ['reports', 'vector(604800)'],
    ]);
    // Derived from the sessions, except the database with its own schedule, watched by name.
    const derived = build();
    new PerconaXtraDbBackupAlerts(derived.chart, 'alerts').addBlueprint(derived.blueprint);
    const b = rulesOf(ruleOf(derived.chart)).filter((r) => r.record === RPO_SERIES);
    expect(b.map((r: any) => r.labels.database ?? 'derived')).toEqual(['reports', 'derived']);
    expect(b[0].expr).toBe('vector(604800)');
    expect(b[1].expr).toContain('unless on (namespace, invoker_name) (label_replace(label_replace(vector(1), "namespace", "shop", "", ""), "invoker_name", "app-reports", "", ""))');
  });

  test('addPlan and addFleet watch the plans\' restore drills too', () => {
    const chart = new Chart(Testing.app(), 'test');
    const drilled = new PerconaXtraDbBackupPlan(chart, 'orders', {
      database: 'orders', namespace: 'shop', version: '8.0.36', backend: Backend.gcs({ bucket: 'backups', prefix: 'shop/orders' }),
      storageSecretName: 'gcs-secret', schedule: Schedule.cron('0 1 * * *'), retentionPolicy: RetentionPolicy.keepLast(7), drill: {},
    });
    const alerts = new PerconaXtraDbBackupAlerts(chart, 'alerts');
    alerts.addPlan(drilled, { severity: 'critical' });
    expect(alerts.restoreDrillCount).toBe(1);
    const interval = rulesOf(ruleOf(chart)).filter((r) => r.record === DRILL_INTERVAL_SERIES);
    expect(interval.map((r: any) => [r.labels.drill, r.labels.severity])).toEqual([['orders-drill', 'critical']]);
  });

  test('bad options are reported at synth time with the field and the fix', () => {
    const chart = new Chart(Testing.app(), 'test');
    const alerts = new PerconaXtraDbBackupAlerts(chart, 'alerts', { tolerance: 0.5, sizeDropRatio: 2 });
    alerts.addPlan(plan(chart, 'orders', '0 1 * * *'), { labels: { 'bad-name': 'x', severity: 'x' } });
    expect(() => Testing.synth(chart)).toThrow(/tolerance: 0.5 is out of range. Fix: set a factor of at least 1/);
    expect(() => Testing.synth(chart)).toThrow(/sizeDropRatio/);
    expect(() => Testing.synth(chart)).toThrow(/"bad-name" is not a label name/);
    expect(() => Testing.synth(chart)).toThrow(/"severity" is not a label name/);
    const twice = new Chart(Testing.app(), 'twice');
    const orders = plan(twice, 'orders', '0 1 * * *');
    new PerconaXtraDbBackupAlerts(twice, 'a').addPlan(orders);
    new PerconaXtraDbBackupAlerts(twice, 'b', { name: 'b' }).addPlan(orders);
    expect(() => Testing.synth(twice)).toThrow(/BackupConfiguration shop\/orders-backup is also watched by twice\/a.*Fix: add each database to one PerconaXtraDbBackupAlerts only/);
    const empty = new Chart(Testing.app(), 'empty');
    new PerconaXtraDbBackupAlerts(empty, 'alerts');
    expect(() => Testing.synth(empty)).toThrow(/databases: none is watched/);
  });

  test('docs/runbook.md has a section for every alert, with meaning, first checks and commands', () => {
    const runbook = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'runbook.md'), 'utf8');
    const sections = new Map(runbook.split(/^## /m).slice(1).map((s) => [s.split('\n')[0].trim(), s]));
    for (const alert of [...Object.values(BackupAlert), ...Object.values(RestoreDrillAlert), ...Object.values(OperatorAlert)]) {
      expect({ alert, section: sections.has(alert) }).toEqual({ alert, section: true });
      expect(sections.get(alert)).toMatch(/\*\*Meaning\.\*\*[\s\S]*\*\*First checks\.\*\*[\s\S]*\*\*Commands\.\*\*[\s\S]*```sh/);
    }
  });

  test('the PrometheusRule conforms to the Prometheus Operator schema', async () => {
    const { chart } = fleetChart(3);
    const [result] = await validateWithModels([ruleOf(chart)]);
    expect(result.model).toMatch(/PrometheusRule/);
    expect(result.errors).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// promtool: the rules as Prometheus evaluates them.

/** Labels Prometheus adds when it scrapes the Pushgateway through the chart's ServiceMonitor. */
const SCRAPE = { endpoint: 'pushgateway', service: 'stash', pod: 'stash-7d9f8b6c5-x2x4z', container: 'pushgateway', instance: '10.0.0.5:56789' };

/** The labels of a backup session series for BackupConfiguration `<db>-backup` (pushed by the operator). */
function sessionLabels(db: string, namespace = 'shop'): { [k: string]: string } {
  return {
    ...SCRAPE,
    job: `backupconfiguration-${namespace}-${db}-backup`,
    namespace, invoker_kind: 'BackupConfiguration', invoker_name: `${db}-backup`, driver: 'Restic', repository: `${db}-repo`,
  };
}

/** Host series (pushed by the backup Job's update-status step, job = the invoker's name). */
function hostLabels(db: string): { [k: string]: string } {
  return { ...sessionLabels(db), job: `${db}-backup`, group: 'kubedb.com', kind: 'perconaxtradbs', name: db, hostname: 'host-0' };
}

/** Repository series (pushed after a successful backup; name/namespace are the Repository's). */
function repositoryLabels(db: string): { [k: string]: string } {
  return { ...sessionLabels(db), job: `${db}-backup`, name: `${db}-repo`, backend: 'gcs', bucket: 'backups', prefix: `shop/${db}` };
}

function series(name: string, labels: { [k: string]: string }, values: string): { series: string; values: string } {
  const body = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(', ');
  return { series: `${name}{${body}}`, values };
}

/**
 * Values for minutes 0..end-1 in promtool's notation, from [startMinute, value] steps (null:
 * no sample, the series does not exist yet).
 */
function steps(end: number, changes: Array<[number, number | null]>): string {
  const parts: string[] = [];
  changes.forEach(([start, value], i) => {
    const n = (i + 1 < changes.length ? changes[i + 1][0] : end) - start;
    if (n <= 0) return;
    parts.push(value === null ? `_x${n}` : `${value}+0x${n - 1}`);
  });
  return parts.join(' ');
}

/** A daily backup at 00:00 that succeeds at 00:05 every day from day 0. */
function dailySuccesses(end: number): Array<[number, number | null]> {
  const out: Array<[number, number | null]> = [[0, null]];
  for (let day = 0; day * DAY + 5 < end; day++) out.push([day * DAY + 5, (day * DAY + 5) * 60]);
  return out;
}

const END = 6 * DAY;
/** The labels of an alert on a series: the series' own and those copied from the RPO series. */
const ALERT = (labels: { [k: string]: string }, extra: { [k: string]: string }) => ({ ...labels, ...extra });
const daily = { severity: 'warning', tolerance: '1.5' };

/** The scenario: one database per behaviour, all in namespace `shop`. */
function scenario(): { rule: any; inputSeries: any[] } {
  const chart = new Chart(Testing.app(), 'scenario');
  const alerts = new PerconaXtraDbBackupAlerts(chart, 'alerts', { namespace: 'monitoring', pausedLimit: Duration.hours(12) });
  for (const db of ['orders', 'billing', 'inventory', 'audit', 'ledger', 'archive']) alerts.addPlan(plan(chart, db, '0 0 * * *'));
  alerts.addPlan(plan(chart, 'reports', '0 1 * * 1-5'));
  alerts.addPlan(plan(chart, 'payments', '0 0 * * *'), { severity: 'critical', labels: { team: 'payments' } });
  alerts.addPlan(plan(chart, 'scratch', '0 0 * * *'), { enabled: false });

  const healthy = (db: string) => [
    series('stash_backup_last_success_time_seconds', sessionLabels(db), steps(END, dailySuccesses(END))),
    series('stash_backup_session_success', sessionLabels(db), steps(END, [[0, null], [5, 1]])),
    series('stash_backup_host_data_size_bytes', hostLabels(db), steps(END, [[0, null], [5, 1e9]])),
    series('stash_repository_integrity', repositoryLabels(db), steps(END, [[0, null], [5, 1]])),
  ];
  const inputSeries = [
    ...healthy('orders'),
    // billing: one success at 00:05 on day 0, then nothing (the CronJob stopped, say).
    series('stash_backup_last_success_time_seconds', sessionLabels('billing'), steps(END, [[0, null], [5, 300]])),
    series('stash_backup_session_success', sessionLabels('billing'), steps(END, [[0, null], [5, 1]])),
    // inventory: succeeds on day 0, fails on day 1 (only the success gauge is pushed, as 0).
    series('stash_backup_last_success_time_seconds', sessionLabels('inventory'), steps(END, [[0, null], [5, 300]])),
    series('stash_backup_session_success', sessionLabels('inventory'), steps(END, [[0, null], [5, 1], [DAY + 5, 0]])),
    // audit: nothing, ever. ledger: ran once, then paused (its CronJob suspended).
    series('stash_backup_last_success_time_seconds', sessionLabels('ledger'), steps(END, [[0, null], [5, 300]])),
    series('kube_cronjob_spec_suspend', { job: 'kube-state-metrics', instance: '10.0.0.9:8080', namespace: 'shop', cronjob: 'stash-trigger-ledger-backup' }, steps(END, [[0, 1]])),
    series('kube_cronjob_spec_suspend', { job: 'kube-state-metrics', instance: '10.0.0.9:8080', namespace: 'shop', cronjob: 'stash-trigger-orders-backup' }, steps(END, [[0, 0]])),
    // archive: healthy backups into a repository restic finds damaged.
    ...healthy('archive').filter((s) => !s.series.startsWith('stash_repository_integrity')),
    series('stash_repository_integrity', repositoryLabels('archive'), steps(END, [[0, null], [5, 0]])),
    // reports: weekdays at 01:00 (day 0 is Thursday 1970-01-01): Thursday, Friday, then Monday.
    series('stash_backup_last_success_time_seconds', sessionLabels('reports'),
      steps(END, [[0, null], [65, 65 * 60], [DAY + 65, (DAY + 65) * 60], [4 * DAY + 65, (4 * DAY + 65) * 60], [5 * DAY + 65, (5 * DAY + 65) * 60]])),
    // payments: a 1 GB dump, then a 1 MB one reported as a success on day 1.
    series('stash_backup_last_success_time_seconds', sessionLabels('payments'), steps(END, dailySuccesses(END))),
    series('stash_backup_host_data_size_bytes', hostLabels('payments'), steps(END, [[0, null], [5, 1e9], [DAY + 5, 1e6]])),
    // scratch: failing, but its alerts are off.
    series('stash_backup_session_success', sessionLabels('scratch'), steps(END, [[0, null], [5, 0]])),
    // A failed restore in shop (watched) and one in a namespace without watched databases.
    series('stash_restore_session_success', { ...SCRAPE, job: 'restoresession-shop-orders-restore', namespace: 'shop', invoker_kind: 'RestoreSession', invoker_name: 'orders-restore', driver: 'Restic', repository: 'orders-repo' }, steps(END, [[0, null], [100, 0]])),
    series('stash_restore_session_success', { ...SCRAPE, job: 'restoresession-lab-try-restore', namespace: 'lab', invoker_kind: 'RestoreSession', invoker_name: 'try-restore', driver: 'Restic', repository: 'try-repo' }, steps(END, [[0, null], [100, 0]])),
  ];
  return { rule: ruleOf(chart), inputSeries };
}

const at = (minute: number) => `${minute}m`;
const db = (name: string) => ({ database: name, ...(name === 'payments' ? { severity: 'critical', tolerance: '1.5', team: 'payments' } : daily) });

/** The labels of a TooOld alert: the carried series' own (namespace, invoker, repository) and the RPO series'. */
function staleAlert(name: string): { [k: string]: string } {
  return { namespace: 'shop', invoker_name: `${name}-backup`, repository: `${name}-repo`, ...db(name) };
}

function alertTests(): any[] {
  const t = (minute: number, alertname: string, expAlerts: any[]) => ({ eval_time: at(minute), alertname, exp_alerts: expAlerts.map((l) => ({ exp_labels: l })) });
  const stale = (name: string) => staleAlert(name);
  const silent = Object.values(BackupAlert).filter((a) => a !== BackupAlert.REPOSITORY_INTEGRITY).map((alert) => t(60, alert, []));
  return [
    // Nothing fires in the first hour: every series is young or on time (the restore fails at 100m).
    ...silent,
    // A healthy daily backup fires nothing, days later.
    ...[BackupAlert.TOO_OLD, BackupAlert.FAILED, BackupAlert.SIZE_DROPPED, BackupAlert.NEVER_SUCCEEDED].map((a) => t(3 * DAY + 720, a,
      a === BackupAlert.TOO_OLD ? ['billing', 'inventory', 'ledger'].map(stale)
        : a === BackupAlert.FAILED ? [ALERT(sessionLabels('inventory'), db('inventory'))]
          : a === BackupAlert.NEVER_SUCCEEDED ? [{ ...db('audit'), namespace: 'shop', invoker_name: 'audit-backup' }] : [])),
    // A missed daily backup (last success 00:05) fires after 1.5 × 24h = 36h05m, not before.
    t(36 * 60 + 4, BackupAlert.TOO_OLD, []),
    t(36 * 60 + 6, BackupAlert.TOO_OLD, ['billing', 'inventory', 'ledger'].map(stale)),
    // The weekday-only backup: on Sunday 23:00, 70h after Friday's, nothing (its RPO is 72h).
    t(3 * DAY + 23 * 60, BackupAlert.TOO_OLD, ['billing', 'inventory', 'ledger'].map(stale)),
    // A size drop fires at the next evaluation, and clears a window later.
    t(DAY + 10, BackupAlert.SIZE_DROPPED, [ALERT(hostLabels('payments'), db('payments'))]),
    t(2 * DAY + 10, BackupAlert.SIZE_DROPPED, []),
    // A failure fires; the one whose alerts are off does not.
    t(DAY + 10, BackupAlert.FAILED, [ALERT(sessionLabels('inventory'), db('inventory'))]),
    // No success ever: fires 36h after the rules appeared, not before.
    t(36 * 60 - 1, BackupAlert.NEVER_SUCCEEDED, []),
    t(36 * 60 + 1, BackupAlert.NEVER_SUCCEEDED, [{ ...db('audit'), namespace: 'shop', invoker_name: 'audit-backup' }]),
    // Paused: fires after its 12h limit, not before.
    t(12 * 60 - 1, BackupAlert.PAUSED, []),
    t(12 * 60 + 1, BackupAlert.PAUSED, [{
      ...db('ledger'), job: 'kube-state-metrics', instance: '10.0.0.9:8080', namespace: 'shop', cronjob: 'stash-trigger-ledger-backup', invoker_name: 'ledger-backup',
    }]),
    t(10, BackupAlert.REPOSITORY_INTEGRITY, [ALERT(repositoryLabels('archive'), db('archive'))]),
    t(110, BackupAlert.RESTORE_FAILED, [{
      ...SCRAPE, job: 'restoresession-shop-orders-restore', namespace: 'shop', invoker_kind: 'RestoreSession', invoker_name: 'orders-restore', driver: 'Restic', repository: 'orders-repo', severity: 'warning',
    }]),
  ];
}

/** A blueprint's rules whose series come from the reported sessions. */
function blueprintRule(): any {
  const chart = new Chart(Testing.app(), 'blueprint');
  const blueprint = new PerconaXtraDbBackupBlueprint(chart, 'bp', {
    name: 'pxc-nightly', backend: Backend.gcs({ bucket: 'backups', prefix: 'stash/${TARGET_NAMESPACE}/${TARGET_NAME}' }),
    storageSecretName: 's', schedule: Schedule.cron('0 2 * * *'), retentionPolicy: RetentionPolicy.keepLast(5),
  });
  new PerconaXtraDbBackupAlerts(chart, 'alerts').addBlueprint(blueprint, { labels: { team: 'platform' } }, 'backups');
  return ruleOf(chart);
}

/** The rule file promtool reads: the PrometheusRule's spec, with annotations optionally dropped. */
function ruleFile(rule: any, annotations: boolean): any {
  return { groups: rule.spec.groups.map((g: any) => ({ ...g, rules: g.rules.map((r: any) => (annotations ? r : { ...r, annotations: undefined })) })) };
}

describeWithPromtool('backup alert rules with promtool', (promtool) => {
  test(`promtool (${promtoolVersion(promtool)}) accepts every emitted rule file: the example and a 500-database fleet`, () => {
    const files: { [name: string]: unknown } = {
      'example.yaml': ruleFile(synthExample('backup-alerts').find((o) => o.kind === 'PrometheusRule'), true),
      'fleet.yaml': ruleFile(ruleOf(fleetChart(500).chart), true),
      'scenario.yaml': ruleFile(scenario().rule, true),
      'blueprint.yaml': ruleFile(blueprintRule(), true),
    };
    const result = runPromtool(promtool, ['check', 'rules', ...Object.keys(files)], files);
    // 500 constant series, the carried last success and 8 alerts (every database has the same RPO and tolerance).
    expect(result.output).toMatch(/fleet.yaml\n\s*SUCCESS: 509 rules found/);
    expect(result.code).toBe(0);
  });

  test('unit tests: healthy, missed, weekday-only, size drop, failure, absence, paused, integrity, restore', () => {
    const { rule, inputSeries } = scenario();
    const tests = {
      rule_files: ['rules.yaml'],
      evaluation_interval: '1m',
      tests: [{ name: 'stash-pxc backups', interval: '1m', input_series: inputSeries, alert_rule_test: alertTests() }],
    };
    const result = runPromtool(promtool, ['test', 'rules', 'tests.yaml'], { 'rules.yaml': ruleFile(rule, false), 'tests.yaml': tests });
    expect(result.output).toMatch(/SUCCESS/);
    expect(result.code).toBe(0);
  });

  test('unit test: the annotations name the database, the namespace, what to check and the runbook section', () => {
    const { rule, inputSeries } = scenario();
    const labels = { ...sessionLabels('inventory'), ...db('inventory') };
    const tests = {
      rule_files: ['rules.yaml'],
      evaluation_interval: '1m',
      tests: [{
        interval: '1m',
        input_series: inputSeries,
        alert_rule_test: [{
          eval_time: at(DAY + 10),
          alertname: BackupAlert.FAILED,
          exp_alerts: [{
            exp_labels: labels,
            exp_annotations: {
              summary: 'The last backup of shop/inventory failed',
              description: 'The last BackupSession of database inventory (BackupConfiguration shop/inventory-backup) failed. Check the session\'s status and the backup Job\'s logs. Runbook: docs/runbook.md#stashpxcbackupfailed.',
              runbook_url: 'docs/runbook.md#stashpxcbackupfailed',
            },
          }],
        }],
      }],
    };
    const result = runPromtool(promtool, ['test', 'rules', 'tests.yaml'], { 'rules.yaml': ruleFile(rule, true), 'tests.yaml': tests });
    expect(result.output).toMatch(/SUCCESS/);
    expect(result.code).toBe(0);
  });

  test('operator-level rules: accepted, and "down" / "backups silent" fire when they should', () => {
    const chart = new Chart(Testing.app(), 'install');
    const operator = new StashOperator(chart, 'stash', {
      certificates: ServingCertificates.certManager(), monitoring: { operator: true, pushgateway: true, alerts: true },
    });
    const operatorRules = ruleFile(operator.alerts!.apiObject.toJson(), true);
    const backups = ruleFile(ruleOf(fleetChart(1).chart), false);
    const check = runPromtool(promtool, ['check', 'rules', 'operator.yaml'], { 'operator.yaml': operatorRules });
    expect(check.output).toMatch(/SUCCESS: 3 rules found/);
    const up = (endpoint: string, values: string) => series('up', { job: 'stash', namespace: 'stash', endpoint, service: 'stash', pod: 'stash-0', instance: '10.0.0.5:1' }, values);
    const tests = {
      rule_files: ['operator.yaml', 'backups.yaml'],
      evaluation_interval: '1m',
      tests: [{
        interval: '1m',
        input_series: [
          up('api', steps(2 * DAY, [[0, 1], [60, 0]])),
          up('pushgateway', steps(2 * DAY, [[0, 1]])),
          // The last push of any backup group at 00:05; the only database's RPO is 24h.
          series('push_time_seconds', { ...SCRAPE, job: 'backupconfiguration-team-0-pxc-0-backup' }, steps(2 * DAY, [[0, null], [5, 300]])),
        ],
        alert_rule_test: [
          { eval_time: '69m', alertname: OperatorAlert.OPERATOR_DOWN, exp_alerts: [] },
          { eval_time: '71m', alertname: OperatorAlert.OPERATOR_DOWN, exp_alerts: [{ exp_labels: { severity: 'critical' } }] },
          { eval_time: '71m', alertname: OperatorAlert.PUSHGATEWAY_DOWN, exp_alerts: [] },
          { eval_time: at(DAY + 4), alertname: OperatorAlert.BACKUPS_SILENT, exp_alerts: [] },
          { eval_time: at(DAY + 6), alertname: OperatorAlert.BACKUPS_SILENT, exp_alerts: [{ exp_labels: { severity: 'critical' } }] },
        ],
      }],
    };
    const stripped = { groups: operatorRules.groups.map((g: any) => ({ ...g, rules: g.rules.map((r: any) => ({ ...r, annotations: undefined })) })) };
    const result = runPromtool(promtool, ['test', 'rules', 'tests.yaml'], { 'operator.yaml': stripped, 'backups.yaml': backups, 'tests.yaml': tests });
    expect(result.output).toMatch(/SUCCESS/);
    expect(result.code).toBe(0);
  });

  test('a Pushgateway restart changes no alert: TooOld still fires on time, nothing fires falsely', () => {
    const chart = new Chart(Testing.app(), 'restart');
    const alerts = new PerconaXtraDbBackupAlerts(chart, 'alerts', { namespace: 'monitoring' });
    for (const name of ['orders', 'billing', 'ledger', 'audit']) alerts.addPlan(plan(chart, name, '0 0 * * *'));
    const end = 5 * DAY;
    // The operator pod is rescheduled at day 2 12:00: the Pushgateway comes back empty, and each
    // series returns only with its database's next push (Stash pushes with POST).
    const restart = 2 * DAY + 720;
    const lost = (changes: Array<[number, number | null]>): Array<[number, number | null]> =>
      [...changes.filter(([m]) => m < restart), [restart, null], ...changes.filter(([m]) => m > restart)];
    const inputSeries = [
      // orders: healthy every day at 00:05, before and after the restart.
      series('stash_backup_last_success_time_seconds', sessionLabels('orders'), steps(end, lost(dailySuccesses(end)))),
      series('stash_backup_session_success', sessionLabels('orders'), steps(end, lost([[0, null], [5, 1]]))),
      // billing: stopped after day 0; already too old when the Pushgateway restarts.
      series('stash_backup_last_success_time_seconds', sessionLabels('billing'), steps(end, lost([[0, null], [5, 300]]))),
      // ledger: stopped after day 1; becomes too old (day 1 00:05 + 36h = day 2 12:05) after the restart.
      series('stash_backup_last_success_time_seconds', sessionLabels('ledger'), steps(end, lost([[0, null], [5, 300], [DAY + 5, (DAY + 5) * 60]]))),
      // audit: healthy until the restart, then its next push comes a day later (day 3 00:05).
      series('stash_backup_last_success_time_seconds', sessionLabels('audit'), steps(end, lost(dailySuccesses(end)))),
    ];
    const t = (minute: number, alertname: string, names: string[]) => ({ eval_time: at(minute), alertname, exp_alerts: names.map((n) => ({ exp_labels: staleAlert(n) })) });
    const quiet = (minute: number, alertname: string) => ({ eval_time: at(minute), alertname, exp_alerts: [] });
    const tests = {
      rule_files: ['rules.yaml'],
      evaluation_interval: '1m',
      tests: [{
        interval: '1m',
        input_series: inputSeries,
        alert_rule_test: [
          t(restart - 10, BackupAlert.TOO_OLD, ['billing']),
          // Right after the restart, billing still fires (from the carried series).
          t(restart + 4, BackupAlert.TOO_OLD, ['billing']),
          // ledger becomes too old 5 minutes after the restart, with no pushed series left: on time.
          t(restart + 6, BackupAlert.TOO_OLD, ['billing', 'ledger']),
          t(3 * DAY + 600, BackupAlert.TOO_OLD, ['billing', 'ledger']),
          // Nothing fires falsely: no absence alert for the lost series, no TooOld for the healthy ones.
          quiet(restart + 10, BackupAlert.NEVER_SUCCEEDED),
          quiet(4 * DAY + 720, BackupAlert.NEVER_SUCCEEDED),
          t(4 * DAY + 720, BackupAlert.TOO_OLD, ['billing', 'ledger']),
        ],
      }],
    };
    const result = runPromtool(promtool, ['test', 'rules', 'tests.yaml'], { 'rules.yaml': ruleFile(ruleOf(chart), false), 'tests.yaml': tests });
    expect(result.output).toMatch(/SUCCESS/);
    expect(result.code).toBe(0);
  });

  test('without the carried series, the same restart would silence TooOld (the test can fail)', () => {
    const chart = new Chart(Testing.app(), 'control');
    const alerts = new PerconaXtraDbBackupAlerts(chart, 'alerts', { namespace: 'monitoring' });
    alerts.addPlan(plan(chart, 'billing', '0 0 * * *'));
    const rule = ruleOf(chart);
    // The rules as they were before: TooOld reading what Stash pushed.
    const rules = rule.spec.groups[0].rules.filter((r: any) => r.record !== LAST_SUCCESS_SERIES).map((r: any) =>
      (r.alert === BackupAlert.TOO_OLD ? { ...r, expr: r.expr.replace(LAST_SUCCESS_SERIES, 'stash_backup_last_success_time_seconds{invoker_kind="BackupConfiguration"}') } : r));
    const restart = 2 * DAY + 720;
    const tests = {
      rule_files: ['rules.yaml'],
      evaluation_interval: '1m',
      tests: [{
        interval: '1m',
        input_series: [series('stash_backup_last_success_time_seconds', sessionLabels('billing'), steps(3 * DAY, [[0, null], [5, 300], [restart, null]]))],
        alert_rule_test: [{ eval_time: at(restart + 10), alertname: BackupAlert.TOO_OLD, exp_alerts: [] }],
      }],
    };
    const result = runPromtool(promtool, ['test', 'rules', 'tests.yaml'], {
      'rules.yaml': ruleFile({ spec: { groups: [{ ...rule.spec.groups[0], rules }] } }, false), 'tests.yaml': tests,
    });
    expect(result.code).toBe(0);
  });

  test('a blueprint database with a weekly schedule of its own is judged by it, not by the blueprint\'s daily RPO', () => {
    const chart = new Chart(Testing.app(), 'override');
    const blueprint = new PerconaXtraDbBackupBlueprint(chart, 'bp', {
      name: 'pxc-nightly', backend: Backend.gcs({ bucket: 'backups', prefix: 'stash/${TARGET_NAMESPACE}/${TARGET_NAME}' }),
      storageSecretName: 's', schedule: Schedule.cron('0 0 * * *'), retentionPolicy: RetentionPolicy.keepLast(5),
    });
    blueprint.annotationsFor({ schedule: Schedule.cron('0 0 * * 4'), databaseName: 'reports', databaseNamespace: 'shop' });
    new PerconaXtraDbBackupAlerts(chart, 'alerts').addBlueprint(blueprint);
    const labels = (db: string) => ({ ...SCRAPE, job: `backupconfiguration-shop-app-${db}`, namespace: 'shop', invoker_kind: 'BackupConfiguration', invoker_name: `app-${db}`, driver: 'Restic', repository: `app-${db}` });
    // Both last succeeded on day 0 (a Thursday) at 00:05; orders is daily, reports weekly.
    const input = ['orders', 'reports'].flatMap((db) => [
      series('stash_backup_last_success_time_seconds', labels(db), steps(4 * DAY, [[0, null], [5, 300]])),
      series('stash_backup_session_success', labels(db), steps(4 * DAY, [[0, null], [5, 1]])),
    ]);
    const tooOld = (db: string) => ({ exp_labels: { namespace: 'shop', invoker_name: `app-${db}`, repository: `app-${db}`, database: db, severity: 'warning', tolerance: '1.5' } });
    const tests = {
      rule_files: ['rules.yaml'],
      evaluation_interval: '1m',
      tests: [{
        interval: '1m',
        input_series: input,
        alert_rule_test: [
          // Day 3: orders (daily) is 3 days old and fires; reports (weekly, RPO 7d) does not.
          { eval_time: at(3 * DAY), alertname: BackupAlert.TOO_OLD, exp_alerts: [tooOld('orders')] },
        ],
      }],
    };
    const result = runPromtool(promtool, ['test', 'rules', 'tests.yaml'], { 'rules.yaml': ruleFile(ruleOf(chart), false), 'tests.yaml': tests });
    expect(result.output).toMatch(/SUCCESS/);
    expect(result.code).toBe(0);
  });

  test('a blueprint without a database list: series derived from the sessions of app-* BackupConfigurations', () => {
    const labels = { ...SCRAPE, job: 'backupconfiguration-backups-app-orders', namespace: 'backups', invoker_kind: 'BackupConfiguration', invoker_name: 'app-orders', driver: 'Restic', repository: 'app-orders' };
    const other = { ...labels, job: 'backupconfiguration-backups-manual', invoker_name: 'manual' };
    const tests = {
      rule_files: ['rules.yaml'],
      evaluation_interval: '1m',
      tests: [{
        interval: '1m',
        input_series: [
          series('stash_backup_session_success', labels, steps(60, [[0, 1], [20, 0]])),
          series('stash_backup_session_success', other, steps(60, [[0, 0]])),
        ],
        alert_rule_test: [
          { eval_time: '10m', alertname: BackupAlert.FAILED, exp_alerts: [] },
          { eval_time: '25m', alertname: BackupAlert.FAILED, exp_alerts: [{ exp_labels: { ...labels, database: 'orders', severity: 'warning', tolerance: '1.5', team: 'platform' } }] },
        ],
      }],
    };
    const result = runPromtool(promtool, ['test', 'rules', 'tests.yaml'], { 'rules.yaml': ruleFile(blueprintRule(), false), 'tests.yaml': tests });
    expect(result.output).toMatch(/SUCCESS/);
    expect(result.code).toBe(0);
  });
});
