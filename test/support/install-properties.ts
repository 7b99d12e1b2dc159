/**
 * Random prop sets for the once-per-cluster install (StashOperator with everything it composes,
 * StashCrds, PerconaXtraDbCatalog), valid and hostile, as plain data ("specs") that fast-check
 * can print and shrink, and a builder that turns a spec into constructs in a chart. Values are
 * plain: the Helm expressions the chart generator passes are the generator's own business.
 */
import { Chart, Size, Testing } from 'cdk8s';
import { ImagePullPolicy, k8s, PersistentVolumeAccessMode } from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { PerconaXtraDbVersion } from '../../src/api/perconaxtradb';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../../src/core/security-context';
import { AdmissionWebhooks, WebhookFailurePolicy } from '../../src/install/admission-webhooks';
import { OperatorApiServices } from '../../src/install/operator-api-services';
import { OperatorRbac } from '../../src/install/operator-rbac';
import { OperatorServiceMonitors } from '../../src/install/operator-service-monitors';
import { OperatorTaskQueue } from '../../src/install/operator-task-queue';
import { OperatorLicense } from '../../src/install/operator-license';
import { PerconaXtraDbCatalog } from '../../src/install/perconaxtradb-catalog';
import { Pushgateway } from '../../src/install/pushgateway';
import { PushgatewayPersistence } from '../../src/install/pushgateway-persistence';
import { ServingCertificates } from '../../src/install/serving-certificates';
import { StashCrds } from '../../src/install/stash-crds';
import { StashOperator } from '../../src/install/stash-operator';
import { int, label, labels, maybe, mostly, name, Outcome, synthesizeBuilt } from './properties';

const TEST_CA = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64');
/** What a JavaScript caller may pass where a list or struct belongs. */
const WRONG_TYPES = [null, 'text', 42, true, {}, [], NaN];

// ---------------------------------------------------------------------------------------------
// Images and quantities.

const imageSpec = fc.record({
  registry: maybe(mostly(fc.constantFrom('ghcr.io/stashed', 'docker.io', 'registry.example.com:5000/mirror', 'localhost:5000'),
    fc.constantFrom('', 'https://ghcr.io', 'ghcr.io/', 'Ghcr.io/Stashed', 'a b', 'ghcr.io//x', ':5000', 7))),
  repository: maybe(mostly(fc.constantFrom('stash-enterprise', 'pushgateway', 'mirror/stash', 'a.b_c'),
    fc.constantFrom('', 'Stash', 'stash:v1', 'stash@sha256:00', '/stash', 'stash/', 'a b'))),
  tag: maybe(mostly(fc.constantFrom('v0.42.1', 'latest', '1.4.2', 'v1_2'), fc.constantFrom('', '.v1', '-v1', 'v 1', 'x'.repeat(129), 'a:b', 3))),
}, { requiredKeys: [] });

const GOOD_QUANTITIES = ['100m', '1', '0.5', '250m', '128Mi', '1Gi', '2', '512Ki', '1e3', '0'];
const BAD_QUANTITIES = ['', 'abc', '-1', '1.5.5', '1Gb', '1 Gi', '1ki', '0.5Ki', '1e100', 'NaN'];
const quantitySpec = mostly(fc.constantFrom(...GOOD_QUANTITIES), fc.oneof(fc.constantFrom(...BAD_QUANTITIES), fc.constantFrom(NaN, Infinity, -1, 0.5, 2 ** 70)));
const resourceName = mostly(fc.constantFrom('cpu', 'memory', 'ephemeral-storage'), fc.constantFrom('gpu', 'example.com/gpu', 'CPU', 'bad name', 'hugepages-2Mi'));
const resourcesSpec = fc.record({
  requests: maybe(fc.dictionary(resourceName, quantitySpec, { maxKeys: 2 })),
  limits: maybe(fc.dictionary(resourceName, quantitySpec, { maxKeys: 2 })),
}, { requiredKeys: [] });
function quantityOf(q: string | number): k8s.Quantity {
  return typeof q === 'number' ? k8s.Quantity.fromNumber(q) : k8s.Quantity.fromString(q);
}
function resources(s: any): k8s.ResourceRequirements {
  const map = (m?: { [k: string]: string | number }) => (m === undefined ? undefined : Object.fromEntries(Object.entries(m).map(([k, v]) => [k, quantityOf(v)])));
  return { requests: map(s.requests), limits: map(s.limits) };
}

/** Probe options: timings in and out of their ranges, switches of the wrong type. */
const timing = (min: number, max: number) => mostly(int(min, max), fc.constantFrom(min - 1, max + 1, 0.5, NaN, Infinity, '10'));
const probeSpec = mostly(fc.record({
  enabled: maybe(mostly(fc.boolean(), fc.constantFrom('no', 0))),
  initialDelaySeconds: maybe(timing(0, 3600)),
  periodSeconds: maybe(timing(1, 3600)),
  timeoutSeconds: maybe(timing(1, 3600)),
  failureThreshold: maybe(timing(1, 100)),
}, { requiredKeys: [] }), fc.constantFrom(null, 'off', 5));
const probesSpec = mostly(fc.record({ readiness: maybe(probeSpec), liveness: maybe(probeSpec) }, { requiredKeys: [] }), fc.constantFrom(null, 'off', []));

// ---------------------------------------------------------------------------------------------
// Pod settings the operator passes through.

const labelKey = mostly(fc.oneof(label, fc.tuple(label, label).map(([a, b]) => `${a}.example.com/${b}`)), fc.constantFrom('bad key', '/x', 'a/b/c', 'UPPER.example.com/x'));
const labelValue = mostly(fc.oneof(label, fc.constant('')), fc.constantFrom('a b', 'x'.repeat(64), '-x'));

/** Mostly undefined: an optional prop that most users leave out. */
function rarely<T>(arb: fc.Arbitrary<T>, weight = 3): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
}
const effect = mostly(fc.constantFrom('NoSchedule', 'PreferNoSchedule', 'NoExecute'), fc.constantFrom('NoRun', 'noschedule'));
const tolerationSpec = mostly(
  fc.oneof(
    fc.record({ key: labelKey, operator: fc.constant('Equal'), value: labelValue, effect: maybe(effect) }, { requiredKeys: ['key', 'operator', 'value'] }),
    fc.record({ key: maybe(labelKey), operator: fc.constant('Exists'), effect: maybe(effect) }, { requiredKeys: ['operator'] }),
    fc.record({ key: labelKey, effect: fc.constant('NoExecute'), tolerationSeconds: int(0, 3600) }),
  ),
  fc.record({
    key: maybe(labelKey),
    operator: maybe(mostly(fc.constantFrom('Equal', 'Exists'), fc.constantFrom('Gt', 'equal', ''))),
    value: maybe(labelValue),
    effect: maybe(effect),
    tolerationSeconds: maybe(int(0, 3600)),
  }, { requiredKeys: [] }),
);

const requirementSpec = mostly(
  fc.oneof(
    fc.record({ key: labelKey, operator: fc.constantFrom('In', 'NotIn'), values: fc.array(labelValue, { minLength: 1, maxLength: 2 }) }),
    fc.record({ key: labelKey, operator: fc.constantFrom('Exists', 'DoesNotExist') }),
  ),
  fc.record({
    key: labelKey,
    operator: mostly(fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist'), fc.constantFrom('Gt', 'in', '')),
    values: maybe(fc.array(labelValue, { maxLength: 2 })),
  }),
);
const podTermSpec = fc.record({
  topologyKey: mostly(fc.constantFrom('kubernetes.io/hostname', 'topology.kubernetes.io/zone'), fc.constantFrom('', 'bad key')),
  labelSelector: maybe(fc.record({ matchLabels: maybe(fc.dictionary(labelKey, labelValue, { maxKeys: 2 })), matchExpressions: maybe(fc.array(requirementSpec, { maxLength: 2 })) }, { requiredKeys: [] })),
});
const affinitySpec = fc.record({
  nodeAffinity: maybe(fc.record({
    requiredDuringSchedulingIgnoredDuringExecution: maybe(fc.record({ nodeSelectorTerms: fc.array(fc.record({ matchExpressions: fc.array(requirementSpec, { maxLength: 2 }) }), { maxLength: 2 }) })),
    preferredDuringSchedulingIgnoredDuringExecution: maybe(fc.array(fc.record({ weight: int(1, 100), preference: fc.record({ matchExpressions: fc.array(requirementSpec, { maxLength: 1 }) }) }), { maxLength: 2 })),
  }, { requiredKeys: [] })),
  podAntiAffinity: maybe(fc.record({
    preferredDuringSchedulingIgnoredDuringExecution: maybe(fc.array(fc.record({ weight: int(1, 100), podAffinityTerm: podTermSpec }), { maxLength: 2 })),
    requiredDuringSchedulingIgnoredDuringExecution: maybe(fc.array(podTermSpec, { maxLength: 1 })),
  }, { requiredKeys: [] })),
}, { requiredKeys: [] });

const containerSecuritySpec = fc.record({
  runAsUser: maybe(int(1, 65535)),
  runAsGroup: maybe(int(1, 65535)),
  break: rarely(fc.constantFrom('privileged', 'escalation', 'root', 'writable', 'caps', 'seccomp', 'unknownField', 'procMount'), 12),
}, { requiredKeys: [] });
function containerSecurity(s: any): k8s.SecurityContext {
  const base: any = { ...restrictedContainerSecurityContext(), ...(s.runAsUser !== undefined ? { runAsUser: s.runAsUser } : {}), ...(s.runAsGroup !== undefined ? { runAsGroup: s.runAsGroup } : {}) };
  switch (s.break) {
    case 'privileged': return { ...base, privileged: true };
    case 'escalation': return { ...base, allowPrivilegeEscalation: true };
    case 'root': return { ...base, runAsUser: 0 };
    case 'writable': return { ...base, readOnlyRootFilesystem: false };
    case 'caps': return { ...base, capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } };
    case 'seccomp': return { ...base, seccompProfile: { type: 'Localhost' } };
    case 'unknownField': return { ...base, runAsUserName: 'x' };
    case 'procMount': return { ...base, procMount: 'Weird' };
    default: return base;
  }
}
const podSecuritySpec = fc.record({
  fsGroup: maybe(int(1, 65535)),
  supplementalGroups: maybe(fc.array(int(1, 65535), { maxLength: 2 })),
  break: rarely(fc.constantFrom('root', 'seccomp', 'fsGroupChangePolicy', 'sysctl'), 12),
}, { requiredKeys: [] });
function podSecurity(s: any): k8s.PodSecurityContext {
  const base: any = { ...restrictedPodSecurityContext(), ...(s.fsGroup !== undefined ? { fsGroup: s.fsGroup } : {}), ...(s.supplementalGroups ? { supplementalGroups: s.supplementalGroups } : {}) };
  switch (s.break) {
    case 'root': return { ...base, runAsNonRoot: false };
    case 'seccomp': return { ...base, seccompProfile: { type: 'Unconfined' } };
    case 'fsGroupChangePolicy': return { ...base, fsGroupChangePolicy: 'Never' };
    case 'sysctl': return { ...base, sysctls: [{ name: 'bad sysctl', value: '1' }] };
    default: return base;
  }
}

// ---------------------------------------------------------------------------------------------
// Extra env, volumes, mounts, args.

const envSpec = fc.oneof(
  { weight: 6, arbitrary: fc.record({ name: mostly(fc.constantFrom('GOMAXPROCS', 'HTTP_PROXY', 'log.level', 'X-1'), fc.constantFrom('', '1X', 'A B', 'POD_NAME', 'a=b')), value: maybe(fc.constantFrom('1', '', 'x y')) }, { requiredKeys: ['name'] }) },
  { weight: 2, arbitrary: fc.record({ name: fc.constantFrom('TOKEN', 'KEY'), secret: mostly(fc.constantFrom('creds', 'my.secret'), fc.constantFrom('', 'Bad_Name')), key: mostly(fc.constantFrom('token', 'a.b'), fc.constantFrom('', 'a/b', '..x')), both: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constantFrom(...WRONG_TYPES, { value: 'no name' }, { name: 'X', valueFrom: {} }) },
);
function envVar(s: any): any {
  if (s === null || typeof s !== 'object' || !('secret' in s)) return s;
  return { name: s.name, ...(s.both ? { value: 'x' } : {}), valueFrom: { secretKeyRef: { name: s.secret, key: s.key } } };
}
const volumeName = mostly(fc.constantFrom('cache', 'cache', 'config', 'extra-1'), fc.constantFrom('', 'Cache', 'a.b', 'tmp', 'serving-cert', 'x'.repeat(64)));
const volumeSpec = fc.oneof(
  { weight: 6, arbitrary: fc.record({ name: volumeName, kind: fc.constantFrom('emptyDir', 'secret', 'configMap', 'none', 'two'), ref: mostly(fc.constantFrom('extra', 'my.config'), fc.constantFrom('', 'Bad_Name')), mode: maybe(int(0, 0o777)), sizeLimit: maybe(quantitySpec), medium: maybe(mostly(fc.constantFrom('', 'Memory'), fc.constant('Disk'))) }, { requiredKeys: ['name', 'kind', 'ref'] }) },
  { weight: 1, arbitrary: fc.constantFrom(...WRONG_TYPES) },
);
function volume(s: any): any {
  if (s === null || typeof s !== 'object' || !('kind' in s)) return s;
  switch (s.kind) {
    case 'emptyDir': return { name: s.name, emptyDir: { ...(s.medium !== undefined ? { medium: s.medium } : {}), ...(s.sizeLimit !== undefined ? { sizeLimit: quantityOf(s.sizeLimit) } : {}) } };
    case 'secret': return { name: s.name, secret: { secretName: s.ref, ...(s.mode !== undefined ? { defaultMode: s.mode } : {}) } };
    case 'configMap': return { name: s.name, configMap: { name: s.ref, ...(s.mode !== undefined ? { defaultMode: s.mode } : {}) } };
    case 'two': return { name: s.name, emptyDir: {}, secret: { secretName: s.ref } };
    default: return { name: s.name };
  }
}
const mountSpec = fc.oneof(
  { weight: 6, arbitrary: fc.record({
    name: mostly(fc.constantFrom('cache', 'tmp', 'serving-cert'), volumeName),
    mountPath: mostly(fc.constantFrom('/cache', '/etc/extra', '/var/lib/x'), fc.constantFrom('', 'relative', '/tmp', '/var/serving-cert', '/a:b')),
    readOnly: maybe(fc.boolean()),
    subPath: maybe(mostly(fc.constantFrom('sub', 'a/b'), fc.constantFrom('/abs', '../up'))),
  }, { requiredKeys: ['name', 'mountPath'] }) },
  { weight: 1, arbitrary: fc.constantFrom(...WRONG_TYPES, { name: 'cache' }) },
);
const argSpec = mostly(fc.constantFrom('--qps=100', '--burst=200', '-v=2', '--max-concurrent-reconciles=4'), fc.constantFrom('', 'qps=100', ' --x', 7, null));

/** A list prop: mostly a list of `item`, sometimes not a list at all (JavaScript callers). */
function listOf<T>(item: fc.Arbitrary<T>, maxLength = 2): fc.Arbitrary<T[]> {
  return mostly(fc.array(item, { maxLength }), fc.constantFrom(...WRONG_TYPES.filter((w) => !Array.isArray(w))));
}
/** A label map, sometimes not a map. */
const labelMap = mostly(labels, fc.constantFrom(null, 'a=b', 42, ['a']));
const annotationMap = mostly(fc.dictionary(labelKey, fc.string({ maxLength: 8 }), { maxKeys: 2 }), fc.constantFrom(null, 'a=b', { a: 1 }, { 'bad key': 'x' }));

// ---------------------------------------------------------------------------------------------
// The constructs.

const certificatesSpec = mostly(
  fc.oneof(
    fc.record({ kind: fc.constant('certManager'), issuer: maybe(fc.record({ name: name, kind: maybe(fc.constantFrom('Issuer', 'ClusterIssuer')) }, { requiredKeys: ['name'] })) }),
    fc.record({ kind: fc.constant('provided'), secretName: name, caBundle: mostly(fc.constant(TEST_CA), fc.constantFrom('', 'not base64!', Buffer.from('hello').toString('base64'))) }),
  ),
  fc.constantFrom({ kind: 'none' }, { kind: 'wrong' }),
);
function certificates(s: any): any {
  switch (s.kind) {
    case 'certManager': return ServingCertificates.certManager(s.issuer ? { issuer: s.issuer } : {});
    case 'provided': return ServingCertificates.provided({ secretName: s.secretName, caBundle: s.caBundle });
    case 'wrong': return { mode: 'certManager' };
    default: return undefined;
  }
}
/** The sidecar's claim: a new one (size in MiB, class, mode) or an existing one, now and then wrong. */
const persistenceSpec = fc.oneof(
  fc.record({
    kind: fc.constant('new'),
    mebibytes: maybe(mostly(fc.constantFrom(1, 512, 1024, 10240), fc.constantFrom(0, -1, 0.5, NaN))),
    storageClassName: maybe(mostly(name, fc.constantFrom('', 'Fast_SSD'))),
    accessMode: maybe(mostly(fc.constantFrom(PersistentVolumeAccessMode.READ_WRITE_ONCE, PersistentVolumeAccessMode.READ_WRITE_ONCE_POD, PersistentVolumeAccessMode.READ_WRITE_MANY),
      fc.constant(PersistentVolumeAccessMode.READ_ONLY_MANY))),
  }, { requiredKeys: ['kind'] }),
  fc.record({ kind: fc.constant('existing'), claimName: name }),
);
function persistence(s: any): PushgatewayPersistence {
  if (s.kind === 'existing') return PushgatewayPersistence.existingClaim(s.claimName);
  return PushgatewayPersistence.newClaim({
    ...(s.mebibytes !== undefined ? { size: Size.mebibytes(s.mebibytes) } : {}),
    ...(s.storageClassName !== undefined ? { storageClassName: s.storageClassName } : {}),
    ...(s.accessMode !== undefined ? { accessMode: s.accessMode } : {}),
  });
}
const pushgatewaySpec = fc.oneof(
  fc.record({ kind: fc.constant('sidecar'), image: maybe(imageSpec), resources: maybe(resourcesSpec), securityContext: maybe(containerSecuritySpec), probes: rarely(probesSpec), persistence: maybe(persistenceSpec) }, { requiredKeys: ['kind'] }),
  fc.record({ kind: fc.constant('external'), url: mostly(fc.constantFrom('http://pushgateway.monitoring.svc:9091', 'https://pg.example.com/push'), fc.constantFrom('', 'pushgateway:9091', 'ftp://x', 'http://a b')) }),
  fc.constant({ kind: 'wrong' }),
);
function pushgateway(s: any): any {
  if (s.kind === 'sidecar') {
    return Pushgateway.sidecar({
      ...(s.image ? { image: s.image } : {}),
      ...(s.resources ? { resources: resources(s.resources) } : {}),
      ...(s.securityContext ? { securityContext: containerSecurity(s.securityContext) } : {}),
      ...(s.probes !== undefined ? { probes: s.probes } : {}),
      ...(s.persistence ? { persistence: persistence(s.persistence) } : {}),
    });
  }
  if (s.kind === 'external') return Pushgateway.external(s.url);
  return 'http://pushgateway:9091';
}
const licenseSpec = fc.oneof(
  fc.record({ kind: fc.constant('secret'), secretName: name }),
  fc.record({ kind: fc.constant('key'), key: mostly(fc.constant('-----BEGIN LICENSE-----\nabc\n-----END LICENSE-----\n'), fc.constantFrom('', '  ')) }),
);

/** A StashOperator spec (plain data). */
export const operatorSpec = fc.record({
  name: maybe(name),
  namespace: maybe(name),
  certificates: certificatesSpec,
  image: maybe(mostly(imageSpec, fc.constantFrom('ghcr.io/stashed/stash:v1', null))),
  imagePullPolicy: maybe(mostly(fc.constantFrom(ImagePullPolicy.ALWAYS, ImagePullPolicy.IF_NOT_PRESENT, ImagePullPolicy.NEVER), fc.constant('Sometimes'))),
  imagePullSecrets: maybe(listOf(name)),
  logLevel: maybe(int(0, 10)),
  pushgateway: maybe(pushgatewaySpec),
  webhooks: maybe(fc.record({
    mutating: maybe(fc.boolean()), validating: maybe(fc.boolean()),
    failurePolicy: maybe(mostly(fc.constantFrom(WebhookFailurePolicy.IGNORE, WebhookFailurePolicy.FAIL), fc.constant('Retry'))),
    excludedNamespaces: maybe(listOf(name)),
  }, { requiredKeys: [] })),
  apiServiceGroupPriorityMinimum: maybe(int(1, 20000)),
  apiServiceVersionPriority: maybe(int(1, 1000)),
  license: maybe(mostly(licenseSpec, fc.constant({ kind: 'wrong' }))),
  licenseApiService: maybe(mostly(fc.constantFrom('v1beta1.admission.stash.appscode.com', 'v1alpha1.repositories.stash.appscode.com'), fc.constantFrom('', 'v1.example.com'))),
  createLicenseRoles: maybe(mostly(fc.boolean(), fc.constantFrom('no', 0, null))),
  taskQueue: maybe(mostly(fc.record({ maxConcurrentSessions: maybe(int(1, 100)) }, { requiredKeys: [] }), fc.constantFrom(null, 5))),
  monitoring: maybe(mostly(fc.record({ operator: maybe(fc.boolean()), pushgateway: maybe(fc.boolean()), serviceMonitorLabels: maybe(labelMap) }, { requiredKeys: [] }), fc.constantFrom('yes', null, true))),
  replicas: maybe(mostly(fc.constantFrom(0, 1), fc.constantFrom(2, -1, 0.5, NaN))),
  resources: rarely(mostly(resourcesSpec, fc.constant({ kind: 'wrong' }))),
  probes: rarely(probesSpec),
  securityContext: rarely(containerSecuritySpec),
  podSecurityContext: rarely(podSecuritySpec),
  nodeSelector: maybe(labelMap),
  tolerations: rarely(listOf(tolerationSpec)),
  affinity: rarely(affinitySpec),
  priorityClassName: maybe(name),
  labels: maybe(labelMap),
  selectorLabels: maybe(mostly(fc.dictionary(labelKey, labelValue, { minKeys: 1, maxKeys: 2 }), fc.constantFrom({}, null))),
  annotations: maybe(annotationMap),
  podLabels: maybe(labelMap),
  podAnnotations: maybe(annotationMap),
  serviceAccountAnnotations: maybe(annotationMap),
  createServiceAccount: maybe(mostly(fc.boolean(), fc.constantFrom('no', 0, null))),
  serviceAccountName: maybe(name),
  extraArgs: rarely(listOf(argSpec)),
  extraEnv: rarely(listOf(envSpec)),
  extraVolumes: rarely(listOf(volumeSpec)),
  extraVolumeMounts: rarely(listOf(mountSpec)),
}, { requiredKeys: ['certificates'] });

const versionSpec = mostly(fc.constantFrom(...PerconaXtraDbVersion.all()), fc.constantFrom('8.0', null, { line: '8.0' }));
/** A PerconaXtraDbCatalog spec. */
export const catalogSpec = fc.record({
  versions: maybe(mostly(fc.uniqueArray(fc.constantFrom(...PerconaXtraDbVersion.all()), { minLength: 1, maxLength: 3 }),
    fc.oneof(fc.array(versionSpec, { maxLength: 3 }), fc.constantFrom('8.0', 8, {})))),
  image: maybe(fc.record({
    registry: maybe(mostly(fc.constantFrom('docker.io', 'registry.example.com:5000'), fc.constantFrom('', 'https://docker.io', 'docker.io/stashed', 'a b'))),
    repository: maybe(mostly(fc.constantFrom('stashed/stash-percona-xtradb', 'mirror/pxc'), fc.constantFrom('', 'Stash', 'x:1'))),
    tags: maybe(mostly(fc.dictionary(mostly(fc.constantFrom('5.7', '8.0', '8.4'), fc.constant('9.9')), mostly(fc.constantFrom('8.0', 'v1-custom'), fc.constantFrom('', '.x', 'a b', 8)), { maxKeys: 2 }),
      fc.constantFrom('8.0', ['8.0'], 7))),
  }, { requiredKeys: [] })),
  labels: maybe(labelMap),
}, { requiredKeys: [] });

/** A StashCrds spec. */
export const crdsSpec = fc.record({
  appBinding: maybe(mostly(fc.boolean(), fc.constantFrom('no', 0))),
  labels: maybe(labelMap),
}, { requiredKeys: [] });

/** One case: an install with any of the three constructs (the operator most of the time). */
export const installCaseSpec = fc.record({
  operator: maybe(operatorSpec, 8),
  catalog: rarely(catalogSpec, 1),
  crds: rarely(crdsSpec, 2),
  chartNamespace: maybe(fc.constantFrom('stash', 'ops')),
}, { requiredKeys: [] });
/** A case, as generated. */
export type InstallCaseSpec = typeof installCaseSpec extends fc.Arbitrary<infer T> ? T : never;

/**
 * Plain objects for fast-check's null-prototype records: cdk8s's serializer asks every object for
 * its constructor, and user data (object literals, parsed YAML) always has one.
 */
function plain(value: any): any {
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object' && [null, Object.prototype].includes(Object.getPrototypeOf(value))) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/** StashOperator props from a spec. */
export function operatorProps(spec: any): any {
  const props: any = {};
  const s = plain(spec);
  for (const [k, v] of Object.entries(s)) {
    if (v === undefined) continue;
    switch (k) {
      case 'certificates': props.certificates = certificates(v); break;
      case 'pushgateway': props.pushgateway = pushgateway(v); break;
      case 'license': {
        const l = v as any;
        props.license = l.kind === 'secret' ? OperatorLicense.fromSecret(l.secretName) : l.kind === 'key' ? OperatorLicense.fromKey(l.key) : 'license-key-text';
        break;
      }
      case 'resources': props.resources = (v as any).kind === 'wrong' ? '100m' : resources(v); break;
      case 'securityContext': props.securityContext = containerSecurity(v); break;
      case 'podSecurityContext': props.podSecurityContext = podSecurity(v); break;
      case 'extraEnv': props.extraEnv = Array.isArray(v) ? v.map(envVar) : v; break;
      case 'extraVolumes': props.extraVolumes = Array.isArray(v) ? v.map(volume) : v; break;
      default: props[k] = v;
    }
  }
  return props;
}

/** The constructs of a case in a fresh chart. */
export function buildInstall(spec: InstallCaseSpec): Chart {
  const chart = new Chart(Testing.app(), 'install', spec.chartNamespace ? { namespace: spec.chartNamespace } : {});
  if (spec.operator) new StashOperator(chart, 'Stash', operatorProps(spec.operator));
  if (spec.catalog) new PerconaXtraDbCatalog(chart, 'Catalog', plain(spec.catalog));
  if (spec.crds) new StashCrds(chart, 'Crds', plain(spec.crds));
  return chart;
}

/** Builds and synthesizes a case (every validation of the app runs first). */
export function synthesizeInstall(spec: InstallCaseSpec): Outcome {
  return synthesizeBuilt(() => buildInstall(spec));
}

// ---------------------------------------------------------------------------------------------
// The operator's parts, used directly (each checks the options it takes).

/** The identity StashOperator builds with its defaults. */
const IDENTITY = {
  name: 'stash', namespace: 'stash', serviceAccountName: 'stash',
  labels: { 'app.kubernetes.io/name': 'stash', 'app.kubernetes.io/instance': 'stash' },
  selectorLabels: { 'app.kubernetes.io/name': 'stash', 'app.kubernetes.io/instance': 'stash' },
};

/** Options of one part of the operator, used on its own. */
export const partSpec = fc.oneof(
  fc.record({ part: fc.constant('apiServices'), admission: maybe(fc.boolean()), groupPriorityMinimum: maybe(int(1, 20000)), versionPriority: maybe(int(1, 1000)), caBundle: maybe(fc.constant(TEST_CA)) }, { requiredKeys: ['part'] }),
  fc.record({ part: fc.constant('taskQueue'), maxConcurrentSessions: maybe(int(1, 1000)) }, { requiredKeys: ['part'] }),
  fc.record({ part: fc.constant('serviceMonitors'), operator: maybe(fc.boolean()), pushgateway: maybe(fc.boolean()), serviceMonitorLabels: maybe(labelMap) }, { requiredKeys: ['part'] }),
  fc.record({
    part: fc.constant('webhooks'), mutating: maybe(fc.boolean()), validating: maybe(fc.boolean()),
    failurePolicy: maybe(mostly(fc.constantFrom(WebhookFailurePolicy.IGNORE, WebhookFailurePolicy.FAIL), fc.constant('Retry'))),
    excludedNamespaces: maybe(listOf(name)),
  }, { requiredKeys: ['part'] }),
  fc.record({ part: fc.constant('rbac'), serviceAccountAnnotations: maybe(annotationMap), createServiceAccount: maybe(fc.boolean()), taskQueue: maybe(fc.boolean()), createLicenseRoles: maybe(fc.boolean()) }, { requiredKeys: ['part'] }),
);

/** One part in a fresh chart, built with StashOperator's default identity. */
export function synthesizePart(spec: any): Outcome {
  const { part, ...options } = plain(spec);
  const props = { identity: IDENTITY, ...options };
  return synthesizeBuilt(() => {
    const chart = new Chart(Testing.app(), 'part');
    switch (part) {
      case 'apiServices': {
        const { caBundle, ...rest } = props;
        new OperatorApiServices(chart, 'ApiServices', { ...rest, serviceName: 'stash', certificates: { secretName: 'stash-apiserver-cert', caBundle: caBundle ?? TEST_CA, apiServiceAnnotations: {} } });
        break;
      }
      case 'taskQueue': new OperatorTaskQueue(chart, 'TaskQueue', props); break;
      case 'serviceMonitors': new OperatorServiceMonitors(chart, 'Monitoring', { ...props, serviceName: 'stash', servingCertSecretName: 'stash-apiserver-cert' }); break;
      case 'webhooks': new AdmissionWebhooks(chart, 'Webhooks', props); break;
      default: new OperatorRbac(chart, 'Rbac', props);
    }
    return chart;
  });
}
