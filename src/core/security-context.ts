/**
 * The Pod Security Standard "restricted" security contexts, defined once: the operator, its
 * Pushgateway sidecar and the Jobs of the library start from these, and the checks below say
 * what keeps a given context from the standard.
 */
import { k8s } from 'cdk8s-plus-28';
import { problem } from './validation/problems';

/** The user `nobody`, as upstream runs its images; any non-root user works. */
export const NOBODY_USER = 65534;

/** The group the Pod's volumes belong to (upstream's value), so mounted Secrets and emptyDirs are readable. */
export const RESTRICTED_FS_GROUP = 65535;

/**
 * A container security context that meets Pod Security "restricted": no privilege escalation,
 * no capabilities, read-only root filesystem, non-root (`nobody`), RuntimeDefault seccomp.
 * A new object on every call, so callers may change it.
 */
export function restrictedContainerSecurityContext(): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: NOBODY_USER,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** A Pod security context that meets Pod Security "restricted" (with upstream's `fsGroup`). */
export function restrictedPodSecurityContext(): k8s.PodSecurityContext {
  return { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, fsGroup: RESTRICTED_FS_GROUP };
}

const SECCOMP_TYPES = ['RuntimeDefault', 'Localhost'];

/** What keeps a container security context from Pod Security "restricted" (none when undefined). */
export function restrictedContainerProblems(field: string, context: k8s.SecurityContext | undefined): string[] {
  // null counts as not given (the default applies); other non-objects fail the schema check.
  if (context === undefined || context === null) return [];
  if (typeof context !== 'object') return [problem(field, `${JSON.stringify(context)} is not a security context`, 'start from restrictedContainerSecurityContext()')];
  const fix = 'start from restrictedContainerSecurityContext() and change only runAsUser/runAsGroup';
  const out: string[] = [];
  if (context.allowPrivilegeEscalation !== false) out.push(problem(`${field}.allowPrivilegeEscalation`, 'must be false (Pod Security "restricted")', fix));
  if (context.privileged === true) out.push(problem(`${field}.privileged`, 'must not be true (Pod Security "restricted")', fix));
  if (context.runAsNonRoot !== true) out.push(problem(`${field}.runAsNonRoot`, 'must be true (Pod Security "restricted")', fix));
  if (context.readOnlyRootFilesystem !== true) out.push(problem(`${field}.readOnlyRootFilesystem`, 'must be true (writable paths are emptyDir volumes)', fix));
  if (!(context.capabilities?.drop ?? []).includes('ALL')) out.push(problem(`${field}.capabilities.drop`, 'must include ALL (Pod Security "restricted")', fix));
  if ((context.capabilities?.add ?? []).some((c) => c !== 'NET_BIND_SERVICE')) out.push(problem(`${field}.capabilities.add`, 'may only hold NET_BIND_SERVICE (Pod Security "restricted")', fix));
  if (!SECCOMP_TYPES.includes(context.seccompProfile?.type ?? '')) out.push(problem(`${field}.seccompProfile.type`, 'must be RuntimeDefault or Localhost (Pod Security "restricted")', fix));
  return out;
}

/** What keeps a Pod security context from Pod Security "restricted" (none when undefined). */
export function restrictedPodProblems(field: string, context: k8s.PodSecurityContext | undefined): string[] {
  if (context === undefined || context === null) return [];
  if (typeof context !== 'object') return [problem(field, `${JSON.stringify(context)} is not a security context`, 'start from restrictedPodSecurityContext()')];
  const fix = 'start from restrictedPodSecurityContext()';
  const out: string[] = [];
  if (context.runAsNonRoot !== true) out.push(problem(`${field}.runAsNonRoot`, 'must be true (Pod Security "restricted")', fix));
  if (context.seccompProfile !== undefined && !SECCOMP_TYPES.includes(context.seccompProfile.type)) {
    out.push(problem(`${field}.seccompProfile.type`, 'must be RuntimeDefault or Localhost (Pod Security "restricted")', fix));
  }
  return out;
}
