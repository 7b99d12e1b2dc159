import { Duration } from 'cdk8s';
import { BackupConfigurationSpec } from '../../api';
import { PerconaXtraDbVersion } from '../../api/perconaxtradb';
import { compact } from '../../core/metadata';
import { Hook } from '../jobs/hook';
import { JobKind, jobRuntimeSettings, jobSecurityProblems } from '../jobs/job-security';
import { RetentionPolicy } from '../storage/retention-policy';
import { renderRuntimeSettings, renderTempDir, RuntimeSettings, runtimeSettingsProblems, TempDir, tempDirProblems } from '../jobs/runtime-settings';
import { Schedule, ScheduleTarget } from './schedule';
import { stringMapProblems } from '../../core/validation/metadata';
import { instanceProblems, integerProblems, problem, requiredProblems } from '../../core/validation/problems';
import { durationProblems, goDuration, wholeSeconds } from '../../core/validation/quantities';

/** How a failed backup session is retried. */
export interface BackupRetryOptions {
  /** How many times a failed session is retried. */
  readonly maxRetry: number;
  /**
   * Wait between retries.
   * @default - Stash's default (immediately)
   */
  readonly delay?: Duration;
}

/**
 * What a scheduled backup of a Percona XtraDB database does: shared by `PerconaXtraDbBackup`,
 * `PerconaXtraDbBackupBlueprint` and `PerconaXtraDbBackupPlan`.
 */
export interface PerconaXtraDbBackupOptions {
  /** When backups run, e.g. `Schedule.cron('*\/5 * * * *')`. */
  readonly schedule: Schedule;
  /** Which snapshots to keep, e.g. `RetentionPolicy.keepLast(5)`. */
  readonly retentionPolicy: RetentionPolicy;
  /**
   * Create the configuration paused: no backup runs until it is unpaused (pause a backup
   * before restoring into its database). BackupBlueprints have no such field.
   * @default false
   */
  readonly paused?: boolean;
  /**
   * Give up a backup session that runs longer than this.
   * @default - no limit
   */
  readonly timeout?: Duration;
  /**
   * How many finished BackupSessions (and their Jobs) to keep for debugging.
   * @default - Stash's default (1)
   */
  readonly backupHistoryLimit?: number;
  /**
   * Retry a failed backup session.
   * @default - no retry
   */
  readonly retry?: BackupRetryOptions;
  /**
   * Resources, priority, security context, environment and placement of the backup Job.
   * @default - none
   */
  readonly runtimeSettings?: RuntimeSettings;
  /**
   * Merge stash-pxc's security context into `runtimeSettings`, so that the backup Job's pod
   * meets Pod Security "restricted": container `runAsNonRoot: true`, `runAsUser`/`runAsGroup`
   * 65534, `allowPrivilegeEscalation: false`, `capabilities.drop: [ALL]`,
   * `seccompProfile: RuntimeDefault`; pod `runAsNonRoot: true`, `runAsUser`/`runAsGroup` 65534.
   * Fields you set in `runtimeSettings.container.securityContext` or
   * `runtimeSettings.pod.securityContext` win. `false` leaves the security context to you (and to
   * the operator's default, `runAsUser: 65535` on the pod only).
   * @default true
   */
  readonly defaultSecurityContext?: boolean;
  /**
   * The scratch directory of the backup Job.
   * @default - an emptyDir on the node's disk without limit
   */
  readonly tempDir?: TempDir;
  /**
   * Runs before each backup.
   * @default - none
   */
  readonly preBackupHook?: Hook;
  /**
   * Runs after each backup; its `executionPolicy` says after which outcomes.
   * @default - none
   */
  readonly postBackupHook?: Hook;
  /**
   * Arguments of `mysqldump` for a standalone database (the Task's `args` parameter). They
   * replace the addon's default `--all-databases`, so include the databases to dump, e.g.
   * `--databases playground --single-transaction`. Cluster backups (garbd + xtrabackup) ignore it.
   * @default - the addon's default, `--all-databases`
   */
  readonly args?: string;
  /**
   * How long the backup Job waits for the database to accept connections (the `waitTimeout`
   * parameter), whole seconds.
   * @default - the addon's default (300 seconds)
   */
  readonly waitTimeout?: Duration;
  /**
   * Other Task parameters by name, passed as they are.
   * @default - none
   */
  readonly taskParams?: { [name: string]: string };
}

/**
 * The Task parameters of a backup.
 * @internal
 */
export function backupTaskParams(options: PerconaXtraDbBackupOptions): Array<{ name: string; value: string }> {
  const params: { [name: string]: string } = { ...(options.taskParams ?? {}) };
  if (options.args !== undefined) params.args = options.args;
  if (options.waitTimeout !== undefined) params.waitTimeout = wholeSeconds(options.waitTimeout);
  return Object.keys(params).sort().map((name) => ({ name, value: params[name] }));
}

/** The spec fields that a BackupConfiguration and a BackupBlueprint share. */
type BackupOptionsSpec = Pick<BackupConfigurationSpec, 'schedule' | 'paused' | 'timeOut' | 'backupHistoryLimit' | 'retryConfig' | 'runtimeSettings' | 'tempDir' | 'hooks' | 'retentionPolicy'>;

/**
 * The spec fields these options set (wire JSON), besides `task`.
 * @internal
 */
export function renderBackupOptions(options: PerconaXtraDbBackupOptions, target: ScheduleTarget): BackupOptionsSpec {
  // Props of the wrong type (possible from JavaScript) render as nothing; validation reports them.
  const hooks = compact({
    preBackup: options.preBackupHook instanceof Hook ? options.preBackupHook.toJson() : undefined,
    postBackup: options.postBackupHook instanceof Hook ? options.postBackupHook.toJson() : undefined,
  });
  const runtimeSettings = backupRuntimeSettings(options);
  const tempDir = options.tempDir ? renderTempDir(options.tempDir) : undefined;
  return compact({
    schedule: options.schedule instanceof Schedule ? options.schedule.expressionFor(target) : '',
    paused: options.paused,
    timeOut: options.timeout ? goDuration(options.timeout) : undefined,
    backupHistoryLimit: options.backupHistoryLimit,
    retryConfig: options.retry ? compact({ maxRetry: options.retry.maxRetry, delay: options.retry.delay ? goDuration(options.retry.delay) : undefined }) : undefined,
    runtimeSettings: runtimeSettings && Object.keys(runtimeSettings).length ? runtimeSettings : undefined,
    tempDir: tempDir && Object.keys(tempDir).length ? tempDir : undefined,
    hooks: Object.keys(hooks).length ? hooks : undefined,
    // toJson() is typed loosely for other jsii languages; RetentionPolicy builds exactly this shape.
    retentionPolicy: (options.retentionPolicy instanceof RetentionPolicy ? options.retentionPolicy.toJson() : { name: '' }) as BackupConfigurationSpec['retentionPolicy'],
  });
}

/**
 * The runtimeSettings of the backup Job as Stash gets them: the user's, with the default
 * security context merged under them (unless turned off).
 * @internal
 */
export function backupRuntimeSettings(options: PerconaXtraDbBackupOptions): { [key: string]: any } {
  const rendered = options.runtimeSettings ? renderRuntimeSettings(options.runtimeSettings) : {};
  return jobRuntimeSettings(rendered, JobKind.BACKUP, options.defaultSecurityContext ?? true);
}

/**
 * Problems of these options.
 * @internal
 */
export function backupOptionsProblems(options: PerconaXtraDbBackupOptions, target: ScheduleTarget): string[] {
  const missing = [
    ...requiredProblems(options, [
      ['schedule', "pass schedule, e.g. Schedule.daily({ hour: 2 })"],
      ['retentionPolicy', 'pass retentionPolicy, e.g. RetentionPolicy.keepLast(5)'],
    ]),
    ...instanceProblems('schedule', options.schedule, Schedule, 'pass Schedule.cron("...") or another Schedule factory'),
    ...instanceProblems('retentionPolicy', options.retentionPolicy, RetentionPolicy, 'pass RetentionPolicy.keepLast(n) or RetentionPolicy.of({...})'),
    ...instanceProblems('preBackupHook', options.preBackupHook, Hook, 'pass Hook.exec([...]) or another Hook factory'),
    ...instanceProblems('postBackupHook', options.postBackupHook, Hook, 'pass Hook.exec([...]) or another Hook factory'),
  ];
  if (missing.length > 0) return missing;
  const out = [
    ...options.schedule.problems('schedule', target),
    ...options.retentionPolicy.problems('retentionPolicy'),
    ...integerProblems('backupHistoryLimit', options.backupHistoryLimit, 0, 2147483647),
    ...runtimeSettingsProblems('runtimeSettings', options.runtimeSettings),
    ...jobSecurityProblems('runtimeSettings', backupRuntimeSettings(options), JobKind.BACKUP),
    ...tempDirProblems('tempDir', options.tempDir),
    ...(options.preBackupHook?.problems('preBackupHook', true, true) ?? []),
    ...(options.postBackupHook?.problems('postBackupHook', false, true) ?? []),
  ];
  if (options.retry) {
    out.push(...requiredProblems(options.retry, [['maxRetry', 'pass retry.maxRetry, e.g. 3']]).map((p) => `retry.${p}`));
    out.push(...integerProblems('retry.maxRetry', options.retry.maxRetry, 1, 100));
    out.push(...durationProblems('retry.delay', options.retry.delay, { wholeSeconds: true, minMs: 1000, minReason: 'shorter than a second' }));
  }
  out.push(...durationProblems('timeout', options.timeout, { minMs: 60000, minReason: 'shorter than a backup Job takes to start' }));
  out.push(...durationProblems('waitTimeout', options.waitTimeout, { wholeSeconds: true, minMs: 1000 }));
  out.push(...taskParamProblems('taskParams', options.taskParams));
  if (options.args !== undefined && options.args.trim() === '') {
    out.push(problem('args', 'is empty, so mysqldump would get no database to dump', 'leave args out for --all-databases, or pass e.g. "--databases mydb"'));
  }
  if (options.taskParams && ('args' in options.taskParams || 'waitTimeout' in options.taskParams)) {
    const clash = ['args', 'waitTimeout'].filter((k) => k in options.taskParams! && (options as any)[k] !== undefined);
    for (const k of clash) out.push(problem(`taskParams.${k}`, `is also set by the ${k} prop`, `keep only the ${k} prop`));
  }
  return out;
}

/**
 * The version line of `version`, or the problem with it (for a validation).
 * @internal
 */
export function versionOf(version: string): { line?: PerconaXtraDbVersion; problem?: string } {
  try {
    return { line: PerconaXtraDbVersion.of(version) };
  } catch (e) {
    const supported = PerconaXtraDbVersion.all().map((v) => v.line).join(', ');
    return { problem: problem('version', `"${version}" is not a Percona XtraDB version the Stash addon supports`, `use the database's version, which must be in a supported line (${supported}), e.g. "8.0.36"`) };
  }
}

/**
 * Problems of Task parameters passed by name.
 * @internal
 */
export function taskParamProblems(field: string, params: { [name: string]: string } | undefined): string[] {
  const out = stringMapProblems(field, params);
  for (const name of Object.keys(params ?? {})) {
    if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(name)) {
      out.push(problem(field, `"${name}" is not a Task parameter name`, 'use the parameter name of the addon Task, e.g. "args"'));
    }
  }
  return out;
}
