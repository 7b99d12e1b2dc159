import { ApiObject, Duration, Size } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { RESTORE_SESSION, RestoreSessionSpec } from '../../api';
import { compact } from '../../core/metadata';
import { StashObject, StashObjectOptions } from '../../core/stash-object';
import { nameProblems, NameRule, nameViolation } from '../../core/validation/names';
import { instanceProblems, integerProblems, problem, requiredProblems } from '../../core/validation/problems';
import { durationProblems, goDuration, quantity, sizeProblems, wholeSeconds } from '../../core/validation/quantities';
import { BackupNetworkPolicy, INVOKER_LABEL, JobNetworkPolicyOptions } from '../jobs/backup-network-policy';
import { taskParamProblems, versionOf } from '../backups/backup-options';
import { Hook } from '../jobs/hook';
import { JobKind, jobRuntimeSettings, jobSecurityProblems, namespacePodSecurityProblems } from '../jobs/job-security';
import { backendOf, backupsOf, copyOfRepository } from '../backups/perconaxtradb-backup';
import { appBindingTargetRef, IRepositoryRef } from '../targets/references';
import { declaredNames, editDistance, perApp, unmatchedReferenceProblems } from '../../core/validation/app-checks';
import { repositoryRef, repositoryUsageProblems } from '../storage/repository';
import { PerconaXtraDbAppBinding } from '../targets/perconaxtradb-app-binding';
import { guardCheckHook, guardKey, guardMarkHook, KUBEDB_PERCONAXTRADB_CONTAINER } from './restore-guard';
import { renderRuntimeSettings, renderTempDir, RuntimeSettings, runtimeSettingsProblems, TempDir, tempDirProblems } from '../jobs/runtime-settings';

/** Mount path of the data volume in a cluster restore: where Percona XtraDB keeps its data. */
export const MYSQL_DATA_DIR = '/var/lib/mysql';

/** The variable Stash replaces with 0, 1, ... in the names of a cluster restore's volume claims. */
export const POD_ORDINAL = '${POD_ORDINAL}';

/** A snapshot of a Repository, as `kubectl get snapshots -n <namespace> -l repository=<name>` lists it. */
export interface SnapshotInfo {
  /** The restic snapshot id (8 or 64 hex digits: the part of the Snapshot's name after the repository name). */
  readonly id: string;
  /** When the snapshot was taken (the Snapshot's `creationTimestamp`). */
  readonly time: Date;
}

const SNAPSHOT_ID = /^[0-9a-f]{8}$|^[0-9a-f]{64}$/;

/** Which snapshot to restore. */
export class Snapshot {
  /** The newest snapshot. */
  public static latest(): Snapshot {
    return new Snapshot('latest');
  }

  /** A snapshot by its restic id (8 or 64 hex digits, as `kubectl get snapshots` shows after the repository name). */
  public static id(id: string): Snapshot {
    return new Snapshot(id);
  }

  /**
   * Point in time: the newest of `snapshots` taken at or before `time`, chosen at synth time (the
   * synth never reads the cluster: pass the list, e.g. from `kubectl get snapshots -o json`). Stash
   * restores a RestoreSession's `rules[].snapshots` by id, so the RestoreSession names that id.
   * When none qualifies, the restore reports it (the factory never throws).
   */
  public static newestNotAfter(time: Date, snapshots: SnapshotInfo[]): Snapshot {
    if (!(time instanceof Date) || Number.isNaN(time.getTime())) {
      return new Snapshot('', problem('', `the point in time ${JSON.stringify(time)} is not a valid Date`, 'pass a Date, e.g. new Date("2026-12-01T02:00:00Z")'));
    }
    const list = Array.isArray(snapshots) ? snapshots : [];
    const bad = list.find((s) => typeof s?.id !== 'string' || !SNAPSHOT_ID.test(s.id) || !(s.time instanceof Date) || Number.isNaN(s.time.getTime()));
    if (bad !== undefined) {
      return new Snapshot('', problem('', `the snapshot list has ${JSON.stringify(bad)}, which is not { id: <8 or 64 hex digits>, time: <Date> }`, 'pass each snapshot\'s id and creation time as kubectl get snapshots shows them'));
    }
    const candidates = list.filter((s) => s.time.getTime() <= time.getTime()).sort((a, b) => b.time.getTime() - a.time.getTime());
    if (candidates.length === 0) {
      const oldest = [...list].sort((a, b) => a.time.getTime() - b.time.getTime())[0];
      return new Snapshot('', problem('', `no snapshot was taken at or before ${time.toISOString()} (${list.length === 0 ? 'the list is empty' : `the oldest of ${list.length} is ${oldest.id} at ${oldest.time.toISOString()}`})`,
        'choose a later point in time, or pass the Repository\'s full snapshot list (kubectl get snapshots -n <namespace> -l repository=<name> -o json)'));
    }
    return new Snapshot(candidates[0].id);
  }

  private constructor(
    /** The value Stash expects in `rules[].snapshots`. */
    public readonly value: string,
    private readonly unresolved?: string,
  ) {}

  /** Problems of the snapshot reference, reported under `field`. */
  public problems(field: string): string[] {
    if (this.unresolved !== undefined) return [`${field}${this.unresolved}`];
    if (this.value === 'latest' || SNAPSHOT_ID.test(this.value)) return [];
    return [problem(field, `"${this.value}" is not a restic snapshot id (8 or 64 lower-case hex digits)`, 'use Snapshot.latest() or the id after the repository name in `kubectl get snapshots`, e.g. Snapshot.id("4bc21d6f")')];
  }
}

/** Which data goes to which restore host (`target.rules[]`). */
export interface RestoreRule {
  /**
   * Host whose backup is restored. A cluster backup is taken as `host-0`.
   * @default - the restoring host's own name
   */
  readonly sourceHost?: string;
  /**
   * Restore hosts this rule applies to (`host-0`, `host-1`, ...); empty for all.
   * @default - all hosts
   */
  readonly targetHosts?: string[];
  /**
   * Snapshots to restore.
   * @default [Snapshot.latest()]
   */
  readonly snapshots?: Snapshot[];
}

/** Access mode of a restored volume. */
export enum VolumeAccessMode {
  READ_WRITE_ONCE = 'ReadWriteOnce',
  READ_WRITE_ONCE_POD = 'ReadWriteOncePod',
  READ_WRITE_MANY = 'ReadWriteMany',
  READ_ONLY_MANY = 'ReadOnlyMany',
}

/** A PersistentVolumeClaim that Stash creates per replica and fills with the restored data. */
export interface VolumeClaimTemplate {
  /**
   * Name of the claims, with `${POD_ORDINAL}` where the replica number goes. It must be the
   * name the database's StatefulSet will look for: for KubeDB, `data-<database>-${POD_ORDINAL}`.
   */
  readonly name: string;
  /** Size of each claim; at least the size of the original data directory. */
  readonly storage: Size;
  /**
   * StorageClass of the claims.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * Access modes.
   * @default [VolumeAccessMode.READ_WRITE_ONCE]
   */
  readonly accessModes?: VolumeAccessMode[];
}

/** What a Percona XtraDB Cluster restore needs: the volumes of the new cluster's members. */
export interface ClusterRestoreOptions {
  /** Number of members of the new cluster: one claim (and one restore Job) each. */
  readonly replicas: number;
  /** The claims to create and fill; usually one, the data volume. */
  readonly volumeClaimTemplates: VolumeClaimTemplate[];
  /**
   * Name of the volume mounted at `/var/lib/mysql` in the restore Jobs.
   * @default - the first template's name without `-${POD_ORDINAL}`
   */
  readonly dataVolumeName?: string;
}

/** What to restore and where: `PerconaXtraDbRestore`'s props without the Repository and version. */
export interface PerconaXtraDbRestoreOptions extends StashObjectOptions {
  /**
   * Name of the AppBinding of the database to restore into. For a new KubeDB database, the
   * PerconaXtraDB object's name (KubeDB creates the AppBinding after the restore).
   */
  readonly database: string;
  /**
   * Namespace of the AppBinding.
   * @default - the restore's namespace
   */
  readonly databaseNamespace?: string;
  /**
   * The AppBinding is made outside this app (by KubeDB, for a KubeDB database). Without it, a name
   * that is not, but nearly is (at most two edits), the name of an AppBinding the app declares
   * (`PerconaXtraDbAppBinding`) in that namespace is refused as a typo, which would leave the
   * RestoreSession waiting forever.
   * @default false
   */
  readonly databaseDeclaredElsewhere?: boolean;
  /**
   * Name of the RestoreSession.
   * @default - `<database>-restore`
   */
  readonly name?: string;
  /**
   * The snapshot to restore (shortcut for a single rule).
   * @default Snapshot.latest()
   */
  readonly snapshot?: Snapshot;
  /**
   * Restore a Percona XtraDB Cluster: Stash creates one volume per member, fills it with the
   * backed-up data directory, and the new cluster starts from them.
   * @default - a standalone restore through `mysql`
   */
  readonly cluster?: ClusterRestoreOptions;
  /**
   * Which snapshot each restore host gets. Give either this or `snapshot`.
   * @default - standalone: the snapshot; cluster: host-0's snapshot on every member
   */
  readonly rules?: RestoreRule[];
  /**
   * Restore into a database that a `PerconaXtraDbBackup` of this app backs up. That
   * overwrites it with older data, and its next scheduled backup races the restore; pause the
   * backup first.
   * @default false
   */
  readonly allowRestoreIntoBackedUpDatabase?: boolean;
  /**
   * Restore from this copy of the backup (its `BackupCopy.name`) instead of from `repository`:
   * the RestoreSession reads the Repository of that copy of the backup that writes to
   * `repository` (declared before the restore, as a plan does). Equivalent to passing
   * `repository: backup.copy(name).repository`.
   * @default - restore from `repository`
   */
  readonly fromCopy?: string;
  /**
   * Replace what the target database holds. Without it, a standalone restore is guarded: its
   * first step (the RestoreSession's preRestore hook, run by Stash in the database's pod) refuses
   * to restore when the server holds user schemas or when this RestoreSession already restored
   * it (the marker `stash_pxc.restores` that the postRestore hook writes), so a RestoreSession
   * that is deleted and created again (helm uninstall and install, a GitOps re-sync) never
   * overwrites newer data. A cluster restore is guarded by the operator itself: it creates each
   * claim with a plain create and fails the restore when one exists already, so for a cluster
   * "holds data" means "its claim exists", and `overwrite` is refused there. Not seen: a
   * PersistentVolume pre-bound to a claim's name (`claimRef`), which the new claim binds to and
   * the restore writes over (see the runbook, StashPxcRestoreFailed).
   * @default false
   */
  readonly overwrite?: boolean;
  /**
   * Container of the database's pod that runs the guard (it needs the `mysql` client and the
   * root credentials in `MYSQL_ROOT_USERNAME` / `MYSQL_ROOT_PASSWORD`, as KubeDB sets them).
   * @default 'perconaxtradb' (KubeDB's server container)
   */
  readonly guardContainerName?: string;
  /**
   * Runs before the restore. A guarded standalone restore uses this slot for its guard: set
   * `overwrite: true` to run your own hook instead.
   * @default - none (the guard, for a standalone restore without overwrite)
   */
  readonly preRestoreHook?: Hook;
  /**
   * Runs after the restore; its `executionPolicy` says after which outcomes. For a standalone
   * restore it replaces the guard's marker (the guard then refuses on user schemas only).
   * @default - none (the guard's marker, for a standalone restore)
   */
  readonly postRestoreHook?: Hook;
  /**
   * Extra arguments of `mysql` for a standalone restore (the Task's `args` parameter).
   * @default - none
   */
  readonly args?: string;
  /**
   * How long the restore Job waits for the database to accept connections, whole seconds.
   * @default - the addon's default (300 seconds)
   */
  readonly waitTimeout?: Duration;
  /**
   * Other Task parameters by name.
   * @default - none
   */
  readonly taskParams?: { [name: string]: string };
  /**
   * Resources, priority, security context, environment and placement of the restore Jobs.
   * @default - none
   */
  readonly runtimeSettings?: RuntimeSettings;
  /**
   * Merge stash-pxc's security context into `runtimeSettings`. A standalone restore then meets
   * Pod Security "restricted" (container `runAsNonRoot: true`, `runAsUser`/`runAsGroup` 65534,
   * `allowPrivilegeEscalation: false`, `capabilities.drop: [ALL]`, `seccompProfile:
   * RuntimeDefault`; pod `runAsNonRoot: true`, `runAsUser`/`runAsGroup` 65534). A cluster
   * restore gets what the addon's restore script needs and no more, which meets "baseline" only:
   * container `runAsUser`/`runAsGroup` 0, `allowPrivilegeEscalation: false`, capabilities
   * dropped but CHOWN, DAC_OVERRIDE and FOWNER, `seccompProfile: RuntimeDefault`; pod
   * `runAsUser`/`runAsGroup` 0. Fields you set in the runtimeSettings' securityContexts win.
   * `false` leaves the security context to you (and to the operator, which runs restores as root).
   * @default true
   */
  readonly defaultSecurityContext?: boolean;
  /**
   * The scratch directory of the restore Jobs.
   * @default - an emptyDir on the node's disk without limit
   */
  readonly tempDir?: TempDir;
  /**
   * Give up a restore that runs longer than this.
   * @default - no limit
   */
  readonly timeout?: Duration;
  /**
   * Confine the restore Jobs with a NetworkPolicy (`<name>-jobs`): egress only to DNS, the API
   * server, the operator's license endpoint and Pushgateway, the object store and (standalone)
   * the database. See `BackupNetworkPolicy`.
   * @default - no NetworkPolicy
   */
  readonly networkPolicy?: JobNetworkPolicyOptions;
}

/** Props of `PerconaXtraDbRestore`. */
export interface PerconaXtraDbRestoreProps extends PerconaXtraDbRestoreOptions {
  /** Version of the database (`8.0.36`): picks the addon Task that restores it. */
  readonly version: string;
  /** The Repository that holds the backups. */
  readonly repository: IRepositoryRef;
}

/**
 * A restore of a Percona XtraDB database from a Repository: a Stash RestoreSession targeting
 * the database's AppBinding, with the addon's restore Task for its version.
 *
 * The RestoreSession carries the label `stash-pxc/invoker: <name>`, which Stash copies to the
 * restore Jobs and their pods: select them by it. For a database whose AppBinding KubeDB manages,
 * the operator rewrites the RestoreSession's `app.kubernetes.io/instance`, `app.kubernetes.io/name`
 * and `app.kubernetes.io/managed-by` labels to the database's (and the pods inherit those), so
 * selectors and GitOps tracking must not rely on them.
 *
 * Standalone, the dump is piped into `mysql`. With `cluster`, Stash creates the new cluster's
 * volumes (names with `${POD_ORDINAL}`), restores the data directory into each, mounted at
 * `/var/lib/mysql`, and the database (e.g. a KubeDB PerconaXtraDB with
 * `init.waitForInitialRestore`) starts from them.
 *
 * ```ts
 * new PerconaXtraDbRestore(chart, 'restore', {
 *   database: 'restored-xtradb-cluster', version: '8.0.36', repository: repo,
 *   cluster: { replicas: 3, volumeClaimTemplates: [{
 *     name: 'data-restored-xtradb-cluster-${POD_ORDINAL}', storage: Size.gibibytes(1), storageClassName: 'standard' }] },
 * });
 * ```
 */
export class PerconaXtraDbRestore extends StashObject {
  /** Name of the targeted AppBinding. */
  public readonly database: string;
  /** The RestoreSession object. */
  public readonly apiObject: ApiObject;
  /** Whether the restore refuses to overwrite data (the guard's pre-restore check is in the RestoreSession). */
  public readonly guarded: boolean;

  constructor(scope: Construct, id: string, props: PerconaXtraDbRestoreProps) {
    super(scope, id, {
      kind: RESTORE_SESSION.kind, name: props?.name ?? `${props?.database}-restore`,
      nameRule: NameRule.DNS_LABEL, nameReason: 'Stash puts it in label values', options: props,
    });
    props = props ?? ({} as PerconaXtraDbRestoreProps);
    this.database = props.database;
    const databaseNamespace = props.databaseNamespace ?? this.namespace;
    const version = versionOf(props.version);
    const cluster = props.cluster;

    const rules = props.rules ?? [cluster
      ? { targetHosts: [], sourceHost: 'host-0', snapshots: [props.snapshot ?? Snapshot.latest()] }
      : { snapshots: [props.snapshot ?? Snapshot.latest()] }];
    const templates = Array.isArray(cluster?.volumeClaimTemplates) ? cluster!.volumeClaimTemplates : [];
    const dataVolume = cluster ? (cluster.dataVolumeName ?? baseName(String(templates[0]?.name ?? ''))) : undefined;
    const targetNamespace = props.databaseNamespace !== undefined && props.databaseNamespace !== this.namespace ? props.databaseNamespace : undefined;
    // fromCopy: the copy's Repository replaces the given one everywhere (spec, network policy, checks).
    const fromCopy = props.fromCopy !== undefined ? copyOfRepository(props.repository, props.fromCopy) : undefined;
    const repository = fromCopy?.copy?.repository ?? props.repository;

    const params: { [name: string]: string } = { ...(props.taskParams ?? {}) };
    if (props.args !== undefined) params.args = props.args;
    if (props.waitTimeout !== undefined) params.waitTimeout = wholeSeconds(props.waitTimeout);
    const paramList = Object.keys(params).sort().map((name) => ({ name, value: params[name] }));
    // The guard's hooks, unless the user opted out (overwrite) or it is a cluster restore (see guardProblems).
    this.guarded = !cluster && props.overwrite !== true;
    const guardKeyOf = guardKey(this.namespace, this.name);
    const guardContainer = props.guardContainerName ?? KUBEDB_PERCONAXTRADB_CONTAINER;
    const preRestore = this.guarded ? guardCheckHook(guardKeyOf, guardContainer) : props.preRestoreHook;
    const postRestore = props.postRestoreHook ?? (this.guarded ? guardMarkHook(guardKeyOf, guardContainer) : undefined);
    const hooks = compact({
      preRestore: preRestore instanceof Hook ? preRestore.toJson() : undefined,
      postRestore: postRestore instanceof Hook ? postRestore.toJson() : undefined,
    });
    const jobKind = cluster ? JobKind.CLUSTER_RESTORE : JobKind.RESTORE;
    const runtimeSettings = jobRuntimeSettings(props.runtimeSettings ? renderRuntimeSettings(props.runtimeSettings) : {}, jobKind, props.defaultSecurityContext ?? true);
    const tempDir = props.tempDir ? renderTempDir(props.tempDir) : {};

    const spec: RestoreSessionSpec = compact({
      repository: repositoryRef(repository, this.namespace),
      task: {
        name: version.line?.restoreTaskName ?? `perconaxtradb-restore-${props.version}`,
        ...(paramList.length ? { params: paramList } : {}),
      },
      target: compact({
        ref: appBindingTargetRef(props.database, targetNamespace),
        replicas: cluster?.replicas,
        volumeMounts: cluster ? [{ name: dataVolume, mountPath: MYSQL_DATA_DIR }] : undefined,
        volumeClaimTemplates: cluster ? templates.map(renderClaimTemplate) : undefined,
        rules: rules.map((r) => compact({
          targetHosts: r?.targetHosts ? [...r.targetHosts] : undefined,
          sourceHost: r?.sourceHost,
          snapshots: (r?.snapshots ?? [Snapshot.latest()]).map((s) => s?.value),
        })),
      }),
      hooks: Object.keys(hooks).length ? hooks : undefined,
      runtimeSettings: Object.keys(runtimeSettings).length ? runtimeSettings : undefined,
      tempDir: Object.keys(tempDir).length ? tempDir : undefined,
      timeOut: props.timeout ? goDuration(props.timeout) : undefined,
    });

    // Always, not only for a network policy: for a database whose AppBinding KubeDB manages, the
    // operator rewrites the RestoreSession's app.kubernetes.io/instance, name and managed-by labels
    // to the database's, and the restore Jobs' pods inherit them; this label of ours is left alone,
    // so `-l stash-pxc/invoker=<name>` finds the restore and its pods either way.
    this.apiObject = this.customResource(RESTORE_SESSION, spec, { [INVOKER_LABEL]: this.name });
    if (props.networkPolicy) {
      new BackupNetworkPolicy(this, 'NetworkPolicy', {
        ...props.networkPolicy,
        name: `${this.name}-jobs`,
        namespace: props.namespace,
        labels: props.labels,
        invoker: this.name,
        restore: true,
        // A cluster restore only writes the new volumes; it never connects to a database.
        database: cluster ? undefined : props.database,
        databaseNamespace,
        backend: backendOf(repository),
      });
    }

    this.addProblems(() => {
      const missing = [
        ...requiredProblems(props, [
          ['database', 'pass the name of the AppBinding to restore into'], ['version', 'pass the database version, e.g. "8.0.36"'],
          ['repository', 'pass a Repository or Repository.fromRepositoryName()']]),
        ...instanceProblems('snapshot', props.snapshot, Snapshot, 'pass Snapshot.latest() or Snapshot.id("...")'),
        ...instanceProblems('preRestoreHook', props.preRestoreHook, Hook, 'pass Hook.exec([...]) or another Hook factory'),
        ...instanceProblems('postRestoreHook', props.postRestoreHook, Hook, 'pass Hook.exec([...]) or another Hook factory'),
        ...(props.rules !== undefined && !Array.isArray(props.rules) ? [problem('rules', 'is not a list', 'pass a list of rules')] : []),
        ...(cluster !== undefined && !Array.isArray(cluster.volumeClaimTemplates) ? [problem('cluster.volumeClaimTemplates', 'is missing', 'pass the volume claim templates')] : []),
      ];
      if (missing.length > 0) return missing;
      return [
        ...nameProblems('database', props.database, NameRule.DNS_LABEL, 'Stash puts the target name in label values'),
        ...nameProblems('databaseNamespace', props.databaseNamespace, NameRule.DNS_LABEL),
        ...(version.problem ? [version.problem] : []),
        ...repositoryUsageProblems('repository', repository, this.namespace, this, 'the RestoreSession would wait for it forever'),
        ...(fromCopy && !fromCopy.copy ? [problem('fromCopy', `"${props.fromCopy}" is not a copy of a backup into Repository "${props.repository.name}"${fromCopy.names.length ? ` (its copies: ${fromCopy.names.join(', ')})` : ' declared before this restore'}`,
          fromCopy.names.length ? 'use one of those names, or leave fromCopy out to restore from the primary' : 'declare the backup with its copies before the restore, or pass repository: backup.copy("<name>").repository')] : []),
        ...this.ruleProblems(props, rules),
        ...(cluster ? clusterProblems(cluster, dataVolume ?? '', props.database) : []),
        ...(props.databaseDeclaredElsewhere === true || !nearDeclaredAppBinding(this, props.database, databaseNamespace) ? [] : unmatchedReferenceProblems(this, 'database', {
          kind: 'AppBinding', name: props.database, namespace: databaseNamespace,
          consequence: 'the RestoreSession would wait for it forever (RestoreTargetFound=False)',
          instead: 'the name of the PerconaXtraDbAppBinding you declare (appBinding.name)',
        }).map((p) => p.replace('for one created outside this app, pass { declaredElsewhere: true }', 'for one KubeDB or another tool creates, set databaseDeclaredElsewhere: true'))),
        ...this.backedUpProblems(props, databaseNamespace),
        ...this.guardProblems(props, databaseNamespace),
        ...(props.preRestoreHook?.problems('preRestoreHook', true, false) ?? []),
        ...(props.postRestoreHook?.problems('postRestoreHook', false, false) ?? []),
        ...runtimeSettingsProblems('runtimeSettings', props.runtimeSettings),
        ...jobSecurityProblems('runtimeSettings', runtimeSettings, jobKind),
        ...namespacePodSecurityProblems(this, this.namespace, runtimeSettings, jobKind, cluster
          ? 'a cluster restore runs the addon\'s restore script as root: restore in a namespace that enforces "baseline" at most (label it pod-security.kubernetes.io/enforce=baseline for the restore), then move to "restricted"'
          : 'keep defaultSecurityContext on (the default) and do not override its fields in runtimeSettings, or lower the namespace\'s level'),
        ...tempDirProblems('tempDir', props.tempDir),
        ...durationProblems('waitTimeout', props.waitTimeout, { wholeSeconds: true, minMs: 1000 }),
        ...taskParamProblems('taskParams', props.taskParams),
        ...(props.args !== undefined && cluster ? [problem('args', 'is set for a cluster restore, which copies data files and runs no mysql client', 'remove args')] : []),
        ...durationProblems('timeout', props.timeout, { minMs: 60000, minReason: 'shorter than a restore Job takes to start' }),
      ];
    });
  }

  private ruleProblems(props: PerconaXtraDbRestoreProps, rules: readonly RestoreRule[]): string[] {
    const out: string[] = [];
    if (props.rules !== undefined && props.snapshot !== undefined) {
      out.push(problem('snapshot', 'is set together with rules, which carry their own snapshots', 'put the snapshot in the rules, or drop rules'));
    }
    if (props.rules !== undefined && props.rules.length === 0) {
      out.push(problem('rules', 'is empty, so nothing would be restored', 'leave rules out for the latest snapshot, or give at least one rule'));
    }
    rules.forEach((rule, i) => {
      for (const s of rule.snapshots ?? []) {
        out.push(...(s instanceof Snapshot ? s.problems(`rules[${i}].snapshots`) : instanceProblems(`rules[${i}].snapshots`, s, Snapshot, 'pass Snapshot.latest() or Snapshot.id("...")')));
      }
      if (rule.snapshots !== undefined && rule.snapshots.length === 0) {
        out.push(problem(`rules[${i}].snapshots`, 'is empty', 'leave it out for the latest snapshot, or name one'));
      }
      if (rule.sourceHost !== undefined && rule.sourceHost.trim() === '') {
        out.push(problem(`rules[${i}].sourceHost`, 'is empty', 'use the host the backup was taken as, "host-0" for Percona XtraDB'));
      }
      const replicas = props.cluster?.replicas ?? 1;
      for (const host of rule.targetHosts ?? []) {
        const m = /^host-(\d+)$/.exec(host);
        if (!m || Number(m[1]) >= replicas) {
          out.push(problem(`rules[${i}].targetHosts`, `"${host}" is not one of the restore hosts host-0 ... host-${replicas - 1}`, 'use host-<n> with n below replicas, or [] for all hosts'));
        }
      }
    });
    return out;
  }

  /** The AppBinding of the app this restore targets: `service` null when it is url-only (no pod for a hook). */
  private bindingOf(props: PerconaXtraDbRestoreProps, databaseNamespace: string | undefined): { service: string | null } | undefined {
    const binding = appBindingsOf(this).get(`${databaseNamespace ?? ''}/${props.database}`);
    return binding ? { service: binding.service ?? null } : undefined;
  }

  /**
   * Where the guard can run. `stash run-hook` looks the AppBinding up in the RestoreSession's own
   * namespace and execs into the first pod of its `clientConfig.service`'s Endpoints (stashed/stash
   * `pkg/cmds/run_hook.go`); the restore Job's ClusterRole `stash-restore-job` grants `get` on
   * appbindings, endpoints and pods and `create` on pods/exec, which is all it needs. A cluster
   * restore has no pod to run in before it finishes (the new members start from its volumes),
   * and needs none: the operator creates each claim with a plain `Create` (`CreateBatchPVC`) and
   * fails the RestoreSession when one already exists, before any restore Job.
   */
  private guardProblems(props: PerconaXtraDbRestoreProps, databaseNamespace: string | undefined): string[] {
    const out: string[] = [];
    if (props.overwrite !== undefined && typeof props.overwrite !== 'boolean') {
      return [problem('overwrite', `${JSON.stringify(props.overwrite)} is not true or false`, 'set overwrite: true only to replace the data of the target database on purpose')];
    }
    out.push(...nameProblems('guardContainerName', props.guardContainerName, NameRule.DNS_LABEL));
    if (props.cluster) {
      if (props.overwrite === true) {
        out.push(problem('overwrite', 'is set on a cluster restore, which never overwrites: the operator creates the volume claims and fails the restore when one already exists',
          'remove overwrite; to restore a cluster again, delete the old database and its claims first (see the runbook, StashPxcRestoreFailed)'));
      }
      return out;
    }
    if (props.overwrite === true) return out;
    if (props.preRestoreHook !== undefined) {
      out.push(problem('preRestoreHook', 'is taken by the restore guard, which refuses to overwrite a database that holds data (Stash runs one preRestore hook)',
        'drop preRestoreHook, or set overwrite: true to restore without the guard and run your hook'));
    }
    if (props.databaseNamespace !== undefined && databaseNamespace !== this.namespace) {
      out.push(problem('databaseNamespace', `"${databaseNamespace}" is not the restore's namespace "${this.namespace}"; Stash looks the AppBinding of a restore hook up in the RestoreSession's own namespace, so the guard could not run and the restore would fail`,
        'create the restore in the database\'s namespace (give the Repository a usage policy that allows it), or set overwrite: true to restore without the guard'));
    }
    if (this.bindingOf(props, databaseNamespace)?.service === null) {
      out.push(problem('database', `the AppBinding "${props.database}" has a url and no service, so Stash finds no pod to run the restore guard in and the restore would fail`,
        'give the AppBinding a service (the database\'s Service), or set overwrite: true to restore without the guard'));
    }
    return out;
  }

  private backedUpProblems(props: PerconaXtraDbRestoreProps, databaseNamespace: string | undefined): string[] {
    if (props.allowRestoreIntoBackedUpDatabase) return [];
    const backups = backupsOf(this, databaseNamespace, props.database);
    if (backups.length === 0) return [];
    return [problem('database', `"${props.database}" is backed up by ${backups.map((b) => b.node.path).join(', ')}; restoring into it overwrites it with older data while its scheduled backups keep running`,
      'restore into a new database (for KubeDB, a new PerconaXtraDB with init.waitForInitialRestore), or pause that backup (paused: true) and set allowRestoreIntoBackedUpDatabase: true')];
  }
}

/** A claim name without its `-${POD_ORDINAL}` suffix: the volume name the restore Jobs mount. */
function baseName(template: string): string {
  return template.replace(/-?\$\{POD_ORDINAL\}$/, '');
}

function renderClaimTemplate(t: VolumeClaimTemplate): { [key: string]: any } {
  return {
    metadata: { name: t.name },
    spec: compact({
      accessModes: (t.accessModes ?? [VolumeAccessMode.READ_WRITE_ONCE]).map((m) => m as string),
      storageClassName: t.storageClassName,
      resources: { requests: { storage: quantity(t.storage) } },
    }),
  };
}

/**
 * The claim KubeDB's PerconaXtraDB StatefulSet mounts for member n of `database`: its claim
 * template is named `data`, and a StatefulSet names claims `<template>-<pod>`, the pod being
 * `<database>-<n>` (kubedb/docs: `data-sample-pxc-0`).
 */
function kubedbClaim(database: string): string {
  return `data-${database}-${POD_ORDINAL}`;
}

function clusterProblems(cluster: ClusterRestoreOptions, dataVolume: string, database: string): string[] {
  const out = integerProblems('cluster.replicas', cluster.replicas, 1, 1000,
    'give the number of members of the new cluster (3 for a typical Percona XtraDB Cluster)');
  const templates = cluster.volumeClaimTemplates;
  if (cluster.dataVolumeName !== undefined && typeof cluster.dataVolumeName !== 'string') {
    out.push(problem('cluster.dataVolumeName', 'is not a string', 'pass a volume name'));
    return out;
  }
  if (templates.length === 0) {
    out.push(problem('cluster.volumeClaimTemplates', 'is empty, so Stash has no volume to restore the data directory into',
      `add the data volume, e.g. { name: "${kubedbClaim(database)}", storage: Size.gibibytes(10) }`));
  }
  templates.forEach((t, i) => {
    const field = `cluster.volumeClaimTemplates[${i}].name`;
    if (typeof t?.name !== 'string') {
      out.push(problem(field, 'is missing', `pass the claim name, e.g. "${kubedbClaim(database)}"`));
      return;
    }
    out.push(...nameProblems(`cluster.volumeClaimTemplates[${i}].storageClassName`, t.storageClassName, NameRule.DNS_SUBDOMAIN));
    (t.accessModes ?? []).forEach((m, j) => {
      if (!Object.values(VolumeAccessMode).includes(m)) out.push(problem(`cluster.volumeClaimTemplates[${i}].accessModes[${j}]`, `${JSON.stringify(m)} is not an access mode`, 'use a VolumeAccessMode value'));
    });
    if (t.storage === undefined) out.push(problem(`cluster.volumeClaimTemplates[${i}].storage`, 'is missing', 'pass the size, e.g. Size.gibibytes(10)'));
    out.push(...sizeProblems(`cluster.volumeClaimTemplates[${i}].storage`, t.storage, 1024, 'the size of the source volume', 'cannot hold a data directory'));
    const variables = [...t.name.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]).filter((v) => v !== 'POD_ORDINAL');
    if (variables.length > 0) {
      out.push(problem(field, `"${t.name}" uses ${variables.map((v) => `\${${v}}`).join(', ')}; only ${POD_ORDINAL} is replaced`, `use ${POD_ORDINAL} for the replica number`));
      return;
    }
    const expected = kubedbClaim(database);
    if (cluster.replicas > 1 && !t.name.includes(POD_ORDINAL)) {
      out.push(problem(field, `"${t.name}" has no ${POD_ORDINAL}, so all ${cluster.replicas} members would get the same claim`,
        `name the claims as the database's StatefulSet does: "${expected}" for KubeDB's PerconaXtraDB "${database}" (claim template "data", pods "${database}-0", "${database}-1", ...)`));
      return;
    }
    // A StatefulSet's claim is <template>-<pod>, and the pod name ends in -<ordinal>.
    if (t.name.includes(POD_ORDINAL) && !t.name.endsWith(`-${POD_ORDINAL}`)) {
      out.push(problem(field, `"${t.name}" does not end in "-${POD_ORDINAL}", so no StatefulSet member would find its claim (claims are named <template>-<database>-<ordinal>)`,
        `use "${expected}" for KubeDB's PerconaXtraDB "${database}"`));
      return;
    }
    const other = /^data-(.+)-\$\{POD_ORDINAL\}$/.exec(t.name)?.[1];
    if (other !== undefined && other !== database) {
      out.push(problem(field, `"${t.name}" is the claim of a KubeDB database "${other}", but the restore targets "${database}", whose members would look for "${expected}"`,
        `use "${expected}", or restore into the database "${other}" (database: "${other}")`));
      return;
    }
    const longest = t.name.split(POD_ORDINAL).join(String(Math.max(0, cluster.replicas - 1)));
    const violation = nameViolation(longest, NameRule.DNS_SUBDOMAIN);
    if (violation) out.push(problem(field, `"${longest}" (for the last member) ${violation}; claim names must be DNS-1123 subdomains`, 'use lower-case letters, digits and "-"'));
  });
  if (templates.length > 0) {
    const violation = nameViolation(dataVolume, NameRule.DNS_LABEL);
    if (violation) {
      out.push(problem('cluster.dataVolumeName', `"${dataVolume}" ${violation}; volume names are DNS-1123 labels`, 'pass dataVolumeName, e.g. "data-<database>"'));
    } else if (!templates.some((t) => baseName(t.name) === dataVolume)) {
      out.push(problem('cluster.dataVolumeName', `"${dataVolume}" matches no volume claim template`, `use one of ${templates.map((t) => `"${baseName(t.name)}"`).join(', ')}`));
    }
  }
  return out;
}

/**
 * A restore's target looks like a typo of an AppBinding the app declares in that namespace: not
 * one of them, but at most two edits (and under a third of its length) from one. (A restore into a KubeDB database names an
 * AppBinding that KubeDB creates, which no app declares, so only near misses are judged.)
 */
function nearDeclaredAppBinding(scope: IConstruct, name: string, namespace: string | undefined): boolean {
  const declared = declaredNames(scope, 'AppBinding', namespace);
  if (!declared || typeof name !== 'string' || declared.includes(name)) return false;
  // A near miss: two edits at most, and fewer than a third of the name (so "db2" beside "db" is a name of its own).
  return declared.some((d) => {
    const distance = editDistance(name, d);
    return distance <= 2 && distance * 3 < Math.max(name.length, d.length);
  });
}

/** The app's AppBindings by `namespace/name` (the first declared of each), in one walk of the tree. */
function appBindingIndex(root: IConstruct): Map<string, PerconaXtraDbAppBinding> {
  const byName = new Map<string, PerconaXtraDbAppBinding>();
  for (const c of root.node.findAll()) {
    if (c instanceof PerconaXtraDbAppBinding && !byName.has(`${c.namespace ?? ''}/${c.name}`)) byName.set(`${c.namespace ?? ''}/${c.name}`, c);
  }
  return byName;
}

/** The app's AppBindings by `namespace/name`, computed once per set of objects (not once per restore). */
function appBindingsOf(scope: IConstruct): Map<string, PerconaXtraDbAppBinding> {
  return perApp(scope, appBindingIndex);
}
