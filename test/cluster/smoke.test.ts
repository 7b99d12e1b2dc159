/**
 * Smoke test of the cluster harness: a real kube-apiserver accepts a namespace and a CRD,
 * establishes the CRD, serves its custom resources and answers RBAC questions.
 */
import { Cluster, startCluster } from './harness';

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.smoke.stash-pxc.test' },
  spec: {
    group: 'smoke.stash-pxc.test',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [{
      name: 'v1',
      served: true,
      storage: true,
      schema: {
        openAPIV3Schema: {
          type: 'object',
          properties: {
            spec: {
              type: 'object',
              required: ['size'],
              properties: { size: { type: 'integer', minimum: 1 } },
            },
          },
        },
      },
    }],
  },
};

describe('cluster harness (real kube-apiserver)', () => {
  let cluster: Cluster;
  let startMs = 0;

  beforeAll(async () => {
    const t0 = Date.now();
    cluster = await startCluster();
    startMs = Date.now() - t0;
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  test('starts and reports the pinned server version', async () => {
    // The start time is reported, not asserted: it depends on the machine's load (the harness
    // fails on its own readiness deadline).
    // eslint-disable-next-line no-console
    console.log(`cluster started in ${startMs} ms`);
    const version = JSON.parse(await cluster.kubectl(['version', '-o', 'json']));
    expect(version.serverVersion.gitVersion).toBe('v1.34.4');
    expect(version.clientVersion.gitVersion).toBe('v1.34.4');
  });

  test('creates a namespace with its default ServiceAccount', async () => {
    await cluster.createNamespace('smoke', { 'pod-security.kubernetes.io/enforce': 'restricted' });
    const ns = JSON.parse(await cluster.kubectl(['get', 'namespace', 'smoke', '-o', 'json']));
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    await cluster.kubectl(['-n', 'smoke', 'get', 'serviceaccount', 'default']);
  });

  test('PodSecurity admission is active', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'privileged', namespace: 'smoke' },
      spec: { containers: [{ name: 'c', image: 'busybox', securityContext: { privileged: true } }] },
    };
    const r = await cluster.kubectlResult(['create', '-f', '-'], { input: JSON.stringify(pod) });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/violates PodSecurity "restricted:latest"/);
  });

  test('applies a CRD, waits for Established and validates custom resources', async () => {
    await cluster.kubectl(['apply', '-f', '-'], { input: JSON.stringify(crd) });
    await cluster.kubectl(['wait', '--for=condition=Established', '--timeout=60s', `crd/${crd.metadata.name}`]);

    const good = { apiVersion: 'smoke.stash-pxc.test/v1', kind: 'Widget', metadata: { name: 'w1', namespace: 'smoke' }, spec: { size: 3 } };
    await cluster.kubectl(['apply', '-f', '-'], { input: JSON.stringify(good) });
    expect(await cluster.kubectl(['-n', 'smoke', 'get', 'widgets', 'w1', '-o', 'jsonpath={.spec.size}'])).toBe('3');

    const bad = { ...good, metadata: { name: 'w2', namespace: 'smoke' }, spec: { size: 0 } };
    const r = await cluster.kubectlResult(['apply', '-f', '-'], { input: JSON.stringify(bad) });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/spec\.size: Invalid value: 0: spec\.size in body should be greater than or equal to 1/);
  });

  test('answers RBAC questions for a made-up ServiceAccount', async () => {
    const as = ['--as=system:serviceaccount:smoke:robot'];
    const canI = async (...args: string[]) =>
      (await cluster.kubectlResult(['auth', 'can-i', ...args, ...as])).stdout.trim();

    expect(await canI('get', 'widgets.smoke.stash-pxc.test', '-n', 'smoke')).toBe('no');

    await cluster.kubectl(['-n', 'smoke', 'create', 'role', 'widget-reader', '--verb=get,list',
      '--resource=widgets.smoke.stash-pxc.test']);
    await cluster.kubectl(['-n', 'smoke', 'create', 'rolebinding', 'robot-reads-widgets',
      '--role=widget-reader', '--serviceaccount=smoke:robot']);

    expect(await canI('get', 'widgets.smoke.stash-pxc.test', '-n', 'smoke')).toBe('yes');
    expect(await canI('delete', 'widgets.smoke.stash-pxc.test', '-n', 'smoke')).toBe('no');
    expect(await canI('get', 'widgets.smoke.stash-pxc.test', '-n', 'default')).toBe('no');
  });
});
