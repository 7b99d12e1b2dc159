/**
 * A model of the Pod the Stash operator runs for a backup or restore, built from what we emit
 * (a BackupConfiguration, BackupBlueprint or RestoreSession) and the catalog (Tasks, Functions),
 * the way the operator builds it (stashed/stash pkg/resolver/task.go, resolver.go,
 * pkg/executor/*, kmodules/offshoot-api util/runtime_settings.go; see the issue 11 notes):
 *
 * - every Task step is a container, named `<function with . as ->-<i>`, with the Function's image
 *   and args and the scratch volume; all but the last are init containers, the last the only
 *   container;
 * - `runtimeSettings.container.securityContext` replaces the securityContext of every container;
 *   env and resources are applied too;
 * - the pod securityContext is, for a backup, `{runAsUser: 65535}`, replaced wholesale by
 *   `runtimeSettings.pod.securityContext`; for a restore, `{runAsUser: 0, runAsGroup: 0}` with the
 *   user's selinuxOptions, runAsUser, runAsGroup, runAsNonRoot, supplementalGroups, fsGroup and
 *   sysctls copied over it (nothing else survives, seccompProfile included);
 * - labels: the invoker's, plus `app.kubernetes.io/managed-by: stash.appscode.com` and
 *   `app.kubernetes.io/component: stash-backup|stash-restore`;
 * - a cluster restore (volumeClaimTemplates) mounts the claim of its ordinal at the target's
 *   volumeMounts in every container, with POD_ORDINAL in the environment.
 */

/** The operator's image, which runs the `update-status` step (not in our catalog). */
export const OPERATOR_STEP_IMAGE = 'ghcr.io/stashed/stash-enterprise:v0.42.1';

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
  /** Namespace of the Pod. */
  readonly namespace: string;
  /** Task name when the invoker names none (a blueprint without version). @default the 8.0 Task of its kind */
  readonly defaultTask?: string;
  /** Replica ordinal of a cluster restore. @default 0 */
  readonly ordinal?: number;
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

/** The Pod of the Job the operator would run for `invoker`. */
export function jobPodOf(invoker: any, catalog: Catalog, options: JobPodOptions): any {
  const backup = invoker.kind !== 'RestoreSession';
  const spec = invoker.spec;
  const rs = spec.runtimeSettings ?? {};
  const taskName: string = spec.task?.name ?? options.defaultTask ?? (backup ? 'perconaxtradb-backup-8.0' : 'perconaxtradb-restore-8.0');
  const task = catalog.tasks.get(taskName);
  if (!task) throw new Error(`no Task ${taskName} in the catalog`);
  const cluster = !backup && (spec.target?.volumeClaimTemplates ?? []).length > 0;
  const ordinal = options.ordinal ?? 0;

  const containers = task.spec.steps.map((step: any, i: number) => {
    const fn = catalog.functions.get(step.name);
    const container: any = {
      name: `${step.name.replace(/\./g, '-')}-${i}`,
      image: fn?.spec.image ?? OPERATOR_STEP_IMAGE,
      args: fn?.spec.args ?? [step.name],
      imagePullPolicy: 'IfNotPresent',
      volumeMounts: [{ name: 'tmp-dir', mountPath: '/stash-tmp' }],
    };
    const fnSecurity = fn?.spec.runtimeSettings?.container?.securityContext;
    if (fnSecurity) container.securityContext = structuredClone(fnSecurity);
    const c = rs.container;
    if (c?.securityContext) container.securityContext = structuredClone(c.securityContext);
    if (c?.resources) container.resources = structuredClone(c.resources);
    if (c?.env) container.env = structuredClone(c.env);
    if (cluster) {
      container.env = [...(container.env ?? []), { name: 'POD_ORDINAL', value: String(ordinal) }];
      container.volumeMounts.push(...spec.target.volumeMounts.map((m: any) => ({ name: m.name, mountPath: m.mountPath })));
    }
    return container;
  });

  const volumes: any[] = [{ name: 'tmp-dir', emptyDir: { ...(spec.tempDir?.medium ? { medium: spec.tempDir.medium } : {}), ...(spec.tempDir?.sizeLimit ? { sizeLimit: spec.tempDir.sizeLimit } : {}) } }];
  if (cluster) {
    for (const t of spec.target.volumeClaimTemplates) {
      const claim = t.metadata.name.split('${POD_ORDINAL}').join(String(ordinal));
      volumes.push({ name: claim.replace(new RegExp(`-${ordinal}$`), ''), persistentVolumeClaim: { claimName: claim } });
    }
  }

  const prefix = backup ? 'stash-backup' : 'stash-restore';
  const jobName = `${prefix}-${invoker.metadata.name}-0${cluster ? `-${ordinal}` : ''}`.slice(0, 63).replace(/-+$/, '');
  const pod: any = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${jobName}-model`.slice(0, 63).replace(/-+$/, ''),
      namespace: options.namespace,
      labels: {
        ...(invoker.metadata.labels ?? {}),
        'app.kubernetes.io/managed-by': 'stash.appscode.com',
        'app.kubernetes.io/component': backup ? 'stash-backup' : 'stash-restore',
        'job-name': jobName,
      },
    },
    spec: {
      restartPolicy: 'Never',
      serviceAccountName: rs.pod?.serviceAccountName ?? jobName,
      securityContext: modelPodSecurityContext(rs, backup),
      ...(containers.length > 1 ? { initContainers: containers.slice(0, -1) } : {}),
      containers: containers.slice(-1),
      volumes,
    },
  };
  if (rs.pod?.nodeSelector) pod.spec.nodeSelector = structuredClone(rs.pod.nodeSelector);
  if (rs.pod?.imagePullSecrets) pod.spec.imagePullSecrets = structuredClone(rs.pod.imagePullSecrets);
  return pod;
}
