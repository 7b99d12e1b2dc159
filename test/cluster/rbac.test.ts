/**
 * The operator's RBAC as the API server's authorizer sees it, after a real `helm install` of the
 * chart: its ServiceAccount (from the rendered Deployment) can do what upstream's operator does,
 * can create the roles and bindings the operator creates for its Jobs (which Kubernetes allows
 * only for permissions it holds itself), can get and patch the shared Job ClusterRoles the chart
 * ships (its create-or-patch of them), and cannot do a sample of things it never needs.
 *
 * The list of needs comes from upstream (stashed/installer charts/stash-enterprise
 * cluster-role.yaml, stashed/stash pkg/rbac and its controllers); see `test/support/rbac.ts`
 * (shared with the unit tests, which check the rules statically) and
 * `support/upstream-job-rbac.ts`.
 */
import { Cluster, startCluster } from './harness';
import { LICENSE_READER_NEEDS, OPERATOR_NEEDS } from '../support/rbac';
import { Access, accessesOf, describeAccess, reviewAccess, serviceAccountUser } from './support/access';
import { helmOnOk, releaseManifest } from './support/helm';
import { withoutClientNoise } from './support/objects';
import { CHART_DIR, requireChartTemplates } from './support/repo';
import { upstreamRuntimeRbac } from './support/upstream-job-rbac';
import { asList } from './support/yaml';

const RELEASE = 'stash';
const NS = 'stash';
/** A database's namespace, where backups run. */
const DB = 'demo';
/** Another namespace holding the Repository (cross-namespace backups). */
const REPO_NS = 'backups';

/** `kubectl auth can-i` arguments the operator must get "yes" for (resources the server serves). */
const CAN: ReadonlyArray<readonly [string, string[]]> = [
  ['watch BackupConfigurations in every namespace', ['watch', 'backupconfigurations.stash.appscode.com', '--all-namespaces']],
  ['list BackupConfigurations in every namespace', ['list', 'backupconfigurations.stash.appscode.com', '--all-namespaces']],
  ['create CronJobs in a database namespace', ['create', 'cronjobs.batch', '-n', DB]],
  ['patch CronJobs in a database namespace', ['patch', 'cronjobs.batch', '-n', DB]],
  ['create Jobs in a database namespace', ['create', 'jobs.batch', '-n', DB]],
  ['delete Jobs in a database namespace', ['delete', 'jobs.batch', '-n', DB]],
  ['update BackupSession status', ['update', 'backupsessions.stash.appscode.com', '--subresource=status', '-n', DB]],
  ['patch BackupSession status', ['patch', 'backupsessions.stash.appscode.com', '--subresource=status', '-n', DB]],
  ['create RestoreSession status', ['create', 'restoresessions.stash.appscode.com', '--subresource=status', '-n', DB]],
  ['patch RestoreSession status', ['patch', 'restoresessions.stash.appscode.com', '--subresource=status', '-n', DB]],
  ['get Repositories', ['get', 'repositories.stash.appscode.com', '-n', DB]],
  ['list Repositories', ['list', 'repositories.stash.appscode.com', '-n', DB]],
  ['watch Repositories', ['watch', 'repositories.stash.appscode.com', '-n', DB]],
  ['update Repository status', ['update', 'repositories.stash.appscode.com', '--subresource=status', '-n', DB]],
  ['get Functions and Tasks', ['get', 'functions.stash.appscode.com']],
  ['get AppBindings', ['get', 'appbindings.appcatalog.appscode.com', '-n', DB]],
  ['get the storage Secret', ['get', 'secrets/gcs-secret', '-n', DB]],
  ['create events', ['create', 'events', '-n', DB]],
  ['patch events', ['patch', 'events', '-n', DB]],
  ['patch StatefulSets (sidecar, restore init container)', ['patch', 'statefulsets.apps', '-n', DB]],
  ['create ServiceAccounts for Jobs', ['create', 'serviceaccounts', '-n', DB]],
  ['create RoleBindings for Jobs', ['create', 'rolebindings.rbac.authorization.k8s.io', '-n', DB]],
  ['create ClusterRoles for Jobs', ['create', 'clusterroles.rbac.authorization.k8s.io']],
  ['get the shared Job ClusterRole stash-cron-job (its create-or-patch)', ['get', 'clusterroles.rbac.authorization.k8s.io/stash-cron-job']],
  ['patch the shared Job ClusterRole stash-cron-job', ['patch', 'clusterroles.rbac.authorization.k8s.io/stash-cron-job']],
  ['get the shared Job ClusterRole stash-restore-job', ['get', 'clusterroles.rbac.authorization.k8s.io/stash-restore-job']],
  ['patch the shared Job ClusterRole stash-restore-job', ['patch', 'clusterroles.rbac.authorization.k8s.io/stash-restore-job']],
  ['create ClusterRoleBindings (license reader of Jobs)', ['create', 'clusterrolebindings.rbac.authorization.k8s.io']],
  ['exec into database Pods (hooks)', ['create', 'pods', '--subresource=exec', '-n', DB]],
  ['every verb on leases (sidecar leader election)', ['*', 'leases.coordination.k8s.io', '-n', DB]],
  ['patch its MutatingWebhookConfiguration (CA bundle)', ['patch', 'mutatingwebhookconfigurations.admissionregistration.k8s.io/admission.stash.appscode.com']],
  ['patch its ValidatingWebhookConfiguration (CA bundle)', ['patch', 'validatingwebhookconfigurations.admissionregistration.k8s.io/admission.stash.appscode.com']],
  ['get its APIServices', ['get', 'apiservices.apiregistration.k8s.io/v1beta1.admission.stash.appscode.com']],
  ['create TokenReviews (aggregated API server authentication)', ['create', 'tokenreviews.authentication.k8s.io']],
  ['create SubjectAccessReviews (aggregated API server authorization)', ['create', 'subjectaccessreviews.authorization.k8s.io']],
  ['read extension-apiserver-authentication in kube-system', ['get', 'configmaps/extension-apiserver-authentication', '-n', 'kube-system']],
  ['get namespace kube-system (cluster ID for the license)', ['get', 'namespaces/kube-system']],
  ['list nodes', ['list', 'nodes']],
  ['get the license endpoint', ['get', '/appscode/license']],
];

/** Things the operator never needs; `kubectl auth can-i` must say "no" (all built-in resources). */
const CANNOT: ReadonlyArray<readonly [string, string[]]> = [
  ['delete namespaces', ['delete', 'namespaces']],
  ['create namespaces', ['create', 'namespaces']],
  ['escalate ClusterRoles', ['escalate', 'clusterroles.rbac.authorization.k8s.io']],
  ['bind ClusterRoles', ['bind', 'clusterroles.rbac.authorization.k8s.io']],
  ['impersonate users', ['impersonate', 'users']],
  ['impersonate groups', ['impersonate', 'groups']],
  ['impersonate ServiceAccounts', ['impersonate', 'serviceaccounts', '-n', DB]],
  ['request ServiceAccount tokens', ['create', 'serviceaccounts', '--subresource=token', '-n', DB]],
  ['update Secrets', ['update', 'secrets', '-n', DB]],
  ['delete Secrets', ['delete', 'secrets', '-n', DB]],
  ['delete nodes', ['delete', 'nodes']],
  ['patch nodes', ['patch', 'nodes']],
  ['create DaemonSets', ['create', 'daemonsets.apps', '-n', DB]],
  ['create APIServices', ['create', 'apiservices.apiregistration.k8s.io']],
  ['create MutatingWebhookConfigurations', ['create', 'mutatingwebhookconfigurations.admissionregistration.k8s.io']],
  ['create ValidatingAdmissionPolicies', ['create', 'validatingadmissionpolicies.admissionregistration.k8s.io']],
  ['delete PersistentVolumeClaims', ['delete', 'persistentvolumeclaims', '-n', DB]],
  ['delete PersistentVolumes', ['delete', 'persistentvolumes']],
  ['approve CertificateSigningRequests', ['update', 'certificatesigningrequests.certificates.k8s.io', '--subresource=approval']],
  ['create NetworkPolicies', ['create', 'networkpolicies.networking.k8s.io', '-n', DB]],
  ['proxy to nodes', ['get', 'nodes', '--subresource=proxy']],
];

describe('operator RBAC on a real kube-apiserver (helm install, kubectl auth can-i --as)', () => {
  let cluster: Cluster;
  let manifest: any[] = [];
  let serviceAccount = '';
  let as = '';

  beforeAll(async () => {
    requireChartTemplates();
    cluster = await startCluster();
    for (const ns of [NS, DB, REPO_NS]) await cluster.createNamespace(ns);
    await helmOnOk(cluster, ['install', RELEASE, CHART_DIR, '--namespace', NS, '--wait=false']);
    manifest = await releaseManifest(cluster, RELEASE, NS);
    const deployment = manifest.find((o) => o.kind === 'Deployment');
    serviceAccount = deployment?.spec.template.spec.serviceAccountName ?? '';
    as = `--as=system:serviceaccount:${NS}:${serviceAccount}`;
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  async function canI(args: string[]): Promise<string> {
    // Exit code 1 means "no"; the answer is on stdout either way.
    const r = await cluster.kubectlResult(['auth', 'can-i', ...args, as]);
    // (The harness adds "Command failed: ..." to an otherwise empty stderr on a non-zero exit.)
    const stderr = withoutClientNoise(r.stderr).split('\n').filter((l) => !l.startsWith('Command failed:')).join('\n').trim();
    if (r.code > 1 || (stderr && !/^Warning: resource '.*' is not namespace scoped/.test(stderr))) {
      throw new Error(`kubectl auth can-i ${args.join(' ')} failed (${r.code}): ${stderr}`);
    }
    return r.stdout.trim();
  }

  test('the operator Deployment runs as the chart\'s ServiceAccount, in the release namespace, with its token', () => {
    expect(serviceAccount).not.toBe('');
    const sa = manifest.find((o) => o.kind === 'ServiceAccount' && o.metadata.name === serviceAccount);
    expect(sa?.metadata.namespace).toBe(NS);
    const pod = manifest.find((o) => o.kind === 'Deployment').spec.template.spec;
    // The ServiceAccount turns automounting off; the operator Pod turns it on for itself.
    expect(pod.automountServiceAccountToken ?? sa.automountServiceAccountToken ?? true).toBe(true);
  });

  test.each(CAN.map(([what, args]) => [what, args] as const))('can %s', async (_what, args) => {
    expect(`${args.join(' ')}: ${await canI(args)}`).toBe(`${args.join(' ')}: yes`);
  });

  test.each(CANNOT.map(([what, args]) => [what, args] as const))('cannot %s', async (_what, args) => {
    expect(`${args.join(' ')}: ${await canI(args)}`).toBe(`${args.join(' ')}: no`);
  });

  test('holds every permission upstream\'s operator uses, also for kinds this cluster does not serve', async () => {
    // SubjectAccessReviews, exact group/resource: VolumeSnapshots, OpenShift DeploymentConfigs,
    // wildcards (see support/access.ts for why not can-i).
    const accesses: Access[] = [
      ...accessesOf(OPERATOR_NEEDS, DB),
      ...accessesOf(LICENSE_READER_NEEDS, DB),
      { verb: 'create', group: 'snapshot.storage.k8s.io', resource: 'volumesnapshots', namespace: DB },
      { verb: 'create', group: 'proxyserver.licenses.appscode.com', resource: 'licenserequests' },
      { verb: '*', group: 'stash.appscode.com', resource: '*', namespace: DB },
    ];
    const allowed = await reviewAccess(cluster, serviceAccountUser(NS, serviceAccount), accesses);
    expect(accesses.filter((_, i) => !allowed[i]).map(describeAccess)).toEqual([]);
  });

  test('is not a cluster admin (SubjectAccessReview of "*" on "*")', async () => {
    const accesses: Access[] = [
      { verb: '*', group: '*', resource: '*' },
      { verb: '*', group: '', resource: 'secrets', namespace: DB },
      { verb: 'get', url: '/logs' },
    ];
    const allowed = await reviewAccess(cluster, serviceAccountUser(NS, serviceAccount), accesses);
    expect(accesses.filter((_, i) => allowed[i]).map(describeAccess)).toEqual([]);
  });

  test('can create the ClusterRoles, Roles and bindings upstream\'s operator creates for its Jobs (no RBAC escalation)', async () => {
    const licenseReader = manifest.find((o) => o.kind === 'ClusterRole'
      && (o.rules ?? []).some((r: any) => (r.nonResourceURLs ?? []).includes('/appscode/license')));
    expect(licenseReader).toBeDefined();
    const all = upstreamRuntimeRbac(DB, REPO_NS, licenseReader.metadata.name);
    // The chart ships the shared Job ClusterRoles; the operator then patches them (if ever) instead of creating them.
    const shipped = new Set(manifest.filter((o) => o.kind === 'ClusterRole').map((o) => o.metadata.name));
    const objects = all.filter((o) => !(o.kind === 'ClusterRole' && shipped.has(o.metadata.name)));
    expect(all.length - objects.length).toBe(2);
    const r = await cluster.kubectlResult(['create', '-f', '-', as], { input: asList(objects) });
    expect({ code: r.code, stderr: withoutClientNoise(r.stderr).trim() }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout.trim().split('\n')).toHaveLength(objects.length);
    for (const role of all.filter((o) => o.kind === 'ClusterRole' && shipped.has(o.metadata.name))) {
      // An update is checked for escalation like a create: it may write every rule it holds.
      const p = await cluster.kubectlResult(['patch', 'clusterrole', role.metadata.name, '--type', 'strategic', '--dry-run=server', '-p', JSON.stringify({ rules: role.rules }), as]);
      expect({ role: role.metadata.name, code: p.code, stderr: withoutClientNoise(p.stderr).trim() }).toEqual({ role: role.metadata.name, code: 0, stderr: '' });
    }
  });

  test('control: a role with a permission it does not hold is refused as an escalation', async () => {
    const role = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'stash-pxc-test-escalation' },
      rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['delete'] }],
    };
    const r = await cluster.kubectlResult(['create', '--dry-run=server', '-f', '-', as], { input: JSON.stringify(role) });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/is attempting to grant RBAC permissions not currently held/);
  });
});
