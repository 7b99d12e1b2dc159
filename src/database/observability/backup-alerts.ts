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
import { ScheduleTarget } from '../backups/schedule';

/** The recorded constant series: one per database, its value the RPO in seconds. */
export const RPO_SERIES = 'stash_pxc:backup_rpo_seconds';

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
}

/** Options of `addBlueprint()`. */
export interface BlueprintAlertOptions extends BackupAlertOptions {
  /**
   * The databases that opted in to the blueprint: each gets its series (and the alert when no
   * backup ever succeeded). Without them, series are derived from the sessions Stash reported
   * for `app-*` BackupConfigurations, so a database that never reported is not watched.
   * @default - derived from the reported sessions
   */
  readonly databases?: ScheduleTarget[];
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
   * Databases to watch right away (more with `addBackup`, `addPlan`, `addFleet`, `addBlueprint`).
   * @default - none
   */
  readonly backups?: PerconaXtraDbBackup[];
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
        const watched = WATCHED.get(this.node.root) ?? new Map<string, string>();
        for (const key of this.enrolled.keys()) {
          const owner = watched.get(key);
          if (owner && owner !== this.node.path) {
            out.push(problem('databases', `BackupConfiguration ${key} is also watched by ${owner}, so its RPO series would be recorded twice`, 'add each database to one PerconaXtraDbBackupAlerts only'));
          }
        }
        if (this.enrolled.size === 0 && this.derived.length === 0) {
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

  /** Watches the backup of a plan. */
  public addPlan(plan: PerconaXtraDbBackupPlan, options: BackupAlertOptions = {}): void {
    this.addBackup(plan.backup, options);
  }

  /** Watches every database of a fleet (override one with `addBackup(fleet.plans[i].backup, ...)`). */
  public addFleet(fleet: PerconaXtraDbBackupFleet, options: BackupAlertOptions = {}): void {
    for (const plan of fleet.plans) this.addBackup(plan.backup, options);
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
      this.derived.push({ backupNamespace, rpoSeconds: blueprint.rpoFor({ name: blueprint.name }).toSeconds(), source: field, ...resolved });
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
        rpoSeconds: blueprint.rpoFor(db).toSeconds(),
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
    const annotations = (alert: BackupAlert, summary: string, description: string) => ({
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
      recordings.push({
        record: RPO_SERIES,
        expr: `label_replace(${num(d.rpoSeconds)} * group by (namespace, invoker_name) (stash_backup_session_success${selector}), "database", "$1", "invoker_name", "app-(.+)")`,
        labels: this.seriesLabels(d, {}),
      });
    }

    const all = [...this.enrolled.values(), ...this.derived];
    const tolerances = [...new Set(all.map((d) => num(d.tolerance)))].sort();
    const alerts: any[] = [];
    for (const t of tolerances) {
      alerts.push({
        alert: BackupAlert.TOO_OLD,
        expr: `time() - stash_backup_last_success_time_seconds${bc} > ${joined} (${t} * ${RPO_SERIES}{tolerance="${t}"})`,
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
        expr: `(${RPO_SERIES}{tolerance="${w.t}"} == ${w.rpo}) unless on (namespace, invoker_name) stash_backup_last_success_time_seconds${bc}`,
        for: promDuration(w.seconds),
        labels: {},
        annotations: annotations(BackupAlert.NEVER_SUCCEEDED,
          'No successful backup of {{ $labels.namespace }}/{{ $labels.database }} was ever reported',
          `Stash has reported no successful backup of ${where} for ${promDuration(w.seconds)} (its RPO × ${w.t}) since the rules were loaded. Check that the BackupConfiguration exists, is not paused, and that its sessions run; after a Pushgateway restart, wait for the next backup.`),
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
      expr: `stash_restore_session_success{invoker_kind="RestoreSession"} == 0 and on (namespace) ${RPO_SERIES}`,
      labels: { severity: props.restoreSeverity ?? 'warning' },
      annotations: annotations(BackupAlert.RESTORE_FAILED,
        'Restore {{ $labels.namespace }}/{{ $labels.invoker_name }} failed',
        'RestoreSession {{ $labels.namespace }}/{{ $labels.invoker_name }} (repository {{ $labels.repository }}) failed. Check the session\'s status and the restore Job\'s logs.'),
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
    // One group: its rules run in order, so the alerts always read this evaluation's series.
    return {
      groups: [{
        name: this.name,
        rules: [...recordings, ...alerts.map(({ labels, ...rest }) => (Object.keys(labels).length ? { ...rest, labels } : rest))],
      }],
    };
  }

  private seriesLabels(db: { severity: string; tolerance: number; labels: { [name: string]: string } }, own: { [name: string]: string }): { [name: string]: string } {
    return { ...db.labels, ...own, severity: db.severity, tolerance: num(db.tolerance) };
  }
}
