import { ApiObject, Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import { Construct } from 'constructs';
import { RESTORE_SESSION, RestoreSessionSpec } from '../api';
import { compact } from '../core/metadata';
import { StashObject, StashObjectOptions } from '../core/stash-object';
import { nameProblems, NameRule, nameViolation } from '../core/validation/names';
import { integerProblems, problem } from '../core/validation/problems';
import { goDuration, quantity } from '../core/validation/quantities';
import { versionOf } from './backup-options';
import { Hook } from './hook';
import { backupsOf } from './perconaxtradb-backup';
import { appBindingTargetRef, IRepositoryRef } from './references';
import { repositoryRef, repositoryUsageProblems } from './repository';
import { renderRuntimeSettings, renderTempDir, RuntimeSettings, runtimeSettingsProblems, TempDir, tempDirProblems } from './runtime-settings';

/** Mount path of the data volume in a cluster restore: where Percona XtraDB keeps its data. */
export const MYSQL_DATA_DIR = '/var/lib/mysql';

/** The variable Stash replaces with 0, 1, ... in the names of a cluster restore's volume claims. */
export const POD_ORDINAL = '${POD_ORDINAL}';

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

  private constructor(
    /** The value Stash expects in `rules[].snapshots`. */
    public readonly value: string,
  ) {}

  /** Problems of the snapshot reference, reported under `field`. */
  public problems(field: string): string[] {
    if (this.value === 'latest' || /^[0-9a-f]{8}$|^[0-9a-f]{64}$/.test(this.value)) return [];
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
   * Runs before the restore.
   * @default - none
   */
  readonly preRestoreHook?: Hook;
  /**
   * Runs after the restore; its `executionPolicy` says after which outcomes.
   * @default - none
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
   * The scratch directory of the restore Jobs.
   * @default - an emptyDir on the node's disk without limit
   */
  readonly tempDir?: TempDir;
  /**
   * Give up a restore that runs longer than this.
   * @default - no limit
   */
  readonly timeout?: Duration;
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

  constructor(scope: Construct, id: string, props: PerconaXtraDbRestoreProps) {
    super(scope, id, {
      kind: RESTORE_SESSION.kind, name: props.name ?? `${props.database}-restore`,
      nameRule: NameRule.DNS_LABEL, nameReason: 'Stash puts it in label values', options: props,
    });
    this.database = props.database;
    const databaseNamespace = props.databaseNamespace ?? this.namespace;
    const version = versionOf(props.version);
    const cluster = props.cluster;

    const rules = props.rules ?? [cluster
      ? { targetHosts: [], sourceHost: 'host-0', snapshots: [props.snapshot ?? Snapshot.latest()] }
      : { snapshots: [props.snapshot ?? Snapshot.latest()] }];
    const templates = cluster?.volumeClaimTemplates ?? [];
    const dataVolume = cluster ? (cluster.dataVolumeName ?? baseName(templates[0]?.name ?? '')) : undefined;
    const targetNamespace = props.databaseNamespace !== undefined && props.databaseNamespace !== this.namespace ? props.databaseNamespace : undefined;

    const params: { [name: string]: string } = { ...(props.taskParams ?? {}) };
    if (props.args !== undefined) params.args = props.args;
    if (props.waitTimeout !== undefined) params.waitTimeout = String(Math.round(props.waitTimeout.toMilliseconds() / 1000));
    const paramList = Object.keys(params).sort().map((name) => ({ name, value: params[name] }));
    const hooks = compact({ preRestore: props.preRestoreHook?.toJson(), postRestore: props.postRestoreHook?.toJson() });
    const runtimeSettings = props.runtimeSettings ? renderRuntimeSettings(props.runtimeSettings) : {};
    const tempDir = props.tempDir ? renderTempDir(props.tempDir) : {};

    const spec: RestoreSessionSpec = compact({
      repository: repositoryRef(props.repository, this.namespace),
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
          targetHosts: r.targetHosts ? [...r.targetHosts] : undefined,
          sourceHost: r.sourceHost,
          snapshots: (r.snapshots ?? [Snapshot.latest()]).map((s) => s.value),
        })),
      }),
      hooks: Object.keys(hooks).length ? hooks : undefined,
      runtimeSettings: Object.keys(runtimeSettings).length ? runtimeSettings : undefined,
      tempDir: Object.keys(tempDir).length ? tempDir : undefined,
      timeOut: props.timeout ? goDuration(props.timeout) : undefined,
    });

    this.apiObject = this.customResource(RESTORE_SESSION, spec);

    this.node.addValidation({
      validate: () => [
        ...nameProblems('database', props.database, NameRule.DNS_LABEL, 'Stash puts the target name in label values'),
        ...nameProblems('databaseNamespace', props.databaseNamespace, NameRule.DNS_LABEL),
        ...(version.problem ? [version.problem] : []),
        ...repositoryUsageProblems('repository', props.repository, this.namespace),
        ...this.ruleProblems(props, rules),
        ...(cluster ? clusterProblems(cluster, dataVolume ?? '') : []),
        ...this.backedUpProblems(props, databaseNamespace),
        ...(props.preRestoreHook?.problems('preRestoreHook', true, false) ?? []),
        ...(props.postRestoreHook?.problems('postRestoreHook', false, false) ?? []),
        ...runtimeSettingsProblems('runtimeSettings', props.runtimeSettings),
        ...tempDirProblems('tempDir', props.tempDir),
        ...(props.waitTimeout && (props.waitTimeout.toMilliseconds() % 1000 !== 0 || props.waitTimeout.toMilliseconds() < 1000)
          ? [problem('waitTimeout', `${goDuration(props.waitTimeout)} is not a whole number of seconds`, 'use Duration.seconds(n) with n >= 1')] : []),
        ...(props.args !== undefined && cluster ? [problem('args', 'is set for a cluster restore, which copies data files and runs no mysql client', 'remove args')] : []),
        ...(props.timeout && props.timeout.toMilliseconds() < 60000 ? [problem('timeout', `${goDuration(props.timeout)} is shorter than a restore Job takes to start`, 'give at least Duration.minutes(1), usually hours')] : []),
      ],
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
      for (const s of rule.snapshots ?? []) out.push(...s.problems(`rules[${i}].snapshots`));
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

function clusterProblems(cluster: ClusterRestoreOptions, dataVolume: string): string[] {
  const out = integerProblems('cluster.replicas', cluster.replicas, 1, 1000,
    'give the number of members of the new cluster (3 for a typical Percona XtraDB Cluster)');
  const templates = cluster.volumeClaimTemplates;
  if (templates.length === 0) {
    out.push(problem('cluster.volumeClaimTemplates', 'is empty, so Stash has no volume to restore the data directory into',
      'add the data volume, e.g. { name: "data-<database>-${POD_ORDINAL}", storage: Size.gibibytes(10) }'));
  }
  templates.forEach((t, i) => {
    const field = `cluster.volumeClaimTemplates[${i}].name`;
    const variables = [...t.name.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]).filter((v) => v !== 'POD_ORDINAL');
    if (variables.length > 0) {
      out.push(problem(field, `"${t.name}" uses ${variables.map((v) => `\${${v}}`).join(', ')}; only ${POD_ORDINAL} is replaced`, `use ${POD_ORDINAL} for the replica number`));
      return;
    }
    if (cluster.replicas > 1 && !t.name.includes(POD_ORDINAL)) {
      out.push(problem(field, `"${t.name}" has no ${POD_ORDINAL}, so all ${cluster.replicas} members would get the same claim`, `append -${POD_ORDINAL}, e.g. "${t.name}-${POD_ORDINAL}"`));
      return;
    }
    const longest = t.name.split(POD_ORDINAL).join(String(Math.max(0, cluster.replicas - 1)));
    const violation = nameViolation(longest, NameRule.DNS_SUBDOMAIN);
    if (violation) out.push(problem(field, `"${longest}" (for the last member) ${violation}; claim names must be DNS-1123 subdomains`, 'use lower-case letters, digits and "-"'));
    if (t.storage.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) < 1024) {
      out.push(problem(`cluster.volumeClaimTemplates[${i}].storage`, `${quantity(t.storage)} cannot hold a data directory`, 'give at least the size of the source volume'));
    }
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
