/**
 * Object metadata as the API server checks it: label keys and values, annotation keys and the
 * annotations' total size (apimachinery's `ValidateLabels` and `ValidateAnnotations`).
 */
import { cronViolation } from './cron';
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
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) return stringMapProblems(field, labels);
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
  if (annotations === null || typeof annotations !== 'object' || Array.isArray(annotations)) return stringMapProblems(field, annotations);
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
  out.push(...stashAnnotationProblems(field, annotations));
  return out;
}

/** Annotation whose value Stash parses as a cron schedule (auto-backup opt-in). */
const SCHEDULE_ANNOTATION = 'stash.appscode.com/schedule';
/** Annotation whose value names a BackupBlueprint (auto-backup opt-in). */
const BLUEPRINT_ANNOTATION = 'stash.appscode.com/backup-blueprint';

/**
 * Problems of the values of the annotations Stash reads (the auto-backup opt-in): the schedule
 * must be a cron expression the CronJob API accepts, the blueprint a valid name.
 */
export function stashAnnotationProblems(field: string, annotations: { [key: string]: string } | undefined): string[] {
  if (!annotations || typeof annotations !== 'object') return [];
  const out: string[] = [];
  const schedule = annotations[SCHEDULE_ANNOTATION];
  if (schedule !== undefined) {
    const bad = cronViolation(schedule);
    if (bad) out.push(problem(`${field}.${SCHEDULE_ANNOTATION}`, `"${schedule}" ${bad}`, 'use a schedule such as "30 2 * * *" (Schedule.daily({ hour: 2, minute: 30 }))'));
  }
  const blueprint = annotations[BLUEPRINT_ANNOTATION];
  if (blueprint !== undefined) {
    const bad = typeof blueprint === 'string' ? nameViolation(blueprint, NameRule.DNS_SUBDOMAIN) : 'is not a string';
    if (bad) out.push(problem(`${field}.${BLUEPRINT_ANNOTATION}`, `"${blueprint}" ${bad}`, 'use the name of a BackupBlueprint'));
  }
  return out;
}

/** Problems of a map that must be `{ [string]: string }` (a JavaScript caller may pass anything). */
export function stringMapProblems(field: string, map: unknown): string[] {
  if (map === undefined) return [];
  if (map === null || typeof map !== 'object' || Array.isArray(map)) {
    return [problem(field, `${JSON.stringify(map)} is not a map of strings`, 'pass an object such as { team: "payments" }')];
  }
  return Object.entries(map as object)
    .filter(([, v]) => typeof v !== 'string')
    .map(([k, v]) => problem(`${field}.${k}`, `${JSON.stringify(v) ?? String(v)} is not a string`, 'quote the value'));
}

/** Why `key` is not a Secret or ConfigMap key (`[-._a-zA-Z0-9]+`, at most 253), or undefined. */
export function configKeyViolation(key: unknown): string | undefined {
  if (typeof key !== 'string') return `${JSON.stringify(key)} is not a string`;
  if (key.length === 0 || key.length > 253) return `"${key}" must be 1 to 253 characters`;
  if (!/^[-._a-zA-Z0-9]+$/.test(key)) return `"${key}" may only contain letters, digits, "-", "_" and "."`;
  if (key === '.' || key === '..' || key.startsWith('..')) return `"${key}" must not be "." or start with ".."`;
  return undefined;
}

/** Why `name` is not an environment variable name the API server accepts, or undefined. */
export function envNameViolation(name: unknown): string | undefined {
  if (typeof name !== 'string') return `${JSON.stringify(name)} is not a string`;
  if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(name)) return `"${name}" is not a valid environment variable name`;
  return undefined;
}
