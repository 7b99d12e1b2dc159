/**
 * PerconaXtraDbRestoreDrill: the objects of a standalone drill (CronJob with the throwaway
 * server as a native sidecar, Service, AppBinding, scripts, RBAC, admission policy), the drill
 * option of PerconaXtraDbBackupPlan and PerconaXtraDbBackupFleet, and every mistake a user can
 * make, each reported as `[path] field: ... Fix: ...`.
 */
import { ApiObject, Chart, Duration, Size, Testing } from 'cdk8s';
import {
  Backend, DRILL_LABEL, DRILL_SERVER_LABEL, manifestProblems, MAX_DRILL_NAME, PerconaXtraDbBackupFleet, PerconaXtraDbBackupPlan,
  PerconaXtraDbBackupPlanProps, PerconaXtraDbRestoreDrill, PerconaXtraDbRestoreDrillProps, Repository, RestoreDrillOptions, RetentionPolicy,
  Pushgateway, ServingCertificates, StashOperator, restrictedJobContainerSecurityContext, restrictedJobPodSecurityContext, RowCountOperator, Schedule, ScheduleWindow, Weekday,
} from '../../../src';
import { PerconaXtraDbVersion } from '../../../src/api';
import { kubernetesSchemaProblems } from '../../../src/core/validation/kubernetes';
import { describeWithReference, upstreamCrds } from '../../support/reference';

const nightly = Schedule.daily({ hour: 1 });

function planChart(drill: RestoreDrillOptions = {}, plan: Partial<PerconaXtraDbBackupPlanProps> = {}, chart?: Chart): Chart {
  chart = chart ?? new Chart(Testing.app(), 'test', { namespace: 'shop' });
  new PerconaXtraDbBackupPlan(chart, 'orders', {
    database: 'orders', version: '8.0.36',
    backend: Backend.gcs({ bucket: 'shop-backups', prefix: 'shop/orders' }), storageSecretName: 'gcs-secret',
    schedule: nightly, retentionPolicy: RetentionPolicy.keepLast(7),
    drill, ...plan,
  });
  return chart;
}

function objectsOf(drill: RestoreDrillOptions = {}, plan: Partial<PerconaXtraDbBackupPlanProps> = {}): any[] {
  return Testing.synth(planChart(drill, plan));
}

function find(objects: any[], kind: string, name?: string): any {
  const found = objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (!found) throw new Error(`no ${kind} ${name ?? ''} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

/** The drill's own ConfigMap (RestoreSession, rules, SQL). */
function configOf(objects: any[], drill = 'orders-drill'): { [file: string]: string } {
  return find(objects, 'ConfigMap', `${drill}-config`).data;
}

function podOf(objects: any[]): any {
  return find(objects, 'CronJob').spec.jobTemplate.spec.template;
}

function envOf(container: any): { [name: string]: any } {
  return Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
}

function synthErrors(chart: Chart): string {
  try {
    Testing.synth(chart);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('synth succeeded');
}

describe('a standalone drill from a backup plan', () => {
  const objects = objectsOf({ schemas: ['shop'], tables: ['shop.orders'], sql: 'SELECT COUNT(*) > 0 FROM shop.orders',
    rowCountRules: [{ database: 'shop', table: 'orders', rowCount: { operator: RowCountOperator.GREATER_THAN, value: 0 } }] });

  test('every object of the drill is named from it and labelled with it', () => {
    const drill = objects.filter((o) => o.metadata.labels?.[DRILL_LABEL] === 'orders-drill');
    expect(drill.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'AppBinding/orders-drill', 'ConfigMap/orders-drill-config', 'CronJob/orders-drill', 'Role/orders-drill', 'RoleBinding/orders-drill',
      'Service/orders-drill', 'ServiceAccount/orders-drill',
      'ValidatingAdmissionPolicy/stash-pxc-drill.shop.orders-drill', 'ValidatingAdmissionPolicyBinding/stash-pxc-drill.shop.orders-drill',
    ]);
    for (const o of drill.filter((x) => !x.kind.startsWith('ValidatingAdmission'))) expect(o.metadata.namespace).toBe('shop');
    // Cluster-scoped: no namespace, even in a chart with one.
    for (const o of drill.filter((x) => x.kind.startsWith('ValidatingAdmission'))) expect(o.metadata.namespace).toBeUndefined();
  });

  test('the CronJob runs one drill at a time, bounded, and cleans up after itself', () => {
    const cron = find(objects, 'CronJob');
    expect(cron.spec.concurrencyPolicy).toBe('Forbid');
    expect(cron.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 0, ttlSecondsAfterFinished: 86400 });
    // server start + restore + checks + 10 minutes of slack
    expect(cron.spec.jobTemplate.spec.activeDeadlineSeconds).toBe(300 + 3600 + 600 + 600);
    expect(podOf(objects).spec.restartPolicy).toBe('Never');
  });

  test('default schedule: weekly on Saturday between 10:00 and 16:00, stable per database', () => {
    const [minute, hour, dom, month, dow] = find(objects, 'CronJob').spec.schedule.split(' ');
    expect(Number(hour) * 60 + Number(minute)).toBeGreaterThanOrEqual(600);
    expect(Number(hour) * 60 + Number(minute)).toBeLessThan(960);
    expect([dom, month, dow]).toEqual(['*', '*', '6']);
    expect(find(objectsOf(), 'CronJob').spec.schedule).toBe(find(objects, 'CronJob').spec.schedule);
  });

  test('the pod: credentials, then the server as a native sidecar, then the restore step; the checks last', () => {
    const spec = podOf(objects).spec;
    expect(spec.initContainers.map((c: any) => [c.name, c.restartPolicy])).toEqual([['credentials', undefined], ['server', 'Always'], ['restore', undefined]]);
    expect(spec.containers.map((c: any) => c.name)).toEqual(['check']);
    expect(spec.serviceAccountName).toBe('orders-drill');
    const server = spec.initContainers[1];
    expect(server.image).toBe('docker.io/percona/percona-xtradb-cluster:8.0.36-28.1');
    expect(server.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } });
    expect(envOf(server).MYSQL_ROOT_PASSWORD).toEqual({ secretKeyRef: { name: 'orders-drill-auth', key: 'password' } });
    expect(spec.volumes.find((v: any) => v.name === 'data')).toEqual({ name: 'data', emptyDir: { sizeLimit: '10Gi' } });
    expect(server.volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/mysql' });
    // A startup probe on a native sidecar holds the next init container until it passes: a server
    // that never opens its port would hold the restore step (and the report) until the deadline.
    expect(server.startupProbe).toBeUndefined();
    expect(envOf(spec.initContainers[2]).DRILL_SERVER_TIMEOUT_SECONDS).toBe('300');
  });

  test('no password anywhere in the YAML: the run makes a random one in the Secret <drill>-auth', () => {
    const yaml = JSON.stringify(objects);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(yaml).not.toMatch(/MYSQL_ROOT_PASSWORD","value"/);
    const credentials = podOf(objects).spec.initContainers[0];
    expect(envOf(credentials).DRILL_AUTH_SECRET).toBe('orders-drill-auth');
    expect(envOf(credentials).DRILL_JOB_UID).toEqual({ fieldRef: { fieldPath: "metadata.labels['batch.kubernetes.io/controller-uid']" } });
  });

  test('the check step gets the script interface: schemas, tables, rules, SQL, budgets, Pushgateway', () => {
    const env = envOf(podOf(objects).spec.containers[0]);
    expect(env).toMatchObject({
      DRILL_NAME: 'orders-drill', DATABASE_NAME: 'orders', DRILL_STATE_DIR: '/drill/state',
      MYSQL_HOST: '127.0.0.1', MYSQL_PORT: '3306',
      DRILL_SCHEMAS: 'shop', DRILL_TABLES: 'shop.orders', DRILL_CHECK_TIMEOUT_SECONDS: '600',
      DRILL_RULES_FILE: '/drill/config/rules.txt', DRILL_SQL_FILE: '/drill/config/check.sql',
      PUSHGATEWAY_URL: 'http://stash-stash-pxc.stash.svc:56789',
    });
    expect(env.DRILL_NAMESPACE).toEqual({ fieldRef: { fieldPath: 'metadata.namespace' } });
    expect(env.MYSQL_PWD).toEqual({ secretKeyRef: { name: 'orders-drill-auth', key: 'password' } });
    const data = configOf(objects);
    expect(data['rules.txt']).toBe('shop orders > 0\n');
    expect(data['check.sql']).toBe('SELECT COUNT(*) > 0 FROM shop.orders\n');
    expect(Object.keys(data).sort()).toEqual(['check.sql', 'restoresession.json', 'rules.txt']);
  });

  test('without checks the variables are set without a value (empty for the scripts; the API server keeps no empty value)', () => {
    const env = podOf(objectsOf()).spec.containers[0].env;
    for (const name of ['DRILL_SCHEMAS', 'DRILL_TABLES', 'DRILL_RULES_FILE', 'DRILL_SQL_FILE']) expect(env).toContainEqual({ name });
  });

  test('the Service selects only the drill pod (not the restore Job, which inherits the RestoreSession labels)', () => {
    const service = find(objects, 'Service');
    expect(service.spec.selector).toEqual({ [DRILL_SERVER_LABEL]: 'orders-drill' });
    expect(podOf(objects).metadata.labels[DRILL_SERVER_LABEL]).toBe('orders-drill');
    const rs = JSON.parse(configOf(objects)['restoresession.json']);
    expect(rs.metadata.labels[DRILL_SERVER_LABEL]).toBeUndefined();
  });

  test('the AppBinding points at the Service and the run\'s Secret', () => {
    expect(find(objects, 'AppBinding').spec).toMatchObject({
      clientConfig: { service: { name: 'orders-drill', port: 3306, scheme: 'mysql' } },
      secret: { name: 'orders-drill-auth' },
      version: '8.0.36',
    });
  });

  test('the RestoreSession restores the latest snapshot of the plan\'s Repository into the drill\'s AppBinding', () => {
    const rs = JSON.parse(configOf(objects)['restoresession.json']);
    expect(rs).toMatchObject({
      apiVersion: 'stash.appscode.com/v1beta1', kind: 'RestoreSession',
      metadata: { name: 'orders-drill', namespace: 'shop' },
      spec: {
        repository: { name: 'orders-repo' },
        task: { name: 'perconaxtradb-restore-8.0' },
        target: { ref: { apiVersion: 'appcatalog.appscode.com/v1alpha1', kind: 'AppBinding', name: 'orders-drill' }, rules: [{ snapshots: ['latest'] }] },
        // The restore Job runs "restricted", as a standalone restore's does.
        runtimeSettings: { container: { securityContext: restrictedJobContainerSecurityContext() }, pod: { securityContext: restrictedJobPodSecurityContext() } },
        timeOut: '3600s',
      },
    });
  });

  test('RBAC: only what the drill does, by name wherever Kubernetes allows it', () => {
    expect(find(objects, 'Role').rules).toEqual([
      { apiGroups: ['stash.appscode.com'], resources: ['restoresessions'], verbs: ['create'] },
      { apiGroups: ['stash.appscode.com'], resources: ['restoresessions'], resourceNames: ['orders-drill'], verbs: ['get', 'watch', 'delete'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['orders-drill-auth'], verbs: ['delete'] },
      { apiGroups: ['appcatalog.appscode.com'], resources: ['appbindings'], resourceNames: ['orders-drill'], verbs: ['get'] },
    ]);
    expect(find(objects, 'RoleBinding')).toMatchObject({
      roleRef: { kind: 'Role', name: 'orders-drill' },
      subjects: [{ kind: 'ServiceAccount', name: 'orders-drill', namespace: 'shop' }],
    });
  });

  test('the admission policy holds the ServiceAccount\'s creates to its own RestoreSession and Secret', () => {
    const policy = find(objects, 'ValidatingAdmissionPolicy');
    expect(policy.spec.matchConditions).toEqual([{ name: 'drill-service-account', expression: "request.userInfo.username == 'system:serviceaccount:shop:orders-drill'" }]);
    expect(policy.spec.validations.map((v: any) => v.expression).join(' ')).toContain("object.spec.target.ref.name == 'orders-drill'");
    expect(find(objects, 'ValidatingAdmissionPolicyBinding').spec).toEqual({
      policyName: 'stash-pxc-drill.shop.orders-drill', validationActions: ['Deny'],
      matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } },
    });
    expect(objectsOf({ admissionPolicy: false }).filter((o) => o.kind.startsWith('ValidatingAdmission'))).toEqual([]);
  });

  test('Pod Security "restricted": every container non-root, no escalation, no capability, RuntimeDefault', () => {
    const spec = podOf(objects).spec;
    expect(spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1001, runAsGroup: 1001, fsGroup: 1001, seccompProfile: { type: 'RuntimeDefault' } });
    for (const c of [...spec.initContainers, ...spec.containers]) {
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    }
  });

  test('the pod template and the Service are valid Kubernetes objects (OpenAPI schemas)', () => {
    expect(kubernetesSchemaProblems('template', podOf(objects), 'io.k8s.api.core.v1.PodTemplateSpec')).toEqual([]);
    expect(kubernetesSchemaProblems('service', find(objects, 'Service').spec, 'io.k8s.api.core.v1.ServiceSpec')).toEqual([]);
  });

  test.each(PerconaXtraDbVersion.all())('version line $line: its restore Task and server image', (line) => {
    const o = objectsOf({}, { version: `${line.line}.1` });
    expect(JSON.parse(configOf(o, find(o, 'CronJob').metadata.name)['restoresession.json']).spec.task.name).toBe(line.restoreTaskName);
    expect(podOf(o).spec.initContainers[1].image).toMatch(new RegExp(`percona-xtradb-cluster:${line.line.replace('.', '\\.')}\\.`));
  });

  test('images, pull Secrets, resources, sizes, timeouts and the Pushgateway are overridable', () => {
    const o = objectsOf({
      serverImage: { registry: 'registry.local/mirror', tag: '8.0.39-30.1' }, kubectlImage: { registry: 'registry.local/mirror' },
      imagePullSecrets: ['mirror-pull'], dataSizeLimit: Size.gibibytes(50), restoreTimeout: Duration.hours(3), ttlAfterFinished: Duration.hours(6),
      pushgatewayUrl: 'https://push.example.com', serverResources: { requests: { memory: { value: '4Gi' } as any } },
    });
    const spec = podOf(o).spec;
    expect(spec.initContainers[1].image).toBe('registry.local/mirror/percona-xtradb-cluster:8.0.39-30.1');
    expect(spec.initContainers[0].image).toBe('registry.local/mirror/k8s:1.31.5');
    expect(spec.imagePullSecrets).toEqual([{ name: 'mirror-pull' }]);
    expect(spec.volumes.find((v: any) => v.name === 'data').emptyDir.sizeLimit).toBe('50Gi');
    expect(envOf(spec.initContainers[2]).DRILL_RESTORE_TIMEOUT_SECONDS).toBe('10800');
    expect(envOf(spec.containers[0]).PUSHGATEWAY_URL).toBe('https://push.example.com');
    expect(find(o, 'CronJob').spec.jobTemplate.spec.ttlSecondsAfterFinished).toBe(21600);
  });
});

describe('network policies, with the plan\'s networkPolicy', () => {
  const objects = objectsOf({}, { networkPolicy: { apiServerCidrs: ['10.0.0.1/32'] } });
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');

  test('the restore Job reaches the throwaway server, not the source database', () => {
    const jobs = policies.find((p) => p.metadata.name === 'orders-drill-jobs');
    expect(jobs.spec.podSelector.matchLabels).toEqual({
      'app.kubernetes.io/managed-by': 'stash.appscode.com', 'app.kubernetes.io/component': 'stash-restore', 'stash-pxc/invoker': 'orders-drill',
    });
    const peers = jobs.spec.egress.flatMap((r: any) => r.to ?? []).map((t: any) => t.podSelector?.matchLabels).filter(Boolean);
    expect(peers).toContainEqual({ [DRILL_SERVER_LABEL]: 'orders-drill' });
    expect(JSON.stringify(peers)).not.toContain('"app.kubernetes.io/instance":"orders"');
    // Labelled as the drill's other objects (listed and removed with them).
    expect(jobs.metadata.labels['stash-pxc/drill']).toBe('orders-drill');
    // Stash copies the RestoreSession's labels to the restore Job's pods: the invoker label is there.
    expect(JSON.parse(configOf(objects)['restoresession.json']).metadata.labels['stash-pxc/invoker']).toBe('orders-drill');
  });

  test('the drill pod accepts only its restore Job, and reaches only DNS, the API server and the Pushgateway', () => {
    const own = policies.find((p) => p.metadata.name === 'orders-drill');
    expect(own.spec.podSelector.matchLabels).toEqual({ [DRILL_SERVER_LABEL]: 'orders-drill' });
    expect(own.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/managed-by': 'stash.appscode.com', 'app.kubernetes.io/component': 'stash-restore', 'stash-pxc/invoker': 'orders-drill' } } }], ports: [{ protocol: 'TCP', port: 3306 }] }]);
    expect(own.spec.egress.map((r: any) => r.ports.map((p: any) => p.port))).toEqual([[53, 53], [443, 6443], [56789]]);
    // The Pushgateway is the operator pod of our install (chart and dist/), as for the Jobs' policies.
    expect(own.spec.egress[2].to).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'stash' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'stash-pxc', 'app.kubernetes.io/instance': 'stash' } },
    }]);
  });
});

describe('network policies and a Pushgateway that is not the operator\'s', () => {
  const NP = { apiServerCidrs: ['10.0.0.1/32'] };
  const PEER = { namespace: 'monitoring', podLabels: { 'app.kubernetes.io/name': 'prometheus-pushgateway' } };

  test('a pushgatewayUrl elsewhere, without networkPolicy.pushgatewayPeer, fails the synth naming the field and the fix', () => {
    expect(synthErrors(planChart({ pushgatewayUrl: 'http://pushgateway.monitoring.svc:9091' }, { networkPolicy: NP }))).toContain(
      '[test/orders/Drill] networkPolicy.pushgatewayPeer: is not set, and the drill pushes to "http://pushgateway.monitoring.svc:9091", which is not the Stash operator\'s Pushgateway (a Service in the operator\'s namespace on port 56789), so the drill pod\'s policy would drop every push. Fix: give networkPolicy.pushgatewayPeer');
  });

  test('the operator\'s own Service (by its namespace and port) needs no peer', () => {
    for (const url of ['http://stash-stash-pxc.stash.svc:56789', 'http://other-release-stash-pxc.stash.svc.cluster.local:56789/']) {
      const policies = objectsOf({ pushgatewayUrl: url }, { networkPolicy: NP }).filter((o) => o.kind === 'NetworkPolicy');
      expect(policies.find((p) => p.metadata.name === 'orders-drill').spec.egress[2].ports).toEqual([{ protocol: 'TCP', port: 56789 }]);
    }
  });

  test('with the peer: the drill pod and its restore Job reach the Pushgateway\'s pods, and no longer the operator\'s Pushgateway port', () => {
    const chart = planChart({ pushgatewayUrl: 'http://pushgateway.monitoring.svc:9091' }, { networkPolicy: { ...NP, pushgatewayPeer: PEER } });
    const policies = Testing.synth(chart).filter((o) => o.kind === 'NetworkPolicy');
    const rule = {
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus-pushgateway' } } }],
      ports: [{ protocol: 'TCP', port: 9091 }],
    };
    const own = policies.find((p) => p.metadata.name === 'orders-drill');
    expect(own.spec.egress).toEqual([own.spec.egress[0], own.spec.egress[1], rule]);
    const jobs = policies.find((p) => p.metadata.name === 'orders-drill-jobs');
    expect(jobs.spec.egress).toContainEqual(rule);
    expect(JSON.stringify([own, jobs])).not.toContain('56789');
  });
});

describe('the Pushgateway a drill pushes to, beside the app\'s StashOperator', () => {
  const withOperator = (drill: RestoreDrillOptions, operator: object) => {
    const app = Testing.app();
    new StashOperator(new Chart(app, 'install'), 'stash', { certificates: ServingCertificates.certManager(), ...operator });
    return planChart(drill, {}, new Chart(app, 'test', { namespace: 'shop' }));
  };

  test('an external Pushgateway and no pushgatewayUrl: the default would push to nothing, so the synth fails with the URL to set', () => {
    expect(synthErrors(withOperator({}, { pushgateway: Pushgateway.external('http://pushgateway.monitoring.svc:9091') }))).toContain(
      '[test/orders/Drill] pushgatewayUrl: is not set, so the drill pushes to "http://stash-stash-pxc.stash.svc:56789", but the app\'s StashOperator install/stash has its Pushgateway at "http://pushgateway.monitoring.svc:9091": the drill\'s results would never reach it. Fix: set pushgatewayUrl: "http://pushgateway.monitoring.svc:9091"');
  });

  test('an operator whose own Pushgateway is not where the default points (another name or namespace): the same', () => {
    expect(synthErrors(withOperator({}, {}))).toMatch(/pushgatewayUrl: is not set, so the drill pushes to "http:\/\/stash-stash-pxc\.stash\.svc:56789", but the app's StashOperator install\/stash has its Pushgateway at "http:\/\/stash\.stash\.svc:56789"/);
  });

  test('the StashOperator\'s pushgatewayUrl given: accepted, and the drill pushes there', () => {
    for (const pushgateway of [Pushgateway.external('http://pushgateway.monitoring.svc:9091'), undefined]) {
      const app = Testing.app();
      const operator = new StashOperator(new Chart(app, 'install'), 'stash', { certificates: ServingCertificates.certManager(), ...(pushgateway ? { pushgateway } : {}) });
      const chart = planChart({ pushgatewayUrl: operator.pushgatewayUrl }, {}, new Chart(app, 'test', { namespace: 'shop' }));
      const cronJob = Testing.synth(chart).find((o) => o.kind === 'CronJob');
      expect(JSON.stringify(cronJob)).toContain(`"value":"${operator.pushgatewayUrl}"`);
    }
  });
});

describe('the drill\'s RestoreSession can target nothing but the drill\'s own AppBinding', () => {
  // Whatever the props, the target is named after the drill: no prop reaches it.
  test.each<[string, RestoreDrillOptions]>([
    ['defaults', {}],
    ['a custom name', { name: 'weekly-check' }],
    ['every option', { name: 'orders-proof', schemas: ['shop'], tables: ['shop.orders'], sql: 'SELECT 1', admissionPolicy: false }],
  ])('%s', (_, drill) => {
    const o = objectsOf(drill);
    const name = find(o, 'CronJob').metadata.name;
    const rs = JSON.parse(configOf(o, find(o, 'CronJob').metadata.name)['restoresession.json']);
    expect(rs.spec.target.ref).toEqual({ apiVersion: 'appcatalog.appscode.com/v1alpha1', kind: 'AppBinding', name });
    expect(find(o, 'AppBinding', name).spec.clientConfig.service.name).toBe(name);
    // The source database's AppBinding is the backup's target only.
    expect(JSON.stringify(rs)).not.toContain('"orders"');
  });

  test('the construct exposes the same RestoreSession it ships', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
    const repo = Repository.fromRepositoryName('orders-repo');
    planChart({}, {}, chart);
    const drill = new PerconaXtraDbRestoreDrill(chart, 'other', { database: 'orders', version: '8.0.36', repository: repo, name: 'orders-second-drill', schedule: Schedule.weekly({ weekday: Weekday.SUNDAY, hour: 12 }) });
    expect(drill.restoreSession.spec.target.ref.name).toBe('orders-second-drill');
    const shipped = Testing.synth(chart).find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'orders-second-drill-config');
    expect(JSON.parse(shipped.data['restoresession.json'])).toEqual(drill.restoreSession);
  });
});

describeWithReference('drill objects conform strictly to the upstream CRDs', () => {
  const crds = [...upstreamCrds().values()];
  test.each(PerconaXtraDbVersion.all().map((v) => v.line))('AppBinding and RestoreSession, version %s', (version) => {
    const o = objectsOf({}, { version: `${version}.1` });
    expect(manifestProblems(find(o, 'AppBinding'), crds)).toEqual([]);
    expect(manifestProblems(JSON.parse(configOf(o, find(o, 'CronJob').metadata.name)['restoresession.json']), crds)).toEqual([]);
  });
});

describe('the fleet places its drills like its backups, outside the backup window', () => {
  const window = ScheduleWindow.daily({ start: '01:00', end: '05:00' });
  function fleet(count: number, drill: any = {}, extra: (i: number) => any = () => ({})): { chart: Chart; fleet: PerconaXtraDbBackupFleet } {
    const chart = new Chart(Testing.app(), 'fleet');
    const f = new PerconaXtraDbBackupFleet(chart, 'fleet', {
      window, retentionPolicy: RetentionPolicy.keepDaily(7), storageSecretName: 'gcs-secret', drill,
      databases: Array.from({ length: count }, (_, i) => ({
        name: `pxc-${i}`, namespace: `team-${i % 5}`, version: '8.0.36',
        backend: Backend.gcs({ bucket: 'fleet-backups', prefix: `team-${i % 5}/pxc-${i}` }), ...extra(i),
      })),
    });
    return { chart, fleet: f };
  }

  test('one drill per database, at most ceil(N/M) + 1 starting in any minute of the drill window', () => {
    const { chart } = fleet(60, { window: ScheduleWindow.weekly({ days: [Weekday.SUNDAY], start: '12:00', end: '12:30' }) });
    const crons = Testing.synth(chart).filter((o) => o.kind === 'CronJob').map((o) => o.spec.schedule);
    expect(crons).toHaveLength(60);
    const perMinute = new Map<string, number>();
    for (const c of crons) perMinute.set(c, (perMinute.get(c) ?? 0) + 1);
    expect(Math.max(...perMinute.values())).toBeLessThanOrEqual(Math.ceil(60 / 30) + 1);
    for (const c of crons) expect(c).toMatch(/^\d+ 12 \* \* 0$/);
  });

  test('a database can opt out', () => {
    const { fleet: f } = fleet(4, {}, (i) => ({ drill: i !== 2 }));
    expect(f.drills.map((d) => d.database)).toEqual(['pxc-0', 'pxc-1', 'pxc-3']);
  });

  test('a drill window that overlaps the backup window is refused', () => {
    const { chart } = fleet(3, { window: ScheduleWindow.daily({ start: '04:00', end: '06:00' }) });
    expect(synthErrors(chart)).toContain('[fleet/fleet] drill.window: daily 04:00-06:00 overlaps the backup window daily 01:00-05:00 (both at Sun 04:00). Fix: give the drills a window outside the backup window');
  });

  test('schedule and name do not apply to a fleet', () => {
    const { chart } = fleet(2, { schedule: Schedule.daily(), name: 'x' });
    const errors = synthErrors(chart);
    expect(errors).toContain('[fleet/fleet] drill.schedule: is set, but a fleet places its drills over drill.window. Fix: give drill.window instead.');
    expect(errors).toContain('[fleet/fleet] drill.name: is set, but every database of a fleet needs its own drill name.');
  });
});

describe('every mistake is reported at synth, with its path and a fix', () => {
  function errorsOf(drill: RestoreDrillOptions, plan: Partial<PerconaXtraDbBackupPlanProps> = {}): string {
    return synthErrors(planChart(drill, plan));
  }

  test('a bad schedule', () => {
    expect(errorsOf({ schedule: Schedule.cron('61 * * * *') })).toContain('[test/orders/Drill] schedule: "61 * * * *" minute field: 61 is out of range');
  });

  test('a drill schedule inside the backup window', () => {
    expect(errorsOf({ schedule: Schedule.daily({ hour: 1, minute: 30 }) })).toContain(
      '[test/orders/Drill] schedule: "30 1 * * *" starts the drill at Sun 01:30, inside the backup window of orders-backup ("0 1 * * *" and 60 minutes after each start). Fix: move the drill to a time without backups');
    // Shorter backups leave room.
    expect(() => objectsOf({ schedule: Schedule.daily({ hour: 1, minute: 30 }), backupDuration: Duration.minutes(20) })).not.toThrow();
  });

  test('backups every few minutes leave no window to stay out of: no problem', () => {
    expect(() => objectsOf({}, { schedule: Schedule.everyMinutes(5) })).not.toThrow();
  });

  test('a version without an addon', () => {
    expect(errorsOf({}, { version: '9.1.0' })).toContain('[test/orders/Drill] version: "9.1.0" is not a Percona XtraDB version the Stash addon supports.');
  });

  test('a drill of a database without a backup in the app', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
    new PerconaXtraDbRestoreDrill(chart, 'drill', { database: 'legacy', version: '8.0.36', repository: Repository.fromRepositoryName('legacy-repo') });
    expect(synthErrors(chart)).toContain('[test/drill] database: no PerconaXtraDbBackup in this app backs up "legacy" in namespace "shop", so there is nothing to drill. Fix: add the drill to the database\'s PerconaXtraDbBackupPlan (drill option)');
  });

  test('a name that would overflow the 63-character label limit', () => {
    const long = 'a'.repeat(MAX_DRILL_NAME + 1);
    expect(MAX_DRILL_NAME).toBe(47);
    expect(errorsOf({ name: long })).toContain(`[test/orders/Drill] name: the drill name "${long}" is 48 characters; Stash names the restore Job "stash-restore-${long}-0"`);
    // From the database's name, the message names the database.
    const db = 'd'.repeat(42);
    expect(errorsOf({}, { database: db })).toContain(`[test/orders/Drill] database: the drill name "${db}-drill" is 48 characters`);
    expect(() => objectsOf({ name: 'a'.repeat(MAX_DRILL_NAME) })).not.toThrow();
  });

  test('a name that is not a Service name', () => {
    expect(errorsOf({ name: '1-drill' })).toContain('[test/orders/Drill/Service] name: "1-drill"');
  });

  test('checks that the script could not run', () => {
    const errors = errorsOf({
      schemas: ['shop; DROP'], tables: ['orders'], sql: ' ',
      rowCountRules: [{ database: 'shop', table: 'orders', rowCount: { operator: '~' as any, value: -1 } }],
    });
    expect(errors).toContain('[test/orders/Drill] schemas[0]: "shop; DROP" is not a schema name');
    expect(errors).toContain('[test/orders/Drill] tables[0]: "orders" is not a "schema.table" name');
    expect(errors).toContain('[test/orders/Drill] sql: is empty.');
    expect(errors).toContain('[test/orders/Drill] rowCountRules[0].rowCount.operator: "~" is not a comparison. Fix: use a RowCountOperator');
    expect(errors).toContain('[test/orders/Drill] rowCountRules[0].rowCount.value: -1 is not a whole number 0 or more');
  });

  test('bad durations, images, resources and URLs', () => {
    const errors = errorsOf({
      restoreTimeout: Duration.millis(1500), serverImage: { tag: 'bad tag' }, pushgatewayUrl: 'stash:56789',
      serverResources: { requests: { memory: { value: '4Gi' } as any }, limits: { memory: { value: '1Gi' } as any } },
    });
    expect(errors).toContain('[test/orders/Drill] restoreTimeout: 1500ms is not a whole number of seconds.');
    expect(errors).toContain('[test/orders/Drill] serverImage.tag:');
    expect(errors).toContain('[test/orders/Drill] pushgatewayUrl: "stash:56789" is not an http(s)://host[:port][/path] URL.');
    expect(errors).toContain('[test/orders/Drill] serverResources');
  });

  test('a namespace whose Pod Security level would refuse the drill pod', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
    new ApiObject(chart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
    planChart({ serverRunAsUser: 0 }, {}, chart);
    expect(synthErrors(chart)).toContain('[test/orders/Drill] serverRunAsUser: the drill\'s pods would be refused in namespace "shop", which enforces Pod Security "restricted" (server: runAsNonRoot is not true; server: runs as user 0');
    // The default (the image's mysql user) is admitted there.
    const ok = new Chart(Testing.app(), 'test', { namespace: 'shop' });
    new ApiObject(ok, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
    planChart({}, {}, ok);
    expect(() => Testing.synth(ok)).not.toThrow();
  });

  test('required props left out from JavaScript are reported, not thrown', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
    new PerconaXtraDbRestoreDrill(chart, 'drill', {} as PerconaXtraDbRestoreDrillProps);
    const errors = synthErrors(chart);
    expect(errors).toContain('[test/drill] database: is missing.');
    expect(errors).toContain('[test/drill] repository: is missing.');
  });
});

describe('the scripts ship in one ConfigMap per namespace, as they are in the package', () => {
  test('every script, byte for byte, and every command of the pod runs one of them', () => {
    const fs = require('fs');
    const path = require('path');
    const { drillScriptsDir, DRILL_SCRIPTS } = require('../../../src/database/restores/perconaxtradb-restore-drill');
    const objects = objectsOf();
    const data = find(objects, 'ConfigMap', 'stash-pxc-drill-scripts').data;
    expect(Object.keys(data).sort()).toEqual([...DRILL_SCRIPTS].sort());
    for (const script of DRILL_SCRIPTS) expect(data[script]).toBe(fs.readFileSync(path.join(drillScriptsDir(), script), 'utf8'));
    const spec = podOf(objects).spec;
    for (const c of [...spec.initContainers, ...spec.containers].filter((x: any) => x.command)) {
      expect(c.command[0]).toBe('bash');
      expect(Object.keys(data)).toContain(path.basename(c.command[1]));
    }
  });

  test('shared by the drills of a namespace, once per namespace', () => {
    const chart = new Chart(Testing.app(), 'fleet');
    new PerconaXtraDbBackupFleet(chart, 'fleet', {
      window: ScheduleWindow.daily({ start: '01:00', end: '05:00' }), retentionPolicy: RetentionPolicy.keepDaily(7), storageSecretName: 'gcs-secret', drill: {},
      databases: Array.from({ length: 6 }, (_, i) => ({
        name: `pxc-${i}`, namespace: `team-${i % 2}`, version: '8.0.36', backend: Backend.gcs({ bucket: 'fleet-backups', prefix: `pxc-${i}` }),
      })),
    });
    const scripts = Testing.synth(chart).filter((o) => o.kind === 'ConfigMap' && o.metadata.name === 'stash-pxc-drill-scripts');
    expect(scripts.map((o) => o.metadata.namespace).sort()).toEqual(['team-0', 'team-1']);
  });
});
