/**
 * Kubernetes objects as the tests compare them: identity keys, server-set fields stripped,
 * snapshots of everything in the cluster, and kubectl/helm stderr without the noise that the
 * operator's (never running) aggregated API servers cause.
 */
import { Cluster, KubectlResult } from '../harness';

// ---------------------------------------------------------------------------------------------
// Identity

/** The API group of an object (`''` for the core group). */
export function groupOf(obj: { apiVersion: string }): string {
  const slash = obj.apiVersion.indexOf('/');
  return slash < 0 ? '' : obj.apiVersion.slice(0, slash);
}

/** `Kind.group/namespace/name` (namespace empty for cluster-scoped objects): one object, any version. */
export function objectKey(obj: any): string {
  const group = groupOf(obj);
  return `${obj.kind}${group ? `.${group}` : ''}/${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}`;
}

/** Sorted keys of objects. */
export function keysOf(objects: Iterable<any>): string[] {
  return [...objects].map(objectKey).sort();
}

// ---------------------------------------------------------------------------------------------
// Server-set fields

/** Metadata the API server sets on every object; never part of what we apply. */
export const SERVER_SET_METADATA = [
  'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink',
] as const;

/**
 * A copy of a live object without what the server sets on its own: the metadata above and, unless
 * `keepStatus`, `status`. Defaults are not removed: tests list the ones they expect.
 */
export function stripServerFields<T = any>(live: T, options: { keepStatus?: boolean } = {}): T {
  const copy: any = structuredClone(live);
  for (const field of SERVER_SET_METADATA) delete copy.metadata?.[field];
  if (copy.metadata?.annotations) {
    delete copy.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'];
    if (Object.keys(copy.metadata.annotations).length === 0) delete copy.metadata.annotations;
  }
  if (!options.keepStatus) delete copy.status;
  return copy;
}

/**
 * Paths under which `applied` has something that `live` lacks or holds differently (compared
 * leaf by leaf; extra fields in `live`, i.e. defaults, are ignored). Empty means nothing was
 * pruned or changed.
 */
export function missingFrom(applied: unknown, live: unknown, path = ''): string[] {
  if (applied !== null && typeof applied === 'object') {
    if (live === null || typeof live !== 'object' || Array.isArray(applied) !== Array.isArray(live)) {
      return [`${path || '.'}: applied ${JSON.stringify(applied)}, server has ${JSON.stringify(live)}`];
    }
    if (Array.isArray(applied)) {
      const l = live as unknown[];
      if (applied.length !== l.length) return [`${path}: applied ${applied.length} items, server has ${l.length}`];
      return applied.flatMap((item, i) => missingFrom(item, l[i], `${path}[${i}]`));
    }
    return Object.entries(applied as object).flatMap(([k, v]) => missingFrom(v, (live as any)[k], `${path}.${k}`));
  }
  return applied === live ? [] : [`${path}: applied ${JSON.stringify(applied)}, server has ${JSON.stringify(live)}`];
}

// ---------------------------------------------------------------------------------------------
// stderr of kubectl and helm

/**
 * What clients print on stderr that says nothing about the server's answer, dropped before stderr
 * is inspected (exit codes, server warnings and every other line still count):
 *
 * - Discovery of the operator's APIServices (admission.stash.appscode.com,
 *   repositories.stash.appscode.com). They point at its Service, whose Pods never run here (no
 *   kubelet), so the kube-apiserver marks them Available=False (EndpointsNotFound) and clients that
 *   walk discovery report those groups ("couldn't get resource list for
 *   admission.stash.appscode.com/v1alpha1: the server is currently unable to handle the request",
 *   "stale GroupVersion discovery: ..."). On a real cluster the operator serves them within seconds.
 * - client-go's own log lines at level 0: its rate limiter held a request back for over a second
 *   ("Waited before sending request ... client-side throttling"; depends on the machine's load),
 *   and a watch the client itself cancelled on its way out ("Warning: watch ended with error ...
 *   context canceled"; Helm 4 logs it when it stops watching the release's objects).
 */
const OPERATOR_API_GROUPS = /(admission|repositories)\.stash\.appscode\.com\/v1(alpha1|beta1)/;
const DISCOVERY_ERROR = /couldn't get resource list|unable to retrieve the complete list of server APIs|stale GroupVersion discovery|the server is currently unable to handle the request/;
const CLIENT_THROTTLING = /Waited before sending request|Waited for \S+ due to client-side throttling/;
const OWN_WATCH_CANCELLED = /watch ended with error.*context canceled/;

/** `stderr` without the client noise described above. */
export function withoutClientNoise(stderr: string): string {
  return stderr.split('\n')
    .filter((line) => !(OPERATOR_API_GROUPS.test(line) && DISCOVERY_ERROR.test(line)))
    .filter((line) => !CLIENT_THROTTLING.test(line) && !OWN_WATCH_CANCELLED.test(line))
    .join('\n');
}

/** Warnings the API server returned (kubectl prints `Warning: ...`; client-go's klog form too). */
export function serverWarnings(stderr: string): string[] {
  return withoutClientNoise(stderr).split('\n')
    .map((l) => l.trim())
    .filter((l) => /^Warning:/.test(l) || /warnings\.go:\d+\]/.test(l));
}

// ---------------------------------------------------------------------------------------------
// Snapshots of the whole cluster

/**
 * Resource types not compared by snapshots: events come and go; componentstatuses and v1
 * Endpoints are deprecated (listing them warns; nothing here writes Endpoints, and the chart's
 * Services would get EndpointSlices, which are compared).
 */
const UNSNAPSHOTTED = new Set(['events', 'events.events.k8s.io', 'componentstatuses', 'endpoints']);

/** Every resource type the server can list (`kubectl api-resources --verbs=list`). */
export async function listableResources(cluster: Cluster): Promise<string[]> {
  // Exits 1 while the operator's APIServices are unavailable, but lists every other type.
  const r = await cluster.kubectlResult(['api-resources', '--verbs=list', '-o', 'name']);
  const rest = withoutClientNoise(r.stderr).trim();
  if (r.code !== 0 && rest) throw new Error(`kubectl api-resources failed: ${rest}`);
  return r.stdout.split('\n').map((s) => s.trim()).filter((s) => s && !UNSNAPSHOTTED.has(s));
}

/** Every object of every listable type in every namespace, by `objectKey`. */
export async function snapshotObjects(cluster: Cluster): Promise<Map<string, any>> {
  const types = await listableResources(cluster);
  const r: KubectlResult = await cluster.kubectlResult(['get', types.join(','), '--all-namespaces', '-o', 'json'], { timeoutMs: 120_000 });
  const rest = withoutClientNoise(r.stderr).trim();
  if (r.code !== 0 || rest) throw new Error(`kubectl get (all types) failed (${r.code}): ${rest}`);
  const out = new Map<string, any>();
  for (const item of JSON.parse(r.stdout).items) out.set(objectKey(item), item);
  return out;
}

/** Keys in `after` that are not in `before`. */
export function addedKeys(before: Map<string, unknown>, after: Map<string, unknown>): string[] {
  return [...after.keys()].filter((k) => !before.has(k)).sort();
}

/** Objects that carry Helm's ownership annotations of a release. */
export function ownedByRelease(objects: Iterable<any>, release: string, namespace: string): any[] {
  return [...objects].filter((o) => o.metadata?.annotations?.['meta.helm.sh/release-name'] === release
    && o.metadata?.annotations?.['meta.helm.sh/release-namespace'] === namespace);
}

// ---------------------------------------------------------------------------------------------
// CRDs

/** Applies CRDs (server-side) and waits until each is Established. */
export async function applyCrds(cluster: Cluster, crds: readonly any[], fieldManager = 'stash-pxc-tests'): Promise<void> {
  if (crds.length === 0) return;
  await cluster.kubectl(['apply', '--server-side', `--field-manager=${fieldManager}`, '-f', '-'],
    { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: crds }) });
  await waitEstablished(cluster, crds.map((c) => c.metadata.name));
}

/** Waits until the named CRDs are Established (their kinds are served). */
export async function waitEstablished(cluster: Cluster, names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  await cluster.kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...names.map((n) => `crd/${n}`)],
    { timeoutMs: 70_000 });
}
