/**
 * The security context stash-pxc merges into the `runtimeSettings` of every backup and restore
 * it emits, and a model of what the Stash operator makes of it, to judge it against the Pod
 * Security Standards at synth time.
 *
 * The operator builds each Job from the Task: every step becomes a container (all but the last
 * as init containers), `runtimeSettings.container.securityContext` replaces the securityContext
 * of each of them, and the pod securityContext is, for a backup, `{runAsUser: 65535}` replaced
 * wholesale by `runtimeSettings.pod.securityContext`; for a restore, `{runAsUser: 0, runAsGroup: 0}`
 * with the user's fields merged over it, of which only selinuxOptions, runAsUser, runAsGroup,
 * runAsNonRoot, supplementalGroups, fsGroup and sysctls survive. So `seccompProfile` goes to the
 * container, where it survives for both kinds.
 */
import { ApiObject } from 'cdk8s';
import type { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { NOBODY_USER, restrictedContainerSecurityContext } from '../../core/security-context';
import { perApp } from '../../core/validation/app-checks';
import { problem } from '../../core/validation/problems';

/** User and group the Jobs run as by default: `nobody`, which both the addon and the operator image run as. */
export const JOB_RUN_AS_USER = NOBODY_USER;

/** Label of a Namespace that sets the Pod Security level its pods must meet. */
export const POD_SECURITY_ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

/** A Pod Security Standard level (`pod-security.kubernetes.io/enforce`). */
export enum PodSecurityLevel {
  /** No restriction. */
  PRIVILEGED = 'privileged',
  /** Known privilege escalations refused; root and the runtime's default capabilities allowed. */
  BASELINE = 'baseline',
  /** Hardened: non-root, no privilege escalation, all capabilities dropped, a seccomp profile. */
  RESTRICTED = 'restricted',
}

/**
 * The container securityContext of backup and standalone restore Jobs by default: meets Pod
 * Security "restricted" (non-root 65534, no privilege escalation, no capability, RuntimeDefault
 * seccomp). Stash gives it to every container of the Job.
 */
export function restrictedJobContainerSecurityContext(): k8s.SecurityContext {
  // The library's restricted container context, without a read-only root filesystem (not set for Jobs) and with the group.
  const { readOnlyRootFilesystem: _notForJobs, ...restricted } = restrictedContainerSecurityContext();
  return { ...restricted, runAsUser: JOB_RUN_AS_USER, runAsGroup: JOB_RUN_AS_USER };
}

/**
 * The pod securityContext of backup and standalone restore Jobs by default: non-root 65534.
 * Only fields that survive the operator's restore merge; the seccomp profile is on the containers.
 */
export function restrictedJobPodSecurityContext(): k8s.PodSecurityContext {
  return { runAsNonRoot: true, runAsUser: JOB_RUN_AS_USER, runAsGroup: JOB_RUN_AS_USER };
}

/**
 * The capabilities a cluster restore keeps: the addon's `restore.sh` runs `groupadd`, `useradd`
 * (which rewrite root-owned /etc files and give them back their group) and `chown -R mysql:mysql`
 * on the restored data directory. All are in the runtime's default set, which "baseline" allows.
 */
export const CLUSTER_RESTORE_CAPABILITIES = ['CHOWN', 'DAC_OVERRIDE', 'FOWNER'];

/**
 * The container securityContext of cluster restore Jobs by default: root (the upstream restore
 * script needs it), but no privilege escalation, only the capabilities in
 * `CLUSTER_RESTORE_CAPABILITIES` and RuntimeDefault seccomp. Meets Pod Security "baseline".
 */
export function clusterRestoreJobContainerSecurityContext(): k8s.SecurityContext {
  return {
    runAsNonRoot: false,
    runAsUser: 0,
    runAsGroup: 0,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'], add: [...CLUSTER_RESTORE_CAPABILITIES] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** The pod securityContext of cluster restore Jobs by default: the operator's own restore default, stated. */
export function clusterRestoreJobPodSecurityContext(): k8s.PodSecurityContext {
  return { runAsUser: 0, runAsGroup: 0 };
}

/**
 * Which defaults a Job gets.
 * @internal
 */
export enum JobKind {
  BACKUP = 'backup',
  RESTORE = 'restore',
  CLUSTER_RESTORE = 'cluster-restore',
}

/**
 * Rendered runtimeSettings with the default security contexts of `kind` merged under the
 * user's: for each securityContext, the user's top-level fields win (a user `capabilities`
 * replaces the default's as a whole). Nothing else is touched.
 * @internal
 */
export function withJobSecurityDefaults(rendered: { [key: string]: any }, kind: JobKind): { [key: string]: any } {
  const cluster = kind === JobKind.CLUSTER_RESTORE;
  const container = cluster ? clusterRestoreJobContainerSecurityContext() : restrictedJobContainerSecurityContext();
  const pod = cluster ? clusterRestoreJobPodSecurityContext() : restrictedJobPodSecurityContext();
  const out = JSON.parse(JSON.stringify(rendered));
  out.container = { ...(out.container ?? {}), securityContext: { ...container, ...(out.container?.securityContext ?? {}) } };
  out.pod = { ...(out.pod ?? {}), securityContext: { ...pod, ...(out.pod?.securityContext ?? {}) } };
  return out;
}

/**
 * Pod securityContext fields the operator keeps when it merges a restore's over its default.
 * @internal
 */
export const RESTORE_POD_FIELDS = ['seLinuxOptions', 'runAsUser', 'runAsGroup', 'runAsNonRoot', 'supplementalGroups', 'fsGroup', 'sysctls'];

/**
 * The pod securityContext the operator gives the Job for these rendered runtimeSettings.
 * @internal
 */
export function operatorPodSecurityContext(rendered: { [key: string]: any }, kind: JobKind): { [key: string]: any } {
  const user = rendered.pod?.securityContext;
  if (kind === JobKind.BACKUP) return user ? JSON.parse(JSON.stringify(user)) : { runAsUser: 65535 };
  const out: { [key: string]: any } = { runAsUser: 0, runAsGroup: 0 };
  for (const field of RESTORE_POD_FIELDS) {
    if (user?.[field] !== undefined) out[field] = JSON.parse(JSON.stringify(user[field]));
  }
  return out;
}

/**
 * Capabilities "baseline" lets a container add (the container runtimes' default set).
 * @internal
 */
export const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

/**
 * Why the Job pod the operator builds from these rendered runtimeSettings fails Pod Security
 * `level` (empty when it meets it). The images' own user is unknown here, so a pod that sets no
 * `runAsNonRoot` fails "restricted", as the API server judges it.
 * @internal
 */
export function podSecurityViolations(rendered: { [key: string]: any }, kind: JobKind, level: PodSecurityLevel): string[] {
  if (level === PodSecurityLevel.PRIVILEGED) return [];
  const pod = operatorPodSecurityContext(rendered, kind);
  const c = rendered.container?.securityContext ?? {};
  const out: string[] = [];
  if (c.privileged === true) out.push('privileged');
  const added: string[] = (c.capabilities?.add ?? []).map((x: string) => x.replace(/^CAP_/, ''));
  const beyondBaseline = added.filter((x) => !BASELINE_CAPABILITIES.has(x));
  if (beyondBaseline.length) out.push(`adds capabilities ${beyondBaseline.join(', ')}`);
  for (const [where, sc] of [['pod', pod], ['container', c]] as const) {
    const type = sc.seccompProfile?.type;
    if (type === 'Unconfined') out.push(`${where} seccompProfile is Unconfined`);
  }
  if (level === PodSecurityLevel.BASELINE) return out;

  const runAsNonRoot = c.runAsNonRoot ?? pod.runAsNonRoot;
  if (runAsNonRoot !== true) out.push('runAsNonRoot is not true');
  if ((c.runAsUser ?? pod.runAsUser) === 0) out.push('runs as user 0');
  if (c.allowPrivilegeEscalation !== false) out.push('allowPrivilegeEscalation is not false');
  const dropped: string[] = c.capabilities?.drop ?? [];
  if (!dropped.includes('ALL')) out.push('capabilities do not drop ALL');
  const beyondRestricted = added.filter((x) => x !== 'NET_BIND_SERVICE');
  if (beyondRestricted.length) out.push(`adds capabilities ${beyondRestricted.join(', ')}`);
  const seccomp = c.seccompProfile?.type ?? pod.seccompProfile?.type;
  if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') out.push('no RuntimeDefault or Localhost seccompProfile');
  return out;
}

/**
 * Problems of a Job's rendered (merged) runtimeSettings that Kubernetes or the kubelet would
 * refuse, each under `field`.
 * @internal
 */
export function jobSecurityProblems(field: string, rendered: { [key: string]: any }, kind: JobKind): string[] {
  const c = rendered.container?.securityContext ?? {};
  const pod = operatorPodSecurityContext(rendered, kind);
  const out: string[] = [];
  const runAsNonRoot = c.runAsNonRoot ?? pod.runAsNonRoot;
  const runAsUser = c.runAsUser ?? pod.runAsUser;
  if (runAsNonRoot === true && runAsUser === 0) {
    out.push(problem(`${field}.container.securityContext.runAsUser`, 'is 0 while runAsNonRoot is true, so the kubelet refuses to start the containers',
      'set runAsNonRoot: false as well (the namespace must then allow root), or run as a non-zero user'));
  }
  if (c.allowPrivilegeEscalation === false && c.privileged === true) {
    out.push(problem(`${field}.container.securityContext.privileged`, 'is true while allowPrivilegeEscalation is false (the default), which the API server refuses',
      'set allowPrivilegeEscalation: true with it, or drop privileged'));
  }
  const added: string[] = (c.capabilities?.add ?? []).map((x: string) => x.replace(/^CAP_/, ''));
  if (c.allowPrivilegeEscalation === false && added.includes('SYS_ADMIN')) {
    out.push(problem(`${field}.container.securityContext.capabilities`, 'adds SYS_ADMIN while allowPrivilegeEscalation is false (the default), which the API server refuses',
      'set allowPrivilegeEscalation: true with it, or do not add SYS_ADMIN'));
  }
  return out;
}

/**
 * The Pod Security level that `namespace` enforces, when a Namespace object in `scope`'s app
 * says so with `pod-security.kubernetes.io/enforce`. The app's Namespaces are read in one walk
 * of the tree, again only when objects were added since.
 * @internal
 */
export function enforcedPodSecurityLevel(scope: IConstruct, namespace: string | undefined): PodSecurityLevel | undefined {
  if (namespace === undefined) return undefined;
  return perApp(scope, namespaceLevels).get(namespace);
}

/** The levels the app's Namespace objects enforce, by name (the first Namespace of a name wins). */
function namespaceLevels(root: IConstruct): Map<string, PodSecurityLevel> {
  const levels = new Map<string, PodSecurityLevel>();
  for (const c of root.node.findAll()) {
    if (!ApiObject.isApiObject(c) || c.kind !== 'Namespace' || c.metadata.name === undefined || levels.has(c.metadata.name)) continue;
    const level = c.metadata.getLabel(POD_SECURITY_ENFORCE_LABEL);
    if (level === PodSecurityLevel.RESTRICTED || level === PodSecurityLevel.BASELINE || level === PodSecurityLevel.PRIVILEGED) levels.set(c.metadata.name, level);
  }
  return levels;
}

/**
 * The problem of a Job that `namespace` would refuse, judged by the Namespace objects of the
 * app (none when the namespace is not in the app or the Job meets its level).
 * @internal
 */
export function namespacePodSecurityProblems(scope: IConstruct, namespace: string | undefined, rendered: { [key: string]: any }, kind: JobKind, fix: string): string[] {
  const level = enforcedPodSecurityLevel(scope, namespace);
  if (level === undefined) return [];
  const violations = podSecurityViolations(rendered, kind, level);
  if (violations.length === 0) return [];
  const what = kind === JobKind.BACKUP ? 'backup' : kind === JobKind.RESTORE ? 'restore' : 'cluster restore';
  return [problem('runtimeSettings', `the ${what} Job's pod would be refused in namespace "${namespace}", which enforces Pod Security "${level}" (${violations.join('; ')})`, fix)];
}

/**
 * The rendered runtimeSettings of a Job: the user's, with the defaults of `kind` merged under
 * them unless `defaults` is false.
 * @internal
 */
export function jobRuntimeSettings(rendered: { [key: string]: any }, kind: JobKind, defaults: boolean): { [key: string]: any } {
  return defaults ? withJobSecurityDefaults(rendered, kind) : rendered;
}
