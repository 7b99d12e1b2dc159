/**
 * How our synth-time validation reports problems. Every message names the field, says what is
 * wrong and how to fix it; cdk8s prefixes it with the construct path when it runs the
 * validations (`App.synth()`, `Testing.synth()`), and `validateTree` does the same for callers
 * that render charts with `chart.toJson()`.
 */
import { IConstruct } from 'constructs';

/** One message: `<field>: <what is wrong>. Fix: <how>.` */
export function problem(field: string, what: string, fix: string): string {
  const end = (s: string) => (/[.!?]$/.test(s) ? s : `${s}.`);
  return `${field}: ${end(what)} Fix: ${end(fix)}`;
}

/** Prefixes every problem of a nested check with the parent field (`backend.s3.bucket`). */
export function within(field: string, problems: readonly string[]): string[] {
  return problems.map((p) => `${field}.${p}`);
}

/**
 * Runs the validations of every construct under `scope` (as `App.synth()` does) and throws one
 * error listing all problems, each prefixed with `[construct path]`. `nodes` saves a second
 * walk of the tree when the caller has it already.
 */
export function validateTree(scope: IConstruct, nodes: IConstruct[] = scope.node.findAll()): void {
  const errors: string[] = [];
  for (const child of nodes) {
    for (const error of child.node.validate()) errors.push(`[${child.node.path}] ${error}`);
  }
  if (errors.length > 0) {
    throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
  }
}

/** Problems of an integer field that must lie in [min, max]. */
export function integerProblems(field: string, value: number | undefined, min: number, max: number, fix?: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `between ${min} and ${max}`;
    return [problem(field, `${value} is not a whole number ${range}`, fix ?? `use a whole number ${range}`)];
  }
  return [];
}

/**
 * Problems of required props that are missing (possible from JavaScript and other jsii
 * languages, where the type checker does not see the call).
 */
export function requiredProblems(props: unknown, fields: ReadonlyArray<string | readonly [string, string]>): string[] {
  const obj = (props ?? {}) as { [key: string]: unknown };
  const out: string[] = [];
  for (const entry of fields) {
    const [field, fix] = typeof entry === 'string' ? [entry, `pass ${entry}`] : entry;
    if (obj[field] === undefined || obj[field] === null) out.push(problem(field, 'is missing', fix));
  }
  return out;
}

/** Problems of a prop that must be an instance made by a factory (`Schedule.cron()`, ...). */
export function instanceProblems(field: string, value: unknown, type: Function, fix: string): string[] {
  if (value === undefined || value === null || value instanceof type) return [];
  return [problem(field, `${JSON.stringify(value) ?? String(value)} is not a ${type.name}`, fix)];
}

/**
 * Runs `check` and turns a crash (a prop of the wrong type from JavaScript) into a problem,
 * so that validation reports instead of throwing a raw error.
 */
export function guarded(check: () => string[]): string[] {
  try {
    return check();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return [problem('props', `could not be checked (${message}): a prop has the wrong type`, 'pass every prop with the type the API reference documents')];
  }
}
