/**
 * The chart's templates, from the constructs. The install is synthesized once with every option
 * on and Helm expressions in its string props (names, namespace, labels, images); then each
 * object goes to a template file, with edits that put values where the props are not strings
 * (replicas, resources, placement), and conditions on what an option adds (documents, entries,
 * list items). Turning an option off in the values removes exactly what the construct adds
 * for it.
 */
import { ApiObject, Chart } from 'cdk8s';
import { ImagePullPolicy } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { PerconaXtraDbVersion } from '../../src/api/perconaxtradb';
import { NAMESPACE_NAME_LABEL } from '../../src/install/admission-webhooks';
import { PerconaXtraDbCatalog } from '../../src/install/perconaxtradb-catalog';
import { OperatorLicense } from '../../src/install/operator-license';
import { Pushgateway } from '../../src/install/pushgateway';
import { PushgatewayPersistence } from '../../src/install/pushgateway-persistence';
import {
  HELM_CERTIFICATE_VARIABLES,
  ServingCertificates,
  ServingCertificatesBindOptions,
  ServingCertificatesBinding,
} from '../../src/install/serving-certificates';
import { StashOperator } from '../../src/install/stash-operator';
import { OperatorAlert } from '../../src/install/operator-alerts';
import { backupDashboardJson } from '../../src/install/backup-dashboard';
import { CHART_NAME } from './chart-info';
import { crdManifests } from './crds';
import { APP_BINDING_CRD_NAME, chartLabelValues, EXPR, licenseRolesCheckTemplate, oneReleasePerClusterTemplate, resourcesCheckPreamble, servingCertPreamble, WHEN } from './helm-helpers';
import { PROBE_RANGES } from '../../src/install/health-probes';
import { EACH, HelmValue, includeEntries, named, ObjectEdits, PathStep, renderTemplateFile, startsWith, TemplateDocument } from './helm-template';
import { memoryApp } from './output';

/** One file under `templates/`. */
export interface TemplateFile {
  readonly name: string;
  readonly content: string;
}

/** Labels every object of the chart carries besides the selector labels. */
export const CHART_LABELS = {
  'helm.sh/chart': EXPR.chart,
  'app.kubernetes.io/version': EXPR.appVersion,
  'app.kubernetes.io/managed-by': EXPR.releaseService,
};

/** Labels that select the operator Pod. */
export const CHART_SELECTOR_LABELS = {
  'app.kubernetes.io/name': EXPR.name,
  'app.kubernetes.io/instance': EXPR.releaseName,
};

/** The labels of every object but `app.kubernetes.io/component`, as the templates print them (`include "<chart>.labels"`). */
const CHART_COMMON_LABELS = chartLabelValues('common');
/** The selector labels, as the templates print them (`include "<chart>.selectorLabels"`). */
const CHART_SORTED_SELECTOR_LABELS = chartLabelValues('selector');

/** Label maps anywhere in an object, replaced by the named templates that print them. */
function includeLabelTemplates(node: any): void {
  if (Array.isArray(node)) {
    node.forEach(includeLabelTemplates);
    return;
  }
  if (node === null || typeof node !== 'object' || node instanceof HelmValue) return;
  for (const [key, value] of Object.entries(node)) {
    if (['labels', 'matchLabels', 'selector'].includes(key) && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const map = value as { [key: string]: unknown };
      const included = includeEntries(map, CHART_COMMON_LABELS, `${CHART_NAME}.labels`)
        ?? (Object.keys(map).length === 2 ? includeEntries(map, CHART_SORTED_SELECTOR_LABELS, `${CHART_NAME}.selectorLabels`) : undefined);
      if (included) {
        node[key] = included;
        continue;
      }
    }
    includeLabelTemplates(value);
  }
}

/**
 * All three certificate modes at once: the objects of each mode are created and then guarded by
 * `certificates.mode`; the Secret name and caBundle are expressions that follow the mode.
 */
class ChartServingCertificates extends ServingCertificates {
  public readonly mode = 'chart';
  /** The objects each mode created. */
  public readonly objectsByMode = new Map<string, ApiObject[]>();

  public bind(scope: Construct, options: ServingCertificatesBindOptions): ServingCertificatesBinding {
    const created = (mode: string, bind: () => ServingCertificatesBinding): ServingCertificatesBinding => {
      const before = new Set(scope.node.children);
      const binding = bind();
      const objects = scope.node.children.filter((c) => !before.has(c)).flatMap((c) => c.node.findAll().filter(ApiObject.isApiObject));
      this.objectsByMode.set(mode, objects);
      return binding;
    };
    created('helm', () => ServingCertificates.helmGenerated().bind(scope, options));
    const certManager = created('certManager', () => ServingCertificates.certManager().bind(scope, options));
    return {
      secretName: EXPR.servingCertSecretName,
      caBundle: `{{ ${HELM_CERTIFICATE_VARIABLES.caBundle} }}`,
      apiServiceAnnotations: certManager.apiServiceAnnotations,
    };
  }
}

interface Placement {
  readonly file: string;
  readonly condition?: string;
  readonly literal?: boolean;
}

const POD: PathStep[] = ['spec', 'template', 'spec'];
const OPERATOR: PathStep[] = [...POD, 'containers', named('operator')];
const PUSHGATEWAY: PathStep[] = [...POD, 'containers', named('pushgateway')];
const value = (path: string) => `{{ ${path} }}`;

/** Each probe of the container at `container` on or off, with its timing from the values under `values`. */
function probeEdits(e: ObjectEdits, container: PathStep[], values: string): ObjectEdits {
  for (const [key, probe] of [['readinessProbe', 'readiness'], ['livenessProbe', 'liveness']] as const) {
    for (const field of Object.keys(PROBE_RANGES)) e.set([...container, key, field], HelmValue.raw(`${values}.${probe}.${field}`));
    e.when([...container, key], `${values}.${probe}.enabled`);
  }
  return e;
}

/** The chart's templates (without `_helpers.tpl` and `NOTES.txt`), by file name, in file order. */
export function chartTemplates(): TemplateFile[] {
  const chart = new Chart(memoryApp(), 'helm');
  const certificates = new ChartServingCertificates();
  const operator = new StashOperator(chart, 'Stash', {
    name: EXPR.fullname,
    namespace: EXPR.namespace,
    serviceAccountName: EXPR.serviceAccountName,
    createServiceAccount: true,
    selectorLabels: CHART_SELECTOR_LABELS,
    labels: CHART_LABELS,
    certificates,
    image: {
      registry: value('.Values.operator.image.registry'),
      repository: value('.Values.operator.image.repository'),
      tag: value('.Values.operator.image.tag | default .Chart.AppVersion'),
    },
    // Every option on, so that everything it adds exists and can be guarded; values replace the rest.
    imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT,
    imagePullSecrets: ['from-values'],
    pushgateway: Pushgateway.sidecar({
      image: {
        registry: value('.Values.pushgateway.image.registry'),
        repository: value('.Values.pushgateway.image.repository'),
        tag: value('.Values.pushgateway.image.tag'),
      },
      // A class so that the key exists; the values set or remove it.
      persistence: PushgatewayPersistence.newClaim({ storageClassName: 'from-values' }),
    }),
    webhooks: { mutating: true, validating: true },
    license: OperatorLicense.fromSecret(EXPR.licenseSecretName),
    licenseApiService: EXPR.licenseApiService,
    createLicenseRoles: true,
    taskQueue: {},
    monitoring: { operator: true, pushgateway: true, alerts: true, dashboard: true },
    priorityClassName: 'from-values',
  });
  const licenseScope = new Construct(chart, 'License');
  OperatorLicense.fromKey('from-values').bind(licenseScope, operator.identity);
  const catalog = new PerconaXtraDbCatalog(chart, 'Catalog', {
    image: {
      registry: value('.Values.catalog.image.registry'),
      repository: value('.Values.catalog.image.repository'),
      tags: Object.fromEntries(PerconaXtraDbVersion.all().map((v) => [v.line, value(`index .Values.catalog.image.tags "${v.line}"`)])),
    },
    labels: { ...CHART_SELECTOR_LABELS, ...CHART_LABELS, 'app.kubernetes.io/component': 'catalog', 'app.kubernetes.io/part-of': 'stash-pxc' },
  });

  const placements = new Map<IConstruct, Placement>();
  const edits = new Map<IConstruct, (e: ObjectEdits) => void>();
  const place = (objects: readonly (IConstruct | undefined)[], placement: Placement, edit?: (e: ObjectEdits) => void) => {
    for (const o of objects) {
      if (!o) throw new Error(`chart generator: an expected object is missing (${placement.file})`);
      placements.set(o, placement);
      if (edit) edits.set(o, edit);
    }
  };

  // RBAC.
  const rbac = operator.rbac;
  place(rbac.node.findAll().filter(ApiObject.isApiObject), { file: 'rbac.yaml' });
  place([rbac.serviceAccount], { file: 'rbac.yaml', condition: WHEN.createServiceAccount }, (e) => e.set(['metadata', 'annotations'], HelmValue.yamlWith('.Values.serviceAccount.annotations')));
  place([rbac.clusterRole], { file: 'rbac.yaml' }, (e) => e.when(['rules', (r) => r.apiGroups?.includes('batch.k8s.appscode.com')], WHEN.taskQueue));
  place(rbac.licenseRoles, { file: 'rbac.yaml', condition: WHEN.licenseRoles });
  // The operator's shared Job ClusterRoles: rendered unless another owner's exist (the operator's
  // own, or those an uninstalled release kept), and kept on uninstall, since the operator of a
  // later install finds and uses them (Helm would otherwise delete what the Jobs' bindings name).
  for (const role of rbac.jobClusterRoles) {
    place([role], { file: 'rbac.yaml', condition: WHEN.jobClusterRole(role.name) }, (e) => e.set(['metadata', 'annotations'], { 'helm.sh/resource-policy': 'keep' }));
  }

  // The serving certificate and the APIServices share the variables of one file.
  const apiFile = 'apiservices.yaml';
  place(certificates.objectsByMode.get('helm')!, { file: apiFile, condition: WHEN.certHelm });
  for (const o of certificates.objectsByMode.get('certManager')!) {
    if (o.kind === 'Issuer') {
      place([o], { file: apiFile, condition: WHEN.selfSignedIssuer });
    } else {
      place([o], { file: apiFile, condition: WHEN.certManager }, (e) => e
        .set(['spec', 'issuerRef', 'name'], EXPR.certIssuerName)
        .set(['spec', 'issuerRef', 'kind'], value('.Values.certificates.certManager.issuer.kind'))
        .set(['spec', 'issuerRef', 'group'], value('.Values.certificates.certManager.issuer.group')));
    }
  }
  const apiServiceEdits = (e: ObjectEdits) => e
    .when(['metadata', 'annotations'], WHEN.certManager)
    .when(['spec', 'caBundle'], WHEN.notCertManager)
    .set(['spec', 'groupPriorityMinimum'], HelmValue.raw('.Values.apiService.groupPriorityMinimum'))
    .set(['spec', 'versionPriority'], HelmValue.raw('.Values.apiService.versionPriority'));
  // The operator serves the admission groups only with a webhook, the snapshot group (and with it
  // the license endpoint when every webhook is off) always.
  place(operator.apiServices.admissionApiServices, { file: apiFile, condition: WHEN.anyWebhook }, apiServiceEdits);
  place([operator.apiServices.repositoriesApiService], { file: apiFile }, apiServiceEdits);

  // Webhooks.
  const failurePolicy = (e: ObjectEdits) => e.set(['webhooks', EACH, 'failurePolicy'], value('.Values.webhooks.failurePolicy'));
  // The workload webhooks skip the release namespace (always) and the namespaces of the values.
  const withSelector = (w: any) => w.namespaceSelector !== undefined;
  const byNamespaceName = (m: any) => m?.key === NAMESPACE_NAME_LABEL;
  place([operator.webhooks.mutating], { file: 'webhooks.yaml', condition: WHEN.mutating }, (e) => failurePolicy(e)
    .set(['webhooks', withSelector, 'namespaceSelector', 'matchExpressions', byNamespaceName, 'values'],
      HelmValue.yaml('(prepend (default (list) .Values.webhooks.excludedNamespaces) .Release.Namespace | uniq)')));
  place([operator.webhooks.validating], { file: 'webhooks.yaml', condition: WHEN.validating }, failurePolicy);

  // The operator.
  place([operator.deployment], { file: 'deployment.yaml' }, (e) => probeEdits(probeEdits(e, OPERATOR, '.Values.operator.probes'), PUSHGATEWAY, '.Values.pushgateway.probes')
    .set(['metadata', 'annotations'], HelmValue.yamlWith('.Values.annotations'))
    .set(['spec', 'replicas'], HelmValue.raw('.Values.replicaCount'))
    .splice(['spec', 'template', 'metadata', 'labels'], '.Values.podLabels')
    .set(['spec', 'template', 'metadata', 'annotations'], HelmValue.yamlWith('.Values.podAnnotations'))
    .set([...POD, 'imagePullSecrets'], HelmValue.yamlWith('.Values.imagePullSecrets'))
    .set([...POD, 'containers', EACH, 'imagePullPolicy'], value('.Values.imagePullPolicy'))
    .set([...OPERATOR, 'args', startsWith('--v=')], `--v=${value('.Values.logLevel')}`)
    .set([...OPERATOR, 'args', startsWith('--image-pull-secrets=')], `--image-pull-secrets=${EXPR.imagePullSecretNames}`)
    .when([...OPERATOR, 'args', startsWith('--image-pull-secrets=')], WHEN.pullSecrets)
    .set([...OPERATOR, 'args', startsWith('--pushgateway-url=')], `--pushgateway-url=${EXPR.pushgatewayUrl}`)
    .set([...OPERATOR, 'args', startsWith('--enable-mutating-webhook=')], `--enable-mutating-webhook=${value('.Values.webhooks.mutating')}`)
    .set([...OPERATOR, 'args', startsWith('--enable-validating-webhook=')], `--enable-validating-webhook=${value('.Values.webhooks.validating')}`)
    .set([...OPERATOR, 'args', startsWith('--enable-task-queue=')], `--enable-task-queue=${value('.Values.taskQueue.enabled')}`)
    .when([...OPERATOR, 'args', startsWith('--license-file=')], WHEN.license)
    .append([...OPERATOR, 'args'], '.Values.extraArgs')
    .append([...OPERATOR, 'env'], '.Values.extraEnv')
    .append([...OPERATOR, 'volumeMounts'], '.Values.extraVolumeMounts')
    .append([...POD, 'volumes'], '.Values.extraVolumes')
    .set([...OPERATOR, 'resources'], HelmValue.yaml('.Values.operator.resources'))
    .set([...PUSHGATEWAY, 'resources'], HelmValue.yaml('.Values.pushgateway.resources'))
    .set([...OPERATOR, 'securityContext'], HelmValue.yaml('.Values.operator.securityContext'))
    .when([...OPERATOR, 'volumeMounts', named('license')], WHEN.license)
    .when([...POD, 'containers', named('pushgateway')], WHEN.sidecar)
    .set([...PUSHGATEWAY, 'securityContext'], HelmValue.yaml('.Values.pushgateway.securityContext'))
    .when([...POD, 'volumes', named('pushgateway-data')], WHEN.sidecar)
    .set([...POD, 'volumes', named('pushgateway-data'), 'persistentVolumeClaim', 'claimName'], EXPR.pushgatewayClaimName)
    .when([...POD, 'volumes', named('pushgateway-data'), 'persistentVolumeClaim'], WHEN.pushgatewayPersistence)
    .set([...POD, 'volumes', named('pushgateway-data'), 'emptyDir'], {})
    .when([...POD, 'volumes', named('pushgateway-data'), 'emptyDir'], WHEN.noPushgatewayPersistence)
    .when([...POD, 'volumes', named('license')], WHEN.license)
    .set([...POD, 'securityContext'], HelmValue.yaml('.Values.podSecurityContext'))
    .set([...POD, 'nodeSelector'], HelmValue.yamlWith('.Values.nodeSelector'))
    .set([...POD, 'tolerations'], HelmValue.yamlWith('.Values.tolerations'))
    .set([...POD, 'affinity'], HelmValue.yamlWith('.Values.affinity'))
    .set([...POD, 'priorityClassName'], value('.Values.priorityClassName'))
    .when([...POD, 'priorityClassName'], WHEN.priorityClass));
  // The claim outlives the release (uninstall, or persistence switched off): it holds the only
  // copy of the last pushes, and its volume may be deleted with it. An existing claim is never rendered.
  place([operator.node.tryFindChild('PushgatewayClaim') as ApiObject | undefined], { file: 'pushgateway-claim.yaml', condition: WHEN.pushgatewayNewClaim }, (e) => e
    .set(['metadata', 'annotations'], { 'helm.sh/resource-policy': 'keep' })
    .set(['spec', 'accessModes'], [value('.Values.pushgateway.persistence.accessMode')])
    .set(['spec', 'storageClassName'], value('.Values.pushgateway.persistence.storageClassName'))
    .when(['spec', 'storageClassName'], WHEN.pushgatewayStorageClass)
    .set(['spec', 'resources', 'requests', 'storage'], value('.Values.pushgateway.persistence.size')));
  place([operator.service], { file: 'service.yaml' }, (e) => e.when(['spec', 'ports', named('pushgateway')], WHEN.sidecar));
  place(licenseScope.node.findAll().filter(ApiObject.isApiObject), { file: 'license.yaml', condition: WHEN.licenseKeySecret }, (e) => e
    .set(['data', 'key.txt'], HelmValue.raw('.Values.license.key | b64enc | quote')));

  // Monitoring.
  const monitors = operator.serviceMonitors!;
  const monitorLabels = (e: ObjectEdits) => e.splice(['metadata', 'labels'], '.Values.monitoring.serviceMonitor.labels');
  place(monitors.metricsReader, { file: 'monitoring.yaml', condition: WHEN.monitorOperator });
  place([monitors.operatorMonitor], { file: 'monitoring.yaml', condition: WHEN.monitorOperator }, monitorLabels);
  place([monitors.pushgatewayMonitor], { file: 'monitoring.yaml', condition: WHEN.monitorPushgateway }, monitorLabels);
  // Operator-level alerts: each "down" rule only with the ServiceMonitor it reads.
  const ruleNamed = (name: string) => (r: any) => r.alert === name;
  place([operator.alerts?.apiObject], { file: 'monitoring.yaml', condition: WHEN.monitorAlerts }, (e) => e
    .splice(['metadata', 'labels'], '.Values.monitoring.alerts.labels')
    .when(['spec', 'groups', 0, 'rules', ruleNamed(OperatorAlert.OPERATOR_DOWN)], WHEN.monitorOperator)
    .when(['spec', 'groups', 0, 'rules', ruleNamed(OperatorAlert.PUSHGATEWAY_DOWN)], WHEN.monitorPushgateway));
  // The dashboard's JSON holds Grafana's own `{{label}}` legends: Helm must print them as text.
  place([operator.dashboard?.configMap], { file: 'monitoring.yaml', condition: WHEN.monitorDashboard }, (e) => e
    .set(['data', 'stash-pxc-backups.json'], backupDashboardJson().replace(/\{\{/g, '{{ `{{` }}')));

  // Task queue.
  place([operator.taskQueue?.taskQueue], { file: 'task-queue.yaml', condition: WHEN.taskQueue }, (e) => e
    .set(['spec', 'maxConcurrentTasks'], HelmValue.raw('.Values.taskQueue.maxConcurrentSessions')));

  // Catalog, one condition per version.
  catalog.versions.forEach((version, i) => {
    const objects = [catalog.backupFunctions[i], catalog.restoreFunctions[i], catalog.backupTasks[i], catalog.restoreTasks[i]];
    place(objects, { file: 'catalog.yaml', condition: WHEN.catalogVersion(version.line) });
  });

  // Every object must have a file: a new object without one would silently miss the chart.
  const all = chart.node.findAll().filter(ApiObject.isApiObject);
  const unplaced = all.filter((o) => !placements.has(o));
  if (unplaced.length > 0) throw new Error(`chart generator: no template file for ${unplaced.map((o) => o.node.path).join(', ')}`);

  const files = new Map<string, TemplateDocument[]>();
  const order = ['rbac.yaml', 'license.yaml', 'apiservices.yaml', 'service.yaml', 'pushgateway-claim.yaml', 'deployment.yaml', 'webhooks.yaml', 'monitoring.yaml', 'task-queue.yaml', 'catalog.yaml'];
  for (const name of order) files.set(name, []);
  for (const o of all) {
    const placement = placements.get(o)!;
    const json = o.toJson();
    edits.get(o)?.(new ObjectEdits(json, o.node.path));
    includeLabelTemplates(json);
    files.get(placement.file)!.push({ object: json, condition: placement.condition, literal: placement.literal });
  }

  const preambles: { [file: string]: string } = { [apiFile]: servingCertPreamble(), 'deployment.yaml': resourcesCheckPreamble() };
  const out: TemplateFile[] = order.map((name) => ({
    name,
    content: renderTemplateFile(files.get(name)!, preambles[name] ?? ''),
  }));
  out.push({ name: 'appbinding-crd.yaml', content: renderTemplateFile([appBindingCrdDocument()]) });
  out.push({ name: 'one-release-per-cluster.yaml', content: oneReleasePerClusterTemplate() });
  out.push({ name: 'license-roles-check.yaml', content: licenseRolesCheckTemplate() });
  return out;
}

/**
 * The AppBinding CRD as a template: optional (KubeDB installs it too), and kept on uninstall
 * because deleting a CRD deletes every AppBinding. Rendered only when it does not exist or this
 * release owns it (a `lookup`): a CRD that KubeDB or an uninstalled release left behind stays as
 * it is, instead of failing the install with Helm's "cannot be imported into the current release".
 */
function appBindingCrdDocument(): TemplateDocument {
  const crd = crdManifests(true).find((c) => c.spec.group === 'appcatalog.appscode.com');
  if (!crd) throw new Error('chart generator: the AppBinding CRD is missing from the CRD manifests');
  if (crd.metadata.name !== APP_BINDING_CRD_NAME) throw new Error(`chart generator: the AppBinding CRD is ${crd.metadata.name}, the chart looks up ${APP_BINDING_CRD_NAME}`);
  const quoted = (expr: string) => HelmValue.raw(`${expr} | quote`);
  const edits = new ObjectEdits(crd, 'AppBinding CRD');
  edits.set(['metadata', 'labels'], {
    ...crd.metadata.labels,
    'app.kubernetes.io/instance': quoted('.Release.Name'),
    'app.kubernetes.io/managed-by': quoted('.Release.Service'),
    'helm.sh/chart': quoted(`include "${CHART_NAME}.chart" .`),
  });
  edits.set(['metadata', 'annotations'], { 'helm.sh/resource-policy': 'keep' });
  return { object: crd, condition: WHEN.appBindingCrd, literal: true };
}
