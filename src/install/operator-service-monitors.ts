/**
 * Prometheus Operator ServiceMonitors for the Stash operator's own metrics (its API server's
 * `/metrics` over HTTPS) and for the backup metrics in the Pushgateway sidecar.
 *
 * Upstream scrapes the operator with a token of the operator's own ServiceAccount. Here Prometheus
 * gets a token of a separate ServiceAccount that may read `/metrics` and nothing else: the
 * operator's token can read every Secret of the cluster and must not leave its Pod.
 */
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { labelProblems } from '../core/validation/metadata';
import { guarded } from '../core/validation/problems';
import { metadataOf, OperatorIdentity } from './operator-identity';

/** Options of the ServiceMonitors. */
export interface OperatorMonitoringOptions {
  /**
   * A ServiceMonitor for the operator's metrics (with a ServiceAccount token allowed to read `/metrics`).
   * @default false
   */
  readonly operator?: boolean;
  /**
   * A ServiceMonitor for the backup and restore metrics in the Pushgateway sidecar (ignored with an
   * external Pushgateway, which its owner scrapes).
   * @default false
   */
  readonly pushgateway?: boolean;
  /**
   * Extra labels of the ServiceMonitors, e.g. the ones your Prometheus selects.
   * @default - none
   */
  readonly serviceMonitorLabels?: { [key: string]: string };
  /**
   * Operator-level alert rules (a PrometheusRule, see `OperatorAlerts`): operator or Pushgateway
   * down (for the ServiceMonitors that are on) and no backup pushing metrics.
   * @default false
   */
  readonly alerts?: boolean;
  /**
   * Extra labels of the PrometheusRule, e.g. the ones your Prometheus's `ruleSelector` selects.
   * @default - none
   */
  readonly alertRuleLabels?: { [key: string]: string };
  /**
   * The backup dashboard in a ConfigMap for Grafana's dashboard sidecar (see `BackupDashboard`).
   * @default false
   */
  readonly dashboard?: boolean;
}

/** Props of `OperatorServiceMonitors`. */
export interface OperatorServiceMonitorsProps extends OperatorMonitoringOptions {
  /** The operator the objects belong to. */
  readonly identity: OperatorIdentity;
  /** The operator's Service (ports `api` and `pushgateway`). */
  readonly serviceName: string;
  /** The Secret whose `ca.crt` signed the operator's serving certificate. */
  readonly servingCertSecretName: string;
}

/** The ServiceMonitors of the Stash operator and what scraping the operator needs. */
export class OperatorServiceMonitors extends Construct {
  /** The operator's ServiceMonitor, when on. */
  public readonly operatorMonitor?: ApiObject;
  /** The Pushgateway's ServiceMonitor, when on. */
  public readonly pushgatewayMonitor?: ApiObject;
  /** The ServiceAccount, token Secret, ClusterRole and binding for scraping the operator, when on. */
  public readonly metricsReader: ApiObject[] = [];

  constructor(scope: Construct, id: string, props: OperatorServiceMonitorsProps) {
    super(scope, id);
    const { identity } = props;
    this.node.addValidation({ validate: () => guarded(() => labelProblems('serviceMonitorLabels', props.serviceMonitorLabels)) });
    const labels = { ...identity.labels, ...(props.serviceMonitorLabels ?? {}) };
    const spec = (endpoints: unknown[]) => ({
      namespaceSelector: { matchNames: [identity.namespace] },
      selector: { matchLabels: { ...identity.selectorLabels } },
      endpoints,
    });

    if (props.operator) {
      const reader = `${identity.name}-metrics`;
      const tokenSecret = `${reader}-token`;
      this.metricsReader.push(
        new k8s.KubeServiceAccount(this, 'MetricsServiceAccount', {
          metadata: metadataOf(identity, reader, true),
          automountServiceAccountToken: false,
        }),
        new k8s.KubeSecret(this, 'MetricsToken', {
          metadata: metadataOf(identity, tokenSecret, true, { 'kubernetes.io/service-account.name': reader }),
          type: 'kubernetes.io/service-account-token',
        }),
        new k8s.KubeClusterRole(this, 'MetricsReaderRole', {
          metadata: metadataOf(identity, `${identity.name}-metrics-reader`, false),
          rules: [{ nonResourceUrLs: ['/metrics'], verbs: ['get'] }],
        }),
        new k8s.KubeClusterRoleBinding(this, 'MetricsReaderBinding', {
          metadata: metadataOf(identity, `${identity.name}-metrics-reader`, false),
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `${identity.name}-metrics-reader` },
          subjects: [{ kind: 'ServiceAccount', name: reader, namespace: identity.namespace }],
        }),
      );
      this.operatorMonitor = new ApiObject(this, 'OperatorMonitor', {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: { ...metadataOf(identity, `${identity.name}-operator`, true), labels },
        spec: spec([{
          port: 'api',
          path: '/metrics',
          scheme: 'https',
          authorization: { type: 'Bearer', credentials: { name: tokenSecret, key: 'token' } },
          tlsConfig: {
            ca: { secret: { name: props.servingCertSecretName, key: 'ca.crt' } },
            serverName: `${props.serviceName}.${identity.namespace}.svc`,
          },
        }]),
      });
    }
    if (props.pushgateway) {
      this.pushgatewayMonitor = new ApiObject(this, 'PushgatewayMonitor', {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: { ...metadataOf(identity, `${identity.name}-pushgateway`, true), labels },
        // Keep the job and instance labels the Jobs pushed, not the Pushgateway's own.
        spec: spec([{ port: 'pushgateway', path: '/metrics', honorLabels: true }]),
      });
    }
  }
}
