import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Chart, Duration, Lazy, Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { PUSHGATEWAY_PORT, RESTORE_SESSION, RestoreSessionSpec } from '../../api';
import { APP_BINDING } from '../../api/appcatalog/v1alpha1/appbinding';
import { compact } from '../../core/metadata';
import { StashObject } from '../../core/stash-object';
import { imagePartsProblems, resourceRequirementsProblems } from '../../core/validation/containers';
import { parseCron } from '../../core/validation/cron';
import { labelProblems } from '../../core/validation/metadata';
import { nameProblems, NameRule } from '../../core/validation/names';
import { instanceProblems, integerProblems, problem, requiredProblems } from '../../core/validation/problems';
import { durationProblems, millisecondsOf, quantity, sizeProblems } from '../../core/validation/quantities';
import { versionOf } from '../backups/backup-options';
import { backendOf, backupsOf } from '../backups/perconaxtradb-backup';
import { Schedule } from '../backups/schedule';
import { ScheduleWindow, Weekday } from '../backups/schedule-window';
import { BackupNetworkPolicy, INVOKER_LABEL, isOperatorPushgatewayUrl, JobNetworkPolicyOptions, operatorPeer, pushgatewayPeerPort, pushgatewayPeers } from '../jobs/backup-network-policy';
import { operatorEndpointsOf } from '../../core/operator-endpoint';
import { privateToScope } from '../../core/validation/app-checks';
import { enforcedPodSecurityLevel, JobKind, jobRuntimeSettings, namespacePodSecurityProblems, PodSecurityLevel, podSecurityViolations } from '../jobs/job-security';
import { repositoryRef, repositoryUsageProblems } from '../storage/repository';
import { PerconaXtraDbAppBinding } from '../targets/perconaxtradb-app-binding';
import { appBindingTargetRef, IRepositoryRef } from '../targets/references';
import { Snapshot } from './perconaxtradb-restore';
import { DRILL_CLEANUP_SCRIPT, drillServerProblems, isKubeDbServer, KUBEDB_DATABASE_FILE, kubedbAdmission, kubedbDrillDatabase, kubedbDrillPodSpec, kubedbDrillRoleRules } from './drill-kubedb';
import { DrillServer } from './drill-server';
import type { IRestoreDrill } from '../observability/backup-alerts';
import {
  declaredAsCluster, galeraAdmission, galeraDrillNames, galeraDrillProblems, GaleraDrillNames, galeraRestoreTarget, galeraRoleRules,
  galeraRunnerPodSpec, galeraServerPod, GaleraPodInputs,
} from './galera-drill';

/** Label on every object of a drill: its name. */
export const DRILL_LABEL = 'stash-pxc/drill';

/**
 * Label of the drill's own pods (the throwaway server), which its Service selects. Not
 * `DRILL_LABEL`: Stash copies the RestoreSession's labels to the restore Job's pods, which the
 * Service must not select.
 */
export const DRILL_SERVER_LABEL = 'stash-pxc/drill-server';

/** Where the drill's scripts are mounted in its containers. */
export const DRILL_SCRIPTS_DIR = '/drill/scripts';

/** Where the drill's own files (its RestoreSession, rules, SQL) are mounted. */
export const DRILL_CONFIG_DIR = '/drill/config';

/**
 * The ConfigMap of the drill scripts: one per namespace, shared by its drills (the scripts are
 * the same for all; 29 KB each would make a 500-database fleet's YAML 14 MB larger).
 */
export const DRILL_SCRIPTS_CONFIG_MAP = 'stash-pxc-drill-scripts';

/** The shared state directory of a drill run (`DRILL_STATE_DIR`). */
export const DRILL_STATE_DIR = '/drill/state';

/**
 * The longest drill name: Stash names the restore Job `stash-restore-<name>-0`, and Kubernetes
 * copies a Job's name into the `job-name` label of its pods, a label value of 63 characters.
 */
export const MAX_DRILL_NAME = 63 - 'stash-restore-'.length - '-0'.length;

/** The user (and group) of the upstream Percona XtraDB Cluster images: `mysql`, 1001. */
export const PERCONA_MYSQL_USER = 1001;

/** The user the kubectl steps run as: `nobody` (the image's own user is root). */
const KUBECTL_USER = 65534;

/**
 * The upstream Percona XtraDB Cluster image of each version line the addon supports, pinned to
 * the release the addon's line was tested with. It runs as `mysql` (1001), has bash and the
 * `mysql` client, which the check step needs.
 */
export const DRILL_SERVER_IMAGES: { readonly [line: string]: { readonly registry: string; readonly repository: string; readonly tag: string } } = {
  '5.7': { registry: 'docker.io/percona', repository: 'percona-xtradb-cluster', tag: '5.7.44-31.65' },
  '8.0': { registry: 'docker.io/percona', repository: 'percona-xtradb-cluster', tag: '8.0.36-28.1' },
  '8.4': { registry: 'docker.io/percona', repository: 'percona-xtradb-cluster', tag: '8.4.3-3.1' },
};

/** The upstream kubectl image the drill's API steps run in (it has bash, unlike the distroless kubectl image). */
export const DRILL_KUBECTL_IMAGE = { registry: 'docker.io/alpine', repository: 'k8s', tag: '1.31.5' } as const;

/** Default Pushgateway: the one in the pod of the Stash operator installed as release `stash` in namespace `stash`. */
export const DEFAULT_DRILL_PUSHGATEWAY_URL = `http://stash-stash-pxc.stash.svc:${PUSHGATEWAY_PORT}`;

/** The drill's default budgets, in seconds (the props document them as Durations). */
export const DRILL_DEFAULT_SECONDS = { restore: 3600, check: 600, serverStart: 300, ttlAfterFinished: 86400, slack: 600, backupDuration: 3600 } as const;

/** The throwaway server's default resources. */
export const DRILL_DEFAULT_SERVER_RESOURCES = { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } } as const;

/** The default size limit of the throwaway server's data directory. */
export const DRILL_DEFAULT_DATA_SIZE_GIB = 10;

/** An image given in parts; a part left out keeps the upstream default. */
export interface DrillImage {
  /**
   * Registry and path prefix, e.g. `docker.io/percona`.
   * @default - the upstream registry
   */
  readonly registry?: string;
  /**
   * Repository inside the registry path, e.g. `percona-xtradb-cluster`.
   * @default - the upstream repository
   */
  readonly repository?: string;
  /**
   * Tag.
   * @default - the pinned upstream tag
   */
  readonly tag?: string;
}

/** Comparison of a row-count rule (KubeStash's operators). */
export enum RowCountOperator {
  EQUAL = '==',
  NOT_EQUAL = '!=',
  GREATER_THAN = '>',
  GREATER_THAN_OR_EQUAL = '>=',
  LESS_THAN = '<',
  LESS_THAN_OR_EQUAL = '<=',
}

/** The row count a table must have. */
export interface RowCountCondition {
  /** How the count compares to `value`. */
  readonly operator: RowCountOperator;
  /** The number to compare with (whole, 0 or more). */
  readonly value: number;
}

/** A check of the restored data in KubeStash's shape: `{database, table, rowCount: {operator, value}}`. */
export interface RowCountRule {
  /** Schema (MySQL database) of the table. */
  readonly database: string;
  /** Table name. */
  readonly table: string;
  /** The condition on its row count. */
  readonly rowCount: RowCountCondition;
}

/** What a drill checks, when and with what: `PerconaXtraDbRestoreDrill`'s props without the database, version and Repository. */
export interface RestoreDrillOptions {
  /**
   * Name of the drill: of its CronJob, RestoreSession, AppBinding, Service, ServiceAccount,
   * Role and RoleBinding; its Secret is `<name>-auth`, its ConfigMap `<name>-scripts`. At most
   * 47 characters (Stash names the restore Job `stash-restore-<name>-0`, a label value), 45 for
   * a Galera drill (`stash-restore-<name>-0-1`).
   * @default - `<database>-drill`
   */
  readonly name?: string;
  /**
   * When the drill runs. It must start outside the database's backup window (see
   * `backupDuration`).
   * @default - `Schedule.spread(PerconaXtraDbRestoreDrill.DEFAULT_WINDOW)`: weekly, on Saturday between 10:00 and 16:00
   */
  readonly schedule?: Schedule;
  /**
   * How long a backup of the database may run: a drill may not start between a backup's start
   * and this long after it (a backup's retention prune locks the Repository).
   * @default Duration.hours(1)
   */
  readonly backupDuration?: Duration;
  /**
   * Schemas that must exist in the restored data.
   * @default - at least one user schema must exist
   */
  readonly schemas?: string[];
  /**
   * Tables (`schema.table`) that must be readable (`CHECK TABLE ... QUICK`).
   * @default - every table of the user schemas
   */
  readonly tables?: string[];
  /**
   * Row-count rules on the restored tables.
   * @default - none
   */
  readonly rowCountRules?: RowCountRule[];
  /**
   * SQL run on the restored data: its first row must exist and not be 0, false, NULL or empty.
   * @default - none
   */
  readonly sql?: string;
  /**
   * Budget of the table checks.
   * @default Duration.minutes(10)
   */
  readonly checkTimeout?: Duration;
  /**
   * How long the restore (the RestoreSession) may take.
   * @default Duration.hours(1)
   */
  readonly restoreTimeout?: Duration;
  /**
   * How long the throwaway server may take to accept connections.
   * @default Duration.minutes(5)
   */
  readonly serverStartTimeout?: Duration;
  /**
   * How long after a run finished its Job (and with it the run's RestoreSession and Secret,
   * through their owner references) is deleted.
   * @default Duration.days(1)
   */
  readonly ttlAfterFinished?: Duration;
  /**
   * The throwaway server's image.
   * @default - `DRILL_SERVER_IMAGES` of the version line (upstream Percona XtraDB Cluster)
   */
  readonly serverImage?: DrillImage;
  /**
   * The image of the steps that talk to the API server (needs bash and kubectl).
   * @default - `docker.io/alpine/k8s:1.31.5`
   */
  readonly kubectlImage?: DrillImage;
  /**
   * Secrets to pull the images with.
   * @default - none
   */
  readonly imagePullSecrets?: string[];
  /**
   * Compute resources of the throwaway server.
   * @default - requests 500m CPU and 1Gi memory, limit 2Gi memory
   */
  readonly serverResources?: k8s.ResourceRequirements;
  /**
   * Size limit of the throwaway server's data directory (an emptyDir): at least the size of
   * the restored data.
   * @default Size.gibibytes(10)
   */
  readonly dataSizeLimit?: Size;
  /**
   * User (and group) the server and check containers run as. The upstream images run as
   * `mysql` (1001), which meets Pod Security "restricted"; 0 needs a namespace that allows "baseline".
   * @default 1001
   */
  readonly serverRunAsUser?: number;
  /**
   * Where the drill pushes its metrics: the Stash operator's Pushgateway, or the install's
   * `pushgateway.externalUrl` (`StashOperator.pushgatewayUrl`). When the app holds a
   * StashOperator whose Pushgateway is not at the default, leaving this out is a synth error.
   * @default - `http://stash-stash-pxc.stash.svc:56789` (release `stash` in namespace `stash`)
   */
  readonly pushgatewayUrl?: string;
  /**
   * Confine the drill's restore Job (`BackupNetworkPolicy`, `<name>-jobs`) and the drill's own
   * pod (`<name>`: the server accepts only the restore Job; egress to DNS, the API server and
   * the Pushgateway). A `pushgatewayUrl` that is not the operator's Service (in the operator's
   * namespace, on 56789) needs `pushgatewayPeer`, or the synth fails.
   * @default - no NetworkPolicy
   */
  readonly networkPolicy?: JobNetworkPolicyOptions;
  /**
   * Emit a ValidatingAdmissionPolicy (and its binding) that lets the drill's ServiceAccount
   * create only its own RestoreSession (targeting its own AppBinding) and its own Secret:
   * RBAC cannot restrict `create` by name. Needs Kubernetes 1.30 or later and the right to
   * create cluster-scoped admission objects.
   * @default true
   */
  readonly admissionPolicy?: boolean;
  /**
   * Who runs the throwaway database: a server in the drill's pod, or a KubeDB `PerconaXtraDB`
   * the drill creates for each run (`DrillServer.kubedb()`, where KubeDB is installed). With
   * KubeDB, `serverImage`, `serverRunAsUser` and `dataSizeLimit` apply to the check step only,
   * and `serverResources` to each member of the KubeDB database.
   * @default DrillServer.sidecar()
   */
  readonly throwaway?: DrillServer;
  /**
   * The database is a Galera cluster, whose backups are physical copies of host-0's data
   * directory. The drill's Job then creates a RestoreSession into claims the operator makes
   * from a template (`<name>-data-0` and `-1`: the addon restores a physical copy only for two
   * or more replicas), then the pod `<name>-server`, which starts the server on `<name>-data-0`
   * standalone (no Galera, grant tables skipped, no network) and checks it; all three are
   * deleted when the run ends. The restore Jobs run as root (the addon chowns the files), so the
   * drill's namespace must allow Pod Security "baseline". Needs `claimStorage`; the throwaway database is then always the drill's own server pod (not `DrillServer.kubedb()`).
   * @default false
   */
  readonly galera?: boolean;
  /**
   * Size of each of the Galera drill's two claims: at least a member's data directory.
   * Required with `galera`.
   * @default - none (synth fails for a Galera drill)
   */
  readonly claimStorage?: Size;
  /**
   * StorageClass of the Galera drill's claims.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
}

/** Props of `PerconaXtraDbRestoreDrill`. */
export interface PerconaXtraDbRestoreDrillProps extends RestoreDrillOptions {
  /** Name of the database's AppBinding: the database whose backups the drill restores. A backup of it must be in the app. */
  readonly database: string;
  /** Version of the database (`8.0.36`): picks the restore Task and the server image. */
  readonly version: string;
  /** The Repository that holds the database's backups. */
  readonly repository: IRepositoryRef;
  /**
   * Namespace of the drill: the database's (its Repository must be usable from there).
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * Extra labels of every object of the drill.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
}

/** One plain Kubernetes object of a drill, with the checks every object of ours gets. */
class DrillObject extends StashObject {
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, kind: string, apiVersion: string, name: string, nameRule: NameRule,
    options: { namespace?: string; labels?: { [key: string]: string }; clusterScoped?: boolean }, body: { [key: string]: unknown }) {
    super(scope, id, { kind, name, nameRule, options: { namespace: options.namespace, labels: options.labels }, clusterScoped: options.clusterScoped });
    const props = { apiVersion, kind, metadata: this.metadata(), ...body };
    this.apiObject = options.clusterScoped ? new ClusterScopedApiObject(this, 'Resource', props) : new ApiObject(this, 'Resource', props);
  }
}

/** An object without a namespace even in a chart that has one (cdk8s gives every object the chart's). */
class ClusterScopedApiObject extends ApiObject {
  public toJson(): any {
    const json = super.toJson();
    if (json.metadata) delete json.metadata.namespace;
    return json;
  }
}

/**
 * A restore drill: on a schedule, restore the latest snapshot of a database's Repository into
 * a throwaway server, check it and push the outcome to the Pushgateway
 * (`stash_pxc_restore_drill_*`), then leave nothing behind.
 *
 * Objects: a CronJob (one run at a time) whose pod runs the throwaway Percona XtraDB server as
 * a native sidecar on an emptyDir, gives it a random password in the Secret `<name>-auth`,
 * creates the RestoreSession `<name>` (the latest snapshot into the AppBinding `<name>`, which
 * points at the Service `<name>` in front of that pod), waits for it and checks the data; the
 * scripts in the ConfigMap `<name>-scripts`; a ServiceAccount, Role and RoleBinding that allow
 * exactly that; optionally NetworkPolicies and an admission policy. The RestoreSession's
 * target is the drill's own AppBinding by construction: no prop names another. With
 * `throwaway: DrillServer.kubedb()`, each run creates a KubeDB PerconaXtraDB `<name>` instead of
 * the server, Service, Secret and AppBinding, restores into the AppBinding KubeDB makes for it,
 * and deletes it after the checks.
 *
 * With `galera`, the Job runs a runner instead, which restores into the claims
 * `<name>-data-0`/`-1` and then creates the pod `<name>-server` on the first (the server
 * standalone, without grant tables or network; see `galera`); no Service and no Secret.
 *
 * ```ts
 * new PerconaXtraDbRestoreDrill(chart, 'drill', {
 *   database: 'orders', version: '8.0.36', repository: plan.repository,
 *   schemas: ['shop'], rowCountRules: [{ database: 'shop', table: 'orders', rowCount: { operator: RowCountOperator.GREATER_THAN, value: 0 } }],
 * });
 * ```
 */
export class PerconaXtraDbRestoreDrill extends Construct implements IRestoreDrill {
  /** Where drills run by default: weekly, on Saturday between 10:00 and 16:00 (the cluster's CronJob time zone). */
  public static readonly DEFAULT_WINDOW = ScheduleWindow.weekly({ days: [Weekday.SATURDAY], start: '10:00', end: '16:00' });

  /** Name of the drill (and of its CronJob, RestoreSession, AppBinding, Service and ServiceAccount). */
  public readonly name: string;
  /** Namespace of the drill. */
  public readonly namespace?: string;
  /** Name of the database whose backups the drill restores. */
  public readonly database: string;
  /** The cron expression the drill runs on. */
  public readonly scheduleExpression: string;
  /**
   * The Pod Security level the drill's pods meet: "restricted", but "baseline" when
   * `serverRunAsUser` is 0 or for a Galera drill (whose restore Jobs run as root).
   */
  public readonly podSecurityLevel: PodSecurityLevel;
  /** The CronJob. */
  public readonly cronJob: ApiObject;
  /** The RestoreSession each run creates (rendered into the ConfigMap, never applied as is). */
  public readonly restoreSession: { [key: string]: any };
  /**
   * The AppBinding of the throwaway server: the only target of the drill's RestoreSession.
   * Undefined with `DrillServer.kubedb()`: KubeDB creates it (named after the drill) for each run.
   */
  public readonly appBinding?: ApiObject;
  /** The KubeDB PerconaXtraDB each run creates (rendered into the ConfigMap), with `DrillServer.kubedb()`. */
  public readonly kubedbDatabase?: { [key: string]: any };
  /** A Galera drill's server pod (rendered into the ConfigMap, created by each run), else undefined. */
  public readonly serverPod?: { [key: string]: any };
  private readonly galeraNames?: GaleraDrillNames;
  private readonly restoreRuntimeSettings: { [key: string]: any };

  constructor(scope: Construct, id: string, props: PerconaXtraDbRestoreDrillProps) {
    super(scope, id);
    props = props ?? ({} as PerconaXtraDbRestoreDrillProps);
    const name: string = props.name ?? `${props.database}-drill`;
    const namespace = props.namespace ?? Chart.of(this).namespace;
    this.name = name;
    this.namespace = namespace;
    this.database = props.database;
    const version = versionOf(props.version);
    const line = version.line?.line ?? '8.0';
    const selector = { [DRILL_SERVER_LABEL]: name };
    const labels = { ...(props.labels ?? {}), [DRILL_LABEL]: name };
    const meta = { namespace: props.namespace, labels };
    const kubedb = isKubeDbServer(props.throwaway);
    new DrillObject(this, 'ServiceAccount', 'ServiceAccount', 'v1', name, NameRule.DNS_SUBDOMAIN, meta, {});
    const authSecret = `${name}-auth`;
    const scriptsConfigMap = DRILL_SCRIPTS_CONFIG_MAP;
    const configMap = `${name}-config`;
    const runAsUser = props.serverRunAsUser ?? PERCONA_MYSQL_USER;
    const root = runAsUser === 0;
    const galera = props.galera === true;
    const galeraNames = galera ? galeraDrillNames(name) : undefined;
    this.galeraNames = galeraNames;
    this.restoreRuntimeSettings = jobRuntimeSettings({}, galera ? JobKind.CLUSTER_RESTORE : JobKind.RESTORE, true);
    // A Galera drill's restore Jobs run as root (the addon's restore script chowns the files).
    this.podSecurityLevel = root || galera ? PodSecurityLevel.BASELINE : PodSecurityLevel.RESTRICTED;

    const schedule = props.schedule ?? Schedule.spread(PerconaXtraDbRestoreDrill.DEFAULT_WINDOW);
    const scheduleTarget = { namespace, name: props.database };
    this.scheduleExpression = schedule instanceof Schedule ? schedule.expressionFor(scheduleTarget).trim() : '';

    // The run's RestoreSession, rendered here (typed as the CRD says) and created by
    // drill-restore.sh with an owner reference to the run's Job. Its target is always the
    // drill's own AppBinding: no prop reaches it.
    const restoreSpec: RestoreSessionSpec = {
      repository: repositoryRef(props.repository, namespace),
      task: { name: version.line?.restoreTaskName ?? `perconaxtradb-restore-${props.version}` },
      target: {
        ref: appBindingTargetRef(name),
        ...(galera ? galeraRestoreTarget(galeraNames!, props.claimStorage, props.storageClassName) : { rules: [{ snapshots: [Snapshot.latest().value] }] }),
      },
      // The restore Job Stash builds from it runs "restricted", like a standalone restore's (the
      // operator's own default is root); a Galera drill's as a cluster restore's (root, to chown).
      runtimeSettings: this.restoreRuntimeSettings,
      timeOut: `${Math.round(millisecondsOf(props.restoreTimeout ?? Duration.seconds(DRILL_DEFAULT_SECONDS.restore)) / 1000)}s`,
    };
    this.restoreSession = {
      apiVersion: `${RESTORE_SESSION.group}/${RESTORE_SESSION.version}`,
      kind: RESTORE_SESSION.kind,
      metadata: compact({
        name,
        namespace,
        labels: { ...labels, ...(props.networkPolicy ? { [INVOKER_LABEL]: name } : {}) },
      }),
      spec: restoreSpec,
    };

    if (kubedb) {
      this.kubedbDatabase = kubedbDrillDatabase({
        name, namespace, labels, version: props.version, server: props.throwaway!.kubedbProps ?? {},
        resources: props.serverResources ? k8s.toJson_ResourceRequirements(props.serverResources) : JSON.parse(JSON.stringify(DRILL_DEFAULT_SERVER_RESOURCES)),
      });
    }
    const { podSpec: ownPodSpec, serverPod } = this.podSpec(props, { name, namespace, line, authSecret, scriptsConfigMap, configMap, runAsUser, labels, selector, galera: galeraNames });
    this.serverPod = serverPod;
    new DrillObject(this, 'ConfigMap', 'ConfigMap', 'v1', configMap, NameRule.DNS_SUBDOMAIN, meta, {
      data: this.configMapData(props),
    });
    sharedScripts(this, namespace, props.namespace, props.labels);

    // What the drill does, and nothing more. `create` cannot be limited by resourceNames (the
    // name is not known to the authorizer before the object exists): the admission policy
    // below holds creates to the drill's own names and target.
    new DrillObject(this, 'Role', 'Role', 'rbac.authorization.k8s.io/v1', name, NameRule.DNS_SUBDOMAIN, meta, {
      rules: kubedb ? kubedbDrillRoleRules({ name, authSecret, restoreSessionGroup: RESTORE_SESSION.group, appBindingGroup: APP_BINDING.group })
        : galeraNames ? galeraRoleRules(name, galeraNames, RESTORE_SESSION.group, APP_BINDING.group) : [
        { apiGroups: [RESTORE_SESSION.group], resources: ['restoresessions'], verbs: ['create'] },
        { apiGroups: [RESTORE_SESSION.group], resources: ['restoresessions'], resourceNames: [name], verbs: ['get', 'watch', 'delete'] },
        { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
        { apiGroups: [''], resources: ['secrets'], resourceNames: [authSecret], verbs: ['delete'] },
        { apiGroups: [APP_BINDING.group], resources: ['appbindings'], resourceNames: [name], verbs: ['get'] },
      ],
    });
    new DrillObject(this, 'RoleBinding', 'RoleBinding', 'rbac.authorization.k8s.io/v1', name, NameRule.DNS_SUBDOMAIN, meta, {
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, ...(namespace !== undefined ? { namespace } : {}) }],
    });

    // The drill's own AppBinding: no user's restore may target it by name.
    privateToScope(this);
    if (!kubedb) {
      // With KubeDB, KubeDB makes the Service and the AppBinding (named after its database) each
      // run. A Galera drill's server listens on no port: no Service (its AppBinding only names the target).
      if (!galera) {
        new DrillObject(this, 'Service', 'Service', 'v1', name, NameRule.DNS_1035_LABEL, meta, {
          spec: { selector: { ...selector }, ports: [{ name: 'mysql', port: 3306, targetPort: 3306, protocol: 'TCP' }] },
        });
      }
      // The throwaway server's AppBinding: the same construct users write for their own databases.
      this.appBinding = new PerconaXtraDbAppBinding(this, 'AppBinding', {
        ...meta, name, service: name, servicePort: 3306, authSecretName: authSecret, version: props.version,
      }).apiObject;
    }

    // A Galera drill with DrillServer.kubedb() is refused (problems); its own pod spec stays as it is.
    const podSpec = kubedb && !galera ? kubedbDrillPodSpec(ownPodSpec, {
      name, authSecret, configDir: DRILL_CONFIG_DIR, scriptsDir: DRILL_SCRIPTS_DIR,
      // The checks wait for the server, then run within their budget; then the cleanup deletes the database regardless.
      cleanupWaitSeconds: Math.round(millisecondsOf(props.serverStartTimeout ?? Duration.seconds(DRILL_DEFAULT_SECONDS.serverStart)) / 1000)
        + Math.round(millisecondsOf(props.checkTimeout ?? Duration.seconds(DRILL_DEFAULT_SECONDS.check)) / 1000) + DRILL_DEFAULT_SECONDS.slack,
    }) : ownPodSpec;
    const deadline = Math.ceil((millisecondsOf(props.serverStartTimeout ?? Duration.seconds(DRILL_DEFAULT_SECONDS.serverStart)) + millisecondsOf(props.restoreTimeout ?? Duration.seconds(DRILL_DEFAULT_SECONDS.restore))
      + millisecondsOf(props.checkTimeout ?? Duration.seconds(DRILL_DEFAULT_SECONDS.check))) / 1000) + DRILL_DEFAULT_SECONDS.slack;
    this.cronJob = new DrillObject(this, 'CronJob', 'CronJob', 'batch/v1', name, NameRule.DNS_SUBDOMAIN, meta, {
      spec: {
        schedule: this.scheduleExpression,
        concurrencyPolicy: 'Forbid',
        // A run missed by more than an hour (controller down) is skipped rather than run late,
        // where it could meet the next backup.
        startingDeadlineSeconds: 3600,
        successfulJobsHistoryLimit: 1,
        failedJobsHistoryLimit: 1,
        jobTemplate: {
          metadata: { labels: { ...labels } },
          spec: {
            backoffLimit: 0,
            activeDeadlineSeconds: deadline,
            ttlSecondsAfterFinished: Math.round(millisecondsOf(props.ttlAfterFinished ?? Duration.seconds(DRILL_DEFAULT_SECONDS.ttlAfterFinished)) / 1000),
            template: { metadata: { labels: { ...labels, ...selector } }, spec: podSpec },
          },
        },
      },
    }).apiObject;

    if (props.networkPolicy) this.networkPolicies(props, { name, labels, selector });
    if (props.admissionPolicy ?? true) this.admissionPolicy({ name, namespace, authSecret, labels, kubedb, galera: galeraNames });

    this.node.addValidation({ validate: () => this.problems(props, schedule, version.problem, deadline) });
  }

  /** The drill's own ConfigMap: its RestoreSession and checks (the scripts are in the namespace's shared one). */
  private configMapData(props: PerconaXtraDbRestoreDrillProps): { [file: string]: string } {
    const data: { [file: string]: string } = {};
    // Keys sorted (as Helm's toPrettyJson writes them), so that the chart renders the same file.
    data['restoresession.json'] = `${JSON.stringify(sortedKeys(this.restoreSession), null, 2)}\n`;
    const rules = Array.isArray(props.rowCountRules) ? props.rowCountRules : [];
    data['rules.txt'] = rules.map((r) => `${r?.database} ${r?.table} ${r?.rowCount?.operator} ${r?.rowCount?.value}\n`).join('');
    if (props.sql !== undefined) data['check.sql'] = `${props.sql}\n`;
    if (this.kubedbDatabase) data[KUBEDB_DATABASE_FILE] = `${JSON.stringify(sortedKeys(this.kubedbDatabase), null, 2)}\n`;
    if (this.serverPod) data['server-pod.json'] = `${JSON.stringify(sortedKeys(this.serverPod), null, 2)}\n`;
    return data;
  }

  private podSpec(props: PerconaXtraDbRestoreDrillProps, o: {
    name: string; namespace?: string; line: string; authSecret: string; scriptsConfigMap: string; configMap: string; runAsUser: number; labels: { [key: string]: string };
    selector: { [key: string]: string }; galera?: GaleraDrillNames;
  }): { podSpec: { [key: string]: any }; serverPod?: { [key: string]: any } } {
    const root = o.runAsUser === 0;
    const serverImage = imageOf(DRILL_SERVER_IMAGES[o.line] ?? DRILL_SERVER_IMAGES['8.0'], props.serverImage);
    const kubectlImage = imageOf(DRILL_KUBECTL_IMAGE, props.kubectlImage);
    const seconds = (d: Duration | undefined, fallback: Duration) => String(Math.round(millisecondsOf(d ?? fallback) / 1000));
    const restricted = (user: number) => ({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      runAsNonRoot: user !== 0,
      runAsUser: user,
      runAsGroup: user,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const fieldEnv = (envName: string, fieldPath: string) => ({ name: envName, valueFrom: { fieldRef: { fieldPath } } });
    const secretEnv = (envName: string, key: string) => ({ name: envName, valueFrom: { secretKeyRef: { name: o.authSecret, key } } });
    const common = [
      { name: 'DRILL_NAME', value: o.name },
      fieldEnv('DRILL_NAMESPACE', 'metadata.namespace'),
      { name: 'DATABASE_NAME', value: props.database },
      { name: 'DRILL_STATE_DIR', value: DRILL_STATE_DIR },
    ];
    const mounts = (scripts: boolean) => [
      { name: 'state', mountPath: DRILL_STATE_DIR },
      { name: 'tmp', mountPath: '/tmp' },
      ...(scripts ? [{ name: 'scripts', mountPath: DRILL_SCRIPTS_DIR, readOnly: true }, { name: 'config', mountPath: DRILL_CONFIG_DIR, readOnly: true }] : []),
    ];
    const job = [
      // The Job's name and UID, for the owner references of the run's Secret and RestoreSession.
      fieldEnv('DRILL_JOB_NAME', "metadata.labels['batch.kubernetes.io/job-name']"),
      fieldEnv('DRILL_JOB_UID', "metadata.labels['batch.kubernetes.io/controller-uid']"),
    ];
    const mysqlEnv = [
      { name: 'MYSQL_HOST', value: '127.0.0.1' },
      { name: 'MYSQL_PORT', value: '3306' },
      secretEnv('MYSQL_USER', 'username'),
      secretEnv('MYSQL_PWD', 'password'),
    ];
    const rules = Array.isArray(props.rowCountRules) ? props.rowCountRules : [];
    const checkEnv = [
      // An empty value is left out (the API server drops it, and a GitOps diff would never settle); unset reads as empty.
      optionalEnv('DRILL_SCHEMAS', (props.schemas ?? []).join(' ')),
      optionalEnv('DRILL_TABLES', (props.tables ?? []).join(' ')),
      { name: 'DRILL_CHECK_TIMEOUT_SECONDS', value: seconds(props.checkTimeout, Duration.seconds(DRILL_DEFAULT_SECONDS.check)) },
      optionalEnv('DRILL_RULES_FILE', rules.length ? `${DRILL_CONFIG_DIR}/rules.txt` : ''),
      optionalEnv('DRILL_SQL_FILE', props.sql !== undefined ? `${DRILL_CONFIG_DIR}/check.sql` : ''),
      { name: 'DRILL_SERVER_TIMEOUT_SECONDS', value: seconds(props.serverStartTimeout, Duration.seconds(DRILL_DEFAULT_SECONDS.serverStart)) },
      { name: 'PUSHGATEWAY_URL', value: props.pushgatewayUrl ?? DEFAULT_DRILL_PUSHGATEWAY_URL },
      { name: 'HOME', value: '/tmp' },
    ];
    const serverResources = props.serverResources ? k8s.toJson_ResourceRequirements(props.serverResources)
      : JSON.parse(JSON.stringify(DRILL_DEFAULT_SERVER_RESOURCES));
    if (o.galera) {
      const inputs: GaleraPodInputs = {
        name: o.name, namespace: o.namespace, labels: o.labels, serverLabels: o.selector, names: o.galera, serverImage, kubectlImage,
        runAsUser: o.runAsUser, imagePullSecrets: props.imagePullSecrets, serverResources, checkEnv, commonEnv: common, jobEnv: job,
        scriptsDir: DRILL_SCRIPTS_DIR, configDir: DRILL_CONFIG_DIR, stateDir: DRILL_STATE_DIR, scriptsConfigMap: o.scriptsConfigMap, configMap: o.configMap,
        seconds: {
          restore: Number(seconds(props.restoreTimeout, Duration.seconds(DRILL_DEFAULT_SECONDS.restore))),
          serverStart: Number(seconds(props.serverStartTimeout, Duration.seconds(DRILL_DEFAULT_SECONDS.serverStart))),
          check: Number(seconds(props.checkTimeout, Duration.seconds(DRILL_DEFAULT_SECONDS.check))),
        },
      };
      return { podSpec: galeraRunnerPodSpec(inputs, props.pushgatewayUrl ?? DEFAULT_DRILL_PUSHGATEWAY_URL), serverPod: galeraServerPod(inputs) };
    }
    return { podSpec: {
      serviceAccountName: o.name,
      restartPolicy: 'Never',
      ...(props.imagePullSecrets?.length ? { imagePullSecrets: props.imagePullSecrets.map((n) => ({ name: n })) } : {}),
      securityContext: {
        runAsNonRoot: !root,
        runAsUser: o.runAsUser,
        runAsGroup: o.runAsUser,
        fsGroup: root ? 0 : o.runAsUser,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      initContainers: [
        {
          name: 'credentials',
          image: kubectlImage,
          command: ['bash', `${DRILL_SCRIPTS_DIR}/drill-credentials.sh`],
          env: [...common, ...job, { name: 'DRILL_AUTH_SECRET', value: o.authSecret }, { name: 'DRILL_DRILL_LABEL', value: `${DRILL_LABEL}=${o.name}` },
            { name: 'HOME', value: '/tmp' }],
          volumeMounts: mounts(true),
          securityContext: { ...restricted(KUBECTL_USER), readOnlyRootFilesystem: true },
          resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
        },
        {
          // The throwaway server: a native sidecar, so it runs beside the restore step and the
          // checks and stops with the pod. No startup probe: the kubelet would hold the restore
          // step until it passed and restart a server that never opens its port without end, so a
          // drill whose server cannot start would never report; the restore step waits for the
          // port itself (bounded by serverStartTimeout) and the check step reports server-start.
          name: 'server',
          image: serverImage,
          restartPolicy: 'Always',
          env: [
            secretEnv('MYSQL_ROOT_PASSWORD', 'password'),
            { name: 'CLUSTER_NAME', value: o.name },
          ],
          ports: [{ name: 'mysql', containerPort: 3306, protocol: 'TCP' }],
          volumeMounts: [{ name: 'data', mountPath: '/var/lib/mysql' }, { name: 'tmp', mountPath: '/tmp' }],
          securityContext: restricted(o.runAsUser),
          resources: serverResources,
        },
        {
          name: 'restore',
          image: kubectlImage,
          command: ['bash', `${DRILL_SCRIPTS_DIR}/drill-restore.sh`],
          env: [...common, ...job,
            { name: 'DRILL_RESTORE_SESSION_FILE', value: `${DRILL_CONFIG_DIR}/restoresession.json` },
            { name: 'DRILL_RESTORE_TIMEOUT_SECONDS', value: seconds(props.restoreTimeout, Duration.seconds(DRILL_DEFAULT_SECONDS.restore)) },
            { name: 'DRILL_SERVER_TIMEOUT_SECONDS', value: seconds(props.serverStartTimeout, Duration.seconds(DRILL_DEFAULT_SECONDS.serverStart)) },
            { name: 'MYSQL_HOST', value: '127.0.0.1' }, { name: 'MYSQL_PORT', value: '3306' },
            { name: 'HOME', value: '/tmp' }],
          volumeMounts: mounts(true),
          securityContext: { ...restricted(KUBECTL_USER), readOnlyRootFilesystem: true },
          resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
        },
      ],
      containers: [{
        name: 'check',
        image: serverImage,
        command: ['bash', `${DRILL_SCRIPTS_DIR}/drill-check.sh`],
        env: [...common, ...mysqlEnv, ...checkEnv],
        volumeMounts: mounts(true),
        securityContext: restricted(o.runAsUser),
        resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
      }],
      volumes: [
        { name: 'data', emptyDir: { sizeLimit: quantityOf(props.dataSizeLimit ?? Size.gibibytes(DRILL_DEFAULT_DATA_SIZE_GIB)) } },
        { name: 'state', emptyDir: { sizeLimit: '16Mi' } },
        { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } },
        { name: 'scripts', configMap: { name: o.scriptsConfigMap, defaultMode: 0o555 } },
        { name: 'config', configMap: { name: o.configMap, defaultMode: 0o444 } },
      ],
    } };
  }

  /** The restore Job's policy (the shared `BackupNetworkPolicy`) and the drill pod's own. */
  private networkPolicies(props: PerconaXtraDbRestoreDrillProps, o: { name: string; labels: { [key: string]: string }; selector: { [key: string]: string } }): void {
    const np = props.networkPolicy!;
    const jobs = new BackupNetworkPolicy(this, 'JobNetworkPolicy', {
      ...np,
      name: `${o.name}-jobs`,
      namespace: props.namespace,
      // Labelled as the drill's other objects, so that they are listed and removed with them.
      labels: o.labels,
      invoker: o.name,
      restore: true,
      // The restore Job reaches the throwaway server, never the source database; a Galera
      // drill's restore Jobs only write the claims, like a cluster restore's.
      ...(props.galera ? {} : { database: o.name, databasePodLabels: { ...o.selector }, databasePort: 3306 }),
      galera: false,
      backend: backendOf(props.repository),
    });
    const tcp = (port: number) => ({ protocol: 'TCP', port });
    new DrillObject(this, 'NetworkPolicy', 'NetworkPolicy', 'networking.k8s.io/v1', o.name, NameRule.DNS_SUBDOMAIN, { namespace: props.namespace, labels: o.labels }, {
      spec: {
        podSelector: { matchLabels: { ...o.selector } },
        policyTypes: ['Ingress', 'Egress'],
        // Only the drill's own restore Job may reach the throwaway server; a Galera drill's server
        // (and its runner) take no connection at all.
        ingress: props.galera ? [] : [{ from: [{ podSelector: { matchLabels: { ...jobs.podSelector } } }], ports: [tcp(3306)] }],
        egress: [
          {
            to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': np.dnsNamespace ?? 'kube-system' } }, podSelector: { matchLabels: { ...(np.dnsPodLabels ?? { 'k8s-app': 'kube-dns' }) } } }],
            ports: [{ protocol: 'UDP', port: 53 }, tcp(53)],
          },
          { to: (np.apiServerCidrs ?? []).map((cidr) => ({ ipBlock: { cidr } })), ports: (np.apiServerPorts ?? [443, 6443]).map(tcp) },
          {
            // Where pushgatewayUrl is: the operator's pod (the same peer as the Jobs' policies: the
            // props', the app's StashOperator's, or our install's), else the given pushgatewayPeer.
            to: Lazy.any({ produce: () => (this.pushesToOperator(props) ? [operatorPeer(np, operatorEndpointsOf(this))] : pushgatewayPeers(np.pushgatewayPeer ?? {})) }),
            ports: Lazy.any({ produce: () => [tcp(this.pushesToOperator(props) ? np.pushgatewayPort ?? PUSHGATEWAY_PORT : pushgatewayPeerPort(np.pushgatewayPeer ?? {}))] }),
          },
        ],
      },
    });
  }

  /** Whether the drill pod's pushes go to the operator's own Pushgateway (else to networkPolicy.pushgatewayPeer). */
  private pushesToOperator(props: PerconaXtraDbRestoreDrillProps): boolean {
    return isOperatorPushgatewayUrl(props.pushgatewayUrl ?? DEFAULT_DRILL_PUSHGATEWAY_URL, props.networkPolicy ?? { apiServerCidrs: [] }, operatorEndpointsOf(this));
  }

  /**
   * A ValidatingAdmissionPolicy for the drill's ServiceAccount: what RBAC cannot say about
   * `create`. Its RestoreSessions must be named after the drill and target the drill's own
   * AppBinding in the drill's namespace; its Secrets must be `<name>-auth`.
   */
  private admissionPolicy(o: { name: string; namespace?: string; authSecret: string; labels: { [key: string]: string }; kubedb: boolean; galera?: GaleraDrillNames }): void {
    const kubedb = o.kubedb ? kubedbAdmission(o.name) : undefined;
    const policyName = `stash-pxc-drill.${o.namespace ?? 'default'}.${o.name}`;
    const user = `system:serviceaccount:${o.namespace ?? 'default'}:${o.name}`;
    // A Galera drill also creates its server pod: held to its name, its claim and no token.
    const galera = o.galera ? galeraAdmission(o.name, o.galera) : undefined;
    new DrillObject(this, 'AdmissionPolicy', 'ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/v1', policyName, NameRule.DNS_SUBDOMAIN,
      { labels: o.labels, clusterScoped: true }, {
        spec: {
          failurePolicy: 'Fail',
          matchConstraints: {
            resourceRules: [
              { apiGroups: [RESTORE_SESSION.group], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['restoresessions'] },
              { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['secrets'] },
              ...(kubedb ? [kubedb.resourceRule] : []),
              ...(galera ? [galera.rule] : []),
            ],
          },
          matchConditions: [{ name: 'drill-service-account', expression: `request.userInfo.username == '${user}'` }],
          validations: [
            {
              expression: `request.resource.resource != 'restoresessions' || (object.metadata.name == '${o.name}' && object.spec.target.ref.kind == 'AppBinding' && object.spec.target.ref.name == '${o.name}' && (!has(object.spec.target.ref.namespace) || object.spec.target.ref.namespace == '${o.namespace ?? 'default'}'))`,
              message: `the drill ${o.name} may only create the RestoreSession ${o.name}, targeting its own AppBinding ${o.name}`,
            },
            {
              expression: `request.resource.resource != 'secrets' || object.metadata.name == '${o.authSecret}'`,
              message: `the drill ${o.name} may only create the Secret ${o.authSecret}`,
            },
            ...(kubedb ? [kubedb.validation] : []),
            ...(galera ? [galera.validation] : []),
          ],
        },
      });
    new DrillObject(this, 'AdmissionPolicyBinding', 'ValidatingAdmissionPolicyBinding', 'admissionregistration.k8s.io/v1', policyName, NameRule.DNS_SUBDOMAIN,
      { labels: o.labels, clusterScoped: true }, {
        spec: {
          policyName,
          validationActions: ['Deny'],
          matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': o.namespace ?? 'default' } } },
        },
      });
  }

  private problems(props: PerconaXtraDbRestoreDrillProps, schedule: Schedule, versionProblem: string | undefined, deadline: number): string[] {
    const missing = [
      ...requiredProblems(props, [
        ['database', 'pass the name of the database\'s AppBinding'], ['version', 'pass the database version, e.g. "8.0.36"'],
        ['repository', 'pass the Repository of the database\'s backups']]),
      ...instanceProblems('schedule', props.schedule, Schedule, 'pass Schedule.cron("...") or Schedule.spread(window)'),
    ];
    if (missing.length > 0) return missing;
    const out: string[] = [];
    out.push(...galeraDrillProblems({
      galera: props.galera === true, name: this.name, nameGiven: props.name !== undefined, database: props.database,
      claimStorage: props.claimStorage, storageClassName: props.storageClassName, dataSizeLimit: props.dataSizeLimit,
      serverRunAsUser: props.serverRunAsUser, sourceIsCluster: declaredAsCluster(this, this.namespace, props.database),
    }));
    out.push(...nameProblems('database', props.database, NameRule.DNS_LABEL, 'Stash puts the target name in label values'));
    if (versionProblem) out.push(versionProblem);
    // The name's own rules (a Service name is a DNS-1035 label) are checked by each object; the
    // length here, because it comes from the restore Job's name that Stash derives.
    if (!props.galera && typeof this.name === 'string' && this.name.length > MAX_DRILL_NAME) {
      out.push(problem(props.name !== undefined ? 'name' : 'database', `the drill name "${this.name}" is ${this.name.length} characters; Stash names the restore Job "stash-restore-${this.name}-0" and Kubernetes copies it into a label value of at most 63 characters`,
        `give the drill a name of at most ${MAX_DRILL_NAME} characters with name`));
    }
    out.push(...labelProblems('labels', props.labels));
    out.push(...repositoryUsageProblems('repository', props.repository, this.namespace));
    out.push(...schedule.problems('schedule', { namespace: this.namespace, name: props.database }));

    const backups = backupsOf(this, this.namespace, props.database);
    if (backups.length === 0) {
      out.push(problem('database', `no PerconaXtraDbBackup in this app backs up "${props.database}" in namespace "${this.namespace ?? ''}", so there is nothing to drill`,
        'add the drill to the database\'s PerconaXtraDbBackupPlan (drill option), or back the database up in the same app'));
    } else {
      const busy = backupDuration(props.backupDuration);
      for (const backup of backups) {
        const clash = firstClash(backup.scheduleExpression, this.scheduleExpression, busy);
        if (clash !== undefined) {
          out.push(problem('schedule', `"${this.scheduleExpression}" starts the drill at ${clash}, inside the backup window of ${backup.name} ("${backup.scheduleExpression}" and ${busy} minutes after each start)`,
            'move the drill to a time without backups (e.g. Schedule.spread(ScheduleWindow.weekly(...)) outside the backup window), or lower backupDuration if backups are shorter'));
        }
      }
    }
    out.push(...durationProblems('backupDuration', props.backupDuration, { minMs: 60000, wholeSeconds: true, minReason: 'shorter than a minute, the resolution of a cron schedule' }));
    for (const [field, d] of [['checkTimeout', props.checkTimeout], ['restoreTimeout', props.restoreTimeout], ['serverStartTimeout', props.serverStartTimeout], ['ttlAfterFinished', props.ttlAfterFinished]] as const) {
      out.push(...durationProblems(field, d, { wholeSeconds: true }));
    }
    if (!Number.isSafeInteger(deadline)) out.push(problem('restoreTimeout', 'the timeouts add up to more than a Job deadline can hold', 'use timeouts of hours, not years'));
    out.push(...integerProblems('serverRunAsUser', props.serverRunAsUser, 0, 2147483647));
    out.push(...imagePartsProblems('serverImage', props.serverImage));
    out.push(...imagePartsProblems('kubectlImage', props.kubectlImage));
    out.push(...resourceRequirementsProblems('serverResources', props.serverResources));
    out.push(...sizeProblems('dataSizeLimit', props.dataSizeLimit, 1024 * 64, 'Size.mebibytes(64)', 'cannot hold a data directory'));
    for (const [i, secret] of (props.imagePullSecrets ?? []).entries()) out.push(...nameProblems(`imagePullSecrets[${i}]`, secret, NameRule.DNS_SUBDOMAIN));
    out.push(...identifierListProblems('schemas', props.schemas, 1));
    out.push(...identifierListProblems('tables', props.tables, 2));
    (props.rowCountRules ?? []).forEach((r, i) => out.push(...rowCountRuleProblems(`rowCountRules[${i}]`, r)));
    if (props.sql !== undefined && (typeof props.sql !== 'string' || props.sql.trim() === '')) {
      out.push(problem('sql', 'is empty', 'give a query whose first row is true or non-zero, e.g. "SELECT COUNT(*) > 0 FROM shop.orders", or leave sql out'));
    }
    if (props.pushgatewayUrl !== undefined && !/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(props.pushgatewayUrl)) {
      out.push(problem('pushgatewayUrl', `${JSON.stringify(props.pushgatewayUrl)} is not an http(s)://host[:port][/path] URL`, 'use the operator\'s pushgatewayUrl, e.g. "http://stash-stash-pxc.stash.svc:56789"'));
    }
    // The default URL is our install's as `helm install stash -n stash` names it. When the app holds
    // the StashOperator and its Pushgateway is elsewhere (another release or namespace, or external),
    // the default would push to nothing and every drill would look missing: say so at synth.
    const operators = operatorEndpointsOf(this);
    const operatorUrl = operators.length === 1 ? operators[0].pushgatewayUrl : undefined;
    if (props.pushgatewayUrl === undefined && operatorUrl !== undefined && operatorUrl !== DEFAULT_DRILL_PUSHGATEWAY_URL) {
      out.push(problem('pushgatewayUrl', `is not set, so the drill pushes to ${JSON.stringify(DEFAULT_DRILL_PUSHGATEWAY_URL)}, but the app's StashOperator ${operators[0].path} has its Pushgateway at ${JSON.stringify(operatorUrl)}: the drill's results would never reach it`,
        `set pushgatewayUrl: ${JSON.stringify(operatorUrl)} (the StashOperator's pushgatewayUrl)`));
    }
    // A drill pod under a policy pushes only where a rule admits: never a silently dropped push.
    // (The restore Job's own policy reports its networkPolicy problems, pushgatewayPeer's included.)
    if (props.networkPolicy && !isKubeDbServer(props.throwaway) && props.networkPolicy.pushgatewayPeer === undefined && !this.pushesToOperator(props)) {
      const url = props.pushgatewayUrl ?? DEFAULT_DRILL_PUSHGATEWAY_URL;
      const own = operatorEndpointsOf(this).length === 1 ? operatorEndpointsOf(this)[0] : undefined;
      out.push(problem('networkPolicy.pushgatewayPeer', `is not set, and the drill pushes to ${JSON.stringify(url)}, which is not the Stash operator's Pushgateway (${own?.externalPushgatewayUrl !== undefined
        ? `the app's StashOperator ${own.path} has none: it uses ${JSON.stringify(own.externalPushgatewayUrl)}` : `a Service in the operator's namespace on port ${PUSHGATEWAY_PORT}`}), so the drill pod's policy would drop every push`,
      'give networkPolicy.pushgatewayPeer: the namespace and podLabels (or cidrs) of the Pushgateway behind that URL, and their port'));
    }
    if (props.galera === true && isKubeDbServer(props.throwaway)) {
      out.push(problem('throwaway', 'is DrillServer.kubedb() on a Galera drill, which restores host-0\'s data directory into claims of its own and starts its own server pod on them',
        'leave throwaway out (DrillServer.sidecar()) for a Galera drill'));
    }
    out.push(...drillServerProblems(props.throwaway, { name: this.name, nameField: props.name !== undefined ? 'name' : 'database', version: props.version, networkPolicy: props.networkPolicy !== undefined }));
    out.push(...this.podSecurityProblems());
    const shipped = drillScripts().map((f) => f.name);
    const lost = DRILL_SCRIPTS.filter((f) => !shipped.includes(f));
    if (lost.length > 0) {
      out.push(problem('scripts', `${lost.join(', ')} not found in ${drillScriptsDir()}: the package is incomplete`, 'reinstall stash-pxc (its package ships src/database/restores/drill/*.sh)'));
    }
    return out;
  }

  /** Synth fails where the namespace's enforced Pod Security level would refuse the drill's pods. */
  private podSecurityProblems(): string[] {
    const level = enforcedPodSecurityLevel(this, this.namespace);
    if (level === undefined) return [];
    const specs = [this.cronJob.toJson().spec.jobTemplate.spec.template.spec, ...(this.serverPod ? [this.serverPod.spec] : [])];
    const violations = new Set<string>();
    for (const spec of specs) {
      for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        for (const v of podSecurityViolations({ container: { securityContext: c.securityContext }, pod: { securityContext: spec.securityContext } }, JobKind.BACKUP, level)) {
          violations.add(`${c.name}: ${v}`);
        }
      }
    }
    const out = violations.size === 0 ? [] : [problem('serverRunAsUser', `the drill's pods would be refused in namespace "${this.namespace}", which enforces Pod Security "${level}" (${[...violations].join('; ')})`,
      `keep serverRunAsUser at ${PERCONA_MYSQL_USER} (the image's mysql user), or run drills in a namespace whose level allows it`)];
    if (this.galeraNames) {
      out.push(...namespacePodSecurityProblems(this, this.namespace, this.restoreRuntimeSettings, JobKind.CLUSTER_RESTORE,
        'a Galera drill restores a cluster backup, whose restore Jobs run the addon\'s restore script as root: run the drill in a namespace that enforces "baseline" at most')
        .map((p) => p.replace('runtimeSettings:', 'galera:')));
    }
    return out;
  }
}

/** The files of `src/database/restores/drill/` the drill pods run (the library is sourced by the others). */
export const DRILL_SCRIPTS = ['drill-lib.sh', 'drill-credentials.sh', 'drill-restore.sh', 'drill-check.sh', 'drill-galera.sh', 'drill-galera-server.sh', DRILL_CLEANUP_SCRIPT];

let SCRIPTS: Array<{ name: string; text: string }> | undefined;

/** The drill's scripts, read once from the package (they ship as files under src/); a missing one is left out and reported. */
function drillScripts(): Array<{ name: string; text: string }> {
  if (!SCRIPTS) {
    const dir = drillScriptsDir();
    SCRIPTS = DRILL_SCRIPTS.filter((f) => fs.existsSync(path.join(dir, f)))
      .map((f) => ({ name: f, text: fs.readFileSync(path.join(dir, f), 'utf8') }));
  }
  return SCRIPTS;
}

/** The scripts ConfigMap of each namespace, per app: made by the first drill there. */
const SHARED = new WeakMap<IConstruct, Map<string, Construct>>();

/** Ensures the namespace's shared scripts ConfigMap exists in the app (in the chart of its first drill). */
function sharedScripts(drill: Construct, namespace: string | undefined, explicitNamespace: string | undefined, labels: { [key: string]: string } | undefined): void {
  const root = drill.node.root;
  if (!SHARED.has(root)) SHARED.set(root, new Map());
  const byNamespace = SHARED.get(root)!;
  const key = namespace ?? '';
  if (byNamespace.has(key)) return;
  const chart = Chart.of(drill);
  const data: { [file: string]: string } = {};
  for (const script of drillScripts()) data[script.name] = script.text;
  byNamespace.set(key, new DrillObject(chart, `${DRILL_SCRIPTS_CONFIG_MAP}.${key}`, 'ConfigMap', 'v1', DRILL_SCRIPTS_CONFIG_MAP, NameRule.DNS_SUBDOMAIN,
    { namespace: explicitNamespace, labels: { ...(labels ?? {}), 'app.kubernetes.io/component': 'stash-pxc-drill-scripts' } }, { data }));
}

/** `src/database/restores/drill/`, from the compiled `lib/src/...` or from ts-node's `src/...`. */
export function drillScriptsDir(): string {
  const here = path.join(__dirname, 'drill');
  if (fs.existsSync(here)) return here;
  // Compiled into lib/src/database/restores: the scripts stay in the package's src/.
  return path.resolve(__dirname, '..', '..', '..', '..', 'src', 'database', 'restores', 'drill');
}

/** An environment variable; without `value` when it is empty (the API server drops an empty value). */
function optionalEnv(name: string, value: string): { name: string; value?: string } {
  return value === '' ? { name } : { name, value };
}

/** A copy of a JSON value with every object's keys in sorted order. */
function sortedKeys(value: any): any {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortedKeys(value[k])]));
  return value;
}

function imageOf(upstream: { registry: string; repository: string; tag: string }, override: DrillImage | undefined): string {
  return `${override?.registry ?? upstream.registry}/${override?.repository ?? upstream.repository}:${override?.tag ?? upstream.tag}`;
}

function quantityOf(size: Size): string {
  try {
    return quantity(size);
  } catch {
    return '';
  }
}

function backupDuration(d: Duration | undefined): number {
  const ms = millisecondsOf(d ?? Duration.seconds(DRILL_DEFAULT_SECONDS.backupDuration));
  return Number.isFinite(ms) && ms > 0 ? Math.max(1, Math.ceil(ms / 60000)) : 60;
}

const WEEK = 7 * 24 * 60;

/** Minutes of the week (from Sunday 00:00) at which a cron may fire; undefined for `@every` and invalid ones. */
export function weeklyFireMinutes(expression: string): number[] | undefined {
  const parsed = typeof expression === 'string' ? parseCron(expression) : undefined;
  if (!parsed) return undefined;
  // A day-of-month restriction can land on any weekday; only a pure day-of-week one narrows the days.
  const days = parsed.dayOfMonthStar && !parsed.dayOfWeekStar ? [...parsed.daysOfWeek] : [0, 1, 2, 3, 4, 5, 6];
  const out: number[] = [];
  for (const d of days) for (const h of parsed.hours) for (const m of parsed.minutes) out.push(d * 1440 + h * 60 + m);
  return out.sort((a, b) => a - b);
}

/**
 * The first drill start (as `Sat 10:05`) that falls in `[backup start, backup start + busy)`,
 * or undefined. Backups that leave no free minute in the week (every few minutes) have no
 * window to stay out of.
 */
export function firstClash(backupCron: string, drillCron: string, busy: number): string | undefined {
  const backups = weeklyFireMinutes(backupCron);
  const drills = weeklyFireMinutes(drillCron);
  if (!backups || !drills) return undefined;
  const mark = new Uint8Array(WEEK);
  for (const b of backups) for (let t = 0; t < Math.min(busy, WEEK); t++) mark[(b + t) % WEEK] = 1;
  if (mark.every((x) => x === 1)) return undefined;
  const hit = drills.find((d) => mark[d] === 1);
  if (hit === undefined) return undefined;
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][Math.floor(hit / 1440)];
  const hm = hit % 1440;
  return `${day} ${String(Math.floor(hm / 60)).padStart(2, '0')}:${String(hm % 60).padStart(2, '0')}`;
}

/** MySQL identifiers as the check script splits them: no spaces, no quotes, `parts` dot-separated names. */
function identifierListProblems(field: string, list: string[] | undefined, parts: number): string[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) return [problem(field, 'is not a list', `pass a list of ${parts === 1 ? 'schema names' : '"schema.table" names'}`)];
  const out: string[] = [];
  list.forEach((item, i) => {
    const segments = typeof item === 'string' ? item.split('.') : [];
    if (segments.length !== parts || !segments.every((s) => /^[A-Za-z0-9_$]{1,64}$/.test(s))) {
      out.push(problem(`${field}[${i}]`, `${JSON.stringify(item)} is not ${parts === 1 ? 'a schema name' : 'a "schema.table" name'} (letters, digits, _ and $, at most 64 each)`,
        parts === 1 ? 'use the schema\'s name, e.g. "shop"' : 'use "schema.table", e.g. "shop.orders"'));
    }
  });
  return out;
}

function rowCountRuleProblems(field: string, rule: RowCountRule): string[] {
  const out: string[] = [];
  if (!rule || typeof rule !== 'object') return [problem(field, 'is not a rule', 'pass { database, table, rowCount: { operator, value } }')];
  out.push(...identifierListProblems(`${field}.database`, [rule.database], 1).map((p) => p.replace(`${field}.database[0]`, `${field}.database`)));
  out.push(...identifierListProblems(`${field}.table`, [rule.table], 1).map((p) => p.replace(`${field}.table[0]`, `${field}.table`)));
  if (!rule.rowCount || !Object.values(RowCountOperator).includes(rule.rowCount.operator)) {
    out.push(problem(`${field}.rowCount.operator`, `${JSON.stringify(rule.rowCount?.operator)} is not a comparison`, 'use a RowCountOperator, e.g. RowCountOperator.GREATER_THAN'));
  }
  out.push(...integerProblems(`${field}.rowCount.value`, rule.rowCount?.value, 0, Number.MAX_SAFE_INTEGER));
  return out;
}
