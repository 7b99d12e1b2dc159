/**
 * The Jobs' NetworkPolicies judged by an existing NetworkPolicy engine (cyclonus, offline), on
 * the labels of the pods the real Stash operator made from our objects
 * (`../shared/reference/stash-operator-output/job-*.yaml`), the operator pod as
 * `dist/install.yaml` labels it, and the policies that the per-database chart (Helm) and the
 * constructs render from the reference's own values with `networkPolicy` on: a backup Job
 * reaches DNS, the API server, the operator's license endpoint and Pushgateway, its database and
 * the object store, and nothing else; the SST port is open only for a cluster backup. With an
 * external Pushgateway (networkPolicy.pushgatewayPeer), a Job reaches its pods instead of the
 * operator's Pushgateway port, and nothing else new; so do a drill's pod and its restore Job
 * (which reaches the throwaway server, never the source database).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { fromValues, ReleaseInfo } from '../../../generator/backup-chart/values-model';
import { INVOKER_LABEL } from '../../../src';
import { helmRender, writeValuesFile } from '../../support/backup-chart';
import { allowedByCyclonus, Connection, describeWithCyclonus, Endpoint } from '../../support/cyclonus';
import { describeWithHelm, findHelm } from '../../support/helm';
import { describeWithReference, readReference, REFERENCE_DIR, REPO_ROOT } from '../../support/reference';

const NAMESPACE = 'demo';
const API_SERVER = '10.0.0.1';
/** The release the reference's objects were installed as. */
const RELEASE: ReleaseInfo = { name: 'demo-backups', namespace: NAMESPACE };

/** The reference's Jobs: pod labels as the operator wrote them, and the invoker each belongs to. */
interface ReferenceJob {
  readonly file: string;
  readonly invoker: string;
  readonly restore: boolean;
  readonly podLabels: { [key: string]: string };
}

function referenceJobs(): ReferenceJob[] {
  const dir = path.join(REFERENCE_DIR, 'stash-operator-output');
  return fs.readdirSync(dir).filter((f) => /^job-.*\.yaml$/.test(f)).sort().map((file) => {
    const [job] = readReference(path.join('stash-operator-output', file));
    const owner = job.metadata.ownerReferences[0];
    // A backup Job belongs to a BackupSession `<BackupConfiguration>-<unix time>`.
    const invoker = owner.kind === 'BackupSession' ? owner.name.replace(/-\d+$/, '') : owner.name;
    return { file, invoker, restore: owner.kind === 'RestoreSession', podLabels: job.spec.template.metadata.labels };
  });
}

/** The stored invoker (BackupConfiguration or RestoreSession) of a Job. */
function invokerObject(job: ReferenceJob): any {
  const kind = job.restore ? 'restoresession' : 'backupconfiguration';
  return readReference(path.join('stash-operator-output', `${kind}-${job.invoker}.yaml`))[0];
}

/** The operator pod of `dist/install.yaml`. */
function installOperatorPod(): Endpoint {
  const install = parseAllDocuments(fs.readFileSync(path.join(REPO_ROOT, 'dist', 'install.yaml'), 'utf8')).map((d) => d.toJSON());
  const deployment = install.find((o) => o?.kind === 'Deployment');
  return { namespace: deployment.metadata.namespace, labels: deployment.spec.template.metadata.labels, ip: '10.1.0.10' };
}

/** The reference's values (what the operator was fed), with the Jobs confined: the cluster is a Galera one. */
function referenceValues(networkPolicy: object = {}): any {
  const values = parse(fs.readFileSync(path.join(REFERENCE_DIR, 'stash-operator-output', 'input-values.yaml'), 'utf8'));
  return {
    ...values,
    networkPolicy: { enabled: true, apiServerCidrs: [`${API_SERVER}/32`], ...networkPolicy },
    databases: values.databases.map((d: any) => (/cluster/.test(d.name) ? { ...d, galera: true } : d)),
  };
}

/** The objects the constructs build from the reference's values. */
function constructObjects(networkPolicy: object = {}): any[] {
  return fromValues(referenceValues(networkPolicy), RELEASE).manifests;
}

/** The objects Helm renders from the reference's values with the generated chart. */
async function helmObjects(networkPolicy: object = {}): Promise<any[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stash-pxc-netpol-'));
  try {
    const file = writeValuesFile(dir, 'values.yaml', referenceValues(networkPolicy));
    const { objects, error } = await helmRender(findHelm(4), path.join(REPO_ROOT, 'charts', 'stash-pxc-backup'), file, RELEASE);
    if (error) throw new Error(error);
    return objects!;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A Job's pod labels had our objects carried the NetworkPolicy's label: the operator copies the
 * invoker's labels to the pods (see the test below), so the pod has the rendered invoker's labels
 * and, over them, those it really got (the operator's own, and a rewritten restore's).
 */
function podLabels(job: ReferenceJob, objects: any[]): { [key: string]: string } {
  const invoker = objects.find((o) => o.kind === (job.restore ? 'RestoreSession' : 'BackupConfiguration') && o.metadata.name === job.invoker);
  expect({ job: job.file, invoker: invoker?.metadata.labels[INVOKER_LABEL] }).toEqual({ job: job.file, invoker: job.invoker });
  return { ...invoker.metadata.labels, ...job.podLabels };
}

/** A KubeDB database pod (KubeDB's labels on its StatefulSet's pods). */
function databasePod(name: string, namespace = NAMESPACE, ip = '10.1.1.1'): Endpoint {
  return { namespace, ip, labels: { 'app.kubernetes.io/name': 'perconaxtradbs.kubedb.com', 'app.kubernetes.io/instance': name, 'app.kubernetes.io/managed-by': 'kubedb.com' } };
}

const DNS: Endpoint = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, ip: '10.1.0.2' };
const OBJECT_STORE: Endpoint = { ip: '142.250.74.123' }; // storage.googleapis.com: outside the cluster
const API: Endpoint = { ip: API_SERVER };
const OTHER_NAMESPACE_POD: Endpoint = { namespace: 'shop', labels: { app: 'web' }, ip: '10.1.2.3' };
/** An external Pushgateway (the install's pushgateway.externalUrl), as the prometheus-community chart labels its pod. */
const PUSHGATEWAY_LABELS = { 'app.kubernetes.io/name': 'prometheus-pushgateway' };
const PUSHGATEWAY: Endpoint = { namespace: 'monitoring', labels: PUSHGATEWAY_LABELS, ip: '10.1.4.1' };
const PUSHGATEWAY_PEER = { pushgatewayPeer: { namespace: 'monitoring', podLabels: PUSHGATEWAY_LABELS } };

/** A named expectation on one connection. */
type Case = [what: string, connection: Connection, allowed: boolean];

/** What one Job must and must not reach. */
function casesFor(job: ReferenceJob, pod: Endpoint, operator: Endpoint, pushgateway?: Endpoint): Case[] {
  const database = job.restore ? job.podLabels['app.kubernetes.io/instance'] : job.invoker.replace(/-backup$/, '');
  const cluster = /cluster/.test(job.invoker);
  const reachesDatabase = !(job.restore && cluster); // a cluster restore only fills the new volumes
  const out = (what: string, to: Endpoint, port: number, allowed: boolean, protocol: 'TCP' | 'UDP' = 'TCP'): Case => [what, { from: pod, to, port, protocol }, allowed];
  return [
    out('DNS over UDP', DNS, 53, true, 'UDP'),
    out('DNS over TCP', DNS, 53, true),
    out('the API server', API, 443, true),
    out('the license endpoint (operator pod port 8443)', operator, 8443, true),
    ...(pushgateway ? [
      out('the Pushgateway', pushgateway, 9091, true),
      out('the operator\'s Pushgateway port, unused', operator, 56789, false),
      out('another port of the Pushgateway pod', pushgateway, 8080, false),
      out('a pod labelled as the Pushgateway in another namespace', { ...pushgateway, namespace: 'shop', ip: '10.1.4.2' }, 9091, false),
      out('another pod of the Pushgateway\'s namespace', { namespace: 'monitoring', labels: { app: 'grafana' }, ip: '10.1.4.3' }, 9091, false),
    ] : [out('the Pushgateway', operator, 56789, true)]),
    out('the database on 3306', databasePod(database), 3306, reachesDatabase),
    out('the database\'s Galera port 4567', databasePod(database), 4567, !job.restore && cluster),
    out('the object store', OBJECT_STORE, 443, true),
    out('another port of the operator pod', operator, 8080, false),
    out('another port of the DNS pods', DNS, 8080, false),
    out('another database of the namespace', databasePod('orders'), 3306, false),
    out('a same-named database in another namespace', databasePod(database, 'other'), 3306, false),
    out('a pod of another namespace', OTHER_NAMESPACE_POD, 8080, false),
    out('port 22 on the internet', { ip: '203.0.113.7' }, 22, false),
    out('port 22 of the API server', API, 22, false),
    // Ingress: the donor's SST stream, for a cluster backup only, and only from its members.
    ['SST from the database', { from: databasePod(database), to: pod, port: 4444 }, !job.restore && cluster],
    ['SST from a pod of another namespace', { from: OTHER_NAMESPACE_POD, to: pod, port: 4444 }, false],
    ['anything else in', { from: databasePod(database), to: pod, port: 8080 }, false],
  ];
}

/** Judges every case of every reference Job under the NetworkPolicies of `objects`; returns the failures (none when all hold). */
function judge(cyclonus: string, objects: any[], jobs: ReferenceJob[], operator: Endpoint, pushgateway?: Endpoint): string[] {
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  expect(policies.map((p) => p.metadata.name).sort()).toEqual([
    'sample-xtradb-backup-jobs', 'sample-xtradb-cluster-backup-jobs', 'sample-xtradb-cluster-restore-jobs', 'sample-xtradb-restore-jobs',
  ]);
  const cases = jobs.flatMap((job, i) => casesFor(job, { namespace: NAMESPACE, labels: podLabels(job, objects), ip: `10.1.3.${i + 1}` }, operator, pushgateway)
    .map(([what, connection, allowed]) => ({ job: job.file, what, connection, allowed })));
  const verdicts = allowedByCyclonus(cyclonus, policies, cases.map((c) => c.connection));
  return cases.flatMap((c, i) => (verdicts[i] === c.allowed ? []
    : [`${c.job}: ${c.what} is ${verdicts[i] ? 'allowed' : 'denied'}, expected ${c.allowed ? 'allowed' : 'denied'}`]));
}

describeWithReference('the Jobs\' NetworkPolicies, judged by cyclonus on the real Jobs\' pods', () => {
  const jobs = referenceJobs();

  test('the reference has the backup and restore Jobs of a standalone and a cluster database', () => {
    expect(jobs.map((j) => `${j.restore ? 'restore' : 'backup'} ${j.invoker}`)).toEqual([
      'backup sample-xtradb-backup', 'backup sample-xtradb-cluster-backup',
      'restore sample-xtradb-cluster-restore', 'restore sample-xtradb-cluster-restore', 'restore sample-xtradb-cluster-restore',
      'restore sample-xtradb-restore',
    ]);
  });

  test('the operator copies its invoker\'s labels to the Jobs\' pods (so it copies stash-pxc/invoker too), setting its own managed-by and component', () => {
    for (const job of jobs) {
      const { 'app.kubernetes.io/managed-by': _managedBy, ...labels } = invokerObject(job).metadata.labels;
      expect({ job: job.file, labels: Object.fromEntries(Object.keys(labels).map((k) => [k, job.podLabels[k]])) }).toEqual({ job: job.file, labels });
      expect(job.podLabels['app.kubernetes.io/managed-by']).toBe('stash.appscode.com');
      expect(job.podLabels['app.kubernetes.io/component']).toBe(job.restore ? 'stash-restore' : 'stash-backup');
    }
  });

  describeWithCyclonus('cyclonus', (cyclonus) => {
    const operator = installOperatorPod();

    test('the policies of the constructs: every Job reaches what it needs and nothing else', () => {
      expect(judge(cyclonus, constructObjects(), jobs, operator)).toEqual([]);
    });

    test('an external Pushgateway (constructs): every Job reaches its pods on 9091, the operator only on 8443, and nothing else new', () => {
      expect(judge(cyclonus, constructObjects(PUSHGATEWAY_PEER), jobs, operator, PUSHGATEWAY)).toEqual([]);
    });

    describeWithHelm('the chart', () => {
      test('the policies Helm renders: every Job reaches what it needs and nothing else', async () => {
        expect(judge(cyclonus, await helmObjects(), jobs, operator)).toEqual([]);
      }, 60000);

      test('an external Pushgateway (Helm): the same', async () => {
        expect(judge(cyclonus, await helmObjects(PUSHGATEWAY_PEER), jobs, operator, PUSHGATEWAY)).toEqual([]);
      }, 60000);
    });

    test('the engine tells the difference: without the peer, every Job\'s push to the external Pushgateway is denied', () => {
      const failures = judge(cyclonus, constructObjects(), jobs, operator, PUSHGATEWAY);
      expect(failures.filter((f) => /: the Pushgateway is denied/.test(f))).toHaveLength(jobs.length);
      // ... and the operator's port, which that install does not use, is still open.
      expect(failures.filter((f) => /operator's Pushgateway port, unused is allowed/.test(f))).toHaveLength(jobs.length);
      expect(failures).toHaveLength(2 * jobs.length);
    });

    test('the engine tells the difference: the old peer (app.kubernetes.io/name: stash, no 8443) blocks the license endpoint and the Pushgateway', () => {
      const old = constructObjects().map((p) => (p.kind !== 'NetworkPolicy' ? p : {
        ...p,
        spec: {
          ...p.spec,
          egress: p.spec.egress.map((r: any) => (r.ports.some((x: any) => x.port === 56789)
            ? { to: [{ ...r.to[0], podSelector: { matchLabels: { 'app.kubernetes.io/name': 'stash', 'app.kubernetes.io/instance': 'stash' } } }], ports: [{ protocol: 'TCP', port: 56789 }] }
            : r)),
        },
      }));
      const failures = judge(cyclonus, old, jobs, operator);
      expect(failures.filter((f) => /license endpoint \(operator pod port 8443\) is denied/.test(f))).toHaveLength(jobs.length);
      expect(failures.filter((f) => /Pushgateway is denied/.test(f))).toHaveLength(jobs.length);
      expect(failures).toHaveLength(2 * jobs.length);
    });
  });
});

/** Drills under network policies, pushing to an external Pushgateway: a standalone and a Galera drill. */
function drillValues(networkPolicy: object): any {
  return {
    networkPolicy: { enabled: true, apiServerCidrs: [`${API_SERVER}/32`], ...networkPolicy },
    defaults: {
      version: '8.0.36', backend: { provider: 'gcs', gcs: { bucket: 'acme-db-backups' } }, storageSecretName: 'gcs-secret',
      schedule: { cron: '0 2 * * *' }, retentionPolicy: { keepLast: 5 },
      drill: { enabled: true, pushgatewayUrl: 'http://pushgateway.monitoring.svc:9091' },
    },
    databases: [{ name: 'orders' }, { name: 'ledger', galera: true, drill: { enabled: true, claimStorage: '20Gi', pushgatewayUrl: 'http://pushgateway.monitoring.svc:9091' } }],
  };
}

/**
 * The drill's pods as the cluster runs them: the drill pod (its CronJob's pod template) and its
 * restore Job (Stash copies the RestoreSession's labels to it, and sets its own).
 */
function drillPods(objects: any[], drill: string, i: number): { drill: Endpoint; restore: Endpoint } {
  const cron = objects.find((o) => o.kind === 'CronJob' && o.metadata.name === drill);
  const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === `${drill}-config`);
  const session = JSON.parse(config.data['restoresession.json']);
  return {
    drill: { namespace: NAMESPACE, labels: cron.spec.jobTemplate.spec.template.metadata.labels, ip: `10.1.5.${i}` },
    restore: {
      namespace: NAMESPACE, ip: `10.1.6.${i}`,
      labels: { ...session.metadata.labels, 'app.kubernetes.io/managed-by': 'stash.appscode.com', 'app.kubernetes.io/component': 'stash-restore' },
    },
  };
}

/** What a drill's pods must and must not reach, with the Pushgateway external. */
function drillCases(objects: any[], operator: Endpoint): Array<{ what: string; connection: Connection; allowed: boolean }> {
  return [['orders-drill', false], ['ledger-drill', true]].flatMap(([drill, galera], i) => {
    const pods = drillPods(objects, drill as string, i + 1);
    const c = (what: string, from: Endpoint, to: Endpoint, port: number, allowed: boolean) => ({ what: `${drill}: ${what}`, connection: { from, to, port }, allowed });
    return [
      c('drill pod to the Pushgateway', pods.drill, PUSHGATEWAY, 9091, true),
      c('drill pod to the operator\'s Pushgateway port', pods.drill, operator, 56789, false),
      c('drill pod to another port of the Pushgateway pod', pods.drill, PUSHGATEWAY, 8080, false),
      c('drill pod to a pod labelled as the Pushgateway in another namespace', pods.drill, { ...PUSHGATEWAY, namespace: 'shop', ip: '10.1.4.2' }, 9091, false),
      c('drill pod to the API server', pods.drill, API, 443, true),
      c('drill pod to the internet', pods.drill, { ip: '203.0.113.7' }, 443, false),
      c('restore Job to the Pushgateway', pods.restore, PUSHGATEWAY, 9091, true),
      c('restore Job to the license endpoint', pods.restore, operator, 8443, true),
      c('restore Job to the operator\'s Pushgateway port', pods.restore, operator, 56789, false),
      c('restore Job to the throwaway server', pods.restore, pods.drill, 3306, !galera),
      c('restore Job to the source database', pods.restore, databasePod(galera ? 'ledger' : 'orders'), 3306, false),
      c('a pod of another namespace to the throwaway server', OTHER_NAMESPACE_POD, pods.drill, 3306, false),
    ];
  });
}

describeWithCyclonus('drills\' NetworkPolicies with an external Pushgateway, judged by cyclonus', (cyclonus) => {
  const operator = installOperatorPod();
  const failures = (objects: any[]) => {
    const cases = drillCases(objects, operator);
    const verdicts = allowedByCyclonus(cyclonus, objects.filter((o) => o.kind === 'NetworkPolicy'), cases.map((x) => x.connection));
    return cases.flatMap((x, i) => (verdicts[i] === x.allowed ? [] : [`${x.what} is ${verdicts[i] ? 'allowed' : 'denied'}, expected ${x.allowed ? 'allowed' : 'denied'}`]));
  };

  test('the constructs: the drill pod and its restore Job reach the Pushgateway\'s pods, and nothing else new', () => {
    expect(failures(fromValues(drillValues(PUSHGATEWAY_PEER), RELEASE).manifests)).toEqual([]);
  });

  describeWithHelm('the chart', () => {
    test('the same policies rendered by Helm', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stash-pxc-netpol-'));
      try {
        const { objects, error } = await helmRender(findHelm(4), path.join(REPO_ROOT, 'charts', 'stash-pxc-backup'), writeValuesFile(dir, 'values.yaml', drillValues(PUSHGATEWAY_PEER)), RELEASE);
        if (error) throw new Error(error);
        expect(failures(objects!)).toEqual([]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }, 60000);
  });
});
