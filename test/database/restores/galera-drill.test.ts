/**
 * PerconaXtraDbRestoreDrill with `galera`: the RestoreSession into the drill's own claims, the
 * runner's Job, the server pod it creates on the restored claim, the RBAC and admission policy
 * for them, Pod Security, and every mistake of the Galera options, each `[path] field: ... Fix: ...`.
 */
import { ApiObject, Chart, Size, Testing } from 'cdk8s';
import {
  Backend, DRILL_LABEL, DrillServer, DRILL_SERVER_LABEL, manifestProblems, PerconaXtraDbAppBinding, PerconaXtraDbBackupPlan, PerconaXtraDbBackupPlanProps,
  PodSecurityLevel, RestoreDrillOptions, RetentionPolicy, RowCountOperator, Schedule,
} from '../../../src';
import { PerconaXtraDbVersion } from '../../../src/api';
import { kubernetesSchemaProblems } from '../../../src/core/validation/kubernetes';
import { GALERA_DRILL_REPLICAS, MAX_GALERA_DRILL_NAME } from '../../../src/database/restores/galera-drill';
import { describeWithReference, upstreamCrds } from '../../support/reference';

const GALERA: RestoreDrillOptions = { galera: true, claimStorage: Size.gibibytes(20) };

function planChart(drill: RestoreDrillOptions = GALERA, plan: Partial<PerconaXtraDbBackupPlanProps> = {}, chart?: Chart): Chart {
  chart = chart ?? new Chart(Testing.app(), 'test', { namespace: 'shop' });
  new PerconaXtraDbBackupPlan(chart, 'orders', {
    database: 'orders', version: '8.0.36',
    backend: Backend.gcs({ bucket: 'shop-backups', prefix: 'shop/orders' }), storageSecretName: 'gcs-secret',
    schedule: Schedule.daily({ hour: 1 }), retentionPolicy: RetentionPolicy.keepLast(7),
    drill, ...plan,
  });
  return chart;
}

function objectsOf(drill: RestoreDrillOptions = GALERA, plan: Partial<PerconaXtraDbBackupPlanProps> = {}): any[] {
  return Testing.synth(planChart(drill, plan));
}

function find(objects: any[], kind: string, name?: string): any {
  const found = objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (!found) throw new Error(`no ${kind} ${name ?? ''} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

const configOf = (objects: any[]) => find(objects, 'ConfigMap', 'orders-drill-config').data;
const restoreSessionOf = (objects: any[]) => JSON.parse(configOf(objects)['restoresession.json']);
const serverPodOf = (objects: any[]) => JSON.parse(configOf(objects)['server-pod.json']);
const runnerOf = (objects: any[]) => find(objects, 'CronJob').spec.jobTemplate.spec.template;
const envOf = (container: any) => Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

function synthErrors(chart: Chart): string {
  try {
    Testing.synth(chart);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('synth succeeded');
}

describe('a Galera drill from a backup plan', () => {
  const objects = objectsOf({
    ...GALERA, storageClassName: 'fast-ssd', schemas: ['shop'], sql: 'SELECT COUNT(*) > 0 FROM shop.orders',
    rowCountRules: [{ database: 'shop', table: 'orders', rowCount: { operator: RowCountOperator.GREATER_THAN, value: 0 } }],
  });

  test('its objects: no Service and no Secret (the server listens on no port and needs no password)', () => {
    const drill = objects.filter((o) => o.metadata.labels?.[DRILL_LABEL] === 'orders-drill');
    expect(drill.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'AppBinding/orders-drill', 'ConfigMap/orders-drill-config', 'CronJob/orders-drill', 'Role/orders-drill', 'RoleBinding/orders-drill',
      'ServiceAccount/orders-drill',
      'ValidatingAdmissionPolicy/stash-pxc-drill.shop.orders-drill', 'ValidatingAdmissionPolicyBinding/stash-pxc-drill.shop.orders-drill',
    ]);
    expect(objects.filter((o) => o.kind === 'Secret' || o.kind === 'Service' || o.kind === 'PersistentVolumeClaim')).toEqual([]);
  });

  test('the RestoreSession: latest snapshot of host-0 into two claims named from the drill, of its own AppBinding, as a cluster restore', () => {
    const rs = restoreSessionOf(objects);
    expect(rs.metadata.name).toBe('orders-drill');
    expect(rs.spec.target).toEqual({
      ref: { apiVersion: 'appcatalog.appscode.com/v1alpha1', kind: 'AppBinding', name: 'orders-drill' },
      replicas: 2,
      volumeMounts: [{ name: 'orders-drill-data', mountPath: '/var/lib/mysql' }],
      volumeClaimTemplates: [{
        metadata: { name: 'orders-drill-data-${POD_ORDINAL}' },
        spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast-ssd', resources: { requests: { storage: '20Gi' } } },
      }],
      rules: [{ sourceHost: 'host-0', snapshots: ['latest'] }],
    });
    expect(rs.spec.task.name).toBe('perconaxtradb-restore-8.0');
    // The addon's restore script chowns the files: root with just the capabilities it needs, as a cluster restore.
    expect(rs.spec.runtimeSettings.pod.securityContext).toMatchObject({ runAsUser: 0, runAsGroup: 0 });
    expect(rs.spec.runtimeSettings.container.securityContext.capabilities).toEqual({ add: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER'], drop: ['ALL'] });
    expect(GALERA_DRILL_REPLICAS).toBe(2);
  });

  test('the Job runs the runner alone, as nobody, with the names of everything it creates and deletes', () => {
    const pod = runnerOf(objects);
    expect(pod.spec.initContainers).toBeUndefined();
    expect(pod.spec.containers.map((c: any) => c.name)).toEqual(['run']);
    const run = pod.spec.containers[0];
    expect(run.image).toBe('docker.io/alpine/k8s:1.31.5');
    expect(run.command).toEqual(['bash', '/drill/scripts/drill-galera.sh']);
    expect(envOf(run)).toMatchObject({
      DRILL_NAME: 'orders-drill', DATABASE_NAME: 'orders', DRILL_STATE_DIR: '/drill/state',
      DRILL_RESTORE_SESSION_FILE: '/drill/config/restoresession.json', DRILL_SERVER_POD_FILE: '/drill/config/server-pod.json',
      DRILL_SERVER_POD_NAME: 'orders-drill-server', DRILL_CLAIMS: 'orders-drill-data-0 orders-drill-data-1',
      DRILL_RESTORE_TIMEOUT_SECONDS: '3600', DRILL_SERVER_TIMEOUT_SECONDS: '300', DRILL_CHECK_TIMEOUT_SECONDS: '600',
      PUSHGATEWAY_URL: 'http://stash-stash-pxc.stash.svc:56789',
    });
    expect(envOf(run).DRILL_JOB_UID).toEqual({ fieldRef: { fieldPath: "metadata.labels['batch.kubernetes.io/controller-uid']" } });
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534 });
    expect(run.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true });
    expect(kubernetesSchemaProblems('template', pod, 'io.k8s.api.core.v1.PodTemplateSpec')).toEqual([]);
  });

  test('the server pod: the PXC image on the first claim, standalone, no token, bounded, as mysql (1001)', () => {
    const pod = serverPodOf(objects);
    expect(Object.keys(pod).slice(0, 3)).toEqual(['apiVersion', 'kind', 'metadata']);
    expect(pod.metadata).toEqual({ name: 'orders-drill-server', namespace: 'shop', labels: { [DRILL_LABEL]: 'orders-drill', [DRILL_SERVER_LABEL]: 'orders-drill' } });
    expect(pod.spec).toMatchObject({ serviceAccountName: 'orders-drill', automountServiceAccountToken: false, restartPolicy: 'Never', activeDeadlineSeconds: 300 + 600 + 300 });
    expect(pod.spec.volumes.filter((v: any) => v.persistentVolumeClaim)).toEqual([{ name: 'data', persistentVolumeClaim: { claimName: 'orders-drill-data-0' } }]);
    const [check] = pod.spec.containers;
    expect(pod.spec.containers).toHaveLength(1);
    expect(check.image).toBe('docker.io/percona/percona-xtradb-cluster:8.0.36-28.1');
    expect(check.command).toEqual(['bash', '/drill/scripts/drill-galera-server.sh']);
    expect(check.volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/mysql' });
    expect(check.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } });
    const env = envOf(check);
    expect(env).toMatchObject({
      DRILL_MYSQLD_ARGS: '--wsrep-provider=none', DRILL_DATA_DIR: '/var/lib/mysql', DRILL_RUN_DIR: '/drill/run',
      DRILL_SCHEMAS: 'shop', DRILL_RULES_FILE: '/drill/config/rules.txt', DRILL_SQL_FILE: '/drill/config/check.sql',
      DRILL_NAME: 'orders-drill', DATABASE_NAME: 'orders', PUSHGATEWAY_URL: 'http://stash-stash-pxc.stash.svc:56789',
    });
    expect(env.DRILL_RESTORE_SECONDS).toEqual({ fieldRef: { fieldPath: "metadata.annotations['stash-pxc/restore-seconds']" } });
    // No password of any kind reaches it.
    expect(Object.keys(env).filter((k) => /PWD|PASSWORD/.test(k))).toEqual([]);
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1001, runAsGroup: 1001, fsGroup: 1001, fsGroupChangePolicy: 'OnRootMismatch' });
    expect(check.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, runAsUser: 1001 });
    expect(kubernetesSchemaProblems('pod', pod.spec, 'io.k8s.api.core.v1.PodSpec')).toEqual([]);
  });

  test('the Role: its RestoreSession, its server pod and its claims, by name where RBAC can say so; no Secret', () => {
    expect(find(objects, 'Role').rules).toEqual([
      { apiGroups: ['stash.appscode.com'], resources: ['restoresessions'], verbs: ['create'] },
      { apiGroups: ['stash.appscode.com'], resources: ['restoresessions'], resourceNames: ['orders-drill'], verbs: ['get', 'watch', 'delete'] },
      { apiGroups: ['appcatalog.appscode.com'], resources: ['appbindings'], resourceNames: ['orders-drill'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['create'] },
      { apiGroups: [''], resources: ['pods'], resourceNames: ['orders-drill-server'], verbs: ['get', 'watch', 'delete'] },
      { apiGroups: [''], resources: ['persistentvolumeclaims'], resourceNames: ['orders-drill-data-0', 'orders-drill-data-1'], verbs: ['get', 'watch', 'delete'] },
    ]);
  });

  test('the admission policy holds pod creates to the server pod, its claim and no token', () => {
    const spec = find(objects, 'ValidatingAdmissionPolicy').spec;
    expect(spec.matchConstraints.resourceRules.map((r: any) => r.resources[0])).toEqual(['restoresessions', 'secrets', 'pods']);
    const pods = spec.validations[2];
    expect(pods.message).toBe('the drill orders-drill may only create the pod orders-drill-server, without a token, mounting no claim but orders-drill-data-0');
    expect(pods.expression).toContain("object.metadata.name == 'orders-drill-server'");
    expect(pods.expression).toContain("v.persistentVolumeClaim.claimName == 'orders-drill-data-0'");
    expect(pods.expression).toContain('object.spec.automountServiceAccountToken == false');
  });

  test('it declares Pod Security "baseline": the restore Jobs the operator builds for it run as root', () => {
    const chart = planChart();
    const plan = chart.node.findAll().find((c) => c instanceof PerconaXtraDbBackupPlan) as PerconaXtraDbBackupPlan;
    expect(plan.drill!.podSecurityLevel).toBe(PodSecurityLevel.BASELINE);
  });

  test.each(PerconaXtraDbVersion.all())('version line $line: its restore Task and server image', (line) => {
    const o = objectsOf(GALERA, { version: `${line.line}.1` });
    expect(restoreSessionOf(o).spec.task.name).toBe(line.restoreTaskName);
    expect(serverPodOf(o).spec.containers[0].image).toMatch(new RegExp(`percona-xtradb-cluster:${line.line.replace('.', '\\.')}\\.`));
  });

  test('a storage class left out is left out of the claim (the cluster\'s default)', () => {
    expect(restoreSessionOf(objectsOf()).spec.target.volumeClaimTemplates[0].spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } } });
  });

  test('the database\'s AppBinding declared as a Galera cluster in the app: the drill of it is accepted', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
    new PerconaXtraDbAppBinding(chart, 'binding', {
      name: 'orders', service: 'orders', authSecretName: 'orders-auth', version: '8.0.36',
      galera: { clusterName: 'orders', peers: ['orders-0.orders-pods', 'orders-1.orders-pods', 'orders-2.orders-pods'] },
    });
    planChart(GALERA, {}, chart);
    expect(() => Testing.synth(chart)).not.toThrow();
  });
});

describe('network policies of a Galera drill, with the plan\'s networkPolicy', () => {
  const policies = objectsOf(GALERA, { networkPolicy: { apiServerCidrs: ['10.0.0.1/32'] } }).filter((o) => o.kind === 'NetworkPolicy');

  test('the restore Jobs reach no database (they only write the claims), and nothing reaches the drill\'s pods', () => {
    const jobs = policies.find((p) => p.metadata.name === 'orders-drill-jobs');
    expect(JSON.stringify(jobs.spec.egress)).not.toContain('3306');
    const own = policies.find((p) => p.metadata.name === 'orders-drill');
    expect(own.spec.podSelector.matchLabels).toEqual({ [DRILL_SERVER_LABEL]: 'orders-drill' });
    expect(own.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(own.spec.ingress).toEqual([]);
    expect(own.spec.egress.map((r: any) => r.ports.map((p: any) => p.port))).toEqual([[53, 53], [443, 6443], [56789]]);
  });
});

describeWithReference('a Galera drill\'s RestoreSession conforms strictly to the upstream CRD', () => {
  test.each(PerconaXtraDbVersion.all().map((v) => v.line))('version %s', (version) => {
    const crds = [...upstreamCrds().values()];
    expect(manifestProblems(restoreSessionOf(objectsOf(GALERA, { version: `${version}.1` })), crds)).toEqual([]);
  });
});

describe('every mistake of a Galera drill is reported at synth, with its path and a fix', () => {
  const errorsOf = (drill: RestoreDrillOptions) => synthErrors(planChart(drill));

  test('no claim size', () => {
    expect(errorsOf({ galera: true })).toContain(
      '[test/orders/Drill] claimStorage: is missing: a Galera drill restores host-0\'s data directory into a claim of this size (two, see the docs). Fix: pass at least the size of a member\'s data volume');
  });

  test('a claim too small to hold a data directory', () => {
    expect(errorsOf({ galera: true, claimStorage: Size.kibibytes(64) })).toMatch(/\[test\/orders\/Drill\] claimStorage: .*cannot hold a data directory/);
  });

  test('a bad storage class name', () => {
    expect(errorsOf({ ...GALERA, storageClassName: 'Fast SSD' })).toMatch(/\[test\/orders\/Drill\] storageClassName: "Fast SSD"/);
  });

  test('Galera options on a standalone drill', () => {
    const errors = errorsOf({ claimStorage: Size.gibibytes(20), storageClassName: 'fast-ssd' });
    expect(errors).toContain('[test/orders/Drill] claimStorage: is set on a drill without galera, which restores into an emptyDir. Fix: remove claimStorage, or set galera: true.');
    expect(errors).toContain('[test/orders/Drill] storageClassName: is set on a drill without galera, which restores into an emptyDir. Fix: remove storageClassName, or set galera: true.');
  });

  test('a KubeDB-run throwaway database on a Galera drill (its server is its own pod on the restored claim)', () => {
    expect(errorsOf({ ...GALERA, throwaway: DrillServer.kubedb() })).toMatch(/\[test\/orders\/Drill\] throwaway: is DrillServer\.kubedb\(\) on a Galera drill.*Fix: leave throwaway out/);
  });

  test('the emptyDir size on a Galera drill', () => {
    expect(errorsOf({ ...GALERA, dataSizeLimit: Size.gibibytes(5) })).toContain(
      '[test/orders/Drill] dataSizeLimit: is set on a Galera drill, whose server runs on the restored claim, not an emptyDir. Fix: remove dataSizeLimit; size the claim with claimStorage.');
  });

  test('a server user that cannot read the restored files', () => {
    expect(errorsOf({ ...GALERA, serverRunAsUser: 999 })).toContain(
      '[test/orders/Drill] serverRunAsUser: 999 cannot read the restored data directory: the addon\'s restore gives it to 1001:1001. Fix: leave serverRunAsUser at 1001.');
  });

  test('a name that would overflow the label of the second restore Job', () => {
    const name = 'd'.repeat(MAX_GALERA_DRILL_NAME + 1);
    expect(MAX_GALERA_DRILL_NAME).toBe(45);
    expect(errorsOf({ ...GALERA, name })).toContain(
      `[test/orders/Drill] name: the drill name "${name}" is 46 characters; Stash names a Galera drill's restore Jobs "stash-restore-${name}-0-1"`);
    expect(() => objectsOf({ ...GALERA, name: 'd'.repeat(MAX_GALERA_DRILL_NAME) })).not.toThrow();
  });

  function withBinding(galera: boolean, drill: RestoreDrillOptions): string {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
    new PerconaXtraDbAppBinding(chart, 'binding', {
      name: 'orders', service: 'orders', authSecretName: 'orders-auth', version: '8.0.36',
      ...(galera ? { galera: { clusterName: 'orders', peers: ['orders-0.orders-pods'] } } : {}),
    });
    return synthErrors(planChart(drill, {}, chart));
  }

  test('a Galera drill of a database the app declares standalone', () => {
    expect(withBinding(false, GALERA)).toContain(
      '[test/orders/Drill] galera: "orders" is a standalone database (its PerconaXtraDbAppBinding has no galera), so its backups are dumps that a Galera drill cannot restore. Fix: leave galera out for this database.');
  });

  test('a standalone drill of a database the app declares a Galera cluster', () => {
    expect(withBinding(true, {})).toContain(
      '[test/orders/Drill] galera: "orders" is a Galera cluster (its PerconaXtraDbAppBinding has galera), so its backups are physical copies that a standalone drill cannot restore. Fix: set galera: true and claimStorage on the drill.');
  });

  function inNamespace(level: string): Chart {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
    new ApiObject(chart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'pod-security.kubernetes.io/enforce': level } } });
    return planChart(GALERA, {}, chart);
  }

  test('a namespace that enforces "restricted" refuses its restore Jobs; "baseline" admits them', () => {
    expect(synthErrors(inNamespace('restricted'))).toMatch(
      /\[test\/orders\/Drill\] galera: the cluster restore Job's pod would be refused in namespace "shop", which enforces Pod Security "restricted" \(.*\)\. Fix: a Galera drill restores a cluster backup, whose restore Jobs run the addon's restore script as root/);
    expect(() => Testing.synth(inNamespace('baseline'))).not.toThrow();
  });
});
