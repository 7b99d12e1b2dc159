/**
 * The backup dashboard: built with the Grafana Foundation SDK (its types check the model at
 * compile time); every query names only metrics Stash pushes (docs/monitoring.md) or the RPO
 * series of the alerts; and it is what the ConfigMap carries.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import {
  backupDashboardJson, backupDashboardModel, BackupDashboard, DRILL_INTERVAL_SERIES, DRILL_METRIC_PREFIX, DRILL_OPT_OUT_SERIES, GRAFANA_DASHBOARD_LABEL,
  LAST_SUCCESS_SERIES,  RPO_SERIES, ServingCertificates, StashOperator,
} from '../../src';
import { validateWithModels } from '../support/kubernetes-models';
import { REPO_ROOT } from '../support/reference';

/** The metrics the drill's check script pushes, read from the script itself. */
const DRILL_METRICS = [...new Set([...fs.readFileSync(path.join(REPO_ROOT, 'src', 'database', 'restores', 'drill', 'drill-check.sh'), 'utf8')
  .matchAll(/%s_([a-z_]+)/g)].map((m) => `${DRILL_METRIC_PREFIX}${m[1]}`))].sort();
const SERIES = [RPO_SERIES, LAST_SUCCESS_SERIES, DRILL_INTERVAL_SERIES, DRILL_OPT_OUT_SERIES];

/** The metric families Stash's Pushgateway metrics consist of (legacy names), by stashed/apimachinery pkg/metrics. */
const STASH_METRICS = [
  'stash_backup_session_success', 'stash_backup_session_duration_seconds', 'stash_backup_target_count_total', 'stash_backup_last_success_time_seconds',
  'stash_backup_target_success', 'stash_backup_target_host_count_total', 'stash_backup_target_last_success_time_seconds',
  'stash_backup_host_backup_success', 'stash_backup_host_backup_duration_seconds', 'stash_backup_host_data_size_bytes', 'stash_backup_host_data_uploaded_bytes',
  'stash_backup_host_data_processing_time_seconds', 'stash_backup_host_files_total', 'stash_backup_host_files_new', 'stash_backup_host_files_modified', 'stash_backup_host_files_unmodified',
  'stash_repository_integrity', 'stash_repository_size_bytes', 'stash_repository_snapshot_count', 'stash_repository_snapshot_cleaned',
  'stash_restore_session_success', 'stash_restore_session_duration_seconds', 'stash_restore_target_count_total', 'stash_restore_target_success',
  'stash_restore_target_host_count_total', 'stash_restore_host_restore_success', 'stash_restore_host_restore_duration_seconds',
];
/** Labels Stash's metrics carry, and the ones the RPO series adds. */
const LABELS = ['namespace', 'invoker_kind', 'invoker_name', 'driver', 'repository', 'kind', 'group', 'name', 'hostname', 'backend', 'bucket', 'prefix', 'job', 'database', 'severity', 'tolerance',
  'drill', 'check', 'phase'];
const KEYWORDS = ['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right'];

/** The metric names a PromQL expression reads: identifiers that are not functions, keywords or label names. */
function metricsOf(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // strings
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\b(sum|min|max|avg|group|count|stddev|stdvar|topk|bottomk|quantile|count_values)\s+(by|without)\s*\([^)]*\)\s*\(/g, '$1(') // `group by (...) (...)`
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '$1'); // label lists
  // Whole identifiers not followed by "(" (a function call); numbers (1e9, 0x1f) are not names.
  const names = [...bare.matchAll(/(?<![\w:.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)].filter((m) => !m[2]).map((m) => m[1]);
  return names.filter((n) => !KEYWORDS.includes(n));
}

function targetsOf(model: any): Array<{ panel: string; expr: string }> {
  return model.panels.flatMap((p: any) => (p.targets ?? []).map((t: any) => ({ panel: p.title, expr: t.expr })));
}

describe('backup dashboard', () => {
  const model = backupDashboardModel() as any;

  test('every panel query names only Stash\'s metrics, the drills\' metrics and the alerts\' series', () => {
    const targets = targetsOf(model);
    expect(targets.length).toBeGreaterThan(10);
    expect(DRILL_METRICS).toEqual([
      'stash_pxc_restore_drill_failed_check', 'stash_pxc_restore_drill_last_run_timestamp_seconds', 'stash_pxc_restore_drill_last_success_timestamp_seconds',
      'stash_pxc_restore_drill_phase_duration_seconds', 'stash_pxc_restore_drill_restored_size_bytes', 'stash_pxc_restore_drill_success',
    ]);
    const unknown = targets.flatMap(({ panel, expr }) => metricsOf(expr).filter((m) => !STASH_METRICS.includes(m) && !DRILL_METRICS.includes(m) && !SERIES.includes(m))
      .map((m) => `${panel}: ${m}`));
    expect(unknown).toEqual([]);
    // The variables too.
    for (const v of model.templating.list.filter((x: any) => x.type === 'query')) {
      expect(metricsOf(v.query.replace(/^label_values\((.*),\s*\w+\)$/, '$1'))).toEqual([RPO_SERIES]);
    }
    // Label names used in matchers and joins are ones the series carry.
    const labels = targets.flatMap(({ expr }) => [...expr.matchAll(/([a-z_]+)=~?"/g)].map((m) => m[1]));
    expect(labels.filter((l) => !LABELS.includes(l))).toEqual([]);
  });

  test('the extractor sees a metric it does not know', () => {
    expect(metricsOf('time() - stash_backup_last_succes_time_seconds{a="b"} > on (namespace) x:y')).toEqual(['stash_backup_last_succes_time_seconds', 'x:y']);
    expect(metricsOf('count(group by (namespace) (a:b) unless on (namespace) c)')).toEqual(['a:b', 'c']);
  });

  test('per database: age against RPO, duration, size, uploaded bytes, failures; a fleet table sorted by headroom', () => {
    const exprs = targetsOf(model).map((t) => t.expr).join('\n');
    // The last success as the alert rules carry it (it survives a Pushgateway restart), never the pushed series.
    expect(exprs).toContain(LAST_SUCCESS_SERIES);
    expect(exprs).not.toContain('stash_backup_last_success_time_seconds');
    for (const metric of ['stash_backup_session_duration_seconds', 'stash_backup_host_data_size_bytes',
      'stash_backup_host_data_uploaded_bytes', 'stash_backup_session_success', RPO_SERIES]) {
      expect(exprs).toContain(metric);
    }
    const table = model.panels.find((p: any) => p.type === 'table');
    expect(table.targets[0].expr).toMatch(/^sort\(stash_pxc:backup_rpo_seconds - on \(namespace, invoker_name\)/);
    expect(table.options.sortBy).toEqual([{ displayName: 'Value', desc: false }]);
  });

  test('restore drills: failing, overdue, databases without a drill, last success, duration by phase, failures by check, restored size', () => {
    const drillPanels = model.panels.slice(model.panels.findIndex((p: any) => p.type === 'row' && p.title === 'Restore drills') + 1);
    expect(drillPanels.map((p: any) => p.title)).toEqual(['Drills failing', 'Drills overdue', 'Databases without a drill', 'Drills reporting',
      'Last successful drill (oldest first)', 'Drill duration by phase', 'Drill failures', 'Restored size']);
    const exprs = drillPanels.flatMap((p: any) => p.targets.map((t: any) => t.expr)).join('\n');
    for (const metric of DRILL_METRICS.filter((m) => !m.endsWith('last_run_timestamp_seconds'))) expect(exprs).toContain(metric);
    expect(drillPanels.find((p: any) => p.title === 'Drill failures').targets[0].legendFormat).toBe('{{namespace}}/{{drill}} {{check}}');
    expect(drillPanels.find((p: any) => p.title === 'Drill duration by phase').targets[0].legendFormat).toBe('{{namespace}}/{{drill}} {{phase}}');
  });

  test('the ConfigMap carries the JSON with the sidecar label, and validates', async () => {
    const chart = new Chart(Testing.app(), 'test');
    const operator = new StashOperator(chart, 'stash', { certificates: ServingCertificates.certManager(), monitoring: { dashboard: true } });
    expect(operator.dashboard).toBeInstanceOf(BackupDashboard);
    const cm = Testing.synth(chart).find((o) => o.kind === 'ConfigMap' && o.metadata.labels?.[GRAFANA_DASHBOARD_LABEL] === '1');
    expect(JSON.parse(cm.data['stash-pxc-backups.json'])).toEqual(JSON.parse(backupDashboardJson()));
    const [result] = await validateWithModels([cm]);
    expect(result.errors).toEqual([]);
  });
});
