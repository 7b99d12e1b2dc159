/**
 * The chart's named templates (`templates/_helpers.tpl`) and the expressions the chart generator
 * puts into the constructs' props. Kept as TypeScript so that one file names every helper that
 * the generated templates use.
 */
import {
  ADMISSION_API_SERVICES, apiServiceName, DEFAULT_LICENSE_API_SERVICE, OPERATOR_API_SERVICES, WEBHOOKLESS_LICENSE_API_SERVICE,
} from '../../src/install/operator-api-services';
import { LICENSE_CHECKER_CLUSTER_ROLE, LICENSE_READER_CLUSTER_ROLE } from '../../src/install/operator-rbac';
import { PUSHGATEWAY_PORT } from '../../src/api/stash/operator';
import { HELM_CERTIFICATE_VARIABLES } from '../../src/install/serving-certificates';
import { CHART_NAME } from './chart-info';

/** Template expressions, as strings the constructs accept in place of values. */
export const EXPR = {
  fullname: `{{ include "${CHART_NAME}.fullname" . }}`,
  name: `{{ include "${CHART_NAME}.name" . }}`,
  chart: `{{ include "${CHART_NAME}.chart" . }}`,
  namespace: '{{ .Release.Namespace }}',
  releaseName: '{{ .Release.Name }}',
  releaseService: '{{ .Release.Service }}',
  appVersion: '{{ .Chart.AppVersion }}',
  servingCertSecretName: `{{ include "${CHART_NAME}.servingCertSecretName" . }}`,
  licenseSecretName: `{{ include "${CHART_NAME}.licenseSecretName" . }}`,
  pushgatewayUrl: `{{ include "${CHART_NAME}.pushgatewayUrl" . }}`,
  pushgatewayClaimName: `{{ include "${CHART_NAME}.pushgatewayClaimName" . }}`,
  imagePullSecretNames: `{{ include "${CHART_NAME}.imagePullSecretNames" . }}`,
  certIssuerName: `{{ include "${CHART_NAME}.certIssuerName" . }}`,
  serviceAccountName: `{{ include "${CHART_NAME}.serviceAccountName" . }}`,
  licenseApiService: `{{ include "${CHART_NAME}.licenseApiService" . }}`,
};

/** Conditions (template pipelines) that switch parts of the chart. */
export const WHEN = {
  certHelm: 'eq .Values.certificates.mode "helm"',
  certManager: 'eq .Values.certificates.mode "certManager"',
  notCertManager: 'ne .Values.certificates.mode "certManager"',
  selfSignedIssuer: 'and (eq .Values.certificates.mode "certManager") (not .Values.certificates.certManager.issuer.name)',
  anyWebhook: 'or .Values.webhooks.mutating .Values.webhooks.validating',
  mutating: '.Values.webhooks.mutating',
  validating: '.Values.webhooks.validating',
  sidecar: 'not .Values.pushgateway.externalUrl',
  pushgatewayPersistence: '.Values.pushgateway.persistence.enabled',
  noPushgatewayPersistence: 'not .Values.pushgateway.persistence.enabled',
  pushgatewayNewClaim: 'and .Values.pushgateway.persistence.enabled (not .Values.pushgateway.persistence.existingClaim) (not .Values.pushgateway.externalUrl)',
  pushgatewayStorageClass: '.Values.pushgateway.persistence.storageClassName',
  license: `include "${CHART_NAME}.licenseSecretName" .`,
  licenseKeySecret: 'and .Values.license.key (not .Values.license.secretName)',
  pullSecrets: '.Values.imagePullSecrets',
  priorityClass: '.Values.priorityClassName',
  taskQueue: '.Values.taskQueue.enabled',
  monitorOperator: '.Values.monitoring.operator',
  monitorPushgateway: 'and .Values.monitoring.pushgateway (not .Values.pushgateway.externalUrl)',
  monitorAlerts: '.Values.monitoring.alerts.enabled',
  monitorDashboard: '.Values.monitoring.dashboard.enabled',
  licenseRoles: '.Values.rbac.createLicenseRoles',
  createServiceAccount: '.Values.serviceAccount.create',
  catalogVersion: (line: string) => `and .Values.catalog.enabled (has "${line}" .Values.catalog.versions)`,
  appBindingCrd: `and .Values.crds.appBinding (include "${CHART_NAME}.appBindingCrdIsOurs" .)`,
  jobClusterRole: (name: string) => `include "${CHART_NAME}.absentOrOwned" (dict "object" (lookup "rbac.authorization.k8s.io/v1" "ClusterRole" "" "${name}") "Release" .Release)`,
};

/** The name of the AppBinding CRD, which the chart installs only when no one else owns it. */
export const APP_BINDING_CRD_NAME = 'appbindings.appcatalog.appscode.com';

/**
 * The labels by which the chart recognizes an installed operator (every object of the operator
 * carries them, whatever the release and name overrides); its ClusterRoles are looked up.
 */
export const OPERATOR_LABELS = { 'app.kubernetes.io/part-of': 'stash-pxc', 'app.kubernetes.io/component': 'operator' } as const;

/** The labels of every object but the component, with their values (expressions or text), in order. */
const CHART_COMMON: Array<[string, string]> = [
  ['app.kubernetes.io/instance', '.Release.Name'],
  ['app.kubernetes.io/managed-by', '.Release.Service'],
  ['app.kubernetes.io/name', `include "${CHART_NAME}.name" .`],
  ['app.kubernetes.io/part-of', '=stash-pxc'],
  ['app.kubernetes.io/version', '.Chart.AppVersion'],
  ['helm.sh/chart', `include "${CHART_NAME}.chart" .`],
];
const CHART_SELECTOR = CHART_COMMON.filter(([k]) => k === 'app.kubernetes.io/instance' || k === 'app.kubernetes.io/name');

/** `key: {{ expr | quote }}` lines (a value starting with `=` is text). */
function labelLines(labels: Array<[string, string]>): string {
  return labels.map(([k, v]) => (v.startsWith('=') ? `${k}: ${v.slice(1)}` : `${k}: {{ ${v} | quote }}`)).join('\n');
}

/** The label expressions of `labelLines` as the strings the constructs carry (`{{ expr }}`, or text). */
export function chartLabelValues(which: 'common' | 'selector'): { [key: string]: string } {
  const labels = which === 'common' ? CHART_COMMON : CHART_SELECTOR;
  return Object.fromEntries(labels.map(([k, v]) => [k, v.startsWith('=') ? v.slice(1) : `{{ ${v} }}`]));
}

const quoteList = (items: readonly string[]) => items.map((i) => `"${i}"`).join(' ');

/** `templates/_helpers.tpl`. */
export function helpersTpl(): string {
  const n = CHART_NAME;
  return `{{/* Generated by \`npm run synth\` from generator/chart/helm-helpers.ts; do not edit. */}}

{{/* The chart name, or nameOverride. */}}
{{- define "${n}.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
The base name of the objects: fullnameOverride, else the release name when it holds the chart
name, else "<release>-<chart>"; at most 63 characters (it names a Service).
*/}}
{{- define "${n}.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* "<chart>-<version>" for the helm.sh/chart label. */}}
{{- define "${n}.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
The labels of every object besides app.kubernetes.io/component (which each object sets before
them). One list, so every object and the chart's own lookups agree.
*/}}
{{- define "${n}.labels" -}}
${labelLines(CHART_COMMON)}
{{- end -}}

{{/* The labels that select the operator Pod. */}}
{{- define "${n}.selectorLabels" -}}
${labelLines(CHART_SELECTOR)}
{{- end -}}

{{/* The operator's ServiceAccount: serviceAccount.name, else the base name. */}}
{{- define "${n}.serviceAccountName" -}}
{{- default (include "${n}.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{/*
The APIService the addons ask for the license (the operator's --license-apiservice). Every backup
and restore Job looks it up first and calls /appscode/license on its Service, so it must be one
the chart registers: license.apiService, else ${DEFAULT_LICENSE_API_SERVICE} while a webhook is
on, else ${WEBHOOKLESS_LICENSE_API_SERVICE} (the operator serves the admission groups only with a
webhook, the snapshot group always). Fails the install for any other name.
*/}}
{{- define "${n}.licenseApiService" -}}
{{- $webhooks := or .Values.webhooks.mutating .Values.webhooks.validating -}}
{{- $registered := list ${quoteList([WEBHOOKLESS_LICENSE_API_SERVICE])} -}}
{{- if $webhooks -}}
{{- $registered = concat (list ${quoteList(ADMISSION_API_SERVICES.map(apiServiceName))}) $registered -}}
{{- end -}}
{{- $name := .Values.license.apiService | default (ternary "${DEFAULT_LICENSE_API_SERVICE}" "${WEBHOOKLESS_LICENSE_API_SERVICE}" $webhooks) -}}
{{- if not (has $name $registered) -}}
{{- if has $name (list ${quoteList(OPERATOR_API_SERVICES.map(apiServiceName))}) -}}
{{- fail (printf "license.apiService=%s: the chart registers that APIService only while a webhook is on (webhooks.mutating or webhooks.validating), and every backup and restore Job looks it up for the license check; leave license.apiService empty (then %s is used) or set it to %s" $name "${WEBHOOKLESS_LICENSE_API_SERVICE}" "${WEBHOOKLESS_LICENSE_API_SERVICE}") -}}
{{- else -}}
{{- fail (printf "license.apiService=%s is not an APIService of this chart (%s), so every backup and restore Job would fail its license check; leave license.apiService empty, or set it to one of those" $name (join ", " $registered)) -}}
{{- end -}}
{{- end -}}
{{- $name -}}
{{- end -}}

{{/*
With rbac.createLicenseRoles=false, the ClusterRoles ${LICENSE_READER_CLUSTER_ROLE} and ${LICENSE_CHECKER_CLUSTER_ROLE} must
exist already (the operator binds every backup Job to the reader): fails when the cluster answers
and one is missing, or is this release's own (the upgrade would delete it).
(dict "connected" <kube-system lookup> "reader" <lookup> "checker" <lookup> "Release" .Release)
*/}}
{{- define "${n}.requireLicenseRoles" -}}
{{- if .connected -}}
{{- $release := .Release -}}
{{- $missing := list -}}
{{- $ours := list -}}
{{- range $name, $role := dict "${LICENSE_READER_CLUSTER_ROLE}" .reader "${LICENSE_CHECKER_CLUSTER_ROLE}" .checker -}}
{{- if not $role -}}
{{- $missing = append $missing $name -}}
{{- else if and (eq (dig "metadata" "annotations" "meta.helm.sh/release-name" "" $role) $release.Name) (eq (dig "metadata" "annotations" "meta.helm.sh/release-namespace" "" $role) $release.Namespace) -}}
{{- $ours = append $ours $name -}}
{{- end -}}
{{- end -}}
{{- if $missing -}}
{{- fail (printf "rbac.createLicenseRoles=false, but the ClusterRole(s) %s do not exist: the operator binds every backup and restore Job to ${LICENSE_READER_CLUSTER_ROLE} for the license check and runs with ${LICENSE_CHECKER_CLUSTER_ROLE}; set rbac.createLicenseRoles=true, or install what provides them (KubeDB, ace-user-roles) first" (join ", " $missing)) -}}
{{- else if $ours -}}
{{- fail (printf "rbac.createLicenseRoles=false, but the ClusterRole(s) %s belong to this release, so the upgrade would delete them and every backup and restore Job would fail its license check; keep rbac.createLicenseRoles=true" (join ", " $ours)) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The Secret with the operator's serving certificate. */}}
{{- define "${n}.servingCertSecretName" -}}
{{- if eq .Values.certificates.mode "provided" -}}
{{- required "certificates.provided.secretName is required with certificates.mode=provided" .Values.certificates.provided.secretName -}}
{{- else -}}
{{- printf "%s-apiserver-cert" (include "${n}.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* The issuer of the cert-manager Certificate: the one given, or the chart's self-signed Issuer. */}}
{{- define "${n}.certIssuerName" -}}
{{- default (printf "%s-selfsigned" (include "${n}.fullname" .)) .Values.certificates.certManager.issuer.name -}}
{{- end -}}

{{/* The Secret with the license (empty without a license). */}}
{{- define "${n}.licenseSecretName" -}}
{{- if .Values.license.secretName -}}
{{- .Values.license.secretName -}}
{{- else if .Values.license.key -}}
{{- printf "%s-license" (include "${n}.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/*
Where Jobs push metrics: the external Pushgateway, or the sidecar behind the Service. Fails for
persistence without a sidecar (the deployment always renders this).
*/}}
{{- define "${n}.pushgatewayUrl" -}}
{{- if and .Values.pushgateway.externalUrl .Values.pushgateway.persistence.enabled -}}
{{- fail "pushgateway.persistence.enabled: is true, but with pushgateway.externalUrl there is no Pushgateway sidecar to keep a volume for. Fix: set pushgateway.persistence.enabled=false (the external Pushgateway persists on its own), or empty pushgateway.externalUrl" -}}
{{- end -}}
{{- if .Values.pushgateway.externalUrl -}}
{{- .Values.pushgateway.externalUrl -}}
{{- else -}}
{{- printf "http://%s.%s.svc:${PUSHGATEWAY_PORT}" (include "${n}.fullname" .) .Release.Namespace -}}
{{- end -}}
{{- end -}}

{{/*
The claim of the Pushgateway sidecar's file: persistence.existingClaim (never changed by the
chart), else "<fullname>-pushgateway", which the chart creates. Fails for settings that would
leave the sidecar unable to write it or that the chart would silently ignore.
*/}}
{{- define "${n}.pushgatewayClaimName" -}}
{{- $p := .Values.pushgateway.persistence -}}
{{- if and $p.existingClaim $p.storageClassName -}}
{{- fail (printf "pushgateway.persistence.storageClassName: %s is set with existingClaim %s, whose class is already chosen. Fix: empty storageClassName, or empty existingClaim to have the chart create the claim" $p.storageClassName $p.existingClaim) -}}
{{- end -}}
{{- if not (hasKey .Values.podSecurityContext "fsGroup") -}}
{{- fail "podSecurityContext.fsGroup: is not set, so the non-root Pushgateway cannot write its persistent volume. Fix: set podSecurityContext.fsGroup (65535 by default), or pushgateway.persistence.enabled=false" -}}
{{- end -}}
{{- default (printf "%s-pushgateway" (include "${n}.fullname" .)) $p.existingClaim -}}
{{- end -}}

{{/*
One release per cluster: fails when an operator installed by another release (or without Helm)
exists, recognized by its ClusterRoles' labels (${Object.entries(OPERATOR_LABELS).map(([k, v]) => `${k}=${v}`).join(', ')}).
Two operators would both reconcile every backup, and the APIServices, webhook configurations and
catalog are cluster-wide. \`lookup\` finds nothing under \`helm template\` and \`helm lint\`.
*/}}
{{- define "${n}.oneReleasePerCluster" -}}
{{- include "${n}.refuseOtherOperators" (dict "clusterRoles" (dig "items" (list) (lookup "rbac.authorization.k8s.io/v1" "ClusterRole" "" "")) "Release" .Release) -}}
{{- end -}}

{{/* The check of oneReleasePerCluster on given ClusterRoles (dict "clusterRoles" list "Release" .Release). */}}
{{- define "${n}.refuseOtherOperators" -}}
{{- $release := .Release -}}
{{- $why := "one release per cluster (the operator, its APIServices, webhook configurations and catalog are cluster-wide)" -}}
{{- range .clusterRoles -}}
{{- if and ${Object.entries(OPERATOR_LABELS).map(([k, v]) => `(eq (dig "metadata" "labels" "${k}" "" .) "${v}")`).join(' ')} -}}
{{- $owner := dig "metadata" "annotations" "meta.helm.sh/release-name" "" . -}}
{{- $ownerNamespace := dig "metadata" "annotations" "meta.helm.sh/release-namespace" "" . -}}
{{- if not $owner -}}
{{- fail (printf "${n} is already installed without Helm (ClusterRole %s, e.g. from dist/install.yaml): %s; remove that install first" (dig "metadata" "name" "" .) $why) -}}
{{- else if or (ne $owner $release.Name) (ne $ownerNamespace $release.Namespace) -}}
{{- fail (printf "${n} is already installed as release %s in namespace %s: %s; upgrade that release, or uninstall it first" $owner $ownerNamespace $why) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
"true" when the chart may render the AppBinding CRD: it does not exist yet, or this release owns
it (Helm's meta.helm.sh annotations). A CRD that KubeDB, kubectl or an uninstalled release (it is
kept on uninstall) left is used as it is, not taken over. Under \`helm template\` it is rendered.
*/}}
{{- define "${n}.appBindingCrdIsOurs" -}}
{{- include "${n}.absentOrOwned" (dict "object" (lookup "apiextensions.k8s.io/v1" "CustomResourceDefinition" "" "${APP_BINDING_CRD_NAME}") "Release" .Release) -}}
{{- end -}}

{{/* "true" when the object (of a lookup) is empty or belongs to the release (dict "object" obj "Release" .Release). */}}
{{- define "${n}.absentOrOwned" -}}
{{- if not .object -}}
true
{{- else if and (eq (dig "metadata" "annotations" "meta.helm.sh/release-name" "" .object) .Release.Name) (eq (dig "metadata" "annotations" "meta.helm.sh/release-namespace" "" .object) .Release.Namespace) -}}
true
{{- end -}}
{{- end -}}

{{/*
The value of a Kubernetes quantity ("100m", "1Gi", "1.5G", "2e3", 4) as a number, to compare a
request with its limit: the schema has checked its form.
*/}}
{{- define "${n}.quantityValue" -}}
{{- $q := toString . -}}
{{- $suffix := regexFind "([KMGTPE]i|[numkMGTPE])$" $q -}}
{{- $factor := get (dict ${QUANTITY_FACTORS}) $suffix | default 1.0 -}}
{{- mulf (float64 (trimSuffix $suffix $q)) $factor -}}
{{- end -}}

{{/*
Fails when a container's request is above its limit for the same resource, which the API server
refuses (dict "resources" the values "path" their values path).
*/}}
{{- define "${n}.checkResources" -}}
{{- $limits := .resources.limits | default dict -}}
{{- range $resource, $request := .resources.requests | default dict -}}
{{- if hasKey $limits $resource -}}
{{- $limit := get $limits $resource -}}
{{- if gt (include "${n}.quantityValue" $request | float64) (include "${n}.quantityValue" $limit | float64) -}}
{{- fail (printf "%s.requests.%s: %v is above the limit %v, which the API server refuses. Fix: lower %s.requests.%s or raise %s.limits.%s" $.path $resource $request $limit $.path $resource $.path $resource) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The image pull Secret names, comma-separated, for the operator's --image-pull-secrets. */}}
{{- define "${n}.imagePullSecretNames" -}}
{{- $names := list -}}
{{- range .Values.imagePullSecrets -}}
{{- $names = append $names .name -}}
{{- end -}}
{{- join "," $names -}}
{{- end -}}
`;
}

/**
 * The preamble of the template file with the serving certificate and the APIServices: it defines
 * the variables that the Secret and the caBundles read. In \`helm\` mode it reuses the CA and
 * certificate of the existing Secret (lookup), so upgrades keep them, and generates new ones on
 * first install; in \`provided\` mode the CA is the value given.
 */
export function servingCertPreamble(): string {
  const v = HELM_CERTIFICATE_VARIABLES;
  const n = CHART_NAME;
  return `{{- ${v.caBundle} := "" }}
{{- ${v.certificate} := "" }}
{{- ${v.privateKey} := "" }}
{{- if eq .Values.certificates.mode "helm" }}
{{- $fullname := include "${n}.fullname" . }}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (include "${n}.servingCertSecretName" .) }}
{{- if and (dig "data" "ca.crt" "" $existing) (dig "data" "tls.crt" "" $existing) (dig "data" "tls.key" "" $existing) }}
{{- ${v.caBundle} = dig "data" "ca.crt" "" $existing }}
{{- ${v.certificate} = dig "data" "tls.crt" "" $existing }}
{{- ${v.privateKey} = dig "data" "tls.key" "" $existing }}
{{- else }}
{{- $ca := genCA (printf "%s-ca" $fullname) 3650 }}
{{- $cert := genSignedCert $fullname nil (list (printf "%s.%s" $fullname .Release.Namespace) (printf "%s.%s.svc" $fullname .Release.Namespace)) 3650 $ca }}
{{- ${v.caBundle} = b64enc $ca.Cert }}
{{- ${v.certificate} = b64enc $cert.Cert }}
{{- ${v.privateKey} = b64enc $cert.Key }}
{{- end }}
{{- else if eq .Values.certificates.mode "provided" }}
{{- ${v.caBundle} = required "certificates.provided.caBundle is required with certificates.mode=provided" .Values.certificates.provided.caBundle }}
{{- end }}`;
}

/** The multipliers of the quantity suffixes, as `dict` arguments. */
const QUANTITY_FACTORS = Object.entries({
  n: '0.000000001', u: '0.000001', m: '0.001', k: '1000.0', M: '1000000.0', G: '1000000000.0', T: '1000000000000.0', P: '1000000000000000.0', E: '1000000000000000000.0',
  Ki: '1024.0', Mi: '1048576.0', Gi: '1073741824.0', Ti: '1099511627776.0', Pi: '1125899906842624.0', Ei: '1152921504606846976.0',
}).map(([suffix, factor]) => `"${suffix}" ${factor}`).join(' ');

/** The preamble of the Deployment's template: refuses a request above its limit before the API server would. */
export function resourcesCheckPreamble(): string {
  return `{{- include "${CHART_NAME}.checkResources" (dict "resources" .Values.operator.resources "path" "operator.resources") }}
{{- if ${WHEN.sidecar} }}
{{- include "${CHART_NAME}.checkResources" (dict "resources" .Values.pushgateway.resources "path" "pushgateway.resources") }}
{{- end }}`;
}

/** `templates/license-roles-check.yaml`: renders nothing, refuses an install whose Jobs could not read the license. */
export function licenseRolesCheckTemplate(): string {
  const lookup = (name: string) => `(lookup "rbac.authorization.k8s.io/v1" "ClusterRole" "" "${name}")`;
  return `{{- /* Generated by \`npm run synth\` from generator/chart/helm-helpers.ts; do not edit. */}}
{{- /* With rbac.createLicenseRoles=false, the license ClusterRoles must exist already; see _helpers.tpl. */}}
{{- if not .Values.rbac.createLicenseRoles }}
{{- include "${CHART_NAME}.requireLicenseRoles" (dict "connected" (lookup "v1" "Namespace" "" "kube-system") "reader" ${lookup(LICENSE_READER_CLUSTER_ROLE)} "checker" ${lookup(LICENSE_CHECKER_CLUSTER_ROLE)} "Release" .Release) }}
{{- end }}
`;
}

/** `templates/one-release-per-cluster.yaml`: renders nothing, refuses a second release. */
export function oneReleasePerClusterTemplate(): string {
  return `{{- /* Generated by \`npm run synth\` from generator/chart/helm-helpers.ts; do not edit. */}}
{{- /* Refuses to install a second operator into the cluster; see _helpers.tpl. */}}
{{- include "${CHART_NAME}.oneReleasePerCluster" . }}
`;
}

/** `templates/NOTES.txt`. */
export function notesTxt(): string {
  const n = CHART_NAME;
  return `{{- /* Generated by \`npm run synth\`; do not edit. */ -}}
{{- $fullname := include "${n}.fullname" . -}}
{{- $licenseApiService := include "${n}.licenseApiService" . -}}
Stash Enterprise {{ .Chart.AppVersion }} with the Percona XtraDB catalog is installed as
"{{ $fullname }}" in namespace {{ .Release.Namespace }}.

Its parts:

  kubectl get deployment --namespace {{ .Release.Namespace }} -l "app.kubernetes.io/instance={{ .Release.Name }}"
  kubectl get apiservice -l "app.kubernetes.io/instance={{ .Release.Name }}"
{{- if .Values.catalog.enabled }}
  kubectl get functions.stash.appscode.com,tasks.stash.appscode.com -l "app.kubernetes.io/instance={{ .Release.Name }}"
{{- end }}
{{- if eq .Values.certificates.mode "certManager" }}

The serving certificate comes from cert-manager: it must run in the cluster, and the APIServices
get their CA once its CA injector has seen Certificate {{ include "${n}.servingCertSecretName" . }}.
This mode suits every tool: helm install/upgrade, Flux, Argo CD and committed manifests.
{{- else if eq .Values.certificates.mode "provided" }}

The serving certificate is your Secret {{ include "${n}.servingCertSecretName" . }} and its CA
certificates.provided.caBundle; renew both before they expire. This mode suits every tool.
{{- else }}

certificates.mode=helm: the chart generated the CA and the serving certificate and key at the
first install, and reads them back from Secret {{ include "${n}.servingCertSecretName" . }} on every
upgrade. That needs the cluster at render time: helm install and helm upgrade have it (also run by
Flux's helm-controller); helm template, and Argo CD, which renders with it, do not. There, each
render generates a new CA and key: every sync rotates the certificate and the APIServices'
caBundle, and manifests committed to Git carry the private key. With Argo CD or rendered
manifests, use certificates.mode=certManager or certificates.mode=provided.
{{- end }}
{{- if not (include "${n}.licenseSecretName" .) }}

No license was given (license.key or license.secretName): the operator asks the cluster's
license proxy server for one.
{{- end }}
{{- if not .Values.rbac.createLicenseRoles }}
{{- if lookup "v1" "Namespace" "" "kube-system" }}

rbac.createLicenseRoles=false: the ClusterRoles ${LICENSE_READER_CLUSTER_ROLE} and ${LICENSE_CHECKER_CLUSTER_ROLE}
were found in the cluster.
{{- else }}

rbac.createLicenseRoles=false, and the chart could not look the ClusterRoles ${LICENSE_READER_CLUSTER_ROLE}
and ${LICENSE_CHECKER_CLUSTER_ROLE} up (no cluster connection, e.g. a dry run). Without them every
backup and restore Job fails its license check; check they exist:

  kubectl get clusterrole ${LICENSE_READER_CLUSTER_ROLE} ${LICENSE_CHECKER_CLUSTER_ROLE}
{{- end }}
{{- end }}
{{- if not (or .Values.webhooks.mutating .Values.webhooks.validating) }}

Both webhooks are off: the operator serves only ${WEBHOOKLESS_LICENSE_API_SERVICE}, which also
carries the license endpoint for backup and restore Jobs.
{{- end }}
{{- if .Values.taskQueue.enabled }}

The task queue needs the TaskQueue operator (oci://ghcr.io/appscode-charts/taskqueue), which
brings the TaskQueue and PendingTask CRDs.
{{- end }}
{{- if .Values.pushgateway.externalUrl }}

Backup metrics go to {{ .Values.pushgateway.externalUrl }}.
{{- end }}

Before the first backup, check that its Jobs can pass their license check. Every backup and
restore Job looks up APIService {{ $licenseApiService }} and calls /appscode/license on
port 443 of its Service, trusting its caBundle, with the Job's own token. These must succeed:
the APIService is Available, the operator is Ready, and the license endpoint answers
"status":"active" to a token bound to ${LICENSE_READER_CLUSTER_ROLE} (the operator's own, here):

  kubectl wait --for=condition=Available --timeout=3m apiservice/{{ $licenseApiService }}
  kubectl rollout status deployment/{{ $fullname }} --namespace {{ .Release.Namespace }} --timeout=3m
  kubectl port-forward --namespace {{ .Release.Namespace }} service/{{ $fullname }} 8443:443 >/dev/null & sleep 3; curl -fsS --cacert <(kubectl get apiservice {{ $licenseApiService }} -o jsonpath='{.spec.caBundle}' | base64 -d) --resolve {{ $fullname }}.{{ .Release.Namespace }}.svc:8443:127.0.0.1 -H "Authorization: Bearer $(kubectl create token {{ include "${n}.serviceAccountName" . }} --namespace {{ .Release.Namespace }})" https://{{ $fullname }}.{{ .Release.Namespace }}.svc:8443/appscode/license; kill $!
`;
}
