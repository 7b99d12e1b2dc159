/**
 * The Jobs' NetworkPolicies judged by an existing NetworkPolicy engine (cyclonus, offline), on
 * the labels of the pods the real Stash operator made from our objects
 * (`../shared/reference/stash-operator-output/job-*.yaml`), the operator pod as
 * `dist/install.yaml` labels it, and the policies we render for the reference's databases: a
 * backup Job reaches DNS, the API server, the operator's license endpoint and Pushgateway, its
 * database and the object store, and nothing else; the SST port is open only for a cluster backup.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Size, Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import {
  Backend, INVOKER_LABEL, JobNetworkPolicyOptions, PerconaXtraDbBackup, PerconaXtraDbRestore, POD_ORDINAL, Repository, RetentionPolicy, Schedule,
} from '../../../src';
import { allowedByCyclonus, Connection, describeWithCyclonus, Endpoint } from '../../support/cyclonus';
import { describeWithReference, readReference, REFERENCE_DIR, REPO_ROOT } from '../../support/reference';

const NAMESPACE = 'demo';
const API_SERVER = '10.0.0.1';
const NETWORK_POLICY: JobNetworkPolicyOptions = { apiServerCidrs: [`${API_SERVER}/32`] };

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

/** The reference's backups and restores (input-values.yaml), each with a NetworkPolicy, as constructs. */
function constructPolicies(): any[] {
  const chart = new Chart(Testing.app(), 'demo', { namespace: NAMESPACE });
  const backend = Backend.gcs({ bucket: 'stash-testing', prefix: 'demo/xtradb' });
  const common = { version: '8.0.36', schedule: Schedule.cron('*/5 * * * *'), retentionPolicy: RetentionPolicy.keepLast(5) };
  for (const [database, galera] of [['sample-xtradb', false], ['sample-xtradb-cluster', true]] as const) {
    const repository = new Repository(chart, `${database}-repo`, { name: `gcs-${database}`, backend, storageSecretName: 'gcs-secret' });
    new PerconaXtraDbBackup(chart, database, { ...common, database, repository, networkPolicy: { ...NETWORK_POLICY, galera } });
  }
  new PerconaXtraDbRestore(chart, 'restore', {
    name: 'sample-xtradb-restore', database: 'restored-xtradb', version: '8.0.36',
    repository: Repository.fromRepositoryName('gcs-sample-xtradb'), networkPolicy: NETWORK_POLICY,
  });
  new PerconaXtraDbRestore(chart, 'cluster-restore', {
    name: 'sample-xtradb-cluster-restore', database: 'restored-xtradb-cluster', version: '8.0.36',
    repository: Repository.fromRepositoryName('gcs-sample-xtradb-cluster'), networkPolicy: NETWORK_POLICY,
    cluster: { replicas: 3, volumeClaimTemplates: [{ name: `data-restored-xtradb-cluster-${POD_ORDINAL}`, storage: Size.gibibytes(1) }] },
  });
  return Testing.synth(chart).filter((o) => o.kind === 'NetworkPolicy');
}

/** A KubeDB database pod (KubeDB's labels on its StatefulSet's pods). */
function databasePod(name: string, namespace = NAMESPACE, ip = '10.1.1.1'): Endpoint {
  return { namespace, ip, labels: { 'app.kubernetes.io/name': 'perconaxtradbs.kubedb.com', 'app.kubernetes.io/instance': name, 'app.kubernetes.io/managed-by': 'kubedb.com' } };
}

const DNS: Endpoint = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, ip: '10.1.0.2' };
const OBJECT_STORE: Endpoint = { ip: '142.250.74.123' }; // storage.googleapis.com: outside the cluster
const API: Endpoint = { ip: API_SERVER };
const OTHER_NAMESPACE_POD: Endpoint = { namespace: 'shop', labels: { app: 'web' }, ip: '10.1.2.3' };

/** A named expectation on one connection. */
type Case = [what: string, connection: Connection, allowed: boolean];

/** What one Job must and must not reach. */
function casesFor(job: ReferenceJob, pod: Endpoint, operator: Endpoint): Case[] {
  const database = job.restore ? job.podLabels['app.kubernetes.io/instance'] : job.invoker.replace(/-backup$/, '');
  const cluster = /cluster/.test(job.invoker);
  const reachesDatabase = !(job.restore && cluster); // a cluster restore only fills the new volumes
  const out = (what: string, to: Endpoint, port: number, allowed: boolean, protocol: 'TCP' | 'UDP' = 'TCP'): Case => [what, { from: pod, to, port, protocol }, allowed];
  return [
    out('DNS over UDP', DNS, 53, true, 'UDP'),
    out('DNS over TCP', DNS, 53, true),
    out('the API server', API, 443, true),
    out('the license endpoint (operator pod port 8443)', operator, 8443, true),
    out('the Pushgateway', operator, 56789, true),
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

/** Judges every case of every reference Job under `policies`; returns the failures (empty when all hold). */
function judge(cyclonus: string, policies: any[], jobs: ReferenceJob[], operator: Endpoint): string[] {
  const cases = jobs.flatMap((job, i) => casesFor(job, { namespace: NAMESPACE, labels: { ...job.podLabels, [INVOKER_LABEL]: job.invoker }, ip: `10.1.3.${i + 1}` }, operator)
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
      expect(judge(cyclonus, constructPolicies(), jobs, operator)).toEqual([]);
    });

    test('the engine tells the difference: the old peer (app.kubernetes.io/name: stash, no 8443) blocks the license endpoint and the Pushgateway', () => {
      const old = constructPolicies().map((p) => ({
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
