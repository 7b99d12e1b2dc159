/**
 * One-pass rendering of the objects whose classes `cdk8s import` generated (imports/).
 *
 * Rendering such an object normally takes two full copies: cdk8s's `ApiObject.toJson()`
 * (resolve, then sanitize with sorted keys), then the generated `toJson()` (`{ ...GVK,
 * ...toJson_XProps(resolved) }`, which rebuilds every nested object with one spread per key).
 * Our constructs already hold the spec as plain wire JSON, so `onePass()` subclasses a generated
 * class (types, GVK and `instanceof` stay those of imports/) and renders `{ apiVersion, kind,
 * metadata, spec }` straight from that JSON, with the very result of the two-pass chain:
 *
 * - `metadata` is `this.metadata.toJson()` (resolved and sanitized, keys sorted);
 * - in an object with declared properties, keys come in the order of the CRD schema (the order
 *   of the generated `toJson_*` functions), and a property the generated interface lacks is
 *   dropped, as the generated code drops it (the generator camel-cases names like `volumeID` to
 *   `volumeId` and then reads a field our wire JSON does not have, unless typed-spec.ts renamed
 *   it: those are listed in `keep`);
 * - maps (`additionalProperties`) and free-form objects: keys sorted, values sanitized;
 * - `null` and `undefined` dropped, arrays element by element.
 *
 * Anything unusual falls back to the two-pass chain (`super.toJson()`): JSON patches
 * (`addJsonPatch`), custom resolvers on the App, a value that is not plain JSON (a `Lazy`, a
 * class instance), `CDK8S_DISABLE_SORT`, or a change in cdk8s internals.
 */
import { ApiObject, App } from 'cdk8s';
import { Construct } from 'constructs';
import { openApiSchemaOf, STASH_RESOURCES } from '../api';
import { JSONSchemaProps } from '../api/schema';

/** How one schema node renders. */
type Plan =
  | { readonly t: 'struct'; readonly fields: ReadonlyArray<readonly [string, Plan]> }
  | { readonly t: 'array'; readonly items: Plan }
  | { readonly t: 'free' };

const FREE: Plan = { t: 'free' };

/** Thrown when the value is not plain JSON: the caller falls back to the two-pass chain. */
class NotPlain extends Error {}

/**
 * Whether `cdk8s import` (json2jsii, through `camelcase`) gives the property another
 * TypeScript name (`insecureTLS` -> `insecureTls`, `volumeID` -> `volumeId`). The generated
 * `toJson_*` then reads the TypeScript name, which our wire JSON does not carry.
 */
export function generatorRenames(name: string): boolean {
  return !/^[a-z][a-zA-Z0-9]*$/.test(name) || /[A-Z]{2}/.test(name);
}

function planOf(schema: JSONSchemaProps | undefined, path: string, keep: ReadonlySet<string>): Plan {
  if (!schema) return FREE;
  const s = schema as any;
  if (s.type === 'array') return { t: 'array', items: planOf(s.items, path, keep) };
  if (s.properties && Object.keys(s.properties).length > 0) {
    const fields: Array<readonly [string, Plan]> = [];
    for (const name of Object.keys(s.properties)) {
      const at = path ? `${path}.${name}` : name;
      if (generatorRenames(name) && !keep.has(at)) continue;
      fields.push([name, planOf(s.properties[name], at, keep)]);
    }
    return { t: 'struct', fields };
  }
  return FREE;
}

/** `sanitizeValue(value, { sortKeys: true })` of cdk8s, for plain JSON only. */
function sanitize(value: any): any {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(sanitize);
  if (value.constructor !== Object) throw new NotPlain();
  const out: any = {};
  for (const key of Object.keys(value).sort()) {
    const v = sanitize(value[key]);
    if (v !== null && v !== undefined) out[key] = v;
  }
  return out;
}

function render(value: any, plan: Plan): any {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items = plan.t === 'array' ? plan.items : FREE;
    return value.map((v) => render(v, items));
  }
  if (value.constructor !== Object) throw new NotPlain();
  if (plan.t !== 'struct') return sanitize(value);
  const out: any = {};
  for (const [name, child] of plan.fields) {
    const v = render(value[name], child);
    if (v !== null && v !== undefined) out[name] = v;
  }
  return out;
}

const PLANS = new Map<string, Plan>();

function specPlan(apiVersion: string, kind: string, keep: readonly string[]): Plan {
  const key = `${apiVersion}/${kind}|${keep.join(',')}`;
  let plan = PLANS.get(key);
  if (!plan) {
    const def = STASH_RESOURCES.find((d) => `${d.group}/${d.version}` === apiVersion && d.kind === kind);
    if (!def) throw new Error(`one-pass rendering: no API model for ${apiVersion} ${kind}`);
    plan = planOf(openApiSchemaOf(def).properties!.spec, '', new Set(keep));
    PLANS.set(key, plan);
  }
  return plan;
}

/** Whether cdk8s would resolve plain JSON to itself: only its own three resolvers. */
function defaultResolvers(obj: ApiObject): boolean {
  const resolvers = App.of(obj).resolvers;
  return resolvers.length === 3 && resolvers.every((r) => ['LazyResolver', 'ImplicitTokenResolver', 'NumberStringUnionResolver'].includes(r.constructor.name));
}

/** The object rendered in one pass, or `undefined` when it must take the two-pass chain. */
function renderOnePass(obj: ApiObject, spec: unknown, keep: readonly string[]): any {
  if (process.env.CDK8S_DISABLE_SORT) return undefined;
  const patches = (obj as any).patches;
  if (!Array.isArray(patches) || patches.length > 0) return undefined;
  if (!defaultResolvers(obj)) return undefined;
  try {
    const out: any = { apiVersion: obj.apiVersion, kind: obj.kind };
    const metadata = obj.metadata.toJson();
    if (metadata !== null && metadata !== undefined) out.metadata = metadata;
    const rendered = render(spec, specPlan(obj.apiVersion, obj.kind, keep));
    if (rendered !== undefined) out.spec = rendered;
    return out;
  } catch (e) {
    if (e instanceof NotPlain) return undefined;
    throw e;
  }
}

/** A generated class: `new X(scope, id, props)`. */
type GeneratedClass<P> = new (scope: Construct, id: string, props: P) => ApiObject;

/** An object of a one-pass subclass. */
export interface OnePassObject {
  /** What the generated class renders (the two-pass chain), for tests and comparisons. */
  toJsonViaImport(): any;
  /** The one-pass rendering, or `undefined` when the object takes the two-pass chain. */
  toJsonOnePass(): any;
}

const CLASSES = new Map<unknown, unknown>();

/**
 * Creates the object as `new Generated(scope, id, props)` would, from a one-pass subclass that
 * renders `spec` (the wire JSON `props.spec` was built from). `keep` lists the renamed
 * properties (`backend.s3.insecureTLS`) that typed-spec.ts carries over under their TypeScript
 * name, so the generated class renders them.
 */
export function onePass<T extends ApiObject, P extends { spec?: unknown }>(
  Generated: new (scope: Construct, id: string, props: P) => T,
  scope: Construct, id: string, props: P, spec: unknown, keep: readonly string[] = [],
): T & OnePassObject {
  let Sub = CLASSES.get(Generated) as (new (scope: Construct, id: string, props: P, spec: unknown, keep: readonly string[]) => T & OnePassObject) | undefined;
  if (!Sub) {
    const Base = Generated as unknown as GeneratedClass<P>;
    class OnePass extends Base implements OnePassObject {
      private readonly wireSpec: unknown;
      private readonly keep: readonly string[];
      constructor(s: Construct, i: string, p: P, w: unknown, k: readonly string[]) {
        super(s, i, p);
        this.wireSpec = w;
        this.keep = k;
      }
      public override toJson(): any {
        return renderOnePass(this, this.wireSpec, this.keep) ?? super.toJson();
      }
      public toJsonViaImport(): any {
        return super.toJson();
      }
      public toJsonOnePass(): any {
        return renderOnePass(this, this.wireSpec, this.keep);
      }
    }
    Object.defineProperty(OnePass, 'name', { value: Generated.name });
    Sub = OnePass as any;
    CLASSES.set(Generated, Sub);
  }
  return new Sub!(scope, id, props, spec, keep);
}

/** Whether an object renders through `onePass()`. */
export function isOnePass(obj: unknown): obj is ApiObject & OnePassObject {
  return obj instanceof ApiObject && typeof (obj as any).toJsonViaImport === 'function';
}

/** The one-pass rendering of an object, or `undefined` when it takes the two-pass chain. */
export function onePassJson(obj: unknown): any {
  return isOnePass(obj) ? obj.toJsonOnePass() : undefined;
}
