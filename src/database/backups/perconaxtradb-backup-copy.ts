/**
 * A second copy of a backup on another backend (3-2-1): one more Repository and one more
 * BackupConfiguration of the same AppBinding. Stash v1beta1 has one repository per
 * BackupConfiguration and no `restic copy`, so a copy is a second dump of the database.
 *
 * Why two BackupConfigurations of one target are safe: Stash's check of a BackupConfiguration
 * (stashed/stash `apis/stash/v1beta1/validator.go`, `IsValid`) only refuses a workload that a
 * legacy v1alpha1 Restic already selects, never a second BackupConfiguration of a target, and its
 * BackupSession controller (`pkg/controller/backup_session.go`,
 * `hasMultipleBackupInvokers` / `checkForAnotherIncompleteBackupSessionWithDifferentInvoker`)
 * keeps a session Pending ("Found another incomplete BackupSession ...") while another invoker's
 * session of the same target is running, so the two never run at once. The copy's default
 * schedule keeps them from even waiting on each other (`Schedule.following`).
 */
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Backend } from '../storage/backend';
import { Hook } from '../jobs/hook';
import { Repository, UsagePolicy } from '../storage/repository';
import { RetentionPolicy } from '../storage/retention-policy';
import { Schedule, startMinutesOfDay, wholeMinutes } from './schedule';
import { problem, requiredProblems, within } from '../../core/validation/problems';
import { nameProblems, NameRule } from '../../core/validation/names';
import { addWarning } from '../../core/validation/warnings';
import type { PerconaXtraDbBackup, PerconaXtraDbBackupProps } from './perconaxtradb-backup';

/** One more copy of a database's backups, on a backend of its own. */
export interface BackupCopy {
  /**
   * Name of the copy, a short DNS label such as `offsite`: it names the copy's objects
   * (`<database>-copy-<name>-repo`, `<database>-copy-<name>-backup`) and labels its alerts
   * (`copy="<name>"`).
   */
  readonly name: string;
  /** Where the copy's snapshots go: any `Backend` factory, on another bucket, provider or region. */
  readonly backend: Backend;
  /** Name of the copy's storage Secret (its backend's credentials and the restic password). */
  readonly storageSecretName: string;
  /**
   * When the copy runs.
   * @default - daily, after the primary's runs and never inside them: `schedule.following(expectedDuration)` of the primary
   */
  readonly schedule?: Schedule;
  /**
   * Which of the copy's snapshots to keep.
   * @default - the primary's retentionPolicy
   */
  readonly retentionPolicy?: RetentionPolicy;
  /**
   * Name of the copy's Repository.
   * @default - `<database>-copy-<name>-repo`
   */
  readonly repositoryName?: string;
  /**
   * Name of the copy's BackupConfiguration (at most 63 characters: Stash puts it in label values).
   * @default - `<database>-copy-<name>-backup`
   */
  readonly backupName?: string;
  /**
   * Delete the copy's data when its Repository object is deleted.
   * @default false
   */
  readonly wipeOut?: boolean;
  /**
   * Which namespaces may use the copy's Repository (e.g. to restore from it elsewhere).
   * @default - the Repository's namespace only
   */
  readonly usagePolicy?: UsagePolicy;
  /**
   * Runs before each copy. The primary's hooks are not run for copies.
   * @default - none
   */
  readonly preBackupHook?: Hook;
  /**
   * Runs after each copy.
   * @default - none
   */
  readonly postBackupHook?: Hook;
}

/** The copies of a backup, for the constructs that create one (`PerconaXtraDbBackup`, the plan, the fleet). */
export interface BackupCopiesOptions {
  /**
   * More copies of every backup, each on its own backend with its own schedule and retention.
   * @default - none
   */
  readonly copies?: BackupCopy[];
  /**
   * How long a backup of the database is expected to run. Copies are placed after it by default,
   * and a copy schedule that can start while the primary runs is warned about.
   * @default - one hour for placing copies; no overlap warning
   */
  readonly expectedDuration?: Duration;
}

/** Props of `PerconaXtraDbBackupCopy`. */
export interface PerconaXtraDbBackupCopyProps {
  /** The copy. */
  readonly copy: BackupCopy;
  /** The backup it copies. */
  readonly primary: PerconaXtraDbBackup;
  /** The primary's props: the copy takes its database, version, namespace and Job settings. */
  readonly primaryProps: PerconaXtraDbBackupProps;
}

/** What `BackupCopy` places a copy after when no `expectedDuration` is given. */
export const DEFAULT_COPY_GAP = Duration.hours(1);

const RETENTION_RULES = ['keepLast', 'keepHourly', 'keepDaily', 'keepWeekly', 'keepMonthly', 'keepYearly'];

/**
 * A copy of a backup (see `BackupCopy`): a Repository on the copy's backend and a
 * BackupConfiguration of the same AppBinding into it, with the primary's Job settings (security
 * defaults, runtime settings, network policy) and none of its hooks. Created by
 * `PerconaXtraDbBackup` for each of its `copies`.
 */
export class PerconaXtraDbBackupCopy extends Construct {
  /** Name of the copy. */
  public readonly copyName: string;
  /** The copy's Repository. */
  public readonly repository: Repository;
  /** The copy's scheduled backup. */
  public readonly backup: PerconaXtraDbBackup;

  constructor(scope: Construct, id: string, props: PerconaXtraDbBackupCopyProps) {
    super(scope, id);
    const { copy, primary, primaryProps } = props;
    this.copyName = copy?.name;
    const prefix = `${primaryProps.database}-copy-${copy?.name}`;
    this.repository = new Repository(this, 'Repository', {
      namespace: primaryProps.namespace, labels: primaryProps.labels, annotations: primaryProps.annotations,
      name: copy?.repositoryName ?? `${prefix}-repo`,
      backend: copy?.backend,
      storageSecretName: copy?.storageSecretName,
      wipeOut: copy?.wipeOut,
      usagePolicy: copy?.usagePolicy,
    });
    const gap = primaryProps.expectedDuration ?? DEFAULT_COPY_GAP;
    const schedule = copy?.schedule ?? (primaryProps.schedule instanceof Schedule ? primaryProps.schedule.following(gap) : undefined);
    const { copies: _copies, expectedDuration: _expected, preBackupHook: _pre, postBackupHook: _post, name: _name, ...shared } = primaryProps;
    // The constructor is resolved at run time: the two files import each other.
    const Backup = primary.constructor as typeof PerconaXtraDbBackup;
    this.backup = new Backup(this, 'Backup', {
      ...shared,
      name: copy?.backupName ?? `${prefix}-backup`,
      repository: this.repository,
      schedule: schedule as Schedule,
      retentionPolicy: copy?.retentionPolicy ?? primaryProps.retentionPolicy,
      preBackupHook: copy?.preBackupHook,
      postBackupHook: copy?.postBackupHook,
    });

    if (primaryProps.expectedDuration instanceof Duration) {
      const overlap = overlapWarning(primary.scheduleExpression, this.backup.scheduleExpression, primaryProps.expectedDuration,
        primaryProps.schedule instanceof Schedule ? primaryProps.schedule.following(primaryProps.expectedDuration) : undefined, primary);
      if (overlap) addWarning(this, overlap);
    }
    const retention = copy?.retentionPolicy;
    if (retention instanceof RetentionPolicy && primaryProps.retentionPolicy instanceof RetentionPolicy) {
      const less = keepsLess(retention.toJson(), primaryProps.retentionPolicy.toJson());
      if (less.length > 0) {
        addWarning(this, problem('retentionPolicy', `keeps less than the primary's (${less.join(', ')}), so the copy cannot replace it when the primary's bucket is lost`,
          `keep at least as many snapshots as the primary (${primaryProps.retentionPolicy.name}), or leave retentionPolicy out to take the primary's`));
      }
    }
  }
}

function hhmm(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** The warning when the copy can start while a primary run (`expected` long) is still going, by minute of the day. */
function overlapWarning(primaryCron: string, copyCron: string, expected: Duration, suggestion: Schedule | undefined, primary: PerconaXtraDbBackup): string | undefined {
  const d = wholeMinutes(expected);
  const primaryStarts = startMinutesOfDay(primaryCron);
  for (const c of startMinutesOfDay(copyCron)) {
    const s = primaryStarts.find((start) => (c - start + 1440) % 1440 < d);
    if (s === undefined) continue;
    const better = suggestion?.expressionFor({ namespace: primary.databaseNamespace, name: primary.database });
    return problem('schedule', `"${copyCron}" can start at ${hhmm(c)} while the primary (started at ${hhmm(s)}, expected to run ${d}m) is running; Stash then holds the copy Pending until the primary ends`,
      `start the copy at least ${d}m after each primary start${better ? ` (e.g. "${better}")` : ''}, or leave schedule out to place it after the primary`);
  }
  return undefined;
}

/** The primary's keep rules the copy keeps fewer of (`keepDaily 3 < 7`). */
function keepsLess(copy: { [key: string]: any }, primary: { [key: string]: any }): string[] {
  return RETENTION_RULES.filter((r) => typeof primary[r] === 'number' && !(typeof copy[r] === 'number' && copy[r] >= primary[r]))
    .map((r) => `${r} ${copy[r] ?? 'none'} < ${primary[r]}`);
}

/**
 * Problems of the `copies` prop (names; the objects check themselves), each starting with `field`.
 * @internal
 */
export function copiesProblems(field: string, copies: BackupCopy[] | undefined): string[] {
  if (copies === undefined) return [];
  if (!Array.isArray(copies)) return [problem(field, 'is not a list', 'pass copies: [{ name: "offsite", backend: Backend.s3({...}), storageSecretName: "..." }]')];
  const out: string[] = [];
  const seen = new Set<string>();
  copies.forEach((copy, i) => {
    const at = `${field}[${i}]`;
    if (copy === null || typeof copy !== 'object') {
      out.push(problem(at, 'is not a copy', 'pass { name: "offsite", backend: Backend.s3({...}), storageSecretName: "..." }'));
      return;
    }
    const names = requiredProblems(copy, [['name', 'name the copy, e.g. "offsite"']]);
    out.push(...within(at, names));
    if (names.length > 0) return;
    out.push(...nameProblems(`${at}.name`, copy.name, NameRule.DNS_LABEL, 'it names the copy\'s objects'));
    if (seen.has(copy.name)) out.push(problem(`${at}.name`, `"${copy.name}" is the name of another copy`, 'give each copy its own name'));
    seen.add(copy.name);
  });
  return out;
}

/**
 * The name of the CronJob Stash makes for a BackupConfiguration (seen in the reference:
 * `stash-trigger-<name>`): past Kubernetes' 52 characters for CronJob names, Stash keeps the
 * first 26 and the last 26 characters (kmodules `meta.ValidCronJobNameWithPrefix`), so two long
 * names that share both ends would get one CronJob.
 * @internal
 */
export function triggerCronJobName(backupConfigurationName: string): string {
  const max = 52;
  const out = `stash-trigger-${String(backupConfigurationName).replace(/\./g, '-')}`;
  const trim = (v: string) => v.replace(/^-+|-+$/g, '');
  if (out.length <= max) return trim(out);
  return trim(out.slice(0, Math.floor((max + 1) / 2)) + out.slice(out.length - Math.floor(max / 2)));
}

/**
 * Problems of copies whose trigger CronJob name, as Stash shortens it, is the primary's or an
 * earlier copy's, each under `copies[i].backupName`.
 * @internal
 */
export function triggerNameProblems(primaryName: string, copies: PerconaXtraDbBackupCopy[]): string[] {
  const taken = new Map<string, string>([[triggerCronJobName(primaryName), primaryName]]);
  const out: string[] = [];
  copies.forEach((copy, i) => {
    const name = copy.backup.name;
    const cronJob = triggerCronJobName(name);
    const other = taken.get(cronJob);
    if (other !== undefined && other !== name) {
      out.push(problem(`copies[${i}].backupName`, `"${name}" and "${other}" both get the CronJob "${cronJob}" (Stash shortens long names to their first and last 26 characters), so one backup would never be triggered`,
        'give the copy a shorter backupName, at most 38 characters, or one that ends differently'));
    }
    taken.set(cronJob, name);
  });
  return out;
}
