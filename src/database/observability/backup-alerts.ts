/**
 * Prometheus alert rules for the backups, tied to each database's recovery point objective.
 *
 * One recording rule per database writes a constant series
 * `stash_pxc:backup_rpo_seconds{namespace, invoker_name, database, severity, tolerance, ...}`
 * (the RPO its schedule implies); a handful of fleet-wide alerts join Stash's metrics on
 * `namespace` and `invoker_name` with it. A database without the series has no alerts ("off").
 *
 * Stash pushes each metric twice (`stash_backup_*` and `stash_appscode_com_backupsession_*`,
 * same values); the rules read the `stash_backup_*` family, the one Stash documents
 * (see docs/monitoring.md).
 */
import { ApiObject, Duration, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { namespaceOf } from '../../core/metadata';
import { nameProblems, NameRule } from '../../core/validation/names';
import { problem } from '../../core/validation/problems';
import { PerconaXtraDbBackup } from '../backups/perconaxtradb-backup';
import { PerconaXtraDbBackupBlueprint } from '../backups/perconaxtradb-backup-blueprint';
import { PerconaXtraDbBackupCopy } from '../backups/perconaxtradb-backup-copy';
import { PerconaXtraDbBackupFleet } from '../backups/perconaxtradb-backup-fleet';
import { PerconaXtraDbBackupPlan } from '../backups/perconaxtradb-backup-plan';
import { Schedule, ScheduleTarget } from '../backups/schedule';
import { recoveryPointObjective } from './recovery-point';

/** The recorded constant series: one per database, its value the RPO in seconds. */
export const RPO_SERIES = 'stash_pxc:backup_rpo_seconds';

/**
 * The recorded last success of each watched BackupConfiguration, carried forward by the rule
 * itself: the newest of what Stash pushed and of this series' own previous value. A Pushgateway
 * restart (its series gone until each database next succeeds) changes no alert.
 */
export const LAST_SUCCESS_SERIES = 'stash_pxc:backup_last_success_time_seconds';

/** The recorded constant series of each restore drill: its interval in seconds (the longest gap of its schedule). */
export const DRILL_INTERVAL_SERIES = 'stash_pxc:restore_drill_interval_seconds';

/** The recorded constant series of each database opted out of restore drills. */
export const DRILL_OPT_OUT_SERIES = 'stash_pxc:restore_drill_opt_out';

/** The prefix of the metrics a restore drill pushes (drill-check.sh; see docs/monitoring.md). */
export const DRILL_METRIC_PREFIX = 'stash_pxc_restore_drill_';

/** The labels of the drills' own metrics (besides namespace and database). */
const DRILL_OWN_LABELS = ['drill', 'check', 'phase', 'job', 'instance'];

/** The labels that the per-database series carries besides the extra ones. */
const OWN_LABELS = ['namespace', 'invoker_name', 'database', 'severity', 'tolerance', 'copy'];

/** Names of the alerts (and of the sections of docs/runbook.md). */
export enum BackupAlert {
  /** The last successful backup is older than the RPO times the tolerance. */
  TOO_OLD = 'StashPxcBackupTooOld',
  /** No successful backup was ever reported, RPO times tolerance after the rules appeared. */
  NEVER_SUCCEEDED = 'StashPxcBackupNeverSucceeded',
  /** The last backup session failed. */
  FAILED = 'StashPxcBackupFailed',
  /** The backup's size fell far below its recent size. */
  SIZE_DROPPED = 'StashPxcBackupSizeDropped',
  /** restic found the repository damaged. */
  REPOSITORY_INTEGRITY = 'StashPxcRepositoryIntegrityFailed',
  /** A restore failed. */
  RESTORE_FAILED = 'StashPxcRestoreFailed',
  /** The BackupConfiguration has been paused for longer than the limit. */
  PAUSED = 'StashPxcBackupPaused',
}

/** Names of the restore drill alerts (and of their sections of docs/runbook.md). */
export enum RestoreDrillAlert {
  /** The last run of a drill failed; the alert's `check` label names the check that failed. */
  FAILED = 'StashPxcRestoreDrillFailed',
  /** No successful run of a drill for longer than its interval times the tolerance (or ever, that long after the rules appeared). */
  OVERDUE = 'StashPxcRestoreDrillOverdue',
  /** A database that has successful backups has no restore drill at all (no drill watched here, none reporting). */
  MISSING = 'StashPxcRestoreDrillMissing',
}

/**
 * A restore drill as the alerts see it: `PerconaXtraDbRestoreDrill` implements it.
 */
export interface IRestoreDrill {
  /** Name of the drill: the `drill` label of its metrics. */
  readonly name: string;
  /**
   * Namespace of the drill (the database's): the `namespace` label of its metrics. Required by
   * the alerts (a drill without one is reported).
   * @default - none
   */
  readonly namespace?: string;
  /** The database (AppBinding name) whose backups it restores: the `database` label of its metrics. */
  readonly database: string;
  /** Its cron schedule, as the CronJob runs it: its longest gap is the drill's interval. */
  readonly scheduleExpression: string;
}

/** Alert options of one restore drill. */
export interface RestoreDrillAlertOptions {
  /**
   * Alert when the last successful run is older than the drill's interval times this factor (at least 1).
   * @default - the alerts' `tolerance` (1.5)
   */
  readonly tolerance?: number;
  /**
   * The `severity` label of this drill's alerts.
   * @default - the alerts' `severity` ("warning")
   */
  readonly severity?: string;
  /**
   * Extra labels of this drill's alerts (e.g. `team`), for Alertmanager routing.
   * @default - none
   */
  readonly labels?: { [name: string]: string };
  /**
   * Alert on this drill at all; `false` turns its alerts off (no series is recorded).
   * @default true
   */
  readonly enabled?: boolean;
}

/** Alert options of one database (or of all the databases of a plan, fleet or blueprint). */
export interface BackupAlertOptions {
  /**
   * Alert when the last success is older than the RPO times this factor (at least 1).
   * @default - the alerts' `tolerance` (1.5)
   */
  readonly tolerance?: number;
  /**
   * The `severity` label of this database's alerts.
   * @default - the alerts' `severity` ("warning")
   */
  readonly severity?: string;
  /**
   * Extra labels of this database's alerts (e.g. `team`), for Alertmanager routing.
   * @default - none
   */
  readonly labels?: { [name: string]: string };
  /**
   * Alert on this database at all; `false` turns its alerts off (no series is recorded).
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Expect a restore drill of this database: `false` opts it out of `StashPxcRestoreDrillMissing`.
   * @default - the alerts' `expectRestoreDrills` (true)
   */
  readonly expectRestoreDrill?: boolean;
}

/** Options of `addBlueprint()`. */
export interface BlueprintAlertOptions extends BackupAlertOptions {
  /**
   * The databases that opted in to the blueprint: each gets its series (and the alert when no
   * backup ever succeeded), with the RPO of the schedule it runs on (`schedule`, else one that
   * the blueprint's `annotationsFor` gave it, else the blueprint's). Without them, series are
   * derived from the sessions Stash reported for `app-*` BackupConfigurations, so a database that
   * never reported is not watched; the databases `annotationsFor` gave a schedule are then
   * watched by name with that schedule's RPO.
   * @default - derived from the reported sessions
   */
  readonly databases?: BlueprintAlertDatabase[];
}

/** A database that uses a blueprint, for `addBlueprint()`. */
export interface BlueprintAlertDatabase extends ScheduleTarget {
  /**
   * The schedule this database runs on instead of the blueprint's (its
   * `stash.appscode.com/schedule` annotation).
   * @default - the schedule the blueprint's `annotationsFor` gave it, else the blueprint's
   */
  readonly schedule?: Schedule;
}

/** Props of `PerconaXtraDbBackupAlerts`. */
export interface PerconaXtraDbBackupAlertsProps {
  /**
   * Name of the PrometheusRule.
   * @default "stash-pxc-backup-alerts"
   */
  readonly name?: string;
  /**
   * Namespace of the PrometheusRule (one your Prometheus's `ruleNamespaceSelector` selects).
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * Labels of the PrometheusRule (the ones your Prometheus's `ruleSelector` selects).
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Default tolerance of the databases: alert when the last success is older than RPO × tolerance.
   * @default 1.5
   */
  readonly tolerance?: number;
  /**
   * Default `severity` of the databases' alerts.
   * @default "warning"
   */
  readonly severity?: string;
  /**
   * `severity` of the restore alert (restores are not tied to one database's series).
   * @default "warning"
   */
  readonly restoreSeverity?: string;
  /**
   * Alert when a BackupConfiguration has been paused (its trigger CronJob suspended, as
   * kube-state-metrics reports it) for longer than this.
   * @default Duration.hours(24)
   */
  readonly pausedLimit?: Duration;
  /**
   * Alert when a backup's size falls below this fraction of its largest size within `sizeDropWindow`.
   * @default 0.5
   */
  readonly sizeDropRatio?: number;
  /**
   * How far back a backup's size is compared (and so how long the size alert fires after a drop).
   * @default Duration.hours(24)
   */
  readonly sizeDropWindow?: Duration;
  /**
   * Where the runbook is: alerts link `<runbookUrl>#<alert name in lower case>`.
   * @default "docs/runbook.md" (the runbook in this project)
   */
  readonly runbookUrl?: string;
  /**
   * How long Prometheus may stop evaluating the rules (a restart, an outage) and still carry each
   * database's last success forward from its own history. Longer gaps lose the carried value
   * until each database's next success, as a Pushgateway restart would without it. Each
   * evaluation reads this much of the recorded series (one sample per evaluation interval per
   * database), so it is kept short.
   * @default Duration.hours(1)
   */
  readonly historyWindow?: Duration;
  /**
   * Databases to watch right away (more with `addBackup`, `addPlan`, `addFleet`, `addBlueprint`).
   * @default - none
   */
  readonly backups?: PerconaXtraDbBackup[];
  /**
   * Alert on every watched database that has successful backups but no restore drill (none
   * added with `addRestoreDrill`, none pushing metrics); opt one out with the backup's
   * `expectRestoreDrill: false`.
   * @default true
   */
  readonly expectRestoreDrills?: boolean;
  /**
   * How long a database must be without a drill before `StashPxcRestoreDrillMissing` fires.
   * @default Duration.hours(1)
   */
  readonly restoreDrillMissingFor?: Duration;
}

/** One watched restore drill. */
interface EnrolledDrill {
  readonly namespace: string;
  readonly drill: string;
  readonly database: string;
  readonly intervalSeconds: number;
  readonly tolerance: number;
  readonly severity: string;
  readonly labels: { [name: string]: string };
}

/** One watched database. */
interface Enrolled {
  readonly namespace: string;
  readonly invokerName: string;
  readonly database: string;
  readonly rpoSeconds: number;
  readonly tolerance: number;
  readonly severity: string;
  readonly labels: { [name: string]: string };
  readonly source: string;
  /** The copy's name, for the BackupConfiguration of a backup's copy (its series' `copy` label). */
  readonly copy?: string;
}

/** Which alerts construct watches each BackupConfiguration, per app: a database in two would be recorded twice. */
const WATCHED = new WeakMap<IConstruct, Map<string, string>>();

/** Blueprint databases that are not listed: series derived from the reported sessions. */
interface Derived {
  readonly backupNamespace?: string;
  /** `namespace/invoker_name` of the databases watched by name instead (a schedule of their own). */
  readonly except: Array<{ namespace: string; invokerName: string }>;
  readonly rpoSeconds: number;
  readonly tolerance: number;
  readonly severity: string;
  readonly labels: { [name: string]: string };
  readonly source: string;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A duration as Prometheus writes it (`36h`, `1h30m`, `90s`). */
export function promDuration(seconds: number): string {
  let s = Math.ceil(seconds);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}` || '0s';
}

/** A number as PromQL and label values write it (no exponent, no trailing zeros). */
function num(n: number): string {
  return String(Number(n.toFixed(6)));
}

/**
 * Alert rules for the backups of Percona XtraDB databases: a `monitoring.coreos.com/v1`
 * PrometheusRule with one recording rule per database (its RPO as a constant series) and
 * fleet-wide alerts that join Stash's metrics with it. Needs the Prometheus Operator, Stash's
 * Pushgateway scraped with `honorLabels: true` (the install's `monitoring.pushgateway`) and,
 * for the paused alert, kube-state-metrics.
 *
 * ```ts
 * const alerts = new PerconaXtraDbBackupAlerts(chart, 'alerts', { namespace: 'monitoring' });
 * alerts.addFleet(fleet);
 * alerts.addBackup(fleet.plans[0].backup, { severity: 'critical', labels: { team: 'shop' } });
 * ```
 */
export class PerconaXtraDbBackupAlerts extends Construct {
  /** The PrometheusRule. */
  public readonly apiObject: ApiObject;
  /** Name of the PrometheusRule. */
  public readonly name: string;

  private readonly enrolled = new Map<string, Enrolled>();
  private readonly disabled = new Set<string>();
  private readonly drills = new Map<string, EnrolledDrill>();
  /** namespace/database of the databases opted out of drills. */
  private readonly drillOptOuts = new Set<string>();
  private readonly derived: Derived[] = [];
  private readonly defaults: { tolerance: number; severity: string };
  private readonly props: PerconaXtraDbBackupAlertsProps;
  private readonly optionProblems: string[] = [];

  constructor(scope: Construct, id: string, props: PerconaXtraDbBackupAlertsProps = {}) {
    super(scope, id);
    this.props = props;
    this.name = props.name ?? 'stash-pxc-backup-alerts';
    this.defaults = { tolerance: props.tolerance ?? 1.5, severity: props.severity ?? 'warning' };
    for (const backup of props.backups ?? []) this.addBackup(backup);
    const namespace = namespaceOf(this, props.namespace);
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: {
        name: this.name,
        ...(namespace ? { namespace } : {}),
        ...(props.labels ? { labels: { ...props.labels } } : {}),
      },
      spec: Lazy.any({ produce: () => this.ruleSpec() }),
    });

    this.node.addValidation({
      validate: () => {
        const out = [
          ...nameProblems('name', this.name, NameRule.DNS_SUBDOMAIN),
          ...nameProblems('namespace', props.namespace, NameRule.DNS_LABEL),
          ...this.optionProblems,
        ];
        const check = (field: string, value: number | undefined, ok: boolean, fix: string) => {
          if (value !== undefined && !ok) out.push(problem(field, `${value} is out of range`, fix));
        };
        check('tolerance', props.tolerance, props.tolerance === undefined || props.tolerance >= 1, 'set a factor of at least 1 (1.5 allows a run to take half an RPO)');
        check('sizeDropRatio', props.sizeDropRatio, props.sizeDropRatio === undefined || (props.sizeDropRatio > 0 && props.sizeDropRatio < 1), 'set a fraction between 0 and 1, e.g. 0.5');
        if (props.pausedLimit && props.pausedLimit.toSeconds() < 60) out.push(problem('pausedLimit', 'is shorter than a minute', 'set at least Duration.minutes(1)'));
        if (props.sizeDropWindow && props.sizeDropWindow.toSeconds() < 60) out.push(problem('sizeDropWindow', 'is shorter than a minute', 'set at least Duration.minutes(1)'));
        if (props.historyWindow && props.historyWindow.toSeconds() < 300) {
          out.push(problem('historyWindow', 'is shorter than Prometheus\'s 5-minute lookback, which already carries the value that far', 'set at least Duration.minutes(5), e.g. Duration.hours(1)'));
        }
        const watched = WATCHED.get(this.node.root) ?? new Map<string, string>();
        for (const key of this.enrolled.keys()) {
          const owner = watched.get(key);
          if (owner && owner !== this.node.path) {
            out.push(problem('databases', `BackupConfiguration ${key} is also watched by ${owner}, so its RPO series would be recorded twice`, 'add each database to one PerconaXtraDbBackupAlerts only'));
          }
        }
        if (props.restoreDrillMissingFor && props.restoreDrillMissingFor.toSeconds() < 60) out.push(problem('restoreDrillMissingFor', 'is shorter than a minute', 'set at least Duration.minutes(1)'));
        if (this.enrolled.size === 0 && this.derived.length === 0 && this.drills.size === 0) {
          out.push(problem('databases', 'none is watched, so the rules would be empty', 'add backups with addBackup(), addPlan(), addFleet() or addBlueprint()'));
        }
        return out;
      },
    });
  }

  /**
   * Watches one scheduled backup and each of its copies, whose series and alerts carry
   * `copy="<name>"` (the primary's carry no `copy` label). Options given again for the same
   * backup replace the earlier ones; `addBackup(backup.copies[i].backup, ...)` gives a copy its own.
   */
  public addBackup(backup: PerconaXtraDbBackup, options: BackupAlertOptions = {}): void {
    this.addOne(backup, options);
    for (const copy of backup.copies ?? []) this.addOne(copy.backup, options);
  }

  private addOne(backup: PerconaXtraDbBackup, options: BackupAlertOptions): void {
    const namespace = backup.namespace;
    const copy = backup.node.scope instanceof PerconaXtraDbBackupCopy ? backup.node.scope.copyName : undefined;
    const field = `backups[${backup.node.path}]`;
    if (namespace === undefined) {
      this.optionProblems.push(problem(field, 'has no namespace, and Stash\'s metrics always carry one', 'give the backup (or its chart) a namespace'));
      return;
    }
    this.enroll({
      namespace,
      invokerName: backup.name,
      database: backup.database,
      rpoSeconds: backup.rpo.toSeconds(),
      source: field,
      ...(copy !== undefined ? { copy } : {}),
    }, options);
  }

  /**
   * Watches a restore drill: alerts when its last run failed (naming the check) and when no run
   * succeeded for its interval (the longest gap of its schedule) times the tolerance. Options
   * given again for the same drill replace the earlier ones.
   */
  public addRestoreDrill(drill: IRestoreDrill, options: RestoreDrillAlertOptions = {}): void {
    const field = `restoreDrills[${drill?.name}]`;
    if (drill?.namespace === undefined) {
      this.optionProblems.push(problem(field, 'has no namespace, and its metrics always carry one', 'give the drill (or its chart) a namespace'));
      return;
    }
    const key = `${drill.namespace}/${drill.name}`;
    this.drills.delete(key);
    const resolved = this.resolve(options, field);
    if (!resolved) return;
    for (const name of Object.keys(resolved.labels).filter((l) => DRILL_OWN_LABELS.includes(l))) {
      this.optionProblems.push(problem(`${field}.labels`, `"${name}" is a label of the drill's own metrics`, `use a name other than ${DRILL_OWN_LABELS.join(', ')}`));
    }
    const interval = typeof drill.scheduleExpression === 'string' ? recoveryPointObjective(drill.scheduleExpression) : undefined;
    // An invalid schedule: the drill's own validation reports it.
    if (!interval || interval.toSeconds() <= 0) return;
    this.drills.set(key, { namespace: drill.namespace, drill: drill.name, database: drill.database, intervalSeconds: interval.toSeconds(), ...resolved });
  }

  /** How many restore drills are watched. */
  public get restoreDrillCount(): number {
    return this.drills.size;
  }

  /** Watches the backup of a plan, and its restore drill when it has one. */
  public addPlan(plan: PerconaXtraDbBackupPlan, options: BackupAlertOptions = {}): void {
    this.addBackup(plan.backup, options);
    // The plan's restore drill, with the database's severity, labels and switch.
    if (plan.drill) this.addRestoreDrill(plan.drill, { severity: options?.severity, labels: options?.labels, enabled: options?.enabled });
  }

  /**
   * Watches every database of a fleet, and their restore drills (override one with
   * `addBackup(fleet.plans[i].backup, ...)`).
   */
  public addFleet(fleet: PerconaXtraDbBackupFleet, options: BackupAlertOptions = {}): void {
    for (const plan of fleet.plans) this.addPlan(plan, options);
  }

  /**
   * Watches the databases that use a blueprint (their BackupConfigurations are `app-<database>`).
   * @param backupNamespace where the blueprint creates the BackupConfigurations, when not in each
   * database's namespace (its `backupNamespace`)
   */
  public addBlueprint(blueprint: PerconaXtraDbBackupBlueprint, options: BlueprintAlertOptions = {}, backupNamespace?: string): void {
    const field = `blueprints[${blueprint.name}]`;
    if (options.databases === undefined) {
      const resolved = this.resolve(options, field);
      if (!resolved) return;
      // Databases with a schedule of their own are watched by name, and left out of the derived series.
      const overridden = blueprint.overriddenDatabases;
      const except = overridden.flatMap((db) => {
        const namespace = backupNamespace ?? db.namespace;
        return namespace === undefined ? [] : [{ namespace, invokerName: `app-${db.name}` }];
      });
      this.derived.push({ backupNamespace, except, rpoSeconds: blueprint.rpoFor({ name: blueprint.name }).toSeconds(), source: field, ...resolved });
      if (overridden.length > 0) this.addBlueprint(blueprint, { ...options, databases: overridden }, backupNamespace);
      return;
    }
    for (const db of options.databases) {
      const namespace = backupNamespace ?? db.namespace;
      if (namespace === undefined) {
        this.optionProblems.push(problem(`${field}.databases[${db.name}]`, 'has no namespace', 'give every database its namespace'));
        continue;
      }
      this.enroll({
        namespace,
        invokerName: `app-${db.name}`,
        database: db.name,
        rpoSeconds: (db.schedule instanceof Schedule ? recoveryPointObjective(db.schedule.expressionFor(db))?.toSeconds() ?? 0 : blueprint.rpoFor(db).toSeconds()),
        source: `${field}.databases[${db.namespace ?? ''}/${db.name}]`,
      }, options);
    }
  }

  /** How many databases have a series (the derived blueprint ones not counted). */
  public get databaseCount(): number {
    return this.enrolled.size;
  }

  private resolve(options: BackupAlertOptions, field: string): { tolerance: number; severity: string; labels: { [name: string]: string } } | undefined {
    if (options.enabled === false) return undefined;
    const tolerance = options.tolerance ?? this.defaults.tolerance;
    const severity = options.severity ?? this.defaults.severity;
    const labels = { ...(options.labels ?? {}) };
    if (!(tolerance >= 1)) this.optionProblems.push(problem(`${field}.tolerance`, `${tolerance} is below 1`, 'set a factor of at least 1'));
    if (!severity) this.optionProblems.push(problem(`${field}.severity`, 'is empty', 'set e.g. "warning" or "critical"'));
    for (const name of Object.keys(labels)) {
      if (!LABEL_NAME.test(name) || name.startsWith('__') || OWN_LABELS.includes(name)) {
        this.optionProblems.push(problem(`${field}.labels`, `"${name}" is not a label name the alerts can carry`,
          `use [a-zA-Z_][a-zA-Z0-9_]* without a leading "__" and other than ${OWN_LABELS.join(', ')}`));
      }
    }
    return { tolerance, severity, labels };
  }

  private enroll(db: Omit<Enrolled, 'tolerance' | 'severity' | 'labels'>, options: BackupAlertOptions): void {
    const key = `${db.namespace}/${db.invokerName}`;
    const resolved = this.resolve(options, db.source);
    if (options.expectRestoreDrill === false) this.drillOptOuts.add(`${db.namespace}/${db.database}`);
    else this.drillOptOuts.delete(`${db.namespace}/${db.database}`);
    this.enrolled.delete(key);
    this.disabled.delete(key);
    if (!resolved) {
      this.disabled.add(key);
      return;
    }
    if (db.rpoSeconds <= 0) {
      // An invalid schedule: the backup's own validation reports it.
      return;
    }
    this.enrolled.set(key, { ...db, ...resolved });
    const root = this.node.root;
    if (!WATCHED.has(root)) WATCHED.set(root, new Map());
    const watched = WATCHED.get(root)!;
    if (!watched.has(key)) watched.set(key, this.node.path);
  }

  /** The label names the alerts copy from the series. */
  private joinLabels(): string[] {
    const extra = new Set<string>();
    for (const db of [...this.enrolled.values(), ...this.derived]) for (const name of Object.keys(db.labels)) extra.add(name);
    const copies = [...this.enrolled.values()].some((db) => db.copy !== undefined) ? ['copy'] : [];
    return ['database', 'severity', 'tolerance', ...copies, ...[...extra].sort()];
  }

  /** The label names the drill alerts copy from the drill series. */
  private drillJoinLabels(): string[] {
    const extra = new Set<string>();
    for (const d of this.drills.values()) for (const name of Object.keys(d.labels)) extra.add(name);
    return ['severity', 'tolerance', ...[...extra].sort()];
  }

  /** The recording and alerting rules of the restore drills. */
  private drillRules(annotations: (alert: RestoreDrillAlert, summary: string, description: string) => any, bc: string, labels: string[]): { recordings: any[]; alerts: any[] } {
    const props = this.props;
    const recordings: any[] = [...this.drills.values()]
      .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.drill.localeCompare(b.drill))
      .map((d) => ({
        record: DRILL_INTERVAL_SERIES,
        expr: `vector(${num(d.intervalSeconds)})`,
        labels: { ...d.labels, namespace: d.namespace, database: d.database, drill: d.drill, severity: d.severity, tolerance: num(d.tolerance) },
      }));
    const optOuts = [...this.drillOptOuts].filter((k) => [...this.enrolled.values()].some((e) => `${e.namespace}/${e.database}` === k)).sort();
    for (const key of optOuts) {
      const [namespace, database] = key.split('/');
      recordings.push({ record: DRILL_OPT_OUT_SERIES, expr: 'vector(1)', labels: { namespace, database } });
    }
    const alerts: any[] = [];
    const P = DRILL_METRIC_PREFIX;
    const where = 'restore drill {{ $labels.namespace }}/{{ $labels.drill }} of database {{ $labels.database }}';
    if (this.drills.size > 0) {
      const dl = this.drillJoinLabels();
      const keys = 'namespace, database, drill';
      const joined = `on (${keys}) group_left (${dl.join(', ')})`;
      const enrolled = `group by (${keys}, ${dl.join(', ')}) (${DRILL_INTERVAL_SERIES})`;
      alerts.push({
        alert: RestoreDrillAlert.FAILED,
        expr: `(${P}failed_check == 1) * ${joined} ${enrolled}`,
        labels: {},
        annotations: annotations(RestoreDrillAlert.FAILED,
          'Restore drill of {{ $labels.namespace }}/{{ $labels.database }} failed at check {{ $labels.check }}',
          `The last run of the ${where} failed at its "{{ $labels.check }}" check: the latest backup may not restore as it should. Read the logs of the drill's last Job (the check container names the cause).`),
      });
      const tolerances = [...new Set([...this.drills.values()].map((d) => num(d.tolerance)))].sort();
      for (const t of tolerances) {
        alerts.push({
          alert: RestoreDrillAlert.OVERDUE,
          expr: `time() - ${P}last_success_timestamp_seconds > ${joined} (${t} * ${DRILL_INTERVAL_SERIES}{tolerance="${t}"})`,
          labels: {},
          annotations: annotations(RestoreDrillAlert.OVERDUE,
            'No successful restore drill of {{ $labels.namespace }}/{{ $labels.database }} within its interval × {{ $labels.tolerance }}',
            `The last successful run of the ${where} finished {{ $value | humanizeDuration }} ago, longer than its interval times {{ $labels.tolerance }}. Check its CronJob and its last Jobs.`),
        });
      }
      const windows = new Map<string, { t: string; interval: string; seconds: number }>();
      for (const d of this.drills.values()) {
        const t = num(d.tolerance);
        windows.set(`${t}/${d.intervalSeconds}`, { t, interval: num(d.intervalSeconds), seconds: d.tolerance * d.intervalSeconds });
      }
      for (const w of [...windows.values()].sort((a, b) => a.seconds - b.seconds || a.t.localeCompare(b.t))) {
        alerts.push({
          alert: RestoreDrillAlert.OVERDUE,
          expr: `(${DRILL_INTERVAL_SERIES}{tolerance="${w.t}"} == ${w.interval}) unless on (${keys}) ${P}last_success_timestamp_seconds`,
          for: promDuration(w.seconds),
          labels: {},
          annotations: annotations(RestoreDrillAlert.OVERDUE,
            'No successful restore drill of {{ $labels.namespace }}/{{ $labels.database }} was ever reported',
            `No successful run of the ${where} was reported for ${promDuration(w.seconds)} (its interval × ${w.t}) since the rules were loaded. Check its CronJob and its Jobs; after a Pushgateway restart without persistence, wait for the next run.`),
        });
      }
    }
    if ((props.expectRestoreDrills ?? true) && this.enrolled.size > 0) {
      alerts.push({
        alert: RestoreDrillAlert.MISSING,
        expr: `(group by (namespace, invoker_name, ${labels.join(', ')}) (${RPO_SERIES}) and on (namespace, invoker_name) ${'stash_backup_last_success_time_seconds'}${bc})`
          + ` unless on (namespace, database) ${DRILL_INTERVAL_SERIES}`
          + ` unless on (namespace, database) ${P}last_run_timestamp_seconds`
          + ` unless on (namespace, database) ${DRILL_OPT_OUT_SERIES}`,
        for: promDuration((props.restoreDrillMissingFor ?? Duration.hours(1)).toSeconds()),
        labels: {},
        annotations: annotations(RestoreDrillAlert.MISSING,
          'Database {{ $labels.namespace }}/{{ $labels.database }} has backups but no restore drill',
          'Database {{ $labels.database }} (BackupConfiguration {{ $labels.namespace }}/{{ $labels.invoker_name }}) has successful backups, but no restore drill proves that they restore: none is watched by these alerts and none reported a run. Add a drill (the plan\'s `drill` option or PerconaXtraDbRestoreDrill), or opt the database out with `expectRestoreDrill: false`.'),
      });
    }
    return { recordings, alerts };
  }

  private ruleSpec(): any {
    const props = this.props;
    const runbook = props.runbookUrl ?? 'docs/runbook.md';
    const labels = this.joinLabels();
    const joined = `on (namespace, invoker_name) group_left (${labels.join(', ')})`;
    const enrolled = `group by (namespace, invoker_name, ${labels.join(', ')}) (${RPO_SERIES})`;
    const bc = '{invoker_kind="BackupConfiguration"}';
    const pausedLimit = props.pausedLimit ?? Duration.hours(24);
    const ratio = props.sizeDropRatio ?? 0.5;
    const window = promDuration((props.sizeDropWindow ?? Duration.hours(24)).toSeconds());
    // A copy's alerts say which copy (`copy` is absent on the primary's, so this adds nothing there).
    const where = 'database {{ $labels.database }}{{ with $labels.copy }}, copy {{ . }},{{ end }} (BackupConfiguration {{ $labels.namespace }}/{{ $labels.invoker_name }})';
    const annotations = (alert: BackupAlert | RestoreDrillAlert, summary: string, description: string) => ({
      summary,
      description: `${description} Runbook: ${runbook}#${alert.toLowerCase()}.`,
      runbook_url: `${runbook}#${alert.toLowerCase()}`,
    });

    const recordings = [...this.enrolled.values()]
      .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.invokerName.localeCompare(b.invokerName))
      .map((db) => ({
        record: RPO_SERIES,
        expr: `vector(${num(db.rpoSeconds)})`,
        labels: this.seriesLabels(db, { namespace: db.namespace, invoker_name: db.invokerName, database: db.database, ...(db.copy !== undefined ? { copy: db.copy } : {}) }),
      }));
    for (const d of this.derived) {
      const selector = `{invoker_kind="BackupConfiguration", invoker_name=~"app-.+"${d.backupNamespace ? `, namespace="${d.backupNamespace}"` : ''}}`;
      // Literal label sets, not the recorded series: this rule records that series itself.
      const except = d.except.map((e) => `label_replace(label_replace(vector(1), "namespace", "${e.namespace}", "", ""), "invoker_name", "${e.invokerName}", "", "")`);
      const sessions = `stash_backup_session_success${selector}${except.length ? ` unless on (namespace, invoker_name) (${except.join(' or ')})` : ''}`;
      recordings.push({
        record: RPO_SERIES,
        expr: `label_replace(${num(d.rpoSeconds)} * group by (namespace, invoker_name) (${sessions}), "database", "$1", "invoker_name", "app-(.+)")`,
        labels: this.seriesLabels(d, {}),
      });
    }

    const all = [...this.enrolled.values(), ...this.derived];
    const tolerances = [...new Set(all.map((d) => num(d.tolerance)))].sort();
    const alerts: any[] = [];
    for (const t of tolerances) {
      alerts.push({
        alert: BackupAlert.TOO_OLD,
        expr: `time() - ${LAST_SUCCESS_SERIES} > ${joined} (${t} * ${RPO_SERIES}{tolerance="${t}"})`,
        labels: {},
        annotations: annotations(BackupAlert.TOO_OLD,
          'Last successful backup of {{ $labels.namespace }}/{{ $labels.database }}{{ with $labels.copy }} (copy {{ . }}){{ end }} is older than its RPO × {{ $labels.tolerance }}',
          `The last successful backup of ${where} finished {{ $value | humanizeDuration }} ago, longer than its schedule's RPO times {{ $labels.tolerance }}. Check the latest BackupSessions and the trigger CronJob.`),
      });
    }
    // `for` is per rule: one absence rule per distinct RPO × tolerance (a spread fleet has one).
    const windows = new Map<string, { t: string; rpo: string; seconds: number }>();
    for (const d of this.enrolled.values()) {
      const t = num(d.tolerance);
      windows.set(`${t}/${d.rpoSeconds}`, { t, rpo: num(d.rpoSeconds), seconds: d.tolerance * d.rpoSeconds });
    }
    for (const w of [...windows.values()].sort((a, b) => a.seconds - b.seconds || a.t.localeCompare(b.t))) {
      alerts.push({
        alert: BackupAlert.NEVER_SUCCEEDED,
        expr: `(${RPO_SERIES}{tolerance="${w.t}"} == ${w.rpo}) unless on (namespace, invoker_name) ${LAST_SUCCESS_SERIES}`,
        for: promDuration(w.seconds),
        labels: {},
        annotations: annotations(BackupAlert.NEVER_SUCCEEDED,
          'No successful backup of {{ $labels.namespace }}/{{ $labels.database }} was ever reported',
          `Stash has reported no successful backup of ${where} for ${promDuration(w.seconds)} (its RPO × ${w.t}) since the rules were loaded. Check that the BackupConfiguration exists, is not paused, and that its sessions run.`),
      });
    }
    alerts.push({
      alert: BackupAlert.FAILED,
      expr: `stash_backup_session_success${bc} * ${joined} ${enrolled} == 0`,
      labels: {},
      annotations: annotations(BackupAlert.FAILED,
        'The last backup of {{ $labels.namespace }}/{{ $labels.database }}{{ with $labels.copy }} (copy {{ . }}){{ end }} failed',
        `The last BackupSession of ${where} failed. Check the session's status and the backup Job's logs.`),
    }, {
      alert: BackupAlert.SIZE_DROPPED,
      expr: `(stash_backup_host_data_size_bytes${bc} < ${num(ratio)} * max_over_time(stash_backup_host_data_size_bytes${bc}[${window}])) * ${joined} ${enrolled}`,
      labels: {},
      annotations: annotations(BackupAlert.SIZE_DROPPED,
        'Backup of {{ $labels.namespace }}/{{ $labels.database }} is much smaller than before',
        `The last backup of ${where} is {{ $value | humanize1024 }}B, below ${num(ratio * 100)}% of its largest size in the last ${window}: possibly an empty or partial dump reported as a success. Check the dump in the snapshot before relying on it.`),
    }, {
      alert: BackupAlert.REPOSITORY_INTEGRITY,
      expr: `stash_repository_integrity${bc} * ${joined} ${enrolled} == 0`,
      labels: {},
      annotations: annotations(BackupAlert.REPOSITORY_INTEGRITY,
        'Repository {{ $labels.namespace }}/{{ $labels.repository }} of {{ $labels.database }} failed its integrity check',
        `restic's check of Repository {{ $labels.namespace }}/{{ $labels.repository }}, used by ${where}, failed: its snapshots may not restore. Check the repository with restic and the backend.`),
    }, {
      alert: BackupAlert.RESTORE_FAILED,
      // A drill's RestoreSession (named after the drill) is reported by the drill's own alert.
      expr: `stash_restore_session_success{invoker_kind="RestoreSession"} == 0 and on (namespace) ${RPO_SERIES}${this.drills.size
        ? ` unless on (namespace, invoker_name) label_replace(${DRILL_INTERVAL_SERIES}, "invoker_name", "$1", "drill", "(.+)")` : ''}`,
      labels: { severity: props.restoreSeverity ?? 'warning' },
      annotations: annotations(BackupAlert.RESTORE_FAILED,
        'Restore {{ $labels.namespace }}/{{ $labels.invoker_name }} failed',
        'RestoreSession {{ $labels.namespace }}/{{ $labels.invoker_name }} (repository {{ $labels.repository }}) failed, or the restore guard refused it because the target already holds data (then nothing was restored). Check the session\'s status.stats[].error and the restore Job\'s logs; the runbook says how to restore deliberately.'),
    }, {
      alert: BackupAlert.PAUSED,
      // Stash suspends the trigger CronJob (`stash-trigger-<name>`) while the configuration is paused.
      expr: `label_replace(kube_cronjob_spec_suspend{cronjob=~"stash-trigger-.+"}, "invoker_name", "$1", "cronjob", "stash-trigger-(.+)") * ${joined} ${enrolled} == 1`,
      for: promDuration(pausedLimit.toSeconds()),
      labels: {},
      annotations: annotations(BackupAlert.PAUSED,
        'Backup of {{ $labels.namespace }}/{{ $labels.database }} has been paused for over ' + promDuration(pausedLimit.toSeconds()),
        `BackupConfiguration {{ $labels.namespace }}/{{ $labels.invoker_name }} (database {{ $labels.database }}) has been paused for more than ${promDuration(pausedLimit.toSeconds())}: no backup runs. Resume it, or turn its alerts off if the pause is meant to last.`),
    });
    // The last success, carried forward: what Stash pushed, else this series' previous value
    // (the instant lookback bridges one missed evaluation), else its newest value within the
    // history window (a Prometheus restart). Limited to watched databases, so the series of a
    // database taken out of the rules ends with it.
    const history = promDuration((props.historyWindow ?? Duration.hours(1)).toSeconds());
    const carried = {
      record: LAST_SUCCESS_SERIES,
      expr: `max by (namespace, invoker_name, repository) (stash_backup_last_success_time_seconds${bc} or ${LAST_SUCCESS_SERIES} or last_over_time(${LAST_SUCCESS_SERIES}[${history}])) and on (namespace, invoker_name) ${RPO_SERIES}`,
    };
    const drills = this.drillRules(annotations, bc, labels);
    recordings.push(...drills.recordings);
    alerts.push(...drills.alerts);
    // One group: its rules run in order, so the alerts always read this evaluation's series.
    return {
      groups: [{
        name: this.name,
        rules: [...recordings, carried, ...alerts.map(({ labels: l, ...rest }) => (Object.keys(l).length ? { ...rest, labels: l } : rest))],
      }],
    };
  }

  private seriesLabels(db: { severity: string; tolerance: number; labels: { [name: string]: string } }, own: { [name: string]: string }): { [name: string]: string } {
    return { ...db.labels, ...own, severity: db.severity, tolerance: num(db.tolerance) };
  }
}
