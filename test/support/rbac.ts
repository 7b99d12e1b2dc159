/**
 * What the Stash operator must be allowed to do, and an RBAC evaluator to check a set of rules
 * against it. The list comes from reading upstream (stashed/stash v0.42: the ClusterRoles it
 * creates for Jobs and sidecars in pkg/rbac, which it can only grant if it holds them, and the
 * calls it makes itself), written in our own words.
 */

/** One permission: `group/resource:verbs` or `url:/path:verbs` for non-resource URLs. */
export type Permission = string;

/** The permissions the operator needs. */
export const OPERATOR_NEEDS: readonly Permission[] = [
  // Granted wholesale to backup, restore, cron and sidecar ServiceAccounts.
  'stash.appscode.com/*:*',
  'appcatalog.appscode.com/*:get',
  'appcatalog.appscode.com/appbindings:get',
  // Job and sidecar roles.
  '/secrets:get', '/endpoints:get', '/pods:get,list,create', '/pods/exec:get,create', '/events:create',
  '/configmaps:create,update,get', '/persistentvolumeclaims:get,list,watch,create,patch', '/serviceaccounts:get,create,patch',
  'apps/deployments:get,list,patch', 'apps/statefulsets:get,list,patch', 'apps/daemonsets:get,list,patch',
  'apps/deployments/finalizers:update', 'apps/statefulsets/finalizers:update', 'apps/daemonsets/finalizers:update',
  'rbac.authorization.k8s.io/roles:get,create,patch', 'rbac.authorization.k8s.io/rolebindings:get,create,patch',
  // clusterroles patch: its create-or-patch of the shared Job ClusterRoles (stash-cron-job, stash-restore-job).
  'rbac.authorization.k8s.io/clusterroles:get,create,patch', 'batch/jobs:create,get',
  'coordination.k8s.io/leases:*',
  'apps.openshift.io/deploymentconfigs:get,list,patch', 'apps.openshift.io/deploymentconfigs/finalizers:update',
  'snapshot.storage.k8s.io/volumesnapshots:create,get,list,watch,patch,delete',
  'snapshot.storage.k8s.io/volumesnapshotcontents:create,get,list,watch,patch,delete',
  'snapshot.storage.k8s.io/volumesnapshotclasses:create,get,list,watch,patch,delete',
  'storage.k8s.io/storageclasses:get',
  // Its own work: webhook CA sync, workload watches, Jobs and CronJobs, license reader bindings.
  'admissionregistration.k8s.io/mutatingwebhookconfigurations:get,list,watch,patch',
  'admissionregistration.k8s.io/validatingwebhookconfigurations:get,list,watch,patch',
  'apiregistration.k8s.io/apiservices:get',
  'apps/deployments:watch', 'apps/statefulsets:watch', 'apps/daemonsets:watch',
  'batch/jobs:list,watch,delete', 'batch/cronjobs:get,list,watch,create,patch,delete',
  '/namespaces:get', '/events:patch', '/secrets:list,create,patch',
  'rbac.authorization.k8s.io/clusterrolebindings:get,create,patch',
];

/** What the license roles it binds Jobs to grant (it must hold them too). */
export const LICENSE_READER_NEEDS: readonly Permission[] = [
  'apiregistration.k8s.io/apiservices:get',
  'url:/appscode/license:get',
];

/** The task queue's permissions. */
export const TASK_QUEUE_NEEDS: readonly Permission[] = [
  'batch.k8s.appscode.com/pendingtasks:create,get,list,watch,patch',
  'batch.k8s.appscode.com/pendingtasks/finalizers:update',
];

/** An RBAC rule as the API has it. */
export interface Rule {
  readonly apiGroups?: string[];
  readonly resources?: string[];
  readonly verbs: string[];
  readonly resourceNames?: string[];
  readonly nonResourceURLs?: string[];
}

/** The permissions one rule grants, as `Permission`s (a rule with resourceNames is left out: it grants only those names). */
export function rulePermissions(rule: Rule): Permission[] {
  if (rule.resourceNames && rule.resourceNames.length > 0) return [];
  if (rule.nonResourceURLs?.length) return rule.nonResourceURLs.map((u) => `url:${u}:${rule.verbs.join(',')}`);
  return (rule.apiGroups ?? []).flatMap((g) => (rule.resources ?? []).map((r) => `${g}/${r}:${rule.verbs.join(',')}`));
}

function expand(permission: Permission): Array<{ group?: string; resource?: string; url?: string; verb: string }> {
  const lastColon = permission.lastIndexOf(':');
  const target = permission.slice(0, lastColon);
  const verbs = permission.slice(lastColon + 1).split(',');
  if (target.startsWith('url:')) return verbs.map((verb) => ({ url: target.slice(4), verb }));
  const slash = target.indexOf('/');
  const group = target.slice(0, slash);
  const resource = target.slice(slash + 1);
  return verbs.map((verb) => ({ group, resource, verb }));
}

const has = (list: string[] | undefined, value: string) => (list ?? []).includes(value) || (list ?? []).includes('*');

/** The permissions that no rule grants (a rule with resourceNames grants only those names). */
export function missingPermissions(rules: readonly Rule[], needs: readonly Permission[]): string[] {
  const missing: string[] = [];
  for (const permission of needs) {
    for (const p of expand(permission)) {
      const granted = rules.some((r) => {
        if (!has(r.verbs, p.verb)) return false;
        if (p.url !== undefined) return has(r.nonResourceURLs, p.url);
        // `*` is granted only by `*` (the operator must hold the wildcard to grant it).
        const verbOk = p.verb === '*' ? (r.verbs ?? []).includes('*') : true;
        const resourceOk = p.resource === '*' ? (r.resources ?? []).includes('*') : has(r.resources, p.resource!);
        return verbOk && resourceOk && has(r.apiGroups, p.group!) && !(r.resourceNames && r.resourceNames.length > 0);
      });
      if (!granted) missing.push(p.url !== undefined ? `${p.url} ${p.verb}` : `${p.group || 'core'}/${p.resource} ${p.verb}`);
    }
  }
  return missing;
}
