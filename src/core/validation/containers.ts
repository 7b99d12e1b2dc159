/**
 * The container parts users pass through to a workload we build (the operator's Deployment):
 * image references, compute resources, environment variables, volumes and volume mounts,
 * checked against the Kubernetes OpenAPI schemas and the rules the API server applies on top
 * (`ValidateResourceRequirements`, `ValidateEnv`, `ValidateVolumes`, `ValidateVolumeMounts`),
 * and image references as a container runtime parses them. Values are the cdk8s `k8s` structs
 * (quantities as `k8s.Quantity`), converted to their JSON form first.
 */
import { k8s } from 'cdk8s-plus-28';
import { literalOf } from './helm-expressions';
import { kubernetesSchemaProblems } from './kubernetes';
import { configKeyViolation, envNameViolation, qualifiedNameViolation } from './metadata';
import { nameProblems, NameRule } from './names';
import { problem } from './problems';
import { QUANTITY } from './quantities';

/** A Kubernetes struct in its JSON form, or the reason it has none (a prop of the wrong type). */
function jsonOf(value: unknown, toJson: (v: any) => unknown): { json?: any; error?: string } {
  try {
    return { json: JSON.parse(JSON.stringify(toJson(value) ?? null)) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

const HOST = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::[0-9]{1,5})?$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** The parts of an image reference (`registry/repository:tag`), as the install's values split them. */
export interface ImageParts {
  /** Registry host[:port], optionally followed by path components (`ghcr.io/stashed`). */
  readonly registry?: unknown;
  /** Repository path (`stash-enterprise`). */
  readonly repository?: unknown;
  /** Tag (`v0.42.1`). */
  readonly tag?: unknown;
}

/**
 * Problems of an image given in parts: each part must be what a container runtime parses as
 * that part of `registry/repository:tag`. Helm expressions count as their literal text around them.
 */
export function imagePartsProblems(field: string, image: ImageParts | undefined): string[] {
  if (image === undefined || image === null) return [];
  if (typeof image !== 'object') return [problem(field, `${JSON.stringify(image)} is not an image reference`, 'pass { registry, repository, tag }')];
  const out: string[] = [];
  const text = (part: string, value: unknown): string | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      out.push(problem(`${field}.${part}`, `${JSON.stringify(value) ?? String(value)} is not a string`, `give the ${part} as a string, or leave it out for upstream's image`));
      return undefined;
    }
    // Helm expressions (the chart's values) count as the placeholder text literalOf gives them.
    return literalOf(value);
  };
  const registry = text('registry', image.registry);
  if (registry !== undefined) {
    const [host, ...path] = registry.split('/');
    if (!HOST.test(host) || !path.every((c) => PATH_COMPONENT.test(c))) {
      out.push(problem(`${field}.registry`, `${JSON.stringify(image.registry)} is not a registry host[:port] with an optional lowercase path`,
        'write it like "ghcr.io/stashed" or "registry.example.com:5000/mirror" (no scheme, no spaces, no trailing "/")'));
    }
  }
  const repository = text('repository', image.repository);
  if (repository !== undefined && !repository.split('/').every((c) => PATH_COMPONENT.test(c))) {
    out.push(problem(`${field}.repository`, `${JSON.stringify(image.repository)} is not a repository path (lowercase letters and digits joined by ".", "_" or "-", "/" between components; no tag)`,
      'write it like "stash-enterprise", and the tag in tag'));
  }
  const tag = text('tag', image.tag);
  if (tag !== undefined && !TAG.test(tag)) {
    out.push(problem(`${field}.tag`, `${JSON.stringify(image.tag)} is not an image tag (up to 128 letters, digits, "_", "." and "-", not starting with "." or "-")`,
      'write it like "v0.42.1"'));
  }
  return out;
}

const SCALE: { [suffix: string]: number } = {
  '': 1, 'n': 1e-9, 'u': 1e-6, 'm': 1e-3, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18,
  'Ki': 2 ** 10, 'Mi': 2 ** 20, 'Gi': 2 ** 30, 'Ti': 2 ** 40, 'Pi': 2 ** 50, 'Ei': 2 ** 60,
};

/** The value of a Kubernetes quantity (`100m` = 0.1, `1Ki` = 1024), or NaN when it is none. */
export function quantityValueOf(quantity: unknown): number {
  const text = typeof quantity === 'number' ? String(quantity) : quantity;
  if (typeof text !== 'string' || !QUANTITY.test(text)) return NaN;
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(.*)$/.exec(text)!;
  const n = Number(m[1]);
  if (m[2] in SCALE) return n * SCALE[m[2]];
  return n * 10 ** Number(m[2].slice(1));
}

/** Resource names a container may ask for without a domain prefix. */
const STANDARD_RESOURCES = ['cpu', 'memory', 'ephemeral-storage'];
/** The largest quantity Kubernetes holds (an int64 in its smallest unit, the nano for CPU). */
const MAX_QUANTITY = 2 ** 63 / 1e9;

/** Problems of a container's compute resources: schema, resource names, quantities, requests within limits. */
export function resourceRequirementsProblems(field: string, resources: k8s.ResourceRequirements | undefined): string[] {
  if (resources === undefined) return [];
  let json: any;
  try {
    json = k8s.toJson_ResourceRequirements(resources);
  } catch (e) {
    return [problem(field, `is not a ResourceRequirements (${e instanceof Error ? e.message : e})`, 'pass { requests: { cpu: k8s.Quantity.fromString("100m") }, limits: { ... } }')];
  }
  if (!json) return [];
  // The quantities get their own, clearer messages below; the schema checks the rest.
  const out = kubernetesSchemaProblems(field, { ...json, requests: undefined, limits: undefined }, 'io.k8s.api.core.v1.ResourceRequirements');
  for (const which of ['requests', 'limits']) {
    const map = json[which];
    if (map !== undefined && (map === null || typeof map !== 'object' || Array.isArray(map))) out.push(problem(`${field}.${which}`, 'is not a map of resource names to quantities', 'pass { cpu: k8s.Quantity.fromString("100m") }'));
  }
  if (out.length > 0) return out;
  const values: { [which: string]: { [name: string]: number } } = { requests: {}, limits: {} };
  for (const which of ['requests', 'limits']) {
    for (const [name, q] of Object.entries<unknown>(json[which] ?? {})) {
      const f = `${field}.${which}.${name}`;
      const badName = qualifiedNameViolation(name);
      if (badName || (!name.includes('/') && !STANDARD_RESOURCES.includes(name) && !name.startsWith('hugepages-'))) {
        out.push(problem(f, `"${name}" is not a container resource (${STANDARD_RESOURCES.join(', ')}, hugepages-<size> or a domain-prefixed extended resource)`, 'use cpu, memory or ephemeral-storage'));
        continue;
      }
      const v = quantityValueOf(q);
      if (typeof q === 'number' && !Number.isFinite(q)) {
        out.push(problem(f, `${q} is not a finite number`, 'use a quantity such as "100m", "1", "128Mi" or "1Gi"'));
      } else if (typeof q === 'number' && !Number.isInteger(q)) {
        // A quantity is an integer or a string in the API's schema: 0.5 must be written "500m".
        out.push(problem(f, `${q} is a fractional number, which the Kubernetes schema does not take for a quantity`, `use k8s.Quantity.fromString("${q}") or a whole number`));
      } else if (Number.isNaN(v) || v < 0) {
        out.push(problem(f, `${JSON.stringify(q) ?? String(q)} is not a non-negative Kubernetes quantity`, 'use a quantity such as "100m", "1", "128Mi" or "1Gi"'));
      } else if (v > MAX_QUANTITY) {
        out.push(problem(f, `${JSON.stringify(q)} is more than a Kubernetes quantity holds`, 'use a realistic amount'));
      } else if (name !== 'cpu' && !Number.isInteger(v)) {
        out.push(problem(f, `${JSON.stringify(q)} is not a whole number of bytes or units`, 'use a whole amount such as "128Mi"'));
      } else {
        values[which][name] = v;
      }
    }
  }
  for (const [name, request] of Object.entries(values.requests)) {
    const limit = values.limits[name];
    if (limit !== undefined && request > limit) {
      out.push(problem(`${field}.requests.${name}`, `${json.requests[name]} is more than the limit ${json.limits[name]}, which the API server refuses`, 'lower the request or raise the limit'));
    }
  }
  return out;
}

const ENV_SOURCES = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'];

/** Problems of a container's extra environment variables (`taken`: names the container sets itself). */
export function envVarsProblems(field: string, env: k8s.EnvVar[] | undefined, taken: readonly string[] = []): string[] {
  if (env === undefined) return [];
  if (!Array.isArray(env)) return [problem(field, 'is not a list', 'pass a list of { name, value } variables')];
  const out: string[] = [];
  const names = new Set<string>();
  env.forEach((e, i) => {
    const f = `${field}[${i}]`;
    const { json, error } = jsonOf(e, k8s.toJson_EnvVar);
    if (error !== undefined || !json) {
      out.push(problem(f, `is not an environment variable${error ? ` (${error})` : ''}`, 'pass { name: "NAME", value: "value" }'));
      return;
    }
    const schema = kubernetesSchemaProblems(f, json, 'io.k8s.api.core.v1.EnvVar');
    if (schema.length > 0) {
      out.push(...schema);
      return;
    }
    const badName = envNameViolation(json.name);
    if (badName) out.push(problem(`${f}.name`, badName, 'use letters, digits, "_", "-" and ".", not starting with a digit'));
    else if (taken.includes(json.name)) out.push(problem(`${f}.name`, `${json.name} is set by the construct`, 'use another name'));
    // The API server warns that the later one hides the earlier, and apply may drop one.
    else if (names.has(json.name)) out.push(problem(`${f}.name`, `${json.name} is set twice`, 'set each variable once'));
    names.add(json.name);
    if (json.valueFrom !== undefined) {
      if (json.value !== undefined && json.value !== '') out.push(problem(`${f}.value`, 'is set together with valueFrom', 'keep one of value and valueFrom'));
      const sources = ENV_SOURCES.filter((s) => json.valueFrom[s] !== undefined);
      if (sources.length !== 1) {
        out.push(problem(`${f}.valueFrom`, `names ${sources.length} sources; the API server wants exactly one`, `set one of ${ENV_SOURCES.join(', ')}`));
        return;
      }
      const ref = json.valueFrom.configMapKeyRef ?? json.valueFrom.secretKeyRef;
      if (ref) {
        const which = json.valueFrom.configMapKeyRef ? 'configMapKeyRef' : 'secretKeyRef';
        out.push(...nameProblems(`${f}.valueFrom.${which}.name`, ref.name ?? '', NameRule.DNS_SUBDOMAIN));
        const badKey = configKeyViolation(ref.key);
        if (badKey) out.push(problem(`${f}.valueFrom.${which}.key`, badKey, 'use the key as it is in the object'));
      }
    }
  });
  return out;
}

const VOLUME_SOURCES = ['hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap', 'vsphereVolume',
  'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image'];

function modeProblems(field: string, mode: unknown): string[] {
  return mode === undefined || (Number.isInteger(mode) && (mode as number) >= 0 && (mode as number) <= 0o777) ? []
    : [problem(field, `${mode} is not a file mode (0 to 0777)`, 'use a mode such as 0o444 (292)')];
}

/** Problems of a pod's extra volumes (`taken`: names the pod has already; `pod`: how messages call the pod). */
export function volumesProblems(field: string, volumes: k8s.Volume[] | undefined, taken: readonly string[] = [], pod = 'the Pod'): string[] {
  if (volumes === undefined) return [];
  if (!Array.isArray(volumes)) return [problem(field, 'is not a list', 'pass a list of volumes')];
  const out: string[] = [];
  const seen = new Set(taken);
  volumes.forEach((v, i) => {
    const f = `${field}[${i}]`;
    const { json, error } = jsonOf(v, k8s.toJson_Volume);
    if (error !== undefined || !json) {
      out.push(problem(f, `is not a volume${error ? ` (${error})` : ''}`, 'pass { name: "cache", emptyDir: {} }'));
      return;
    }
    const schema = kubernetesSchemaProblems(f, json, 'io.k8s.api.core.v1.Volume');
    if (schema.length > 0) {
      out.push(...schema);
      return;
    }
    const badName = nameProblems(`${f}.name`, json.name, NameRule.DNS_LABEL, 'a volume name');
    out.push(...badName);
    if (badName.length === 0 && seen.has(json.name)) out.push(problem(`${f}.name`, `"${json.name}" is a volume of ${pod} already`, 'use another name'));
    seen.add(json.name);
    const sources = VOLUME_SOURCES.filter((s) => json[s] !== undefined);
    if (sources.length !== 1) {
      out.push(problem(f, `has ${sources.length} volume sources; the API server wants exactly one`, 'give one source, e.g. emptyDir: {} or secret: { secretName }'));
      return;
    }
    if (json.secret) {
      out.push(...nameProblems(`${f}.secret.secretName`, json.secret.secretName ?? '', NameRule.DNS_SUBDOMAIN), ...modeProblems(`${f}.secret.defaultMode`, json.secret.defaultMode));
    }
    if (json.configMap) {
      out.push(...nameProblems(`${f}.configMap.name`, json.configMap.name ?? '', NameRule.DNS_SUBDOMAIN), ...modeProblems(`${f}.configMap.defaultMode`, json.configMap.defaultMode));
    }
    if (json.persistentVolumeClaim) out.push(...nameProblems(`${f}.persistentVolumeClaim.claimName`, json.persistentVolumeClaim.claimName ?? '', NameRule.DNS_SUBDOMAIN));
    if (json.emptyDir?.sizeLimit !== undefined) {
      const size = quantityValueOf(json.emptyDir.sizeLimit);
      if (!(size >= 0) || !Number.isInteger(size)) out.push(problem(`${f}.emptyDir.sizeLimit`, `${JSON.stringify(json.emptyDir.sizeLimit)} is not a non-negative whole quantity of bytes`, 'use a size such as "1Gi"'));
    }
    if (json.emptyDir?.medium !== undefined && !['', 'Memory'].includes(json.emptyDir.medium) && !/^HugePages(-.+)?$/.test(json.emptyDir.medium)) {
      out.push(problem(`${f}.emptyDir.medium`, `"${json.emptyDir.medium}" is not a storage medium`, 'leave it out (node disk) or use "Memory"'));
    }
  });
  return out;
}

/**
 * Problems of a container's extra volume mounts: each names a volume of the Pod (`volumes`) and
 * mounts it at its own absolute path (`takenPaths`: where the container mounts volumes already;
 * `pod`: how messages call the pod).
 */
export function volumeMountsProblems(field: string, mounts: k8s.VolumeMount[] | undefined, volumes: readonly string[], takenPaths: readonly string[] = [], pod = 'the Pod'): string[] {
  if (mounts === undefined) return [];
  if (!Array.isArray(mounts)) return [problem(field, 'is not a list', 'pass a list of { name, mountPath } mounts')];
  const out: string[] = [];
  const paths = new Set(takenPaths);
  mounts.forEach((m, i) => {
    const f = `${field}[${i}]`;
    if (m === null || typeof m !== 'object') {
      out.push(problem(f, 'is not a volume mount', 'pass { name: "cache", mountPath: "/cache" }'));
      return;
    }
    const schema = kubernetesSchemaProblems(f, m, 'io.k8s.api.core.v1.VolumeMount');
    if (schema.length > 0) {
      out.push(...schema);
      return;
    }
    if (!volumes.includes(m.name)) out.push(problem(`${f}.name`, `"${m.name}" is no volume of ${pod}`, 'add the volume to the volumes, or mount one that exists'));
    if (!m.mountPath.startsWith('/') || m.mountPath.includes(':')) {
      out.push(problem(`${f}.mountPath`, `${JSON.stringify(m.mountPath)} is not an absolute path without ":"`, 'use a path such as "/cache"'));
    } else if (paths.has(m.mountPath)) {
      out.push(problem(`${f}.mountPath`, `"${m.mountPath}" is mounted already`, 'mount each path once'));
    }
    paths.add(m.mountPath);
    for (const sub of ['subPath', 'subPathExpr'] as const) {
      const p = m[sub];
      if (p !== undefined && (p.startsWith('/') || p.split('/').includes('..'))) {
        out.push(problem(`${f}.${sub}`, `"${p}" is not a relative path inside the volume`, 'use a relative path without ".."'));
      }
    }
    if (m.subPath && m.subPathExpr) out.push(problem(`${f}.subPathExpr`, 'is set together with subPath', 'keep one of them'));
    if (m.mountPropagation !== undefined && !['None', 'HostToContainer', 'Bidirectional'].includes(m.mountPropagation)) {
      out.push(problem(`${f}.mountPropagation`, `"${m.mountPropagation}" is not None, HostToContainer or Bidirectional`, 'leave it out'));
    }
  });
  return out;
}
