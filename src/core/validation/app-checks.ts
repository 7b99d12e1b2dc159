/**
 * Checks across the whole app, which no single construct can make alone: two constructs that
 * emit the same kind, namespace and name (`kubectl apply` would silently keep only the last).
 * Every `StashObject` registers itself with its app root; each one's validation reports the
 * objects registered before it with the same identity, so the message names both paths.
 */
import { IConstruct } from 'constructs';
import { problem } from './problems';

/** What identifies an object in the cluster. */
export interface ObjectIdentity {
  /** Kind of the object. */
  readonly kind: string;
  /** Name of the object. */
  readonly name: string;
  /** Namespace of the object (undefined: cluster-scoped, or the context's namespace). */
  readonly namespace?: string;
}

const REGISTRY = new WeakMap<IConstruct, Array<{ construct: IConstruct; identity: () => ObjectIdentity }>>();

/**
 * A fact about the whole app of `scope` (an index, the Namespaces' levels, the AppBindings),
 * computed by `compute` from the app's root once per set of objects: again only when objects
 * were registered since, so that N constructs asking cost one walk, not N. One cache per
 * `compute` function, which must therefore be a module-level function, not a new closure per call.
 * @internal
 */
export function perApp<T>(scope: IConstruct, compute: (root: IConstruct) => T): T {
  const root = scope.node.root;
  const objects = registeredObjectCount(root);
  let byRoot = PER_APP.get(compute);
  if (!byRoot) {
    byRoot = new WeakMap();
    PER_APP.set(compute, byRoot);
  }
  const cached = byRoot.get(root);
  if (cached && cached.objects === objects) return cached.value as T;
  const value = compute(root);
  byRoot.set(root, { objects, value });
  return value;
}

const PER_APP = new WeakMap<Function, WeakMap<IConstruct, { objects: number; value: unknown }>>();

/** Every registered object's key, the objects with the same key, and the names by kind and namespace. */
interface Index {
  readonly position: Map<IConstruct, number>;
  readonly keys: string[];
  readonly byKey: Map<string, number[]>;
  /** The same, by kind and name only (any namespace). */
  readonly byKindName: Map<string, number[]>;
  /** The names of the objects of each kind and namespace, objects private to a construct left out. */
  readonly namesByKindNamespace: Map<string, string[]>;
}

/** The index of `root`'s objects, in one pass over its registry. */
function buildIndex(root: IConstruct): Index {
  const list = REGISTRY.get(root) ?? [];
  const position = new Map<IConstruct, number>();
  const keys: string[] = [];
  const byKey = new Map<string, number[]>();
  const byKindName = new Map<string, number[]>();
  const namesByKindNamespace = new Map<string, string[]>();
  const push = <V>(map: Map<string, V[]>, key: string, value: V) => {
    const at = map.get(key);
    if (at) at.push(value); else map.set(key, [value]);
  };
  list.forEach((e, i) => {
    const id = e.identity();
    const key = keyOf(id);
    position.set(e.construct, i);
    keys.push(key);
    push(byKey, key, i);
    push(byKindName, `${id.kind}\u0000${id.name}`, i);
    if (!e.construct.node.scopes.some((c) => PRIVATE_SCOPES.has(c))) push(namesByKindNamespace, `${id.kind}\u0000${id.namespace ?? ''}`, id.name);
  });
  return { position, keys, byKey, byKindName, namesByKindNamespace };
}

function indexOf(root: IConstruct): Index {
  return perApp(root, buildIndex);
}

/**
 * How many objects `scope`'s app has registered: app-wide facts cached by other checks are
 * computed again when it changes.
 * @internal
 */
export function registeredObjectCount(scope: IConstruct): number {
  return REGISTRY.get(scope.node.root)?.length ?? 0;
}

function keyOf(id: ObjectIdentity): string {
  return `${id.kind}\u0000${id.namespace ?? ''}\u0000${id.name}`;
}

/** Registers `construct` as emitting the object `identity()` in its app. */
export function registerObject(construct: IConstruct, identity: () => ObjectIdentity): void {
  const root = construct.node.root;
  let list = REGISTRY.get(root);
  if (!list) {
    list = [];
    REGISTRY.set(root, list);
  }
  list.push({ construct, identity });
}

/** Problems of `construct`'s object colliding with one registered before it in the same app. */
export function duplicateObjectProblems(construct: IConstruct): string[] {
  const root = construct.node.root;
  const list = REGISTRY.get(root) ?? [];
  const { position, keys, byKey } = indexOf(root);
  const index = position.get(construct);
  if (index === undefined || index === 0) return [];
  const earlier = (byKey.get(keys[index]) ?? []).filter((i) => i < index).map((i) => list[i]);
  if (earlier.length === 0) return [];
  const mine = list[index].identity();
  const where = mine.namespace !== undefined ? ` in namespace "${mine.namespace}"` : '';
  return [problem('name', `${mine.kind} "${mine.name}"${where} is also emitted by ${earlier.map((e) => e.construct.node.path).join(', ')}; kubectl apply would keep only one of them`,
    'give each object its own name (or namespace)')];
}

/** Constructs whose objects are made for their own use only (a drill's AppBinding): never the target of a user's reference. */
const PRIVATE_SCOPES = new WeakSet<IConstruct>();

/**
 * Marks the objects under `scope` as private to it: references by name are not judged against them.
 * @internal
 */
export function privateToScope(scope: IConstruct): void {
  PRIVATE_SCOPES.add(scope);
}

function namesOf(root: IConstruct): Map<string, string[]> {
  return indexOf(root).namesByKindNamespace;
}

/**
 * The names of the objects of `kind` that the app declares in `namespace` (objects private to a
 * construct left out), or undefined when it declares none there.
 * @internal
 */
export function declaredNames(scope: IConstruct, kind: string, namespace: string | undefined): readonly string[] | undefined {
  return namesOf(scope.node.root).get(`${kind}\u0000${namespace ?? ''}`);
}

/** Levenshtein distance (insertions, deletions, substitutions), for "did you mean". */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** What a by-name reference points at, and how to say it. */
export interface NamedReference {
  /** Kind of the referenced object. */
  readonly kind: string;
  /** Its name. */
  readonly name: string;
  /** Its namespace (the referencing object's when the reference gives none). */
  readonly namespace?: string;
  /** What waits for it when it is missing, e.g. `the RestoreSession would wait for it forever`. */
  readonly consequence: string;
  /** The construct to pass instead of a name, e.g. `plan.repository`. */
  readonly instead: string;
}

/**
 * Problems of a reference by name to an object the app should declare: when the app declares at
 * least one object of that kind in that namespace, it is taken to hold them all there, so a name
 * none of them has is a typo (or a removed object), reported with the closest declared name.
 * Callers leave out the names the app cannot know (objects Stash creates from a BackupBlueprint).
 */
export function unmatchedReferenceProblems(scope: IConstruct, field: string, ref: NamedReference): string[] {
  const declared = namesOf(scope.node.root).get(`${ref.kind}\u0000${ref.namespace ?? ''}`);
  if (!declared || declared.includes(ref.name)) return [];
  let closest = declared[0];
  let best = Infinity;
  for (const name of declared) {
    const d = editDistance(ref.name, name);
    if (d < best || (d === best && name.localeCompare(closest) < 0)) [closest, best] = [name, d];
  }
  const where = ref.namespace !== undefined ? ` in namespace "${ref.namespace}"` : '';
  const declaredText = declared.length === 1 ? `the only ${ref.kind} it declares there is "${closest}"` : `it declares ${declared.length} there; the closest is "${closest}"`;
  return [problem(field, `names ${ref.kind} "${ref.name}"${where}, which this app does not declare (${declaredText}); ${ref.consequence}`,
    `did you mean "${closest}"? Better, pass ${ref.instead} instead of a name; for one created outside this app, pass { declaredElsewhere: true }`)];
}

/**
 * The objects of the app with `construct`'s kind and name in another namespace (construct path
 * and namespace), for kinds whose name must be unique across namespaces.
 */
export function sameNameInOtherNamespaces(construct: IConstruct): Array<{ path: string; namespace?: string }> {
  const root = construct.node.root;
  const list = REGISTRY.get(root) ?? [];
  const { position, byKindName } = indexOf(root);
  const index = position.get(construct);
  if (index === undefined) return [];
  const mine = list[index].identity();
  return (byKindName.get(`${mine.kind}\u0000${mine.name}`) ?? [])
    .map((i) => ({ construct: list[i].construct, namespace: list[i].identity().namespace }))
    .filter((o) => o.construct !== construct && o.namespace !== mine.namespace)
    .map((o) => ({ path: o.construct.node.path, namespace: o.namespace }));
}
