/**
 * Where a Repository's restic repository lives, and the app-wide check that no two of them share
 * it. Two databases in one location lose data: both Jobs run restic as `host-0`, so the
 * retention of one (`forget --host host-0 --keep-*`) deletes the other's snapshots, and a restore
 * of `latest` restores whichever dumped last. A restic repository inside another's tree is as
 * bad (the outer one's `check` and `prune` see foreign files).
 *
 * A location is a root (provider, endpoint, bucket or container, REST server, volume) and a path
 * (the prefix or subPath, or the REST URL's path) normalised to its non-empty segments, so
 * `a`, `/a/` and `a//` are one location. Two locations collide when their roots are equal and
 * one path is equal to or a parent of the other (the bucket root is the parent of every prefix).
 *
 * Every `Repository` registers its location with its app; a BackupBlueprint registers its prefix
 * pattern. Anything else that creates a Repository (the copies of a backup, for example) joins
 * the check by creating a `Repository` construct, or by calling `registerRepositoryLocation`.
 * The per-database chart applies the same rule (generator/backup-chart).
 */
import { IConstruct } from 'constructs';
import { registeredObjectCount } from '../../core/validation/app-checks';
import { problem } from '../../core/validation/problems';
import { Backend, BackendProvider } from './backend';

/** A restic repository's place: `root` and the normalised path segments under it. */
export interface RepositoryLocation {
  /** Provider, endpoint and bucket (or container, server, volume), e.g. `s3:s3.amazonaws.com/backups`. */
  readonly root: string;
  /** The path under the root, without empty segments (`['stash', 'shop', 'orders']`). */
  readonly segments: string[];
  /** The field that sets the path (`prefix`, `subPath` or `url`), under `backend.<provider>`. */
  readonly field: string;
}

/** The location as the chart prints it: `gcs:acme-backups/stash/shop/orders` (`gcs:acme-backups/` for the bucket root). */
export function describeLocation(location: RepositoryLocation): string {
  return `${location.root}/${location.segments.join('/')}`;
}

/** `a//b/` -> `['a', 'b']`. */
export function pathSegments(path: string | undefined): string[] {
  return typeof path === 'string' ? path.split('/').filter((s) => s !== '') : [];
}

/** An S3 endpoint as one key: https is the default scheme, a trailing "/" and the case of the host do not matter. */
export function normalizedEndpoint(endpoint: string): string {
  return endpoint.trim().toLowerCase().replace(/^https:\/\//, '').replace(/\/+$/, '');
}

/**
 * The location `backend` writes to, for a Repository in `namespace` (a PersistentVolumeClaim is
 * per namespace); undefined when the backend cannot render (its own checks report why).
 */
export function locationOfBackend(backend: Backend | undefined, namespace: string | undefined): RepositoryLocation | undefined {
  if (!(backend instanceof Backend)) return undefined;
  let json: { [key: string]: any };
  try {
    json = backend.toJson()[backend.provider] ?? {};
  } catch {
    return undefined;
  }
  const p = backend.provider;
  switch (p) {
    case BackendProvider.S3:
      return { root: `s3:${normalizedEndpoint(String(json.endpoint ?? ''))}/${json.bucket}`, segments: pathSegments(json.prefix), field: 'prefix' };
    case BackendProvider.GCS: case BackendProvider.B2:
      return { root: `${p}:${json.bucket}`, segments: pathSegments(json.prefix), field: 'prefix' };
    case BackendProvider.AZURE: case BackendProvider.SWIFT:
      return { root: `${p}:${json.container}`, segments: pathSegments(json.prefix), field: 'prefix' };
    case BackendProvider.REST: {
      const m = /^([a-z][a-z0-9+.-]*:\/\/[^/]*)(.*)$/i.exec(String(json.url ?? ''));
      if (!m) return undefined;
      return { root: `rest:${m[1].toLowerCase()}`, segments: pathSegments(m[2]), field: 'url' };
    }
    case BackendProvider.LOCAL: {
      const sub = pathSegments(json.subPath);
      if (json.persistentVolumeClaim) return { root: `local:${namespace ?? ''}/${json.persistentVolumeClaim.claimName}`, segments: sub, field: 'subPath' };
      if (json.nfs) return { root: `local:${json.nfs.server}`, segments: [...pathSegments(json.nfs.path), ...sub], field: 'subPath' };
      if (json.hostPath) return { root: 'local:hostPath', segments: [...pathSegments(json.hostPath.path), ...sub], field: 'subPath' };
      return undefined;
    }
    default:
      return undefined;
  }
}

/** How the two paths of one root relate: the same, or one inside the other. */
export function collides(a: readonly string[], b: readonly string[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A Blueprint prefix segment as a regular expression: each `${VARIABLE}` stands for any text of one segment. */
function segmentPattern(segment: string): RegExp {
  const parts = segment.split(/\$\{[^}]*\}/);
  return new RegExp(`^${parts.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/]+')}$`);
}

/** Whether some expansion of the pattern `pattern` equals, contains or lies inside `concrete`. */
export function patternCollides(pattern: readonly string[], concrete: readonly string[]): boolean {
  const n = Math.min(pattern.length, concrete.length);
  for (let i = 0; i < n; i++) {
    if (!pattern[i].includes('${') ? pattern[i] !== concrete[i] : !segmentPattern(pattern[i]).test(concrete[i])) return false;
  }
  return true;
}

interface Entry {
  readonly construct: IConstruct;
  readonly location: () => RepositoryLocation | undefined;
  /** A BackupBlueprint's pattern (variables in the path) rather than one concrete location. */
  readonly pattern: boolean;
}

const REGISTRY = new WeakMap<IConstruct, Entry[]>();
/** Problems by construct, computed once per set of registered objects (one pass over the app, not one per Repository). */
const RESULTS = new WeakMap<IConstruct, { count: number; size: number; problems: Map<IConstruct, string[]> }>();

/**
 * Registers the restic repository `construct` writes to (`pattern`: a BackupBlueprint's prefix
 * with variables), so that the app-wide check compares it with every other one.
 */
export function registerRepositoryLocation(construct: IConstruct, location: () => RepositoryLocation | undefined, pattern = false): void {
  const root = construct.node.root;
  let list = REGISTRY.get(root);
  if (!list) {
    list = [];
    REGISTRY.set(root, list);
  }
  list.push({ construct, location, pattern });
}

const FIX = 'give each database its own prefix (for example "<namespace>/<database>") or its own bucket';

/** Every location problem of the app, by construct: each collision is reported on the later of the two, naming the earlier. */
function computeProblems(entries: readonly Entry[]): Map<IConstruct, string[]> {
  const out = new Map<IConstruct, string[]>();
  const add = (c: IConstruct, p: string) => out.set(c, [...(out.get(c) ?? []), p]);
  // Exact locations, and every ancestor path of each (the first entry that has it), per root:
  // linear in the number of path segments of the app.
  const exact = new Map<string, number>();
  const below = new Map<string, number>();
  const concrete: Array<{ i: number; loc: RepositoryLocation }> = [];
  const locations = entries.map((e) => safe(e.location));
  entries.forEach((entry, i) => {
    const loc = locations[i];
    if (!loc || entry.pattern) return;
    concrete.push({ i, loc });
    const key = (n: number) => `${loc.root}\u0000${loc.segments.slice(0, n).join('/')}`;
    const self = key(loc.segments.length);
    // 'same', 'contains' (an earlier one lies inside this one) or 'inside' (this one lies inside an earlier one).
    let other = exact.get(self);
    let how = 'same';
    if (other === undefined && below.has(self)) {
      other = below.get(self);
      how = 'contains';
    }
    for (let n = 0; other === undefined && n < loc.segments.length; n++) {
      other = exact.get(key(n));
      how = 'inside';
    }
    if (other !== undefined) {
      const here = `${entry.construct.node.path}`;
      const there = `${entries[other].construct.node.path} (${describeLocation(locations[other]!)})`;
      const field = `backend.${loc.root.split(':')[0]}.${loc.field}`;
      add(entry.construct, how === 'same'
        ? problem(field, `gives ${here} the same repository location as ${entries[other].construct.node.path} (${describeLocation(loc)}), so both would write into one restic repository`, FIX)
        : problem(field, `gives ${here} a repository location (${describeLocation(loc)}) ${how === 'contains' ? 'that contains the one of' : 'inside the one of'} ${there}, so one restic repository would lie inside the other's tree`, FIX));
    }
    if (!exact.has(self)) exact.set(self, i);
    for (let n = 0; n < loc.segments.length; n++) if (!below.has(key(n))) below.set(key(n), i);
  });
  // Blueprints are few: each is compared with every concrete location.
  entries.forEach((entry, i) => {
    const pattern = locations[i];
    if (!pattern || !entry.pattern) return;
    const hits = concrete.filter(({ loc }) => rootMatches(pattern.root, loc.root) && patternCollides(pattern.segments, loc.segments));
    if (hits.length === 0) return;
    const names = hits.slice(0, 3).map(({ i: j, loc }) => `${entries[j].construct.node.path} (${describeLocation(loc)})`).join(', ') + (hits.length > 3 ? ` and ${hits.length - 3} more` : '');
    add(entry.construct, problem(`backend.${pattern.root.split(':')[0]}.${pattern.field}`,
      `"${pattern.segments.join('/')}" can expand to the repository location of ${names} (or one containing or inside it), so a database that opts in to the blueprint could write into that restic repository`,
      'give the blueprint\'s repositories a root of their own (for example "auto/${TARGET_NAMESPACE}/${TARGET_NAME}"), or move the other prefixes out of it'));
  });
  return out;
}

/** A blueprint's root: a claim without a namespace (each database's own) matches that claim in any namespace. */
function rootMatches(pattern: string, root: string): boolean {
  if (pattern === root) return true;
  const m = /^local:\/(.*)$/.exec(pattern);
  return m !== null && root.startsWith('local:') && root.endsWith(`/${m[1]}`) && !root.slice('local:'.length, -m[1].length - 1).includes('/');
}

function safe(location: () => RepositoryLocation | undefined): RepositoryLocation | undefined {
  try {
    return location();
  } catch {
    return undefined;
  }
}

/** The location problems of `construct`, from the app-wide result computed once per set of objects. */
export function repositoryLocationProblems(construct: IConstruct): string[] {
  const root = construct.node.root;
  const entries = REGISTRY.get(root) ?? [];
  const count = registeredObjectCount(construct);
  let result = RESULTS.get(root);
  if (!result || result.count !== count || result.size !== entries.length) {
    result = { count, size: entries.length, problems: computeProblems(entries) };
    RESULTS.set(root, result);
  }
  return result.problems.get(construct) ?? [];
}
