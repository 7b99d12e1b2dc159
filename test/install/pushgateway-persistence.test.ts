/**
 * The Pushgateway sidecar's file on a PersistentVolumeClaim: the claim the operator creates (or
 * an existing one), the volume that replaces the emptyDir, the strategy and fsGroup a claim
 * needs, and the messages for what would not work.
 */
import { Chart, Size, Testing } from 'cdk8s';
import { PersistentVolumeAccessMode } from 'cdk8s-plus-28';
import { Pushgateway } from '../../src/install/pushgateway';
import { PushgatewayPersistence } from '../../src/install/pushgateway-persistence';
import { ServingCertificates } from '../../src/install/serving-certificates';
import { StashOperator, StashOperatorProps } from '../../src/install/stash-operator';
import { validateWithModels } from '../support/kubernetes-models';

function synth(props: StashOperatorProps): any[] {
  const chart = new Chart(Testing.app(), 'test');
  new StashOperator(chart, 'Stash', { certificates: ServingCertificates.certManager(), ...props });
  return Testing.synth(chart);
}

function synthError(props: StashOperatorProps): string {
  const chart = new Chart(Testing.app(), 'test');
  new StashOperator(chart, 'Stash', { certificates: ServingCertificates.certManager(), ...props });
  try {
    Testing.synth(chart);
  } catch (e) {
    return (e as Error).message;
  }
  return '(synthesized without error)';
}

const claims = (objects: any[]) => objects.filter((o) => o.kind === 'PersistentVolumeClaim');
const deployment = (objects: any[]) => objects.find((o) => o.kind === 'Deployment');
const dataVolume = (objects: any[]) => deployment(objects).spec.template.spec.volumes.find((v: any) => v.name === 'pushgateway-data');
const pushgatewayMounts = (objects: any[]) => deployment(objects).spec.template.spec.containers.find((c: any) => c.name === 'pushgateway').volumeMounts;
const withPersistence = (persistence: PushgatewayPersistence): StashOperatorProps => ({ pushgateway: Pushgateway.sidecar({ persistence }) });

describe('Pushgateway persistence', () => {
  test('without it, the file is on an emptyDir and there is no claim', () => {
    const objects = synth({});
    expect(claims(objects)).toEqual([]);
    expect(dataVolume(objects)).toEqual({ name: 'pushgateway-data', emptyDir: {} });
  });

  test('newClaim(): a 1Gi ReadWriteOnce claim "<name>-pushgateway" in the operator namespace, with its labels, mounted where the file is', () => {
    const objects = synth(withPersistence(PushgatewayPersistence.newClaim()));
    const [claim] = claims(objects);
    expect(claims(objects)).toHaveLength(1);
    expect(claim.metadata).toEqual({
      name: 'stash-pushgateway',
      namespace: 'stash',
      labels: expect.objectContaining({ 'app.kubernetes.io/name': 'stash', 'app.kubernetes.io/instance': 'stash', 'app.kubernetes.io/part-of': 'stash-pxc' }),
    });
    // No class: the cluster's default StorageClass provisions it.
    expect(claim.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } });
    expect(dataVolume(objects)).toEqual({ name: 'pushgateway-data', persistentVolumeClaim: { claimName: 'stash-pushgateway' } });
    expect(pushgatewayMounts(objects)).toEqual(expect.arrayContaining([{ name: 'pushgateway-data', mountPath: '/var/pv' }]));
    const args = deployment(objects).spec.template.spec.containers.find((c: any) => c.name === 'pushgateway').args;
    expect(args).toContain('--persistence.file=/var/pv/pushgateway.dat');
  });

  test('size, storage class and access mode as given', () => {
    const objects = synth({
      name: 'backup-operator',
      ...withPersistence(PushgatewayPersistence.newClaim({ size: Size.mebibytes(512), storageClassName: 'fast-ssd', accessMode: PersistentVolumeAccessMode.READ_WRITE_ONCE_POD })),
    });
    expect(claims(objects)[0].metadata.name).toBe('backup-operator-pushgateway');
    expect(claims(objects)[0].spec).toEqual({ accessModes: ['ReadWriteOncePod'], storageClassName: 'fast-ssd', resources: { requests: { storage: '512Mi' } } });
  });

  test('existingClaim(): mounted as it is, no claim created', () => {
    const objects = synth(withPersistence(PushgatewayPersistence.existingClaim('metrics-data')));
    expect(claims(objects)).toEqual([]);
    expect(dataVolume(objects)).toEqual({ name: 'pushgateway-data', persistentVolumeClaim: { claimName: 'metrics-data' } });
  });

  test('the Pod is replaced with Recreate (a ReadWriteOnce claim cannot be mounted by two Pods on two nodes) and writes the volume through its fsGroup', () => {
    for (const objects of [synth({}), synth(withPersistence(PushgatewayPersistence.newClaim()))]) {
      expect(deployment(objects).spec.strategy).toEqual({ type: 'Recreate' });
    }
    const spec = deployment(synth(withPersistence(PushgatewayPersistence.newClaim()))).spec.template.spec;
    expect(spec.securityContext).toEqual(expect.objectContaining({ fsGroup: 65535, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }));
    expect(spec.containers.find((c: any) => c.name === 'pushgateway').securityContext).toEqual(expect.objectContaining({ runAsUser: 65534, runAsNonRoot: true }));
  });

  test('the claim and the Deployment are valid Kubernetes objects', async () => {
    const objects = synth(withPersistence(PushgatewayPersistence.newClaim({ storageClassName: 'standard' })));
    const picked = objects.filter((o) => ['PersistentVolumeClaim', 'Deployment'].includes(o.kind));
    const results = await validateWithModels(picked);
    expect(results.map((r, i) => ({ object: picked[i].kind, model: r.model === null ? null : 'found', errors: r.errors })))
      .toEqual(picked.map((o) => ({ object: o.kind, model: 'found', errors: [] })));
  });

  describe('messages', () => {
    test.each([
      ['a zero size', PushgatewayPersistence.newClaim({ size: Size.gibibytes(0) }), /\[test\/Stash\] pushgateway\.sidecarOptions\.persistence\.size: 0 KiB is not a positive size\. Fix: /],
      ['a size under 1Mi', PushgatewayPersistence.newClaim({ size: Size.kibibytes(4) }), /pushgateway\.sidecarOptions\.persistence\.size: 4Ki is too small\. Fix: give at least Size\.mebibytes\(1\)/],
      ['a storage class that is no name', PushgatewayPersistence.newClaim({ storageClassName: 'Fast_SSD' }), /pushgateway\.sidecarOptions\.persistence\.storageClassName: .*Fast_SSD.*Fix: /],
      ['an empty storage class', PushgatewayPersistence.newClaim({ storageClassName: '' }), /pushgateway\.sidecarOptions\.persistence\.storageClassName: .*Fix: /],
      ['a read-only access mode', PushgatewayPersistence.newClaim({ accessMode: PersistentVolumeAccessMode.READ_ONLY_MANY }),
        /pushgateway\.sidecarOptions\.persistence\.accessMode: "ReadOnlyMany" is not one of ReadWriteOnce, ReadWriteOncePod, ReadWriteMany \(the Pushgateway writes its file\)\. Fix: leave it out for ReadWriteOnce/],
      ['an existing claim that is no name', PushgatewayPersistence.existingClaim('Metrics Data'), /pushgateway\.sidecarOptions\.persistence\.existingClaim: .*Metrics Data.*Fix: /],
    ])('%s', (_what, persistence, message) => {
      expect(synthError(withPersistence(persistence))).toMatch(message);
    });

    test('a Pod security context without fsGroup: the non-root Pushgateway could not write the volume', () => {
      const error = synthError({
        ...withPersistence(PushgatewayPersistence.newClaim()),
        podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      });
      expect(error).toMatch(/\[test\/Stash\] podSecurityContext\.fsGroup: is not set, so the Pushgateway \(non-root\) cannot write its persistent volume\. Fix: set fsGroup \(e\.g\. 65535/);
      // Without persistence the same context is fine (emptyDirs are writable by anyone in the Pod).
      expect(synthError({ podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } })).toBe('(synthesized without error)');
    });

    test('something else than a PushgatewayPersistence (from JavaScript) is reported, not thrown', () => {
      const error = synthError({ pushgateway: Pushgateway.sidecar({ persistence: { size: '1Gi' } as any }) });
      expect(error).toMatch(/pushgateway\.sidecarOptions\.persistence: is not a PushgatewayPersistence\. Fix: use PushgatewayPersistence\.newClaim/);
    });

    test('a claim name the Helm chart gives as an expression is accepted', () => {
      expect(synthError(withPersistence(PushgatewayPersistence.existingClaim('{{ .Values.claim }}')))).toBe('(synthesized without error)');
    });
  });
});
