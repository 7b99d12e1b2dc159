/**
 * Cron expressions as Kubernetes CronJobs accept them (the robfig/cron "standard" parser that
 * the API server and the Stash operator use): five fields, `*` and `?`, lists, ranges, steps,
 * month and weekday names, and the `@yearly`-style macros. A few expressions the parser accepts
 * but that are surely mistakes are refused too: steps larger than the field and day-of-month
 * values that none of the chosen months has.
 */
import { goDurationProblem } from './quantities';

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: { [name: string]: number };
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: Object.fromEntries(MONTHS.map((m, i) => [m, i + 1])) },
  { name: 'day-of-week', min: 0, max: 6, names: Object.fromEntries(DAYS.map((d, i) => [d, i])) },
];

/** The macros of the standard parser (besides `@every <duration>`). */
export const CRON_MACROS: { readonly [macro: string]: string } = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

class CronError extends Error {}

function parseValue(text: string, spec: FieldSpec): number {
  if (spec.names && Object.prototype.hasOwnProperty.call(spec.names, text.toLowerCase())) return spec.names[text.toLowerCase()];
  if (!/^\d+$/.test(text)) {
    const named = spec.names ? ` or a name (${Object.keys(spec.names).map((n) => n.toUpperCase()).join(', ')})` : '';
    throw new CronError(`${spec.name} field: "${text}" is not a number${named}`);
  }
  return Number(text);
}

/** The values one field selects, or a CronError. */
function parseField(text: string, spec: FieldSpec): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    if (part === '') throw new CronError(`${spec.name} field: "${text}" has an empty list item`);
    const slash = part.split('/');
    if (slash.length > 2) throw new CronError(`${spec.name} field: "${part}" has more than one "/"`);
    const dash = slash[0].split('-');
    let start: number;
    let end: number;
    if (dash[0] === '*' || dash[0] === '?') {
      if (dash.length > 1) throw new CronError(`${spec.name} field: "${part}" mixes "*" with a range`);
      start = spec.min;
      end = spec.max;
    } else {
      if (dash.length > 2) throw new CronError(`${spec.name} field: "${part}" has more than one "-"`);
      start = parseValue(dash[0], spec);
      end = dash.length === 2 ? parseValue(dash[1], spec) : start;
    }
    let step = 1;
    if (slash.length === 2) {
      if (!/^\d+$/.test(slash[1])) throw new CronError(`${spec.name} field: step "${slash[1]}" in "${part}" is not a positive number`);
      step = Number(slash[1]);
      // "N/step" means "from N to the end of the field, every step".
      if (dash.length === 1 && dash[0] !== '*' && dash[0] !== '?') end = spec.max;
      const span = spec.max - spec.min + 1;
      if (step === 0 || step > span) {
        throw new CronError(`${spec.name} field: step ${step} in "${part}" is out of range 1-${span}`);
      }
    }
    if (start < spec.min || start > spec.max) throw new CronError(`${spec.name} field: ${start} is out of range ${spec.min}-${spec.max}`);
    if (end < spec.min || end > spec.max) throw new CronError(`${spec.name} field: ${end} is out of range ${spec.min}-${spec.max}`);
    if (start > end) throw new CronError(`${spec.name} field: range "${part}" starts after it ends`);
    for (let v = start; v <= end; v += step) values.add(v);
  }
  return values;
}

/**
 * Why `expression` is not a schedule Kubernetes accepts (or one that never fires), or
 * undefined when it is valid.
 */
export function cronViolation(expression: string): string | undefined {
  if (typeof expression !== 'string') return `${JSON.stringify(expression)} is not a string`;
  const expr = expression.trim();
  if (expr === '') return 'is empty';
  if (/^(CRON_)?TZ=/.test(expr)) return 'sets a time zone, which Kubernetes refuses in a CronJob schedule (the operator runs it in its own time zone)';
  if (expr.startsWith('@')) {
    if (expr.startsWith('@every')) {
      // robfig/cron takes exactly "@every " and hands the rest to time.ParseDuration, which
      // allows no space: "@every5m" and "@every  5m" are refused by the API server.
      if (!expr.startsWith('@every ')) return 'needs one space after "@every", such as "@every 6h"';
      const duration = expr.slice('@every '.length);
      if (!duration) return 'needs a duration after "@every", such as "@every 6h"';
      const bad = goDurationProblem(duration);
      return bad ? `has a duration ${bad}` : undefined;
    }
    if (CRON_MACROS[expr] === undefined) {
      return `is not a known macro (use one of ${Object.keys(CRON_MACROS).join(', ')} or "@every <duration>")`;
    }
    return undefined;
  }
  const fields = expr.split(/\s+/);
  if (fields.length !== 5) {
    const hint = fields.length === 6 ? ' (a seconds field is not supported)' : '';
    return `has ${fields.length} fields, but a Kubernetes cron schedule has exactly 5: minute hour day-of-month month day-of-week${hint}`;
  }
  try {
    const parsed = fields.map((f, i) => parseField(f, FIELDS[i]));
    const [, , dom, month] = parsed;
    const dowRestricted = !/^[*?]$/.test(fields[4]);
    const domRestricted = !/^[*?]$/.test(fields[2]);
    if (domRestricted && !dowRestricted) {
      const longest = Math.max(...[...month].map((m) => DAYS_IN_MONTH[m - 1]));
      if (Math.min(...dom) > longest) {
        return `never fires: no chosen month has day ${Math.min(...dom)}`;
      }
    }
  } catch (e) {
    if (e instanceof CronError) return e.message;
    throw e;
  }
  return undefined;
}

/** A five-field cron expression parsed into the values each field selects. */
export interface ParsedCron {
  /** Minutes of the hour, 0-59. */
  readonly minutes: ReadonlySet<number>;
  /** Hours of the day, 0-23. */
  readonly hours: ReadonlySet<number>;
  /** Days of the month, 1-31. */
  readonly daysOfMonth: ReadonlySet<number>;
  /** Months, 1-12. */
  readonly months: ReadonlySet<number>;
  /** Days of the week, 0 (Sunday) to 6. */
  readonly daysOfWeek: ReadonlySet<number>;
  /**
   * Whether day-of-month / day-of-week is unrestricted in robfig/cron's sense (a `*` or `?`,
   * optionally with step 1, in any list item): a day matches when both fields match if either is
   * unrestricted, and when either matches if both are restricted.
   */
  readonly dayOfMonthStar: boolean;
  /** Whether day-of-week is unrestricted (see `dayOfMonthStar`). */
  readonly dayOfWeekStar: boolean;
}

/**
 * The fields of a valid five-field expression (macros other than `@every` are expanded), or
 * undefined for `@every` and invalid expressions.
 */
export function parseCron(expression: string): ParsedCron | undefined {
  let expr = expression.trim();
  if (CRON_MACROS[expr] !== undefined) expr = CRON_MACROS[expr];
  if (cronViolation(expr) !== undefined || expr.startsWith('@')) return undefined;
  const fields = expr.split(/\s+/);
  const parsed = fields.map((f, i) => parseField(f, FIELDS[i]));
  const star = (field: string) => field.split(',').some((part) => /^[*?](\/0*1)?$/.test(part));
  return {
    minutes: parsed[0], hours: parsed[1], daysOfMonth: parsed[2], months: parsed[3], daysOfWeek: parsed[4],
    dayOfMonthStar: star(fields[2]),
    dayOfWeekStar: star(fields[4]),
  };
}
