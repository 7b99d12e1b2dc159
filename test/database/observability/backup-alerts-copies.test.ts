/**
 * Alerts and RPO of a backup's copies: each copy's BackupConfiguration has its own RPO series
 * and alerts, labelled `copy="<name>"` (the primary's carry no `copy` label); with the real
 * promtool, a stale copy fires its own alert, and only it.
 */
import { Chart, Testing } from 'cdk8s';
import { Backend, BackupAlert, PerconaXtraDbBackupAlerts, PerconaXtraDbBackupPlan, RetentionPolicy, RPO_SERIES, Schedule } from '../../../src';
import { describeWithPromtool, runPromtool } from '../../support/promtool';

const DAY = 1440; // minutes

function scenario(): { chart: Chart; plan: PerconaXtraDbBackupPlan; rules: any[] } {
  const chart = new Chart(Testing.app(), 'copies');
  const plan = new PerconaXtraDbBackupPlan(chart, 'orders', {
    database: 'orders', namespace: 'shop', version: '8.0.36',
    backend: Backend.gcs({ bucket: 'backups', prefix: 'shop/orders' }),
    storageSecretName: 'gcs-secret',
    schedule: Schedule.cron('0 0 * * *'),
    retentionPolicy: RetentionPolicy.keepDaily(7),
    copies: [{ name: 'offsite', backend: Backend.s3({ bucket: 'offsite', prefix: 'shop/orders' }), storageSecretName: 's3-secret' }],
  });
  new PerconaXtraDbBackupAlerts(chart, 'alerts', { namespace: 'monitoring' }).addPlan(plan);
  const rule = Testing.synth(chart).find((o) => o.kind === 'PrometheusRule');
  return { chart, plan, rules: rule.spec.groups.flatMap((g: any) => g.rules) };
}

describe('copies in the backup alerts', () => {
  test('each copy has its RPO series, labelled copy="<name>"; the primary\'s has no copy label', () => {
    const { plan, rules } = scenario();
    const recorded = rules.filter((r) => r.record === RPO_SERIES);
    expect(recorded.map((r) => r.labels)).toEqual([
      { namespace: 'shop', invoker_name: 'orders-backup', database: 'orders', severity: 'warning', tolerance: '1.5' },
      { namespace: 'shop', invoker_name: 'orders-copy-offsite-backup', database: 'orders', copy: 'offsite', severity: 'warning', tolerance: '1.5' },
    ]);
    // The copy runs daily after the primary: the same 24h RPO.
    expect(plan.copies[0].backup.scheduleExpression).toBe('0 1 * * *');
    expect(recorded.map((r) => r.expr)).toEqual(['vector(86400)', 'vector(86400)']);
  });

  test('the alerts carry the copy label from the series, and say which copy', () => {
    const { rules } = scenario();
    const tooOld = rules.find((r) => r.alert === BackupAlert.TOO_OLD);
    expect(tooOld.expr).toContain('group_left (database, severity, tolerance, copy)');
    expect(tooOld.annotations.summary).toContain('{{ with $labels.copy }} (copy {{ . }}){{ end }}');
  });

  test('a copy can be given its own options; "copy" is not an extra label name', () => {
    const chart = new Chart(Testing.app(), 'own');
    const { plan } = scenario();
    const alerts = new PerconaXtraDbBackupAlerts(chart, 'alerts', { namespace: 'monitoring' });
    alerts.addBackup(plan.copies[0].backup, { severity: 'critical', labels: { copy: 'x' } });
    expect(() => Testing.synth(chart)).toThrow(/labels: "copy" is not a label name the alerts can carry/);
  });
});

/** Labels of a session series of BackupConfiguration `invoker` (as the operator pushes them). */
function session(invoker: string): { [k: string]: string } {
  return { job: `backupconfiguration-shop-${invoker}`, instance: '10.0.0.5:56789', namespace: 'shop', invoker_kind: 'BackupConfiguration', invoker_name: invoker, driver: 'Restic', repository: invoker.replace(/-backup$/, '-repo') };
}

function series(name: string, labels: { [k: string]: string }, values: string): { series: string; values: string } {
  return { series: `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(', ')}}`, values };
}

/** A daily success at `minute` past midnight from day 0 to the end (promtool's notation, one sample a minute). */
function dailyAt(minute: number, end: number): string {
  const parts = [`_x${minute + 5}`];
  for (let day = 0; day * DAY + minute + 5 < end; day++) {
    const from = day * DAY + minute + 5;
    const n = Math.min(end, from + DAY) - from;
    parts.push(`${from * 60}+0x${n - 1}`);
  }
  return parts.join(' ');
}

describeWithPromtool('copy alerts with promtool', (promtool) => {
  test('a stale copy fires its own TooOld, a failed copy its own Failed, and the healthy primary nothing', () => {
    const { rules } = scenario();
    const end = 4 * DAY;
    const primary = session('orders-backup');
    const copy = session('orders-copy-offsite-backup');
    const inputSeries = [
      series('stash_backup_last_success_time_seconds', primary, dailyAt(0, end)),
      series('stash_backup_session_success', primary, `_x5 1+0x${end - 6}`),
      // The copy succeeded once, at 01:05 on day 0, then failed every day.
      series('stash_backup_last_success_time_seconds', copy, `_x65 ${65 * 60}+0x${end - 66}`),
      series('stash_backup_session_success', copy, `_x65 1+0x${DAY - 1} 0+0x${end - DAY - 66}`),
    ];
    const labels = (s: { [k: string]: string }, extra: { [k: string]: string }) => ({ ...s, database: 'orders', severity: 'warning', tolerance: '1.5', ...extra });
    const t = (minute: number, alertname: string, expected: any[]) => ({ eval_time: `${minute}m`, alertname, exp_alerts: expected.map((l) => ({ exp_labels: l })) });
    // TooOld reads the carried last success: its own labels are namespace, invoker and repository.
    const carried = (s: { [k: string]: string }) => ({ namespace: s.namespace, invoker_name: s.invoker_name, repository: s.repository });
    const tests = {
      rule_files: ['rules.yaml'],
      evaluation_interval: '1m',
      tests: [{
        name: 'a stale copy', interval: '1m', input_series: inputSeries,
        alert_rule_test: [
          // 1.5 × 24h after the copy's 01:05 success: 37h05m.
          t(37 * 60 + 4, BackupAlert.TOO_OLD, []),
          t(37 * 60 + 6, BackupAlert.TOO_OLD, [labels(carried(copy), { copy: 'offsite' })]),
          t(3 * DAY, BackupAlert.TOO_OLD, [labels(carried(copy), { copy: 'offsite' })]),
          t(DAY + 70, BackupAlert.FAILED, [labels(copy, { copy: 'offsite' })]),
          t(60, BackupAlert.FAILED, []),
        ],
      }],
    };
    const ruleFile = { groups: [{ name: 'copies', rules: rules.map(({ annotations: _a, ...r }) => r) }] };
    const result = runPromtool(promtool, ['test', 'rules', 'tests.yaml'], { 'rules.yaml': ruleFile, 'tests.yaml': tests });
    expect(result.output).toMatch(/SUCCESS/);
    expect(result.code).toBe(0);
  });
});
