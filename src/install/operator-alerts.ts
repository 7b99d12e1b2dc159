/**
 * Operator-level alert rules (a Prometheus Operator PrometheusRule): the Stash operator or its
 * Pushgateway not scraped as up (from the install's ServiceMonitors), and no backup of any
 * database pushing a metric for longer than the longest RPO. The per-database alerts are
 * `PerconaXtraDbBackupAlerts`'s.
 */
import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { metadataOf, OperatorIdentity } from './operator-identity';

// The annotations hold no Prometheus template actions: the chart renders these strings with
// Helm, which would read `{{ ... }}` as its own.

/** Names of the operator-level alerts (and of their sections in docs/runbook.md). */
export enum OperatorAlert {
  /** The operator's `/metrics` endpoint is not scraped as up. */
  OPERATOR_DOWN = 'StashPxcOperatorDown',
  /** The Pushgateway sidecar is not scraped as up. */
  PUSHGATEWAY_DOWN = 'StashPxcPushgatewayDown',
  /** No backup pushed any metric for longer than the longest RPO. */
  BACKUPS_SILENT = 'StashPxcBackupsSilent',
}

/** Props of `OperatorAlerts`. */
export interface OperatorAlertsProps {
  /** The operator the rules watch. */
  readonly identity: OperatorIdentity;
  /** The operator's Service: Prometheus Operator gives its targets `job=<Service name>`. */
  readonly serviceName: string;
  /**
   * Alert when the operator's metrics endpoint is down (needs its ServiceMonitor).
   * @default false
   */
  readonly operator?: boolean;
  /**
   * Alert when the Pushgateway sidecar is down (needs its ServiceMonitor).
   * @default false
   */
  readonly pushgateway?: boolean;
  /**
   * The silence that makes "no backup pushed anything" fire when no database has an RPO series
   * (`stash_pxc:backup_rpo_seconds`, from `PerconaXtraDbBackupAlerts`); with series, their longest RPO.
   * @default Duration.hours(24)
   */
  readonly defaultRpo?: Duration;
  /**
   * Labels of the PrometheusRule (the ones your Prometheus's `ruleSelector` selects).
   * @default - the install's labels
   */
  readonly ruleLabels?: { [key: string]: string };
  /**
   * Where the runbook is: alerts link `<runbookUrl>#<alert name in lower case>`.
   * @default "docs/runbook.md"
   */
  readonly runbookUrl?: string;
}

/** The operator-level PrometheusRule. */
export class OperatorAlerts extends Construct {
  /** The PrometheusRule. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: OperatorAlertsProps) {
    super(scope, id);
    const { identity, serviceName } = props;
    const runbook = props.runbookUrl ?? 'docs/runbook.md';
    const target = (endpoint: string) => `up{job="${serviceName}", namespace="${identity.namespace}", endpoint="${endpoint}"}`;
    const annotations = (alert: OperatorAlert, summary: string, description: string) => ({
      summary,
      description: `${description} Runbook: ${runbook}#${alert.toLowerCase()}.`,
      runbook_url: `${runbook}#${alert.toLowerCase()}`,
    });
    const fallback = Math.round((props.defaultRpo ?? Duration.hours(24)).toSeconds());
    const rules = [
      ...(props.operator ? [{
        alert: OperatorAlert.OPERATOR_DOWN,
        // absent(... == 1): no target at all (scaled to 0, ServiceMonitor not picked up) counts too.
        expr: `absent(${target('api')} == 1)`,
        for: '10m',
        labels: { severity: 'critical' },
        annotations: annotations(OperatorAlert.OPERATOR_DOWN,
          `Stash operator ${identity.namespace}/${serviceName} is down`,
          `Prometheus has not scraped the Stash operator (Service ${identity.namespace}/${serviceName}, port api) as up for 10 minutes: no BackupSession is created or processed and no backup metric is pushed. Check the operator Pod, its logs and the ServiceMonitor.`),
      }] : []),
      ...(props.pushgateway ? [{
        alert: OperatorAlert.PUSHGATEWAY_DOWN,
        expr: `absent(${target('pushgateway')} == 1)`,
        for: '10m',
        labels: { severity: 'warning' },
        annotations: annotations(OperatorAlert.PUSHGATEWAY_DOWN,
          `Stash Pushgateway ${identity.namespace}/${serviceName} is down`,
          `Prometheus has not scraped the Pushgateway sidecar (Service ${identity.namespace}/${serviceName}, port pushgateway) as up for 10 minutes: backup metrics are neither received nor visible, so the backup alerts are blind. Check the operator Pod's pushgateway container.`),
      }] : []),
      {
        alert: OperatorAlert.BACKUPS_SILENT,
        // push_time_seconds is the Pushgateway's time of the last push per group; the operator
        // pushes each BackupConfiguration's session metrics as job "backupconfiguration-<ns>-<name>".
        expr: `time() - max(push_time_seconds{job=~"backupconfiguration-.+"}) > (max(stash_pxc:backup_rpo_seconds) or vector(${fallback}))`,
        labels: { severity: 'critical' },
        annotations: annotations(OperatorAlert.BACKUPS_SILENT,
          'No backup has reported to Stash\'s Pushgateway for longer than the longest RPO',
          `No BackupConfiguration has pushed metrics for longer than the longest RPO of the watched databases (or ${fallback}s when none is watched): backups are not running anywhere, or their metrics do not arrive. Check the operator (${identity.namespace}/${serviceName}), recent BackupSessions and the backup Jobs' pushes.`),
      },
    ];
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { ...metadataOf(identity, `${identity.name}-alerts`, true), labels: { ...identity.labels, ...(props.ruleLabels ?? {}) } },
      spec: { groups: [{ name: `${identity.name}.operator`, rules }] },
    });
  }
}
