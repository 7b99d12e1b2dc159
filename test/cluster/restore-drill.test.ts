/**
 * A restore drill on a real kube-apiserver: every object of a drill (from
 * `PerconaXtraDbBackupPlan` with `drill`) created as rendered; the drill's RBAC and admission
 * policy as the server enforces them (SubjectAccessReviews, `kubectl auth can-i --as`, and
 * creates impersonating the drill's ServiceAccount); its pod admitted, server-side dry-run, in a
 * namespace that enforces the Pod Security level the drill declares. The same for a drill whose
 * throwaway database KubeDB runs (`DrillServer.kubedb()`), with KubeDB's CRD installed.
 */
import { Chart, Testing } from 'cdk8s';
import { Backend, DrillServer, PerconaXtraDbBackupPlan, PodSecurityLevel, RestoreDrillOptions, RetentionPolicy, Schedule } from '../../src';
import { describeWithReference, kubedbCrds } from '../support/reference';
import { Cluster, startCluster } from './harness';
import { Access, describeAccess, reviewAccess, serviceAccountUser } from './support/access';
import { catalogOf, jobPodOf } from '../support/stash-job-pod';
import { applyCrds, missingFrom, serverWarnings, stripServerFields } from './support/objects';
import { DIST_DIR, requireArtifact } from './support/repo';
import { asList, readYamlFile } from './support/yaml';
import * as path from 'path';

const NS = 'shop';
const DRILL = 'orders-drill';
const SA = `system:serviceaccount:${NS}:${DRILL}`;

function drillObjects(drill: RestoreDrillOptions = { schemas: ['shop'], rowCountRules: [] }): { objects: any[]; level: PodSecurityLevel } {
  const chart = new Chart(Testing.app(), 'drill', { namespace: NS });
  const plan = new PerconaXtraDbBackupPlan(chart, 'orders', {
    database: 'orders', version: '8.0.36',
    backend: Backend.gcs({ bucket: 'shop-backups', prefix: 'shop/orders' }), storageSecretName: 'gcs-secret',
    schedule: Schedule.daily({ hour: 1 }), retentionPolicy: RetentionPolicy.keepLast(7),
    drill,
  });
  return { objects: Testing.synth(chart), level: plan.drill!.podSecurityLevel };
}

describe('a restore drill on a real API server', () => {
  let cluster: Cluster;
  const { objects, level } = drillObjects();
  const restoreSession = JSON.parse(objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === `${DRILL}-config`).data['restoresession.json']);
  const cronJob = objects.find((o) => o.kind === 'CronJob');

  beforeAll(async () => {
    cluster = await startCluster();
    await cluster.createNamespace(NS, {
      'pod-security.kubernetes.io/enforce': level, 'pod-security.kubernetes.io/enforce-version': 'latest',
      'pod-security.kubernetes.io/warn': level, 'pod-security.kubernetes.io/warn-version': 'latest',
    });
    const crds = readYamlFile(requireArtifact(path.join(DIST_DIR, 'crds.yaml'), 'the CRDs (npm run synth)')).filter((o) => o.kind === 'CustomResourceDefinition');
    await applyCrds(cluster, crds);
    // The source database's AppBinding, as KubeDB would have made it, and a Secret the drill does not own.
    await cluster.kubectl(['create', '-f', '-'], {
      input: asList([
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'orders-auth', namespace: NS }, stringData: { username: 'root', password: 'source' } },
        {
          apiVersion: 'appcatalog.appscode.com/v1alpha1', kind: 'AppBinding', metadata: { name: 'orders', namespace: NS },
          spec: { type: 'kubedb.com/perconaxtradb', clientConfig: { service: { name: 'orders', port: 3306, scheme: 'mysql' } }, secret: { kind: 'Secret', name: 'orders-auth' } },
        },
      ]),
    });
  }, 240_000);
  afterAll(async () => cluster?.stop());

  test('the drill declares Pod Security "restricted"', () => {
    expect(level).toBe(PodSecurityLevel.RESTRICTED);
  });

  test('every object of the drill is created as rendered (strict field validation, no warning)', async () => {
    const r = await cluster.kubectlResult(['create', '--validate=strict', '-f', '-'], { input: asList(objects) });
    expect({ code: r.code, stderr: r.stderr.trim(), warnings: serverWarnings(r.stderr) }).toEqual({ code: 0, stderr: '', warnings: [] });
    for (const o of objects) {
      const ns = o.metadata.namespace ? ['-n', o.metadata.namespace] : [];
      const live = JSON.parse(await cluster.kubectl(['get', `${o.kind.toLowerCase()}.${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}`.replace(/\.$/, ''), o.metadata.name, ...ns, '-o', 'json']));
      expect({ object: `${o.kind}/${o.metadata.name}`, missing: missingFrom(o, stripServerFields(live)) }).toEqual({ object: `${o.kind}/${o.metadata.name}`, missing: [] });
    }
  });

  test('under network policies with an external Pushgateway, the drill\'s NetworkPolicies are created as rendered', async () => {
    const chart = new Chart(Testing.app(), 'drill-np', { namespace: 'shop-np' });
    new PerconaXtraDbBackupPlan(chart, 'orders', {
      database: 'orders', version: '8.0.36',
      backend: Backend.gcs({ bucket: 'shop-backups', prefix: 'shop/orders' }), storageSecretName: 'gcs-secret',
      schedule: Schedule.daily({ hour: 1 }), retentionPolicy: RetentionPolicy.keepLast(7),
      networkPolicy: { apiServerCidrs: ['10.0.0.1/32'], pushgatewayPeer: { namespace: 'monitoring', podLabels: { 'app.kubernetes.io/name': 'prometheus-pushgateway' } } },
      drill: { pushgatewayUrl: 'http://pushgateway.monitoring.svc:9091' },
    });
    const policies = Testing.synth(chart).filter((o) => o.kind === 'NetworkPolicy');
    expect(policies.map((o) => o.metadata.name)).toEqual(expect.arrayContaining(['orders-drill', 'orders-drill-jobs']));
    await cluster.createNamespace('shop-np');
    const r = await cluster.kubectlResult(['create', '--validate=strict', '-f', '-'], { input: asList(policies) });
    expect({ code: r.code, stderr: r.stderr.trim() }).toEqual({ code: 0, stderr: '' });
    for (const o of policies) {
      const live = JSON.parse(await cluster.kubectl(['get', 'networkpolicy', o.metadata.name, '-n', 'shop-np', '-o', 'json']));
      // `ingress: []` (deny all, with policyTypes Ingress) is stored as no ingress: the same policy.
      const missing = missingFrom(o, stripServerFields(live)).filter((m: string) => m !== '.spec.ingress: applied [], server has undefined');
      expect({ object: o.metadata.name, missing }).toEqual({ object: o.metadata.name, missing: [] });
    }
  });

  test('its pod is admitted in a namespace that enforces the level it declares', async () => {
    const template = cronJob.spec.jobTemplate.spec.template;
    const pod = {
      apiVersion: 'v1', kind: 'Pod',
      // The downward API reads these labels, which the Job controller sets.
      metadata: { name: 'orders-drill-run', namespace: NS, labels: { ...template.metadata.labels, 'batch.kubernetes.io/job-name': 'orders-drill-1', 'batch.kubernetes.io/controller-uid': '0b5c2d3e-1111-4222-8333-444455556666' } },
      spec: template.spec,
    };
    const r = await cluster.kubectlResult(['create', '--dry-run=server', '-f', '-'], { input: JSON.stringify(pod) });
    expect({ code: r.code, stderr: r.stderr.trim() }).toEqual({ code: 0, stderr: '' });
    // And refused where root is asked for.
    const root = structuredClone(pod);
    root.spec.securityContext = { ...root.spec.securityContext, runAsNonRoot: false, runAsUser: 0 };
    const refused = await cluster.kubectlResult(['create', '--dry-run=server', '-f', '-'], { input: JSON.stringify(root) });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('violates PodSecurity "restricted:latest"');
  });

  test('the restore Job that the operator builds from the drill\'s RestoreSession is admitted there too', async () => {
    const catalog = catalogOf(readYamlFile(requireArtifact(path.join(DIST_DIR, 'install.yaml'), 'dist/install.yaml')));
    const pod = jobPodOf(restoreSession, catalog, { namespace: NS });
    await cluster.kubectl(['create', 'serviceaccount', pod.spec.serviceAccountName, '-n', NS]);
    const r = await cluster.kubectlResult(['create', '--dry-run=server', '-f', '-'], { input: JSON.stringify(pod) });
    expect({ code: r.code, stderr: r.stderr.trim() }).toEqual({ code: 0, stderr: '' });
  });

  const rs = (verb: string, name?: string): Access => ({ verb, group: 'stash.appscode.com', resource: 'restoresessions', namespace: NS, ...(name ? { name } : {}) });
  const YES: Access[] = [
    rs('create'), rs('get', DRILL), rs('watch', DRILL), rs('delete', DRILL),
    { verb: 'create', resource: 'secrets', namespace: NS },
    { verb: 'delete', resource: 'secrets', namespace: NS, name: `${DRILL}-auth` },
    { verb: 'get', group: 'appcatalog.appscode.com', resource: 'appbindings', namespace: NS, name: DRILL },
  ];
  const NO: Access[] = [
    { verb: 'get', group: 'appcatalog.appscode.com', resource: 'appbindings', namespace: NS, name: 'orders' },
    { verb: 'update', group: 'appcatalog.appscode.com', resource: 'appbindings', namespace: NS, name: DRILL },
    { verb: 'list', group: 'appcatalog.appscode.com', resource: 'appbindings', namespace: NS },
    { verb: 'get', resource: 'secrets', namespace: NS, name: 'orders-auth' },
    { verb: 'get', resource: 'secrets', namespace: NS, name: `${DRILL}-auth` },
    { verb: 'delete', resource: 'secrets', namespace: NS, name: 'orders-auth' },
    { verb: 'list', resource: 'secrets', namespace: NS },
    rs('get', 'orders-restore'), rs('delete', 'orders-restore'), rs('update', DRILL), rs('list'),
    ...['get', 'list', 'create', 'update', 'delete'].map((verb) => ({ verb, group: 'stash.appscode.com', resource: 'backupconfigurations', namespace: NS })),
    ...['get', 'list', 'create', 'update', 'delete'].map((verb) => ({ verb, group: 'stash.appscode.com', resource: 'repositories', namespace: NS })),
    { verb: 'create', group: 'batch', resource: 'jobs', namespace: NS },
    { verb: 'create', resource: 'pods', namespace: NS },
    { ...rs('create'), namespace: 'default' },
  ];

  test('SubjectAccessReviews: yes for each thing the drill does', async () => {
    const answers = await reviewAccess(cluster, serviceAccountUser(NS, DRILL), YES);
    expect(YES.filter((_, i) => !answers[i]).map(describeAccess)).toEqual([]);
  });

  test('SubjectAccessReviews: no for the source database\'s AppBinding, Secrets it does not own, BackupConfigurations and Repositories', async () => {
    const answers = await reviewAccess(cluster, serviceAccountUser(NS, DRILL), NO);
    expect(NO.filter((_, i) => answers[i]).map(describeAccess)).toEqual([]);
  });

  test.each<[string, string[], string]>([
    ['get its own AppBinding', ['get', 'appbindings.appcatalog.appscode.com/orders-drill'], 'yes'],
    ['get the source database\'s AppBinding', ['get', 'appbindings.appcatalog.appscode.com/orders'], 'no'],
    ['read the source database\'s Secret', ['get', 'secrets/orders-auth'], 'no'],
    ['delete its own Secret', ['delete', 'secrets/orders-drill-auth'], 'yes'],
    ['delete another Secret', ['delete', 'secrets/orders-auth'], 'no'],
    ['list Repositories', ['list', 'repositories.stash.appscode.com'], 'no'],
    ['patch BackupConfigurations', ['patch', 'backupconfigurations.stash.appscode.com'], 'no'],
  ])('kubectl auth can-i --as the drill: %s', async (_, args, answer) => {
    const r = await cluster.kubectlResult(['auth', 'can-i', ...args, '-n', NS, `--as=${SA}`]);
    expect(r.stdout.trim()).toBe(answer);
  });

  describe('creates as the drill\'s ServiceAccount: RBAC lets it create, the admission policy holds it to its own names', () => {
    const asDrill = (object: any) => cluster.kubectlResult(['create', '--dry-run=server', `--as=${SA}`, '-f', '-'], { input: JSON.stringify(object) });

    test('its own RestoreSession, into its own AppBinding: allowed', async () => {
      const r = await asDrill(restoreSession);
      expect({ code: r.code, stderr: r.stderr.trim() }).toEqual({ code: 0, stderr: '' });
    });

    test('a RestoreSession into the source database\'s AppBinding: denied', async () => {
      const evil = structuredClone(restoreSession);
      evil.spec.target.ref.name = 'orders';
      const r = await asDrill(evil);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`may only create the RestoreSession ${DRILL}, targeting its own AppBinding ${DRILL}`);
    });

    test('a RestoreSession under another name: denied', async () => {
      const other = structuredClone(restoreSession);
      other.metadata.name = 'orders-restore';
      const r = await asDrill(other);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('ValidatingAdmissionPolicy');
    });

    test('its own Secret: allowed; another Secret: denied', async () => {
      const secret = (name: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: NS }, stringData: { password: 'x' } });
      const own = await asDrill(secret(`${DRILL}-auth`));
      expect({ code: own.code, stderr: own.stderr.trim() }).toEqual({ code: 0, stderr: '' });
      const other = await asDrill(secret('orders-auth-copy'));
      expect(other.code).not.toBe(0);
      expect(other.stderr).toContain(`may only create the Secret ${DRILL}-auth`);
    });

    test('the admin (not the drill) is not held by the policy', async () => {
      const evil = structuredClone(restoreSession);
      evil.metadata.name = 'admin-restore';
      evil.spec.target.ref.name = 'orders';
      const r = await cluster.kubectlResult(['create', '--dry-run=server', '-f', '-'], { input: JSON.stringify(evil) });
      expect({ code: r.code, stderr: r.stderr.trim() }).toEqual({ code: 0, stderr: '' });
    });
  });
});

describeWithReference('a drill into a KubeDB PerconaXtraDB on a real API server', () => {
  let cluster: Cluster;
  const { objects, level } = drillObjects({ schemas: ['shop'], throwaway: DrillServer.kubedb() });
  const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === `${DRILL}-config`).data;
  const database = JSON.parse(config['perconaxtradb.json']);
  const restoreSession = JSON.parse(config['restoresession.json']);
  const cronJob = objects.find((o) => o.kind === 'CronJob');

  beforeAll(async () => {
    cluster = await startCluster();
    await cluster.createNamespace(NS, { 'pod-security.kubernetes.io/enforce': level, 'pod-security.kubernetes.io/enforce-version': 'latest' });
    const crds = readYamlFile(requireArtifact(path.join(DIST_DIR, 'crds.yaml'), 'the CRDs (npm run synth)')).filter((o) => o.kind === 'CustomResourceDefinition');
    // KubeDB's own CRDs (PerconaXtraDB, PerconaXtraDBVersion), as KubeDB installs them.
    await applyCrds(cluster, [...crds, ...kubedbCrds().values()]);
    // The source database, as KubeDB made it: its PerconaXtraDB, AppBinding and Secret.
    await cluster.kubectl(['create', '-f', '-'], {
      input: asList([
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'orders-auth', namespace: NS }, stringData: { username: 'root', password: 'source' } },
        { apiVersion: 'kubedb.com/v1', kind: 'PerconaXtraDB', metadata: { name: 'orders', namespace: NS }, spec: { version: '8.0.36', replicas: 3, storageType: 'Ephemeral', deletionPolicy: 'Halt' } },
        {
          apiVersion: 'appcatalog.appscode.com/v1alpha1', kind: 'AppBinding', metadata: { name: 'orders', namespace: NS },
          spec: { type: 'kubedb.com/perconaxtradb', clientConfig: { service: { name: 'orders', port: 3306, scheme: 'mysql' } }, secret: { kind: 'Secret', name: 'orders-auth' } },
        },
      ]),
    });
  }, 240_000);
  afterAll(async () => cluster?.stop());

  test('every object of the drill is created as rendered (strict field validation, no warning), and its PerconaXtraDB too', async () => {
    const r = await cluster.kubectlResult(['create', '--validate=strict', '-f', '-'], { input: asList(objects) });
    expect({ code: r.code, stderr: r.stderr.trim(), warnings: serverWarnings(r.stderr) }).toEqual({ code: 0, stderr: '', warnings: [] });
    const db = await cluster.kubectlResult(['create', '--validate=strict', '--dry-run=server', '-f', '-'], { input: JSON.stringify(database) });
    expect({ code: db.code, stderr: db.stderr.trim() }).toEqual({ code: 0, stderr: '' });
  });

  test('its pod (restore, check and cleanup steps; no server) is admitted under the level it declares', async () => {
    expect(level).toBe(PodSecurityLevel.RESTRICTED);
    const template = cronJob.spec.jobTemplate.spec.template;
    const pod = {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'orders-drill-run', namespace: NS, labels: { ...template.metadata.labels, 'batch.kubernetes.io/job-name': 'orders-drill-1', 'batch.kubernetes.io/controller-uid': '0b5c2d3e-1111-4222-8333-444455556666' } },
      spec: template.spec,
    };
    const r = await cluster.kubectlResult(['create', '--dry-run=server', '-f', '-'], { input: JSON.stringify(pod) });
    expect({ code: r.code, stderr: r.stderr.trim() }).toEqual({ code: 0, stderr: '' });
  });

  const rs = (verb: string, name?: string): Access => ({ verb, group: 'stash.appscode.com', resource: 'restoresessions', namespace: NS, ...(name ? { name } : {}) });
  const pxc = (verb: string, name?: string): Access => ({ verb, group: 'kubedb.com', resource: 'perconaxtradbs', namespace: NS, ...(name ? { name } : {}) });
  const YES: Access[] = [
    rs('create'), rs('get', DRILL), rs('watch', DRILL), rs('delete', DRILL),
    pxc('create'), pxc('get', DRILL), pxc('watch', DRILL), pxc('delete', DRILL),
    // KubeDB's Secret and AppBinding for the drill's database, by the names KubeDB gives them.
    { verb: 'get', resource: 'secrets', namespace: NS, name: `${DRILL}-auth` },
    { verb: 'get', group: 'appcatalog.appscode.com', resource: 'appbindings', namespace: NS, name: DRILL },
  ];
  const NO: Access[] = [
    pxc('get', 'orders'), pxc('delete', 'orders'), pxc('update', 'orders'), pxc('update', DRILL), pxc('patch', DRILL), pxc('list'),
    { ...pxc('create'), namespace: 'default' },
    { verb: 'get', resource: 'secrets', namespace: NS, name: 'orders-auth' },
    { verb: 'create', resource: 'secrets', namespace: NS },
    { verb: 'delete', resource: 'secrets', namespace: NS, name: `${DRILL}-auth` },
    { verb: 'update', resource: 'secrets', namespace: NS, name: `${DRILL}-auth` },
    { verb: 'list', resource: 'secrets', namespace: NS },
    { verb: 'get', group: 'appcatalog.appscode.com', resource: 'appbindings', namespace: NS, name: 'orders' },
    { verb: 'update', group: 'appcatalog.appscode.com', resource: 'appbindings', namespace: NS, name: DRILL },
    rs('get', 'orders-restore'), rs('list'),
    ...['get', 'list', 'create', 'update', 'delete'].map((verb) => ({ verb, group: 'stash.appscode.com', resource: 'backupconfigurations', namespace: NS })),
    ...['get', 'list', 'create', 'update', 'delete'].map((verb) => ({ verb, group: 'stash.appscode.com', resource: 'repositories', namespace: NS })),
  ];

  test('SubjectAccessReviews: yes for each thing the drill does', async () => {
    const answers = await reviewAccess(cluster, serviceAccountUser(NS, DRILL), YES);
    expect(YES.filter((_, i) => !answers[i]).map(describeAccess)).toEqual([]);
  });

  test('SubjectAccessReviews: no for the source database (its PerconaXtraDB, AppBinding, Secret), other Secrets, BackupConfigurations and Repositories', async () => {
    const answers = await reviewAccess(cluster, serviceAccountUser(NS, DRILL), NO);
    expect(NO.filter((_, i) => answers[i]).map(describeAccess)).toEqual([]);
  });

  describe('creates as the drill\'s ServiceAccount: the admission policy holds its PerconaXtraDB to the drill\'s own', () => {
    const asDrill = (object: any) => cluster.kubectlResult(['create', '--dry-run=server', `--as=${SA}`, '-f', '-'], { input: JSON.stringify(object) });
    const owned = (o: any) => ({ ...o, metadata: { ...o.metadata, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'orders-drill-1', uid: '0b5c2d3e-1111-4222-8333-444455556666' }] } });

    // The API server applies a new ValidatingAdmissionPolicy once its policy source has synced
    // and it can map the policy's resources, which for a CRD's kind (perconaxtradbs) can lag the
    // policy's creation by seconds on a loaded machine: wait (bounded) until it holds a create of
    // another name, so the cases below judge the policy, not the lag.
    beforeAll(async () => {
      const other = { ...database, metadata: { ...database.metadata, name: 'orders-copy' } };
      for (const until = Date.now() + 60_000; Date.now() < until;) {
        const r = await asDrill(other);
        if (r.code !== 0 && r.stderr.includes(`may only create the PerconaXtraDB ${DRILL}`)) return;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }, 90_000);

    test('the rendered PerconaXtraDB, owned by the run\'s Job, and the RestoreSession into KubeDB\'s AppBinding: allowed', async () => {
      for (const object of [owned(database), owned(restoreSession)]) {
        const r = await asDrill(object);
        expect({ kind: object.kind, code: r.code, stderr: r.stderr.trim() }).toEqual({ kind: object.kind, code: 0, stderr: '' });
      }
    });

    test.each([
      ['under another name', (db: any) => ({ ...db, metadata: { ...db.metadata, name: 'orders-copy' } })],
      ['with the source\'s Secret (its password would reach the drill)', (db: any) => ({ ...db, spec: { ...db.spec, authSecret: { name: 'orders-auth' } } })],
      ['that is kept on deletion', (db: any) => ({ ...db, spec: { ...db.spec, deletionPolicy: 'Halt' } })],
      ['that does not wait for the restore', (db: any) => ({ ...db, spec: { ...db.spec, init: { waitForInitialRestore: false } } })],
    ])('a PerconaXtraDB %s: denied', async (_name, change) => {
      const r = await asDrill(change(database));
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`may only create the PerconaXtraDB ${DRILL}`);
    });

    test('a Secret of its own making: denied by RBAC (KubeDB makes the database\'s)', async () => {
      const r = await asDrill({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `${DRILL}-auth`, namespace: NS }, stringData: { password: 'x' } });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('forbidden');
    });
  });
});
