/**
 * The recovery point objective a schedule implies: the longest time between two consecutive
 * runs, i.e. the most data a restore can lose when every backup succeeds. Computed from the
 * cron expression the CronJob runs (robfig/cron semantics, in the operator's time zone, which
 * is usually UTC; daylight-saving shifts are not modelled).
 */
import { Duration } from 'cdk8s';
import { CRON_MACROS, parseCron, ParsedCron } from '../../core/validation/cron';
import { goDurationProblem } from '../../core/validation/quantities';

const MINUTES_PER_DAY = 1440;
/** Days of the Gregorian cycle (400 years), after which weekdays and leap days repeat exactly. */
const GREGORIAN_CYCLE_DAYS = 146097;

const GO_UNITS: { [unit: string]: number } = { ns: 1e-9, us: 1e-6, µs: 1e-6, μs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Seconds of a Go duration (`90m`, `1h30m`), as robfig/cron's `@every` takes it (whole seconds, at least 1). */
function goDurationSeconds(text: string): number {
  let total = 0;
  for (const [, value, unit] of text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(value) * GO_UNITS[unit];
  return Math.max(1, Math.floor(total));
}

/** Longest gap, in days, between consecutive days that match, over the cycle the day fields repeat in; memoized per day fields. */
const DAY_GAPS = new Map<string, number | undefined>();

function longestDayGap(cron: ParsedCron): number | undefined {
  const key = [cron.daysOfMonth, cron.months, cron.daysOfWeek].map((s) => [...s].join(',')).join('|') + `|${cron.dayOfMonthStar}|${cron.dayOfWeekStar}`;
  if (DAY_GAPS.has(key)) return DAY_GAPS.get(key);
  const gap = computeDayGap(cron);
  DAY_GAPS.set(key, gap);
  return gap;
}

function computeDayGap(cron: ParsedCron): number | undefined {
  const allMonths = cron.months.size === 12;
  // Only the weekday matters when day-of-month is unrestricted and every month is on: a week.
  // Otherwise walk the whole Gregorian cycle, which repeats weekdays and leap years exactly
  // (so `0 0 29 2 *` gets its real 8-year gap across 2100).
  const period = cron.dayOfMonthStar && allMonths ? 7 : GREGORIAN_CYCLE_DAYS;
  const both = cron.dayOfMonthStar || cron.dayOfWeekStar;
  // 2000-01-01 was a Saturday.
  let year = 2000; let month = 1; let day = 1; let weekday = 6;
  let first = -1; let previous = -1; let longest = 0;
  for (let i = 0; i < period; i++) {
    const domMatch = cron.daysOfMonth.has(day);
    const dowMatch = cron.daysOfWeek.has(weekday);
    if (cron.months.has(month) && (both ? domMatch && dowMatch : domMatch || dowMatch)) {
      if (first < 0) first = i;
      else longest = Math.max(longest, i - previous);
      previous = i;
    }
    weekday = (weekday + 1) % 7;
    if (++day > daysInMonth(year, month)) {
      day = 1;
      if (++month > 12) { month = 1; year++; }
    }
  }
  if (first < 0) return undefined;
  return Math.max(longest, first + period - previous);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * The longest time between two consecutive runs of a cron schedule as a Kubernetes CronJob runs
 * it (five fields or a macro; `@every <d>` gives `d`), or undefined when the expression is
 * invalid or never fires. `0 1 * * 1-5` gives 72 hours (Friday 01:00 to Monday 01:00).
 */
export function recoveryPointObjective(expression: string): Duration | undefined {
  const expr = expression.trim();
  // A fleet repeats a few hundred crons at most: compute each once.
  if (!RPO_SECONDS.has(expr)) RPO_SECONDS.set(expr, computeRpo(expr)?.toSeconds());
  const seconds = RPO_SECONDS.get(expr);
  return seconds === undefined ? undefined : Duration.seconds(seconds);
}

/** RPO in seconds by expression (undefined: invalid or never fires). */
const RPO_SECONDS = new Map<string, number | undefined>();

function computeRpo(expr: string): Duration | undefined {
  if (expr.startsWith('@every')) {
    const duration = expr.slice('@every'.length).trim();
    return goDurationProblem(duration) ? undefined : Duration.seconds(goDurationSeconds(duration));
  }
  const cron = parseCron(CRON_MACROS[expr] ?? expr);
  if (!cron) return undefined;
  const times = [...cron.hours].sort((a, b) => a - b)
    .flatMap((h) => [...cron.minutes].sort((a, b) => a - b).map((m) => h * 60 + m));
  const dayGap = longestDayGap(cron);
  if (dayGap === undefined) return undefined;
  let longest = dayGap * MINUTES_PER_DAY - (times[times.length - 1] - times[0]);
  for (let i = 1; i < times.length; i++) longest = Math.max(longest, times[i] - times[i - 1]);
  return Duration.minutes(longest);
}
