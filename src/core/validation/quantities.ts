/** Durations (Go `time.ParseDuration`) and resource quantities, rendered and checked. */
import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';

const GO_DURATION = /^[+-]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/;

/** Why `text` is not a positive Go duration (`90s`, `1h30m`), or undefined. */
export function goDurationProblem(text: string): string | undefined {
  if (!GO_DURATION.test(text)) return `"${text}" is not a Go duration such as "30m" or "1h30m"`;
  if (text.startsWith('-') || !/[1-9]/.test(text)) return `"${text}" is not positive`;
  return undefined;
}

/** A cdk8s Duration as a Go duration string (`1h30m`, `45s`), the form Stash fields take. */
export function goDuration(duration: Duration): string {
  const ms = duration.toMilliseconds();
  if (ms % 1000 !== 0) return `${ms}ms`;
  let s = ms / 1000;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const out = `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
  return out || '0s';
}

const UNITS: Array<[string, (s: Size) => number]> = [
  ['Ti', (s) => s.toTebibytes({ rounding: SizeRoundingBehavior.NONE })],
  ['Gi', (s) => s.toGibibytes({ rounding: SizeRoundingBehavior.NONE })],
  ['Mi', (s) => s.toMebibytes({ rounding: SizeRoundingBehavior.NONE })],
  ['Ki', (s) => s.toKibibytes({ rounding: SizeRoundingBehavior.NONE })],
];

/** A cdk8s Size as a Kubernetes quantity in the largest exact binary unit (`1Gi`, `512Mi`). */
export function quantity(size: Size): string {
  for (const [unit, convert] of UNITS) {
    try {
      const n = convert(size);
      if (Number.isInteger(n) && n > 0) return `${n}${unit}`;
    } catch {
      // not a whole number of this unit: try the next smaller one
    }
  }
  return `${size.toKibibytes({ rounding: SizeRoundingBehavior.FLOOR }) * 1024}`;
}
