import { Duration } from 'cdk8s';
import { ScheduleWindow, Weekday } from './schedule-window';
import { cronViolation, parseCron } from '../../core/validation/cron';
import { problem } from '../../core/validation/problems';

/**
 * What a schedule is computed for: the database being backed up (its AppBinding), or the
 * blueprint. Schedules that depend on it (for example, one spread over a time window by a
 * stable hash of namespace and name) read it; fixed ones ignore it.
 */
export interface ScheduleTarget {
  /**
   * Namespace of the database.
   * @default - none (cluster-scoped objects, charts without namespace)
   */
  readonly namespace?: string;
  /** Name of the database (or of the blueprint). */
  readonly name: string;
}

/** Options of `Schedule.hourly()`. */
export interface HourlyScheduleOptions {
  /**
   * Minute of the hour, 0-59.
   * @default 0
   */
  readonly minute?: number;
}

/** Options of `Schedule.daily()`. */
export interface DailyScheduleOptions {
  /**
   * Hour of the day, 0-23, in the time zone of the Stash operator (usually UTC).
   * @default 0
   */
  readonly hour?: number;
  /**
   * Minute of the hour, 0-59.
   * @default 0
   */
  readonly minute?: number;
}

/** Options of `Schedule.weekly()`. */
export interface WeeklyScheduleOptions extends DailyScheduleOptions {
  /**
   * Day of the week.
   * @default Weekday.SUNDAY
   */
  readonly weekday?: Weekday;
}

/** Options of `Schedule.monthly()`. */
export interface MonthlyScheduleOptions extends DailyScheduleOptions {
  /**
   * Day of the month, 1-28 (later days are skipped in short months, so they are refused).
   * @default 1
   */
  readonly day?: number;
}

/**
 * When a backup runs: a cron expression for the CronJob that Stash creates. Use a static
 * factory; more can be added (for example, one that spreads a fleet of databases over a time
 * window) because the expression is computed for the object that carries it.
 *
 * ```ts
 * Schedule.cron('*\/5 * * * *')
 * Schedule.daily({ hour: 2, minute: 30 })
 * ```
 */
export abstract class Schedule {
  /**
   * A cron expression as Kubernetes accepts it: five fields (minute hour day-of-month month
   * day-of-week) with lists, ranges, steps and names (`MON-FRI`, `JAN`), or a macro such as
   * `@daily`, `@hourly` or `@every 6h`. Checked at synth time.
   */
  public static cron(expression: string): Schedule {
    return new FixedSchedule(expression, 'Schedule.cron()');
  }

  /** Every `minutes` minutes, on the minutes that divide the hour (`*\/minutes * * * *`). */
  public static everyMinutes(minutes: number): Schedule {
    return new FixedSchedule(`*/${minutes} * * * *`, 'Schedule.everyMinutes()', () => wholeProblem('minutes', minutes, 1, 59));
  }

  /** Every hour, at `minute`. */
  public static hourly(options: HourlyScheduleOptions = {}): Schedule {
    const minute = options.minute ?? 0;
    return new FixedSchedule(`${minute} * * * *`, 'Schedule.hourly()', () => wholeProblem('minute', minute, 0, 59));
  }

  /** Every day at `hour:minute`. */
  public static daily(options: DailyScheduleOptions = {}): Schedule {
    const { hour = 0, minute = 0 } = options;
    return new FixedSchedule(`${minute} ${hour} * * *`, 'Schedule.daily()',
      () => [...wholeProblem('hour', hour, 0, 23), ...wholeProblem('minute', minute, 0, 59)]);
  }

  /** Every week on `weekday` at `hour:minute`. */
  public static weekly(options: WeeklyScheduleOptions = {}): Schedule {
    const { hour = 0, minute = 0, weekday = Weekday.SUNDAY } = options;
    return new FixedSchedule(`${minute} ${hour} * * ${weekday}`, 'Schedule.weekly()',
      () => [...wholeProblem('hour', hour, 0, 23), ...wholeProblem('minute', minute, 0, 59)]);
  }

  /** Every month on `day` at `hour:minute`. */
  public static monthly(options: MonthlyScheduleOptions = {}): Schedule {
    const { hour = 0, minute = 0, day = 1 } = options;
    return new FixedSchedule(`${minute} ${hour} ${day} * *`, 'Schedule.monthly()',
      () => [...wholeProblem('day', day, 1, 28), ...wholeProblem('hour', hour, 0, 23), ...wholeProblem('minute', minute, 0, 59)]);
  }

  /**
   * A start inside `window`, different per database and stable: the minute (and, for weekly
   * windows, the day) comes from a hash of the database's `namespace/name`, so a fleet sharing
   * this policy spreads its backups over the window and every synth gives the same crons.
   * One backup knows nothing of the others, so some minutes get more than their share (7 of
   * 500 databases in four hours, where 3 would do); a `PerconaXtraDbBackupFleet` (or
   * `ScheduleWindow.place`) places a whole fleet jointly, at most `ceil(N/M) + 1` per minute.
   *
   * ```ts
   * Schedule.spread(ScheduleWindow.daily({ start: '01:00', end: '05:00' }))
   * ```
   */
  public static spread(window: ScheduleWindow): Schedule {
    return new SpreadSchedule(window);
  }

  /** The cron expression for `target`. */
  public abstract expressionFor(target: ScheduleTarget): string;

  /**
   * A schedule for a second backup of the same database (a copy) that starts after this one's
   * runs and never inside them, each run taking `expectedDuration`: for a spread schedule, the
   * window that follows this one's window (`ScheduleWindow.following`), so a fleet's copies
   * never meet its primaries; for a fixed one, daily at the first minute after the day's first
   * run that is at least `expectedDuration` from every run (the first minute after that run
   * when there is none, e.g. every five minutes with hour-long runs: Stash then holds the copy
   * Pending until the primary ends).
   */
  public abstract following(expectedDuration: Duration): Schedule;

  /**
   * Problems of this schedule for `target`, each starting with `field`; empty when valid.
   * @param field the name of the prop that holds the schedule, for the messages
   */
  public abstract problems(field: string, target: ScheduleTarget): string[];
}

/** A bad factory option: what is wrong and the fix. */
type OptionProblem = [string, string];

function wholeProblem(name: string, value: number, min: number, max: number): OptionProblem[] {
  return Number.isInteger(value) && value >= min && value <= max ? []
    : [[`${name} ${value} is not a whole number between ${min} and ${max}`, `set ${name} between ${min} and ${max}`]];
}

/** A schedule that is the same for every target. */
class FixedSchedule extends Schedule {
  constructor(
    private readonly expression: string,
    private readonly factory: string,
    private readonly optionProblems: () => OptionProblem[] = () => [],
  ) {
    super();
  }

  public expressionFor(_target: ScheduleTarget): string {
    return typeof this.expression === 'string' ? this.expression.trim() : '';
  }

  public following(expectedDuration: Duration): Schedule {
    const gap = wholeMinutes(expectedDuration);
    const starts = startMinutesOfDay(this.expressionFor({ name: '' }));
    // @every and invalid expressions have no place in the day (the latter are reported).
    if (starts.length === 0) return Schedule.daily();
    const free = (m: number) => starts.every((s) => {
      const delta = (m - s + MINUTES_PER_DAY) % MINUTES_PER_DAY;
      return delta >= gap && delta <= MINUTES_PER_DAY - gap;
    });
    let minute = (starts[0] + gap) % MINUTES_PER_DAY;
    for (let k = 0; k < MINUTES_PER_DAY; k++) {
      const m = (starts[0] + gap + k) % MINUTES_PER_DAY;
      if (free(m)) { minute = m; break; }
    }
    return Schedule.daily({ hour: Math.floor(minute / 60), minute: minute % 60 });
  }

  public problems(field: string, _target: ScheduleTarget): string[] {
    const options = this.optionProblems();
    if (options.length > 0) {
      return options.map(([what, fix]) => problem(field, `${this.factory}: ${what}`, fix));
    }
    const violation = cronViolation(this.expression);
    if (!violation) return [];
    return [problem(field, `"${this.expression}" ${violation}`,
      'write five fields "minute hour day-of-month month day-of-week" (for example "*/5 * * * *" or "30 2 * * MON-FRI") or a macro such as "@daily"')];
  }
}

/** A schedule spread over a window by the target's identity (see `Schedule.spread`). */
class SpreadSchedule extends Schedule {
  constructor(private readonly window: ScheduleWindow) {
    super();
  }

  public expressionFor(target: ScheduleTarget): string {
    return this.window instanceof ScheduleWindow ? this.window.cronFor(spreadKey(target)) : '';
  }

  public following(expectedDuration: Duration): Schedule {
    return this.window instanceof ScheduleWindow ? Schedule.spread(this.window.following(expectedDuration)) : this;
  }

  public problems(field: string, _target: ScheduleTarget): string[] {
    if (!(this.window instanceof ScheduleWindow)) {
      return [problem(field, 'Schedule.spread() got no ScheduleWindow', 'pass ScheduleWindow.daily({ start: "01:00", end: "05:00" }) or another window')];
    }
    // cronFor always yields a valid expression; only the window itself can be wrong.
    return this.window.problems(`${field}.window`);
  }
}

/** The identity a spread schedule hashes: `namespace/name` (`/name` without a namespace). */
export function spreadKey(target: ScheduleTarget): string {
  return `${target.namespace ?? ''}/${target.name}`;
}

const MINUTES_PER_DAY = 1440;

/**
 * Whole minutes of a duration, at least one (anything but a Duration counts as one).
 * @internal
 */
export function wholeMinutes(duration: Duration | undefined): number {
  const minutes = duration instanceof Duration ? Math.ceil(duration.toSeconds() / 60) : 1;
  return Number.isFinite(minutes) ? Math.max(1, minutes) : 1;
}

/**
 * The minutes of the day (0-1439, ascending) at which a cron expression starts on the days it
 * runs; empty for `@every` and invalid expressions.
 * @internal
 */
export function startMinutesOfDay(expression: string): number[] {
  const cron = parseCron(expression);
  if (!cron) return [];
  return [...cron.hours].flatMap((h) => [...cron.minutes].map((m) => h * 60 + m)).sort((a, b) => a - b);
}
