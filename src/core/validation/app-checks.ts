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

/** Every registered object's key and the paths of those with the same key, computed once per set of objects. */
interface Index {
  readonly size: number;
  readonly position: Map<IConstruct, number>;
  readonly keys: string[];
  readonly byKey: Map<string, number[]>;
  /** The same, by kind and name only (any namespace). */
  readonly byKindName: Map<string, number[]>;
}
const INDEX = new WeakMap<IConstruct, Index>();

/** The index of `root`'s objects; rebuilt only when objects were registered since (one pass, not one per object). */
function indexOf(root: IConstruct): Index {
  const list = REGISTRY.get(root) ?? [];
  let index = INDEX.get(root);
  if (!index || index.size !== list.length) {
    const position = new Map<IConstruct, number>();
    const keys: string[] = [];
    const byKey = new Map<string, number[]>();
    const byKindName = new Map<string, number[]>();
    const push = (map: Map<string, number[]>, key: string, i: number) => {
      const at = map.get(key);
      if (at) at.push(i); else map.set(key, [i]);
    };
    list.forEach((e, i) => {
      const id = e.identity();
      const key = keyOf(id);
      position.set(e.construct, i);
      keys.push(key);
      push(byKey, key, i);
      push(byKindName, `${id.kind}\u0000${id.name}`, i);
    });
    index = { size: list.length, position, keys, byKey, byKindName };
    INDEX.set(root, index);
  }
  return index;
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
