/**
 * What the install property test found or needed, one focused case each: every prop that the
 * operator passes through to Kubernetes is checked as the API server (or the container runtime)
 * would check it, and props of the wrong type from JavaScript are reported, never a crash.
 */
import { Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { ServingCertificates } from '../../src/install/serving-certificates';
import { PerconaXtraDbCatalog } from '../../src/install/perconaxtradb-catalog';
import { OperatorApiServices } from '../../src/install/operator-api-services';
import { OperatorRbac } from '../../src/install/operator-rbac';
import { StashCrds } from '../../src/install/stash-crds';
import { StashOperator, StashOperatorProps } from '../../src/install/stash-operator';
import { Pushgateway } from '../../src/install/pushgateway';

function problems(props: Partial<StashOperatorProps>): string[] {
  const chart = new Chart(Testing.app(), 'test');
  new StashOperator(chart, 'Stash', { certificates: ServingCertificates.certManager(), ...props } as StashOperatorProps);
  try {
    Testing.synth(chart);
  } catch (e) {
    return (e as Error).message.split('\n  ').slice(1);
  }
  return [];
}

const q = (s: string) => k8s.Quantity.fromString(s);

describe('StashOperator refuses what Kubernetes would refuse', () => {
  test('an unknown imagePullPolicy (the Deployment would fail the schema)', () => {
    expect(problems({ imagePullPolicy: 'Sometimes' as any })).toEqual([expect.stringMatching(/^\[test\/Stash\] imagePullPolicy: "Sometimes" is not one of .* Fix:/)]);
  });

  test('resources: bad quantities, unknown resource names, requests above limits', () => {
    expect(problems({ resources: { requests: { cpu: q('1x') } } })).toEqual([expect.stringContaining('resources.requests.cpu: "1x" is not a non-negative Kubernetes quantity')]);
    expect(problems({ resources: { requests: { CPU: q('1') } } })).toEqual([expect.stringContaining('resources.requests.CPU: "CPU" is not a container resource')]);
    expect(problems({ resources: { requests: { memory: q('2Gi') }, limits: { memory: q('1Gi') } } }))
      .toEqual([expect.stringContaining('resources.requests.memory: 2Gi is more than the limit 1Gi')]);
    expect(problems({ resources: { requests: { memory: q('0.5') } } })).toEqual([expect.stringContaining('is not a whole number of bytes')]);
    expect(problems({ resources: { limits: { cpu: k8s.Quantity.fromNumber(0.5) } } })).toEqual([expect.stringContaining('resources.limits.cpu: 0.5 is a fractional number')]);
    expect(problems({ resources: { requests: { cpu: q('100m'), memory: q('128Mi') }, limits: { memory: q('256Mi') } } })).toEqual([]);
  });

  test('the Pushgateway sidecar\'s resources and image too', () => {
    expect(problems({ pushgateway: Pushgateway.sidecar({ resources: { limits: { cpu: k8s.Quantity.fromNumber(NaN) } }, image: { tag: 'v 1' } }) })).toEqual([
      expect.stringContaining('pushgateway.sidecarOptions.image.tag: "v 1" is not an image tag'),
      expect.stringContaining('pushgateway.sidecarOptions.resources.limits.cpu: NaN is not a finite number'),
    ]);
  });

  test('image parts that no runtime parses', () => {
    expect(problems({ image: { registry: 'https://ghcr.io', repository: 'Stash', tag: '.v1' } })).toEqual([
      expect.stringContaining('image.registry: "https://ghcr.io" is not a registry host[:port]'),
      expect.stringContaining('image.repository: "Stash" is not a repository path'),
      expect.stringContaining('image.tag: ".v1" is not an image tag'),
    ]);
    expect(problems({ image: { registry: 'registry.example.com:5000/mirror', repository: 'stash-enterprise', tag: 'v0.42.1' } })).toEqual([]);
  });

  test('placement: node selector, tolerations, affinity, priority class', () => {
    expect(problems({ nodeSelector: { 'bad key': 'x' } })).toEqual([expect.stringContaining('nodeSelector: key "bad key"')]);
    expect(problems({ tolerations: [{ key: 'a', tolerationSeconds: 10, effect: 'NoSchedule' }] })).toEqual([expect.stringContaining('tolerations[0].tolerationSeconds: is set without effect NoExecute')]);
    expect(problems({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'a', operator: 'In' }] }] } } } }))
      .toEqual([expect.stringContaining('affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: is empty')]);
    // The API server only warns about these two, but the term would do nothing.
    expect(problems({ affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname' }] } } }))
      .toEqual([expect.stringContaining('affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector: is missing, so the term matches no Pod')]);
    expect(problems({ priorityClassName: 'High_Priority' })).toEqual([expect.stringContaining('priorityClassName: "High_Priority"')]);
  });

  test('security contexts beyond "restricted": fields the server would prune, IDs, proc mounts', () => {
    const restricted = { allowPrivilegeEscalation: false, runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };
    expect(problems({ securityContext: { ...restricted, procMount: 'Weird' } })).toEqual([expect.stringContaining('securityContext.procMount: "Weird"')]);
    expect(problems({ podSecurityContext: { runAsNonRoot: true, fsGroup: -1 } })).toEqual([expect.stringContaining('podSecurityContext.fsGroup: -1 is not a user or group ID')]);
  });

  test('extra env, volumes and mounts as the API server checks them', () => {
    expect(problems({ extraEnv: [{ name: '1X' }] })).toEqual([expect.stringContaining('extraEnv[0].name: "1X" is not a valid environment variable name')]);
    expect(problems({ extraEnv: [{ name: 'A', value: '1' }, { name: 'A', value: '2' }] })).toEqual([expect.stringContaining('extraEnv[1].name: A is set twice')]);
    expect(problems({ extraEnv: [{ name: 'T', value: 'x', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } }] }))
      .toEqual([expect.stringContaining('extraEnv[0].value: is set together with valueFrom')]);
    expect(problems({ extraVolumes: [{ name: 'cache', emptyDir: {}, secret: { secretName: 's' } }] })).toEqual([expect.stringContaining('extraVolumes[0]: has 2 volume sources')]);
    expect(problems({ extraVolumes: [{ name: 'cache', emptyDir: {} }, { name: 'cache', emptyDir: {} }] })).toEqual([expect.stringContaining('extraVolumes[1].name: "cache" is a volume of the operator Pod already')]);
    expect(problems({ extraVolumes: [{ name: 'cache', emptyDir: {} }], extraVolumeMounts: [{ name: 'cache', mountPath: '/tmp' }] }))
      .toEqual([expect.stringContaining('extraVolumeMounts[0].mountPath: "/tmp" is mounted already')]);
    expect(problems({ extraVolumes: [{ name: 'cache', emptyDir: { sizeLimit: q('1Gi') } }], extraVolumeMounts: [{ name: 'cache', mountPath: '/cache' }] })).toEqual([]);
  });

  test('mounts name only volumes the Pod has: no license volume without a license, no Pushgateway data without the sidecar', () => {
    expect(problems({ extraVolumeMounts: [{ name: 'license', mountPath: '/license' }] })).toEqual([expect.stringContaining('extraVolumeMounts[0].name: "license" is no volume of the operator Pod')]);
    expect(problems({ pushgateway: Pushgateway.external('http://pg.monitoring.svc:9091'), extraVolumeMounts: [{ name: 'pushgateway-data', mountPath: '/pg' }] }))
      .toEqual([expect.stringContaining('extraVolumeMounts[0].name: "pushgateway-data" is no volume of the operator Pod')]);
    expect(problems({ extraVolumeMounts: [{ name: 'pushgateway-data', mountPath: '/pg', readOnly: true }] })).toEqual([]);
  });

  test('a repeated image pull Secret (the API server warns, apply may drop it)', () => {
    expect(problems({ imagePullSecrets: ['regcred', 'regcred'] })).toEqual([expect.stringContaining('imagePullSecrets[1]: "regcred" is listed twice')]);
  });

  test('APIService priorities within the API server\'s ranges', () => {
    expect(problems({ apiServiceGroupPriorityMinimum: 0, apiServiceVersionPriority: 1001 })).toEqual([
      expect.stringContaining('[test/Stash/ApiServices] groupPriorityMinimum: 0 is not a whole number between 1 and 20000'),
      expect.stringContaining('[test/Stash/ApiServices] versionPriority: 1001 is not a whole number between 1 and 1000'),
    ]);
  });

  test('ServiceMonitor labels', () => {
    expect(problems({ monitoring: { operator: true, serviceMonitorLabels: { release: 'a b' } } })).toEqual([expect.stringContaining('[test/Stash/Monitoring] serviceMonitorLabels.release')]);
  });

  test('an empty selector (the API server refuses it for a Deployment)', () => {
    expect(problems({ selectorLabels: {} })).toEqual([expect.stringContaining('selectorLabels: {} selects no labels')]);
  });

  test('a license that is no OperatorLicense is reported, not a crash in the constructor', () => {
    expect(problems({ license: 'key' as any })).toEqual([expect.stringContaining('license: "key" is not an OperatorLicense')]);
  });

  test('options and flags of the wrong type are reported, not silently ignored or taken as true', () => {
    expect(problems({ resources: 'x' as any, monitoring: 'yes' as any, createServiceAccount: 'no' as any, podSecurityContext: 5 as any })).toEqual([
      expect.stringContaining('monitoring: "yes" is not an options object'),
      expect.stringContaining('resources: "x" is not an options object'),
      expect.stringContaining('createServiceAccount: "no" is not true or false'),
      expect.stringContaining('podSecurityContext: 5 is not a security context'),
      expect.stringContaining('podSecurityContext: must be object'),
    ]);
  });

  test('lists of the wrong type from JavaScript are reported, not a crash in the constructor', () => {
    expect(problems({ imagePullSecrets: 'regcred' as any, extraEnv: 42 as any, extraVolumes: {} as any, extraArgs: '--qps=1' as any })).toEqual([
      expect.stringContaining('extraArgs: is not a list'),
      expect.stringContaining('extraEnv: is not a list'),
      expect.stringContaining('extraVolumes: is not a list'),
      expect.stringContaining('imagePullSecrets: is not a list of Secret names'),
    ]);
  });
});

describe('PerconaXtraDbCatalog', () => {
  test('versions and labels of the wrong type from JavaScript are reported, not a crash', () => {
    const chart = new Chart(Testing.app(), 'test');
    new PerconaXtraDbCatalog(chart, 'Catalog', { versions: '8.0' as any, labels: 'a=b' as any });
    expect(() => Testing.synth(chart)).toThrow(/\[test\/Catalog\] versions: "8.0" is not a list[\s\S]*\[test\/Catalog\] labels: "a=b" is not a map/);
  });
});

describe('the operator\'s parts check what they take when used on their own', () => {
  const identity = { name: 'stash', namespace: 'stash', serviceAccountName: 'stash', labels: { app: 'stash' }, selectorLabels: { app: 'stash' } };

  test('OperatorRbac: ServiceAccount annotations', () => {
    const chart = new Chart(Testing.app(), 'test');
    new OperatorRbac(chart, 'Rbac', { identity, serviceAccountAnnotations: { 'bad key': 'x' } });
    expect(() => Testing.synth(chart)).toThrow(/\[test\/Rbac\] serviceAccountAnnotations: key "bad key"/);
  });

  test('OperatorApiServices: priorities', () => {
    const chart = new Chart(Testing.app(), 'test');
    new OperatorApiServices(chart, 'Api', { identity, serviceName: 'stash', certificates: { secretName: 's', apiServiceAnnotations: {} }, versionPriority: 0 });
    expect(() => Testing.synth(chart)).toThrow(/\[test\/Api\] versionPriority: 0 is not a whole number between 1 and 1000/);
  });
});

describe('StashCrds', () => {
  test('labels are checked as labels', () => {
    const chart = new Chart(Testing.app(), 'test');
    new StashCrds(chart, 'Crds', { labels: { team: 'a b' } });
    expect(() => Testing.synth(chart)).toThrow(/\[test\/Crds\] labels\.team: "a b" must be letters/);
  });
});
