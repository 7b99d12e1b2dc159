/**
 * A model of the Job the Stash operator runs for a backup or restore, built from what we emit
 * (a BackupConfiguration, BackupBlueprint or RestoreSession), the catalog (Tasks, Functions),
 * and optionally the Repository, the target's AppBinding and the operator's settings, the way
 * the operator builds it (stashed/stash pkg/resolver, pkg/executor, pkg/rbac; stashed/apimachinery
 * pkg/invoker; kmodules offshoot-api runtime settings). It is checked field by field against
 * Jobs the real operator built (`test/database/jobs/job-model.test.ts`, reading
 * `../shared/reference/stash-operator-output/`).
 *
 * What it assumes:
 * - names: a backup Job is `stash-backup-<BackupSession>-0` (the BackupSession is
 *   `<invoker>-<unix seconds of the trigger>`), a standalone restore Job
 *   `stash-restore-<RestoreSession>-0`, a cluster restore member `stash-restore-<RestoreSession>-0-<ordinal>`;
 *   the trailing `-0` is the index of the (only) target. Names are assumed short enough that the
 *   operator does not shorten them (under 63 characters); longer ones are cut, not hashed.
 * - ServiceAccount: `runtimeSettings.pod.serviceAccountName`, else the one the operator creates,
 *   `<kind in lower case>-<invoker>-0` (`backupconfiguration-<name>-0`, `restoresession-<name>-0`),
 *   shared by every member of a cluster restore;
 * - every Task step is a container named `<step with . as ->-<index>`, with the Function's image
 *   and args, `${VAR:=default}` resolved from the invoker, the Repository, the step's params and
 *   the operator's settings (unknown variables take their default); all but the last are init
 *   containers; the last step, `update-status`, runs the operator's image with the flags it has;
 * - every container mounts the scratch volume `stash-tmp-dir` (an emptyDir) at `/stash-tmp`;
 * - `runtimeSettings.container.securityContext` replaces the securityContext of every container;
 *   env and resources are applied too;
 * - the pod securityContext is, for a backup, `{runAsUser: 65535}`, replaced wholesale by
 *   `runtimeSettings.pod.securityContext`; for a restore, `{runAsUser: 0, runAsGroup: 0}` with the
 *   user's selinuxOptions, runAsUser, runAsGroup, runAsNonRoot, supplementalGroups, fsGroup and
 *   sysctls copied over it (nothing else survives, seccompProfile included);
 * - labels (Job and pod): the invoker's, plus `app.kubernetes.io/managed-by: stash.appscode.com`
 *   and `app.kubernetes.io/component: stash-backup|stash-restore`, and the pod's `job-name` and
 *   `batch.kubernetes.io/job-name`. Before that, a RestoreSession whose target AppBinding is
 *   labelled `app.kubernetes.io/managed-by: kubedb.com` gets that AppBinding's
 *   `app.kubernetes.io/instance`, `name` and `managed-by` written over its own (the operator
 *   patches the RestoreSession: `EnsureKubeDBIntegration`), so the restore pods carry them;
 * - a cluster restore (volumeClaimTemplates) mounts the claim of its ordinal at the target's
 *   volumeMounts in every container, the volume named after the claim without `-<ordinal>`, with
 *   POD_ORDINAL in the environment.
 * Not modelled: hooks, the task queue, VolumeSnapshots, workload (sidecar) targets, interim volumes.
 * A BackupBlueprint is judged as the BackupConfiguration the operator makes from it (same Task and
 * runtimeSettings; its names, which come from the target, are not the model's).
 */

/** The operator's image, which runs the `update-status` step (not in our catalog). */
export const OPERATOR_STEP_IMAGE = 'ghcr.io/stashed/stash-enterprise:v0.42.1';

/** The scratch volume every Job container mounts. */
export const SCRATCH_VOLUME = 'stash-tmp-dir';
/** Where it is mounted. */
export const SCRATCH_DIR = '/stash-tmp';

/** The operator's settings that reach the Jobs, as our chart's defaults give them for release `stash` in namespace `stash`. */
export const DEFAULT_OPERATOR_SETTINGS: OperatorSettings = {
  licenseApiService: 'v1beta1.admission.stash.appscode.com',
  pushgatewayUrl: 'http://stash-stash-pxc.stash.svc:56789',
};

/** What the operator passes to every Job from its own flags. */
export interface OperatorSettings {
  /** `--license-apiservice`. */
  readonly licenseApiService: string;
  /** `--pushgateway-url`. */
  readonly pushgatewayUrl: string;
}

/** The Tasks and Functions a model is built from, by name. */
export interface Catalog {
  readonly tasks: Map<string, any>;
  readonly functions: Map<string, any>;
}

/** The Tasks and Functions among `objects` (e.g. dist/install.yaml). */
export function catalogOf(objects: readonly any[]): Catalog {
  const tasks = new Map<string, any>();
  const functions = new Map<string, any>();
  for (const o of objects) {
    if (o?.kind === 'Task') tasks.set(o.metadata.name, o);
    if (o?.kind === 'Function') functions.set(o.metadata.name, o);
  }
  return { tasks, functions };
}

export interface JobPodOptions {
  /** Namespace of the Job. */
  readonly namespace: string;
  /** Task name when the invoker names none (a blueprint without version). @default the 8.0 Task of its kind */
  readonly defaultTask?: string;
  /** Replica ordinal of a cluster restore. @default 0 */
  readonly ordinal?: number;
  /** The BackupSession a backup Job runs for. @default `<invoker>-<unix seconds now>` (what the trigger CronJob names it) */
  readonly backupSession?: string;
  /** The Repository the invoker names (resolves the storage flags). @default - unresolved: the Functions' defaults */
  readonly repository?: any;
  /** AppBindings of the namespace (a KubeDB-managed target rewrites a restore's labels). @default - none */
  readonly appBindings?: readonly any[];
  /** The operator's settings. @default DEFAULT_OPERATOR_SETTINGS */
  readonly operator?: OperatorSettings;
}

const RESTORE_POD_FIELDS = ['seLinuxOptions', 'runAsUser', 'runAsGroup', 'runAsNonRoot', 'supplementalGroups', 'fsGroup', 'sysctls'];

/** The operator's pod securityContext of a Job, from the invoker's runtimeSettings. */
export function modelPodSecurityContext(runtimeSettings: any, backup: boolean): any {
  const user = runtimeSettings?.pod?.securityContext;
  if (backup) return user ? structuredClone(user) : { runAsUser: 65535 };
  const out: any = { runAsUser: 0, runAsGroup: 0 };
  for (const field of RESTORE_POD_FIELDS) if (user?.[field] !== undefined) out[field] = structuredClone(user[field]);
  return out;
}

const KUBEDB_MANAGER = 'kubedb.com';
const REWRITTEN_LABELS = ['app.kubernetes.io/instance', 'app.kubernetes.io/name', 'app.kubernetes.io/managed-by'];

/**
 * The labels of a RestoreSession after the operator reconciled it: a target AppBinding managed by
 * KubeDB gives it its instance, name and managed-by labels. Other invokers keep theirs.
 */
export function reconciledInvokerLabels(invoker: any, appBindings: readonly any[] = []): { [key: string]: string } {
  const labels = { ...(invoker.metadata?.labels ?? {}) };
  if (invoker.kind !== 'RestoreSession') return labels;
  const ref = invoker.spec?.target?.ref;
  if (ref?.kind !== 'AppBinding') return labels;
  const binding = appBindings.find((b) => b?.kind === 'AppBinding' && b.metadata?.name === ref.name
    && (b.metadata?.namespace ?? invoker.metadata?.namespace) === (invoker.metadata?.namespace ?? b.metadata?.namespace));
  if (binding?.metadata?.labels?.['app.kubernetes.io/managed-by'] !== KUBEDB_MANAGER) return labels;
  for (const key of REWRITTEN_LABELS) {
    const value = binding.metadata.labels[key];
    if (value !== undefined) labels[key] = value;
  }
  return labels;
}

/** The ServiceAccount the operator runs an invoker's Jobs as. */
export function jobServiceAccountName(invoker: any): string {
  return invoker.spec?.runtimeSettings?.pod?.serviceAccountName ?? `${String(invoker.kind).toLowerCase()}-${invoker.metadata.name}-0`;
}

/** The name of the Job the operator creates for `invoker`. */
export function jobNameOf(invoker: any, options: { backupSession?: string; ordinal?: number } = {}): string {
  const cut = (name: string) => name.slice(0, 63).replace(/-+$/, '');
  if (invoker.kind !== 'RestoreSession') return cut(`stash-backup-${options.backupSession ?? backupSessionName(invoker)}-0`);
  return cut(`stash-restore-${invoker.metadata.name}-0${isCluster(invoker) ? `-${options.ordinal ?? 0}` : ''}`);
}

/** The name the trigger CronJob gives a BackupSession of `invoker` at `when`. */
export function backupSessionName(invoker: any, when: Date = new Date()): string {
  return `${invoker.metadata.name}-${Math.floor(when.getTime() / 1000)}`;
}

function isCluster(invoker: any): boolean {
  return invoker.kind === 'RestoreSession' && (invoker.spec?.target?.volumeClaimTemplates ?? []).length > 0;
}

/** `${NAME:=default}` and `${NAME}` replaced from `vars` (unknown names take their default, or nothing). */
function resolve(arg: string, vars: { [name: string]: string | undefined }): string {
  return arg.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::=([^}]*))?\}/g, (_m, name: string, def: string | undefined) => vars[name] ?? def ?? '');
}

/** The flags of the operator's `update-status` step (its own Function, not in our catalog). */
const UPDATE_STATUS_ARGS = [
  'update-status',
  '--provider=${REPOSITORY_PROVIDER:=}',
  '--bucket=${REPOSITORY_BUCKET:=}',
  '--endpoint=${REPOSITORY_ENDPOINT:=}',
  '--insecure-tls=${REPOSITORY_INSECURE_TLS:=false}',
  '--region=${REPOSITORY_REGION:=}',
  '--path=${REPOSITORY_PREFIX:=}',
  '--enable-cache=${ENABLE_CACHE:=true}',
  '--max-connections=${MAX_CONNECTIONS:=0}',
  '--namespace=${NAMESPACE:=default}',
  '--backupsession=${BACKUP_SESSION:=}',
  '--storage-secret-name=${REPOSITORY_SECRET_NAME:=}',
  '--storage-secret-namespace=${REPOSITORY_SECRET_NAMESPACE:=}',
  '--invoker-kind=${INVOKER_KIND:=}',
  '--invoker-name=${INVOKER_NAME:=}',
  '--target-kind=${TARGET_KIND:=}',
  '--target-name=${TARGET_NAME:=}',
  '--target-namespace=${TARGET_NAMESPACE:=}',
  '--output-dir=${outputDir:=}',
  '--metrics-enabled=true',
  `--scratch-dir=${SCRATCH_DIR}`,
  '--metrics-pushgateway-url=${PROMETHEUS_PUSHGATEWAY_URL:=}',
];

/** The storage variables of a Repository's backend. */
function repositoryVariables(repository: any): { [name: string]: string | undefined } {
  const backend = repository?.spec?.backend;
  if (!backend) return {};
  const provider = Object.keys(backend).find((k) => k !== 'storageSecretName');
  const b = provider ? backend[provider] ?? {} : {};
  return {
    REPOSITORY_PROVIDER: provider,
    REPOSITORY_BUCKET: b.bucket ?? b.container ?? '',
    REPOSITORY_ENDPOINT: b.endpoint ?? b.url ?? '',
    REPOSITORY_INSECURE_TLS: String(b.insecureTLS ?? false),
    REPOSITORY_REGION: b.region ?? '',
    REPOSITORY_PREFIX: b.prefix ?? b.path ?? '',
    REPOSITORY_SECRET_NAME: backend.storageSecretName,
    REPOSITORY_SECRET_NAMESPACE: repository.metadata?.namespace,
  };
}

function retentionVariables(policy: any): { [name: string]: string } {
  if (!policy) return {};
  const n = (v: unknown) => String(v ?? 0);
  return {
    RETENTION_KEEP_LAST: n(policy.keepLast), RETENTION_KEEP_HOURLY: n(policy.keepHourly), RETENTION_KEEP_DAILY: n(policy.keepDaily),
    RETENTION_KEEP_WEEKLY: n(policy.keepWeekly), RETENTION_KEEP_MONTHLY: n(policy.keepMonthly), RETENTION_KEEP_YEARLY: n(policy.keepYearly),
    RETENTION_KEEP_TAGS: (policy.keepTags ?? []).join(','), RETENTION_PRUNE: String(policy.prune ?? false), RETENTION_DRY_RUN: String(policy.dryRun ?? false),
  };
}

/** The Job the operator would create for `invoker`. */
export function jobOf(invoker: any, catalog: Catalog, options: JobPodOptions): any {
  const backup = invoker.kind !== 'RestoreSession';
  const spec = invoker.spec;
  const rs = spec.runtimeSettings ?? {};
  const taskName: string = spec.task?.name ?? options.defaultTask ?? (backup ? 'perconaxtradb-backup-8.0' : 'perconaxtradb-restore-8.0');
  const task = catalog.tasks.get(taskName);
  if (!task) throw new Error(`no Task ${taskName} in the catalog`);
  const cluster = isCluster(invoker);
  const ordinal = options.ordinal ?? 0;
  const operator = options.operator ?? DEFAULT_OPERATOR_SETTINGS;
  const namespace = invoker.metadata?.namespace ?? options.namespace;
  const backupSession = backup ? options.backupSession ?? backupSessionName(invoker) : '';
  const jobName = jobNameOf(invoker, { backupSession, ordinal });
  const target = spec.target ?? {};
  const rules: any[] = target.rules ?? [];

  const vars: { [name: string]: string | undefined } = {
    ...repositoryVariables(options.repository),
    ...(backup ? retentionVariables(spec.retentionPolicy) : {}),
    NAMESPACE: namespace,
    BACKUP_SESSION: backupSession,
    INVOKER_KIND: invoker.kind,
    INVOKER_NAME: invoker.metadata.name,
    TARGET_KIND: target.ref?.kind,
    TARGET_NAME: target.ref?.name,
    TARGET_NAMESPACE: target.ref?.namespace ?? namespace,
    // A backup's host is named after the target's index; a restore's own host is not set, its source is the rule's.
    HOSTNAME: backup ? 'host-0' : undefined,
    SOURCE_HOSTNAME: backup ? undefined : rules.find((r) => r.sourceHost)?.sourceHost,
    TARGET_APP_REPLICAS: backup ? undefined : String(target.replicas ?? 1),
    RESTORE_SNAPSHOTS: backup ? undefined : rules.flatMap((r) => r.snapshots ?? []).join(','),
    LICENSE_APISERVICE: operator.licenseApiService,
    PROMETHEUS_PUSHGATEWAY_URL: operator.pushgatewayUrl,
  };

  const containers = task.spec.steps.map((step: any, i: number) => {
    const fn = catalog.functions.get(step.name);
    const params = Object.fromEntries((step.params ?? []).map((p: any) => [p.name, p.value]));
    const stepVars = { ...vars, ...params };
    const container: any = {
      name: `${step.name.replace(/\./g, '-')}-${i}`,
      image: fn?.spec.image ?? OPERATOR_STEP_IMAGE,
      args: (fn?.spec.args ?? (step.name === 'update-status' ? UPDATE_STATUS_ARGS : [step.name])).map((a: string) => resolve(a, stepVars)),
      imagePullPolicy: 'IfNotPresent',
      volumeMounts: [{ name: SCRATCH_VOLUME, mountPath: SCRATCH_DIR }],
    };
    const fnSecurity = fn?.spec.runtimeSettings?.container?.securityContext;
    if (fnSecurity) container.securityContext = structuredClone(fnSecurity);
    const c = rs.container;
    if (c?.securityContext) container.securityContext = structuredClone(c.securityContext);
    if (c?.resources) container.resources = structuredClone(c.resources);
    if (c?.env) container.env = structuredClone(c.env);
    if (cluster) {
      container.env = [...(container.env ?? []), { name: 'POD_ORDINAL', value: String(ordinal) }];
      container.volumeMounts.push(...(target.volumeMounts ?? []).map((m: any) => ({ name: m.name, mountPath: m.mountPath })));
    }
    return container;
  });

  const emptyDir = { ...(spec.tempDir?.medium ? { medium: spec.tempDir.medium } : {}), ...(spec.tempDir?.sizeLimit ? { sizeLimit: spec.tempDir.sizeLimit } : {}) };
  const volumes: any[] = [{ name: SCRATCH_VOLUME, emptyDir }];
  if (cluster) {
    for (const t of target.volumeClaimTemplates) {
      const claim = t.metadata.name.split('${POD_ORDINAL}').join(String(ordinal));
      volumes.push({ name: claim.replace(new RegExp(`-${ordinal}$`), ''), persistentVolumeClaim: { claimName: claim } });
    }
  }

  const labels = {
    ...reconciledInvokerLabels(invoker, options.appBindings),
    'app.kubernetes.io/managed-by': 'stash.appscode.com',
    'app.kubernetes.io/component': backup ? 'stash-backup' : 'stash-restore',
  };
  const podSpec: any = {
    restartPolicy: 'Never',
    serviceAccountName: jobServiceAccountName(invoker),
    securityContext: modelPodSecurityContext(rs, backup),
    ...(containers.length > 1 ? { initContainers: containers.slice(0, -1) } : {}),
    containers: containers.slice(-1),
    volumes,
  };
  if (rs.pod?.nodeSelector) podSpec.nodeSelector = structuredClone(rs.pod.nodeSelector);
  if (rs.pod?.imagePullSecrets) podSpec.imagePullSecrets = structuredClone(rs.pod.imagePullSecrets);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: jobName, namespace, labels },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { labels: { ...labels, 'batch.kubernetes.io/job-name': jobName, 'job-name': jobName } },
        spec: podSpec,
      },
    },
  };
}

/** The Pod of the Job the operator would run for `invoker` (named `<job>-model`, in `options.namespace`). */
export function jobPodOf(invoker: any, catalog: Catalog, options: JobPodOptions): any {
  const job = jobOf(invoker, catalog, options);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${job.metadata.name.slice(0, 57).replace(/-+$/, '')}-model`,
      namespace: options.namespace,
      labels: job.spec.template.metadata.labels,
    },
    spec: job.spec.template.spec,
  };
}
