/**
 * The RBAC objects the Stash operator creates at run time for the Pods it starts (backup and
 * restore Jobs, the CronJob that triggers BackupSessions, workload sidecars and restore init
 * containers, VolumeSnapshot Jobs), as read from upstream stashed/stash `pkg/rbac/*.go` (the
 * ClusterRole names are `stash.appscode.dev/apimachinery/apis` constants), written here as data.
 * PodSecurityPolicy rules are left out (policy/v1beta1 is gone since Kubernetes 1.25).
 *
 * Kubernetes lets a subject create a role, or bind one, only if it holds every permission in it
 * (RBAC escalation prevention, unless it has `escalate`/`bind`, which upstream does not grant).
 * So creating these as the operator's ServiceAccount proves its ClusterRole is wide enough.
 */

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };

const STASH: Rule = { apiGroups: ['stash.appscode.com'], resources: ['*'], verbs: ['*'] };
const EVENTS: Rule = { apiGroups: [''], resources: ['events'], verbs: ['create'] };
const LEASES: Rule = { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['*'] };

/** ClusterRole name → rules (upstream's names, so the objects are the operator's own). */
export const UPSTREAM_JOB_CLUSTER_ROLES: Record<string, Rule[]> = {
  // pkg/rbac/backup_job.go
  'stash-backup-job': [
    STASH,
    { apiGroups: ['appcatalog.appscode.com'], resources: ['appbindings'], verbs: ['get'] },
    { apiGroups: [''], resources: ['secrets', 'endpoints', 'pods'], verbs: ['get'] },
    { apiGroups: [''], resources: ['pods/exec'], verbs: ['get', 'create'] },
    EVENTS,
  ],
  // pkg/rbac/restore_job.go (one rule for the v1beta1 and one for the v1alpha1 API: the same group)
  'stash-restore-job': [
    STASH,
    STASH,
    { apiGroups: ['appcatalog.appscode.com'], resources: ['appbindings'], verbs: ['get'] },
    { apiGroups: [''], resources: ['secrets', 'endpoints', 'persistentvolumeclaims'], verbs: ['get'] },
    { apiGroups: [''], resources: ['pods', 'pods/exec'], verbs: ['get', 'create', 'list'] },
    { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['get', 'create', 'patch'] },
    { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['get', 'patch'] },
    { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: ['get', 'create', 'patch'] },
    EVENTS,
  ],
  // pkg/rbac/cronjob.go
  'stash-cron-job': [
    STASH,
    EVENTS,
    { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'daemonsets'], verbs: ['get'] },
    { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['get'] },
    { apiGroups: ['apps.openshift.io'], resources: ['deploymentconfigs'], verbs: ['get'] },
    { apiGroups: ['appcatalog.appscode.com'], resources: ['*'], verbs: ['get'] },
  ],
  // pkg/rbac/sidecar.go
  'stash-sidecar': [
    STASH,
    { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'daemonsets'], verbs: ['get', 'list', 'patch'] },
    { apiGroups: ['apps'], resources: ['deployments/finalizers', 'statefulsets/finalizers', 'daemonsets/finalizers'], verbs: ['update'] },
    { apiGroups: [''], resources: ['secrets', 'pods'], verbs: ['get'] },
    { apiGroups: [''], resources: ['pods/exec'], verbs: ['get', 'create'] },
    { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'update', 'get'] },
    EVENTS,
    { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'get'] },
    { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles', 'roles', 'rolebindings'], verbs: ['get', 'create'] },
    { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['get', 'create'] },
    LEASES,
    { apiGroups: ['apps.openshift.io'], resources: ['deploymentconfigs'], verbs: ['get', 'list', 'patch'] },
    { apiGroups: ['apps.openshift.io'], resources: ['deploymentconfigs/finalizers'], verbs: ['update'] },
  ],
  // pkg/rbac/init_container.go
  'stash-restore-init-container': [
    STASH,
    { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'update', 'get'] },
    { apiGroups: [''], resources: ['pods/exec'], verbs: ['get', 'create'] },
    EVENTS,
    { apiGroups: [''], resources: ['secrets', 'endpoints', 'pods'], verbs: ['get'] },
    LEASES,
  ],
  // pkg/rbac/volume_snapshot.go
  'stash-vs-job': [
    STASH,
    EVENTS,
    { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
    { apiGroups: [''], resources: ['pods/exec'], verbs: ['get', 'create'] },
    { apiGroups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: ['get', 'list'] },
    { apiGroups: ['apps'], resources: ['daemonsets'], verbs: ['get', 'list'] },
    {
      apiGroups: ['snapshot.storage.k8s.io'],
      resources: ['volumesnapshots', 'volumesnapshotcontents', 'volumesnapshotclasses'],
      verbs: ['create', 'get', 'list', 'watch', 'patch', 'delete'],
    },
  ],
  'stash-vs-restorer-job': [
    STASH,
    EVENTS,
    { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['get', 'list', 'watch', 'create', 'patch'] },
    { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['get'] },
    { apiGroups: ['snapshot.storage.k8s.io'], resources: ['volumesnapshots'], verbs: ['get'] },
  ],
  'stash-sc-reader': [
    { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['get'] },
    { apiGroups: ['snapshot.storage.k8s.io'], resources: ['volumesnapshots'], verbs: ['get'] },
  ],
};

/**
 * The objects the operator creates for one backup of a database in `dbNamespace` whose Repository
 * lives in `repoNamespace`: the Job ClusterRoles, RoleBindings of the Job ServiceAccount to them,
 * the cross-namespace Role for the Repository and its Secret (pkg/rbac/cross_namespace.go), the
 * StorageClass reader binding, and the license reader binding (pkg/rbac/license_reader.go).
 */
export function upstreamRuntimeRbac(dbNamespace: string, repoNamespace: string, licenseReaderRole: string): any[] {
  const jobSa = 'backupconfiguration-sample-xtradb-backup';
  const subject = { kind: 'ServiceAccount', name: jobSa, namespace: dbNamespace };
  const clusterRoles = Object.entries(UPSTREAM_JOB_CLUSTER_ROLES).map(([name, rules]) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules,
  }));
  const roleBindings = Object.keys(UPSTREAM_JOB_CLUSTER_ROLES).filter((n) => n !== 'stash-sc-reader').map((name) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: `${name}-sample-xtradb-backup`, namespace: dbNamespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects: [subject],
  }));
  const crossNamespaceRole = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: `${dbNamespace}-backupconfiguration-sample-xtradb-backup`, namespace: repoNamespace },
    rules: [
      { apiGroups: ['stash.appscode.com'], resources: ['repositories', 'repositories/status'], verbs: ['get', 'list', 'patch', 'update'], resourceNames: ['gcs-repo'] },
      { apiGroups: [''], resources: ['secrets', 'pods', 'endpoints'], verbs: ['get'], resourceNames: ['gcs-secret'] },
    ],
  };
  const crossNamespaceBinding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: crossNamespaceRole.metadata.name, namespace: repoNamespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: crossNamespaceRole.metadata.name },
    subjects: [subject],
  };
  const clusterBindings = [
    { name: `stash-sc-reader-${dbNamespace}-${jobSa}`, role: 'stash-sc-reader' },
    { name: `${licenseReaderRole}-${dbNamespace}-${jobSa}`, role: licenseReaderRole },
  ].map(({ name, role }) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name }, // RBAC names may hold ':' (upstream's is "appscode:license-reader-<ns>-<sa>")
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: [subject],
  }));
  const serviceAccount = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: jobSa, namespace: dbNamespace } };
  return [serviceAccount, ...clusterRoles, ...roleBindings, crossNamespaceRole, crossNamespaceBinding, ...clusterBindings];
}
