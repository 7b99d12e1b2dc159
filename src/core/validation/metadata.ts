/**
 * Object metadata as the API server checks it: label keys and values, annotation keys and the
 * annotations' total size (apimachinery's `ValidateLabels` and `ValidateAnnotations`).
 */
import { nameViolation, NameRule } from './names';
import { problem } from './problems';

const NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/** The API server's limit on the annotations of one object, keys and values together. */
const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/** Why `key` is not a qualified name (`[prefix/]name`, as label and annotation keys are), or undefined. */
export function qualifiedNameViolation(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return `"${key}" has more than one "/"`;
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined) {
    const bad = nameViolation(prefix, NameRule.DNS_SUBDOMAIN);
    if (bad) return `"${key}": the prefix "${prefix}" ${bad}; a prefix must be a DNS-1123 subdomain`;
  }
  if (name.length === 0) return `"${key}" has an empty name part`;
  if (name.length > 63) return `"${key}": the name part is ${name.length} characters long, more than 63`;
  if (!NAME_PART.test(name)) return `"${key}": the name part must be letters, digits, "-", "_" or ".", starting and ending with a letter or digit`;
  return undefined;
}

/** Why `value` is not a valid label value, or undefined. */
export function labelValueViolation(value: unknown): string | undefined {
  if (typeof value !== 'string') return `${JSON.stringify(value)} is not a string`;
  if (value === '') return undefined;
  if (value.length > 63) return `"${value}" is ${value.length} characters long, more than 63`;
  if (!NAME_PART.test(value)) return `"${value}" must be letters, digits, "-", "_" or ".", starting and ending with a letter or digit`;
  return undefined;
}

/** Problems of a label map (object labels, selectors, node selectors). */
export function labelProblems(field: string, labels: { [key: string]: string } | undefined): string[] {
  if (labels === undefined) return [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(labels)) {
    const badKey = qualifiedNameViolation(key);
    if (badKey) out.push(problem(`${field}`, `key ${badKey}`, 'use a key such as "team" or "example.com/team"'));
    const badValue = labelValueViolation(value);
    if (badValue) out.push(problem(`${field}.${key}`, `${badValue}; a label value is at most 63 characters`, 'use a value such as "payments" or "v1.2"'));
  }
  return out;
}

/** Problems of an annotation map: qualified-name keys, string values, 256 KiB in all. */
export function annotationProblems(field: string, annotations: { [key: string]: string } | undefined): string[] {
  if (annotations === undefined) return [];
  const out: string[] = [];
  let size = 0;
  for (const [key, value] of Object.entries(annotations)) {
    const badKey = qualifiedNameViolation(key);
    if (badKey) out.push(problem(field, `key ${badKey}`, 'use a key such as "example.com/owner"'));
    if (typeof value !== 'string') out.push(problem(`${field}.${key}`, `${JSON.stringify(value)} is not a string`, 'quote the value'));
    size += Buffer.byteLength(key) + Buffer.byteLength(String(value));
  }
  if (size > MAX_ANNOTATIONS_BYTES) {
    out.push(problem(field, `total ${size} bytes, more than the ${MAX_ANNOTATIONS_BYTES} the API server allows`, 'keep large data in a ConfigMap and reference it'));
  }
  return out;
}
