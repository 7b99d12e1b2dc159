import { ApiObject, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { BACKUP_CONFIGURATION, BackupConfigurationSpec } from '../../api';
import { ExistingObjectOptions, StashObject, StashObjectOptions } from '../../core/stash-object';
import { nameProblems, NameRule } from '../../core/validation/names';
import { problem, requiredProblems } from '../../core/validation/problems';
import { sameNameInOtherNamespaces } from '../../core/validation/app-checks';
import { Backend } from '../storage/backend';
import { BackupNetworkPolicy, INVOKER_LABEL, JobNetworkPolicyOptions } from '../jobs/backup-network-policy';
import { backupOptionsProblems, backupRuntimeSettings, backupTaskParams, PerconaXtraDbBackupOptions, renderBackupOptions, versionOf } from './backup-options';
import { JobKind, namespacePodSecurityProblems } from '../jobs/job-security';
import { appBindingTargetRef, IBackupConfigurationRef, IRepositoryRef } from '../targets/references';
import { recoveryPointObjective } from '../observability/recovery-point';
import { repositoryRef, repositoryUsageProblems } from '../storage/repository';
import { Schedule } from './schedule';
import { BackupCopiesOptions, copiesProblems, PerconaXtraDbBackupCopy, triggerNameProblems } from './perconaxtradb-backup-copy';

/** Props of `PerconaXtraDbBackup`. */
export interface PerconaXtraDbBackupProps extends PerconaXtraDbBackupOptions, BackupCopiesOptions, StashObjectOptions {
  /**
   * Name of the database's AppBinding, the backup target. KubeDB names it after the
   * PerconaXtraDB object; for other databases, see `PerconaXtraDbAppBinding`.
   */
  readonly database: string;
  /**
   * Namespace of the AppBinding.
   * @default - the backup's namespace
   */
  readonly databaseNamespace?: string;
  /**
   * Version of the database (`8.0.36`, `5.7`...): picks the addon Task that can back it up.
   */
  readonly version: string;
  /** The Repository to back up into. */
  readonly repository: IRepositoryRef;
  /**
   * Name of the BackupConfiguration.
   * @default - `<database>-backup`
   */
  readonly name?: string;
  /**
   * Confine the backup Jobs with a NetworkPolicy (`<name>-jobs`): egress only to DNS, the API
   * server, the operator's license endpoint and Pushgateway, the database and the object store.
   * See `BackupNetworkPolicy`.
   * @default - no NetworkPolicy
   */
  readonly networkPolicy?: JobNetworkPolicyOptions;
}

/** Backups per App root, by `namespace/appbinding`: restores check them. */
const TARGETS = new WeakMap<IConstruct, Map<string, PerconaXtraDbBackup[]>>();

function targetKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/**
 * The PerconaXtraDbBackup constructs in `scope`'s app that back up the AppBinding `namespace/name`.
 * @internal
 */
export function backupsOf(scope: IConstruct, namespace: string | undefined, name: string): PerconaXtraDbBackup[] {
  return TARGETS.get(scope.node.root)?.get(targetKey(namespace, name)) ?? [];
}

/** Backups by the Repository (construct or reference) they write to: restores find copies through them. */
const BY_REPOSITORY = new WeakMap<object, PerconaXtraDbBackup[]>();

/**
 * The copy named `name` of the backups that write to `repository` (declared so far), and the
 * names of their copies, for the message when there is none.
 * @internal
 */
export function copyOfRepository(repository: IRepositoryRef, name: string): { copy?: PerconaXtraDbBackupCopy; names: string[] } {
  const backups = repository !== null && typeof repository === 'object' ? BY_REPOSITORY.get(repository) ?? [] : [];
  const copies = backups.flatMap((b) => b.copies);
  return { copy: copies.find((c) => c.copyName === name), names: copies.map((c) => c.copyName) };
}

/**
 * A scheduled backup of one Percona XtraDB database: a Stash BackupConfiguration that targets
 * the database's AppBinding and runs the addon Task of its version. Standalone databases are
 * dumped with `mysqldump`; Galera clusters are copied with garbd + xtrabackup (the AppBinding
 * tells the addon which).
 *
 * ```ts
 * new PerconaXtraDbBackup(chart, 'backup', {
 *   database: 'sample-xtradb',
 *   version: '8.0.36',
 *   repository: repo,
 *   schedule: Schedule.cron('*\/5 * * * *'),
 *   retentionPolicy: RetentionPolicy.keepLast(5),
 * });
 * ```
 */
export class PerconaXtraDbBackup extends StashObject implements IBackupConfigurationRef {
  /**
   * A BackupConfiguration that exists already, by name (for `InstantBackup`). Where the app
   * declares BackupConfigurations in that namespace, the name must be one of them (or
   * `options.declaredElsewhere`); prefer passing the backup construct (`plan.backup`).
   */
  public static fromBackupConfigurationName(name: string, namespace?: string, options: ExistingObjectOptions = {}): IBackupConfigurationRef {
    return { kind: BACKUP_CONFIGURATION.kind, name, namespace, ...(options?.declaredElsewhere ? { declaredElsewhere: true } : {}) };
  }

  /** Name of the targeted AppBinding. */
  public readonly database: string;
  /** Namespace of the targeted AppBinding. */
  public readonly databaseNamespace?: string;
  /** Whether the configuration is created paused. */
  public readonly paused: boolean;
  /** The BackupConfiguration object. */
  public readonly apiObject: ApiObject;
  /** The cron expression the backup runs on (a spread schedule resolved for this database). */
  public readonly scheduleExpression: string;
  /** The copies of the backup (`copies`), in order. */
  public readonly copies: PerconaXtraDbBackupCopy[];

  constructor(scope: Construct, id: string, props: PerconaXtraDbBackupProps) {
    // Stash copies the name into label values (stash.appscode.com/invoker-name): 63 at most.
    super(scope, id, {
      kind: BACKUP_CONFIGURATION.kind, name: props?.name ?? `${props?.database}-backup`,
      nameRule: NameRule.DNS_LABEL, nameReason: 'Stash puts it in label values', options: props,
    });
    props = props ?? ({} as PerconaXtraDbBackupProps);
    this.database = props.database;
    this.databaseNamespace = props.databaseNamespace ?? this.namespace;
    this.paused = props.paused ?? false;

    const version = versionOf(props.version);
    const scheduleTarget = { namespace: this.databaseNamespace, name: props.database };
    const targetNamespace = props.databaseNamespace !== undefined && props.databaseNamespace !== this.namespace
      ? props.databaseNamespace : undefined;
    // A wrong-typed schedule (from JavaScript) renders as nothing; validation reports it.
    this.scheduleExpression = props.schedule instanceof Schedule ? props.schedule.expressionFor(scheduleTarget).trim() : '';
    const params = backupTaskParams(props);
    const spec: BackupConfigurationSpec = {
      repository: repositoryRef(props.repository, this.namespace),
      target: { ref: appBindingTargetRef(props.database, targetNamespace) },
      task: {
        // Unsupported versions fail validation before anything is written; the name is a placeholder.
        name: version.line?.backupTaskName ?? `perconaxtradb-backup-${props.version}`,
        ...(params.length ? { params } : {}),
      },
      ...renderBackupOptions(props, scheduleTarget),
    };
    this.apiObject = this.customResource(BACKUP_CONFIGURATION, spec, invokerLabels(props.networkPolicy, this.name));
    if (props.networkPolicy) {
      new BackupNetworkPolicy(this, 'NetworkPolicy', {
        ...props.networkPolicy,
        name: `${this.name}-jobs`,
        namespace: props.namespace,
        labels: props.labels,
        invoker: this.name,
        restore: false,
        database: props.database,
        databaseNamespace: this.databaseNamespace,
        backend: backendOf(props.repository),
      });
    }

    // Before the copies, so that the primary comes first among the target's backups.
    const root = this.node.root;
    if (!TARGETS.has(root)) TARGETS.set(root, new Map());
    const byTarget = TARGETS.get(root)!;
    const key = targetKey(this.databaseNamespace, props.database);
    byTarget.set(key, [...(byTarget.get(key) ?? []), this]);
    if (props.repository !== null && typeof props.repository === 'object') {
      BY_REPOSITORY.set(props.repository, [...(BY_REPOSITORY.get(props.repository) ?? []), this]);
    }

    const copyIds = new Set<string>();
    this.copies = (Array.isArray(props.copies) ? props.copies : []).map((copy, i) => {
      // A copy's id is its name where that is a usable, unique id (a repeated name is reported).
      const id = typeof copy?.name === 'string' && /^[-a-z0-9]+$/.test(copy.name) && !copyIds.has(copy.name) ? `Copy-${copy.name}` : `Copy${i}`;
      copyIds.add(typeof copy?.name === 'string' ? copy.name : id);
      return new PerconaXtraDbBackupCopy(this, id, { copy, primary: this, primaryProps: props });
    });

    this.addProblems(() => [...copiesProblems('copies', props.copies), ...triggerNameProblems(this.name, this.copies)]);
    this.addProblems(() => {
      const missing = requiredProblems(props, [
        ['database', 'pass the name of the database\'s AppBinding'], ['version', 'pass the database version, e.g. "8.0.36"'],
        ['repository', 'pass a Repository or Repository.fromRepositoryName()']]);
      if (missing.length > 0) return [...missing, ...backupOptionsProblems(props, scheduleTarget)];
      return [
        ...nameProblems('database', props.database, NameRule.DNS_LABEL, 'Stash puts the target name in label values'),
        ...nameProblems('databaseNamespace', props.databaseNamespace, NameRule.DNS_LABEL),
        ...(version.problem ? [version.problem] : []),
        ...repositoryUsageProblems('repository', props.repository, this.namespace, this, 'Stash would find no Repository to back up into'),
        ...backupOptionsProblems(props, scheduleTarget),
        ...namespacePodSecurityProblems(this, this.namespace, backupRuntimeSettings(props), JobKind.BACKUP,
          'keep defaultSecurityContext on (the default) and do not override its fields in runtimeSettings, or lower the namespace\'s level'),
        ...this.sameNameProblems(),
      ];
    });
  }

  /**
   * The backup Job pushes its size and repository-integrity series to the Pushgateway grouped by
   * `job=<BackupConfiguration name>` without the namespace, so two BackupConfigurations with
   * one name in two namespaces overwrite each other's series (and the alerts built on them).
   */
  private sameNameProblems(): string[] {
    const others = sameNameInOtherNamespaces(this);
    if (others.length === 0) return [];
    const where = others.map((o) => `${o.namespace ?? '(no namespace)'}/${this.name} (${o.path})`).join(', ');
    return [problem('name', `BackupConfiguration "${this.name}" has the same name as ${where}; Stash pushes each backup's size and integrity metrics grouped by the BackupConfiguration's name without its namespace, so the two would overwrite each other's series and alerts`,
      `give every BackupConfiguration of the app its own name (a backup's name, a plan's backupName), e.g. "${this.namespace ?? 'ns'}-${this.name}"`)];
  }

  /**
   * The recovery point objective the schedule implies: the longest time between two consecutive
   * runs (`0 1 * * 1-5` gives 72h, over the weekend). Zero when the schedule is invalid (which
   * validation reports).
   */
  public get rpo(): Duration {
    return recoveryPointObjective(this.scheduleExpression) ?? Duration.seconds(0);
  }

  /** The copy named `name`, or undefined. */
  public copy(name: string): PerconaXtraDbBackupCopy | undefined {
    return this.copies.find((c) => c.copyName === name);
  }
}

/**
 * The label that lets a network policy select the invoker's Job pods (Stash copies the
 * invoker's labels to them), when there is a policy.
 * @internal
 */
export function invokerLabels(networkPolicy: JobNetworkPolicyOptions | undefined, name: string): { [key: string]: string } | undefined {
  return networkPolicy ? { [INVOKER_LABEL]: name } : undefined;
}

/**
 * The backend of a Repository construct (none for one referenced by name).
 * @internal
 */
export function backendOf(repository: IRepositoryRef): Backend | undefined {
  const backend = (repository as { backend?: unknown }).backend;
  return backend instanceof Backend ? backend : undefined;
}
