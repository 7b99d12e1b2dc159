/** Durations (Go `time.ParseDuration`) and resource quantities, rendered and checked. */
import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import { problem } from './problems';

const GO_DURATION = /^[+-]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/;
const GO_UNIT_NS: { [unit: string]: number } = { 'ns': 1, 'us': 1e3, 'µs': 1e3, 'μs': 1e3, 'ms': 1e6, 's': 1e9, 'm': 60e9, 'h': 3600e9 };
/** The longest Go duration (`time.Duration` is an int64 of nanoseconds): about 2562047h47m. */
export const MAX_GO_DURATION_MS = 9223372036854;

/** Why `text` is not a positive Go duration (`90s`, `1h30m`) within Go's range, or undefined. */
export function goDurationProblem(text: string): string | undefined {
  if (!GO_DURATION.test(text)) return `"${text}" is not a Go duration such as "30m" or "1h30m"`;
  if (text.startsWith('-') || !/[1-9]/.test(text)) return `"${text}" is not positive`;
  let ns = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) ns += Number(m[1]) * GO_UNIT_NS[m[2]];
  if (ns / 1e6 > MAX_GO_DURATION_MS) return `"${text}" is longer than Go's longest duration (about 2562047h)`;
  return undefined;
}

/** Milliseconds of a Duration, without cdk8s's whole-number check (NaN when it is not a Duration). */
export function millisecondsOf(duration: Duration | undefined): number {
  if (!duration || typeof (duration as any).toMilliseconds !== 'function') return NaN;
  try {
    return duration.toMilliseconds({ integral: false });
  } catch {
    return NaN;
  }
}

/** Options of `durationProblems()`. */
export interface DurationCheck {
  /** Shortest accepted duration, in milliseconds, and why. */
  readonly minMs?: number;
  /** Why shorter ones are refused. */
  readonly minReason?: string;
  /** Only whole seconds (for parameters the addon reads as seconds). */
  readonly wholeSeconds?: boolean;
}

/**
 * Problems of a Duration field: not a Duration, not finite, not a whole number of
 * milliseconds (or seconds), shorter than `minMs`, or longer than Go's range.
 */
export function durationProblems(field: string, duration: Duration | undefined, check: DurationCheck = {}): string[] {
  if (duration === undefined || duration === null) return [];
  if (typeof (duration as any).toMilliseconds !== 'function') {
    return [problem(field, `${JSON.stringify(duration)} is not a Duration`, 'pass Duration.minutes(n), Duration.hours(n), ...')];
  }
  const ms = millisecondsOf(duration);
  const unit = check.wholeSeconds ? 1000 : 1;
  const what = check.wholeSeconds ? 'seconds' : 'milliseconds';
  if (!Number.isFinite(ms) || ms <= 0) {
    return [problem(field, `${goDuration(duration)} is not a positive duration`, `pass a positive whole number of ${what}, e.g. Duration.minutes(30)`)];
  }
  if (ms % unit !== 0) {
    return [problem(field, `${Number.isInteger(ms) ? `${ms}ms` : `${ms} ms`} is not a whole number of ${what}`, `pass a whole number of ${what}, e.g. Duration.${check.wholeSeconds ? 'seconds' : 'millis'}(${Math.max(1, Math.round(ms / unit))})`)];
  }
  if (ms > MAX_GO_DURATION_MS) {
    return [problem(field, `${goDuration(duration)} is longer than Go's longest duration (about 2562047h)`, 'pass a shorter duration')];
  }
  if (check.minMs !== undefined && ms < check.minMs) {
    return [problem(field, `${goDuration(duration)} is ${check.minReason ?? `shorter than ${check.minMs} ms`}`, `give at least ${check.minMs >= 60000 ? `Duration.minutes(${check.minMs / 60000})` : `Duration.seconds(${check.minMs / 1000})`}`)];
  }
  return [];
}

/**
 * A cdk8s Duration as a Go duration string (`1h30m`, `45s`), the form Stash fields take.
 * Never throws: a duration that is not a whole number of milliseconds is rounded here and
 * reported by `durationProblems()`.
 */
export function goDuration(duration: Duration): string {
  const raw = millisecondsOf(duration);
  const ms = Number.isFinite(raw) ? Math.round(raw) : 0;
  if (ms % 1000 !== 0) return `${ms}ms`;
  let s = ms / 1000;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const out = `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
  return out || '0s';
}

/** Whole seconds of a Duration, as the addon's `waitTimeout` parameter takes them. */
export function wholeSeconds(duration: Duration): string {
  const ms = millisecondsOf(duration);
  return String(Number.isFinite(ms) ? Math.round(ms / 1000) : 0);
}

const UNITS: Array<[string, (s: Size) => number]> = [
  ['Ti', (s) => s.toTebibytes({ rounding: SizeRoundingBehavior.NONE })],
  ['Gi', (s) => s.toGibibytes({ rounding: SizeRoundingBehavior.NONE })],
  ['Mi', (s) => s.toMebibytes({ rounding: SizeRoundingBehavior.NONE })],
  ['Ki', (s) => s.toKibibytes({ rounding: SizeRoundingBehavior.NONE })],
];

/** Kibibytes of a Size, without cdk8s's rounding checks (NaN when it is not a Size). */
export function kibibytesOf(size: Size | undefined): number {
  if (!size || typeof (size as any).toKibibytes !== 'function') return NaN;
  try {
    return size.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
  } catch {
    return NaN;
  }
}

/** A cdk8s Size as a Kubernetes quantity in the largest exact binary unit (`1Gi`, `512Mi`). */
export function quantity(size: Size): string {
  for (const [unit, convert] of UNITS) {
    try {
      const n = convert(size);
      if (Number.isSafeInteger(n) && n > 0) return `${n}${unit}`;
    } catch {
      // not a whole number of this unit: try the next smaller one
    }
  }
  const bytes = kibibytesOf(size) * 1024;
  return Number.isFinite(bytes) ? `${Math.floor(bytes)}` : '0';
}

/** The Kubernetes quantity syntax (`resource.Quantity`): a number with an optional suffix. */
export const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?(\d+(\.\d*)?|\.\d+)))?$/;
/** The largest byte count a quantity holds exactly (an int64 of bytes). */
const MAX_BYTES = 2 ** 63 - 1;

/** Problems of a Size field: not a Size, not finite, not positive, under `minKi` KiB or over int64 bytes. */
export function sizeProblems(field: string, size: Size | undefined, minKi = 1, minFix = 'Size.mebibytes(1)', tooSmall = 'is too small'): string[] {
  if (size === undefined || size === null) return [];
  if (typeof (size as any).toKibibytes !== 'function') {
    return [problem(field, `${JSON.stringify(size)} is not a Size`, 'pass Size.gibibytes(n), Size.mebibytes(n), ...')];
  }
  const ki = kibibytesOf(size);
  if (!Number.isFinite(ki) || ki <= 0) return [problem(field, `${ki} KiB is not a positive size`, `pass a positive size, e.g. ${minFix}`)];
  if (ki * 1024 > MAX_BYTES) return [problem(field, `${ki} KiB is more bytes than a Kubernetes quantity holds`, 'pass a realistic size, e.g. Size.tebibytes(10)')];
  if (!Number.isInteger(ki * 1024)) return [problem(field, `${ki} KiB is not a whole number of bytes`, 'pass a whole number of bytes, e.g. Size.mebibytes(512)')];
  if (ki < minKi) return [problem(field, `${quantity(size)} ${tooSmall}`, `give at least ${minFix}`)];
  return [];
}

/** Millicores of a CPU amount (`500m`, `2`, `1.5`), or NaN when it is not a non-negative quantity. */
export function millicoresOf(amount: string): number {
  if (typeof amount !== 'string' || !QUANTITY.test(amount) || amount.startsWith('-')) return NaN;
  const m = /^\+?([\d.]+)(.*)$/.exec(amount)!;
  const n = Number(m[1]);
  const suffix = m[2];
  const scale: { [s: string]: number } = { '': 1000, 'm': 1, 'u': 1e-3, 'n': 1e-6, 'k': 1e6, 'M': 1e9, 'G': 1e12, 'T': 1e15, 'P': 1e18, 'E': 1e21 };
  if (suffix in scale) return n * scale[suffix];
  if (/^[eE]/.test(suffix)) return n * 10 ** Number(suffix.slice(1)) * 1000;
  return NaN;
}
