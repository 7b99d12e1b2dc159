import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Backend } from '../storage/backend';
import { JobNetworkPolicyOptions } from '../jobs/backup-network-policy';
import { PerconaXtraDbBackupPlan } from './perconaxtradb-backup-plan';
import { BackupCopy, DEFAULT_COPY_GAP } from './perconaxtradb-backup-copy';
import { RetentionPolicy } from '../storage/retention-policy';
import { RuntimeSettings } from '../jobs/runtime-settings';
import { Schedule, spreadKey } from './schedule';
import { ScheduleWindow } from './schedule-window';
import { instanceProblems, problem, requiredProblems } from '../../core/validation/problems';
import { PerconaXtraDbRestoreDrill, RestoreDrillOptions } from '../restores/perconaxtradb-restore-drill';

/** One database of a `PerconaXtraDbBackupFleet`. */
export interface FleetDatabase {
  /** Name of the database's AppBinding (for KubeDB, the PerconaXtraDB object's name). */
  readonly name: string;
  /** Namespace of the database; its Repository and BackupConfiguration go there too. */
  readonly namespace: string;
  /** Version of the database, e.g. `8.0.36`. */
  readonly version: string;
  /** Where its snapshots go; give every database its own prefix (or bucket). */
  readonly backend: Backend;
  /**
   * Name of the storage Secret in the database's namespace.
   * @default - the fleet's `storageSecretName`
   */
  readonly storageSecretName?: string;
  /**
   * How long its backup is expected to run (for example by size class: `Duration.minutes(5)`
   * for small, `Duration.hours(1)` for large). When any database gives one, the fleet also
   * levels the number of backups running in each minute, not only the starts.
   * @default - one minute: only starts are levelled
   */
  readonly expectedDuration?: Duration;
  /**
   * More copies of its backups, each on its own backend (see `BackupCopy`). Copies without a
   * schedule of their own are placed jointly in the window that follows the fleet's
   * (`window.following(<the longest expectedDuration>)`), so they never start while a primary
   * of the fleet may still run, and no minute gets more than its share of them either.
   * @default - none
   */
  readonly copies?: BackupCopy[];
  /**
   * Whether this database gets the fleet's restore drill (when the fleet has `drill`).
   * @default true
   */
  readonly drill?: boolean;
}

/** The restore drills of a fleet: `RestoreDrillOptions` for every database, placed over one window. */
export interface FleetDrillOptions extends RestoreDrillOptions {
  /**
   * When the drills may start. The fleet places them jointly like the backups (at most
   * `ceil(N/M) + 1` in any minute of the window) and refuses a window that overlaps the
   * backup window. `schedule` and `name` do not apply to a fleet.
   * @default - `PerconaXtraDbRestoreDrill.DEFAULT_WINDOW` (weekly, Saturday 10:00-16:00)
   */
  readonly window?: ScheduleWindow;
}

/** Props of `PerconaXtraDbBackupFleet`. */
export interface PerconaXtraDbBackupFleetProps {
  /** The databases to back up. */
  readonly databases: FleetDatabase[];
  /**
   * When the backups may start. The fleet places its databases jointly (`ScheduleWindow.place`):
   * at most `ceil(N/M) + 1` of N databases start in any of the window's M minutes, and adding
   * or removing a database moves few others.
   */
  readonly window: ScheduleWindow;
  /** Which snapshots to keep, for every database. */
  readonly retentionPolicy: RetentionPolicy;
  /** Name of the storage Secret that every database namespace holds. */
  readonly storageSecretName: string;
  /**
   * Runtime settings of every backup Job (resources, nice/ionice, placement).
   * @default - Stash's defaults
   */
  readonly runtimeSettings?: RuntimeSettings;
  /**
   * Merge stash-pxc's Pod Security "restricted" security context into every backup Job's
   * runtimeSettings (see `PerconaXtraDbBackupOptions.defaultSecurityContext`).
   * @default true
   */
  readonly defaultSecurityContext?: boolean;
  /**
   * Confine every backup's Jobs with a NetworkPolicy (see `PerconaXtraDbBackupProps.networkPolicy`).
   * @default - no NetworkPolicy
   */
  readonly networkPolicy?: JobNetworkPolicyOptions;
  /**
   * Create every BackupConfiguration paused.
   * @default false
   */
  readonly paused?: boolean;
  /**
   * How many finished BackupSessions each BackupConfiguration keeps.
   * @default - Stash's default (1)
   */
  readonly backupHistoryLimit?: number;
  /**
   * A restore drill of every database (but those with `drill: false`), placed over its own
   * window outside the backup window; see `PerconaXtraDbRestoreDrill`.
   * @default - no drills
   */
  readonly drill?: FleetDrillOptions;
}

/**
 * Scheduled backups for many databases under one policy: a `PerconaXtraDbBackupPlan` per
 * database, with starts placed deterministically over one window (`ScheduleWindow.place`) so
 * that no minute gets more than its share of the fleet's backups.
 *
 * ```ts
 * new PerconaXtraDbBackupFleet(chart, 'fleet', {
 *   window: ScheduleWindow.daily({ start: '01:00', end: '05:00' }),
 *   retentionPolicy: RetentionPolicy.keepDaily(7),
 *   storageSecretName: 'gcs-secret',
 *   databases: [
 *     { name: 'orders', namespace: 'shop', version: '8.0.36',
 *       backend: Backend.gcs({ bucket: 'backups', prefix: 'shop/orders' }) },
 *   ],
 * });
 * ```
 */
export class PerconaXtraDbBackupFleet extends Construct {
  /** The plan of each database, in the order given. */
  public readonly plans: PerconaXtraDbBackupPlan[];
  /** The restore drills, in the order of the databases (without those that opted out). */
  public readonly drills: PerconaXtraDbRestoreDrill[];

  constructor(scope: Construct, id: string, props: PerconaXtraDbBackupFleetProps) {
    super(scope, id);
    props = props ?? ({} as PerconaXtraDbBackupFleetProps);
    const databases = Array.isArray(props.databases) ? props.databases : [];
    const seen = new Set<string>();
    const duplicates: string[] = [];
    const unique = databases.filter((db) => {
      const key = `${db?.namespace}/${db?.name}`;
      if (seen.has(key)) duplicates.push(key);
      seen.add(key);
      return !duplicates.includes(key);
    });
    this.node.addValidation({
      validate: () => [
        ...requiredProblems(props, ['databases', ['window', 'pass a ScheduleWindow, e.g. ScheduleWindow.daily({ start: "01:00", end: "05:00" })'], ['retentionPolicy', 'pass RetentionPolicy.keepLast(n)'], ['storageSecretName', 'pass the name of the storage Secret']]),
        ...(props.window instanceof ScheduleWindow ? props.window.problems('window') : []),
        ...(databases.length === 0 && props.databases !== undefined ? [problem('databases', 'is empty', 'list at least one database')] : []),
        ...(duplicates.length > 0 ? [problem('databases', `lists ${[...new Set(duplicates)].join(', ')} more than once`, 'list each database once')] : []),
        ...unique.flatMap((db, i) => instanceProblems(`databases[${i}].expectedDuration`, db?.expectedDuration, Duration, 'use Duration.minutes(n) or Duration.hours(n)')),
        ...this.drillProblems(props),
      ],
    });
    // Placed jointly: each database's cron depends on the whole set (not on the list's order).
    // Without a window (reported above) every plan gets Schedule.spread, which reports it too.
    const window = props.window instanceof ScheduleWindow ? props.window : undefined;
    const crons = window?.place(unique.map((db) => ({
      key: spreadKey({ namespace: db?.namespace, name: db?.name }),
      expectedDuration: db?.expectedDuration instanceof Duration ? db.expectedDuration : undefined,
    })));
    // Copies: placed jointly too, in the window after the primaries' (after the longest backup ends).
    const sized = unique.map((db) => db?.expectedDuration).filter((d): d is Duration => d instanceof Duration);
    const gap = sized.length > 0 ? Duration.minutes(Math.max(...sized.map((d) => Math.ceil(d.toSeconds() / 60)))) : DEFAULT_COPY_GAP;
    const copyWindow = window?.following(gap);
    const placedCopies = unique.flatMap((db, i) => (Array.isArray(db?.copies) ? db.copies : [])
      .map((copy, j) => ({ i, j, copy, key: `${spreadKey({ namespace: db?.namespace, name: db?.name })}#copy-${copy?.name}` }))
      .filter((c) => c.copy?.schedule === undefined));
    const copyCrons = copyWindow?.place(placedCopies.map((c) => ({
      key: c.key, expectedDuration: unique[c.i]?.expectedDuration instanceof Duration ? unique[c.i].expectedDuration : undefined,
    })));
    const copySchedules = new Map<string, Schedule>(placedCopies.map((c, k) => [`${c.i}/${c.j}`, copyCrons ? Schedule.cron(copyCrons[k]) : Schedule.spread(props.window)]));
    // Namespaces are DNS labels (no dots), so `namespace.name` is unique; invalid ones (reported) get a suffix.
    this.plans = unique.map((db, i) => new PerconaXtraDbBackupPlan(this, this.node.tryFindChild(`${db?.namespace}.${db?.name}`) ? `${db?.namespace}.${db?.name}#${i}` : `${db?.namespace}.${db?.name}`, {
      database: db?.name,
      namespace: db?.namespace,
      version: db?.version,
      backend: db?.backend,
      storageSecretName: db?.storageSecretName ?? props.storageSecretName,
      schedule: crons ? Schedule.cron(crons[i]) : Schedule.spread(props.window),
      retentionPolicy: props.retentionPolicy,
      runtimeSettings: props.runtimeSettings,
      defaultSecurityContext: props.defaultSecurityContext,
      networkPolicy: props.networkPolicy,
      paused: props.paused,
      backupHistoryLimit: props.backupHistoryLimit,
      expectedDuration: db?.expectedDuration instanceof Duration ? db.expectedDuration : undefined,
      copies: Array.isArray(db?.copies) ? db.copies.map((copy, j) => (copySchedules.has(`${i}/${j}`) ? { ...copy, schedule: copySchedules.get(`${i}/${j}`) } : copy)) : db?.copies,
    }));

    // Drills are placed jointly over their own window, like the backups over theirs.
    const drill = props.drill;
    const drilled = drill ? unique.map((db, i) => ({ db, plan: this.plans[i] })).filter(({ db }) => db?.drill !== false) : [];
    const drillWindow = drill?.window instanceof ScheduleWindow ? drill.window : PerconaXtraDbRestoreDrill.DEFAULT_WINDOW;
    const drillCrons = drillWindow.place(drilled.map(({ db }) => ({ key: spreadKey({ namespace: db?.namespace, name: db?.name }) })));
    this.drills = drilled.map(({ db, plan }, i) => new PerconaXtraDbRestoreDrill(plan, 'Drill', {
      ...drill,
      name: undefined,
      schedule: Schedule.cron(drillCrons[i]),
      backupDuration: drill!.backupDuration ?? (db?.expectedDuration instanceof Duration ? db.expectedDuration : undefined),
      networkPolicy: drill!.networkPolicy ?? props.networkPolicy,
      namespace: db?.namespace,
      database: db?.name,
      version: db?.version,
      repository: plan.repository,
    }));
  }

  private drillProblems(props: PerconaXtraDbBackupFleetProps): string[] {
    const drill = props.drill;
    if (!drill) return [];
    const out = [
      ...instanceProblems('drill.window', drill.window, ScheduleWindow, 'pass ScheduleWindow.weekly({ days: [Weekday.SATURDAY], start: "10:00", end: "16:00" }) or another window'),
      ...(drill.window instanceof ScheduleWindow ? drill.window.problems('drill.window') : []),
      ...(drill.schedule !== undefined ? [problem('drill.schedule', 'is set, but a fleet places its drills over drill.window', 'give drill.window instead')] : []),
      ...(drill.name !== undefined ? [problem('drill.name', 'is set, but every database of a fleet needs its own drill name', 'leave it out: each drill is named <database>-drill')] : []),
    ];
    const drillWindow = drill.window instanceof ScheduleWindow ? drill.window : PerconaXtraDbRestoreDrill.DEFAULT_WINDOW;
    if (props.window instanceof ScheduleWindow && (drill.window === undefined || drill.window instanceof ScheduleWindow)) {
      const backup = new Set(props.window.weekMinutes());
      const shared = drillWindow.weekMinutes().find((m) => backup.has(m));
      if (shared !== undefined) {
        out.push(problem('drill.window', `${drillWindow} overlaps the backup window ${props.window} (both at ${weekMinuteText(shared)})`,
          'give the drills a window outside the backup window, e.g. ScheduleWindow.weekly({ days: [Weekday.SATURDAY], start: "10:00", end: "16:00" })'));
      }
    }
    return out;
  }

  /** The longest recovery point objective among the databases (their schedules differ only inside the window). */
  public get rpo(): Duration {
    return Duration.minutes(Math.max(0, ...this.plans.map((p) => p.rpo.toMinutes())));
  }
}

/** A minute of the week as `Sat 10:05`. */
function weekMinuteText(m: number): string {
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][Math.floor(m / 1440)];
  const hm = m % 1440;
  return `${day} ${String(Math.floor(hm / 60)).padStart(2, '0')}:${String(hm % 60).padStart(2, '0')}`;
}
