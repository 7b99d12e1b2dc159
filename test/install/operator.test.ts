/**
 * The StashOperator construct and the plain install in dist/: what the objects mean, checked
 * against upstream's expectations (names, arguments, RBAC), Pod Security "restricted", the
 * certificate modes (no private key in plain manifests) and errors that say how to fix props.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { validateValue } from '../../src/api';
import { resolveKubernetesSchema } from '../../src/api/k8s-openapi';
import { distInstallManifests } from '../../generator/chart/dist';
import { MUTATING_WEBHOOKS, VALIDATING_WEBHOOKS, WebhookFailurePolicy } from '../../src/install/admission-webhooks';
import { OperatorLicense } from '../../src/install/operator-license';
import { Pushgateway } from '../../src/install/pushgateway';
import { ServingCertificates } from '../../src/install/serving-certificates';
import { restrictedContainerSecurityContext as restrictedSecurityContext } from '../../src/core/security-context';
import { StashOperator, StashOperatorProps } from '../../src/install/stash-operator';
import { validateWithModels } from '../support/kubernetes-models';
import { CRON_JOB_CLUSTER_ROLE, RESTORE_JOB_CLUSTER_ROLE } from '../../src/install/operator-rbac';
import { UPSTREAM_JOB_CLUSTER_ROLES } from '../cluster/support/upstream-job-rbac';
import { LICENSE_READER_NEEDS, missingPermissions, OPERATOR_NEEDS, rulePermissions, TASK_QUEUE_NEEDS } from '../support/rbac';
import { REPO_ROOT } from '../support/reference';

const TEST_CA = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64');

function synth(props: StashOperatorProps): any[] {
  const chart = new Chart(Testing.app(), 'test');
  new StashOperator(chart, 'Stash', props);
  return Testing.synth(chart);
}

/** The message synth fails with (every problem of every construct, each with its path). */
function synthError(props: StashOperatorProps): string {
  const chart = new Chart(Testing.app(), 'test');
  // Constructors never throw for bad input: the problems come at synth.
  new StashOperator(chart, 'Stash', props);
  try {
    Testing.synth(chart);
  } catch (e) {
    return (e as Error).message;
  }
  return '(synthesized without error)';
}

const byKind = (objects: any[], kind: string) => objects.filter((o) => o.kind === kind);
const one = (objects: any[], kind: string, name?: string) => {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  expect(found.map((o) => `${o.kind}/${o.metadata.name}`)).toHaveLength(1);
  return found[0];
};
const containersOf = (objects: any[]) => one(objects, 'Deployment').spec.template.spec.containers;
const argsOf = (objects: any[]) => containersOf(objects).find((c: any) => c.name === 'operator').args as string[];
const arg = (objects: any[], flag: string) => argsOf(objects).find((a) => a.startsWith(`--${flag}=`))?.slice(flag.length + 3);

describe('StashOperator', () => {
  const objects = synth({ certificates: ServingCertificates.certManager() });

  test('asks for a certificate choice, naming the construct, the field and the fixes', () => {
    expect(synthError({})).toMatch(/\[test\/Stash\] certificates: is not set\. Fix: choose ServingCertificates\.certManager\(\).*ServingCertificates\.provided/);
  });

  test('runs the upstream operator image with upstream `run` arguments', () => {
    const operator = containersOf(objects).find((c: any) => c.name === 'operator');
    expect(operator.image).toBe('ghcr.io/stashed/stash-enterprise:v0.42.1');
    expect(operator.imagePullPolicy).toBe('IfNotPresent');
    const args = argsOf(objects);
    expect(args[0]).toBe('run');
    expect(arg(objects, 'secure-port')).toBe('8443');
    expect(arg(objects, 'tls-cert-file')).toBe('/var/serving-cert/tls.crt');
    expect(arg(objects, 'tls-private-key-file')).toBe('/var/serving-cert/tls.key');
    expect(arg(objects, 'pushgateway-url')).toBe('http://stash.stash.svc:56789');
    expect(arg(objects, 'enable-mutating-webhook')).toBe('true');
    expect(arg(objects, 'enable-validating-webhook')).toBe('true');
    expect(arg(objects, 'enable-task-queue')).toBe('false');
    expect(arg(objects, 'license-apiservice')).toBe('v1beta1.admission.stash.appscode.com');
    expect(arg(objects, 'v')).toBe('3');
    expect(arg(objects, 'docker-registry')).toBe('ghcr.io/stashed');
    expect(arg(objects, 'image')).toBe('stash-enterprise');
    expect(arg(objects, 'image-tag')).toBe('v0.42.1');
    expect(arg(objects, 'license-file')).toBeUndefined();
    // No flag twice, and every flag is one the upstream chart passes.
    const flags = args.slice(1).map((a) => a.split('=')[0]);
    expect(new Set(flags).size).toBe(flags.length);
  });

  test('runs the Pushgateway sidecar on 56789 with its persistence file on an emptyDir', () => {
    const pg = containersOf(objects).find((c: any) => c.name === 'pushgateway');
    expect(pg.image).toBe('docker.io/prom/pushgateway:v1.4.2');
    expect(pg.args).toEqual(['--web.listen-address=:56789', '--persistence.file=/var/pv/pushgateway.dat']);
    const volumes = one(objects, 'Deployment').spec.template.spec.volumes;
    const dataMount = pg.volumeMounts.find((m: any) => m.mountPath === '/var/pv');
    expect(volumes.find((v: any) => v.name === dataMount.name).emptyDir).toEqual({});
    expect(one(objects, 'Service').spec.ports).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'pushgateway', port: 56789 })]));
  });

  test('probes both containers and gives them memory requests and limits by default', () => {
    const [operator, pushgateway] = ['operator', 'pushgateway'].map((n) => containersOf(objects).find((c: any) => c.name === n));
    // The operator's API server answers /readyz and /livez without credentials on its secure port.
    expect(operator.readinessProbe).toEqual({ httpGet: { path: '/readyz', port: 8443, scheme: 'HTTPS' }, initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
    expect(operator.livenessProbe).toEqual({ httpGet: { path: '/livez', port: 8443, scheme: 'HTTPS' }, initialDelaySeconds: 30, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 });
    // A slow start is not killed: the first restart comes at the earliest 2 minutes after start.
    const live = operator.livenessProbe;
    expect(live.initialDelaySeconds + live.periodSeconds * (live.failureThreshold - 1)).toBeGreaterThanOrEqual(120);
    expect(operator.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } });
    expect(pushgateway.readinessProbe).toEqual({ httpGet: { path: '/-/ready', port: 56789, scheme: 'HTTP' }, initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
    expect(pushgateway.livenessProbe).toEqual({ httpGet: { path: '/-/healthy', port: 56789, scheme: 'HTTP' }, initialDelaySeconds: 10, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 3 });
    expect(pushgateway.resources).toEqual({ requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '256Mi' } });
  });

  test('probes can be tuned or turned off, per container and per probe', () => {
    const tuned = synth({
      certificates: ServingCertificates.certManager(),
      probes: { liveness: { enabled: false }, readiness: { periodSeconds: 15, failureThreshold: 4 } },
      pushgateway: Pushgateway.sidecar({ probes: { readiness: { enabled: false }, liveness: { initialDelaySeconds: 0, timeoutSeconds: 2 } } }),
    });
    const [operator, pushgateway] = ['operator', 'pushgateway'].map((n) => containersOf(tuned).find((c: any) => c.name === n));
    expect(operator.livenessProbe).toBeUndefined();
    expect(operator.readinessProbe).toMatchObject({ httpGet: { path: '/readyz' }, initialDelaySeconds: 5, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 4 });
    expect(pushgateway.readinessProbe).toBeUndefined();
    expect(pushgateway.livenessProbe).toMatchObject({ httpGet: { path: '/-/healthy' }, initialDelaySeconds: 0, periodSeconds: 20, timeoutSeconds: 2, failureThreshold: 3 });
  });

  test('refuses probe timings out of range and requests above limits, naming the field', () => {
    const base = { certificates: ServingCertificates.certManager() };
    const message = synthError({
      ...base,
      probes: { readiness: { periodSeconds: 0 }, liveness: { failureThreshold: 1.5, enabled: 'no' as any } },
      pushgateway: Pushgateway.sidecar({ probes: { liveness: { timeoutSeconds: 7200 } } }),
    });
    expect(message).toMatch(/\[test\/Stash\] probes\.readiness\.periodSeconds: 0 is not a whole number between 1 and 3600\. Fix: /);
    expect(message).toMatch(/probes\.liveness\.failureThreshold: 1\.5 is not a whole number between 1 and 100/);
    expect(message).toMatch(/probes\.liveness\.enabled: "no" is not true or false/);
    expect(message).toMatch(/pushgateway\.sidecarOptions\.probes\.liveness\.timeoutSeconds: 7200 is not a whole number between 1 and 3600/);
    expect(synthError({ ...base, probes: 'off' as any })).toMatch(/probes: "off" is not probe options\. Fix: /);
    const q = (v: string) => k8s.Quantity.fromString(v);
    expect(synthError({ ...base, resources: { requests: { memory: q('2Gi') }, limits: { memory: q('1Gi') } } }))
      .toMatch(/\[test\/Stash\] resources\.requests\.memory: 2Gi is more than the limit 1Gi, which the API server refuses\. Fix: /);
    expect(synthError({ ...base, pushgateway: Pushgateway.sidecar({ resources: { requests: { cpu: q('500m') }, limits: { cpu: q('0.2') } } }) }))
      .toMatch(/pushgateway\.sidecarOptions\.resources\.requests\.cpu: 500m is more than the limit 0\.2/);
  });

  test('every container meets Pod Security "restricted", with emptyDirs for writable paths', () => {
    const pod = one(objects, 'Deployment').spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    for (const c of pod.containers) {
      expect({ name: c.name, sc: c.securityContext }).toEqual({ name: c.name, sc: expect.objectContaining(restrictedSecurityContext()) });
      const tmp = c.volumeMounts.find((m: any) => m.mountPath === '/tmp');
      expect(pod.volumes.find((v: any) => v.name === tmp.name).emptyDir).toEqual({});
    }
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(one(objects, 'ServiceAccount').automountServiceAccountToken).toBe(false);
  });

  test('refuses security contexts that break "restricted", saying what to change', () => {
    const props = { certificates: ServingCertificates.certManager(), securityContext: { ...restrictedSecurityContext(), allowPrivilegeEscalation: true, readOnlyRootFilesystem: false } };
    expect(synthError(props)).toMatch(/\[test\/Stash\] securityContext\.allowPrivilegeEscalation: must be false[\s\S]*\[test\/Stash\] securityContext\.readOnlyRootFilesystem: must be true/);
    expect(synthError({ certificates: ServingCertificates.certManager(), replicas: 2 })).toMatch(/replicas: 2 is neither 1 nor 0\. Fix: .*no leader election/);
  });

  test('sets the defaults cdk8s-plus would hide: replicas, pull policy, names without hashes', () => {
    const deployment = one(objects, 'Deployment');
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
    expect(objects.map((o) => o.metadata.name).filter((n) => /-c8[0-9a-f]{6}$/.test(n))).toEqual([]);
  });

  test('registers the three upstream APIServices against its Service, with the CA injected by cert-manager', () => {
    const names = byKind(objects, 'APIService').map((a) => a.metadata.name).sort();
    expect(names).toEqual(['v1alpha1.admission.stash.appscode.com', 'v1alpha1.repositories.stash.appscode.com', 'v1beta1.admission.stash.appscode.com']);
    const certificate = one(objects, 'Certificate');
    for (const api of byKind(objects, 'APIService')) {
      expect(api.spec.service).toEqual({ namespace: 'stash', name: 'stash', port: 443 });
      expect(api.spec.caBundle).toBeUndefined();
      expect(api.metadata.annotations['cert-manager.io/inject-ca-from']).toBe(`stash/${certificate.metadata.name}`);
    }
    expect(certificate.spec.dnsNames).toContain('stash.stash.svc');
    const volume = one(objects, 'Deployment').spec.template.spec.volumes.find((v: any) => v.name === 'serving-cert');
    expect(volume.secret.secretName).toBe(certificate.spec.secretName);
    expect(one(objects, 'Issuer').spec).toEqual({ selfSigned: {} });
  });

  test('plain manifests never carry a private key', () => {
    const text = JSON.stringify(objects);
    expect(text).not.toMatch(/PRIVATE KEY|tls\.key"\s*:/);
    expect(byKind(objects, 'Secret')).toEqual([]);
  });

  test('provided certificates: the user Secret and CA bundle, no issuer', () => {
    const provided = synth({ certificates: ServingCertificates.provided({ secretName: 'my-cert', caBundle: TEST_CA }) });
    for (const api of byKind(provided, 'APIService')) expect(api.spec.caBundle).toBe(TEST_CA);
    expect(byKind(provided, 'Certificate')).toEqual([]);
    const volume = one(provided, 'Deployment').spec.template.spec.volumes.find((v: any) => v.name === 'serving-cert');
    expect(volume.secret.secretName).toBe('my-cert');
    expect(synthError({ certificates: ServingCertificates.provided({ secretName: 'my-cert', caBundle: 'not base64!' }) }))
      .toMatch(/\[test\/Stash\] certificates\.provided\.caBundle: is not the base64 of a PEM CA certificate/);
  });

  test('webhooks call the operator through the kube-apiserver, as upstream, and leave the caBundle to the operator', () => {
    const mutating = one(objects, 'MutatingWebhookConfiguration', 'admission.stash.appscode.com');
    const validating = one(objects, 'ValidatingWebhookConfiguration', 'admission.stash.appscode.com');
    expect(mutating.webhooks.map((w: any) => w.name.split('.')[0])).toEqual(['deployment', 'daemonset', 'statefulset', 'deploymentconfig', 'restoresession']);
    expect(validating.webhooks.map((w: any) => w.name.split('.')[0])).toEqual(
      ['restic', 'recovery', 'repository', 'restoresession', 'restorebatch', 'backupconfiguration', 'backupbatch', 'backupblueprint']);
    for (const w of [...mutating.webhooks, ...validating.webhooks]) {
      expect(w.clientConfig.service).toMatchObject({ namespace: 'default', name: 'kubernetes' });
      expect(w.clientConfig.service.path).toMatch(/^\/apis\/admission\.stash\.appscode\.com\/v1(alpha1|beta1)\/[a-z]+(mutators|validators)$/);
      expect(w.clientConfig.caBundle).toBeUndefined();
      expect(w).toMatchObject({ failurePolicy: 'Ignore', sideEffects: 'None', admissionReviewVersions: ['v1beta1'] });
    }
    const fail = synth({ certificates: ServingCertificates.certManager(), webhooks: { failurePolicy: WebhookFailurePolicy.FAIL } });
    expect(one(fail, 'MutatingWebhookConfiguration').webhooks.every((w: any) => w.failurePolicy === 'Fail')).toBe(true);
  });

  test('the workload webhooks skip the operator\'s namespace and kube-system, so a down operator with Fail cannot block its own upgrade', () => {
    const selectorOf = (objs: any[]) => Object.fromEntries(one(objs, 'MutatingWebhookConfiguration').webhooks
      .map((w: any) => [w.name.split('.')[0], w.namespaceSelector]));
    const notIn = (values: string[]) => ({ matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values }] });
    expect(selectorOf(objects)).toEqual({
      deployment: notIn(['stash', 'kube-system']),
      daemonset: notIn(['stash', 'kube-system']),
      statefulset: notIn(['stash', 'kube-system']),
      deploymentconfig: notIn(['stash', 'kube-system']),
      // RestoreSessions are Stash's own kind, wherever they are; the validating webhooks too.
      restoresession: undefined,
    });
    expect(one(objects, 'ValidatingWebhookConfiguration').webhooks.map((w: any) => w.namespaceSelector)).toEqual(VALIDATING_WEBHOOKS.map(() => undefined));
    // Upstream's names, paths and rules otherwise.
    expect(one(objects, 'MutatingWebhookConfiguration').webhooks.map((w: any) => [w.name, w.clientConfig.service.path, w.rules[0].resources])).toEqual(
      MUTATING_WEBHOOKS.map((d) => [`${d.name}.admission.stash.appscode.com`, `/apis/admission.stash.appscode.com/${d.version}/${d.resource}`, d.resources]));

    // The operator's namespace always, once, first; then the given ones instead of kube-system.
    const custom = synth({ certificates: ServingCertificates.certManager(), namespace: 'backup', webhooks: { failurePolicy: WebhookFailurePolicy.FAIL, excludedNamespaces: ['kube-system', 'backup', 'ingress'] } });
    expect(selectorOf(custom).deployment).toEqual(notIn(['backup', 'kube-system', 'ingress']));
    expect(selectorOf(synth({ certificates: ServingCertificates.certManager(), webhooks: { excludedNamespaces: [] } })).statefulset).toEqual(notIn(['stash']));
    expect(synthError({ certificates: ServingCertificates.certManager(), webhooks: { excludedNamespaces: ['Kube_System'] } }))
      .toMatch(/\[test\/Stash\/Webhooks\] excludedNamespaces\[0\]: "Kube_System" has upper-case letters; it must be a DNS-1123 label/);
  });

  test('turning options off removes their objects', () => {
    const off = synth({ certificates: ServingCertificates.certManager(), webhooks: { mutating: false, validating: false }, createLicenseRoles: false });
    // The operator serves only the snapshot API then, and that APIService carries the license endpoint.
    expect(byKind(off, 'APIService').map((a) => a.metadata.name)).toEqual(['v1alpha1.repositories.stash.appscode.com']);
    expect(arg(off, 'license-apiservice')).toBe('v1alpha1.repositories.stash.appscode.com');
    expect(byKind(off, 'MutatingWebhookConfiguration')).toEqual([]);
    expect(byKind(off, 'ValidatingWebhookConfiguration')).toEqual([]);
    expect(arg(off, 'enable-mutating-webhook')).toBe('false');
    // The operator's Job ClusterRoles stay: it would create them itself, racing with itself.
    expect(byKind(off, 'ClusterRole').map((r) => r.metadata.name)).toEqual(['stash', 'stash-cron-job', 'stash-restore-job']);

    const external = synth({ certificates: ServingCertificates.certManager(), pushgateway: Pushgateway.external('http://pg.monitoring.svc:9091'), monitoring: { pushgateway: true } });
    expect(containersOf(external).map((c: any) => c.name)).toEqual(['operator']);
    expect(one(external, 'Deployment').spec.template.spec.volumes.map((v: any) => v.name)).toEqual(['serving-cert', 'tmp']);
    expect(one(external, 'Service').spec.ports.map((p: any) => p.name)).toEqual(['api']);
    expect(arg(external, 'pushgateway-url')).toBe('http://pg.monitoring.svc:9091');
    expect(byKind(external, 'ServiceMonitor')).toEqual([]);
    expect(synthError({ certificates: ServingCertificates.certManager(), pushgateway: Pushgateway.external('pg:9091') }))
      .toMatch(/\[test\/Stash\] pushgateway\.externalUrl: "pg:9091" is not an http\(s\):\/\/host\[:port\]\[\/path\] URL/);
  });

  test('license: from a Secret, or from the key kept in a Secret; mounted and passed as --license-file', () => {
    const fromKey = synth({ certificates: ServingCertificates.certManager(), license: OperatorLicense.fromKey('line 1\nline 2\n') });
    const secret = one(fromKey, 'Secret', 'stash-license');
    expect(Buffer.from(secret.data['key.txt'], 'base64').toString()).toBe('line 1\nline 2\n');
    expect(arg(fromKey, 'license-file')).toBe('/var/run/secrets/appscode/license/key.txt');
    const fromSecret = synth({ certificates: ServingCertificates.certManager(), license: OperatorLicense.fromSecret('mine') });
    expect(byKind(fromSecret, 'Secret')).toEqual([]);
    expect(one(fromSecret, 'Deployment').spec.template.spec.volumes.find((v: any) => v.name === 'license').secret.secretName).toBe('mine');
  });

  test('task queue: flag, TaskQueue with the session limit, and the PendingTask rules', () => {
    const queued = synth({ certificates: ServingCertificates.certManager(), taskQueue: { maxConcurrentSessions: 4 } });
    expect(arg(queued, 'enable-task-queue')).toBe('true');
    const queue = one(queued, 'TaskQueue', 'appscode-stash-task-queue');
    expect(queue.spec.maxConcurrentTasks).toBe(4);
    expect(queue.spec.tasks[0].type).toEqual({ group: 'stash.appscode.com', kind: 'BackupSession' });
    expect(missingPermissions(one(queued, 'ClusterRole', 'stash').rules, TASK_QUEUE_NEEDS)).toEqual([]);
    expect(missingPermissions(one(objects, 'ClusterRole', 'stash').rules, TASK_QUEUE_NEEDS)).not.toEqual([]);
  });

  test('monitoring: ServiceMonitors for the operator (HTTPS, metrics-only token) and the Pushgateway', () => {
    const monitored = synth({ certificates: ServingCertificates.certManager(), monitoring: { operator: true, pushgateway: true, serviceMonitorLabels: { release: 'prom' } } });
    const operatorMonitor = one(monitored, 'ServiceMonitor', 'stash-operator');
    expect(operatorMonitor.metadata.labels.release).toBe('prom');
    const endpoint = operatorMonitor.spec.endpoints[0];
    expect(endpoint).toMatchObject({ port: 'api', scheme: 'https', tlsConfig: { serverName: 'stash.stash.svc', ca: { secret: { name: 'stash-apiserver-cert', key: 'ca.crt' } } } });
    const token = one(monitored, 'Secret', endpoint.authorization.credentials.name);
    expect(token.type).toBe('kubernetes.io/service-account-token');
    const reader = one(monitored, 'ClusterRole', 'stash-metrics-reader');
    expect(reader.rules).toEqual([{ nonResourceURLs: ['/metrics'], verbs: ['get'] }]);
    expect(one(monitored, 'ClusterRoleBinding', 'stash-metrics-reader').subjects[0].name).toBe(token.metadata.annotations['kubernetes.io/service-account.name']);
    expect(one(monitored, 'ServiceMonitor', 'stash-pushgateway').spec.endpoints).toEqual([{ port: 'pushgateway', path: '/metrics', honorLabels: true }]);
  });

  test('RBAC: the ClusterRole and the license roles cover what the operator needs', () => {
    const role = one(objects, 'ClusterRole', 'stash');
    expect(missingPermissions(role.rules, OPERATOR_NEEDS)).toEqual([]);
    const reader = one(objects, 'ClusterRole', 'appscode:license-reader');
    expect(missingPermissions(reader.rules, LICENSE_READER_NEEDS)).toEqual([]);
    const bindings = byKind(objects, 'ClusterRoleBinding').filter((b) => b.subjects[0].name === 'stash').map((b) => b.roleRef.name).sort();
    expect(bindings).toEqual(['appscode:license-checker', 'appscode:license-reader', 'stash', 'system:auth-delegator']);
    const reading = one(objects, 'RoleBinding');
    expect(reading.metadata.namespace).toBe('kube-system');
    expect(reading.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'extension-apiserver-authentication-reader' });
  });

  test('RBAC: the ClusterRoles the operator creates for trigger CronJobs and restore Jobs are there from the start, with its exact rules', () => {
    for (const name of [CRON_JOB_CLUSTER_ROLE, RESTORE_JOB_CLUSTER_ROLE]) {
      const role = one(objects, 'ClusterRole', name);
      // Exactly upstream's list, in its order: the operator's create-or-patch replaces any other.
      expect(role.rules).toEqual(UPSTREAM_JOB_CLUSTER_ROLES[name]);
      // Not labelled as the operator: the chart's one-release check must not take a kept one for an install.
      expect(role.metadata.labels['app.kubernetes.io/component']).toBe('job-rbac');
      // The operator may create and patch them (RBAC lets it grant only what it holds).
      expect(missingPermissions(one(objects, 'ClusterRole', 'stash').rules, role.rules.map(rulePermissions).flat())).toEqual([]);
    }
    expect(missingPermissions(one(objects, 'ClusterRole', 'stash').rules, ['rbac.authorization.k8s.io/clusterroles:get,create,patch'])).toEqual([]);
  });

  test('every wildcard in the ClusterRole rules is justified by a comment', () => {
    const source = fs.readFileSync(path.join(REPO_ROOT, 'src', 'install', 'operator-rbac.ts'), 'utf8').split('\n');
    const wildcardLines = source.map((line, i) => ({ line, i })).filter(({ line }) => /apiGroups:.*'\*'|resources: \['\*'\]|verbs: \['\*'\]/.test(line));
    expect(wildcardLines.length).toBeGreaterThan(0);
    for (const { i } of wildcardLines) {
      const comment = source.slice(Math.max(0, i - 4), i).filter((l) => l.trim().startsWith('//')).join(' ');
      expect({ line: source[i].trim(), comment }).toEqual({ line: source[i].trim(), comment: expect.stringMatching(/Wildcard/) });
    }
  });

  test('errors name the field and the fix', () => {
    expect(synthError({ certificates: ServingCertificates.certManager(), name: 'Stash_Operator' })).toMatch(/\[test\/Stash\] name: "Stash_Operator" has upper-case letters; it must be a DNS-1035 label \(it names the Service\)\. Fix: use a name like "stash-operator"/);
    expect(synthError({ certificates: ServingCertificates.certManager(), license: OperatorLicense.fromKey('  ') })).toMatch(/license\.key: the license text is empty/);
    expect(synthError({ certificates: ServingCertificates.certManager(), podLabels: { team: 'backup ops' }, annotations: { 'bad key!': 'x' } }))
      .toMatch(/podLabels\.team: "backup ops" must be letters[\s\S]*annotations: key "bad key!"/);
  });

  test('the license APIService the addons look up is always one this operator registers', () => {
    const byName = (objs: any[]) => byKind(objs, 'APIService').map((a) => a.metadata.name);
    expect(byName(objects)).toContain(arg(objects, 'license-apiservice'));
    const off = synth({ certificates: ServingCertificates.certManager(), webhooks: { mutating: false, validating: false } });
    expect(byName(off)).toEqual([arg(off, 'license-apiservice')]);
    // With cert-manager, its CA injector fills the caBundle from the serving Certificate.
    expect(one(off, 'APIService').metadata.annotations).toEqual({ 'cert-manager.io/inject-ca-from': 'stash/stash-apiserver-cert' });
    expect(synthError({ certificates: ServingCertificates.certManager(), webhooks: { mutating: false, validating: false }, licenseApiService: 'v1beta1.admission.stash.appscode.com' }))
      .toMatch(/\[test\/Stash\] licenseApiService: "v1beta1\.admission\.stash\.appscode\.com" is not one of the APIServices this operator registers \(v1alpha1\.repositories\.stash\.appscode\.com\), so every backup and restore Job would fail its license check\. Fix: leave it out/);
    expect(synthError({ certificates: ServingCertificates.certManager(), licenseApiService: 'v1.license.example.com' }))
      .toMatch(/licenseApiService: "v1\.license\.example\.com" is not one of the APIServices/);
  });

  test('an existing ServiceAccount, extra arguments, environment and volumes', () => {
    const custom = synth({
      certificates: ServingCertificates.certManager(),
      createServiceAccount: false,
      serviceAccountName: 'platform-stash',
      extraArgs: ['--qps=100'],
      extraEnv: [{ name: 'HTTPS_PROXY', value: 'http://proxy:3128' }],
      extraVolumes: [{ name: 'ca-certs', configMap: { name: 'corporate-ca' } }],
      extraVolumeMounts: [{ name: 'ca-certs', mountPath: '/etc/ssl/certs/corporate', readOnly: true }],
    });
    expect(byKind(custom, 'ServiceAccount').map((a) => a.metadata.name)).not.toContain('platform-stash');
    expect(one(custom, 'Deployment').spec.template.spec.serviceAccountName).toBe('platform-stash');
    for (const b of [...byKind(custom, 'ClusterRoleBinding'), ...byKind(custom, 'RoleBinding')]) expect(b.subjects[0].name).toBe('platform-stash');
    expect(argsOf(custom)).toEqual([...argsOf(objects), '--qps=100']);
    const operator = containersOf(custom).find((c: any) => c.name === 'operator');
    expect(operator.env.map((e: any) => e.name)).toEqual(['POD_NAME', 'POD_NAMESPACE', 'HTTPS_PROXY']);
    expect(operator.volumeMounts.map((m: any) => m.name)).toEqual(['serving-cert', 'tmp', 'ca-certs']);
    expect(synthError({ certificates: ServingCertificates.certManager(), extraArgs: ['qps=1'], extraVolumes: [{ name: 'tmp', emptyDir: {} }], extraVolumeMounts: [{ name: 'nope', mountPath: '/x' }] }))
      .toMatch(/extraArgs\[0\]: "qps=1" is not a flag[\s\S]*extraVolumes\[0\]\.name: "tmp" is a volume of the operator Pod already[\s\S]*extraVolumeMounts\[0\]\.name: "nope" is no volume of the operator Pod/);
  });

  test('one synth lists every problem of every construct, each with its path', () => {
    const message = synthError({
      certificates: ServingCertificates.certManager({ issuer: { name: 'Bad Issuer' } }),
      namespace: 'Backup',
      logLevel: 11,
      license: OperatorLicense.fromSecret('my_license'),
      taskQueue: { maxConcurrentSessions: 0 },
      webhooks: { excludedNamespaces: ['ok', 'Not_OK'] },
    });
    const lines = message.split('\n').filter((l) => l.trim().startsWith('['));
    expect(lines.map((l) => l.trim().replace(/:.*/, ''))).toEqual([
      '[test/Stash] certificates.certManager.issuer.name',
      '[test/Stash] namespace',
      '[test/Stash] logLevel',
      '[test/Stash] license.secretName',
      '[test/Stash/Webhooks] excludedNamespaces[1]',
      '[test/Stash/TaskQueue] maxConcurrentSessions',
    ]);
    expect(lines.every((l) => / Fix: /.test(l))).toBe(true);
  });
});

describe('dist/install.yaml', () => {
  const objects = distInstallManifests();

  test('is the default install in namespace stash with cert-manager certificates and the catalog', () => {
    expect(objects[0]).toMatchObject({ kind: 'Namespace', metadata: { name: 'stash', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
    for (const o of objects.filter((x) => x.metadata.namespace !== undefined)) {
      expect(`${o.kind}/${o.metadata.name} in ${o.metadata.namespace}`).toBe(`${o.kind}/${o.metadata.name} in ${o.kind === 'RoleBinding' ? 'kube-system' : 'stash'}`);
    }
    expect(byKind(objects, 'Certificate')).toHaveLength(1);
    expect(JSON.stringify(objects)).not.toMatch(/PRIVATE KEY|"tls\.key":/);
    expect(byKind(objects, 'Function').map((f) => f.metadata.name)).toContain('perconaxtradb-backup-8.0');
  });

  test('keeps the license APIService the addons look up, with its CA injected by cert-manager', () => {
    const name = containersOf(objects).find((c: any) => c.name === 'operator').args.find((a: string) => a.startsWith('--license-apiservice=')).split('=')[1];
    const api = one(objects, 'APIService', name);
    expect(api.spec.service).toEqual({ name: 'stash', namespace: 'stash', port: 443 });
    expect(api.metadata.annotations['cert-manager.io/inject-ca-from']).toBe(`stash/${one(objects, 'Certificate').metadata.name}`);
  });

  test('validates against the Kubernetes, cert-manager and Prometheus Operator schemas', async () => {
    const results = await validateWithModels(objects);
    const problems = results.map((r, i) => ({ object: `${objects[i].kind}/${objects[i].metadata.name}`, ...r }))
      .filter((r) => r.errors.length > 0 || (r.model === null && !['Function', 'Task'].includes(r.object.split('/')[0])));
    expect(problems).toEqual([]);
  });

  test('the pod spec and service spec have no field Kubernetes would drop', () => {
    const podSpec = one(objects, 'Deployment').spec.template.spec;
    expect(validateValue(resolveKubernetesSchema('io.k8s.api.core.v1.PodSpec'), podSpec)).toEqual([]);
    expect(validateValue(resolveKubernetesSchema('io.k8s.api.core.v1.ServiceSpec'), one(objects, 'Service').spec)).toEqual([]);
  });

});
