/**
 * How our custom resources become JSON: `StashApiObject`, a cdk8s `ApiObject` that holds its
 * spec as wire JSON (the shape the CRD schema describes, typed by `src/api`'s `Infer<>` types)
 * and renders it with the keys in the order of the CRD schema, the order `kubectl get -o yaml`
 * and the upstream examples use.
 *
 * Every field is kept: a field the schema does not know is rendered after the known ones (the
 * API server would prune it, and the validations report it before that), so no field is lost
 * to a naming rule of a code generator (`volumeID`, `insecureTLS`).
 *
 * Fast path: when the object has no JSON patch, the App has only cdk8s's own resolvers and the
 * spec is plain JSON, the object renders in one pass over the spec. Anything else takes cdk8s's
 * own `toJson()` (resolve, patches, sanitize) and only the key order is applied to its result,
 * so both paths give the same JSON for the same object.
 */
import { ApiObject, ApiObjectMetadata, App, ImplicitTokenResolver, JsonPatch, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
import { Construct } from 'constructs';
import type { ResourceDefinition } from '../api/crd';
import { openApiSchemaOf } from '../api/crd';
import type { JSONSchemaProps } from '../api/json-schema';

/** How one schema node orders its keys. */
type Plan =
  | { readonly t: 'struct'; readonly fields: ReadonlyArray<readonly [string, Plan]>; readonly known: ReadonlySet<string> }
  | { readonly t: 'array'; readonly items: Plan }
  | { readonly t: 'free' };

const FREE: Plan = { t: 'free' };

/** Thrown when a value is not plain JSON: the object then takes cdk8s's own rendering. */
class NotPlain extends Error {}

function planOf(schema: JSONSchemaProps | undefined): Plan {
  if (!schema) return FREE;
  if (schema.type === 'array') return { t: 'array', items: planOf(schema.items) };
  const properties = schema.properties ?? {};
  const names = Object.keys(properties);
  if (names.length === 0) return FREE;
  return { t: 'struct', fields: names.map((name) => [name, planOf(properties[name])] as const), known: new Set(names) };
}

const PLANS = new WeakMap<ResourceDefinition, Plan>();

/** The key order of a kind's `spec`, computed once per kind. */
function specPlan(def: ResourceDefinition): Plan {
  let plan = PLANS.get(def);
  if (!plan) {
    plan = planOf(openApiSchemaOf(def).properties?.spec);
    PLANS.set(def, plan);
  }
  return plan;
}

/**
 * `value` with the keys of every object in schema order (unknown keys after, sorted), maps and
 * free-form objects sorted, and `null`/`undefined` dropped: cdk8s's sanitize, in schema order.
 * `strict` throws `NotPlain` on anything that is not plain JSON (a token, a class instance).
 */
function ordered(value: any, plan: Plan, strict: boolean, sortMaps: boolean): any {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => ordered(v, plan.t === 'array' ? plan.items : FREE, strict, sortMaps));
  if (strict && value.constructor !== Object) throw new NotPlain();
  const out: any = {};
  const put = (key: string, child: Plan) => {
    const v = ordered(value[key], child, strict, sortMaps);
    if (v !== undefined) out[key] = v;
  };
  if (plan.t === 'struct') {
    for (const [name, child] of plan.fields) put(name, child);
    // Unknown keys are rare (the validations report them): collect them without sorting every node.
    let unknown: string[] | undefined;
    for (const key in value) if (!plan.known.has(key)) (unknown ??= []).push(key);
    if (unknown) for (const key of unknown.sort()) put(key, FREE);
  } else {
    const keys = Object.keys(value);
    for (const key of sortMaps ? keys.sort() : keys) put(key, FREE);
  }
  return out;
}

/** cdk8s's own resolvers, the only ones under which plain JSON resolves to itself. */
const BUILT_IN_RESOLVERS = [LazyResolver, ImplicitTokenResolver, NumberStringUnionResolver];

/** Props of `StashApiObject`. */
export interface StashApiObjectProps {
  /** The kind, as `src/api` models it. */
  readonly resource: ResourceDefinition;
  /** The object's metadata. */
  readonly metadata: ApiObjectMetadata;
  /** The spec, as wire JSON. */
  readonly spec: object;
}

/**
 * A custom resource of the Stash API, rendered in the key order of its CRD schema.
 * @internal
 */
export class StashApiObject extends ApiObject {
  private readonly resource: ResourceDefinition;
  private readonly spec: object;
  private patched = false;

  constructor(scope: Construct, id: string, props: StashApiObjectProps) {
    super(scope, id, {
      apiVersion: `${props.resource.group}/${props.resource.version}`,
      kind: props.resource.kind,
      metadata: props.metadata,
      spec: props.spec,
    });
    this.resource = props.resource;
    this.spec = props.spec;
    // A cluster-scoped object has no namespace, whatever the chart's.
    if (props.resource.scope === 'Cluster' && this.metadata.namespace !== undefined) this.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }

  public override addJsonPatch(...ops: JsonPatch[]): void {
    if (ops.length > 0) this.patched = true;
    super.addJsonPatch(...ops);
  }

  public override toJson(): any {
    return this.toJsonOnePass() ?? this.reorder(super.toJson());
  }

  /**
   * The one-pass rendering, or undefined when the object needs cdk8s's own rendering.
   * @internal
   */
  public toJsonOnePass(): any {
    if (process.env.CDK8S_DISABLE_SORT || this.patched) return undefined;
    if (!App.of(this).resolvers.every((r) => BUILT_IN_RESOLVERS.some((builtIn) => r instanceof builtIn))) return undefined;
    try {
      const spec = ordered(this.spec, specPlan(this.resource), true, true);
      const out: any = { apiVersion: this.apiVersion, kind: this.kind };
      const metadata = this.metadata.toJson();
      if (metadata !== undefined && metadata !== null) out.metadata = metadata;
      if (spec !== undefined) out.spec = spec;
      return out;
    } catch (e) {
      if (e instanceof NotPlain) return undefined;
      throw e;
    }
  }

  /**
   * cdk8s's own rendering (resolved, patched, sanitized), with the spec in schema order.
   * @internal
   */
  public toJsonViaCdk8s(): any {
    return this.reorder(super.toJson());
  }

  private reorder(json: any): any {
    if (json?.spec === undefined) return json;
    const spec = ordered(json.spec, specPlan(this.resource), false, !process.env.CDK8S_DISABLE_SORT);
    const { apiVersion, kind, metadata, spec: _spec, ...rest } = json;
    return { apiVersion, kind, ...(metadata !== undefined ? { metadata } : {}), ...(spec !== undefined ? { spec } : {}), ...rest };
  }
}
