/**
 * Alerts on every backup: a fleet of databases backed up nightly inside a window, a weekday-only
 * plan, and the alert rules (a PrometheusRule in the monitoring namespace) tied to each
 * database's recovery point objective. One database pages, one has no alerts.
 */
import { App, Chart, Duration } from 'cdk8s';
import {
  Backend, PerconaXtraDbBackupAlerts, PerconaXtraDbBackupFleet, PerconaXtraDbBackupPlan, RetentionPolicy, Schedule, ScheduleWindow,
} from '../src';

export function build(app: App): Chart {
  const chart = new Chart(app, 'backup-alerts');

  const fleet = new PerconaXtraDbBackupFleet(chart, 'fleet', {
    window: ScheduleWindow.daily({ start: '01:00', end: '05:00' }),
    retentionPolicy: RetentionPolicy.keepDaily(7),
    storageSecretName: 'gcs-secret',
    databases: ['orders', 'payments', 'scratch'].map((name) => ({
      name, namespace: 'shop', version: '8.0.36',
      backend: Backend.gcs({ bucket: 'stash-pxc-demo', prefix: `shop/${name}` }),
    })),
  });
  const reports = new PerconaXtraDbBackupPlan(chart, 'reports', {
    namespace: 'analytics', database: 'reports', version: '8.0.36',
    backend: Backend.gcs({ bucket: 'stash-pxc-demo', prefix: 'analytics/reports' }),
    storageSecretName: 'gcs-secret',
    schedule: Schedule.cron('0 1 * * 1-5'),
    retentionPolicy: RetentionPolicy.keepLast(10),
  });

  const alerts = new PerconaXtraDbBackupAlerts(chart, 'alerts', {
    namespace: 'monitoring',
    labels: { release: 'prometheus' },
    pausedLimit: Duration.hours(12),
  });
  alerts.addFleet(fleet);
  alerts.addPlan(reports, { tolerance: 1.2 });
  alerts.addBackup(fleet.plans[1].backup, { severity: 'critical', labels: { team: 'payments' } });
  alerts.addBackup(fleet.plans[2].backup, { enabled: false });

  return chart;
}
