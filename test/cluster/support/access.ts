/**
 * Asking the API server's RBAC authorizer what a ServiceAccount may do.
 *
 * `kubectl auth can-i --as=system:serviceaccount:<ns>:<sa>` is the readable way, but kubectl
 * resolves the resource through discovery first, and for a resource the server does not serve
 * (no CRD: VolumeSnapshots without the snapshot controller, OpenShift, the license proxy, `*`) it
 * warns and asks about a resource literally named "volumesnapshots.snapshot.storage.k8s.io" in
 * the core group, so it answers "no" for the wrong question. `reviewAccess` therefore sends
 * SubjectAccessReviews (group, resource, subresource, verb exactly), which is what can-i does
 * underneath, with the groups impersonation would add for a ServiceAccount.
 */
import { Cluster } from '../harness';
import { asList } from './yaml';

/** One question: a resource action (namespaced unless `namespace` is empty) or a non-resource URL. */
export interface Access {
  readonly verb: string;
  readonly group?: string;
  readonly resource?: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly url?: string;
}

/** `verb group/resource[/subresource] [ns/name]` or `verb url`, for messages. */
export function describeAccess(a: Access): string {
  if (a.url) return `${a.verb} ${a.url}`;
  const target = `${a.group || 'core'}/${a.resource}${a.subresource ? `/${a.subresource}` : ''}`;
  const where = a.namespace ? ` -n ${a.namespace}` : ' (cluster)';
  return `${a.verb} ${target}${a.name ? ` ${a.name}` : ''}${where}`;
}

/** The user and groups of a ServiceAccount, as the authenticator (and `--as`) gives them. */
export function serviceAccountUser(namespace: string, name: string): { user: string; groups: string[] } {
  return {
    user: `system:serviceaccount:${namespace}:${name}`,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
  };
}

/** Asks the server about every access at once; resolves `allowed` per access, in order. */
export async function reviewAccess(cluster: Cluster, subject: { user: string; groups: string[] }, accesses: readonly Access[]): Promise<boolean[]> {
  const reviews = accesses.map((a) => ({
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: {
      user: subject.user,
      groups: subject.groups,
      ...(a.url
        ? { nonResourceAttributes: { path: a.url, verb: a.verb } }
        : {
          resourceAttributes: {
            verb: a.verb,
            group: a.group ?? '',
            resource: a.resource,
            ...(a.subresource ? { subresource: a.subresource } : {}),
            ...(a.namespace ? { namespace: a.namespace } : {}),
            ...(a.name ? { name: a.name } : {}),
          },
        }),
    },
  }));
  // One line per review, in order (`status.allowed` is always set).
  const out = await cluster.kubectl(['create', '-o', 'jsonpath={.status.allowed}{"\\n"}', '-f', '-'], { input: asList(reviews) });
  const answers = out.split('\n').filter((l) => l !== '');
  if (answers.length !== accesses.length) throw new Error(`expected ${accesses.length} reviews back, got ${answers.length}: ${out}`);
  return answers.map((a) => a === 'true');
}

/**
 * Permissions in the notation of `test/support/rbac.ts` (`group/resource[/sub]:verb,verb`,
 * `url:/path:verbs`) as accesses in `namespace` (RBAC answers the same for cluster-scoped
 * resources granted by a ClusterRoleBinding).
 */
export function accessesOf(permissions: readonly string[], namespace: string): Access[] {
  return permissions.flatMap((permission): Access[] => {
    const lastColon = permission.lastIndexOf(':');
    const target = permission.slice(0, lastColon);
    const verbs = permission.slice(lastColon + 1).split(',');
    if (target.startsWith('url:')) return verbs.map((verb) => ({ verb, url: target.slice(4) }));
    const [group, resource, subresource] = target.split('/');
    return verbs.map((verb) => ({ verb, group, resource, ...(subresource ? { subresource } : {}), namespace }));
  });
}
