/**
 * The NetworkPolicy that confines the backup and restore Jobs: which pods it selects (by the
 * labels Stash puts on its Jobs' pods) and each rule.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Size, Testing } from 'cdk8s';
import { parse, parseAllDocuments } from 'yaml';
import {
  Backend, BackupNetworkPolicy, LocalVolume, PerconaXtraDbBackup, PerconaXtraDbBackupPlan, PerconaXtraDbRestore, POD_ORDINAL,
  Pushgateway, Repository, RetentionPolicy, Schedule, ServingCertificates, StashOperator,
} from '../../../src';
import { REPO_ROOT } from '../../support/reference';

const API = { apiServerCidrs: ['10.0.0.1/32'] };
const common = { schedule: Schedule.cron('@daily'), retentionPolicy: RetentionPolicy.keepLast(5) };

function synth(build: (chart: Chart) => void): any[] {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'demo' });
  build(chart);
  return Testing.synth(chart);
}

function policyOf(objects: any[]): any {
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  expect(policies).toHaveLength(1);
  return policies[0];
}

function backupWith(backend: Backend, extra: object = {}): any[] {
  return synth((chart) => {
    const repository = new Repository(chart, 'repo', { name: 'repo', backend, storageSecretName: 's' });
    new PerconaXtraDbBackup(chart, 'backup', { database: 'db', version: '8.0.36', repository, ...common, networkPolicy: { ...API, ...extra } });
  });
}

const tcp = (port: number) => ({ protocol: 'TCP', port });

describe('the NetworkPolicy of a backup', () => {
  const objects = backupWith(Backend.s3({ endpoint: 'https://minio.storage.svc:9000', bucket: 'backups', prefix: 'db' }));
  const policy = policyOf(objects);
  const egress = policy.spec.egress;

  test('is off by default', () => {
    expect(synth((chart) => new PerconaXtraDbBackup(chart, 'b', { database: 'db', version: '8.0.36', repository: Repository.fromRepositoryName('r'), ...common }))
      .filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
  });

  test('selects the backup Job pods by Stash\'s labels and the invoker label, which the BackupConfiguration carries', () => {
    expect(policy.metadata).toEqual({ name: 'db-backup-jobs', namespace: 'demo' });
    expect(policy.spec.podSelector.matchLabels).toEqual({
      'app.kubernetes.io/managed-by': 'stash.appscode.com', 'app.kubernetes.io/component': 'stash-backup', 'stash-pxc/invoker': 'db-backup',
    });
    const bc = objects.find((o) => o.kind === 'BackupConfiguration');
    expect(bc.metadata.labels).toEqual({ 'stash-pxc/invoker': 'db-backup' });
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.ingress).toEqual([]);
    expect(egress).toHaveLength(5);
  });

  test('DNS: the cluster DNS pods on UDP and TCP 53', () => {
    expect(egress[0]).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ protocol: 'UDP', port: 53 }, tcp(53)],
    });
  });

  test('API server: its endpoint addresses on 443 and 6443', () => {
    expect(egress[1]).toEqual({ to: [{ ipBlock: { cidr: '10.0.0.1/32' } }], ports: [tcp(443), tcp(6443)] });
  });

  test('operator: its license endpoint (pod port 8443 behind the Service\'s 443) and the Pushgateway (56789), on the pod our install labels', () => {
    expect(egress[2]).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'stash' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'stash-pxc', 'app.kubernetes.io/instance': 'stash' } } }],
      ports: [tcp(8443), tcp(56789)],
    });
  });

  test('database: the KubeDB pods of the database on 3306', () => {
    expect(egress[3]).toEqual({ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'perconaxtradbs.kubedb.com', 'app.kubernetes.io/instance': 'db' } } }], ports: [tcp(3306)] });
  });

  test('object store in the cluster: its namespace on the endpoint\'s port', () => {
    expect(egress[4]).toEqual({ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'storage' } } }], ports: [tcp(9000)] });
  });

  test('object store by IP: that address; a cloud DNS name: only the port; a local backend: no rule', () => {
    expect(policyOf(backupWith(Backend.s3({ endpoint: 'http://192.168.1.20:9000', bucket: 'backups', prefix: 'db' }))).spec.egress[4])
      .toEqual({ to: [{ ipBlock: { cidr: '192.168.1.20/32' } }], ports: [tcp(9000)] });
    expect(policyOf(backupWith(Backend.gcs({ bucket: 'backups', prefix: 'db' }))).spec.egress[4]).toEqual({ ports: [tcp(443)] });
    expect(policyOf(backupWith(Backend.s3({ bucket: 'backups', prefix: 'db', region: 'eu-west-1' }))).spec.egress[4]).toEqual({ ports: [tcp(443)] });
    expect(policyOf(backupWith(Backend.gcs({ bucket: 'backups', prefix: 'db' }), { objectStoreCidrs: ['199.36.153.4/30'] })).spec.egress[4])
      .toEqual({ to: [{ ipBlock: { cidr: '199.36.153.4/30' } }], ports: [tcp(443)] });
    expect(policyOf(backupWith(Backend.local({ volume: LocalVolume.nfs({ server: 'nfs', path: '/x' }), subPath: 'db' }))).spec.egress).toHaveLength(4);
  });

  test('a Galera cluster: the members on 3306 and 4567, and the donor\'s SST stream in on 4444', () => {
    const p = policyOf(backupWith(Backend.gcs({ bucket: 'backups', prefix: 'db' }), { galera: true, databasePodLabels: { app: 'pxc' } }));
    expect(p.spec.egress[3]).toEqual({ to: [{ podSelector: { matchLabels: { app: 'pxc' } } }], ports: [tcp(3306), tcp(4567)] });
    expect(p.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { app: 'pxc' } } }], ports: [tcp(4444)] }]);
  });

  test('a database in another namespace is selected with its namespace', () => {
    const objects2 = synth((chart) => new PerconaXtraDbBackup(chart, 'b', {
      database: 'db', databaseNamespace: 'prod', version: '8.0.36', repository: Repository.fromRepositoryName('r'), ...common, networkPolicy: API,
    }));
    expect(policyOf(objects2).spec.egress[3].to[0].namespaceSelector).toEqual({ matchLabels: { 'kubernetes.io/metadata.name': 'prod' } });
  });

  test('bad addresses fail the synth', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'demo' });
    new BackupNetworkPolicy(chart, 'p', { name: 'p', invoker: 'x', restore: false, apiServerCidrs: [], objectStoreCidrs: ['10.0.0.300/32'] });
    expect(() => Testing.synth(chart)).toThrow(/apiServerCidrs: is empty[\s\S]*objectStoreCidrs: "10\.0\.0\.300\/32" is not a CIDR/);
  });
});

describe('the NetworkPolicy of a restore', () => {
  test('selects the restore Job pods; a standalone restore reaches the database', () => {
    const p = policyOf(synth((chart) => new PerconaXtraDbRestore(chart, 'r', { database: 'db', version: '8.0.36', repository: Repository.fromRepositoryName('r'), networkPolicy: API })));
    expect(p.spec.podSelector.matchLabels['app.kubernetes.io/component']).toBe('stash-restore');
    expect(p.spec.egress.map((r: any) => r.ports.map((x: any) => x.port))).toEqual([[53, 53], [443, 6443], [8443, 56789], [3306], [443]]);
  });

  test('a cluster restore has no database rule (it only fills the new volumes)', () => {
    const p = policyOf(synth((chart) => new PerconaXtraDbRestore(chart, 'r', {
      database: 'db', version: '8.0.36', repository: Repository.fromRepositoryName('r'), networkPolicy: API,
      cluster: { replicas: 3, volumeClaimTemplates: [{ name: `data-db-${POD_ORDINAL}`, storage: Size.gibibytes(1) }] },
    })));
    expect(p.spec.egress.map((r: any) => r.ports.map((x: any) => x.port))).toEqual([[53, 53], [443, 6443], [8443, 56789], [443]]);
  });

  test('the policy carries the labels of its backup or restore (a Helm release\'s, for instance)', () => {
    const labels = { 'app.kubernetes.io/instance': 'shop-backups', 'app.kubernetes.io/part-of': 'stash-pxc' };
    const objects = synth((chart) => {
      new PerconaXtraDbBackup(chart, 'b', { database: 'db', version: '8.0.36', repository: Repository.fromRepositoryName('r'), ...common, labels, networkPolicy: API });
      new PerconaXtraDbRestore(chart, 'r', { database: 'db2', version: '8.0.36', repository: Repository.fromRepositoryName('r'), labels, networkPolicy: API });
    });
    expect(objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.labels)).toEqual([labels, labels]);
  });

  test('a plan\'s one switch confines its backup and its restore', () => {
    const objects = synth((chart) => new PerconaXtraDbBackupPlan(chart, 'plan', {
      database: 'db', version: '8.0.36', backend: Backend.gcs({ bucket: 'backups', prefix: 'db' }), storageSecretName: 's', ...common,
      networkPolicy: API, restore: { database: 'db2' },
    }));
    expect(objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name)).toEqual(['db-backup-jobs', 'db2-restore-jobs']);
  });
});

/** The operator peer of the only NetworkPolicy in `objects`. */
function operatorPeerOf(objects: any[]): any {
  const rule = policyOf(objects).spec.egress.find((r: any) => r.ports.some((p: any) => p.port === 8443));
  expect(rule.ports).toEqual([tcp(8443), tcp(56789)]);
  return rule.to;
}

/** A backup with a NetworkPolicy in one chart, and whatever else `more` adds to the app. */
function appWith(more: (app: App) => void, networkPolicy: object = {}): App {
  const app = Testing.app();
  const chart = new Chart(app, 'backups', { namespace: 'demo' });
  new PerconaXtraDbBackup(chart, 'backup', { database: 'db', version: '8.0.36', repository: Repository.fromRepositoryName('r'), ...common, networkPolicy: { ...API, ...networkPolicy } });
  more(app);
  return app;
}

function operatorIn(app: App, id: string, props: object = {}): StashOperator {
  return new StashOperator(new Chart(app, id), 'stash', { certificates: ServingCertificates.certManager(), ...props });
}

function objectsOf(app: App): any[] {
  return app.charts.flatMap((c) => Testing.synth(c));
}

function problemsOf(app: App): string {
  try {
    app.synth();
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

describe('the operator peer: where the Jobs find the license endpoint and the Pushgateway', () => {
  test('the default selects the operator pod of dist/install.yaml, in its namespace', () => {
    const install = parseAllDocuments(fs.readFileSync(path.join(REPO_ROOT, 'dist', 'install.yaml'), 'utf8')).map((d) => d.toJSON());
    const deployment = install.find((o) => o?.kind === 'Deployment');
    const peer = operatorPeerOf(backupWith(Backend.gcs({ bucket: 'backups', prefix: 'db' })))[0];
    expect(peer.namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe(deployment.metadata.namespace);
    const podLabels = deployment.spec.template.metadata.labels;
    for (const [key, value] of Object.entries(peer.podSelector.matchLabels)) expect({ key, value: podLabels[key] }).toEqual({ key, value });
    // The license endpoint is that pod's port behind the Service's 443.
    const service = install.find((o) => o?.kind === 'Service' && o.spec.selector);
    expect(service.spec.ports.find((p: any) => p.port === 443).targetPort).toBe(8443);
  });

  test('the default is also the install chart as release `stash`: its name and the release select the pod', () => {
    const chartYaml = parse(fs.readFileSync(path.join(REPO_ROOT, 'charts', 'stash-pxc', 'Chart.yaml'), 'utf8'));
    const helpers = fs.readFileSync(path.join(REPO_ROOT, 'charts', 'stash-pxc', 'templates', '_helpers.tpl'), 'utf8');
    expect(helpers).toMatch(/define "stash-pxc\.selectorLabels"[^]*?app\.kubernetes\.io\/instance: \{\{ \.Release\.Name[^]*?app\.kubernetes\.io\/name: \{\{ include "stash-pxc\.name"/);
    const peer = operatorPeerOf(backupWith(Backend.gcs({ bucket: 'backups', prefix: 'db' })))[0];
    expect(peer.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': chartYaml.name, 'app.kubernetes.io/instance': 'stash' });
  });

  test('the app\'s StashOperator gives its namespace and pod labels, even when it is made after the backup', () => {
    const app = appWith((a) => operatorIn(a, 'install', { name: 'backup-operator', namespace: 'ops', selectorLabels: { app: 'stash-ops' } }));
    expect(operatorPeerOf(objectsOf(app))).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ops' } }, podSelector: { matchLabels: { app: 'stash-ops' } } }]);
    expect(problemsOf(app)).toBe('');
  });

  test('the construct\'s own default labels are taken from the operator, not assumed', () => {
    const app = appWith((a) => operatorIn(a, 'install'));
    expect(operatorPeerOf(objectsOf(app))[0].podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'stash', 'app.kubernetes.io/instance': 'stash' });
  });

  test('set by hand: the given namespace and labels', () => {
    const peer = operatorPeerOf(backupWith(Backend.gcs({ bucket: 'backups', prefix: 'db' }), { operatorNamespace: 'backup-system', operatorPodLabels: { 'app.kubernetes.io/name': 'stash-pxc', 'app.kubernetes.io/instance': 'ops' } }));
    expect(peer).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'backup-system' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'stash-pxc', 'app.kubernetes.io/instance': 'ops' } },
    }]);
  });

  test('a peer that misses the app\'s operator fails the synth, naming the operator', () => {
    const app = appWith((a) => operatorIn(a, 'install', { namespace: 'ops' }), { operatorNamespace: 'stash', operatorPodLabels: { 'app.kubernetes.io/name': 'stash-pxc' } });
    const message = problemsOf(app);
    expect(message).toContain('[backups/backup/NetworkPolicy] operatorNamespace: "stash" is not the namespace of the app\'s StashOperator (install/stash, in "ops"), so the Jobs could not reach its license endpoint. Fix: leave operatorNamespace unset');
    expect(message).toContain('[backups/backup/NetworkPolicy] operatorPodLabels: select no pod of the app\'s StashOperator (install/stash)');
  });

  test('labels the operator pod carries besides its selector are accepted', () => {
    const app = appWith((a) => operatorIn(a, 'install', { podLabels: { team: 'platform' } }), { operatorPodLabels: { team: 'platform' } });
    expect(problemsOf(app)).toBe('');
  });

  test('two operators in the app: the policy must say which', () => {
    const app = appWith((a) => {
      operatorIn(a, 'east');
      operatorIn(a, 'west', { namespace: 'stash-west' });
    });
    expect(problemsOf(app)).toMatch(/operatorNamespace: is not set and the app holds 2 StashOperators \(east\/stash, west\/stash\), so which one the Jobs call is unknown\. Fix: set operatorNamespace and operatorPodLabels/);
  });

  test('empty or malformed operator labels fail the synth', () => {
    const empty = appWith(() => undefined, { operatorPodLabels: {} });
    expect(problemsOf(empty)).toContain('operatorPodLabels: is empty, so the rule would admit every pod of the operator\'s namespace');
    const bad = appWith(() => undefined, { operatorPodLabels: { 'bad key!': 'x' }, operatorNamespace: 'Stash' });
    expect(problemsOf(bad)).toMatch(/operatorPodLabels: key [^\n]*Fix/);
    expect(problemsOf(bad)).toMatch(/operatorNamespace: [^\n]*Stash/);
  });
});

describe('an external Pushgateway: Stash\'s Jobs push to the operator\'s --pushgateway-url', () => {
  const PEER = { namespace: 'monitoring', podLabels: { 'app.kubernetes.io/name': 'prometheus-pushgateway' } };
  const external = (a: App) => operatorIn(a, 'install', { pushgateway: Pushgateway.external('http://pushgateway.monitoring.svc:9091') });

  test('the app\'s StashOperator with Pushgateway.external() and no pushgatewayPeer fails the synth, naming the field and the fix', () => {
    expect(problemsOf(appWith(external))).toContain('[backups/backup/NetworkPolicy] pushgatewayPeer: is not set, and the app\'s StashOperator (install/stash) uses the external Pushgateway "http://pushgateway.monitoring.svc:9091", to which Stash\'s Jobs push (the operator\'s --pushgateway-url), so this policy would drop every push of its Jobs. Fix: give pushgatewayPeer');
  });

  test('with pushgatewayPeer: the Jobs reach its pods on its port (default 9091), and the operator\'s pod only on the license port', () => {
    const app = appWith(external, { pushgatewayPeer: PEER });
    expect(problemsOf(app)).toBe('');
    const policy = objectsOf(app).find((o) => o.kind === 'NetworkPolicy');
    // DNS, API server, the operator's license endpoint, the Pushgateway, the database, the object store.
    expect(policy.spec.egress.map((r: any) => r.ports.map((p: any) => p.port))).toEqual([[53, 53], [443, 6443], [8443], [9091], [3306], [443]]);
    expect(policy.spec.egress[3]).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus-pushgateway' } } }],
      ports: [tcp(9091)],
    });
  });

  test('a Pushgateway outside the cluster: its addresses and port', () => {
    const policy = policyOf(backupWith(Backend.gcs({ bucket: 'backups', prefix: 'db' }), { pushgatewayPeer: { cidrs: ['192.0.2.10/32'], port: 443 } }));
    expect(policy.spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '192.0.2.10/32' } }], ports: [tcp(443)] });
    expect(JSON.stringify(policy.spec.egress)).not.toContain('56789');
  });

  test('the operator\'s own sidecar: no peer needed, nothing changes', () => {
    const app = appWith((a) => operatorIn(a, 'install'));
    expect(problemsOf(app)).toBe('');
    const policy = objectsOf(app).find((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'demo');
    expect(policy.spec.egress[2].ports.map((p: any) => p.port)).toEqual([8443, 56789]);
    expect(policy.spec.egress).toHaveLength(5);
  });

  test('a peer that selects nothing, or is malformed, fails the synth', () => {
    expect(problemsOf(appWith(() => undefined, { pushgatewayPeer: { namespace: 'monitoring' } }))).toContain('pushgatewayPeer: selects no Pushgateway (no podLabels, no cidrs), so every push would be dropped. Fix: give podLabels');
    const bad = problemsOf(appWith(() => undefined, { pushgatewayPeer: { namespace: 'Monitoring', podLabels: { 'bad key!': 'x' }, cidrs: ['10.0.0.300/32'], port: 70000 } }));
    expect(bad).toMatch(/pushgatewayPeer\.namespace: [^\n]*Monitoring/);
    expect(bad).toMatch(/pushgatewayPeer\.podLabels: key [^\n]*Fix/);
    expect(bad).toContain('pushgatewayPeer.cidrs: "10.0.0.300/32" is not a CIDR');
    expect(bad).toMatch(/pushgatewayPeer\.port: [^\n]*70000/);
  });
});
