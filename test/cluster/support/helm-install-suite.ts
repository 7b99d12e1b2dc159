/**
 * The `helm install` / `upgrade` / `uninstall` suite of the generated chart `charts/stash-pxc`
 * against a real kube-apiserver, for one Helm major version (helm-install.test.ts runs it with
 * Helm 3, helm4-install.test.ts with Helm 4, which applies server-side). What Helm sends is
 * judged by the server (schemas, RBAC objects, APIServices, webhook configurations, CRDs), and
 * the cluster is compared object by object with what the release says it owns.
 *
 * Nothing runs the operator here (no kubelet), so Helm must not wait (`--wait=false`, in Helm 4
 * `--wait=hookOnly`): its Deployment never becomes ready, and its three APIServices stay
 * Available=False (see `withoutClientNoise`). The webhook configurations go through the
 * kube-apiserver to those APIServices, so with the default `failurePolicy: Ignore` the server
 * admits what they intercept after an immediate 503; `Fail` is tested at the end.
 */
import { X509Certificate } from 'crypto';
import * as path from 'path';
import { Cluster, startCluster } from '../harness';
import { findHelm, HelmBinary } from '../../support/helm';
import { helmOn as helmOnWith, helmOnOk as helmOnOkWith, HelmResult, parseManifests } from './helm';
import {
  addedKeys, applyCrds, keysOf, objectKey, ownedByRelease, snapshotObjects, waitEstablished,
} from './objects';
import { PROMETHEUS_RULE_CRD, SERVICE_MONITOR_CRD } from './prerequisite-crds';
import { CHART_DIR, REPO_ROOT, requireChartTemplates } from './repo';
import { readYamlFile, yamlFilesIn } from './yaml';

const RELEASE = 'stash';
const NS = 'stash';
const OTHER_NS = 'stash-second';
const FAIL_NS = 'stash-fail-policy';

/** The values of the upgrade: options off and on, so that objects go away and new ones come. */
const UPGRADE_VALUES = [
  'webhooks.mutating=false', // no MutatingWebhookConfiguration ...
  'webhooks.validating=false', // ... no ValidatingWebhookConfiguration, and no admission APIServices
  'monitoring.operator=true', // metrics ServiceAccount, token Secret, ClusterRole(+Binding), ServiceMonitor
  'monitoring.pushgateway=true', // a second ServiceMonitor
  'monitoring.alerts.enabled=true', // a PrometheusRule
  'monitoring.dashboard.enabled=true', // the dashboard ConfigMap
  'catalog.versions={8.0}', // the 5.7 and 8.4 Functions and Tasks go
  'license.key=not-a-real-license', // a license Secret, mounted
];

/** The operator's shared Job ClusterRoles, which the chart ships and keeps on uninstall. */
const JOB_ROLES = ['stash-cron-job', 'stash-restore-job'];

/** The license ClusterRoles the operator binds every backup and restore Job to. */
const LICENSE_ROLES = ['appscode:license-reader', 'appscode:license-checker'];
const b64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

/** The operator's `--license-apiservice` in a release manifest. */
function licenseApiServiceOf(manifest: any[]): string | undefined {
  const deployment = manifest.find((o) => o.kind === 'Deployment');
  const operator = deployment?.spec.template.spec.containers.find((c: any) => c.name === 'operator');
  return (operator?.args as string[] | undefined)?.find((a) => a.startsWith('--license-apiservice='))?.split('=')[1];
}

/** Every release in any namespace and state (Helm 4 dropped `--all`; the state flags work in both). */
const LIST_ALL = ['list', '--all-namespaces', '--deployed', '--failed', '--pending', '--uninstalling', '-o', 'json'];

const RESTRICTED = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/audit': 'restricted',
};

/** The non-empty lines of Helm's stderr (client noise already removed by helmOn: `withoutClientNoise`). */
function lines(stderr: string): string[] {
  return stderr.split('\n').map((l) => l.trim()).filter(Boolean);
}

function ok(r: { code: number; stdout: string; stderr: string }, what: string): void {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}:\n${r.stderr}\n${r.stdout}`);
}

/** The CRDs in the chart's `crds/` folder (Helm installs them first and never removes them). */
function chartCrdNames(): string[] {
  return yamlFilesIn(path.join(CHART_DIR, 'crds')).flatMap(readYamlFile)
    .filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.metadata.name).sort();
}

/** Defines the suite for Helm `major` (call it at the top level of a test file). */
export function describeHelmInstall(major: 3 | 4): void {
  describe(`helm install of charts/stash-pxc (real kube-apiserver, Helm ${major})`, () => {
    let cluster: Cluster;
    let helm: HelmBinary;
    /** Helm must not wait for the operator: nothing ever runs it here. */
    const NO_WAIT = major === 3 ? '--wait=false' : '--wait=hookOnly';
    const helmOn = (c: Cluster, args: string[]): Promise<HelmResult> => helmOnWith(c, args, helm);
    const helmOnOk = (c: Cluster, args: string[]): Promise<HelmResult> => helmOnOkWith(c, args, helm);
    const releaseManifest = async (c: Cluster, release: string, namespace: string): Promise<any[]> =>
      parseManifests((await helmOnOk(c, ['get', 'manifest', release, '--namespace', namespace])).stdout);
    /** Everything in the cluster before the first install (namespaces already created). */
    let before: Map<string, any>;
    /** The release's manifest after the first install. */
    let installed: any[] = [];

    beforeAll(async () => {
      requireChartTemplates();
      helm = findHelm(major);
      cluster = await startCluster();
      // The release namespace enforces Pod Security "restricted", as dist/install.yaml's does.
      await cluster.createNamespace(NS, RESTRICTED);
      for (const ns of [OTHER_NS, FAIL_NS]) await cluster.createNamespace(ns);
      before = await snapshotObjects(cluster);
    });

    afterAll(async () => {
      await cluster?.stop();
    });

    test(`installs into namespace "stash" (${NO_WAIT}: no controllers, Pods never start), silently`, async () => {
      const r = await helmOn(cluster, ['install', RELEASE, CHART_DIR, '--namespace', NS, NO_WAIT]);
      ok(r, 'helm install');
      expect(r.stdout).toMatch(/STATUS: deployed/);
      // No warning from the server (Pod Security of the "restricted" namespace, deprecated APIs,
      // unknown fields) nor from Helm.
      expect(lines(r.stderr)).toEqual([]);
      installed = await releaseManifest(cluster, RELEASE, NS);
      expect(installed.map((o) => o.kind)).toEqual(expect.arrayContaining(['Deployment', 'ServiceAccount', 'ClusterRole', 'Service']));
    });

    test('every CRD (crds/ and the AppBinding template) becomes Established and serves its kind', async () => {
      const names = [...chartCrdNames(), ...installed.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.metadata.name)];
      expect(names.length).toBeGreaterThan(0);
      await waitEstablished(cluster, names);
      const crds = JSON.parse(await cluster.kubectl(['get', 'crd', ...names, '-o', 'json'])).items;
      for (const crd of crds) {
        // Served: listing the kind works (an empty list), in all namespaces.
        await cluster.kubectl(['get', `${crd.spec.names.plural}.${crd.spec.group}`, '--all-namespaces', '-o', 'name']);
      }
    });

    test('the cluster holds exactly what the release manifest lists, owned by the release', async () => {
      const live = await snapshotObjects(cluster);
      expect(keysOf(ownedByRelease(live.values(), RELEASE, NS))).toEqual(keysOf(installed));
      // The APIServices exist and point at the operator's Service (unavailable here: no Pods).
      for (const api of installed.filter((o) => o.kind === 'APIService')) {
        const obj = live.get(objectKey(api));
        expect(obj.spec.service).toEqual(api.spec.service);
      }
    });

    test('a second release in another namespace is refused, and creates nothing', async () => {
      const beforeSecond = await snapshotObjects(cluster);
      const r = await helmOn(cluster, ['install', 'stash-2', CHART_DIR, '--namespace', OTHER_NS, NO_WAIT]);
      expect(r.code).not.toBe(0);
      // Helm refuses to take over a cluster-wide object of the first release (APIService, webhook
      // configuration, license ClusterRole, AppBinding CRD, Function/Task: whichever it checks
      // first). A guard in the chart may say it in its own words ("already installed").
      expect(r.stderr).toMatch(/INSTALLATION FAILED/);
      expect(r.stderr).toMatch(/exists and cannot be imported into the current release|already installed|one release per cluster/i);
      expect(r.stderr).toMatch(new RegExp(`"${RELEASE}"|release ${RELEASE}\\b|namespace ${NS}\\b`));
      const afterSecond = await snapshotObjects(cluster);
      expect(addedKeys(beforeSecond, afterSecond)).toEqual([]);
      const list = JSON.parse((await helmOnOk(cluster, LIST_ALL)).stdout);
      expect(list.map((rel: any) => `${rel.namespace}/${rel.name}`)).toEqual([`${NS}/${RELEASE}`]);
    });

    test('a second release is refused even with the optional cluster-wide parts off (one operator per cluster)', async () => {
      // Without the AppBinding CRD, license roles, webhooks/APIServices and catalog, the second
      // release has no object whose name collides with the first, so only the chart itself can
      // refuse it (a `lookup` of the first release's objects and `fail`). Two operators would
      // otherwise both reconcile every BackupConfiguration in the cluster.
      const r = await helmOn(cluster, ['install', 'stash-2', CHART_DIR, '--namespace', OTHER_NS, NO_WAIT,
        '--set', 'crds.appBinding=false', '--set', 'rbac.createLicenseRoles=false',
        '--set', 'webhooks.mutating=false', '--set', 'webhooks.validating=false', '--set', 'catalog.enabled=false']);
      if (r.code === 0) {
        // Leave the cluster as the later tests expect it.
        await helmOnOk(cluster, ['uninstall', 'stash-2', '--namespace', OTHER_NS]);
      }
      expect({ code: r.code === 0 ? 0 : 'refused', stderr: r.stderr.trim() })
        .toEqual({ code: 'refused', stderr: expect.stringMatching(/already installed|one release per cluster|cannot be imported/i) });
    });

    test('an upgrade to rbac.createLicenseRoles=false is refused while the roles are the release\'s own (it would delete them)', async () => {
      const beforeUpgrade = await snapshotObjects(cluster);
      const r = await helmOn(cluster, ['upgrade', RELEASE, CHART_DIR, '--namespace', NS, NO_WAIT, '--set', 'rbac.createLicenseRoles=false']);
      expect({ code: r.code === 0 ? 0 : 'refused', stderr: r.stderr })
        .toEqual({ code: 'refused', stderr: expect.stringMatching(/ClusterRole\(s\) appscode:license-checker, appscode:license-reader belong to this release, so the upgrade would delete them/) });
      const after = await snapshotObjects(cluster);
      for (const role of LICENSE_ROLES) expect(after.has(`ClusterRole.rbac.authorization.k8s.io//${role}`)).toBe(true);
      expect(addedKeys(beforeUpgrade, after)).toEqual([]);
    });

    test('helm upgrade with changed values: removed objects are gone, new ones exist, the serving certificate is kept', async () => {
      const oldCert = installed.find((o) => o.kind === 'Secret' && o.type === 'kubernetes.io/tls');
      const liveCertBefore = oldCert
        ? JSON.parse(await cluster.kubectl(['get', 'secret', oldCert.metadata.name, '-n', NS, '-o', 'json']))
        : undefined;

      // ServiceMonitors and PrometheusRules need the Prometheus Operator's CRDs; stand-ins make the kinds exist.
      await applyCrds(cluster, [SERVICE_MONITOR_CRD, PROMETHEUS_RULE_CRD]);

      const r = await helmOn(cluster, ['upgrade', RELEASE, CHART_DIR, '--namespace', NS, NO_WAIT,
        ...UPGRADE_VALUES.flatMap((v) => ['--set', v])]);
      ok(r, 'helm upgrade');
      const upgraded = await releaseManifest(cluster, RELEASE, NS);
      const live = await snapshotObjects(cluster);

      expect(keysOf(ownedByRelease(live.values(), RELEASE, NS))).toEqual(keysOf(upgraded));
      const removed = keysOf(installed).filter((k) => !keysOf(upgraded).includes(k));
      expect(removed.length).toBeGreaterThan(0);
      expect(removed.filter((k) => live.has(k))).toEqual([]);
      const kinds = (objs: any[]) => [...new Set(objs.map((o) => o.kind))].sort();
      expect(kinds(upgraded)).toEqual(expect.arrayContaining(['ServiceMonitor', 'PrometheusRule']));
      expect(upgraded.filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard === '1')).toHaveLength(1);
      // Only the snapshot APIService stays, and the addons' license check goes through it.
      expect(upgraded.filter((o) => o.kind === 'APIService').map((o) => o.metadata.name)).toEqual(['v1alpha1.repositories.stash.appscode.com']);
      expect(licenseApiServiceOf(upgraded)).toBe('v1alpha1.repositories.stash.appscode.com');
      expect(live.has('APIService.apiregistration.k8s.io//v1alpha1.repositories.stash.appscode.com')).toBe(true);
      expect(kinds(upgraded)).not.toEqual(expect.arrayContaining(['MutatingWebhookConfiguration']));
      expect(kinds(upgraded)).not.toEqual(expect.arrayContaining(['ValidatingWebhookConfiguration']));
      expect(upgraded.filter((o) => o.kind === 'Function').map((o) => o.metadata.name).sort())
        .toEqual(['perconaxtradb-backup-8.0', 'perconaxtradb-restore-8.0']);
      // The operator's Job ClusterRoles stay the release's.
      for (const name of JOB_ROLES) expect(keysOf(upgraded)).toContain(`ClusterRole.rbac.authorization.k8s.io//${name}`);

      if (liveCertBefore) {
        // certificates.mode=helm reads the existing Secret (lookup) instead of generating a new CA.
        const after = JSON.parse(await cluster.kubectl(['get', 'secret', liveCertBefore.metadata.name, '-n', NS, '-o', 'json']));
        expect(after.data).toEqual(liveCertBefore.data);
      }
    });

    test('helm upgrade back to the defaults restores the first install', async () => {
      ok(await helmOn(cluster, ['upgrade', RELEASE, CHART_DIR, '--namespace', NS, NO_WAIT, '--reset-values']), 'helm upgrade --reset-values');
      const manifest = await releaseManifest(cluster, RELEASE, NS);
      expect(keysOf(manifest)).toEqual(keysOf(installed));
      const live = await snapshotObjects(cluster);
      expect(keysOf(ownedByRelease(live.values(), RELEASE, NS))).toEqual(keysOf(installed));
    });

    test('helm uninstall leaves nothing behind but the CRDs (Helm never deletes crds/; the AppBinding CRD is kept) and the operator\'s Job ClusterRoles (kept)', async () => {
      const r = await helmOn(cluster, ['uninstall', RELEASE, '--namespace', NS]);
      ok(r, 'helm uninstall');
      const after = await snapshotObjects(cluster);
      const keptCrds = [
        ...chartCrdNames(),
        ...installed.filter((o) => o.kind === 'CustomResourceDefinition'
          && o.metadata.annotations?.['helm.sh/resource-policy'] === 'keep').map((o) => o.metadata.name),
        SERVICE_MONITOR_CRD.metadata.name, // the test's own prerequisites
        PROMETHEUS_RULE_CRD.metadata.name,
      ];
      // The kube-apiserver registers a Local APIService (no spec.service) for each group/version
      // that a CRD serves; they go when the CRDs go, so they belong to the kept CRDs.
      const keptGroups = new Set<string>();
      for (const name of keptCrds) {
        const crd = after.get(`CustomResourceDefinition.apiextensions.k8s.io//${name}`);
        for (const v of crd?.spec.versions ?? []) keptGroups.add(`${v.name}.${crd.spec.group}`);
      }
      const added = addedKeys(before, after).filter((k) => {
        const o = after.get(k);
        return !(o.kind === 'APIService' && !o.spec.service && keptGroups.has(o.metadata.name));
      });
      // The operator's shared Job ClusterRoles stay too: an operator installed later finds and uses them.
      const keptRoles = installed.filter((o) => o.kind === 'ClusterRole' && o.metadata.annotations?.['helm.sh/resource-policy'] === 'keep')
        .map((o) => `ClusterRole.rbac.authorization.k8s.io//${o.metadata.name}`);
      expect(keptRoles).toEqual(JOB_ROLES.map((n) => `ClusterRole.rbac.authorization.k8s.io//${n}`));
      expect(added).toEqual([...keptCrds.map((name) => `CustomResourceDefinition.apiextensions.k8s.io//${name}`), ...keptRoles].sort());
      // Nothing of the release survives under another name either (labels, ownership annotations),
      // except what is kept by design, with Helm's annotations.
      const leftovers = [...after.values()].filter((o) => (o.metadata.labels?.['app.kubernetes.io/instance'] === RELEASE
        || o.metadata.annotations?.['meta.helm.sh/release-name'] === RELEASE) && o.kind !== 'CustomResourceDefinition' && !keptRoles.includes(objectKey(o)));
      expect(keysOf(leftovers)).toEqual([]);
      const list = JSON.parse((await helmOnOk(cluster, LIST_ALL)).stdout);
      expect(list).toEqual([]);
    });

    test('after an uninstall, the chart installs again under another release name and namespace', async () => {
      // The AppBinding CRD survives the uninstall (resource-policy keep) with the first release's
      // ownership annotations; a new release must not trip over it.
      // So do the Job ClusterRoles: the new release leaves them to their first owner and uses them.
      const release = 'stash-again';
      const r = await helmOn(cluster, ['install', release, CHART_DIR, '--namespace', OTHER_NS, NO_WAIT]);
      try {
        expect({ code: r.code, stderr: lines(r.stderr) }).toEqual({ code: 0, stderr: [] });
        const manifest = await releaseManifest(cluster, release, OTHER_NS);
        expect(manifest.filter((o) => o.kind === 'ClusterRole' && JOB_ROLES.includes(o.metadata.name))).toEqual([]);
        for (const name of JOB_ROLES) await cluster.kubectl(['get', 'clusterrole', name, '-o', 'name']);
      } finally {
        if (r.code === 0) await helmOnOk(cluster, ['uninstall', release, '--namespace', OTHER_NS]);
      }
    });

    test('webhooks off (test/values/webhooks-off.yaml): the license APIService is installed, names the operator Service on 443, and its caBundle verifies the serving certificate', async () => {
      const release = 'stash-no-webhooks';
      const r = await helmOn(cluster, ['install', release, CHART_DIR, '--namespace', OTHER_NS, NO_WAIT,
        '--values', path.join(REPO_ROOT, 'test', 'values', 'webhooks-off.yaml'), '--set', 'crds.appBinding=false']);
      try {
        ok(r, 'helm install -f webhooks-off.yaml');
        const manifest = await releaseManifest(cluster, release, OTHER_NS);
        expect(manifest.filter((o) => /WebhookConfiguration$/.test(o.kind))).toEqual([]);
        const name = licenseApiServiceOf(manifest)!;
        expect(name).toBe('v1alpha1.repositories.stash.appscode.com');
        // Read back from the API server, as the addon's license check does (GET apiservices/<name>).
        const api = JSON.parse(await cluster.kubectl(['get', 'apiservice', name, '-o', 'json']));
        const service = JSON.parse(await cluster.kubectl(['get', 'service', api.spec.service.name, '-n', api.spec.service.namespace, '-o', 'json']));
        expect(api.spec.service).toEqual({ name: `${release}-stash-pxc`, namespace: OTHER_NS, port: 443 });
        expect(service.spec.ports.find((p: any) => p.port === 443).targetPort).toBe(8443);
        const secretName = manifest.find((o) => o.kind === 'Deployment').spec.template.spec.volumes.find((v: any) => v.name === 'serving-cert').secret.secretName;
        const secret = JSON.parse(await cluster.kubectl(['get', 'secret', secretName, '-n', OTHER_NS, '-o', 'json']));
        const cert = new X509Certificate(b64(secret.data['tls.crt']));
        expect(cert.verify(new X509Certificate(b64(api.spec.caBundle)).publicKey)).toBe(true);
        expect(cert.subjectAltName).toContain(`DNS:${api.spec.service.name}.${api.spec.service.namespace}.svc`);
        // The reader role the operator binds Jobs to lets them GET the APIService and the license path.
        for (const role of LICENSE_ROLES) await cluster.kubectl(['get', 'clusterrole', role, '-o', 'name']);
      } finally {
        if (r.code === 0) await helmOnOk(cluster, ['uninstall', release, '--namespace', OTHER_NS]);
      }
    });

    test('rbac.createLicenseRoles=false: refused while the cluster lacks the license ClusterRoles, installed once someone else created them', async () => {
      const release = 'stash-shared-roles';
      const args = ['install', release, CHART_DIR, '--namespace', OTHER_NS, NO_WAIT, '--set', 'rbac.createLicenseRoles=false', '--set', 'crds.appBinding=false'];
      for (const role of LICENSE_ROLES) expect(await cluster.kubectl(['get', 'clusterrole', role, '--ignore-not-found', '-o', 'name'])).toBe('');
      const refused = await helmOn(cluster, args);
      expect({ code: refused.code === 0 ? 0 : 'refused', stderr: refused.stderr })
        .toEqual({ code: 'refused', stderr: expect.stringMatching(/rbac\.createLicenseRoles=false, but the ClusterRole\(s\) appscode:license-checker, appscode:license-reader do not exist/) });
      if (refused.code === 0) await helmOnOk(cluster, ['uninstall', release, '--namespace', OTHER_NS]);
      // As KubeDB or ace-user-roles would have them (not Helm-owned by this release).
      const roles = LICENSE_ROLES.map((name) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules: [] }));
      await cluster.kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: roles }) });
      const r = await helmOn(cluster, args);
      try {
        ok(r, 'helm install --set rbac.createLicenseRoles=false');
        expect(r.stdout).toContain('rbac.createLicenseRoles=false: the ClusterRoles appscode:license-reader and appscode:license-checker');
        expect(r.stdout).not.toContain('could not look');
      } finally {
        if (r.code === 0) await helmOnOk(cluster, ['uninstall', release, '--namespace', OTHER_NS]);
        await cluster.kubectl(['delete', 'clusterrole', ...LICENSE_ROLES, '--ignore-not-found']);
      }
    });

    test('webhooks.failurePolicy=Fail: the release can still be upgraded while the operator is down', async () => {
      // With Fail, the kube-apiserver refuses what the webhooks intercept while the operator's
      // admission API is unavailable. That must not include the operator's own Deployment: else a
      // broken operator (bad image, crash loop) cannot be fixed with `helm upgrade`.
      // (crds.appBinding=false only to be independent of the previous test.)
      const release = 'stash-fail';
      const install = await helmOn(cluster, ['install', release, CHART_DIR, '--namespace', FAIL_NS, NO_WAIT,
        '--set', 'webhooks.failurePolicy=Fail', '--set', 'crds.appBinding=false']);
      try {
        ok(install, 'helm install --set webhooks.failurePolicy=Fail');
        const upgrade = await helmOn(cluster, ['upgrade', release, CHART_DIR, '--namespace', FAIL_NS, NO_WAIT,
          '--reuse-values', '--set', 'logLevel=5']);
        expect({ code: upgrade.code, stderr: lines(upgrade.stderr) }).toEqual({ code: 0, stderr: [] });
      } finally {
        if (install.code === 0) await helmOn(cluster, ['uninstall', release, '--namespace', FAIL_NS]);
      }
    });
  });
}
