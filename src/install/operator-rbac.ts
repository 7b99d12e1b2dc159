/**
 * The identity and permissions of the Stash operator: its ServiceAccount, its ClusterRole and
 * binding, the bindings an aggregated API server needs (auth delegation and the
 * `extension-apiserver-authentication` reader in kube-system) and the license roles.
 *
 * The rules follow upstream's chart (stashed/installer, charts/stash-enterprise,
 * cluster-role.yaml) without the PodSecurityPolicy rule (policy/v1beta1 is gone since
 * Kubernetes 1.25) and with the task-queue rules only when the task queue is on. A key reason
 * for their breadth: the operator creates ClusterRoles and Roles for the ServiceAccounts of
 * backup, restore and cron Jobs and of workload sidecars (stashed/stash, pkg/rbac), and
 * Kubernetes lets it grant only permissions it holds itself (RBAC escalation prevention).
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { annotationProblems } from '../core/validation/metadata';
import { guarded } from '../core/validation/problems';
import { metadataOf, OperatorIdentity } from './operator-identity';

/** The cluster-wide ClusterRole, shared by AppsCode products, that may check the license (upstream's name). */
export const LICENSE_CHECKER_CLUSTER_ROLE = 'appscode:license-checker';
/** The cluster-wide ClusterRole, shared by AppsCode products, that may read the license (upstream's name). */
export const LICENSE_READER_CLUSTER_ROLE = 'appscode:license-reader';

/** The ClusterRole the operator binds the ServiceAccount of every trigger CronJob to (upstream's name). */
export const CRON_JOB_CLUSTER_ROLE = 'stash-cron-job';
/** The ClusterRole the operator binds the ServiceAccount of every restore Job to (upstream's name). */
export const RESTORE_JOB_CLUSTER_ROLE = 'stash-restore-job';

/**
 * The rules the operator writes into `stash-cron-job` (stashed/stash pkg/rbac/cronjob.go, without
 * a PodSecurityPolicy, so without the PSP rule), in its order: its create-or-patch compares the
 * whole list, so the same rules in the same order mean it never writes.
 */
export function cronJobClusterRoleRules(): k8s.PolicyRule[] {
  return [
    // Wildcard resources and verbs: upstream's rule as it writes it (it compares the list).
    { apiGroups: ['stash.appscode.com'], resources: ['*'], verbs: ['*'] },
    { apiGroups: [''], resources: ['events'], verbs: ['create'] },
    { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'daemonsets'], verbs: ['get'] },
    { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['get'] },
    { apiGroups: ['apps.openshift.io'], resources: ['deploymentconfigs'], verbs: ['get'] },
    // Wildcard resources: upstream's rule as it writes it (get on every AppCatalog kind).
    { apiGroups: ['appcatalog.appscode.com'], resources: ['*'], verbs: ['get'] },
  ];
}

/**
 * The rules the operator writes into `stash-restore-job` (stashed/stash pkg/rbac/restore_job.go,
 * without the PSP rule), in its order. The first two are the same: upstream writes one for the
 * v1beta1 and one for the v1alpha1 API, and both are `stash.appscode.com`; one of them alone would
 * differ from its list, and it would patch.
 */
export function restoreJobClusterRoleRules(): k8s.PolicyRule[] {
  return [
    // Wildcard resources and verbs: upstream's two rules as it writes them (it compares the list).
    { apiGroups: ['stash.appscode.com'], resources: ['*'], verbs: ['*'] },
    { apiGroups: ['stash.appscode.com'], resources: ['*'], verbs: ['*'] },
    { apiGroups: ['appcatalog.appscode.com'], resources: ['appbindings'], verbs: ['get'] },
    { apiGroups: [''], resources: ['secrets', 'endpoints', 'persistentvolumeclaims'], verbs: ['get'] },
    { apiGroups: [''], resources: ['pods', 'pods/exec'], verbs: ['get', 'create', 'list'] },
    { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['get', 'create', 'patch'] },
    { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['get', 'patch'] },
    { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: ['get', 'create', 'patch'] },
    { apiGroups: [''], resources: ['events'], verbs: ['create'] },
  ];
}

/** The `app.kubernetes.io/component` of the Job ClusterRoles. */
export const JOB_RBAC_COMPONENT = 'job-rbac';

/** Options of `operatorClusterRoleRules`. */
export interface OperatorRulesOptions {
  /**
   * Include the rules of the task queue (PendingTasks of batch.k8s.appscode.com).
   * @default false
   */
  readonly taskQueue?: boolean;
}

/** The rules of the operator's ClusterRole. */
export function operatorClusterRoleRules(options: OperatorRulesOptions = {}): k8s.PolicyRule[] {
  const rules: k8s.PolicyRule[] = [
    // Wildcard verbs: upstream grants every verb on CRDs. The community operator stopped
    // registering its CRDs (stashed/stash#1409), but the enterprise build is closed source and its
    // chart still grants them; a smaller set could crash it at start-up in a way we cannot test.
    { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['*'] },
    // Reads its APIServices (license API service lookup) and removes them on cleanup.
    { apiGroups: ['apiregistration.k8s.io'], resources: ['apiservices'], verbs: ['get', 'patch', 'delete'] },
    // Keeps the webhooks' caBundle equal to the kube-apiserver CA (it watches and patches them).
    {
      apiGroups: ['admissionregistration.k8s.io'],
      resources: ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'],
      verbs: ['delete', 'get', 'list', 'watch', 'patch'],
    },
    // Wildcard resources and verbs: the operator manages every kind of its own API groups
    // (v1alpha1 Repository, v1beta1 BackupConfiguration ... Function, Task), their status and
    // finalizers, and grants exactly `stash.appscode.com: * *` to Job and sidecar ServiceAccounts.
    { apiGroups: ['stash.appscode.com'], resources: ['*'], verbs: ['*'] },
    // Wildcard resources and verbs: the cron Job role it creates grants get on every
    // appcatalog.appscode.com resource (AppBinding today, so `*` is what it must hold), and the
    // upstream chart grants every verb on the group.
    { apiGroups: ['appcatalog.appscode.com'], resources: ['*'], verbs: ['*'] },
    // Workloads it backs up: injects sidecars (patch) and watches them.
    { apiGroups: ['apps'], resources: ['daemonsets', 'deployments', 'statefulsets'], verbs: ['get', 'list', 'watch', 'patch'] },
    // Network volume accessor Deployments (enterprise) are created and removed by the operator.
    { apiGroups: ['apps'], resources: ['deployments'], verbs: ['create', 'patch', 'delete'] },
    // Backup/restore Jobs and the CronJobs that trigger BackupSessions.
    { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: ['get', 'list', 'watch', 'create', 'delete', 'patch'] },
    { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch', 'patch'] },
    { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'update', 'get', 'list', 'watch', 'delete'] },
    { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['get', 'list', 'watch', 'create', 'patch'] },
    { apiGroups: [''], resources: ['services', 'endpoints'], verbs: ['get'] },
    { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'create', 'patch'] },
    { apiGroups: [''], resources: ['events'], verbs: ['get', 'list', 'create', 'patch'] },
    { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: [''], resources: ['pods', 'pods/exec'], verbs: ['get', 'create', 'list', 'delete', 'deletecollection'] },
    { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['get', 'create', 'patch', 'delete'] },
    // The RBAC of Jobs and sidecars (see the file comment).
    {
      apiGroups: ['rbac.authorization.k8s.io'],
      resources: ['clusterroles', 'roles', 'rolebindings', 'clusterrolebindings'],
      verbs: ['get', 'list', 'create', 'delete', 'patch'],
    },
    // OpenShift DeploymentConfigs are backed up like Deployments.
    { apiGroups: ['apps.openshift.io'], resources: ['deploymentconfigs'], verbs: ['get', 'list', 'watch', 'patch'] },
    // VolumeSnapshot backups and restores.
    {
      apiGroups: ['snapshot.storage.k8s.io'],
      resources: ['volumesnapshots', 'volumesnapshotcontents', 'volumesnapshotclasses'],
      verbs: ['create', 'get', 'list', 'watch', 'patch', 'delete'],
    },
    { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['get', 'list', 'watch'] },
    // Wildcard verbs: the sidecar and restore init-container roles it creates grant every verb
    // on leases (their leader election), so the operator must hold them all.
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['*'] },
    // Owner references with blockOwnerDeletion on workloads it owns objects for.
    {
      apiGroups: ['apps'],
      resources: ['daemonsets/finalizers', 'deployments/finalizers', 'statefulsets/finalizers'],
      verbs: ['update'],
    },
    { apiGroups: ['apps.openshift.io'], resources: ['deploymentconfigs/finalizers'], verbs: ['update'] },
    // Elasticsearch backups read the KubeDB objects to find versions and dashboards.
    { apiGroups: ['kubedb.com', 'catalog.kubedb.com'], resources: ['elasticsearches', 'elasticsearchversions'], verbs: ['get'] },
    { apiGroups: ['elasticsearch.kubedb.com'], resources: ['elasticsearchdashboards'], verbs: ['list'] },
  ];
  if (options.taskQueue) {
    // The task queue: the operator files each BackupSession as a PendingTask of the TaskQueue.
    rules.push(
      { apiGroups: ['batch.k8s.appscode.com'], resources: ['pendingtasks'], verbs: ['create', 'get', 'list', 'watch', 'patch'] },
      { apiGroups: ['batch.k8s.appscode.com'], resources: ['pendingtasks/finalizers'], verbs: ['update'] },
    );
  }
  return rules;
}

/** Rules of `appscode:license-checker` (upstream's shared ClusterRole). */
export function licenseCheckerRules(): k8s.PolicyRule[] {
  return [
    // The cluster ID is the UID of kube-system.
    { apiGroups: [''], resources: ['namespaces'], verbs: ['get'] },
    { apiGroups: [''], resources: ['configmaps'], resourceNames: ['ace-info'], verbs: ['get'] },
    // Asks the license proxy server for a license.
    { apiGroups: ['proxyserver.licenses.appscode.com'], resources: ['licenserequests'], verbs: ['create'] },
    // Finds the Deployment that owns the operator Pod.
    { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
    { apiGroups: ['apps'], resources: ['deployments', 'replicasets'], verbs: ['get'] },
    // Reports license problems as events.
    { apiGroups: [''], resources: ['events'], verbs: ['get', 'list', 'create', 'patch'] },
  ];
}

/** Rules of `appscode:license-reader` (upstream's shared ClusterRole). */
export function licenseReaderRules(): k8s.PolicyRule[] {
  return [
    // Addons find the license server through the license APIService.
    { apiGroups: ['apiregistration.k8s.io'], resources: ['apiservices'], verbs: ['get'] },
    { nonResourceUrLs: ['/appscode/license'], verbs: ['get'] },
  ];
}

/** Props of `OperatorRbac`. */
export interface OperatorRbacProps {
  /** The operator the objects belong to. */
  readonly identity: OperatorIdentity;
  /**
   * Annotations of the ServiceAccount (e.g. for workload identity).
   * @default - none
   */
  readonly serviceAccountAnnotations?: { [key: string]: string };
  /**
   * Create the ServiceAccount. Turn off to run the operator as an existing ServiceAccount
   * (`identity.serviceAccountName`); the bindings still name it.
   * @default true
   */
  readonly createServiceAccount?: boolean;
  /**
   * Include the task-queue rules.
   * @default false
   */
  readonly taskQueue?: boolean;
  /**
   * Create the shared ClusterRoles `appscode:license-checker` and `appscode:license-reader`. The
   * operator binds backup Jobs to the reader role, so it must exist; turn this off where another
   * AppsCode install (KubeDB, ace-user-roles) already creates them.
   * @default true
   */
  readonly createLicenseRoles?: boolean;
}

/**
 * The operator's ServiceAccount, ClusterRole, ClusterRoleBinding, the aggregated-API-server
 * bindings (`system:auth-delegator`, `extension-apiserver-authentication-reader` in kube-system),
 * the license role bindings, and the shared ClusterRoles `stash-cron-job` and `stash-restore-job`
 * that the operator would otherwise create on first use (two of its workers can race there, and
 * a RestoreSession that loses fails for good).
 */
export class OperatorRbac extends Construct {
  /** The ServiceAccount the operator runs as, when created. */
  public readonly serviceAccount?: k8s.KubeServiceAccount;
  /** The operator's ClusterRole. */
  public readonly clusterRole: k8s.KubeClusterRole;
  /** The shared license ClusterRoles, when created. */
  public readonly licenseRoles: k8s.KubeClusterRole[] = [];
  /**
   * The ClusterRoles the operator binds trigger CronJobs and restore Jobs to, `stash-cron-job` and
   * `stash-restore-job`, with the operator's own rules (see `OperatorRbac`).
   */
  public readonly jobClusterRoles: k8s.KubeClusterRole[];

  constructor(scope: Construct, id: string, props: OperatorRbacProps) {
    super(scope, id);
    const identity = props.identity;
    const subject: k8s.Subject = { kind: 'ServiceAccount', name: identity.serviceAccountName, namespace: identity.namespace };

    if (props.createServiceAccount ?? true) {
      this.node.addValidation({ validate: () => guarded(() => annotationProblems('serviceAccountAnnotations', props.serviceAccountAnnotations)) });
      this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
        metadata: metadataOf(identity, identity.serviceAccountName, true, props.serviceAccountAnnotations),
        // The Pod spec turns the token on for the operator; other Pods using this account get none.
        automountServiceAccountToken: false,
      });
    }
    this.clusterRole = new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: metadataOf(identity, identity.name, false),
      rules: operatorClusterRoleRules({ taskQueue: props.taskQueue }),
    });
    new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: metadataOf(identity, identity.name, false),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: identity.name },
      subjects: [subject],
    });
    // An aggregated API server delegates authentication (TokenReview) and authorization
    // (SubjectAccessReview) to the kube-apiserver ...
    new k8s.KubeClusterRoleBinding(this, 'AuthDelegator', {
      metadata: metadataOf(identity, `${identity.name}-apiserver-auth-delegator`, false),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
      subjects: [subject],
    });
    // ... and reads the client CA and request-header settings from kube-system, where they live.
    new k8s.KubeRoleBinding(this, 'AuthenticationReader', {
      metadata: { ...metadataOf(identity, `${identity.name}-apiserver-extension-server-authentication-reader`, false), namespace: 'kube-system' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'extension-apiserver-authentication-reader' },
      subjects: [subject],
    });

    if (props.createLicenseRoles ?? true) {
      this.licenseRoles.push(
        new k8s.KubeClusterRole(this, 'LicenseCheckerRole', { metadata: metadataOf(identity, LICENSE_CHECKER_CLUSTER_ROLE, false), rules: licenseCheckerRules() }),
        new k8s.KubeClusterRole(this, 'LicenseReaderRole', { metadata: metadataOf(identity, LICENSE_READER_CLUSTER_ROLE, false), rules: licenseReaderRules() }),
      );
    }
    // The operator creates these on first use, from each worker at once: the loser of that race
    // gets AlreadyExists, and a RestoreSession it was reconciling fails for good. Present from
    // the install, they are found, and its create-or-patch (which compares only the rules)
    // leaves them alone. Not labelled as the operator: they outlive it (see the chart).
    const jobRoleMetadata = (name: string) => ({
      ...metadataOf(identity, name, false),
      labels: { ...identity.labels, 'app.kubernetes.io/component': JOB_RBAC_COMPONENT },
    });
    this.jobClusterRoles = [
      new k8s.KubeClusterRole(this, 'CronJobRole', { metadata: jobRoleMetadata(CRON_JOB_CLUSTER_ROLE), rules: cronJobClusterRoleRules() }),
      new k8s.KubeClusterRole(this, 'RestoreJobRole', { metadata: jobRoleMetadata(RESTORE_JOB_CLUSTER_ROLE), rules: restoreJobClusterRoleRules() }),
    ];
    new k8s.KubeClusterRoleBinding(this, 'LicenseChecker', {
      metadata: metadataOf(identity, `${identity.name}-license-checker`, false),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: LICENSE_CHECKER_CLUSTER_ROLE },
      subjects: [subject],
    });
    new k8s.KubeClusterRoleBinding(this, 'LicenseReader', {
      metadata: metadataOf(identity, `${identity.name}-license-reader`, false),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: LICENSE_READER_CLUSTER_ROLE },
      subjects: [subject],
    });
  }
}
