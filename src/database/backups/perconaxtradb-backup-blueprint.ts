import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { BACKUP_BLUEPRINT, BackupBlueprintSpec } from '../../api';
import { compact } from '../../core/metadata';
import { StashObject } from '../../core/stash-object';
import { nameProblems, NameRule } from '../../core/validation/names';
import { instanceProblems, problem, requiredProblems, within } from '../../core/validation/problems';
import { Backend, BackendProvider } from '../storage/backend';
import { backupOptionsProblems, backupTaskParams, PerconaXtraDbBackupOptions, renderBackupOptions, versionOf } from './backup-options';
import { recoveryPointObjective } from '../observability/recovery-point';
import { backendJsonOf, UsagePolicy } from '../storage/repository';
import { locationOfBackend, registerRepositoryLocation, repositoryLocationProblems } from '../storage/repository-location';
import { Schedule, ScheduleTarget } from './schedule';

/** Annotation that opts a database (or AppBinding) in to auto-backup with a blueprint. */
export const BACKUP_BLUEPRINT_ANNOTATION = 'stash.appscode.com/backup-blueprint';
/** Annotation that overrides the blueprint's schedule for one database. */
export const SCHEDULE_ANNOTATION = 'stash.appscode.com/schedule';
/** Prefix of the annotations that set Task parameters for one database (`params.stash.appscode.com/args`). */
export const PARAMS_ANNOTATION_PREFIX = 'params.stash.appscode.com/';

/** Options of `autoBackupAnnotations()`. */
export interface AutoBackupAnnotationOptions {
  /**
   * This database's schedule instead of the blueprint's.
   * @default - the blueprint's schedule
   */
  readonly schedule?: Schedule;
  /**
   * `mysqldump` arguments for this database (the Task's `args` parameter), e.g. `--databases shop`.
   * @default - the blueprint's
   */
  readonly args?: string;
  /**
   * Other Task parameters for this database, by name.
   * @default - none
   */
  readonly params?: { [name: string]: string };
  /**
   * Namespace and name of the annotated database, for schedules computed per database.
   * @default - none
   */
  readonly databaseName?: string;
  /**
   * Namespace of the annotated database.
   * @default - none
   */
  readonly databaseNamespace?: string;
}

/**
 * The annotations that opt a database in to auto-backup with the blueprint `blueprintName`.
 * Put them on the KubeDB PerconaXtraDB object, or on the AppBinding of a database KubeDB does
 * not manage (`PerconaXtraDbAppBinding`'s `annotations`); Stash then creates the Repository and
 * BackupConfiguration (named `app-<database>`) from the blueprint.
 */
export function autoBackupAnnotations(blueprintName: string, options: AutoBackupAnnotationOptions = {}): { [key: string]: string } {
  options = options ?? {};
  const out: { [key: string]: string } = { [BACKUP_BLUEPRINT_ANNOTATION]: blueprintName };
  if (options.schedule) {
    out[SCHEDULE_ANNOTATION] = !(options.schedule instanceof Schedule) ? String(options.schedule) : options.schedule.expressionFor({ namespace: options.databaseNamespace, name: options.databaseName ?? blueprintName });
  }
  const params: { [name: string]: string } = { ...(options.params ?? {}), ...(options.args !== undefined ? { args: options.args } : {}) };
  for (const name of Object.keys(params).sort()) out[`${PARAMS_ANNOTATION_PREFIX}${name}`] = params[name];
  return out;
}

/** Props of `PerconaXtraDbBackupBlueprint`. */
export interface PerconaXtraDbBackupBlueprintProps extends PerconaXtraDbBackupOptions {
  /** Name of the blueprint (cluster-scoped); databases reference it in their annotation. */
  readonly name: string;
  /**
   * Backend of the Repository created for each database. Make the prefix unique per database
   * with variables, e.g. `stash/${TARGET_NAMESPACE}/${TARGET_APP_RESOURCE}/${TARGET_NAME}`.
   */
  readonly backend: Backend;
  /**
   * Name of the storage Secret; it must exist in every namespace where a database opts in
   * (or in `repositoryNamespace`).
   */
  readonly storageSecretName: string;
  /**
   * Version of the databases this blueprint backs up, to pin the Task. Leave it out for a
   * blueprint shared by several versions: Stash then uses the Task that the database's
   * AppBinding names (KubeDB sets it; `PerconaXtraDbAppBinding` with `version` does too).
   * @default - the Task from each database's AppBinding
   */
  readonly version?: string;
  /**
   * Delete the backed-up data when a generated Repository is deleted.
   * @default false
   */
  readonly wipeOut?: boolean;
  /**
   * Usage policy of the generated Repositories.
   * @default - Stash's default: their own namespace only
   */
  readonly usagePolicy?: UsagePolicy;
  /**
   * Namespace where the Repositories are created.
   * @default - each database's namespace
   */
  readonly repositoryNamespace?: string;
  /**
   * Namespace where the BackupConfigurations and backup Jobs run.
   * @default - each database's namespace
   */
  readonly backupNamespace?: string;
  /**
   * Extra labels.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Extra annotations.
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
}

/**
 * A cluster-scoped BackupBlueprint for auto-backup: one template of Repository and
 * BackupConfiguration that Stash applies to every Percona XtraDB database annotated with it.
 * A blueprint has one `backend` (Stash's BackupBlueprint has no list of them), so it cannot
 * carry copies (`BackupCopy`): back up a database that needs a second copy with a plan or fleet.
 *
 * ```ts
 * const blueprint = new PerconaXtraDbBackupBlueprint(chart, 'blueprint', {
 *   name: 'perconaxtradb-backup-template',
 *   backend: Backend.gcs({ bucket: 'my-backups', prefix: 'stash/${TARGET_NAMESPACE}/${TARGET_APP_RESOURCE}/${TARGET_NAME}' }),
 *   storageSecretName: 'gcs-secret',
 *   schedule: Schedule.cron('*\/5 * * * *'),
 *   retentionPolicy: RetentionPolicy.keepLast(5),
 * });
 * blueprint.annotationsFor({ schedule: Schedule.daily({ hour: 3 }) }); // for a database object
 * ```
 */
export class PerconaXtraDbBackupBlueprint extends StashObject {
  /** The annotations that opt a database in to the blueprint `blueprintName` (one defined elsewhere). */
  public static autoBackupAnnotations(blueprintName: string, options: AutoBackupAnnotationOptions = {}): { [key: string]: string } {
    return autoBackupAnnotations(blueprintName, options);
  }

  /** The BackupBlueprint object. */
  public readonly apiObject: ApiObject;
  /** The schedule of the generated BackupConfigurations (a database's annotation may override it). */
  public readonly schedule: Schedule;
  /** Schedules that `annotationsFor` gave named databases instead of the blueprint's, by `namespace/name`. */
  private readonly overrides = new Map<string, { target: ScheduleTarget; schedule: Schedule }>();

  constructor(scope: Construct, id: string, props: PerconaXtraDbBackupBlueprintProps) {
    super(scope, id, {
      kind: BACKUP_BLUEPRINT.kind, name: props?.name, nameRule: NameRule.DNS_SUBDOMAIN, clusterScoped: true,
      options: { labels: props?.labels, annotations: props?.annotations },
    });
    props = props ?? ({} as PerconaXtraDbBackupBlueprintProps);
    const backendJson = backendJsonOf(props.backend);
    this.schedule = props.schedule;
    const version = props.version !== undefined ? versionOf(props.version) : undefined;
    const params = backupTaskParams(props);
    const target = { name: props.name };
    const task = version?.line || params.length
      ? compact({ name: version?.line?.backupTaskName ?? (version ? `perconaxtradb-backup-${props.version}` : undefined), params: params.length ? params : undefined })
      : undefined;
    const spec: BackupBlueprintSpec = compact({
      backend: { ...backendJson, storageSecretName: props.storageSecretName },
      wipeOut: props.wipeOut,
      usagePolicy: props.usagePolicy instanceof UsagePolicy ? props.usagePolicy.toJson() : undefined,
      repoNamespace: props.repositoryNamespace,
      backupNamespace: props.backupNamespace,
      task,
      ...renderBackupOptions(props, target),
      // BackupBlueprint has no `paused` (validation reports it).
      paused: undefined,
    });
    this.apiObject = this.customResource(BACKUP_BLUEPRINT, spec);
    // The Repositories Stash creates from the blueprint: their prefix pattern joins the app-wide location check.
    registerRepositoryLocation(this, () => locationOfBackend(props.backend, props.repositoryNamespace), true);

    this.addProblems(() => {
        const missing = [
          ...requiredProblems(props, ['name', ['backend', 'pass backend, e.g. Backend.s3({...})'], ['storageSecretName', 'pass the name of the storage Secret']]),
          ...instanceProblems('backend', props.backend, Backend, 'pass Backend.s3({...}) or another Backend factory'),
          ...instanceProblems('usagePolicy', props.usagePolicy, UsagePolicy, 'pass UsagePolicy.sameNamespace() or another UsagePolicy factory'),
        ];
        if (missing.length > 0) return [...missing, ...backupOptionsProblems(props, target)];
        const out = [
          ...nameProblems('storageSecretName', props.storageSecretName, NameRule.DNS_SUBDOMAIN),
          ...nameProblems('repositoryNamespace', props.repositoryNamespace, NameRule.DNS_LABEL),
          ...nameProblems('backupNamespace', props.backupNamespace, NameRule.DNS_LABEL),
          ...within('backend', props.backend.problems({ blueprint: true })),
          ...(props.usagePolicy ? props.usagePolicy.problems('usagePolicy') : []),
          ...(version?.problem ? [version.problem] : []),
          ...backupOptionsProblems(props, target),
        ];
        if (props.paused !== undefined) {
          out.push(problem('paused', 'a BackupBlueprint has no paused field (the API server would drop it)',
            'remove it; pause a database\'s generated BackupConfiguration (app-<database>) instead, or remove its opt-in annotation'));
        }
        const json = props.backend.toJson()[props.backend.provider] ?? {};
        const path: string | undefined = json.prefix ?? json.subPath;
        if (props.backend.provider === BackendProvider.REST) {
          out.push(problem('backend', 'a REST backend has no prefix, so every database using the blueprint would share one repository', 'use an object-store or local backend with a per-database prefix'));
        } else if (!path || !/\$\{TARGET_NAME\}/.test(path)) {
          out.push(problem(`backend.${props.backend.provider}.${json.subPath !== undefined ? 'subPath' : 'prefix'}`,
            `"${path ?? ''}" does not contain \${TARGET_NAME}, so every database using the blueprint would write into the same restic repository`,
            'make it unique per database, e.g. "stash/${TARGET_NAMESPACE}/${TARGET_APP_RESOURCE}/${TARGET_NAME}"'));
        }
        out.push(...repositoryLocationProblems(this));
        return out;
    });
  }

  /**
   * The annotations that opt a database in to this blueprint; see `autoBackupAnnotations()`. A
   * schedule given with `databaseName` (and `databaseNamespace`) is remembered, so that `rpoFor`
   * and the alerts use the schedule that database really runs on.
   */
  public annotationsFor(options: AutoBackupAnnotationOptions = {}): { [key: string]: string } {
    if (options?.schedule instanceof Schedule && options.databaseName) {
      const target = { namespace: options.databaseNamespace, name: options.databaseName };
      this.overrides.set(`${target.namespace ?? ''}/${target.name}`, { target, schedule: options.schedule });
    }
    return autoBackupAnnotations(this.name, options);
  }

  /**
   * The recovery point objective of the schedule one database (`target`) runs on: the schedule
   * `annotationsFor` gave it, else the blueprint's (a spread schedule differs per database). Zero
   * when the schedule is invalid (which validation reports).
   */
  public rpoFor(target: ScheduleTarget): Duration {
    const schedule = this.overrides.get(`${target.namespace ?? ''}/${target.name}`)?.schedule ?? this.schedule;
    return recoveryPointObjective(schedule.expressionFor(target)) ?? Duration.seconds(0);
  }

  /** The databases that `annotationsFor` gave a schedule of their own. */
  public get overriddenDatabases(): ScheduleTarget[] {
    return [...this.overrides.values()].map((o) => o.target);
  }
}
