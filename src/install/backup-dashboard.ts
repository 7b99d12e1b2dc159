/**
 * The Grafana dashboard of the backups, built with the Grafana Foundation SDK: a fleet view
 * (every database sorted by RPO headroom), per database the age of its last success against
 * its RPO, duration, size and uploaded bytes over time, and failures, and the restore drills
 * (last successful drill, duration trend by phase, failures by check, restored size). It reads
 * Stash's `stash_backup_*` / `stash_repository_*` metrics, the drills' `stash_pxc_restore_drill_*`
 * and the `stash_pxc:*` series of `PerconaXtraDbBackupAlerts`; as a ConfigMap, Grafana's
 * dashboard sidecar loads it.
 */
/// <reference path="./grafana-foundation-sdk.d.ts" />
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { metadataOf, OperatorIdentity } from './operator-identity';

// The SDK is loaded when a dashboard is built, not when the package is imported (~90 ms).
type Sdk<M extends string> = M extends 'common' ? typeof import('@grafana/grafana-foundation-sdk/common')
  : M extends 'dashboard' ? typeof import('@grafana/grafana-foundation-sdk/dashboard')
    : M extends 'prometheus' ? typeof import('@grafana/grafana-foundation-sdk/prometheus')
      : M extends 'stat' ? typeof import('@grafana/grafana-foundation-sdk/stat')
        : M extends 'table' ? typeof import('@grafana/grafana-foundation-sdk/table')
          : typeof import('@grafana/grafana-foundation-sdk/timeseries');
let common: Sdk<'common'>;
let dashboard: Sdk<'dashboard'>;
let prometheus: Sdk<'prometheus'>;
let stat: Sdk<'stat'>;
let table: Sdk<'table'>;
let timeseries: Sdk<'timeseries'>;

function loadSdk(): void {
  if (dashboard) return;
  /* eslint-disable @typescript-eslint/no-require-imports */
  common = require('@grafana/grafana-foundation-sdk/common');
  dashboard = require('@grafana/grafana-foundation-sdk/dashboard');
  prometheus = require('@grafana/grafana-foundation-sdk/prometheus');
  stat = require('@grafana/grafana-foundation-sdk/stat');
  table = require('@grafana/grafana-foundation-sdk/table');
  timeseries = require('@grafana/grafana-foundation-sdk/timeseries');
}

type Query = import('@grafana/grafana-foundation-sdk/prometheus').DataqueryBuilder;

/** The dashboard's uid (stable, so links and provisioning survive updates). */
export const BACKUP_DASHBOARD_UID = 'stash-pxc-backups';
/** The label Grafana's dashboard sidecar looks for (kube-prometheus-stack's default). */
export const GRAFANA_DASHBOARD_LABEL = 'grafana_dashboard';

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
const BC = 'invoker_kind="BackupConfiguration"';
const SELECTED = `${BC}, namespace=~"$namespace", invoker_name=~"$backup"`;
const SELECTED_RPO = 'namespace=~"$namespace", invoker_name=~"$backup"';
const LEGEND = '{{namespace}}/{{invoker_name}}';
/** The last success as the alert rules carry it forward: it survives a Pushgateway restart. */
const LAST_SUCCESS = 'stash_pxc:backup_last_success_time_seconds';
// The restore drills' metrics (pushed by drill-check.sh) and the alerts' drill series.
const DRILL = 'stash_pxc_restore_drill_';
const DRILL_INTERVAL = 'stash_pxc:restore_drill_interval_seconds';
const DRILL_OPT_OUT = 'stash_pxc:restore_drill_opt_out';
const DRILLS = 'namespace=~"$namespace"';
const DRILL_LEGEND = '{{namespace}}/{{drill}}';

function query(refId: string, expr: string, legend = LEGEND): Query {
  return new prometheus.DataqueryBuilder().refId(refId).expr(expr).legendFormat(legend).datasource(DATASOURCE);
}

function instant(refId: string, expr: string): Query {
  return new prometheus.DataqueryBuilder().refId(refId).expr(expr).instant().format(prometheus.PromQueryFormat.Table).datasource(DATASOURCE);
}

function series(title: string, unit: string, description: string, ...targets: Query[]): import('@grafana/grafana-foundation-sdk/timeseries').PanelBuilder {
  const panel = new timeseries.PanelBuilder().title(title).description(description).unit(unit).height(8).span(12).datasource(DATASOURCE);
  for (const t of targets) panel.withTarget(t);
  return panel;
}

function count(title: string, expr: string, description: string, red: number | null): import('@grafana/grafana-foundation-sdk/stat').PanelBuilder {
  return new stat.PanelBuilder().title(title).description(description).height(4).span(6).datasource(DATASOURCE)
    .withTarget(query('A', expr, title))
    .colorMode(common.BigValueColorMode.Background)
    .graphMode(common.BigValueGraphMode.None)
    .thresholds(new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([
      { value: null, color: 'green' },
      ...(red === null ? [] : [{ value: red, color: 'red' }]),
    ]));
}

/**
 * The dashboard as Grafana's JSON model. (Built and type-checked with the SDK's types; returned
 * as plain JSON so that users of this package need not resolve the SDK's subpath modules.)
 */
export function backupDashboardModel(): { [key: string]: any } {
  return buildDashboard();
}

function buildDashboard(): import('@grafana/grafana-foundation-sdk/dashboard').Dashboard {
  loadSdk();
  // Headroom: how long until the last success is older than the RPO (negative: overdue).
  const headroom = `sort(${'stash_pxc:backup_rpo_seconds'} - on (namespace, invoker_name) (time() - ${LAST_SUCCESS}))`;
  const model = new dashboard.DashboardBuilder('Stash backups (Percona XtraDB)')
    .uid(BACKUP_DASHBOARD_UID)
    .description('Backups of Percona XtraDB databases by Stash, against the RPO each schedule implies (stash-pxc).')
    .tags(['stash', 'backup', 'percona-xtradb', 'stash-pxc'])
    .refresh('1m')
    .time({ from: 'now-7d', to: 'now' })
    .timezone('utc')
    .readonly()
    .withVariable(new dashboard.DatasourceVariableBuilder('datasource').label('Data source').type('prometheus'))
    .withVariable(new dashboard.QueryVariableBuilder('namespace').label('Namespace').datasource(DATASOURCE)
      .query('label_values(stash_pxc:backup_rpo_seconds, namespace)').multi(true).includeAll(true).allValue('.*')
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged).sort(dashboard.VariableSort.AlphabeticalAsc))
    .withVariable(new dashboard.QueryVariableBuilder('backup').label('BackupConfiguration').datasource(DATASOURCE)
      .query('label_values(stash_pxc:backup_rpo_seconds{namespace=~"$namespace"}, invoker_name)').multi(true).includeAll(true).allValue('.*')
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged).sort(dashboard.VariableSort.AlphabeticalAsc))
    .withRow(new dashboard.RowBuilder('Fleet'))
    .withPanel(count('Databases watched', 'count(stash_pxc:backup_rpo_seconds)', 'Databases with an RPO series (alerts on).', null))
    .withPanel(count('Overdue', `count((time() - ${LAST_SUCCESS}) > on (namespace, invoker_name) stash_pxc:backup_rpo_seconds) or vector(0)`,
      'Databases whose last success is older than their RPO.', 1))
    .withPanel(count('Last session failed', `count(stash_backup_session_success{${BC}} == 0) or vector(0)`, 'BackupConfigurations whose last session failed.', 1))
    .withPanel(count('Repositories damaged', `count(stash_repository_integrity{${BC}} == 0) or vector(0)`, 'Repositories whose last integrity check failed.', 1))
    .withPanel(new table.PanelBuilder().title('RPO headroom (least first)').height(10).span(24).datasource(DATASOURCE)
      .description('Per database: its RPO minus the age of its last success. Negative means the RPO is already missed.')
      .withTarget(instant('A', headroom))
      .unit('s')
      .sortBy([new common.TableSortByFieldStateBuilder().displayName('Value').desc(false)])
      .thresholds(new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([
        { value: null, color: 'red' }, { value: 0, color: 'orange' }, { value: 3600, color: 'green' },
      ]))
      .cellOptions({ type: common.TableCellDisplayMode.ColorBackground }))
    .withRow(new dashboard.RowBuilder('Per database'))
    .withPanel(series('Last success age against the RPO', 's', 'Age of the last successful backup (rises until the next success) and the RPO its schedule implies.',
      query('A', `time() - ${LAST_SUCCESS}{${SELECTED_RPO}}`, `${LEGEND} age`),
      query('B', `stash_pxc:backup_rpo_seconds{${SELECTED_RPO}}`, `${LEGEND} RPO`)))
    .withPanel(series('Backup duration', 's', 'Duration of the last successful session, and of the dump and upload on the host.',
      query('A', `stash_backup_session_duration_seconds{${SELECTED}}`, `${LEGEND} session`),
      query('B', `stash_backup_host_backup_duration_seconds{${SELECTED}}`, `${LEGEND} host`)))
    .withPanel(series('Backup size', 'bytes', 'Size of the dump in the snapshot (restic total size) and of the whole repository.',
      query('A', `stash_backup_host_data_size_bytes{${SELECTED}}`, `${LEGEND} dump`),
      query('B', `stash_repository_size_bytes{${SELECTED}}`, `${LEGEND} repository`)))
    .withPanel(series('Uploaded', 'bytes', 'New data uploaded by the last backup (after restic deduplication).',
      query('A', `stash_backup_host_data_uploaded_bytes{${SELECTED}}`)))
    .withPanel(series('Failures', 'short', '1 while the last session of a BackupConfiguration failed, 0 after a success.',
      query('A', `1 - stash_backup_session_success{${SELECTED}}`)))
    .withPanel(series('Snapshots', 'short', 'Snapshots in the repository, and how many retention removed on the last backup.',
      query('A', `stash_repository_snapshot_count{${SELECTED}}`, `${LEGEND} kept`),
      query('B', `stash_repository_snapshot_cleaned{${SELECTED}}`, `${LEGEND} removed`)))
    .withRow(new dashboard.RowBuilder('Restore drills'))
    .withPanel(count('Drills failing', `count(${DRILL}success{${DRILLS}} == 0) or vector(0)`, 'Restore drills whose last run failed.', 1))
    .withPanel(count('Drills overdue', `count((time() - ${DRILL}last_success_timestamp_seconds{${DRILLS}}) > on (namespace, database, drill) ${DRILL_INTERVAL}) or vector(0)`,
      'Restore drills whose last success is older than their interval (the alert waits for the interval times the tolerance).', 1))
    .withPanel(count('Databases without a drill', `count(group by (namespace, database) (${'stash_pxc:backup_rpo_seconds'}{${DRILLS}}) unless on (namespace, database) ${DRILL}last_run_timestamp_seconds unless on (namespace, database) ${DRILL_INTERVAL} unless on (namespace, database) ${DRILL_OPT_OUT}) or vector(0)`,
      'Watched databases with no restore drill reporting or watched, and not opted out.', 1))
    .withPanel(count('Drills reporting', `count(${DRILL}last_run_timestamp_seconds{${DRILLS}}) or vector(0)`, 'Restore drills that pushed at least one run.', null))
    .withPanel(new table.PanelBuilder().title('Last successful drill (oldest first)').height(10).span(24).datasource(DATASOURCE)
      .description('Per drill: how long ago its last successful run finished.')
      .withTarget(instant('A', `sort_desc(time() - ${DRILL}last_success_timestamp_seconds{${DRILLS}})`))
      .unit('s')
      .sortBy([new common.TableSortByFieldStateBuilder().displayName('Value').desc(true)]))
    .withPanel(series('Drill duration by phase', 's', 'Duration of the phases of each drill\'s last run: the restore, the server start, the checks.',
      query('A', `${DRILL}phase_duration_seconds{${DRILLS}}`, `${DRILL_LEGEND} {{phase}}`)))
    .withPanel(series('Drill failures', 'short', '1 while the last run of a drill failed, at the check in the legend.',
      query('A', `${DRILL}failed_check{${DRILLS}} == 1`, `${DRILL_LEGEND} {{check}}`)))
    .withPanel(series('Restored size', 'bytes', 'Size of the user schemas each drill restored (data and indexes, as the server reports them).',
      query('A', `${DRILL}restored_size_bytes{${DRILLS}}`, DRILL_LEGEND)))
    .build();
  // Unique, stable panel ids (links and Grafana's state refer to them; rows would all be 0).
  (model.panels ?? []).forEach((panel, i) => { panel.id = i + 1; });
  return model;
}

/** The dashboard as the JSON text Grafana imports. */
export function backupDashboardJson(): string {
  return `${JSON.stringify(backupDashboardModel(), null, 2)}\n`;
}

/** Props of `BackupDashboard`. */
export interface BackupDashboardProps {
  /** The operator the ConfigMap belongs to. */
  readonly identity: OperatorIdentity;
}

/** The dashboard in a ConfigMap labelled for Grafana's dashboard sidecar (`grafana_dashboard: "1"`). */
export class BackupDashboard extends Construct {
  /** The ConfigMap. */
  public readonly configMap: k8s.KubeConfigMap;

  constructor(scope: Construct, id: string, props: BackupDashboardProps) {
    super(scope, id);
    const metadata = metadataOf(props.identity, `${props.identity.name}-dashboard`, true);
    this.configMap = new k8s.KubeConfigMap(this, 'Resource', {
      metadata: { ...metadata, labels: { ...metadata.labels, [GRAFANA_DASHBOARD_LABEL]: '1' } },
      data: { 'stash-pxc-backups.json': backupDashboardJson() },
    });
  }
}
