/**
 * Schedule spreading: a window such as "daily between 01:00 and 05:00" becomes one concrete
 * cron expression per database. `cronFor` picks it for one database by a stable hash of
 * `namespace/name`; `place` picks them for a whole fleet at once, so that no minute gets more
 * than its share. The same input always gives the same schedules (GitOps diffs stay quiet).
 */
import { createHash } from 'crypto';
import { problem, within } from '../../core/validation/problems';
import { Duration } from 'cdk8s';

/** Days of the week, as cron numbers them. */
export enum Weekday {
  SUNDAY = 0,
  MONDAY = 1,
  TUESDAY = 2,
  WEDNESDAY = 3,
  THURSDAY = 4,
  FRIDAY = 5,
  SATURDAY = 6,
}

/** Options of `ScheduleWindow.daily`. */
export interface DailyWindowOptions {
  /**
   * Earliest start, `HH:MM` in the time zone of the cluster's CronJobs (UTC on most clusters).
   */
  readonly start: string;
  /**
   * End of the window, `HH:MM`, exclusive; earlier than `start` means the window crosses midnight.
   */
  readonly end: string;
}

/** Options of `ScheduleWindow.weekly`. */
export interface WeeklyWindowOptions extends DailyWindowOptions {
  /**
   * Days the backups may run on; each database gets one of them, spread like the minutes.
   * With a window that crosses midnight, the day is the one the window starts on.
   */
  readonly days: Weekday[];
}

const MINUTES_PER_DAY = 24 * 60;

/**
 * Parses `HH:MM` into minutes after midnight; a bad time is recorded in `problems` (and counts
 * as midnight), so the constructs that use the window report it with their path.
 */
function parseTime(value: string, field: string, problems: string[]): number {
  const match = typeof value === 'string' ? /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(value) : null;
  if (!match) {
    problems.push(problem(field, `${JSON.stringify(value)} is not a time of day`, 'write it as HH:MM, e.g. "01:30"'));
    return 0;
  }
  return Number(match[1]) * 60 + Number(match[2]);
}

/**
 * The first 32 bits of the SHA-256 of `key`: stable across Node versions and platforms, and
 * evenly spread even for names that differ only in a numeric suffix (`db-001`, `db-002`), where
 * simple multiplicative hashes cluster.
 */
export function stableHash(key: string): number {
  return createHash('sha256').update(key, 'utf8').digest().readUInt32BE(0);
}

/** One database of a fleet placed by `ScheduleWindow.place`. */
export interface SpreadMember {
  /** Identity of the database, `namespace/name` (the key `cronFor` hashes). */
  readonly key: string;
  /**
   * How long its backup is expected to run, e.g. by size class. With durations, `place` also
   * levels the number of backups running in each minute, not only the starts.
   * @default - one minute: only starts are levelled
   */
  readonly expectedDuration?: Duration;
}

/**
 * How many minutes past its first choice a database looks for a minute below the fair share
 * `ceil(N/M)` before it settles for the fair share + 1. Small keeps the chains of moves that one
 * added database can set off short; 8 still reaches the fair share for 500 databases in a
 * four-hour window (measured by `npm run bench`).
 */
const TIGHT_PROBES = 8;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** A time window in which backups may start; see `cronFor` (one database) and `place` (a fleet). */
export class ScheduleWindow {
  /** Every day, starting between `start` (inclusive) and `end` (exclusive). */
  public static daily(options: DailyWindowOptions): ScheduleWindow {
    const problems: string[] = [];
    return new ScheduleWindow(parseTime(options?.start, 'start', problems), parseTime(options?.end, 'end', problems), [], problems);
  }

  /** On the given weekdays, starting between `start` (inclusive) and `end` (exclusive). */
  public static weekly(options: WeeklyWindowOptions): ScheduleWindow {
    const problems: string[] = [];
    const given = Array.isArray(options?.days) ? options.days : [];
    const bad = given.filter((day) => !Number.isInteger(day) || day < 0 || day > 6);
    if (given.length === 0) problems.push(problem('days', 'is empty', 'name at least one Weekday, e.g. [Weekday.SUNDAY]'));
    if (bad.length > 0) problems.push(problem('days', `contains ${bad.map((d) => JSON.stringify(d)).join(', ')}`, 'use the Weekday enum (0 = Sunday ... 6 = Saturday)'));
    // A window with bad days still places (on Sunday) so that nothing crashes before validation reports it.
    const days = [...new Set(given.filter((day) => !bad.includes(day)))].sort((a, b) => a - b);
    return new ScheduleWindow(parseTime(options?.start, 'start', problems), parseTime(options?.end, 'end', problems),
      days.length > 0 ? days : [Weekday.SUNDAY], problems);
  }

  /** Length of the window in minutes. */
  public readonly minutes: number;

  private readonly issues: string[];

  private constructor(
    private readonly startMinute: number,
    endMinute: number,
    private readonly days: Weekday[],
    problems: string[],
  ) {
    this.issues = problems;
    const minutes = (endMinute - startMinute + MINUTES_PER_DAY) % MINUTES_PER_DAY;
    if (minutes === 0 && problems.length === 0) {
      problems.push(problem('end', 'is the same time as start', 'give a window of at least one minute (end is exclusive)'));
    }
    this.minutes = Math.max(1, minutes);
  }

  /** What is wrong with the window, each starting with `field` (the prop that holds it); empty when it is valid. */
  public problems(field: string): string[] {
    return within(field, this.issues);
  }

  /**
   * The cron expression for one database, e.g. `37 2 * * *`. `key` identifies the database
   * (`namespace/name`); the minute and (weekly) day come from its stable hash.
   */
  public cronFor(key: string): string {
    return this.cronAt(this.firstChoice(key));
  }

  /**
   * Concrete crons for a whole fleet, in the order of `members`: every database starts inside
   * the window, and for N databases in a window of M start minutes (weekly: minutes times days)
   *
   * - no minute gets more than `ceil(N/M) + 1` starts (usually `ceil(N/M)`, the optimum);
   * - adding or removing one database moves few others (on average well under one for 500
   *   databases in four hours; see BENCHMARKS.md), except when N crosses a multiple of M and
   *   the fair share itself changes;
   * - the result depends only on the set of members, not on their order; a database whose
   *   minute has room keeps the start `cronFor` gives it.
   *
   * How: each database has a hash-ordered sequence of all start minutes, beginning with its
   * `cronFor` minute. In a fixed order (longest expected duration first, then by a second hash
   * of the key), each takes the first minute of its sequence that is below the fair share,
   * looking a few minutes deep, else the first below the fair share + 1 (bounded-load
   * consistent hashing). With expected durations, a minute must also keep the backups running
   * during the whole backup at or below `ceil(total running minutes / M)`; where none does, the
   * database takes the start (below the fair share + 1) with the lowest peak.
   *
   * A member listed twice gets one start (the longest of its durations counts).
   */
  public place(members: SpreadMember[]): string[] {
    const slots = this.placeSlots(members);
    return members.map((m) => this.cronAt(slots.get(m.key)!));
  }

  /** Start slots (day index * minutes + minute offset) of `members`, keyed by member key. */
  private placeSlots(members: SpreadMember[]): Map<string, number> {
    const durations = new Map<string, number>();
    for (const m of members) durations.set(m.key, Math.max(durations.get(m.key) ?? 1, durationMinutes(m.expectedDuration)));
    const slotCount = this.minutes * Math.max(1, this.days.length);
    const items = [...durations].map(([key, duration]) => {
      const digest = createHash('sha256').update(key, 'utf8').digest();
      // Double hashing: a step coprime to the slot count visits every slot once.
      let step = slotCount > 1 ? 1 + (digest.readUInt32BE(8) % (slotCount - 1)) : 1;
      while (gcd(step, slotCount) !== 1) step++;
      return { key, duration, first: this.firstChoice(key), order: digest.readUInt32BE(4), step };
    });
    items.sort((a, b) => b.duration - a.duration || a.order - b.order || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

    const fair = Math.ceil(items.length / slotCount);
    const starts = new Int32Array(slotCount);
    const placed = new Map<string, number>();
    const weighted = items.some((i) => i.duration > 1);
    if (!weighted) {
      for (const item of items) {
        let slot = item.first;
        for (let probe = 0; probe < TIGHT_PROBES && starts[slot] >= fair; probe++) slot = (slot + item.step) % slotCount;
        if (starts[slot] >= fair) {
          // Always found: fewer than (fair + 1) * slotCount databases, and the sequence visits every slot.
          slot = item.first;
          while (starts[slot] >= fair + 1) slot = (slot + item.step) % slotCount;
        }
        starts[slot]++;
        placed.set(item.key, slot);
      }
      return placed;
    }

    // Weighted: the number of backups running in each minute of the day (weekly: of the week).
    const cycle = this.days.length === 0 ? MINUTES_PER_DAY : 7 * MINUTES_PER_DAY;
    const running = new Int32Array(cycle);
    const level = Math.ceil(items.reduce((sum, i) => sum + Math.min(i.duration, cycle), 0) / slotCount);
    const peakFrom = (cycleMinute: number, duration: number): number => {
      let peak = 0;
      for (let t = 0; t < duration; t++) peak = Math.max(peak, running[(cycleMinute + t) % cycle]);
      return peak;
    };
    for (const item of items) {
      const duration = Math.min(item.duration, cycle);
      let slot = item.first;
      let found = false;
      for (let probe = 0; probe <= TIGHT_PROBES; probe++) {
        if (starts[slot] < fair && peakFrom(this.cycleMinute(slot), duration) < level) { found = true; break; }
        slot = (slot + item.step) % slotCount;
      }
      if (!found) {
        // The start (below fair + 1) whose run meets the fewest others, earliest in the sequence on a tie.
        const peaks = windowPeaks(running, duration);
        let best = -1;
        let bestPeak = Infinity;
        for (let probe = 0, s = item.first; probe < slotCount; probe++, s = (s + item.step) % slotCount) {
          if (starts[s] >= fair + 1) continue;
          const peak = peaks[this.cycleMinute(s)];
          if (peak < bestPeak) { best = s; bestPeak = peak; }
        }
        slot = best;
      }
      starts[slot]++;
      const from = this.cycleMinute(slot);
      for (let t = 0; t < duration; t++) running[(from + t) % cycle]++;
      placed.set(item.key, slot);
    }
    return placed;
  }

  /** The slot `cronFor` gives `key`: its minute and (weekly) day by hash. */
  private firstChoice(key: string): number {
    const offset = stableHash(key) % this.minutes;
    if (this.days.length === 0) return offset;
    // A second, independent draw for the day, so that day and minute are not correlated.
    return (stableHash(`${key}#day`) % this.days.length) * this.minutes + offset;
  }

  /** Minute of the day (weekly: of the week, from Sunday 00:00) at which `slot` starts. */
  private cycleMinute(slot: number): number {
    const offset = slot % this.minutes;
    if (this.days.length === 0) return (this.startMinute + offset) % MINUTES_PER_DAY;
    const day = this.days[Math.floor(slot / this.minutes)];
    return (day * MINUTES_PER_DAY + this.startMinute + offset) % (7 * MINUTES_PER_DAY);
  }

  /** The cron expression of `slot`. */
  private cronAt(slot: number): string {
    const offset = slot % this.minutes;
    const minuteOfDay = (this.startMinute + offset) % MINUTES_PER_DAY;
    const minute = minuteOfDay % 60;
    const hour = Math.floor(minuteOfDay / 60);
    if (this.days.length === 0) return `${minute} ${hour} * * *`;
    const day = this.days[Math.floor(slot / this.minutes)];
    const crossesMidnight = this.startMinute + offset >= MINUTES_PER_DAY;
    return `${minute} ${hour} * * ${crossesMidnight ? (day + 1) % 7 : day}`;
  }

  /**
   * The window after this one, for a second backup of the same databases (a copy): it starts
   * `gap` after this one ends (pass the backups' expected duration, so the last one started in
   * this window has ended), on the same days (the next ones where it starts after midnight),
   * and is as long as this one, or shorter so that its own backups, also `gap` long, end before
   * this window opens again. At least one minute.
   */
  public following(gap: Duration): ScheduleWindow {
    const gapMinutes = durationMinutes(gap);
    const from = this.startMinute + this.minutes + gapMinutes;
    // Per day: a weekly window opens again on its next day, possibly the next one.
    const length = Math.max(1, Math.min(this.minutes, MINUTES_PER_DAY - this.minutes - 2 * gapMinutes));
    const shift = Math.floor(from / MINUTES_PER_DAY);
    const start = from % MINUTES_PER_DAY;
    const days = this.days.map((d) => (d + shift) % 7);
    return new ScheduleWindow(start, (start + length) % MINUTES_PER_DAY, days, [...this.issues]);
  }

  /**
   * Every minute of the week (from Sunday 00:00) at which a start in this window may fall.
   * @internal
   */
  public weekMinutes(): number[] {
    const slots = this.minutes * Math.max(1, this.days.length);
    const out = new Set<number>();
    for (let slot = 0; slot < slots; slot++) {
      const m = this.cycleMinute(slot);
      if (this.days.length > 0) out.add(m);
      else for (let day = 0; day < 7; day++) out.add(day * MINUTES_PER_DAY + m);
    }
    return [...out].sort((a, b) => a - b);
  }

  /** A description for docs and errors, e.g. `daily 01:00-05:00`. */
  public toString(): string {
    const fmt = (m: number): string => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    const end = (this.startMinute + this.minutes) % MINUTES_PER_DAY;
    const when = this.days.length === 0 ? 'daily' : `weekly on ${this.days.map((d) => Weekday[d]).join(',')}`;
    return `${when} ${fmt(this.startMinute)}-${fmt(end)}`;
  }
}

/** Whole minutes of an expected duration, at least one. */
function durationMinutes(duration: Duration | undefined): number {
  // Anything but a Duration (a JavaScript caller's mistake) counts as a one-minute backup.
  const minutes = duration instanceof Duration ? Math.ceil(duration.toSeconds() / 60) : 1;
  return Number.isFinite(minutes) ? Math.max(1, minutes) : 1;
}

/**
 * For every minute `t` of the circular `running`, the maximum of `running` over
 * `[t, t + width)`: a sliding-window maximum (monotonic deque), linear in the cycle length.
 */
function windowPeaks(running: Int32Array, width: number): Int32Array {
  const n = running.length;
  const peaks = new Int32Array(n);
  const deque = new Int32Array(n + width);
  let head = 0;
  let tail = 0;
  // Walk t from the end so that each window [t, t + width) is known when t is reached.
  for (let i = n + width - 2; i >= 0; i--) {
    const value = running[i % n];
    while (tail > head && running[deque[tail - 1] % n] <= value) tail--;
    deque[tail++] = i;
    while (deque[head] >= i + width) head++;
    if (i < n) peaks[i] = running[deque[head] % n];
  }
  return peaks;
}
