/**
 * ScheduleWindow.place: a fleet's starts placed jointly. Property tests over random fleets and
 * windows (daily and weekly, 30 minutes to a week, across midnight, up to 10,000 databases)
 * with a fixed seed; fast-check prints the seed and the shrunk counterexample on failure.
 */
import { Duration } from 'cdk8s';
import fc from 'fast-check';
import { ScheduleWindow, SpreadMember, Weekday } from '../../../src/database/backups/schedule-window';

const SEED = 20261130;

/** A window as a user would write it, with its number of start minutes M. */
interface WindowCase { window: ScheduleWindow; weekly: boolean; start: number; slots: number }

function hhmm(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

const windowArb: fc.Arbitrary<WindowCase> = fc.record({
  start: fc.integer({ min: 0, max: 1439 }),
  length: fc.integer({ min: 30, max: 1439 }),
  days: fc.option(fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }), { freq: 2 }),
}).map(({ start, length, days }) => {
  const options = { start: hhmm(start), end: hhmm((start + length) % 1440) };
  const window = days ? ScheduleWindow.weekly({ ...options, days: days as Weekday[] }) : ScheduleWindow.daily(options);
  return { window, weekly: days !== null, start, slots: length * (days?.length ?? 1) };
});

/** Mostly fleets of a few hundred, sometimes thousands, up to 10,000. */
const sizeArb = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 600 }), weight: 6 },
  { arbitrary: fc.integer({ min: 600, max: 10_000 }), weight: 1 },
);

const keysOf = (n: number, salt: string): string[] => Array.from({ length: n }, (_, i) => `team-${i % 17}/${salt}-${i}`);
const membersOf = (keys: string[]): SpreadMember[] => keys.map((key) => ({ key }));

/** Minute of the day (weekly: of the week) at which a cron starts. */
function cycleMinute(cron: string, weekly: boolean): number {
  const [minute, hour, , , day] = cron.split(' ');
  return (weekly ? Number(day) * 1440 : 0) + Number(hour) * 60 + Number(minute);
}

function maxPerMinute(crons: string[]): number {
  const counts = new Map<string, number>();
  for (const cron of crons) counts.set(cron, (counts.get(cron) ?? 0) + 1);
  return Math.max(...counts.values());
}

function moved(before: string[], after: string[]): number {
  return before.filter((cron, i) => after[i] !== cron).length;
}

describe('ScheduleWindow.place', () => {
  test('500 databases in 01:00-05:00: at most ceil(500/240) = 3 start in one minute', () => {
    const nightly = ScheduleWindow.daily({ start: '01:00', end: '05:00' });
    const crons = nightly.place(membersOf(keysOf(500, 'pxc')));
    expect(maxPerMinute(crons)).toBeLessThanOrEqual(3);
    for (const cron of crons) expect(cycleMinute(cron, false)).toBeGreaterThanOrEqual(60);
    for (const cron of crons) expect(cycleMinute(cron, false)).toBeLessThan(300);
  });

  test('a database alone, or in a minute with room, keeps the start cronFor gives it', () => {
    const nightly = ScheduleWindow.daily({ start: '01:00', end: '05:00' });
    expect(nightly.place([{ key: 'prod/orders' }])).toEqual([nightly.cronFor('prod/orders')]);
    const keys = keysOf(500, 'pxc');
    const kept = nightly.place(membersOf(keys)).filter((cron, i) => cron === nightly.cronFor(keys[i])).length;
    expect(kept).toBeGreaterThan(400);
  });

  test('a database listed twice gets one start', () => {
    const nightly = ScheduleWindow.daily({ start: '01:00', end: '01:30' });
    const crons = nightly.place([{ key: 'a/x' }, { key: 'b/y' }, { key: 'a/x' }]);
    expect(crons[0]).toBe(crons[2]);
  });

  test('property: every start is inside the window, at most ceil(N/M) + 1 per minute', () => {
    fc.assert(fc.property(windowArb, sizeArb, fc.string({ maxLength: 4 }), (w, n, salt) => {
      const crons = w.window.place(membersOf(keysOf(n, salt)));
      expect(crons).toHaveLength(n);
      for (const cron of crons) {
        const offset = (cycleMinute(cron, false) - w.start + 1440) % 1440;
        expect(offset).toBeLessThan(w.window.minutes);
      }
      expect(maxPerMinute(crons)).toBeLessThanOrEqual(Math.ceil(n / w.slots) + 1);
    }), { seed: SEED, numRuns: 40 });
  });

  test('10,000 databases: in 30 minutes, and over a whole week', () => {
    const keys = keysOf(10_000, 'db');
    const short = ScheduleWindow.daily({ start: '23:45', end: '00:15' });
    expect(maxPerMinute(short.place(membersOf(keys)))).toBeLessThanOrEqual(Math.ceil(10_000 / 30) + 1);
    const week = ScheduleWindow.weekly({ start: '00:00', end: '23:59', days: [0, 1, 2, 3, 4, 5, 6] });
    const crons = week.place(membersOf(keys));
    expect(maxPerMinute(crons)).toBeLessThanOrEqual(2);
    expect(new Set(crons.map((c) => c.split(' ')[4])).size).toBe(7);
  });

  test('property: the same fleet in any order gets the same crons', () => {
    fc.assert(fc.property(windowArb, fc.integer({ min: 1, max: 400 }), fc.integer(), (w, n, shuffleSeed) => {
      const keys = keysOf(n, 'x');
      const shuffled = fc.sample(fc.shuffledSubarray(keys, { minLength: n, maxLength: n }), { seed: shuffleSeed, numRuns: 1 })[0];
      const inOrder = w.window.place(membersOf(keys));
      const byKey = new Map(keys.map((key, i) => [key, inOrder[i]]));
      const again = w.window.place(membersOf(shuffled));
      expect(shuffled.map((key, i) => [key, again[i]])).toEqual(shuffled.map((key) => [key, byKey.get(key)]));
    }), { seed: SEED, numRuns: 40 });
  });

  test('property: adding or removing one database moves few others, on average at most one', () => {
    const moves: number[] = [];
    fc.assert(fc.property(windowArb, fc.integer({ min: 2, max: 2000 }), fc.nat(), (w, n, which) => {
      // When N crosses a multiple of M the fair share itself changes; that is not "one more database".
      fc.pre(Math.ceil((n + 1) / w.slots) === Math.ceil(n / w.slots) && Math.ceil((n - 1) / w.slots) === Math.ceil(n / w.slots));
      const keys = keysOf(n, 'db');
      const before = w.window.place(membersOf(keys));
      const added = w.window.place(membersOf([...keys, `elsewhere/new-${which}`]));
      const drop = which % n;
      const removed = w.window.place(membersOf(keys.filter((_, i) => i !== drop)));
      const add = moved(before, added.slice(0, n));
      const remove = moved(before.filter((_, i) => i !== drop), removed);
      expect(add).toBeLessThanOrEqual(10);
      expect(remove).toBeLessThanOrEqual(10);
      moves.push(add, remove);
    }), { seed: SEED, numRuns: 50 });
    expect(moves.reduce((a, b) => a + b, 0) / moves.length).toBeLessThanOrEqual(1);
  });

  test('property: with expected durations, starts keep the bound and running backups stay level', () => {
    const durationArb = fc.oneof(fc.constant(1), fc.constantFrom(5, 15, 30, 60, 120), fc.integer({ min: 1, max: 600 }));
    fc.assert(fc.property(windowArb, fc.array(durationArb, { minLength: 1, maxLength: 1500, size: 'max' }), (w, durations) => {
      const members = durations.map((d, i) => ({ key: `sized/db-${i}`, expectedDuration: Duration.minutes(d) }));
      const crons = w.window.place(members);
      expect(maxPerMinute(crons)).toBeLessThanOrEqual(Math.ceil(members.length / w.slots) + 1);
      const cycle = w.weekly ? 7 * 1440 : 1440;
      const running = new Int32Array(cycle);
      let total = 0;
      crons.forEach((cron, i) => {
        const from = cycleMinute(cron, w.weekly);
        const d = Math.min(durations[i], cycle);
        total += d;
        for (let t = 0; t < d; t++) running[(from + t) % cycle]++;
      });
      // The level: all running minutes shared evenly by the window's start minutes.
      expect(Math.max(...running)).toBeLessThanOrEqual(Math.ceil(total / w.slots) + 1);
    }), { seed: SEED, numRuns: 30 });
  });

  test('a size class takes effect: long backups are not stacked on each other', () => {
    const nightly = ScheduleWindow.daily({ start: '01:00', end: '05:00' });
    const members = Array.from({ length: 40 }, (_, i) => ({ key: `big/db-${i}`, expectedDuration: Duration.hours(1) }));
    const crons = nightly.place(members);
    const running = new Int32Array(1440);
    for (const cron of crons) for (let t = 0; t < 60; t++) running[cycleMinute(cron, false) + t]++;
    // 40 hour-long backups over 240 minutes: 10 at a time when level (cronFor alone: 16).
    expect(Math.max(...running)).toBeLessThanOrEqual(11);
  });
});
