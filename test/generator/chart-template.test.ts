/**
 * The transform from synthesized objects to Helm templates (helm-template.ts): expressions in
 * strings, value expressions, guards, splices, literal escaping and edits that must hit
 * something; and the generated NOTES.txt rendered by Helm.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeHelmChart } from '../../generator/chart/helm-chart';
import { formatScalar, HelmValue, named, ObjectEdits, renderTemplateFile, startsWith } from '../../generator/chart/helm-template';
import { describeWithHelm, findHelm, helmTemplate } from '../support/helm';

describe('helm-template', () => {
  test('strings with expressions become quoted scalars with the actions inside', () => {
    expect(formatScalar('{{ .Release.Name }}-x "y"')).toBe('"{{ .Release.Name }}-x \\"y\\""');
    expect(formatScalar('plain')).toBe('plain');
    expect(formatScalar('true')).toBe('"true"');
    expect(formatScalar('a\nb')).toBe('"a\\nb"');
    expect(formatScalar(292)).toBe('292');
  });

  test('literal documents escape `{{` so Helm prints it', () => {
    expect(formatScalar('use {{ x }}', true)).toBe('"use {{ "{{" }} x }}"');
  });

  test('edits guard entries and list items, set values and splice maps', () => {
    const object = { metadata: { name: 'n', labels: { a: 'b' } }, spec: { args: ['--a=1', '--b=2'], containers: [{ name: 'x' }, { name: 'y' }], replicas: 1 } };
    new ObjectEdits(object, 'test')
      .when(['spec', 'args', startsWith('--b=')], '.Values.b')
      .when(['spec', 'containers', named('y')], 'not .Values.noY')
      .set(['spec', 'replicas'], HelmValue.raw('.Values.replicas'))
      .set(['spec', 'tolerations'], HelmValue.yamlWith('.Values.tolerations'))
      .splice(['metadata', 'labels'], '.Values.labels');
    const text = renderTemplateFile([{ object, condition: '.Values.enabled' }]);
    expect(text).toContain('{{- if .Values.enabled }}\n---\nmetadata:');
    expect(text).toContain('    {{- if .Values.b }}\n    - --b=2\n    {{- end }}');
    expect(text).toContain('    {{- if not .Values.noY }}\n    - name: y\n    {{- end }}');
    expect(text).toContain('  replicas: {{ .Values.replicas }}');
    expect(text).toContain('  {{- with .Values.tolerations }}\n  tolerations:\n    {{- toYaml . | nindent 4 }}\n  {{- end }}');
    expect(text).toContain('    a: b\n    {{- with .Values.labels }}\n    {{- toYaml . | nindent 4 }}\n    {{- end }}');
    expect(text.trimEnd().endsWith('{{- end }}')).toBe(true);
  });

  test('an edit that matches nothing is an error, not a silent miss', () => {
    expect(() => new ObjectEdits({ spec: {} }, 'Deployment').when(['spec', 'replicas'], 'x')).toThrow(/template edit of Deployment: nothing at \.spec\.replicas/);
    expect(() => new ObjectEdits({ spec: { args: [] } }, 'D').when(['spec', 'args', startsWith('--x=')], 'x')).toThrow(/nothing at \.spec\.args\[\?\]/);
  });
});

describeWithHelm('NOTES.txt rendered by Helm', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stash-pxc-notes-'));
  const chartDir = path.join(tmp, 'stash-pxc');
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test.each([3, 4] as const)('Helm %s', async (major) => {
    const helm = findHelm(major);
    writeHelmChart(chartDir);
    // `helm template` leaves NOTES.txt out; a probe template includes it into a ConfigMap.
    fs.writeFileSync(path.join(chartDir, 'templates', 'zz-notes-probe.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\ndata:\n  notes: |\n{{ include (print $.Template.BasePath "/NOTES.txt") . | indent 4 }}\n');
    const render = async (set: string[]) => (await helmTemplate(helm, chartDir, { release: 'stash', namespace: 'backup', set }))
      .find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'notes').data.notes as string;
    const [plain, options] = await Promise.all([
      render([]),
      render(['certificates.mode=certManager', 'taskQueue.enabled=true', 'license.secretName=lic', 'pushgateway.externalUrl=http://pg:9091']),
    ]);
    expect(plain).toContain('"stash-stash-pxc" in namespace backup');
    expect(plain).toContain('kubectl get deployment --namespace backup -l "app.kubernetes.io/instance=stash"');
    expect(plain).toContain('No license was given');
    expect(plain).not.toContain('cert-manager');
    // The default mode says where it keeps its certificate and where it does not.
    expect(plain).toContain('certificates.mode=helm: the chart generated the CA and the serving certificate and key');
    expect(plain).toMatch(/helm template, and Argo CD, which renders with it, do not\. There, each\s+render generates a new CA and key/);
    expect(plain).toMatch(/With Argo CD or rendered\s+manifests, use certificates\.mode=certManager or certificates\.mode=provided\./);
    expect(options).toContain('This mode suits every tool: helm install/upgrade, Flux, Argo CD and committed manifests.');
    expect(options).not.toContain('certificates.mode=helm');
    expect(options).toContain('Certificate stash-stash-pxc-apiserver-cert');
    expect(options).toContain('oci://ghcr.io/appscode-charts/taskqueue');
    expect(options).toContain('Backup metrics go to http://pg:9091.');
    expect(options).not.toContain('No license was given');
    // It ends with the three checks that the Jobs can pass their license check.
    const last = plain.trimEnd().split('\n').slice(-3);
    expect(last[0]).toBe('  kubectl wait --for=condition=Available --timeout=3m apiservice/v1beta1.admission.stash.appscode.com');
    expect(last[1]).toBe('  kubectl rollout status deployment/stash-stash-pxc --namespace backup --timeout=3m');
    expect(last[2]).toMatch(/^  kubectl port-forward --namespace backup service\/stash-stash-pxc 8443:443 .*curl -fsS --cacert <\(kubectl get apiservice v1beta1\.admission\.stash\.appscode\.com -o jsonpath='\{\.spec\.caBundle\}' \| base64 -d\) --resolve stash-stash-pxc\.backup\.svc:8443:127\.0\.0\.1 -H "Authorization: Bearer \$\(kubectl create token stash-stash-pxc --namespace backup\)" https:\/\/stash-stash-pxc\.backup\.svc:8443\/appscode\/license; kill \$!$/);
    const provided = await render(['certificates.mode=provided', 'certificates.provided.secretName=my-cert', 'certificates.provided.caBundle=Q0E=']);
    expect(provided).toContain('The serving certificate is your Secret my-cert');
    expect(provided).toContain('This mode suits every tool.');
    const webhooksOff = await render(['webhooks.mutating=false', 'webhooks.validating=false', 'rbac.createLicenseRoles=false']);
    expect(webhooksOff).toContain('apiservice/v1alpha1.repositories.stash.appscode.com');
    expect(webhooksOff).toContain('the chart could not look the ClusterRoles appscode:license-reader');
  });
});

describeWithHelm('the chart\'s lookup guards, on stand-in lookup results, rendered by Helm', () => {
  // `lookup` finds nothing under `helm template`; the guards' checks are named templates that take
  // the found objects, so a probe template can hand them stand-ins (the cluster suite has the real thing).
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stash-pxc-guards-'));
  const base = path.join(tmp, 'base', 'stash-pxc');
  let probes = 0;
  beforeAll(() => writeHelmChart(base));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** A Go template expression that yields `value` (a stand-in for what `lookup` returns). */
  const fromJson = (value: unknown) => `(${Array.isArray(value) ? 'fromJsonArray' : 'fromJson'} ${JSON.stringify(JSON.stringify(value))})`;
  const owned = (release: string, namespace: string) => ({ 'meta.helm.sh/release-name': release, 'meta.helm.sh/release-namespace': namespace });
  const object = (name: string, labels: object, annotations?: object) => ({ metadata: { name, labels, ...(annotations ? { annotations } : {}) } });
  const OPERATOR = { 'app.kubernetes.io/name': 'stash-pxc', 'app.kubernetes.io/part-of': 'stash-pxc', 'app.kubernetes.io/component': 'operator' };

  /** Renders `expression` for release "stash" in namespace "backup": its output, or Helm's error. */
  const probe = async (major: 3 | 4, expression: string): Promise<string> => {
    const dir = path.join(tmp, `probe-${probes++}`, 'stash-pxc');
    fs.cpSync(base, dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'templates', 'zz-probe.yaml'),
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: probe\ndata:\n  result: {{ ${expression} | quote }}\n`);
    try {
      const objects = await helmTemplate(findHelm(major), dir, { release: 'stash', namespace: 'backup' });
      return objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'probe').data.result;
    } catch (e) {
      return `failed: ${(e as Error).message}`;
    }
  };

  test.each([3, 4] as const)('Helm %s: the AppBinding CRD is rendered only when absent or owned by this release', async (major) => {
    const absentOrOwned = (crd: unknown) => probe(major, `include "stash-pxc.absentOrOwned" (dict "object" ${fromJson(crd)} "Release" .Release)`);
    const crd = (annotations?: object) => object('appbindings.appcatalog.appscode.com', {}, annotations);
    expect(await Promise.all([
      absentOrOwned({}), // lookup found nothing (also `helm template`, `helm lint`)
      absentOrOwned(crd(owned('stash', 'backup'))), // an upgrade of the release that installed it
      absentOrOwned(crd(owned('stash-old', 'backup'))), // kept by an uninstalled release
      absentOrOwned(crd(owned('stash', 'stash'))), // same name, other namespace
      absentOrOwned(crd()), // KubeDB or kubectl
    ])).toEqual(['true', 'true', '', '', '']);
    const template = fs.readFileSync(path.join(base, 'templates', 'appbinding-crd.yaml'), 'utf8');
    expect(template).toContain('{{- if and .Values.crds.appBinding (include "stash-pxc.appBindingCrdIsOurs" .) }}');
    expect(fs.readFileSync(path.join(base, 'templates', '_helpers.tpl'), 'utf8'))
      .toMatch(/define "stash-pxc\.appBindingCrdIsOurs"[\s\S]*lookup "apiextensions\.k8s\.io\/v1" "CustomResourceDefinition" "" "appbindings\.appcatalog\.appscode\.com"/);
  });

  test.each([3, 4] as const)('Helm %s: a second operator is refused with the release and namespace that has one', async (major) => {
    const refuse = (clusterRoles: unknown[]) => probe(major, `include "stash-pxc.refuseOtherOperators" (dict "clusterRoles" ${fromJson(clusterRoles)} "Release" .Release)`);
    const [none, ours, unrelated, other, otherNamespace, plain] = await Promise.all([
      refuse([]),
      refuse([object('stash-stash-pxc', OPERATOR, owned('stash', 'backup')), object('appscode:license-reader', OPERATOR, owned('stash', 'backup'))]),
      refuse([object('kubedb', { 'app.kubernetes.io/component': 'operator' }, owned('kubedb', 'kubedb')), object('admin', {})]),
      refuse([object('first-stash-pxc', { ...OPERATOR, 'app.kubernetes.io/name': 'renamed' }, owned('first', 'stash'))]),
      refuse([object('stash-stash-pxc', OPERATOR, owned('stash', 'stash'))]),
      refuse([object('stash', OPERATOR)]),
    ]);
    expect([none, ours, unrelated]).toEqual(['', '', '']);
    expect(other).toMatch(/failed: [\s\S]*stash-pxc is already installed as release first in namespace stash: one release per cluster/);
    expect(otherNamespace).toMatch(/already installed as release stash in namespace stash: one release per cluster/);
    expect(plain).toMatch(/already installed without Helm \(ClusterRole stash, e\.g\. from dist\/install\.yaml\): one release per cluster/);
    // Every render runs the check on what `lookup` finds.
    expect(fs.readFileSync(path.join(base, 'templates', 'one-release-per-cluster.yaml'), 'utf8')).toContain('{{- include "stash-pxc.oneReleasePerCluster" . }}');
    expect(fs.readFileSync(path.join(base, 'templates', '_helpers.tpl'), 'utf8'))
      .toMatch(/define "stash-pxc\.oneReleasePerCluster"[\s\S]*lookup "rbac\.authorization\.k8s\.io\/v1" "ClusterRole" "" ""/);
  });

  test.each([3, 4] as const)('Helm %s: with rbac.createLicenseRoles=false, a cluster without the license ClusterRoles is refused', async (major) => {
    const require = (connected: unknown, reader: unknown, checker: unknown) => probe(major,
      `include "stash-pxc.requireLicenseRoles" (dict "connected" ${fromJson(connected)} "reader" ${fromJson(reader)} "checker" ${fromJson(checker)} "Release" .Release)`);
    const kubeSystem = object('kube-system', {});
    const [unknown, both, noReader, none, ours, otherRelease] = await Promise.all([
      require({}, {}, {}), // no cluster to ask (helm template, lint, client dry run): NOTES say so
      require(kubeSystem, object('appscode:license-reader', {}), object('appscode:license-checker', {})), // e.g. KubeDB's
      require(kubeSystem, {}, object('appscode:license-checker', {})),
      require(kubeSystem, {}, {}),
      // An upgrade to createLicenseRoles=false of the release that created them would delete them.
      require(kubeSystem, object('appscode:license-reader', {}, owned('stash', 'backup')), object('appscode:license-checker', {}, owned('stash', 'backup'))),
      require(kubeSystem, object('appscode:license-reader', {}, owned('kubedb', 'kubedb')), object('appscode:license-checker', {}, owned('kubedb', 'kubedb'))),
    ]);
    expect([unknown, both, otherRelease]).toEqual(['', '', '']);
    expect(ours).toMatch(/ClusterRole\(s\) appscode:license-checker, appscode:license-reader belong to this release, so the upgrade would delete them/);
    expect(noReader).toMatch(/failed: [\s\S]*rbac\.createLicenseRoles=false, but the ClusterRole\(s\) appscode:license-reader do not exist: the operator binds every backup and restore Job to appscode:license-reader .* set rbac\.createLicenseRoles=true/);
    expect(none).toMatch(/ClusterRole\(s\) appscode:license-checker, appscode:license-reader do not exist/);
    expect(fs.readFileSync(path.join(base, 'templates', 'license-roles-check.yaml'), 'utf8')).toMatch(
      /if not \.Values\.rbac\.createLicenseRoles[\s\S]*include "stash-pxc\.requireLicenseRoles" \(dict "connected" \(lookup "v1" "Namespace" "" "kube-system"\) "reader" \(lookup "rbac\.authorization\.k8s\.io\/v1" "ClusterRole" "" "appscode:license-reader"\) "checker" \(lookup "rbac\.authorization\.k8s\.io\/v1" "ClusterRole" "" "appscode:license-checker"\) "Release" \.Release\)/);
  });
});
