/**
 * Schedule spreading: a window such as "daily between 01:00 and 05:00" becomes one concrete
 * cron expression per database, chosen by a stable hash of `namespace/name`. The same input
 * always gives the same schedule (GitOps diffs stay quiet), and a fleet sharing one policy does
 * not start all its backups in the same minute.
 */
import { createHash } from 'crypto';

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

/** Parses `HH:MM` into minutes after midnight. */
function parseTime(value: string, field: string): number {
  const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(value);
  if (!match) {
    throw new Error(`ScheduleWindow: ${field} "${value}" is not a time of day; write it as HH:MM, e.g. "01:30"`);
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

/** A time window in which backups may start; see `cronFor`. */
export class ScheduleWindow {
  /** Every day, starting between `start` (inclusive) and `end` (exclusive). */
  public static daily(options: DailyWindowOptions): ScheduleWindow {
    return new ScheduleWindow(parseTime(options.start, 'start'), parseTime(options.end, 'end'), []);
  }

  /** On the given weekdays, starting between `start` (inclusive) and `end` (exclusive). */
  public static weekly(options: WeeklyWindowOptions): ScheduleWindow {
    const days = [...new Set(options.days)].sort((a, b) => a - b);
    if (days.length === 0) {
      throw new Error('ScheduleWindow.weekly: days is empty; name at least one Weekday, e.g. [Weekday.SUNDAY]');
    }
    for (const day of days) {
      if (!Number.isInteger(day) || day < 0 || day > 6) {
        throw new Error(`ScheduleWindow.weekly: days contains ${day}; use the Weekday enum (0 = Sunday ... 6 = Saturday)`);
      }
    }
    return new ScheduleWindow(parseTime(options.start, 'start'), parseTime(options.end, 'end'), days);
  }

  /** Length of the window in minutes. */
  public readonly minutes: number;

  private constructor(
    private readonly startMinute: number,
    endMinute: number,
    private readonly days: Weekday[],
  ) {
    this.minutes = (endMinute - startMinute + MINUTES_PER_DAY) % MINUTES_PER_DAY;
    if (this.minutes === 0) {
      throw new Error('ScheduleWindow: start and end are the same time; give a window of at least one minute (end is exclusive)');
    }
  }

  /**
   * The cron expression for one database, e.g. `37 2 * * *`. `key` identifies the database
   * (`namespace/name`); the minute and (weekly) day come from its stable hash.
   */
  public cronFor(key: string): string {
    const hash = stableHash(key);
    const minuteOfDay = (this.startMinute + (hash % this.minutes)) % MINUTES_PER_DAY;
    const minute = minuteOfDay % 60;
    const hour = Math.floor(minuteOfDay / 60);
    if (this.days.length === 0) return `${minute} ${hour} * * *`;
    // A second, independent draw for the day, so that day and minute are not correlated.
    const day = this.days[stableHash(`${key}#day`) % this.days.length];
    const crossesMidnight = this.startMinute + (hash % this.minutes) >= MINUTES_PER_DAY;
    return `${minute} ${hour} * * ${crossesMidnight ? (day + 1) % 7 : day}`;
  }

  /** A description for docs and errors, e.g. `daily 01:00-05:00`. */
  public toString(): string {
    const fmt = (m: number): string => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    const end = (this.startMinute + this.minutes) % MINUTES_PER_DAY;
    const when = this.days.length === 0 ? 'daily' : `weekly on ${this.days.map((d) => Weekday[d]).join(',')}`;
    return `${when} ${fmt(this.startMinute)}-${fmt(end)}`;
  }
}
