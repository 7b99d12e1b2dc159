import { ApiObject, Chart, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { compact } from '../../core/metadata';
import { labelProblems } from '../../core/validation/metadata';
import { nameProblems, NameRule } from '../../core/validation/names';
import { guarded, integerProblems, problem, requiredProblems } from '../../core/validation/problems';
import { quantity, sizeProblems } from '../../core/validation/quantities';
import { backupsOf } from '../backups/perconaxtradb-backup';
import { KUBEDB_MAX_DATABASE_NAME, KUBEDB_MIN_REPLICAS } from './drill-kubedb';
import { IRepositoryRef } from '../targets/references';
import { RuntimeSettings } from '../jobs/runtime-settings';
import { PerconaXtraDbRestore, POD_ORDINAL, Snapshot } from './perconaxtradb-restore';

/** The KubeDB kind a clone creates (`kubedb.com/v1`, served and stored by KubeDB's CRD). */
const KUBEDB_PERCONAXTRADB = { apiVersion: 'kubedb.com/v1', kind: 'PerconaXtraDB' } as const;

/**
 * How the source was backed up, which decides how the clone is restored. The names are the
 * source's kind (a standalone server is dumped, a cluster copied); the clone itself is always a
 * Galera cluster of 3 or more members, because KubeDB runs every `kubedb.com/v1` PerconaXtraDB as
 * one.
 */
export enum CloneMode {
  /**
   * From a logical backup (`mysqldump`, what the addon takes of a standalone server): the dump is
   * piped into `mysql` through the clone's Service, into one member, and Galera replicates it to
   * the others. Guarded like every standalone restore: the guard runs in a pod behind that Service.
   */
  STANDALONE = 'Standalone',
  /**
   * From a physical backup (xtrabackup, what the addon takes of a cluster): `host-0`'s data
   * directory restored into every member's claim before the members start.
   */
  CLUSTER = 'Cluster',
}

/** What KubeDB does with the clone's data when the PerconaXtraDB object is deleted (`spec.deletionPolicy`). */
export enum CloneDeletionPolicy {
  /** Keep the volumes and Secrets; the database can be recreated from them. */
  HALT = 'Halt',
  /** Delete the volumes, keep the Secrets. */
  DELETE = 'Delete',
  /** Delete everything, volumes and Secrets. */
  WIPE_OUT = 'WipeOut',
  /** Refuse the deletion (KubeDB's webhook). */
  DO_NOT_TERMINATE = 'DoNotTerminate',
}

/** Props of `PerconaXtraDbClone`. */
export interface PerconaXtraDbCloneProps {
  /**
   * Name of the new database (the PerconaXtraDB object, and the AppBinding KubeDB creates for
   * it): at most 32 characters, KubeDB's limit for the Galera cluster name it derives from it.
   */
  readonly name: string;
  /**
   * Namespace of the new database and its RestoreSession.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * Labels of both objects (the PerconaXtraDB and the RestoreSession).
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /** Version of the database (`8.0.36`): KubeDB's PerconaXtraDBVersion name and the addon Task line. */
  readonly version: string;
  /** The Repository that holds the source's backups. */
  readonly repository: IRepositoryRef;
  /**
   * How the source was backed up: `STANDALONE` for a dump (a standalone source), `CLUSTER` for a
   * cluster's data directory. Either way the clone is a Galera cluster of `replicas` members.
   * @default CloneMode.STANDALONE
   */
  readonly mode?: CloneMode;
  /**
   * Members of the clone's Galera cluster: 3 or more (KubeDB refuses fewer).
   * @default 3
   */
  readonly replicas?: number;
  /** Size of each member's data volume; at least the source's data. */
  readonly storage: Size;
  /**
   * StorageClass of the data volumes.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * What KubeDB does with the data when the PerconaXtraDB object is deleted. `Halt` keeps the
   * volumes, so a deleted and recreated clone finds its claims again (and the operator refuses
   * to restore into them) instead of restoring from scratch.
   * @default CloneDeletionPolicy.HALT
   */
  readonly deletionPolicy?: CloneDeletionPolicy;
  /**
   * The source's auth Secret: a standalone dump restores the `mysql` schema, so KubeDB must log in
   * with the source's root password.
   * @default - KubeDB creates a new one
   */
  readonly authSecretName?: string;
  /**
   * The snapshot to restore.
   * @default Snapshot.latest()
   */
  readonly snapshot?: Snapshot;
  /**
   * Name of the RestoreSession.
   * @default - `<name>-restore`
   */
  readonly restoreName?: string;
  /**
   * Resources, placement and security of the restore Jobs.
   * @default - none
   */
  readonly runtimeSettings?: RuntimeSettings;
}

/**
 * A new Percona XtraDB database from a backup, in one object, as KubeDB's restore guides do it
 * by hand: a KubeDB `PerconaXtraDB` with `spec.init.waitForInitialRestore: true` (KubeDB keeps it
 * not ready until the restore succeeded) and the RestoreSession into its AppBinding. KubeDB runs
 * every PerconaXtraDB as a Galera cluster of 3 or more members, so every clone is one. A clone of
 * a dump (`CloneMode.STANDALONE`) pipes it into `mysql` through the clone's Service and Galera
 * replicates it; a clone of a cluster backup (`CloneMode.CLUSTER`) restores host-0's data
 * directory into every member's claim (`data-<name>-${POD_ORDINAL}`, the names KubeDB's
 * StatefulSet uses). The restore is guarded like every restore: re-rendered, re-applied or
 * reinstalled, it never restores twice.
 *
 * ```ts
 * new PerconaXtraDbClone(chart, 'orders-copy', {
 *   name: 'orders-copy', version: '8.0.36', repository: Repository.fromRepositoryName('orders-repo'),
 *   storage: Size.gibibytes(20), authSecretName: 'orders-auth',
 * });
 * ```
 */
export class PerconaXtraDbClone extends Construct {
  /** The KubeDB PerconaXtraDB object. */
  public readonly database: ApiObject;
  /** The restore into it. */
  public readonly restore: PerconaXtraDbRestore;

  constructor(scope: Construct, id: string, props: PerconaXtraDbCloneProps) {
    super(scope, id);
    props = props ?? ({} as PerconaXtraDbCloneProps);
    const mode = props.mode ?? CloneMode.STANDALONE;
    const cluster = mode === CloneMode.CLUSTER;
    const replicas = props.replicas ?? KUBEDB_MIN_REPLICAS;
    const namespace = props.namespace ?? Chart.of(this).namespace;
    const storage = props.storage instanceof Size ? quantity(props.storage) : undefined;

    this.database = new ApiObject(this, 'Database', {
      ...KUBEDB_PERCONAXTRADB,
      metadata: compact({ name: props.name, namespace: props.namespace, labels: props.labels }),
      spec: compact({
        version: props.version,
        replicas,
        authSecret: props.authSecretName !== undefined ? { kind: 'Secret', name: props.authSecretName } : undefined,
        storageType: 'Durable',
        storage: compact({
          storageClassName: props.storageClassName,
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage } },
        }),
        init: { waitForInitialRestore: true },
        deletionPolicy: props.deletionPolicy ?? CloneDeletionPolicy.HALT,
      }),
    });

    this.restore = new PerconaXtraDbRestore(this, 'Restore', {
      name: props.restoreName ?? `${props.name}-restore`,
      namespace: props.namespace,
      labels: props.labels,
      database: props.name,
      // KubeDB creates the clone's AppBinding once its PerconaXtraDB is ready.
      databaseDeclaredElsewhere: true,
      version: props.version,
      repository: props.repository,
      snapshot: props.snapshot,
      runtimeSettings: props.runtimeSettings,
      // The clone reports a backed-up target itself (a clone must be a new database).
      allowRestoreIntoBackedUpDatabase: true,
      // A dump restores without replicas or claims: the addon's target replicas stay 1, which
      // pipes it into `mysql` through the AppBinding's Service (one member; Galera replicates).
      cluster: cluster && props.storage instanceof Size ? {
        replicas,
        volumeClaimTemplates: [{ name: `data-${props.name}-${POD_ORDINAL}`, storage: props.storage, storageClassName: props.storageClassName }],
      } : undefined,
    });

    this.node.addValidation({
      validate: () => guarded(() => {
        const missing = requiredProblems(props, [
          ['name', 'pass the name of the new database'], ['version', 'pass the database version, e.g. "8.0.36"'],
          ['repository', 'pass a Repository or Repository.fromRepositoryName()'], ['storage', 'pass the size of each data volume, e.g. Size.gibibytes(20)']]);
        if (missing.length > 0) return missing;
        const out = [
          ...nameProblems('name', props.name, NameRule.DNS_LABEL, 'KubeDB names the StatefulSet, Services and claims after it'),
          ...kubedbNameProblems('name', props.name, 'give the clone a name'),
          ...nameProblems('storageClassName', props.storageClassName, NameRule.DNS_SUBDOMAIN),
          ...nameProblems('authSecretName', props.authSecretName, NameRule.DNS_SUBDOMAIN),
          ...labelProblems('labels', props.labels),
          ...(props.storage instanceof Size ? sizeProblems('storage', props.storage, 1024, 'the size of the source\'s data', 'cannot hold a data directory')
            : [problem('storage', `${JSON.stringify(props.storage)} is not a Size`, 'pass a Size, e.g. Size.gibibytes(20)')]),
          ...this.modeProblems(mode, replicas),
        ];
        if (props.deletionPolicy !== undefined && !Object.values(CloneDeletionPolicy).includes(props.deletionPolicy)) {
          out.push(problem('deletionPolicy', `${JSON.stringify(props.deletionPolicy)} is not a deletion policy`, 'use a CloneDeletionPolicy value'));
        }
        const backups = backupsOf(this, namespace, props.name);
        if (backups.length > 0) {
          out.push(problem('name', `"${props.name}" is a database that ${backups.map((b) => b.node.path).join(', ')} backs up; a clone creates a new database and would restore over that one`,
            'give the clone a name no backup of this app targets'));
        }
        return out;
      }),
    });
  }

  private modeProblems(mode: CloneMode, replicas: number): string[] {
    if (!Object.values(CloneMode).includes(mode)) return [problem('mode', `${JSON.stringify(mode)} is not a clone mode`, 'use CloneMode.STANDALONE or CloneMode.CLUSTER')];
    return kubedbReplicaProblems('replicas', replicas);
  }
}

/**
 * What KubeDB refuses in a PerconaXtraDB's member count: its webhook (`ValidatePerconaXtraDB`)
 * takes no fewer than `KUBEDB_MIN_REPLICAS`, whatever the database was restored from.
 */
function kubedbReplicaProblems(field: string, replicas: number): string[] {
  if (!Number.isInteger(replicas) || replicas > 1000) return integerProblems(field, replicas, KUBEDB_MIN_REPLICAS, 1000, `give ${KUBEDB_MIN_REPLICAS} or more members`);
  if (replicas < KUBEDB_MIN_REPLICAS) {
    return [problem(field, `${replicas} members, but KubeDB runs every PerconaXtraDB as a Galera cluster and refuses fewer than ${KUBEDB_MIN_REPLICAS}`,
      `leave replicas out (${KUBEDB_MIN_REPLICAS}), or give ${KUBEDB_MIN_REPLICAS} or more`)];
  }
  return [];
}

/** What KubeDB refuses in a PerconaXtraDB's name: longer than its Galera cluster name may be. */
function kubedbNameProblems(field: string, name: unknown, fix: string): string[] {
  if (typeof name !== 'string' || name.length <= KUBEDB_MAX_DATABASE_NAME) return [];
  return [problem(field, `"${name}" is ${name.length} characters, and KubeDB refuses a PerconaXtraDB whose name (its Galera cluster name) is longer than ${KUBEDB_MAX_DATABASE_NAME}`,
    `${fix} of at most ${KUBEDB_MAX_DATABASE_NAME} characters`)];
}
