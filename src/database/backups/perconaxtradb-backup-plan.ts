import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Backend } from '../storage/backend';
import { JobNetworkPolicyOptions } from '../jobs/backup-network-policy';
import { PerconaXtraDbBackupOptions } from './backup-options';
import { StashObjectOptions } from '../../core/stash-object';
import { PerconaXtraDbBackup } from './perconaxtradb-backup';
import { BackupCopiesOptions, PerconaXtraDbBackupCopy } from './perconaxtradb-backup-copy';
import { PerconaXtraDbRestore, PerconaXtraDbRestoreOptions } from '../restores/perconaxtradb-restore';
import { PerconaXtraDbRestoreDrill, RestoreDrillOptions } from '../restores/perconaxtradb-restore-drill';
import { Repository, UsagePolicy } from '../storage/repository';

/** Props of `PerconaXtraDbBackupPlan`. */
export interface PerconaXtraDbBackupPlanProps extends PerconaXtraDbBackupOptions, BackupCopiesOptions, StashObjectOptions {
  /** Name of the database's AppBinding (for KubeDB, the PerconaXtraDB object's name). */
  readonly database: string;
  /** Version of the database, e.g. `8.0.36`. */
  readonly version: string;
  /** Where the snapshots go. */
  readonly backend: Backend;
  /** Name of the storage Secret (created out of band; see `StorageSecret.kubectlCommand()`). */
  readonly storageSecretName: string;
  /**
   * Name of the Repository.
   * @default - `<database>-repo`
   */
  readonly repositoryName?: string;
  /**
   * Name of the BackupConfiguration.
   * @default - `<database>-backup`
   */
  readonly backupName?: string;
  /**
   * Delete the backed-up data when the Repository object is deleted.
   * @default false
   */
  readonly wipeOut?: boolean;
  /**
   * Which namespaces may use the Repository (for example the namespace of a restore target).
   * @default - the Repository's namespace only
   */
  readonly usagePolicy?: UsagePolicy;
  /**
   * Also restore from the Repository into another database (or a new one). It takes the
   * plan's `defaultSecurityContext` unless it sets its own.
   * @default - no restore
   */
  readonly restore?: PerconaXtraDbRestoreOptions;
  /**
   * Confine the plan's backup (and restore) Jobs with NetworkPolicies; see
   * `PerconaXtraDbBackupProps.networkPolicy`. The restore takes it unless it sets its own.
   * @default - no NetworkPolicy
   */
  readonly networkPolicy?: JobNetworkPolicyOptions;
  /**
   * Prove on a schedule that the latest backup restores: a `PerconaXtraDbRestoreDrill` of the
   * database from the plan's Repository (weekly by default, outside the backup window). It
   * takes the plan's `networkPolicy` unless it sets its own.
   * @default - no drill
   */
  readonly drill?: RestoreDrillOptions;
}

/**
 * The common case in one call: a Repository, a scheduled backup of one database into it, and
 * optionally a restore from it.
 *
 * ```ts
 * new PerconaXtraDbBackupPlan(chart, 'sample-xtradb', {
 *   database: 'sample-xtradb', version: '8.0.36',
 *   backend: Backend.gcs({ bucket: 'my-backups', prefix: 'demo/sample-xtradb' }),
 *   storageSecretName: 'gcs-secret',
 *   schedule: Schedule.cron('*\/5 * * * *'),
 *   retentionPolicy: RetentionPolicy.keepLast(5),
 * });
 * ```
 */
export class PerconaXtraDbBackupPlan extends Construct {
  /** The Repository. */
  public readonly repository: Repository;
  /** The scheduled backup. */
  public readonly backup: PerconaXtraDbBackup;
  /** The restore, when `restore` was given. */
  public readonly restore?: PerconaXtraDbRestore;
  /** The restore drill, when `drill` was given. */
  public readonly drill?: PerconaXtraDbRestoreDrill;

  constructor(scope: Construct, id: string, props: PerconaXtraDbBackupPlanProps) {
    super(scope, id);
    props = props ?? ({} as PerconaXtraDbBackupPlanProps);
    const metadata: StashObjectOptions = { namespace: props.namespace, labels: props.labels, annotations: props.annotations };
    this.repository = new Repository(this, 'Repository', {
      ...metadata,
      name: props.repositoryName ?? `${props.database}-repo`,
      backend: props.backend,
      storageSecretName: props.storageSecretName,
      wipeOut: props.wipeOut,
      usagePolicy: props.usagePolicy,
    });
    this.backup = new PerconaXtraDbBackup(this, 'Backup', {
      ...props,
      ...metadata,
      name: props.backupName,
      repository: this.repository,
    });
    if (props.restore) {
      this.restore = new PerconaXtraDbRestore(this, 'Restore', {
        namespace: props.namespace,
        ...props.restore,
        defaultSecurityContext: props.restore.defaultSecurityContext ?? props.defaultSecurityContext,
        networkPolicy: props.restore.networkPolicy ?? props.networkPolicy,
        version: props.version,
        repository: this.repository,
      });
    }
    if (props.drill) {
      this.drill = new PerconaXtraDbRestoreDrill(this, 'Drill', {
        ...props.drill,
        namespace: props.namespace,
        labels: props.labels,
        networkPolicy: props.drill.networkPolicy ?? props.networkPolicy,
        database: props.database,
        version: props.version,
        repository: this.repository,
      });
    }
  }

  /** The copies of the backup (`copies`): each a Repository and a BackupConfiguration. */
  public get copies(): PerconaXtraDbBackupCopy[] {
    return this.backup.copies;
  }

  /** The recovery point objective of the backup's schedule (see `PerconaXtraDbBackup.rpo`). */
  public get rpo(): Duration {
    return this.backup.rpo;
  }
}
