/**
 * The generated chart rendered by real Helm 3 and Helm 4 (`helm template`): names and
 * namespaces follow the release, the generated CA is the APIServices' caBundle, the output is
 * deterministic, every object passes the Kubernetes schemas (custom resources the upstream CRDs),
 * each values file means what it says, and the default render equals the plain install in dist/.
 */
import { X509Certificate, createPrivateKey } from 'crypto';
import { parse } from 'yaml';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { validateValue } from '../../src/api';
import { manifestProblems } from '../../src/core/validation/crd-check';
import { resolveKubernetesSchema } from '../../src/api/k8s-openapi';
import { distInstallManifests } from '../../generator/chart/dist';
import { writeHelmChart } from '../../generator/chart/helm-chart';
import { OPERATOR_LABELS } from '../../generator/chart/helm-helpers';
import { restrictedContainerSecurityContext as restrictedSecurityContext } from '../../src/core/security-context';
import { describeWithHelm, findHelm, HelmBinary, helmTemplate, TemplateOptions } from '../support/helm';
import { ModelValidation, validateWithModels } from '../support/kubernetes-models';
import { OperatorAlert } from '../../src/install/operator-alerts';
import { missingPermissions, OPERATOR_NEEDS, TASK_QUEUE_NEEDS } from '../support/rbac';
import { describeWithReference, REPO_ROOT, upstreamCrds } from '../support/reference';

const VALUES_DIR = path.join(REPO_ROOT, 'test', 'values');
const VALUES_FILES = fs.readdirSync(VALUES_DIR).filter((f) => f.endsWith('.yaml')).sort();
const HELMS = ['helm3', 'helm4'] as const;
type HelmLabel = typeof HELMS[number];

/** Kinds without a namespace. */
const CLUSTER_KINDS = ['ClusterRole', 'ClusterRoleBinding', 'APIService', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'CustomResourceDefinition', 'Function', 'Task', 'TaskQueue'];
/** Objects whose names are upstream's and cluster-wide, not the release's. */
const FIXED_NAMES = /^(v1(alpha1|beta1)\.(admission|repositories)\.stash\.appscode\.com|admission\.stash\.appscode\.com|appscode:license-(checker|reader)|appscode-stash-task-queue|perconaxtradb-(backup|restore)-[0-9.]+|appbindings\.appcatalog\.appscode\.com|stash-(cron|restore)-job)$/;

/** The operator's shared Job ClusterRoles (fixed names, kept on uninstall). */
const JOB_ROLES = ['stash-cron-job', 'stash-restore-job'];

const RELEASES = {
  a: { release: 'stash', namespace: 'stash-system', fullname: 'stash-stash-pxc' },
  b: { release: 'backup-ops', namespace: 'ops', fullname: 'backup-ops-stash-pxc' },
};

const byKind = (objects: any[], kind: string) => objects.filter((o) => o.kind === kind);
const one = (objects: any[], kind: string, name?: string) => {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  expect(found.map((o) => `${o.kind}/${o.metadata.name}`)).toHaveLength(1);
  return found[0];
};
const pod = (objects: any[]) => one(objects, 'Deployment').spec.template.spec;
const container = (objects: any[], name: string) => pod(objects).containers.find((c: any) => c.name === name);
const arg = (objects: any[], flag: string) => (container(objects, 'operator').args as string[]).find((a) => a.startsWith(`--${flag}=`))?.slice(flag.length + 3);
const kindsOf = (objects: any[]) => [...new Set(objects.map((o) => o.kind))].sort();
const b64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

describeWithHelm('the chart rendered by Helm', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stash-pxc-chart-'));
  const chartDir = path.join(tmp, 'stash-pxc');
  const helms = new Map<HelmLabel, HelmBinary>();
  const renders = new Map<string, any[]>();
  const failures = new Map<string, string>();
  let validations = new Map<string, ModelValidation>();

  const render = async (helm: HelmLabel, key: string, options: TemplateOptions) => {
    renders.set(`${helm}:${key}`, await helmTemplate(helms.get(helm)!, chartDir, options));
  };
  const rendered = (helm: HelmLabel, key: string): any[] => {
    const objects = renders.get(`${helm}:${key}`);
    if (!objects) throw new Error(`no render ${helm}:${key}`);
    return objects;
  };
  const failure = async (helm: HelmLabel, key: string, set: string[]) => {
    try {
      await helmTemplate(helms.get(helm)!, chartDir, { release: 'stash', namespace: 'stash', set });
      failures.set(`${helm}:${key}`, '(rendered without error)');
    } catch (e) {
      failures.set(`${helm}:${key}`, (e as Error).message);
    }
  };

  beforeAll(async () => {
    helms.set('helm3', findHelm(3));
    helms.set('helm4', findHelm(4));
    writeHelmChart(chartDir);
    const jobs: Array<Promise<void>> = [];
    for (const helm of HELMS) {
      jobs.push(render(helm, 'a', RELEASES.a), render(helm, 'a-again', RELEASES.a), render(helm, 'b', RELEASES.b));
      jobs.push(render(helm, 'overrides', { release: 'stash', namespace: 'stash', set: ['nameOverride=backup', 'fullnameOverride=my-stash'] }));
      jobs.push(render(helm, 'as-dist', { release: 'stash', namespace: 'stash', set: ['fullnameOverride=stash', 'certificates.mode=certManager'] }));
      jobs.push(render(helm, 'webhooks-fail', { release: 'backup-ops', namespace: 'ops', set: ['webhooks.failurePolicy=Fail', 'webhooks.excludedNamespaces={kube-system,ingress-nginx,ops}'] }));
      for (const file of VALUES_FILES) jobs.push(render(helm, file, { release: 'stash', namespace: 'stash', valuesFiles: [path.join(VALUES_DIR, file)] }));
      jobs.push(
        failure(helm, 'replicas', ['replicaCount=2']),
        failure(helm, 'privileged', ['operator.securityContext.allowPrivilegeEscalation=true']),
        failure(helm, 'provided-without-secret', ['certificates.mode=provided']),
        failure(helm, 'unknown-key', ['operatr.image.tag=x']),
        failure(helm, 'bad-mode', ['certificates.mode=selfSigned']),
        failure(helm, 'bad-namespace', ['webhooks.excludedNamespaces={Kube_System}']),
        failure(helm, 'license-admission-without-webhooks', ['webhooks.mutating=false', 'webhooks.validating=false', 'license.apiService=v1beta1.admission.stash.appscode.com']),
        failure(helm, 'license-not-ours', ['license.apiService=v1.license.example.com']),
        failure(helm, 'memory-request-above-limit', ['operator.resources.requests.memory=2Gi']),
        failure(helm, 'cpu-request-above-limit', ['pushgateway.resources.requests.cpu=500m', 'pushgateway.resources.limits.cpu=0.2']),
        failure(helm, 'bad-quantity', ['operator.resources.limits.memory=1GB']),
        failure(helm, 'probe-period-zero', ['operator.probes.readiness.periodSeconds=0']),
        failure(helm, 'probe-threshold-fraction', ['pushgateway.probes.liveness.failureThreshold=1.5']),
        failure(helm, 'persistence-with-external', ['pushgateway.persistence.enabled=true', 'pushgateway.externalUrl=http://pg.monitoring.svc:9091']),
        failure(helm, 'persistence-claim-and-class', ['pushgateway.persistence.enabled=true', 'pushgateway.persistence.existingClaim=metrics', 'pushgateway.persistence.storageClassName=fast']),
        failure(helm, 'persistence-without-fsgroup', ['pushgateway.persistence.enabled=true', 'podSecurityContext.fsGroup=null']),
        failure(helm, 'persistence-zero-size', ['pushgateway.persistence.enabled=true', 'pushgateway.persistence.size=0Gi']),
        failure(helm, 'persistence-read-only', ['pushgateway.persistence.enabled=true', 'pushgateway.persistence.accessMode=ReadOnlyMany']),
        failure(helm, 'persistence-bad-class', ['pushgateway.persistence.enabled=true', 'pushgateway.persistence.storageClassName=Fast_SSD']),
      );
      jobs.push(render(helm, 'existing-service-account', { release: 'stash', namespace: 'stash', set: ['serviceAccount.create=false', 'serviceAccount.name=platform-stash'] }));
      jobs.push(render(helm, 'stash-defaults', { release: 'stash', namespace: 'stash' }));
      jobs.push(render(helm, 'license-explicit', { release: 'stash', namespace: 'stash', set: ['license.apiService=v1alpha1.repositories.stash.appscode.com'] }));
      jobs.push(render(helm, 'extras', {
        release: 'stash',
        namespace: 'stash',
        set: [
          'extraArgs={--qps=100,--burst=200}',
          'extraEnv[0].name=HTTPS_PROXY', 'extraEnv[0].value=http://proxy:3128',
          'extraVolumes[0].name=ca-certs', 'extraVolumes[0].configMap.name=corporate-ca',
          'extraVolumeMounts[0].name=ca-certs', 'extraVolumeMounts[0].mountPath=/etc/ssl/certs/corporate', 'extraVolumeMounts[0].readOnly=true',
        ],
      }));
    }
    await Promise.all(jobs);
    // One validator process for every distinct object of every render.
    const distinct = new Map<string, any>();
    for (const objects of renders.values()) for (const o of objects) distinct.set(JSON.stringify(o), o);
    const keys = [...distinct.keys()];
    const results = await validateWithModels(keys.map((k) => distinct.get(k)));
    validations = new Map(keys.map((k, i) => [k, results[i]]));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  describe.each(HELMS)('%s', (helm) => {
    test('every object of every render validates against the Kubernetes, cert-manager and Prometheus Operator schemas', () => {
      const problems: unknown[] = [];
      let checked = 0;
      for (const [key, objects] of renders) {
        if (!key.startsWith(`${helm}:`)) continue;
        for (const o of objects) {
          const result = validations.get(JSON.stringify(o))!;
          checked++;
          const unmodelled = result.model === null && !['Function', 'Task', 'TaskQueue'].includes(o.kind);
          if (result.errors.length > 0 || unmodelled) problems.push({ render: key, object: `${o.kind}/${o.metadata?.name}`, ...result });
        }
      }
      expect(checked).toBeGreaterThan(300);
      expect(problems).toEqual([]);
    });

    test('pod and service specs hold no field Kubernetes would drop', () => {
      const podSchema = resolveKubernetesSchema('io.k8s.api.core.v1.PodSpec');
      const serviceSchema = resolveKubernetesSchema('io.k8s.api.core.v1.ServiceSpec');
      for (const [key, objects] of renders) {
        if (!key.startsWith(`${helm}:`)) continue;
        expect({ key, findings: validateValue(podSchema, pod(objects)) }).toEqual({ key, findings: [] });
        expect({ key, findings: validateValue(serviceSchema, one(objects, 'Service').spec) }).toEqual({ key, findings: [] });
      }
    });

    test('every container of every render meets Pod Security "restricted"', () => {
      for (const [key, objects] of renders) {
        if (!key.startsWith(`${helm}:`)) continue;
        const spec = pod(objects);
        expect({ key, pod: spec.securityContext }).toEqual({ key, pod: expect.objectContaining({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }) });
        for (const c of spec.containers) {
          const { runAsUser: _ignored, ...required } = restrictedSecurityContext();
          expect({ key, container: c.name, sc: c.securityContext }).toEqual({ key, container: c.name, sc: expect.objectContaining(required) });
        }
      }
    });

    test.each(Object.entries(RELEASES))('names and namespaces follow release %s', (key, release) => {
      const objects = rendered(helm, key);
      const { fullname, namespace } = release;
      for (const o of objects) {
        const id = `${o.kind}/${o.metadata.name}`;
        if (CLUSTER_KINDS.includes(o.kind)) expect({ id, namespace: o.metadata.namespace }).toEqual({ id, namespace: undefined });
        else expect({ id, namespace: o.metadata.namespace }).toEqual({ id, namespace: o.kind === 'RoleBinding' ? 'kube-system' : namespace });
        if (!FIXED_NAMES.test(o.metadata.name)) expect(o.metadata.name).toMatch(new RegExp(`^${fullname}(-[a-z-]+)?$`));
        expect({ id, labels: o.metadata.labels }).toEqual({
          id,
          labels: expect.objectContaining({ 'app.kubernetes.io/instance': release.release, 'app.kubernetes.io/managed-by': 'Helm', 'helm.sh/chart': 'stash-pxc-0.1.0' }),
        });
      }
      for (const api of byKind(objects, 'APIService')) expect(api.spec.service).toEqual({ name: fullname, namespace, port: 443 });
      for (const binding of [...byKind(objects, 'ClusterRoleBinding'), ...byKind(objects, 'RoleBinding')]) {
        expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: fullname, namespace }]);
      }
      expect(pod(objects).serviceAccountName).toBe(fullname);
      expect(one(objects, 'Service').metadata.name).toBe(fullname);
      expect(arg(objects, 'pushgateway-url')).toBe(`http://${fullname}.${namespace}.svc:56789`);
      expect(one(objects, 'Deployment').spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'stash-pxc', 'app.kubernetes.io/instance': release.release });
      expect(one(objects, 'Service').spec.selector).toEqual(one(objects, 'Deployment').spec.selector.matchLabels);
    });

    test('nameOverride and fullnameOverride rename the objects', () => {
      const objects = rendered(helm, 'overrides');
      expect(one(objects, 'Deployment').metadata.name).toBe('my-stash');
      expect(one(objects, 'Deployment').metadata.labels['app.kubernetes.io/name']).toBe('backup');
      expect(one(objects, 'ClusterRole', 'my-stash').rules.length).toBeGreaterThan(10);
    });

    test.each(Object.keys(RELEASES))('the generated CA signs the serving certificate and is every APIService caBundle (release %s)', (key) => {
      const objects = rendered(helm, key);
      const { fullname, namespace } = RELEASES[key as keyof typeof RELEASES];
      const secret = one(objects, 'Secret', `${fullname}-apiserver-cert`);
      expect(secret.type).toBe('kubernetes.io/tls');
      const ca = new X509Certificate(b64(secret.data['ca.crt']));
      const cert = new X509Certificate(b64(secret.data['tls.crt']));
      expect(ca.ca).toBe(true);
      expect(cert.verify(ca.publicKey)).toBe(true);
      expect(cert.checkPrivateKey(createPrivateKey(b64(secret.data['tls.key'])))).toBe(true);
      expect(cert.subjectAltName).toContain(`DNS:${fullname}.${namespace}.svc`);
      const apiServices = byKind(objects, 'APIService');
      expect(apiServices).toHaveLength(3);
      for (const api of apiServices) expect(api.spec.caBundle).toBe(secret.data['ca.crt']);
      const volume = pod(objects).volumes.find((v: any) => v.name === 'serving-cert');
      expect(volume.secret.secretName).toBe(secret.metadata.name);
      // The webhooks go through the kube-apiserver, whose CA the operator writes into them.
      for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
        for (const w of one(objects, kind).webhooks) {
          expect(w.clientConfig.service).toMatchObject({ namespace: 'default', name: 'kubernetes' });
          expect(w.clientConfig.caBundle).toBeUndefined();
        }
      }
    });

    test('the output is deterministic apart from the generated keys and certificates', () => {
      const mask = (objects: any[]) => JSON.stringify(objects.map((o) => {
        const copy = structuredClone(o);
        if (copy.kind === 'Secret' && copy.type === 'kubernetes.io/tls') copy.data = Object.fromEntries(Object.keys(copy.data).map((k) => [k, '<generated>']));
        if (copy.kind === 'APIService' && copy.spec.caBundle) copy.spec.caBundle = '<generated>';
        return copy;
      }));
      const first = rendered(helm, 'a');
      const second = rendered(helm, 'a-again');
      expect(mask(second)).toEqual(mask(first));
      // ...and the generated material really is new on each render (nothing fixed in the chart).
      expect(one(second, 'Secret').data['ca.crt']).not.toBe(one(first, 'Secret').data['ca.crt']);
    });

    test('default values: what the chart installs', () => {
      const objects = rendered(helm, 'a');
      expect(kindsOf(objects)).toEqual([
        'APIService', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'Deployment', 'Function',
        'MutatingWebhookConfiguration', 'RoleBinding', 'Secret', 'Service', 'ServiceAccount', 'Task', 'ValidatingWebhookConfiguration',
      ]);
      const operator = container(objects, 'operator');
      expect(operator.image).toBe('ghcr.io/stashed/stash-enterprise:v0.42.1');
      expect(container(objects, 'pushgateway').image).toBe('docker.io/prom/pushgateway:v1.4.2');
      expect(arg(objects, 'enable-task-queue')).toBe('false');
      expect(arg(objects, 'license-file')).toBeUndefined();
      expect(byKind(objects, 'Function').map((f) => f.metadata.name).sort()).toEqual([
        'perconaxtradb-backup-5.7', 'perconaxtradb-backup-8.0', 'perconaxtradb-backup-8.4',
        'perconaxtradb-restore-5.7', 'perconaxtradb-restore-8.0', 'perconaxtradb-restore-8.4',
      ]);
      const crd = one(objects, 'CustomResourceDefinition', 'appbindings.appcatalog.appscode.com');
      expect(crd.metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep' });
      expect(missingPermissions(one(objects, 'ClusterRole', 'stash-stash-pxc').rules, OPERATOR_NEEDS)).toEqual([]);
      expect(missingPermissions(one(objects, 'ClusterRole', 'stash-stash-pxc').rules, TASK_QUEUE_NEEDS)).not.toEqual([]);
    });

    test('certificates.mode=certManager: a self-signed Issuer, a Certificate, CA injection, no key in the manifests', () => {
      const objects = rendered(helm, 'cert-manager.yaml');
      expect(byKind(objects, 'Secret')).toEqual([]);
      const issuer = one(objects, 'Issuer');
      const certificate = one(objects, 'Certificate');
      expect(certificate.spec.issuerRef).toEqual({ name: issuer.metadata.name, kind: 'Issuer', group: 'cert-manager.io' });
      expect(certificate.spec.dnsNames).toContain('stash-stash-pxc.stash.svc');
      for (const api of byKind(objects, 'APIService')) {
        expect(api.spec.caBundle).toBeUndefined();
        expect(api.metadata.annotations).toEqual({ 'cert-manager.io/inject-ca-from': `stash/${certificate.metadata.name}` });
      }
      expect(pod(objects).volumes.find((v: any) => v.name === 'serving-cert').secret.secretName).toBe(certificate.spec.secretName);
      const issued = rendered(helm, 'cert-manager-issuer.yaml');
      expect(byKind(issued, 'Issuer')).toEqual([]);
      expect(one(issued, 'Certificate').spec.issuerRef).toEqual({ name: 'internal-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' });
    });

    test('certificates.mode=provided: the given Secret and CA bundle', () => {
      const objects = rendered(helm, 'cert-provided.yaml');
      expect(byKind(objects, 'Secret')).toEqual([]);
      expect(byKind(objects, 'Certificate')).toEqual([]);
      const caBundle = byKind(objects, 'APIService').map((a) => a.spec.caBundle);
      expect(new Set(caBundle).size).toBe(1);
      expect(new X509Certificate(b64(caBundle[0])).subject).toContain('stash-pxc-test-ca');
      expect(pod(objects).volumes.find((v: any) => v.name === 'serving-cert').secret.secretName).toBe('my-stash-serving-cert');
      // The explicit `helm` mode file renders like the default.
      expect(kindsOf(rendered(helm, 'cert-helm.yaml'))).toEqual(kindsOf(rendered(helm, 'a')));
    });

    test('the workload webhooks skip the release namespace and kube-system: with Fail, a down operator cannot block its own upgrade', () => {
      const notIn = (values: string[]) => ({ matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values }] });
      const selectors = (objects: any[]) => Object.fromEntries(one(objects, 'MutatingWebhookConfiguration').webhooks.map((w: any) => [w.name.split('.')[0], w.namespaceSelector]));
      const workloads = (values: string[]) => ({ deployment: notIn(values), daemonset: notIn(values), statefulset: notIn(values), deploymentconfig: notIn(values), restoresession: undefined });
      for (const [key, release] of Object.entries(RELEASES)) {
        expect({ key, selectors: selectors(rendered(helm, key)) }).toEqual({ key, selectors: workloads([release.namespace, 'kube-system']) });
        expect(one(rendered(helm, key), 'ValidatingWebhookConfiguration').webhooks.filter((w: any) => w.namespaceSelector)).toEqual([]);
      }
      // Given namespaces replace kube-system; the release namespace stays, once.
      const fail = rendered(helm, 'webhooks-fail');
      expect(selectors(fail)).toEqual(workloads(['ops', 'kube-system', 'ingress-nginx']));
      for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
        expect(one(fail, kind).webhooks.map((w: any) => w.failurePolicy)).toEqual(one(fail, kind).webhooks.map(() => 'Fail'));
      }
      // Only the selector differs from upstream's webhooks.
      const strip = (objects: any[]) => one(objects, 'MutatingWebhookConfiguration').webhooks.map(({ namespaceSelector: _s, failurePolicy: _f, ...w }: any) => w);
      expect(strip(fail)).toEqual(strip(rendered(helm, 'a')));
    });

    test('every render\'s ClusterRoles carry the labels by which a second release finds the first one', () => {
      for (const [key, objects] of renders) {
        if (!key.startsWith(`${helm}:`)) continue;
        for (const role of byKind(objects, 'ClusterRole').filter((r) => !JOB_ROLES.includes(r.metadata.name))) {
          expect({ key, role: role.metadata.name, labels: role.metadata.labels }).toEqual({ key, role: role.metadata.name, labels: expect.objectContaining(OPERATOR_LABELS) });
        }
        // The operator's Job ClusterRoles are kept on uninstall: labelled as the operator, a kept
        // one would make the next install believe a release is still there.
        for (const role of byKind(objects, 'ClusterRole').filter((r) => JOB_ROLES.includes(r.metadata.name))) {
          expect({ key, role: role.metadata.name, component: role.metadata.labels['app.kubernetes.io/component'], annotations: role.metadata.annotations })
            .toEqual({ key, role: role.metadata.name, component: 'job-rbac', annotations: { 'helm.sh/resource-policy': 'keep' } });
        }
        expect({ key, jobRoles: byKind(objects, 'ClusterRole').filter((r) => JOB_ROLES.includes(r.metadata.name)).length }).toEqual({ key, jobRoles: 2 });
      }
      expect(one(rendered(helm, 'overrides'), 'ClusterRole', 'my-stash').metadata.labels).toEqual(expect.objectContaining(OPERATOR_LABELS));
    });

    test('webhooks off: no webhook configurations or admission APIServices; the snapshot APIService carries the license', () => {
      const objects = rendered(helm, 'webhooks-off.yaml');
      expect(byKind(objects, 'APIService').map((a) => a.metadata.name)).toEqual(['v1alpha1.repositories.stash.appscode.com']);
      expect(arg(objects, 'license-apiservice')).toBe('v1alpha1.repositories.stash.appscode.com');
      expect(byKind(objects, 'MutatingWebhookConfiguration')).toEqual([]);
      expect(byKind(objects, 'ValidatingWebhookConfiguration')).toEqual([]);
      expect([arg(objects, 'enable-mutating-webhook'), arg(objects, 'enable-validating-webhook')]).toEqual(['false', 'false']);
    });

    test.each(VALUES_FILES)('%s: the APIService of --license-apiservice exists, on the operator Service at 443, with a caBundle that verifies the serving certificate', (file) => {
      const objects = rendered(helm, file);
      const values = parse(fs.readFileSync(path.join(VALUES_DIR, file), 'utf8')) ?? {};
      const name = arg(objects, 'license-apiservice')!;
      const api = one(objects, 'APIService', name);
      const service = one(objects, 'Service');
      // The addon calls https://<service>.<namespace>.svc/appscode/license, always on 443.
      expect(api.spec.service).toEqual({ name: service.metadata.name, namespace: service.metadata.namespace, port: 443 });
      expect(service.spec.ports.find((p: any) => p.port === 443).targetPort).toBe(8443);
      const dnsName = `${service.metadata.name}.${service.metadata.namespace}.svc`;
      const servingSecret = pod(objects).volumes.find((v: any) => v.name === 'serving-cert').secret.secretName;
      const mode = values.certificates?.mode ?? 'helm';
      if (mode === 'helm') {
        const secret = one(objects, 'Secret', servingSecret);
        const cert = new X509Certificate(b64(secret.data['tls.crt']));
        expect(cert.verify(new X509Certificate(b64(api.spec.caBundle)).publicKey)).toBe(true);
        expect(cert.subjectAltName).toContain(`DNS:${dnsName}`);
      } else if (mode === 'certManager') {
        expect(api.spec.caBundle).toBeUndefined();
        const [namespace, certificate] = api.metadata.annotations['cert-manager.io/inject-ca-from'].split('/');
        const issued = one(objects, 'Certificate', certificate);
        expect({ namespace, secretName: issued.spec.secretName }).toEqual({ namespace: service.metadata.namespace, secretName: servingSecret });
        expect(issued.spec.dnsNames).toContain(dnsName);
      } else {
        expect(mode).toBe('provided');
        expect(api.spec.caBundle).toBe(values.certificates.provided.caBundle);
        expect(servingSecret).toBe(values.certificates.provided.secretName);
      }
      // The operator binds every Job to the reader role: the chart creates it, or checked that it exists.
      if (values.rbac?.createLicenseRoles === false) expect(byKind(objects, 'ClusterRole').map((r) => r.metadata.name)).not.toContain('appscode:license-reader');
      else expect(one(objects, 'ClusterRole', 'appscode:license-reader').rules).toEqual(expect.arrayContaining([{ nonResourceURLs: ['/appscode/license'], verbs: ['get'] }]));
    });

    test('license.apiService: an APIService of the chart works; one the chart does not register fails the install, saying what to set', () => {
      expect(arg(rendered(helm, 'license-explicit'), 'license-apiservice')).toBe('v1alpha1.repositories.stash.appscode.com');
      expect(failures.get(`${helm}:license-admission-without-webhooks`)).toMatch(
        /license\.apiService=v1beta1\.admission\.stash\.appscode\.com: the chart registers that APIService only while a webhook is on .*leave license\.apiService empty \(then v1alpha1\.repositories\.stash\.appscode\.com is used\)/);
      expect(failures.get(`${helm}:license-not-ours`)).toMatch(
        /license\.apiService=v1\.license\.example\.com is not an APIService of this chart \(v1alpha1\.admission\.stash\.appscode\.com, v1beta1\.admission\.stash\.appscode\.com, v1alpha1\.repositories\.stash\.appscode\.com\), so every backup and restore Job would fail its license check/);
    });

    test('serviceAccount.create=false: no ServiceAccount; every binding and the Deployment name the given one', () => {
      const objects = rendered(helm, 'existing-service-account');
      expect(byKind(objects, 'ServiceAccount').map((a) => a.metadata.name)).not.toContain('platform-stash');
      expect(byKind(objects, 'ServiceAccount').map((a) => a.metadata.name)).not.toContain('stash-stash-pxc');
      expect(pod(objects).serviceAccountName).toBe('platform-stash');
      const bindings = [...byKind(objects, 'ClusterRoleBinding'), ...byKind(objects, 'RoleBinding')];
      expect(bindings.length).toBeGreaterThanOrEqual(5);
      for (const binding of bindings) expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'platform-stash', namespace: 'stash' }]);
    });

    test('extraArgs, extraEnv, extraVolumes and extraVolumeMounts are appended to the operator\'s own', () => {
      const objects = rendered(helm, 'extras');
      const operator = container(objects, 'operator');
      const defaults = container(rendered(helm, 'stash-defaults'), 'operator');
      expect(operator.args).toEqual([...defaults.args, '--qps=100', '--burst=200']);
      expect(operator.env).toEqual([...defaults.env, { name: 'HTTPS_PROXY', value: 'http://proxy:3128' }]);
      expect(operator.volumeMounts).toEqual([...defaults.volumeMounts, { name: 'ca-certs', mountPath: '/etc/ssl/certs/corporate', readOnly: true }]);
      expect(pod(objects).volumes).toEqual([...pod(rendered(helm, 'stash-defaults')).volumes, { name: 'ca-certs', configMap: { name: 'corporate-ca' } }]);
    });

    test('external Pushgateway: no sidecar, volume, port or ServiceMonitor; Jobs push to the URL', () => {
      const objects = rendered(helm, 'external-pushgateway.yaml');
      expect(pod(objects).containers.map((c: any) => c.name)).toEqual(['operator']);
      expect(pod(objects).volumes.map((v: any) => v.name)).toEqual(['serving-cert', 'tmp']);
      expect(one(objects, 'Service').spec.ports.map((p: any) => p.name)).toEqual(['api']);
      expect(byKind(objects, 'ServiceMonitor')).toEqual([]);
      expect(arg(objects, 'pushgateway-url')).toBe('http://pushgateway.monitoring.svc:9091');
    });

    test('pushgateway.persistence: a release-aware claim kept on uninstall, mounted where the file is; Recreate; fsGroup', () => {
      const objects = rendered(helm, 'pushgateway-persistence.yaml');
      const claim = one(objects, 'PersistentVolumeClaim');
      expect(claim.metadata).toEqual({
        name: 'stash-stash-pxc-pushgateway',
        namespace: 'stash',
        labels: expect.objectContaining({ 'app.kubernetes.io/instance': 'stash', 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/part-of': 'stash-pxc', 'helm.sh/chart': 'stash-pxc-0.1.0' }),
        annotations: { 'helm.sh/resource-policy': 'keep' },
      });
      expect(claim.spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'standard', resources: { requests: { storage: '2Gi' } } });
      const volume = pod(objects).volumes.find((v: any) => v.name === 'pushgateway-data');
      expect(volume).toEqual({ name: 'pushgateway-data', persistentVolumeClaim: { claimName: 'stash-stash-pxc-pushgateway' } });
      expect(container(objects, 'pushgateway').volumeMounts).toEqual(expect.arrayContaining([{ name: 'pushgateway-data', mountPath: '/var/pv' }]));
      expect(one(objects, 'Deployment').spec.strategy).toEqual({ type: 'Recreate' });
      expect(pod(objects).securityContext.fsGroup).toBe(65535);
      // Everything else is the default install's.
      const defaults = rendered(helm, 'stash-defaults');
      expect(pod(objects).volumes.filter((v: any) => v.name !== 'pushgateway-data')).toEqual(pod(defaults).volumes.filter((v: any) => v.name !== 'pushgateway-data'));
      expect(pod(defaults).volumes.find((v: any) => v.name === 'pushgateway-data')).toEqual({ name: 'pushgateway-data', emptyDir: {} });
      expect(byKind(defaults, 'PersistentVolumeClaim')).toEqual([]);
    });

    test('pushgateway.persistence.existingClaim: mounted, never rendered (the chart does not own it)', () => {
      const objects = rendered(helm, 'pushgateway-existing-claim.yaml');
      expect(byKind(objects, 'PersistentVolumeClaim')).toEqual([]);
      expect(pod(objects).volumes.find((v: any) => v.name === 'pushgateway-data')).toEqual({ name: 'pushgateway-data', persistentVolumeClaim: { claimName: 'pushgateway-metrics' } });
    });

    test('pushgateway.persistence values that cannot work fail, saying what to set', () => {
      const message = (key: string) => failures.get(`${helm}:${key}`)!;
      expect(message('persistence-with-external')).toMatch(/pushgateway\.persistence\.enabled: is true, but with pushgateway\.externalUrl there is no Pushgateway sidecar to keep a volume for\. Fix: set pushgateway\.persistence\.enabled=false/);
      expect(message('persistence-claim-and-class')).toMatch(/pushgateway\.persistence\.storageClassName: fast is set with existingClaim metrics, whose class is already chosen\. Fix: /);
      expect(message('persistence-without-fsgroup')).toMatch(/podSecurityContext\.fsGroup: is not set, so the non-root Pushgateway cannot write its persistent volume\. Fix: set podSecurityContext\.fsGroup/);
      expect(message('persistence-zero-size')).toMatch(/pushgateway\/persistence\/size|persistence\.size/);
      expect(message('persistence-read-only')).toMatch(/pushgateway\/persistence\/accessMode|persistence\.accessMode/);
      expect(message('persistence-bad-class')).toMatch(/pushgateway\/persistence\/storageClassName|persistence\.storageClassName/);
    });

    test('monitoring: two ServiceMonitors on the Service ports, a metrics-only token for the operator', () => {
      const objects = rendered(helm, 'monitoring.yaml');
      const monitors = byKind(objects, 'ServiceMonitor');
      expect(monitors.map((m) => m.metadata.name).sort()).toEqual(['stash-stash-pxc-operator', 'stash-stash-pxc-pushgateway']);
      const ports = one(objects, 'Service').spec.ports.map((p: any) => p.name);
      for (const m of monitors) {
        expect(m.metadata.labels.release).toBe('prometheus');
        expect(m.spec.selector.matchLabels).toEqual(one(objects, 'Service').spec.selector);
        for (const e of m.spec.endpoints) expect(ports).toContain(e.port);
      }
      const operatorEndpoint = one(objects, 'ServiceMonitor', 'stash-stash-pxc-operator').spec.endpoints[0];
      expect(operatorEndpoint.tlsConfig.ca.secret.name).toBe(pod(objects).volumes.find((v: any) => v.name === 'serving-cert').secret.secretName);
      const token = one(objects, 'Secret', operatorEndpoint.authorization.credentials.name);
      const account = token.metadata.annotations['kubernetes.io/service-account.name'];
      one(objects, 'ServiceAccount', account);
      const binding = byKind(objects, 'ClusterRoleBinding').find((b) => b.subjects[0].name === account);
      expect(one(objects, 'ClusterRole', binding.roleRef.name).rules).toEqual([{ nonResourceURLs: ['/metrics'], verbs: ['get'] }]);
      expect(byKind(rendered(helm, 'a'), 'ServiceMonitor')).toEqual([]);
    });

    test('monitoring alerts and dashboard: rules follow the ServiceMonitors that are on; the dashboard for Grafana\'s sidecar', () => {
      const objects = rendered(helm, 'monitoring-alerts.yaml');
      const rule = one(objects, 'PrometheusRule', 'stash-stash-pxc-alerts');
      expect(rule.metadata.labels.release).toBe('prometheus');
      const rules = rule.spec.groups[0].rules;
      // The operator is scraped, the Pushgateway is not: no rule on a target that does not exist.
      expect(rules.map((r: any) => r.alert)).toEqual([OperatorAlert.OPERATOR_DOWN, OperatorAlert.BACKUPS_SILENT]);
      expect(rules[0].expr).toBe('absent(up{job="stash-stash-pxc", namespace="stash", endpoint="api"} == 1)');
      const dashboard = one(objects, 'ConfigMap', 'stash-stash-pxc-dashboard');
      expect(dashboard.metadata.labels.grafana_dashboard).toBe('1');
      // Grafana's `{{label}}` legends come out of Helm as text, the JSON equal to dist/'s.
      expect(dashboard.data['stash-pxc-backups.json']).toBe(fs.readFileSync(path.join(REPO_ROOT, 'dist', 'dashboards', 'stash-pxc-backups.json'), 'utf8'));
      const both = byKind(rendered(helm, 'monitoring.yaml'), 'PrometheusRule');
      expect(both).toEqual([]);
      expect(byKind(rendered(helm, 'a'), 'ConfigMap').filter((c) => c.metadata.labels?.grafana_dashboard)).toEqual([]);
    });

    test('catalog: one version from a mirror', () => {
      const objects = rendered(helm, 'catalog-one-version.yaml');
      expect([...byKind(objects, 'Function'), ...byKind(objects, 'Task')].map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
        'Function/perconaxtradb-backup-8.0', 'Function/perconaxtradb-restore-8.0', 'Task/perconaxtradb-backup-8.0', 'Task/perconaxtradb-restore-8.0',
      ]);
      for (const f of byKind(objects, 'Function')) expect(f.spec.image).toBe('registry.example.com:5000/mirror/stash-percona-xtradb:8.0');
    });

    test('task queue: TaskQueue, flag and PendingTask rules', () => {
      const objects = rendered(helm, 'task-queue.yaml');
      expect(one(objects, 'TaskQueue', 'appscode-stash-task-queue').spec).toMatchObject({
        maxConcurrentTasks: 3,
        tasks: [{ type: { group: 'stash.appscode.com', kind: 'BackupSession' }, rules: expect.objectContaining({ success: expect.stringContaining('Succeeded') }) }],
      });
      expect(arg(objects, 'enable-task-queue')).toBe('true');
      expect(missingPermissions(one(objects, 'ClusterRole', 'stash-stash-pxc').rules, TASK_QUEUE_NEEDS)).toEqual([]);
    });

    test('license key: kept verbatim in a Secret, mounted and passed to the operator', () => {
      const objects = rendered(helm, 'license-key.yaml');
      const secret = one(objects, 'Secret', 'stash-stash-pxc-license');
      expect(b64(secret.data['key.txt'])).toBe('-----BEGIN LICENSE-----\nnot-a-real-license "with quotes" and \\backslashes\n-----END LICENSE-----\n');
      expect(pod(objects).volumes.find((v: any) => v.name === 'license').secret.secretName).toBe(secret.metadata.name);
      expect(container(objects, 'operator').volumeMounts.map((m: any) => m.mountPath)).toContain('/var/run/secrets/appscode/license');
      expect(arg(objects, 'license-file')).toBe('/var/run/secrets/appscode/license/key.txt');
    });

    test('placement, size, images and metadata come from the values', () => {
      const objects = rendered(helm, 'placement.yaml');
      const deployment = one(objects, 'Deployment');
      const spec = pod(objects);
      expect(deployment.metadata.annotations).toEqual({ 'example.com/owner': 'backup-team' });
      expect(deployment.spec.template.metadata.annotations).toEqual({ 'example.com/scrape': 'false' });
      expect(deployment.spec.template.metadata.labels.team).toBe('backup');
      expect(spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux', 'node-role.example.com/infra': 'true' });
      expect(spec.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' }]);
      expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toHaveLength(1);
      expect(spec.priorityClassName).toBe('system-cluster-critical');
      expect(spec.imagePullSecrets).toEqual([{ name: 'regcred' }, { name: 'mirror' }]);
      expect(arg(objects, 'image-pull-secrets')).toBe('regcred,mirror');
      expect(arg(objects, 'v')).toBe('5');
      const operator = container(objects, 'operator');
      expect(operator.image).toBe('registry.example.com/stashed/stash-enterprise:v0.42.1-patched');
      expect([arg(objects, 'docker-registry'), arg(objects, 'image'), arg(objects, 'image-tag')]).toEqual(['registry.example.com/stashed', 'stash-enterprise', 'v0.42.1-patched']);
      expect(operator.resources).toEqual({ requests: { cpu: '200m', memory: '256Mi' }, limits: { memory: '512Mi' } });
      expect(operator.securityContext.runAsUser).toBe(1000);
      expect(spec.containers.map((c: any) => c.imagePullPolicy)).toEqual(['Always', 'Always']);
      // Helm merges the given limit into the default requests.
      expect(container(objects, 'pushgateway').resources).toEqual({ requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } });
      expect(one(objects, 'ServiceAccount').metadata.annotations).toEqual({ 'example.com/role': 'stash' });
      // Not given in the default values: the keys are absent, not empty.
      const plain = pod(rendered(helm, 'a'));
      expect([plain.tolerations, plain.affinity, plain.priorityClassName, plain.imagePullSecrets]).toEqual([undefined, undefined, undefined, undefined]);
    });

    test('health probes and memory limits: on by default, tuned or turned off by the values', () => {
      const operator = container(rendered(helm, 'a'), 'operator');
      expect(operator.readinessProbe).toEqual({ httpGet: { path: '/readyz', port: 8443, scheme: 'HTTPS' }, initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
      expect(operator.livenessProbe).toEqual({ httpGet: { path: '/livez', port: 8443, scheme: 'HTTPS' }, initialDelaySeconds: 30, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 });
      expect(operator.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } });
      const pushgateway = container(rendered(helm, 'a'), 'pushgateway');
      expect(pushgateway.readinessProbe.httpGet).toEqual({ path: '/-/ready', port: 56789, scheme: 'HTTP' });
      expect(pushgateway.livenessProbe.httpGet).toEqual({ path: '/-/healthy', port: 56789, scheme: 'HTTP' });
      expect(pushgateway.resources).toEqual({ requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '256Mi' } });

      const tuned = rendered(helm, 'probes-resources.yaml');
      const tunedOperator = container(tuned, 'operator');
      expect(tunedOperator.livenessProbe).toBeUndefined();
      expect(tunedOperator.readinessProbe).toEqual({ httpGet: { path: '/readyz', port: 8443, scheme: 'HTTPS' }, initialDelaySeconds: 5, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 4 });
      expect(tunedOperator.resources).toEqual({ requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '2Gi' } });
      const tunedPushgateway = container(tuned, 'pushgateway');
      expect(tunedPushgateway.readinessProbe).toBeUndefined();
      expect(tunedPushgateway.livenessProbe).toEqual({ httpGet: { path: '/-/healthy', port: 56789, scheme: 'HTTP' }, initialDelaySeconds: 0, periodSeconds: 20, timeoutSeconds: 2, failureThreshold: 3 });
      // 64M (decimal) is below 0.5Gi: compared as numbers, not as text.
      expect(tunedPushgateway.resources).toEqual({ requests: { cpu: '0.05', memory: '64M' }, limits: { memory: '0.5Gi' } });
    });

    test('a request above its limit, a malformed quantity or a probe timing out of range is refused with a message', () => {
      const message = (key: string) => failures.get(`${helm}:${key}`)!;
      expect(message('memory-request-above-limit')).toContain('operator.resources.requests.memory: 2Gi is above the limit 1Gi, which the API server refuses. Fix: lower operator.resources.requests.memory or raise operator.resources.limits.memory');
      expect(message('cpu-request-above-limit')).toContain('pushgateway.resources.requests.cpu: 500m is above the limit 0.2');
      expect(message('bad-quantity')).toMatch(/operator\/resources\/limits\/memory/);
      expect(message('probe-period-zero')).toMatch(/operator\/probes\/readiness\/periodSeconds/);
      expect(message('probe-threshold-fraction')).toMatch(/pushgateway\/probes\/liveness\/failureThreshold/);
    });

    test('minimal: the optional parts are gone, the license APIService stays', () => {
      const objects = rendered(helm, 'minimal.yaml');
      expect(kindsOf(objects)).toEqual(['APIService', 'ClusterRole', 'ClusterRoleBinding', 'Deployment', 'RoleBinding', 'Secret', 'Service', 'ServiceAccount']);
      expect(byKind(objects, 'ClusterRole').map((r) => r.metadata.name)).toEqual(['stash-stash-pxc', ...JOB_ROLES]);
    });

    test('values outside the schema are refused with a message', () => {
      const message = (key: string) => failures.get(`${helm}:${key}`)!;
      expect(message('replicas')).toMatch(/replicaCount/);
      expect(message('privileged')).toMatch(/allowPrivilegeEscalation/);
      expect(message('provided-without-secret')).toMatch(/secretName|minLength|caBundle/);
      expect(message('unknown-key')).toMatch(/operatr/);
      expect(message('bad-mode')).toMatch(/certificates\.mode|mode/);
      expect(message('bad-namespace')).toMatch(/excludedNamespaces/);
    });

    test('the default install with release "stash" in namespace "stash" is dist/install.yaml', () => {
      const strip = (o: any) => {
        const copy = structuredClone(o);
        // Helm's own instruction (keep on uninstall), meaningless to kubectl.
        if (copy.metadata.annotations?.['helm.sh/resource-policy'] === 'keep' && copy.kind === 'ClusterRole') delete copy.metadata.annotations;
        delete copy.metadata.labels['helm.sh/chart'];
        delete copy.metadata.labels['app.kubernetes.io/managed-by'];
        if (copy.spec?.template?.metadata?.labels) {
          delete copy.spec.template.metadata.labels['helm.sh/chart'];
          delete copy.spec.template.metadata.labels['app.kubernetes.io/managed-by'];
        }
        return copy;
      };
      const key = (o: any) => `${o.kind}/${o.metadata.name}`;
      const fromHelm = rendered(helm, 'as-dist').filter((o) => o.kind !== 'CustomResourceDefinition').map(strip);
      const fromDist = distInstallManifests().filter((o) => o.kind !== 'Namespace');
      expect(fromHelm.map(key).sort()).toEqual(fromDist.map(key).sort());
      const dist = new Map(fromDist.map((o) => [key(o), o]));
      for (const o of fromHelm) expect(o).toEqual(dist.get(key(o)));
    });
  });

  describeWithReference('custom resources against the upstream CRDs (strict: nothing upstream would prune)', () => {
    test.each(HELMS)('%s', (helm) => {
      const crds = upstreamCrds();
      let checked = 0;
      for (const [key, objects] of renders) {
        if (!key.startsWith(`${helm}:`)) continue;
        for (const o of objects.filter((x) => x.apiVersion.startsWith('stash.appscode.com/'))) {
          const crd = [...crds.values()].find((c) => c.spec.names.kind === o.kind);
          expect({ object: `${o.kind}/${o.metadata.name}`, findings: manifestProblems(o, [...crds.values()]) }).toEqual({ object: `${o.kind}/${o.metadata.name}`, findings: [] });
          expect(crd.spec.scope).toBe('Cluster');
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(50);
    });
  });
});
