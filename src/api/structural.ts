/**
 * Checks on structural schemas, the rules the Kubernetes API server applies to CRDs and to the
 * custom resources it stores. Used by the tests (our CRDs against upstream's, our objects
 * against upstream's schemas) and available to users who want the same checks in their CI.
 */
import type { JSONSchemaProps } from './json-schema';

/** One finding, at a dotted path (`spec.target.ref.name`, `[]` for items, `{}` for map values). */
export interface SchemaFinding {
  readonly path: string;
  readonly message: string;
}

function join(path: string, segment: string): string {
  return path ? `${path}.${segment}` : segment;
}

/** The children of a schema node with their path segments. */
function children(node: JSONSchemaProps): Array<[string, JSONSchemaProps]> {
  const out: Array<[string, JSONSchemaProps]> = [];
  for (const [name, child] of Object.entries(node.properties ?? {})) out.push([name, child]);
  if (node.items) out.push(['[]', node.items]);
  if (node.additionalProperties && typeof node.additionalProperties === 'object') {
    out.push(['{}', node.additionalProperties]);
  }
  return out;
}

/** Every field path of a schema (properties, array items and map values). */
export function fieldPaths(schema: JSONSchemaProps, prefix = ''): string[] {
  const out: string[] = [];
  for (const [segment, child] of children(schema)) {
    const path = join(prefix, segment);
    out.push(path, ...fieldPaths(child, path));
  }
  return out;
}

/**
 * What an object valid for `upstream` could lose or be refused for under `ours`: missing paths
 * (the server would prune them), other types or formats, enum values we do not accept, fields we
 * require that upstream does not.
 */
export function compareSchemas(upstream: JSONSchemaProps, ours: JSONSchemaProps, path = ''): SchemaFinding[] {
  const findings: SchemaFinding[] = [];
  const label = path || '<root>';
  if (upstream.type !== ours.type) {
    findings.push({ path: label, message: `type is ${ours.type ?? '(none)'}, upstream ${upstream.type ?? '(none)'}` });
  }
  if ((upstream.format ?? '') !== (ours.format ?? '') && upstream.type !== 'string') {
    findings.push({ path: label, message: `format is ${ours.format ?? '(none)'}, upstream ${upstream.format ?? '(none)'}` });
  }
  if (!!upstream['x-kubernetes-int-or-string'] !== !!ours['x-kubernetes-int-or-string']) {
    findings.push({ path: label, message: 'x-kubernetes-int-or-string differs from upstream' });
  }
  if (upstream['x-kubernetes-preserve-unknown-fields'] && !ours['x-kubernetes-preserve-unknown-fields']) {
    findings.push({ path: label, message: 'upstream preserves unknown fields here, ours prunes them' });
  }
  if (upstream.enum && ours.enum) {
    const missing = upstream.enum.filter((v) => !ours.enum!.includes(v));
    if (missing.length) findings.push({ path: label, message: `enum lacks upstream values ${JSON.stringify(missing)}` });
  } else if (ours.enum && !upstream.enum) {
    findings.push({ path: label, message: `enum ${JSON.stringify(ours.enum)} restricts a field upstream leaves open` });
  }
  const extraRequired = (ours.required ?? []).filter((r) => !(upstream.required ?? []).includes(r));
  if (extraRequired.length) {
    findings.push({ path: label, message: `requires ${extraRequired.join(', ')}, upstream does not` });
  }
  const oursChildren = new Map(children(ours));
  for (const [segment, child] of children(upstream)) {
    const mine = oursChildren.get(segment);
    const childPath = join(path, segment);
    if (!mine) {
      if (ours['x-kubernetes-preserve-unknown-fields']) continue;
      findings.push({ path: childPath, message: 'missing: the API server would prune this field' });
      continue;
    }
    findings.push(...compareSchemas(child, mine, childPath));
  }
  return findings;
}

const FORBIDDEN = ['$ref', 'definitions', 'dependencies', 'additionalItems', 'patternProperties', 'id', '$schema', 'oneOf', 'allOf', 'not'];
const SCALAR = new Set(['string', 'integer', 'number', 'boolean']);

/** Violations of the structural schema rules of apiextensions.k8s.io/v1. */
export function structuralErrors(schema: JSONSchemaProps, path = ''): SchemaFinding[] {
  const findings: SchemaFinding[] = [];
  const label = path || '<root>';
  const node = schema as { [key: string]: unknown };
  for (const key of FORBIDDEN) {
    if (key in node) findings.push({ path: label, message: `uses ${key}, which our structural schemas avoid` });
  }
  if ((node.uniqueItems as boolean) === true) findings.push({ path: label, message: 'uniqueItems: true is forbidden' });
  const intOrString = schema['x-kubernetes-int-or-string'] === true;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  if (!schema.type && !intOrString && !preserve) findings.push({ path: label, message: 'has no type' });
  if (schema.anyOf) {
    const ok = intOrString && schema.anyOf.length === 2
      && schema.anyOf.some((s) => s.type === 'integer' && Object.keys(s).length === 1)
      && schema.anyOf.some((s) => s.type === 'string' && Object.keys(s).length === 1);
    if (!ok) findings.push({ path: label, message: 'anyOf is only allowed as [integer, string] with x-kubernetes-int-or-string' });
  }
  if (intOrString && schema.type) findings.push({ path: label, message: 'x-kubernetes-int-or-string must not set type' });
  if (schema.properties && schema.additionalProperties !== undefined) {
    findings.push({ path: label, message: 'properties and additionalProperties are mutually exclusive' });
  }
  if ((schema.properties || schema.additionalProperties) && schema.type !== 'object') {
    findings.push({ path: label, message: 'properties need type: object' });
  }
  if (schema.items && schema.type !== 'array') findings.push({ path: label, message: 'items need type: array' });
  if (schema.type === 'array' && !schema.items) findings.push({ path: label, message: 'an array needs items' });
  if (schema['x-kubernetes-embedded-resource'] && !(schema.type === 'object' && (preserve || schema.properties))) {
    findings.push({ path: label, message: 'x-kubernetes-embedded-resource needs type: object and properties or preserve-unknown-fields' });
  }
  if (schema['x-kubernetes-map-type'] && schema.type !== 'object') {
    findings.push({ path: label, message: 'x-kubernetes-map-type applies to objects only' });
  }
  const listType = schema['x-kubernetes-list-type'];
  if (listType && schema.type !== 'array') findings.push({ path: label, message: 'x-kubernetes-list-type applies to arrays only' });
  if (listType === 'set' && schema.items && !SCALAR.has(schema.items.type ?? '') && schema.items['x-kubernetes-map-type'] !== 'atomic') {
    findings.push({ path: label, message: 'a set needs scalar or atomic items' });
  }
  const keys = schema['x-kubernetes-list-map-keys'];
  if (keys && listType !== 'map') findings.push({ path: label, message: 'x-kubernetes-list-map-keys needs x-kubernetes-list-type: map' });
  if (listType === 'map') {
    const items = schema.items;
    if (!items || items.type !== 'object') findings.push({ path: label, message: 'a map list needs object items' });
    if (!keys?.length) findings.push({ path: label, message: 'a map list needs x-kubernetes-list-map-keys' });
    for (const key of keys ?? []) {
      const prop = items?.properties?.[key];
      if (!prop || !SCALAR.has(prop.type ?? '')) findings.push({ path: label, message: `map key ${key} must be a scalar property` });
      else if (!items?.required?.includes(key) && prop.default === undefined) {
        findings.push({ path: label, message: `map key ${key} must be required or have a default` });
      }
    }
  }
  for (const [segment, child] of children(schema)) findings.push(...structuralErrors(child, join(path, segment)));
  return findings;
}

const INT_RANGE: { [format: string]: [number, number] } = {
  int32: [-2147483648, 2147483647],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/**
 * Validates a value strictly against a structural schema: besides types, enums, formats,
 * patterns and required fields, every field the schema does not know is an error, because the
 * API server would prune it silently.
 */
export function validateValue(schema: JSONSchemaProps, value: unknown, path = ''): SchemaFinding[] {
  const label = path || '<root>';
  const findings: SchemaFinding[] = [];
  if (value === null) {
    if (!schema.nullable) findings.push({ path: label, message: 'is null, which the schema does not allow' });
    return findings;
  }
  const actual = typeOf(value);
  if (schema['x-kubernetes-int-or-string']) {
    if (actual !== 'integer' && actual !== 'string') findings.push({ path: label, message: `must be an integer or a string, got ${actual}` });
  } else if (schema.type) {
    const ok = schema.type === actual || (schema.type === 'number' && actual === 'integer');
    if (!ok) {
      findings.push({ path: label, message: `must be ${schema.type}, got ${actual}` });
      return findings;
    }
  }
  if (schema.enum && !schema.enum.includes(value)) {
    findings.push({ path: label, message: `must be one of ${JSON.stringify(schema.enum)}, got ${JSON.stringify(value)}` });
  }
  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) findings.push({ path: label, message: `does not match ${schema.pattern}` });
    if (schema.format === 'date-time' && !DATE_TIME.test(value)) findings.push({ path: label, message: 'is not an RFC 3339 date-time' });
    if (schema.maxLength !== undefined && value.length > schema.maxLength) findings.push({ path: label, message: `is longer than ${schema.maxLength}` });
    if (schema.minLength !== undefined && value.length < schema.minLength) findings.push({ path: label, message: `is shorter than ${schema.minLength}` });
  }
  if (typeof value === 'number') {
    const range = schema.format ? INT_RANGE[schema.format] : undefined;
    if (range && (value < range[0] || value > range[1])) findings.push({ path: label, message: `is out of the ${schema.format} range` });
    if (schema.minimum !== undefined && value < schema.minimum) findings.push({ path: label, message: `is below ${schema.minimum}` });
    if (schema.maximum !== undefined && value > schema.maximum) findings.push({ path: label, message: `is above ${schema.maximum}` });
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) findings.push({ path: label, message: `needs at least ${schema.minItems} items` });
    if (schema.items) value.forEach((item, i) => findings.push(...validateValue(schema.items!, item, `${path}[${i}]`)));
  } else if (actual === 'object') {
    const obj = value as { [key: string]: unknown };
    for (const required of schema.required ?? []) {
      if (!(required in obj)) findings.push({ path: join(path, required), message: 'is required' });
    }
    const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
    for (const [key, child] of Object.entries(obj)) {
      const childPath = join(path, key);
      const prop = schema.properties?.[key];
      if (prop) findings.push(...validateValue(prop, child, childPath));
      else if (typeof schema.additionalProperties === 'object') findings.push(...validateValue(schema.additionalProperties, child, childPath));
      else if (!preserve && schema.additionalProperties !== true) findings.push({ path: childPath, message: 'is unknown to the schema: the API server would prune it' });
    }
  }
  return findings;
}
