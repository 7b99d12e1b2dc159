/**
 * The chart's values, modelled once: each key with its description, default and JSON schema.
 * `values.yaml` (with a comment on every key), `values.schema.json` and the README's values
 * table are all generated from this model, and the plain `dist/` install uses its defaults.
 */
import { stringify } from 'yaml';
import { ADDON_IMAGE_REGISTRY, ADDON_IMAGE_REPOSITORY, PerconaXtraDbVersion } from '../../src/api/perconaxtradb';
import { DEFAULT_EXCLUDED_NAMESPACES } from '../../src/install/admission-webhooks';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../../src/core/security-context';
import { DEFAULT_LICENSE_API_SERVICE, WEBHOOKLESS_LICENSE_API_SERVICE } from '../../src/install/operator-api-services';
import { defaultOperatorResources, OPERATOR_IMAGE } from '../../src/install/stash-operator';
import { defaultPushgatewayResources, PUSHGATEWAY_IMAGE } from '../../src/install/pushgateway';
import { PUSHGATEWAY_PORT } from '../../src/api/stash/operator';
import { OPERATOR_PROBES, PROBE_RANGES, ProbeTiming, PUSHGATEWAY_PROBES } from '../../src/install/health-probes';
import { DEFAULT_PUSHGATEWAY_CLAIM_SIZE } from '../../src/install/pushgateway-persistence';

/** A JSON schema fragment (draft-07, as Helm validates it). */
export type JsonSchema = { [key: string]: unknown };

/** One key with a value. */
export class ValueLeaf {
  constructor(
    readonly description: string,
    readonly defaultValue: unknown,
    readonly schema: JsonSchema,
  ) {}
}

/** A key that groups other keys. */
export class ValueGroup {
  constructor(
    readonly description: string,
    readonly children: { [key: string]: ValueNode },
    /** Extra schema keywords for the group (e.g. conditional requirements). */
    readonly extraSchema: JsonSchema = {},
  ) {}
}

export type ValueNode = ValueLeaf | ValueGroup;

const str = (d: string, description: string, schema: JsonSchema = {}) => new ValueLeaf(description, d, { type: 'string', ...schema });
const bool = (d: boolean, description: string) => new ValueLeaf(description, d, { type: 'boolean' });
const int = (d: number, description: string, schema: JsonSchema = {}) => new ValueLeaf(description, d, { type: 'integer', ...schema });
const oneOf = (values: string[], d: string, description: string) => new ValueLeaf(description, d, { type: 'string', enum: values });
const obj = (d: object, description: string, schema: JsonSchema = {}) => new ValueLeaf(description, d, { type: 'object', ...schema });
const list = (d: unknown[], description: string, items: JsonSchema) => new ValueLeaf(description, d, { type: 'array', items });
const group = (description: string, children: { [key: string]: ValueNode }, extraSchema?: JsonSchema) => new ValueGroup(description, children, extraSchema);

const STRING_MAP: JsonSchema = { additionalProperties: { type: 'string' } };

/** Pod Security Standard "restricted", as a schema: the chart refuses values that break it. */
const RESTRICTED_CONTAINER: JsonSchema = {
  required: ['allowPrivilegeEscalation', 'capabilities', 'readOnlyRootFilesystem', 'runAsNonRoot', 'seccompProfile'],
  properties: {
    allowPrivilegeEscalation: { const: false },
    privileged: { const: false },
    readOnlyRootFilesystem: { const: true },
    runAsNonRoot: { const: true },
    capabilities: {
      type: 'object',
      required: ['drop'],
      properties: {
        drop: { type: 'array', contains: { const: 'ALL' } },
        add: { type: 'array', items: { const: 'NET_BIND_SERVICE' } },
      },
    },
    seccompProfile: { type: 'object', required: ['type'], properties: { type: { enum: ['RuntimeDefault', 'Localhost'] } } },
  },
};

const RESTRICTED_POD: JsonSchema = {
  required: ['runAsNonRoot'],
  properties: {
    runAsNonRoot: { const: true },
    seccompProfile: { type: 'object', required: ['type'], properties: { type: { enum: ['RuntimeDefault', 'Localhost'] } } },
  },
};


/** A Kubernetes quantity as the API server parses it (non-negative: resources never take less). */
export const QUANTITY_PATTERN = '^([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?[0-9]+)?$';
const QUANTITY: JsonSchema = { anyOf: [{ type: 'string', pattern: QUANTITY_PATTERN }, { type: 'number', minimum: 0 }] };
const QUANTITY_MAP: JsonSchema = { type: ['object', 'null'], additionalProperties: QUANTITY };
/** Container resources: quantities by resource name; the chart's template also refuses a request above its limit. */
const RESOURCES: JsonSchema = {
  properties: { requests: QUANTITY_MAP, limits: QUANTITY_MAP, claims: { type: ['array', 'null'] } },
  additionalProperties: false,
};

/** Resource requirements with plain quantity strings, as values.yaml holds them. */
function plainResources(r: { requests?: { [k: string]: { value: string | number } }; limits?: { [k: string]: { value: string | number } } }): object {
  const plain = (m?: { [k: string]: { value: string | number } }) => (m ? Object.fromEntries(Object.entries(m).map(([k, q]) => [k, q.value])) : undefined);
  return { ...(r.requests ? { requests: plain(r.requests) } : {}), ...(r.limits ? { limits: plain(r.limits) } : {}) };
}

const PROBE_FIELDS: { [field in keyof ProbeTiming]: string } = {
  initialDelaySeconds: 'Seconds after the container starts before the first probe.',
  periodSeconds: 'Seconds between two probes.',
  timeoutSeconds: 'Seconds after which one probe counts as failed.',
  failureThreshold: 'Failed probes in a row before the container counts as not ready (readiness) or is restarted (liveness).',
};
/** One probe's values: on/off and its timing, each in the range the constructs check. */
const probe = (what: string, timing: ProbeTiming) => group(what, {
  enabled: bool(true, 'Add the probe.'),
  ...Object.fromEntries(Object.entries(PROBE_FIELDS).map(([field, description]) => {
    const [minimum, maximum] = PROBE_RANGES[field as keyof ProbeTiming];
    return [field, int(timing[field as keyof ProbeTiming], `${description} ${minimum} to ${maximum}.`, { minimum, maximum })];
  })),
});

const image = (what: string, registry: string, repository: string, tag: string, tagDescription: string) => group(`The ${what} image.`, {
  registry: str(registry, 'Registry and path prefix of the image.', { minLength: 1 }),
  repository: str(repository, 'Image name under the registry path.', { minLength: 1 }),
  tag: str(tag, tagDescription),
});

const versions = PerconaXtraDbVersion.all();

/** The values of the stash-pxc chart. */
export const VALUES: { [key: string]: ValueNode } = {
  nameOverride: str('', 'Replaces the chart name in object names and the `app.kubernetes.io/name` label.'),
  fullnameOverride: str('', 'Replaces the whole base name of the objects (default: `<release>-stash-pxc`, or the release name if it holds the chart name).'),
  replicaCount: int(1, 'Operator replicas: 1, or 0 to stop it. The operator has no leader election, so never more.', { minimum: 0, maximum: 1 }),
  operator: group('The Stash Enterprise operator container.', {
    image: image('operator', OPERATOR_IMAGE.registry, OPERATOR_IMAGE.repository, '', 'Image tag; empty means the chart\'s appVersion. The operator also runs this image in backup sidecars and Jobs.'),
    resources: obj(plainResources(defaultOperatorResources() as any), 'Compute resources of the operator container: memory for its caches of the cluster\'s Stash objects, workloads and Jobs; no CPU limit (throttling slows the webhooks). A request above its limit fails the install.', RESOURCES),
    probes: group('Health probes of the operator container, on its secure port over HTTPS (the API server answers them without credentials).', {
      readiness: probe('`GET /readyz`: while it fails, the Service sends no APIService, webhook or license call to the operator.', OPERATOR_PROBES.readiness.timing),
      liveness: probe('`GET /livez`: the kubelet restarts an operator that stops answering (a slow start on a large cluster is not killed with the defaults).', OPERATOR_PROBES.liveness.timing),
    }),
    securityContext: obj(restrictedContainerSecurityContext(), 'Security context of the operator container; must stay Pod Security Standard "restricted" (the schema checks).', RESTRICTED_CONTAINER),
  }),
  pushgateway: group('The Prometheus Pushgateway that backup and restore Jobs push metrics to.', {
    externalUrl: str('', 'URL of a Pushgateway you already run (http(s)://host:port). Empty runs a Pushgateway sidecar in the operator Pod.', { pattern: '^(https?://\\S+)?$' }),
    image: image('Pushgateway sidecar', PUSHGATEWAY_IMAGE.registry, PUSHGATEWAY_IMAGE.repository, PUSHGATEWAY_IMAGE.tag, 'Image tag (upstream\'s pinned version).'),
    resources: obj(plainResources(defaultPushgatewayResources() as any), 'Compute resources of the Pushgateway sidecar (it keeps the last metrics of every backup in memory). A request above its limit fails the install.', RESOURCES),
    probes: group(`Health probes of the Pushgateway sidecar (HTTP, its port ${PUSHGATEWAY_PORT}).`, {
      readiness: probe('`GET /-/ready`: while it fails, Jobs cannot push to it through the Service.', PUSHGATEWAY_PROBES.readiness.timing),
      liveness: probe('`GET /-/healthy`: the kubelet restarts a Pushgateway that stops answering.', PUSHGATEWAY_PROBES.liveness.timing),
    }),
    securityContext: obj(restrictedContainerSecurityContext(), 'Security context of the Pushgateway sidecar; must stay "restricted".', RESTRICTED_CONTAINER),
    persistence: group('A PersistentVolumeClaim for the sidecar\'s `--persistence.file`, so the pushed series (each database\'s last success) survive a reschedule of the operator Pod; off, the file is on an emptyDir and survives container restarts only. The Deployment replaces its Pod with the `Recreate` strategy (always: two operators must never run at once), which a ReadWriteOnce claim needs too: the old Pod lets go of the volume before the new one mounts it, on any node. The non-root Pushgateway writes the volume through the Pod\'s `podSecurityContext.fsGroup` (required). Refused together with `pushgateway.externalUrl`.', {
      enabled: bool(false, 'Keep the Pushgateway\'s file on a PersistentVolumeClaim, so the pushed series survive a new operator Pod. The Deployment\'s `Recreate` strategy (always on) lets a ReadWriteOnce claim move: the old Pod releases it before the new one mounts it. Needs `podSecurityContext.fsGroup` (set by default); refused with `pushgateway.externalUrl`.'),
      existingClaim: str('', 'An existing claim in the release namespace to use (the chart never creates, changes or deletes it; `storageClassName` must then stay empty). Empty: the chart creates `<fullname>-pushgateway`, annotated `helm.sh/resource-policy: keep`, so it stays after `helm uninstall` or when persistence is switched off (delete it with kubectl when unwanted; a later install of the same release in the same namespace takes it back).', {
        pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)?$', maxLength: 253,
      }),
      size: str(DEFAULT_PUSHGATEWAY_CLAIM_SIZE, 'Size of the claim the chart creates (a positive quantity: the file holds the last push of each group, a few KiB per database).', {
        pattern: '^(0*[1-9][0-9]*(\\.[0-9]+)?|0*\\.[0-9]*[1-9][0-9]*)([KMGTPE]i|[kMGTPE])?$',
      }),
      storageClassName: str('', 'StorageClass of the claim the chart creates; empty: the cluster\'s default StorageClass.', {
        pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)?$', maxLength: 253,
      }),
      accessMode: oneOf(['ReadWriteOnce', 'ReadWriteOncePod', 'ReadWriteMany'], 'ReadWriteOnce', 'Access mode of the claim the chart creates (the Pushgateway writes, so never ReadOnlyMany).'),
    }),
  }),
  imagePullPolicy: oneOf(['Always', 'IfNotPresent', 'Never'], 'IfNotPresent', 'Pull policy of every container.'),
  imagePullSecrets: list([], 'Secrets to pull images with, as `[{name: ...}]`; the operator passes them on to the Jobs it creates.', {
    type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 } }, additionalProperties: false,
  }),
  logLevel: int(3, 'Log verbosity of the operator (`--v`).', { minimum: 0, maximum: 10 }),
  annotations: obj({}, 'Annotations of the operator Deployment.', STRING_MAP),
  podAnnotations: obj({}, 'Annotations of the operator Pod.', STRING_MAP),
  podLabels: obj({}, 'Extra labels of the operator Pod (must not repeat the chart\'s own labels).', STRING_MAP),
  nodeSelector: obj({ 'kubernetes.io/os': 'linux' }, 'Node labels the operator Pod must match.', STRING_MAP),
  tolerations: list([], 'Tolerations of the operator Pod.', { type: 'object' }),
  affinity: obj({}, 'Affinity of the operator Pod.'),
  priorityClassName: str('', 'PriorityClass of the operator Pod (empty: none).'),
  podSecurityContext: obj(restrictedPodSecurityContext(), 'Security context of the operator Pod; must keep runAsNonRoot and a RuntimeDefault/Localhost seccomp profile.', RESTRICTED_POD),
  serviceAccount: group('The operator\'s ServiceAccount.', {
    create: bool(true, 'Create the ServiceAccount. Off: the operator runs as `serviceAccount.name`, which must exist in the release namespace; the chart still binds its roles to it.'),
    name: str('', 'Name of the ServiceAccount; empty: the base name of the objects (`<release>-stash-pxc`).', { pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)?$', maxLength: 253 }),
    annotations: obj({}, 'Annotations of the ServiceAccount, e.g. for workload identity (only when the chart creates it).', STRING_MAP),
  }),
  extraArgs: list([], 'Arguments appended to the operator\'s (flags of `stash-enterprise run`, e.g. `--qps=100`); a flag the chart sets already is overridden by the later one.', { type: 'string', pattern: '^--?[A-Za-z]' }),
  extraEnv: list([], 'Environment variables added to the operator container (`[{name: ..., value: ...}]`, or `valueFrom`).', { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 } } }),
  extraVolumes: list([], 'Volumes added to the operator Pod; mount them with `extraVolumeMounts`.', { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 } } }),
  extraVolumeMounts: list([], 'Volume mounts added to the operator container (of `extraVolumes`).', { type: 'object', required: ['name', 'mountPath'], properties: { name: { type: 'string', minLength: 1 }, mountPath: { type: 'string', minLength: 1 } } }),
  rbac: group('Cluster roles besides the operator\'s own.', {
    createLicenseRoles: bool(true, 'Create the shared ClusterRoles `appscode:license-checker` and `appscode:license-reader` (the operator binds backup Jobs to the reader). Turn off where KubeDB or ace-user-roles already created them: the install then fails when the cluster lacks them.'),
  }),
  certificates: group('The serving certificate of the operator\'s API server (APIServices, metrics).', {
    mode: oneOf(['helm', 'certManager', 'provided'], 'helm', 'Where it comes from: `helm` generates a CA and certificate at install and keeps them on upgrades (only under `helm install`/`upgrade`: `helm template` and Argo CD generate new ones on every render, so use another mode there); `certManager` has cert-manager issue it and inject the CA; `provided` uses your Secret and CA.'),
    certManager: group('Settings of `mode: certManager`.', {
      issuer: group('The issuer of the certificate.', {
        name: str('', 'Name of an existing Issuer or ClusterIssuer; empty creates a self-signed Issuer.'),
        kind: str('Issuer', 'Kind of the issuer (`Issuer`, `ClusterIssuer`, or an external issuer\'s kind).', { minLength: 1 }),
        group: str('cert-manager.io', 'API group of the issuer.', { minLength: 1 }),
      }),
    }),
    provided: group('Settings of `mode: provided`.', {
      secretName: str('', 'Secret in the release namespace with `tls.crt` and `tls.key` (and `ca.crt` for operator monitoring), valid for `<fullname>.<namespace>.svc`.'),
      caBundle: str('', 'Base64 of the PEM CA certificate that signed it (`base64 -w0 ca.crt`).', { pattern: '^[A-Za-z0-9+/=]*$' }),
    }),
  }, {
    // `provided` needs both of its settings.
    if: { properties: { mode: { const: 'provided' } } },
    then: { properties: { provided: { properties: { secretName: { minLength: 1 }, caBundle: { minLength: 1 } } } } },
  }),
  webhooks: group('The operator\'s admission webhooks. With both off, the webhook configurations and the admission APIServices go (the operator stops serving them); the snapshot APIService stays and carries the license endpoint for backup Jobs.', {
    mutating: bool(true, 'Inject the backup sidecar into workloads (MutatingWebhookConfiguration).'),
    validating: bool(true, 'Validate the Stash resources (ValidatingWebhookConfiguration).'),
    failurePolicy: oneOf(['Ignore', 'Fail'], 'Ignore', 'What the API server does when a webhook cannot be called.'),
    excludedNamespaces: list([...DEFAULT_EXCLUDED_NAMESPACES], 'Namespaces whose Deployments, DaemonSets and StatefulSets the mutating webhooks skip, besides the release namespace (always skipped): with `failurePolicy: Fail`, a down operator then blocks neither its own upgrade nor the system workloads.', {
      type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63,
    }),
  }),
  apiService: group('The operator\'s APIServices.', {
    groupPriorityMinimum: int(10000, '`groupPriorityMinimum` of the APIServices.', { minimum: 1, maximum: 20000 }),
    versionPriority: int(15, '`versionPriority` of the APIServices.', { minimum: 1, maximum: 1000 }),
  }),
  license: group('The Stash Enterprise license. Without one, the operator asks the cluster\'s license proxy server.', {
    key: str('', 'The license text; the chart keeps it in a Secret. Prefer `--set-file license.key=<file>`.'),
    secretName: str('', 'An existing Secret in the release namespace with the license as `key.txt` (wins over `key`).'),
    apiService: str('', `The APIService that every backup and restore Job looks up to reach the operator's license endpoint (\`--license-apiservice\`). Empty: \`${DEFAULT_LICENSE_API_SERVICE}\` (upstream's) while a webhook is on, else \`${WEBHOOKLESS_LICENSE_API_SERVICE}\`. Another name fails the install: it must be an APIService the chart registers.`),
  }),
  taskQueue: group('The task queue, which limits concurrent BackupSessions. Needs the TaskQueue operator (oci://ghcr.io/appscode-charts/taskqueue).', {
    enabled: bool(false, 'Turn the task queue on.'),
    maxConcurrentSessions: int(10, 'How many BackupSessions may run at once.', { minimum: 1 }),
  }),
  monitoring: group('Prometheus Operator ServiceMonitors (monitoring.coreos.com/v1).', {
    operator: bool(false, 'Scrape the operator\'s metrics (adds a ServiceAccount whose token may read `/metrics` only).'),
    pushgateway: bool(false, 'Scrape the backup metrics in the Pushgateway sidecar (ignored with `pushgateway.externalUrl`).'),
    serviceMonitor: group('Settings of the ServiceMonitors.', {
      labels: obj({}, 'Extra labels of the ServiceMonitors, e.g. the ones your Prometheus selects.', STRING_MAP),
    }),
    alerts: group('Operator-level alert rules (a PrometheusRule): the operator or its Pushgateway down (for the ServiceMonitors that are on), and no backup pushing metrics for longer than the longest RPO. Per-database alerts come from `PerconaXtraDbBackupAlerts`; see docs/runbook.md.', {
      enabled: bool(false, 'Create the PrometheusRule.'),
      labels: obj({}, 'Extra labels of the PrometheusRule, e.g. the ones your Prometheus\'s `ruleSelector` selects.', STRING_MAP),
    }),
    dashboard: group('The backup dashboard (Grafana).', {
      enabled: bool(false, 'Create a ConfigMap with the dashboard, labelled `grafana_dashboard: "1"` for Grafana\'s dashboard sidecar.'),
    }),
  }),
  catalog: group('The Percona XtraDB catalog: backup and restore Functions and Tasks.', {
    enabled: bool(true, 'Install the catalog.'),
    versions: list(versions.map((v) => v.line), 'The Percona XtraDB versions to install Functions and Tasks for.', {
      type: 'string', enum: versions.map((v) => v.line),
    }),
    image: group('The addon image the Functions run.', {
      registry: str(ADDON_IMAGE_REGISTRY, 'Registry host (no path).', { minLength: 1 }),
      repository: str(ADDON_IMAGE_REPOSITORY, 'Repository in the registry.', { minLength: 1 }),
      tags: obj(Object.fromEntries(versions.map((v) => [v.line, v.addonImageTag])), 'Image tag per version.', {
        properties: Object.fromEntries(versions.map((v) => [v.line, { type: 'string', minLength: 1 }])),
        required: versions.map((v) => v.line),
        additionalProperties: false,
      }),
    }),
  }),
  crds: group('CustomResourceDefinitions (the Stash ones are in the chart\'s `crds/`).', {
    appBinding: bool(true, 'Install the AppBinding CRD (appcatalog.appscode.com). Kept on uninstall. Only when the CRD does not exist yet or belongs to this release: one that KubeDB, kubectl or an uninstalled release left is used as it is (not taken over), so reinstalling under another release name or namespace works.'),
  }),
};

/** The default values as a plain object. */
export function defaultValues(model: { [key: string]: ValueNode } = VALUES): any {
  const out: any = {};
  for (const [key, node] of Object.entries(model)) {
    out[key] = node instanceof ValueGroup ? defaultValues(node.children) : structuredClone(node.defaultValue);
  }
  return out;
}

/** `values.schema.json`. */
export function valuesSchema(): JsonSchema {
  const objectSchema = (model: { [key: string]: ValueNode }, description?: string, extra: JsonSchema = {}): JsonSchema => ({
    type: 'object',
    ...(description ? { description } : {}),
    properties: Object.fromEntries(Object.entries(model).map(([key, node]) => [
      key,
      node instanceof ValueGroup
        ? objectSchema(node.children, node.description, node.extraSchema)
        : { description: node.description, ...node.schema, default: node.defaultValue },
    ])),
    additionalProperties: false,
    ...extra,
  });
  const root = objectSchema(VALUES);
  // A parent chart passes `global` to its dependencies.
  (root.properties as any).global = { type: 'object', description: 'Values a parent chart shares with its dependencies (unused).' };
  return { $schema: 'http://json-schema.org/draft-07/schema#', title: 'stash-pxc values', ...root };
}

/** `values.yaml`: every key with its description as a comment. */
export function valuesYaml(): string {
  const lines: string[] = [
    '# Values of the stash-pxc chart. Generated from generator/chart/values.ts by `npm run synth`;',
    '# values.schema.json and the README table come from the same model.',
  ];
  const emit = (model: { [key: string]: ValueNode }, indent: number): void => {
    const pad = ' '.repeat(indent);
    Object.entries(model).forEach(([key, node], index) => {
      // A blank line between siblings, none between a group key and its first child.
      if (indent === 0 || index > 0) lines.push('');
      for (const line of wrap(node.description, 100 - indent - 2)) lines.push(`${pad}# ${line}`);
      if (node instanceof ValueGroup) {
        lines.push(`${pad}${key}:`);
        emit(node.children, indent + 2);
        return;
      }
      const value = node.defaultValue;
      const isEmpty = value !== null && typeof value === 'object' && Object.keys(value as object).length === 0;
      if (value !== null && typeof value === 'object' && !isEmpty) {
        lines.push(`${pad}${key}:`);
        for (const l of stringify(value, { lineWidth: 0 }).trimEnd().split('\n')) lines.push(`${pad}  ${l}`);
      } else {
        lines.push(`${pad}${key}: ${stringify(value, { lineWidth: 0 }).trimEnd()}`);
      }
    });
  };
  emit(VALUES, 0);
  return `${lines.join('\n')}\n`;
}

/** The README's values table (Markdown). */
export function valuesTable(): string {
  const rows: string[] = ['| Key | Type | Default | Description |', '| --- | --- | --- | --- |'];
  const walk = (model: { [key: string]: ValueNode }, prefix: string): void => {
    for (const [key, node] of Object.entries(model)) {
      const path = `${prefix}${key}`;
      if (node instanceof ValueGroup) {
        walk(node.children, `${path}.`);
        continue;
      }
      const type = node.schema.enum ? (node.schema.enum as unknown[]).map((e) => `\`${e}\``).join(' \\| ') : String(node.schema.type);
      rows.push(`| \`${path}\` | ${type} | \`${JSON.stringify(node.defaultValue)}\` | ${node.description.replace(/\|/g, '\\|')} |`);
    }
  };
  walk(VALUES, '');
  return rows.join('\n');
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) out.push(line);
  return out;
}
