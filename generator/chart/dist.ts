/**
 * `dist/install.yaml`: the same install as the chart with its default values, as plain manifests
 * for `kubectl apply` (after `dist/crds.yaml`): namespace `stash`, base name `stash`, and
 * cert-manager for the serving certificate, because plain manifests must never carry a private key.
 */
import * as path from 'path';
import { Chart } from 'cdk8s';
import { ImagePullPolicy, k8s } from 'cdk8s-plus-28';
import { PerconaXtraDbVersion } from '../../src/api/perconaxtradb';
import { WebhookFailurePolicy } from '../../src/install/admission-webhooks';
import { PerconaXtraDbCatalog } from '../../src/install/perconaxtradb-catalog';
import { Pushgateway } from '../../src/install/pushgateway';
import { ServingCertificates } from '../../src/install/serving-certificates';
import { StashOperator, StashOperatorProps } from '../../src/install/stash-operator';
import { APP_VERSION, CHART_NAME } from './chart-info';
import { manifestsOf, memoryApp, toYamlDocuments, writeFile } from './output';
import { defaultValues } from './values';

/** Where and under which name the plain install goes. */
export const DIST_NAMESPACE = 'stash';
export const DIST_NAME = 'stash';

/** The labels the chart gives with release `stash`, minus the Helm-only ones. */
export const DIST_SELECTOR_LABELS = { 'app.kubernetes.io/name': CHART_NAME, 'app.kubernetes.io/instance': DIST_NAME };
export const DIST_LABELS = { 'app.kubernetes.io/version': APP_VERSION };

/** Kinds in the order `kubectl apply` should meet them (Helm's install order, extended). */
const KIND_ORDER = [
  'Namespace', 'ServiceAccount', 'Secret', 'ConfigMap', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding',
  'Issuer', 'Certificate', 'Service', 'Deployment', 'APIService', 'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration', 'ServiceMonitor', 'PrometheusRule', 'TaskQueue', 'Function', 'Task',
];

function quantities(map: { [key: string]: unknown } | undefined): { [key: string]: k8s.Quantity } | undefined {
  if (!map) return undefined;
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, k8s.Quantity.fromString(String(v))]));
}

function resources(values: any): k8s.ResourceRequirements {
  return { ...(values.limits ? { limits: quantities(values.limits) } : {}), ...(values.requests ? { requests: quantities(values.requests) } : {}) };
}

/** The operator's props from chart values (the defaults unless given), for plain manifests. */
export function operatorPropsFromValues(values: any = defaultValues(), certificates: ServingCertificates = ServingCertificates.certManager()): StashOperatorProps {
  const operatorImage = { ...values.operator.image, tag: values.operator.image.tag || APP_VERSION };
  return {
    name: values.fullnameOverride || DIST_NAME,
    namespace: DIST_NAMESPACE,
    selectorLabels: DIST_SELECTOR_LABELS,
    labels: DIST_LABELS,
    certificates,
    image: operatorImage,
    imagePullPolicy: values.imagePullPolicy as ImagePullPolicy,
    imagePullSecrets: values.imagePullSecrets.map((s: { name: string }) => s.name),
    logLevel: values.logLevel,
    pushgateway: values.pushgateway.externalUrl
      ? Pushgateway.external(values.pushgateway.externalUrl)
      : Pushgateway.sidecar({
        image: values.pushgateway.image,
        resources: resources(values.pushgateway.resources),
        securityContext: values.pushgateway.securityContext,
      }),
    webhooks: {
      mutating: values.webhooks.mutating,
      validating: values.webhooks.validating,
      failurePolicy: values.webhooks.failurePolicy as WebhookFailurePolicy,
      excludedNamespaces: values.webhooks.excludedNamespaces,
    },
    apiServiceGroupPriorityMinimum: values.apiService.groupPriorityMinimum,
    apiServiceVersionPriority: values.apiService.versionPriority,
    licenseApiService: values.license.apiService || undefined,
    createLicenseRoles: values.rbac.createLicenseRoles,
    taskQueue: values.taskQueue.enabled ? { maxConcurrentSessions: values.taskQueue.maxConcurrentSessions } : undefined,
    monitoring: {
      operator: values.monitoring.operator,
      pushgateway: values.monitoring.pushgateway,
      serviceMonitorLabels: values.monitoring.serviceMonitor.labels,
      alerts: values.monitoring.alerts.enabled,
      alertRuleLabels: values.monitoring.alerts.labels,
      dashboard: values.monitoring.dashboard.enabled,
    },
    replicas: values.replicaCount,
    resources: resources(values.operator.resources),
    securityContext: values.operator.securityContext,
    podSecurityContext: values.podSecurityContext,
    nodeSelector: values.nodeSelector,
    tolerations: values.tolerations,
    affinity: Object.keys(values.affinity).length > 0 ? values.affinity : undefined,
    priorityClassName: values.priorityClassName || undefined,
    annotations: values.annotations,
    podAnnotations: values.podAnnotations,
    podLabels: values.podLabels,
    serviceAccountAnnotations: values.serviceAccount.annotations,
    createServiceAccount: values.serviceAccount.create,
    serviceAccountName: values.serviceAccount.name || undefined,
    extraArgs: values.extraArgs,
    extraEnv: values.extraEnv,
    extraVolumes: values.extraVolumes,
    extraVolumeMounts: values.extraVolumeMounts,
  };
}

/** The objects of `dist/install.yaml`, in apply order. */
export function distInstallManifests(values: any = defaultValues()): any[] {
  const chart = new Chart(memoryApp(), 'install');
  new k8s.KubeNamespace(chart, 'Namespace', {
    metadata: {
      name: DIST_NAMESPACE,
      // The operator Pod meets "restricted"; enforcing it keeps anything else out of the namespace.
      labels: { 'pod-security.kubernetes.io/enforce': 'restricted', ...DIST_LABELS },
    },
  });
  new StashOperator(chart, 'Stash', operatorPropsFromValues(values));
  if (values.catalog.enabled) {
    new PerconaXtraDbCatalog(chart, 'Catalog', {
      versions: values.catalog.versions.map((line: string) => PerconaXtraDbVersion.of(line)),
      image: values.catalog.image,
      labels: { ...DIST_SELECTOR_LABELS, ...DIST_LABELS, 'app.kubernetes.io/component': 'catalog', 'app.kubernetes.io/part-of': 'stash-pxc' },
    });
  }
  const objects = manifestsOf(chart);
  const rank = (o: any) => {
    const i = KIND_ORDER.indexOf(o.kind);
    return i < 0 ? KIND_ORDER.length : i;
  };
  // Stable sort: objects of one kind keep the constructs' order.
  return objects.map((o, i) => ({ o, i })).sort((a, b) => rank(a.o) - rank(b.o) || a.i - b.i).map(({ o }) => o);
}

/** Writes `dist/install.yaml`. */
export function writeDistInstall(distDir: string): void {
  writeFile(path.join(distDir, 'install.yaml'), toYamlDocuments(distInstallManifests()));
}
