/**
 * A restore drill whose throwaway database KubeDB runs (`throwaway: DrillServer.kubedb()`): the
 * PerconaXtraDB each run creates (strictly valid against KubeDB's CRD), what the pod, the Role and
 * the admission policy become, and every mistake of the option, each as `[path] field: ... Fix:`.
 */
import { Chart, Duration, Size, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import {
  Backend, DrillServer, KUBEDB_MAX_DATABASE_NAME, manifestProblems, PerconaXtraDbBackupPlan, PerconaXtraDbBackupPlanProps, RestoreDrillOptions,
  RetentionPolicy, Schedule,
} from '../../../src';
import { kubernetesSchemaProblems } from '../../../src/core/validation/kubernetes';
import { describeWithReference, kubedbCrds, upstreamCrds } from '../../support/reference';

function planChart(drill: RestoreDrillOptions, plan: Partial<PerconaXtraDbBackupPlanProps> = {}): Chart {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
  new PerconaXtraDbBackupPlan(chart, 'orders', {
    database: 'orders', version: '8.0.36',
    backend: Backend.gcs({ bucket: 'shop-backups', prefix: 'shop/orders' }), storageSecretName: 'gcs-secret',
    schedule: Schedule.daily({ hour: 1 }), retentionPolicy: RetentionPolicy.keepLast(7),
    drill, ...plan,
  });
  return chart;
}

const objectsOf = (drill: RestoreDrillOptions, plan: Partial<PerconaXtraDbBackupPlanProps> = {}): any[] => Testing.synth(planChart(drill, plan));
const find = (objects: any[], kind: string, name?: string): any => {
  const found = objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (!found) throw new Error(`no ${kind} ${name ?? ''} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
};
const config = (objects: any[]): { [file: string]: string } => find(objects, 'ConfigMap', 'orders-drill-config').data;
const databaseOf = (objects: any[]): any => JSON.parse(config(objects)['perconaxtradb.json']);
const podOf = (objects: any[]): any => find(objects, 'CronJob').spec.jobTemplate.spec.template.spec;
const envOf = (container: any): { [name: string]: any } => Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

function synthErrors(chart: Chart): string {
  try {
    Testing.synth(chart);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('synth succeeded');
}

describe('a drill into a KubeDB PerconaXtraDB', () => {
  const objects = objectsOf({ throwaway: DrillServer.kubedb(), schemas: ['shop'] });

  test('the drill emits no Service and no AppBinding: KubeDB makes them for its database, named after the drill', () => {
    const kinds = objects.filter((o) => o.metadata.labels?.['stash-pxc/drill'] === 'orders-drill').map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(kinds).toEqual([
      'ConfigMap/orders-drill-config', 'CronJob/orders-drill', 'Role/orders-drill', 'RoleBinding/orders-drill', 'ServiceAccount/orders-drill',
      'ValidatingAdmissionPolicy/stash-pxc-drill.shop.orders-drill', 'ValidatingAdmissionPolicyBinding/stash-pxc-drill.shop.orders-drill',
    ]);
    expect(objects.filter((o) => o.kind === 'PerconaXtraDB')).toEqual([]);
  });

  test('each run creates a PerconaXtraDB that waits for the restore, on Ephemeral storage, wiped on deletion', () => {
    expect(databaseOf(objects)).toEqual({
      apiVersion: 'kubedb.com/v1',
      kind: 'PerconaXtraDB',
      metadata: { name: 'orders-drill', namespace: 'shop', labels: { 'stash-pxc/drill': 'orders-drill' } },
      spec: {
        version: '8.0.36',
        replicas: 3,
        storageType: 'Ephemeral',
        podTemplate: { spec: { containers: [{ name: 'perconaxtradb', resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } } }] } },
        init: { waitForInitialRestore: true },
        deletionPolicy: 'WipeOut',
      },
    });
    // Never an existing Secret: KubeDB makes a new one, so the source's password is never used.
    expect(databaseOf(objects).spec.authSecret).toBeUndefined();
  });

  test('a small claim instead, a KubeDB version of the same line, more members, other resources', () => {
    const o = objectsOf({
      throwaway: DrillServer.kubedb({ storage: Size.gibibytes(20), storageClassName: 'fast', version: '8.0.28', replicas: 5 }),
      serverResources: { requests: { cpu: k8s.Quantity.fromString('1'), memory: k8s.Quantity.fromString('4Gi') } },
    });
    expect(databaseOf(o).spec).toMatchObject({
      version: '8.0.28', replicas: 5, storageType: 'Durable',
      storage: { storageClassName: 'fast', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } } },
      podTemplate: { spec: { containers: [{ name: 'perconaxtradb', resources: { requests: { cpu: '1', memory: '4Gi' } } }] } },
    });
  });

  test('the RestoreSession targets the AppBinding KubeDB makes for the database (the drill\'s name)', () => {
    const session = JSON.parse(config(objects)['restoresession.json']);
    expect(session.spec.target.ref).toEqual({ apiVersion: 'appcatalog.appscode.com/v1alpha1', kind: 'AppBinding', name: 'orders-drill' });
  });

  test('the pod: the restore step creates the database; the checks reach its Service with KubeDB\'s Secret; a cleanup step deletes it', () => {
    const spec = podOf(objects);
    expect(spec.initContainers.map((c: any) => c.name)).toEqual(['restore']);
    expect(spec.containers.map((c: any) => c.name)).toEqual(['check', 'cleanup']);
    expect(envOf(spec.initContainers[0])).toMatchObject({
      DRILL_DATABASE_FILE: '/drill/config/perconaxtradb.json', DRILL_AUTH_SECRET: 'orders-drill-auth', MYSQL_HOST: 'orders-drill', MYSQL_PORT: '3306',
    });
    const check = envOf(spec.containers[0]);
    expect(check).toMatchObject({
      MYSQL_HOST: 'orders-drill',
      MYSQL_USER: { secretKeyRef: { name: 'orders-drill-auth', key: 'username' } },
      MYSQL_PWD: { secretKeyRef: { name: 'orders-drill-auth', key: 'password' } },
    });
    const cleanup = spec.containers[1];
    expect(cleanup.command).toEqual(['bash', '/drill/scripts/drill-cleanup.sh']);
    // The checks' own wait for the server and their budget, plus slack.
    expect(envOf(cleanup)).toMatchObject({ DRILL_NAME: 'orders-drill', DRILL_CLEANUP_WAIT_SECONDS: String(300 + 600 + 600) });
    expect(spec.volumes.map((v: any) => v.name)).toEqual(['state', 'tmp', 'scripts', 'config']);
    for (const c of [...spec.initContainers, ...spec.containers]) {
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(c.resources.limits.memory).toBeDefined();
    }
    expect(kubernetesSchemaProblems('template', find(objects, 'CronJob').spec.jobTemplate.spec.template, 'io.k8s.api.core.v1.PodTemplateSpec')).toEqual([]);
  });

  test('RBAC: the PerconaXtraDB, and KubeDB\'s AppBinding and Secret for it, by name; no Secret created or deleted', () => {
    expect(find(objects, 'Role').rules).toEqual([
      { apiGroups: ['stash.appscode.com'], resources: ['restoresessions'], verbs: ['create'] },
      { apiGroups: ['stash.appscode.com'], resources: ['restoresessions'], resourceNames: ['orders-drill'], verbs: ['get', 'watch', 'delete'] },
      { apiGroups: ['kubedb.com'], resources: ['perconaxtradbs'], verbs: ['create'] },
      { apiGroups: ['kubedb.com'], resources: ['perconaxtradbs'], resourceNames: ['orders-drill'], verbs: ['get', 'watch', 'delete'] },
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['orders-drill-auth'], verbs: ['get'] },
      { apiGroups: ['appcatalog.appscode.com'], resources: ['appbindings'], resourceNames: ['orders-drill'], verbs: ['get'] },
    ]);
  });

  test('the admission policy holds PerconaXtraDB creates to the drill\'s own, with a new Secret, waiting and wiped', () => {
    const policy = find(objects, 'ValidatingAdmissionPolicy');
    expect(policy.spec.matchConstraints.resourceRules).toContainEqual({ apiGroups: ['kubedb.com'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['perconaxtradbs'] });
    const expression = policy.spec.validations.map((v: any) => v.expression).find((e: string) => e.includes('perconaxtradbs'));
    expect(expression).toContain("object.metadata.name == 'orders-drill'");
    expect(expression).toContain('!has(object.spec.authSecret)');
    expect(expression).toContain("object.spec.deletionPolicy == 'WipeOut'");
    // A sidecar drill's policy has no such rule.
    expect(JSON.stringify(find(objectsOf({}), 'ValidatingAdmissionPolicy'))).not.toContain('perconaxtradbs');
  });

  test('the scripts ConfigMap ships the cleanup step', () => {
    expect(Object.keys(find(objects, 'ConfigMap', 'stash-pxc-drill-scripts').data)).toContain('drill-cleanup.sh');
  });

  test('DrillServer.sidecar() is the default', () => {
    expect(objectsOf({ throwaway: DrillServer.sidecar() })).toEqual(objectsOf({}));
  });
});

describeWithReference('the drill\'s PerconaXtraDB conforms strictly to KubeDB\'s CRD', () => {
  const crds = [...kubedbCrds().values(), ...upstreamCrds().values()];
  test.each([
    ['ephemeral', DrillServer.kubedb()],
    ['with a claim', DrillServer.kubedb({ storage: Size.gibibytes(20), storageClassName: 'fast', replicas: 5, version: '8.0.28' })],
  ])('%s', (_name, throwaway) => {
    const o = objectsOf({ throwaway });
    expect(manifestProblems(databaseOf(o), crds)).toEqual([]);
    expect(manifestProblems(JSON.parse(config(o)['restoresession.json']), crds)).toEqual([]);
  });

  test('KubeDB\'s served and stored version has deletionPolicy (terminationPolicy is v1alpha2\'s)', () => {
    const v1 = kubedbCrds().get('perconaxtradbs.kubedb.com').spec.versions.find((v: any) => v.name === 'v1');
    expect(v1).toMatchObject({ served: true, storage: true });
    expect(v1.schema.openAPIV3Schema.properties.spec.properties.deletionPolicy.enum).toContain('WipeOut');
    const db = databaseOf(objectsOf({ throwaway: DrillServer.kubedb() }));
    expect(manifestProblems({ ...db, spec: { ...db.spec, terminationPolicy: 'WipeOut' } }, crds).map((p) => p.path)).toEqual(['spec.terminationPolicy']);
  });
});

describe('every mistake of the KubeDB option is reported at synth', () => {
  const errorsOf = (drill: RestoreDrillOptions, plan: Partial<PerconaXtraDbBackupPlanProps> = {}): string => synthErrors(planChart(drill, plan));

  test('a drill name longer than KubeDB takes for a PerconaXtraDB', () => {
    expect(KUBEDB_MAX_DATABASE_NAME).toBe(32);
    expect(errorsOf({ throwaway: DrillServer.kubedb(), name: 'a-very-long-drill-name-for-kubedb-x' })).toContain(
      '[test/orders/Drill] name: the drill name "a-very-long-drill-name-for-kubedb-x" is 35 characters, and KubeDB refuses a PerconaXtraDB whose name (its Galera cluster name) is longer than 32. Fix: give the drill a name of at most 32 characters with name, or use DrillServer.sidecar()');
    expect(() => objectsOf({ throwaway: DrillServer.kubedb(), name: 'a'.repeat(32) })).not.toThrow();
  });

  test('a KubeDB version of another addon line, or of a line KubeDB has no PerconaXtraDB of', () => {
    expect(errorsOf({ throwaway: DrillServer.kubedb({ version: '5.7.44' }) })).toContain(
      '[test/orders/Drill] throwaway.version: "5.7.44" is of the 5.7 line, but the database\'s backups are of the 8.0 line, restored with that line\'s Task. Fix:');
    expect(errorsOf({ throwaway: DrillServer.kubedb({ version: '9.9' }) })).toContain('[test/orders/Drill] throwaway.version: "9.9" is not a Percona XtraDB version the Stash addon supports');
    expect(errorsOf({ throwaway: DrillServer.kubedb() }, { version: '8.4.3' })).toContain(
      '[test/orders/Drill] throwaway: KubeDB\'s catalog has no PerconaXtraDB of the 8.4 line (it has 5.7, 8.0). Fix: use DrillServer.sidecar() for this version');
    expect(() => objectsOf({ throwaway: DrillServer.kubedb() }, { version: '5.7.44' })).not.toThrow();
  });

  test('fewer members than KubeDB runs, storage that is no size, a StorageClass without a claim', () => {
    expect(errorsOf({ throwaway: DrillServer.kubedb({ replicas: 1 }) })).toContain('[test/orders/Drill] throwaway.replicas:');
    expect(errorsOf({ throwaway: DrillServer.kubedb({ storage: Size.kibibytes(10) }) })).toContain('[test/orders/Drill] throwaway.storage:');
    expect(errorsOf({ throwaway: DrillServer.kubedb({ storageClassName: 'fast' }) })).toContain(
      '[test/orders/Drill] throwaway.storageClassName: is set without storage, so the database has no claim (Ephemeral storage). Fix:');
    expect(errorsOf({ throwaway: DrillServer.kubedb({ storage: Size.gibibytes(1), storageClassName: 'Fast_SSD' }) })).toContain('[test/orders/Drill] throwaway.storageClassName:');
  });

  test('network policies are not supported with KubeDB yet: refused, not half-emitted', () => {
    expect(errorsOf({ throwaway: DrillServer.kubedb() }, { networkPolicy: { apiServerCidrs: ['10.0.0.1/32'] } })).toContain('[test/orders/Drill] throwaway: DrillServer.kubedb() does not support networkPolicy yet');
  });

  test('a throwaway that is no DrillServer (from JavaScript)', () => {
    expect(errorsOf({ throwaway: { kind: 'KubeDB' } as any })).toContain('[test/orders/Drill] throwaway: {"kind":"KubeDB"} is not a DrillServer. Fix: pass DrillServer.sidecar() or DrillServer.kubedb({...})');
  });

  test('the drill schedule check is the same with KubeDB', () => {
    expect(errorsOf({ throwaway: DrillServer.kubedb(), schedule: Schedule.cron('30 1 * * 6'), backupDuration: Duration.hours(1) })).toContain('[test/orders/Drill] schedule: "30 1 * * 6" starts the drill at Sat 01:30');
  });
});
