/** Go duration strings (`90m`, `1h30m`, `45s`) of the values, as cdk8s Durations. */
import { Duration } from 'cdk8s';

/** The units a values duration may use: hours, minutes, seconds (what Stash's fields need). */
export const GO_DURATION_PATTERN = '^([0-9]+h)?([0-9]+m)?([0-9]+s)?$';

/** `90m` as a Duration, or undefined when it is not `<h>h<m>m<s>s` (each part optional, one at least). */
export function parseGoDuration(value: string): Duration | undefined {
  const m = new RegExp(GO_DURATION_PATTERN).exec(value);
  if (!m || value === '') return undefined;
  const seconds = Number((m[1] ?? '0h').slice(0, -1)) * 3600 + Number((m[2] ?? '0m').slice(0, -1)) * 60 + Number((m[3] ?? '0s').slice(0, -1));
  return Duration.seconds(seconds);
}
