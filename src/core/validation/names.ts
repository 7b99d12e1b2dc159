/**
 * Kubernetes name rules (DNS-1123 labels and subdomains, DNS-1035 labels), with messages that
 * say which rule failed and suggest a valid name.
 */
import { hasHelmExpression, literalOf } from './helm-expressions';
import { problem } from './problems';

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Which rule a name must follow. */
export enum NameRule {
  /** DNS-1123 label: at most 63 of `a-z`, `0-9`, `-`; alphanumeric at both ends. */
  DNS_LABEL = 'DNS-1123 label',
  /** DNS-1123 subdomain: at most 253 characters, labels joined by dots. */
  DNS_SUBDOMAIN = 'DNS-1123 subdomain',
  /** DNS-1035 label (Service names): a DNS-1123 label that starts with a letter. */
  DNS_1035_LABEL = 'DNS-1035 label',
}

const MAX: { [rule: string]: number } = {
  [NameRule.DNS_LABEL]: 63,
  [NameRule.DNS_SUBDOMAIN]: 253,
  [NameRule.DNS_1035_LABEL]: 63,
};

/** A name that follows the rule, made from `value` (lowercased, invalid runs turned into `-`). */
export function suggestName(value: string, rule: NameRule): string {
  const keep = rule === NameRule.DNS_SUBDOMAIN ? /[^a-z0-9.-]+/g : /[^a-z0-9-]+/g;
  let out = value.toLowerCase().replace(keep, '-').replace(/-+/g, '-');
  if (rule === NameRule.DNS_SUBDOMAIN) out = out.replace(/\.+/g, '.').replace(/-*\.-*/g, '.');
  out = out.slice(0, MAX[rule]).replace(/^[^a-z0-9]+/, '').replace(/[^a-z0-9]+$/, '');
  if (rule === NameRule.DNS_1035_LABEL && /^[0-9]/.test(out)) out = `x${out}`.slice(0, MAX[rule]).replace(/[^a-z0-9]+$/, '');
  return out || 'name';
}

/** Why `value` breaks `rule`, or undefined when it is valid. */
export function nameViolation(value: string, rule: NameRule): string | undefined {
  if (value.length === 0) return 'is empty';
  const max = MAX[rule];
  if (value.length > max) return `is ${value.length} characters long, more than the ${max} a ${rule} allows`;
  return patternViolation(value, rule);
}

function patternViolation(value: string, rule: NameRule): string | undefined {
  const pattern = rule === NameRule.DNS_LABEL ? LABEL : rule === NameRule.DNS_1035_LABEL ? LABEL_1035 : SUBDOMAIN;
  if (pattern.test(value)) return undefined;
  if (/[A-Z]/.test(value)) return 'has upper-case letters';
  if (rule === NameRule.DNS_1035_LABEL && !/^[a-z]/.test(value)) return 'must start with a lower-case letter';
  if (rule !== NameRule.DNS_SUBDOMAIN && value.includes('.')) return 'has a dot, which a DNS label does not allow';
  return 'has characters other than a-z, 0-9 and "-", or does not start and end with a letter or digit';
}

/** Options of `nameProblems`. */
export interface NameCheckOptions {
  /**
   * The value may hold Helm template expressions (`{{ ... }}`, the chart generator's props): the
   * literal text around them (each expression read as `x`) must follow the rule; the length is
   * only known at install.
   * @default false
   */
  readonly helmExpressions?: boolean;
}

/** Problems of a name field, with a suggested fix. */
export function nameProblems(field: string, value: string | undefined, rule: NameRule, why?: string, options: NameCheckOptions = {}): string[] {
  if (value === undefined) return [];
  const reason = why ? ` (${why})` : '';
  if (typeof value !== 'string') return [problem(field, `${JSON.stringify(value)} is not a string${reason}`, `give a ${rule}`)];
  const violation = options.helmExpressions === true && hasHelmExpression(value)
    ? patternViolation(literalOf(value), rule)
    : nameViolation(value, rule);
  if (!violation) return [];
  const rulePart = violation.includes(rule) ? '' : `; it must be a ${rule}`;
  return [problem(field, `"${value}" ${violation}${rulePart}${reason}`, `use a name like "${suggestName(value, rule)}"`)];
}
