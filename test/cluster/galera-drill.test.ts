/**
 * A Galera restore drill on a real kube-apiserver: every object created as rendered; the server
 * pod the runner creates, created as the drill's ServiceAccount (RBAC, the admission policy and
 * Pod Security at once); the restore Jobs the operator builds from its RestoreSession admitted
 * under the level the drill declares, taking the addon's physical path; SubjectAccessReviews for
 * the verbs the Galera path adds, and none beyond them.
 */
import { Chart, Size, Testing } from 'cdk8s';
import { Backend, PerconaXtraDbBackupPlan, PodSecurityLevel, RetentionPolicy, Schedule } from '../../src';
import { Cluster, startCluster } from './harness';
import { Access, describeAccess, reviewAccess, serviceAccountUser } from './support/access';
import { catalogOf, jobPodOf } from '../support/stash-job-pod';
import { applyCrds, missingFrom, serverWarnings, stripServerFields } from './support/objects';
import { DIST_DIR, requireArtifact } from './support/repo';
import { asList, readYamlFile } from './support/yaml';
import * as path from 'path';

const NS = 'galera';
const DRILL = 'orders-drill';
const SA = `system:serviceaccount:${NS}:${DRILL}`;
const POD = `${DRILL}-server`;
const CLAIMS = [`${DRILL}-data-0`, `${DRILL}-data-1`];

function drillObjects(): { objects: any[]; level: PodSecurityLevel } {
  const chart = new Chart(Testing.app(), 'drill', { namespace: NS });
  const plan = new PerconaXtraDbBackupPlan(chart, 'orders', {
    database: 'orders', version: '8.0.36',
    backend: Backend.gcs({ bucket: 'shop-backups', prefix: 'shop/orders' }), storageSecretName: 'gcs-secret',
    schedule: Schedule.daily({ hour: 1 }), retentionPolicy: RetentionPolicy.keepLast(7),
    drill: { galera: true, claimStorage: Size.gibibytes(20), schemas: ['shop'] },
  });
  return { objects: Testing.synth(chart), level: plan.drill!.podSecurityLevel };
}

describe('a Galera restore drill on a real API server', () => {
  let cluster: Cluster;
  const { objects, level } = drillObjects();
  const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === `${DRILL}-config`).data;
  const restoreSession = JSON.parse(config['restoresession.json']);
  const serverPod = JSON.parse(config['server-pod.json']);
  const cronJob = objects.find((o) => o.kind === 'CronJob');
  // As the runner creates it, told how long the restore took (its owner, the run's Job, does not exist here).
  const asCreated = (pod: any) => ({
    ...pod,
    metadata: { ...pod.metadata, annotations: { 'stash-pxc/restore-seconds': '42' } },
  });

  beforeAll(async () => {
    cluster = await startCluster();
    await cluster.createNamespace(NS, {
      'pod-security.kubernetes.io/enforce': level, 'pod-security.kubernetes.io/enforce-version': 'latest',
      'pod-security.kubernetes.io/warn': level, 'pod-security.kubernetes.io/warn-version': 'latest',
    });
    const crds = readYamlFile(requireArtifact(path.join(DIST_DIR, 'crds.yaml'), 'the CRDs (npm run synth)')).filter((o) => o.kind === 'CustomResourceDefinition');
    await applyCrds(cluster, crds);
    // The source cluster: its AppBinding, its Secret and its member's claim, which the drill must not touch.
    await cluster.kubectl(['create', '-f', '-'], {
      input: asList([
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'orders-auth', namespace: NS }, stringData: { username: 'root', password: 'source' } },
        {
          apiVersion: 'appcatalog.appscode.com/v1alpha1', kind: 'AppBinding', metadata: { name: 'orders', namespace: NS },
          spec: { type: 'kubedb.com/perconaxtradb', clientConfig: { service: { name: 'orders', port: 3306, scheme: 'mysql' } }, secret: { kind: 'Secret', name: 'orders-auth' } },
        },
        { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data-orders-0', namespace: NS }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
      ]),
    });
  }, 240_000);
  afterAll(async () => cluster?.stop());

  test('the drill declares Pod Security "baseline" (its restore Jobs run as root)', () => {
    expect(level).toBe(PodSecurityLevel.BASELINE);
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

  test('the runner\'s pod is admitted there', async () => {
    const template = cronJob.spec.jobTemplate.spec.template;
    const pod = {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'orders-drill-run', namespace: NS, labels: { ...template.metadata.labels, 'batch.kubernetes.io/job-name': 'orders-drill-1', 'batch.kubernetes.io/controller-uid': '0b5c2d3e-1111-4222-8333-444455556666' } },
      spec: template.spec,
    };
    const r = await cluster.kubectlResult(['create', '--dry-run=server', '-f', '-'], { input: JSON.stringify(pod) });
    expect({ code: r.code, stderr: r.stderr.trim() }).toEqual({ code: 0, stderr: '' });
  });

  test('the restore Jobs the operator builds from its RestoreSession are admitted, and take the addon\'s physical path', async () => {
    const catalog = catalogOf(readYamlFile(requireArtifact(path.join(DIST_DIR, 'install.yaml'), 'dist/install.yaml')));
    for (const ordinal of [0, 1]) {
      const pod = jobPodOf(restoreSession, catalog, { namespace: NS, ordinal });
      const restore = pod.spec.initContainers.find((c: any) => c.args?.[0] === 'restore-percona-xtradb');
      // 1 would make the addon pipe a dump into mysql, which a cluster backup does not hold.
      expect(restore.args).toContain('--target-app-replicas=2');
      expect(restore.args).toContain('--source-hostname=host-0');
      expect(pod.spec.volumes).toContainEqual({ name: `${DRILL}-data`, persistentVolumeClaim: { claimName: CLAIMS[ordinal] } });
      if (ordinal === 0) await cluster.kubectl(['create', 'serviceaccount', pod.spec.serviceAccountName, '-n', NS]);
      const r = await cluster.kubectlResult(['create', '--dry-run=server', '-f', '-'], { input: JSON.stringify(pod) });
      expect({ ordinal, code: r.code, stderr: r.stderr.trim() }).toEqual({ ordinal, code: 0, stderr: '' });
    }
  });

  const YES: Access[] = [
    { verb: 'create', group: 'stash.appscode.com', resource: 'restoresessions', namespace: NS },
    ...['get', 'watch', 'delete'].map((verb) => ({ verb, group: 'stash.appscode.com', resource: 'restoresessions', namespace: NS, name: DRILL })),
    { verb: 'get', group: 'appcatalog.appscode.com', resource: 'appbindings', namespace: NS, name: DRILL },
    { verb: 'create', resource: 'pods', namespace: NS },
    ...['get', 'watch', 'delete'].map((verb) => ({ verb, resource: 'pods', namespace: NS, name: POD })),
    ...CLAIMS.flatMap((name) => ['get', 'watch', 'delete'].map((verb) => ({ verb, resource: 'persistentvolumeclaims', namespace: NS, name }))),
  ];
  const NO: Access[] = [
    // The source cluster's claim, AppBinding and Secret.
    ...['get', 'delete', 'update', 'patch'].map((verb) => ({ verb, resource: 'persistentvolumeclaims', namespace: NS, name: 'data-orders-0' })),
    { verb: 'create', resource: 'persistentvolumeclaims', namespace: NS },
    { verb: 'list', resource: 'persistentvolumeclaims', namespace: NS },
    { verb: 'update', resource: 'persistentvolumeclaims', namespace: NS, name: CLAIMS[0] },
    { verb: 'get', group: 'appcatalog.appscode.com', resource: 'appbindings', namespace: NS, name: 'orders' },
    { verb: 'get', resource: 'secrets', namespace: NS, name: 'orders-auth' },
    { verb: 'create', resource: 'secrets', namespace: NS },
    { verb: 'list', resource: 'secrets', namespace: NS },
    // Other pods, and into any pod.
    ...['get', 'delete', 'update'].map((verb) => ({ verb, resource: 'pods', namespace: NS, name: 'orders-0' })),
    { verb: 'list', resource: 'pods', namespace: NS },
    { verb: 'update', resource: 'pods', namespace: NS, name: POD },
    { verb: 'create', resource: 'pods', subresource: 'exec', namespace: NS, name: POD },
    { verb: 'create', resource: 'pods', namespace: 'default' },
    ...['get', 'list', 'create', 'update', 'delete'].map((verb) => ({ verb, group: 'stash.appscode.com', resource: 'backupconfigurations', namespace: NS })),
    ...['get', 'list', 'create', 'update', 'delete'].map((verb) => ({ verb, group: 'stash.appscode.com', resource: 'repositories', namespace: NS })),
    { verb: 'create', group: 'batch', resource: 'jobs', namespace: NS },
  ];

  test('SubjectAccessReviews: yes for each thing the Galera drill does', async () => {
    const answers = await reviewAccess(cluster, serviceAccountUser(NS, DRILL), YES);
    expect(YES.filter((_, i) => !answers[i]).map(describeAccess)).toEqual([]);
  });

  test('SubjectAccessReviews: no for the source cluster\'s claim, AppBinding and Secret, other pods, Secrets, BackupConfigurations and Repositories', async () => {
    const answers = await reviewAccess(cluster, serviceAccountUser(NS, DRILL), NO);
    expect(NO.filter((_, i) => answers[i]).map(describeAccess)).toEqual([]);
  });

  test.each<[string, string[], string]>([
    ['delete its own claims', ['delete', `persistentvolumeclaims/${CLAIMS[1]}`], 'yes'],
    ['delete the source member\'s claim', ['delete', 'persistentvolumeclaims/data-orders-0'], 'no'],
    ['delete its server pod', ['delete', `pods/${POD}`], 'yes'],
    ['exec into its server pod', ['create', `pods/${POD}`, '--subresource=exec'], 'no'],
  ])('kubectl auth can-i --as the drill: %s', async (_, args, answer) => {
    const r = await cluster.kubectlResult(['auth', 'can-i', ...args, '-n', NS, `--as=${SA}`]);
    expect(r.stdout.trim()).toBe(answer);
  });

  describe('creates as the drill\'s ServiceAccount: the admission policy holds it to its server pod', () => {
    const asDrill = (object: any) => cluster.kubectlResult(['create', '--dry-run=server', `--as=${SA}`, '-f', '-'], { input: JSON.stringify(object) });
    const DENIED = `may only create the pod ${POD}, without a token, mounting no claim but ${CLAIMS[0]}`;

    test('its server pod, as the runner creates it: allowed (RBAC, policy and Pod Security)', async () => {
      const r = await asDrill(asCreated(serverPod));
      expect({ code: r.code, stderr: r.stderr.trim() }).toEqual({ code: 0, stderr: '' });
    });

    test.each<[string, (pod: any) => void]>([
      ['on the source member\'s claim', (pod) => { pod.spec.volumes.find((v: any) => v.persistentVolumeClaim).persistentVolumeClaim.claimName = 'data-orders-0'; }],
      ['with a second claim', (pod) => { pod.spec.volumes.push({ name: 'more', persistentVolumeClaim: { claimName: 'data-orders-0' } }); }],
      ['under another name', (pod) => { pod.metadata.name = 'orders-drill-shell'; }],
      ['with a token', (pod) => { pod.spec.automountServiceAccountToken = true; }],
      ['as another ServiceAccount', (pod) => { pod.spec.serviceAccountName = 'default'; }],
    ])('a pod %s: denied', async (_, change) => {
      const pod = structuredClone(asCreated(serverPod));
      change(pod);
      const r = await asDrill(pod);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(DENIED);
    });

    test('its RestoreSession into its own AppBinding: allowed; into the source\'s: denied', async () => {
      const own = await asDrill(restoreSession);
      expect({ code: own.code, stderr: own.stderr.trim() }).toEqual({ code: 0, stderr: '' });
      const evil = structuredClone(restoreSession);
      evil.spec.target.ref.name = 'orders';
      const r = await asDrill(evil);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`may only create the RestoreSession ${DRILL}, targeting its own AppBinding ${DRILL}`);
    });
  });
});
