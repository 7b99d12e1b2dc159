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
  const list = REGISTRY.get(construct.node.root) ?? [];
  const index = list.findIndex((e) => e.construct === construct);
  if (index <= 0) return [];
  const mine = list[index].identity();
  const key = keyOf(mine);
  const earlier = list.slice(0, index).filter((e) => keyOf(e.identity()) === key);
  if (earlier.length === 0) return [];
  const where = mine.namespace !== undefined ? ` in namespace "${mine.namespace}"` : '';
  return [problem('name', `${mine.kind} "${mine.name}"${where} is also emitted by ${earlier.map((e) => e.construct.node.path).join(', ')}; kubectl apply would keep only one of them`,
    'give each object its own name (or namespace)')];
}
