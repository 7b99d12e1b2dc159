/**
 * Schemas of embedded Kubernetes types, resolved from the Kubernetes OpenAPI document that
 * `npm run import:k8s` extracts into `imports/k8s-openapi.json` (see
 * `scripts/extract-k8s-openapi.ts`). Resolution turns the OpenAPI form into the structural form
 * that a CRD needs: references inlined, int-or-string and quantities marked, timestamps as
 * strings, raw extensions preserved, descriptions dropped (they would multiply the CRD size).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { JSONSchemaProps } from './json-schema';

/** `imports/` at the package root (this file runs from `lib/src/api/`). */
const OPENAPI_FILE = path.join(__dirname, '..', '..', '..', 'imports', 'k8s-openapi.json');

/** The shape of `imports/k8s-openapi.json`. */
export interface KubernetesOpenApiDocument {
  /** Where the definitions were read from (module and version). */
  readonly source: string;
  /** Definitions by name, as in the OpenAPI v3 `components.schemas` of the core API group. */
  readonly definitions: { [name: string]: RawSchema };
}

/** One OpenAPI definition before resolution. */
export interface RawSchema {
  [key: string]: unknown;
}

let document: KubernetesOpenApiDocument | undefined;
const cache = new Map<string, JSONSchemaProps>();

/** The extracted Kubernetes OpenAPI document (loaded once). */
export function kubernetesOpenApi(): KubernetesOpenApiDocument {
  // Loaded lazily so that code which never embeds a Kubernetes type does not pay for the parse.
  document ??= JSON.parse(fs.readFileSync(OPENAPI_FILE, 'utf8')) as KubernetesOpenApiDocument;
  return document;
}

const QUANTITY_PATTERN =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

/** Definitions whose OpenAPI form is not structural, with the structural form a CRD needs. */
const SPECIAL: { [name: string]: () => JSONSchemaProps } = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': () => ({
    'x-kubernetes-int-or-string': true,
    'anyOf': [{ type: 'integer' }, { type: 'string' }],
  }),
  'io.k8s.apimachinery.pkg.api.resource.Quantity': () => ({
    'x-kubernetes-int-or-string': true,
    'anyOf': [{ type: 'integer' }, { type: 'string' }],
    'pattern': QUANTITY_PATTERN,
  }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': () => ({ type: 'string', format: 'date-time' }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': () => ({ type: 'string', format: 'date-time' }),
  'io.k8s.apimachinery.pkg.runtime.RawExtension': () => ({
    'type': 'object',
    'x-kubernetes-preserve-unknown-fields': true,
  }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1': () => ({
    'type': 'object',
    'x-kubernetes-preserve-unknown-fields': true,
  }),
};

/** Keywords carried over from the OpenAPI document; everything else is dropped. */
const KEPT = new Set([
  'type', 'format', 'enum', 'pattern', 'minimum', 'maximum', 'minLength', 'maxLength',
  'minItems', 'maxItems', 'required', 'x-kubernetes-list-type', 'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
]);

/** The structural schema of a Kubernetes definition, e.g. `io.k8s.api.core.v1.Affinity`. */
export function resolveKubernetesSchema(name: string): JSONSchemaProps {
  let resolved = cache.get(name);
  if (!resolved) {
    resolved = resolveDefinition(name, []);
    cache.set(name, resolved);
  }
  // Callers may decorate the result (descriptions), so each gets its own copy.
  return structuredClone(resolved);
}

function resolveDefinition(name: string, stack: string[]): JSONSchemaProps {
  const special = SPECIAL[name];
  if (special) return special();
  if (stack.includes(name)) {
    throw new Error(`Kubernetes definition ${name} refers to itself (${[...stack, name].join(' -> ')}); a CRD schema cannot embed a recursive type`);
  }
  const raw = kubernetesOpenApi().definitions[name];
  if (!raw) {
    throw new Error(`Kubernetes definition ${name} is not in imports/k8s-openapi.json; add it to the roots of scripts/extract-k8s-openapi.ts and run \`npm run import:k8s\``);
  }
  return resolveNode(raw, [...stack, name]);
}

function refName(node: RawSchema): string | undefined {
  if (typeof node.$ref === 'string') return node.$ref.replace('#/components/schemas/', '');
  const allOf = node.allOf as RawSchema[] | undefined;
  if (allOf?.length === 1 && typeof allOf[0].$ref === 'string') return refName(allOf[0]);
  return undefined;
}

function resolveNode(node: RawSchema, stack: string[]): JSONSchemaProps {
  const ref = refName(node);
  if (ref) return resolveDefinition(ref, stack);
  const out: { [key: string]: unknown } = {};
  for (const [key, value] of Object.entries(node)) {
    if (KEPT.has(key)) out[key] = value;
  }
  // Scalar defaults are kept (they tell the server how to fill list-map keys such as a port's
  // protocol); object and array defaults in the OpenAPI document only mark "empty" and are
  // dropped so that the server never materializes empty objects in our resources.
  if (node.default !== undefined && (typeof node.default !== 'object' || node.default === null)) {
    out.default = node.default;
  }
  if (node.properties) {
    const properties: { [name: string]: JSONSchemaProps } = {};
    const required = new Set((node.required as string[] | undefined) ?? []);
    for (const [prop, child] of Object.entries(node.properties as { [k: string]: RawSchema })) {
      properties[prop] = resolveNode(child, stack);
      // The OpenAPI document gives required fields their zero value as default ("effectively
      // required"); in a CRD that default would turn a missing field into "" instead of an error.
      if (required.has(prop)) delete properties[prop].default;
    }
    out.properties = properties;
    out.type ??= 'object';
  }
  // Defaults on list items and map values only restate the zero value; they never apply.
  if (node.items) out.items = withoutDefault(resolveNode(node.items as RawSchema, stack));
  if (node.additionalProperties !== undefined && typeof node.additionalProperties === 'object') {
    out.additionalProperties = withoutDefault(resolveNode(node.additionalProperties as RawSchema, stack));
  }
  return out as JSONSchemaProps;
}

function withoutDefault(schema: JSONSchemaProps): JSONSchemaProps {
  delete schema.default;
  return schema;
}
