/**
 * The security context stash-pxc merges into every backup and restore Job: the model of how the
 * operator builds the Job's pod from it, the restricted default, the merge rule, the switch,
 * the cluster restore's root context and the synth-time checks.
 */
import { ApiObject, Chart, Size, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import {
  clusterRestoreJobContainerSecurityContext, PerconaXtraDbBackup, PerconaXtraDbRestore, POD_ORDINAL, Repository,
  restrictedJobContainerSecurityContext, restrictedJobPodSecurityContext, RetentionPolicy, Schedule,
} from '../../../src';
import { constructDefaults, defaultCatalog, isClusterRestore } from '../../support/job-invokers';
import { jobPodOf, modelPodSecurityContext } from '../../support/stash-job-pod';

const CATALOG = defaultCatalog();
const REPO = Repository.fromRepositoryName('repo');

function containersOf(pod: any): any[] {
  return [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
}

/** What Pod Security "restricted" asks of each container, judged on the modelled pod. */
function restrictedGaps(pod: any): string[] {
  const out: string[] = [];
  const podSc = pod.spec.securityContext ?? {};
  for (const c of containersOf(pod)) {
    const sc = c.securityContext ?? {};
    if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) out.push(`${c.name}: runAsNonRoot`);
    if ((sc.runAsUser ?? podSc.runAsUser) === 0) out.push(`${c.name}: runAsUser 0`);
    if (sc.allowPrivilegeEscalation !== false) out.push(`${c.name}: allowPrivilegeEscalation`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) out.push(`${c.name}: drop ALL`);
    if ((sc.seccompProfile ?? podSc.seccompProfile)?.type !== 'RuntimeDefault') out.push(`${c.name}: seccompProfile`);
  }
  return out;
}

function synthErrors(build: (chart: Chart) => void): string {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'demo' });
  build(chart);
  try {
    Testing.synth(chart);
  } catch (e) {
    return String(e);
  }
  return '';
}

function namespace(chart: Chart, name: string, enforce: string): ApiObject {
  return new k8s.KubeNamespace(chart, `ns-${name}`, { metadata: { name, labels: { 'pod-security.kubernetes.io/enforce': enforce } } });
}

const backupProps = { database: 'db', version: '8.0.36', repository: REPO, schedule: Schedule.cron('@daily'), retentionPolicy: RetentionPolicy.keepLast(5) };
const clusterProps = {
  database: 'db', version: '5.7.44', repository: REPO,
  cluster: { replicas: 3, volumeClaimTemplates: [{ name: `data-db-${POD_ORDINAL}`, storage: Size.gibibytes(1) }] },
};

describe('the model of the operator\'s Job pod', () => {
  const backup = { kind: 'BackupConfiguration', metadata: { name: 'b' }, spec: { task: { name: 'perconaxtradb-backup-8.0' } } };
  const restore = { kind: 'RestoreSession', metadata: { name: 'r' }, spec: { task: { name: 'perconaxtradb-restore-8.0' } } };

  test('every Task step is a container: all but the last init containers, the addon first, update-status last', () => {
    const pod = jobPodOf(backup, CATALOG, { namespace: 'demo' });
    expect(pod.spec.initContainers.map((c: any) => [c.name, c.image])).toEqual([['perconaxtradb-backup-8-0-0', 'ghcr.io/stashed/stash-percona-xtradb:8.0']]);
    expect(pod.spec.containers.map((c: any) => c.name)).toEqual(['update-status-1']);
    expect(pod.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'stash.appscode.com', 'app.kubernetes.io/component': 'stash-backup' });
  });

  test('the container securityContext of runtimeSettings goes, whole, to every container', () => {
    const sc = { runAsUser: 7, capabilities: { drop: ['ALL'] } };
    const pod = jobPodOf({ ...backup, spec: { ...backup.spec, runtimeSettings: { container: { securityContext: sc } } } }, CATALOG, { namespace: 'demo' });
    expect(containersOf(pod).map((c) => c.securityContext)).toEqual([sc, sc]);
  });

  test('backup: the operator\'s pod default runAsUser 65535, replaced as a whole by the user\'s', () => {
    expect(modelPodSecurityContext({}, true)).toEqual({ runAsUser: 65535 });
    expect(modelPodSecurityContext({ pod: { securityContext: { fsGroup: 1 } } }, true)).toEqual({ fsGroup: 1 });
  });

  test('restore: root by default, the user\'s fields merged over it, but seccompProfile and the like are dropped', () => {
    expect(modelPodSecurityContext({}, false)).toEqual({ runAsUser: 0, runAsGroup: 0 });
    expect(modelPodSecurityContext({ pod: { securityContext: { runAsUser: 5, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, fsGroupChangePolicy: 'Always' } } }, false))
      .toEqual({ runAsUser: 5, runAsGroup: 0, runAsNonRoot: true });
  });

  test('a cluster restore mounts the claim of its ordinal in every container', () => {
    const invoker = Testing.synth((() => {
      const chart = new Chart(Testing.app(), 'test', { namespace: 'demo' });
      new PerconaXtraDbRestore(chart, 'r', clusterProps);
      return chart;
    })())[0];
    const pod = jobPodOf(invoker, CATALOG, { namespace: 'demo', ordinal: 2 });
    expect(pod.spec.volumes).toContainEqual({ name: 'data-db', persistentVolumeClaim: { claimName: 'data-db-2' } });
    for (const c of containersOf(pod)) expect(c.volumeMounts).toContainEqual({ name: 'data-db', mountPath: '/var/lib/mysql' });
  });

  test('without runtimeSettings a restore runs as root and a backup sets no runAsNonRoot: neither meets "restricted"', () => {
    expect(restrictedGaps(jobPodOf(restore, CATALOG, { namespace: 'demo' }))).toContain('update-status-1: runAsUser 0');
    expect(restrictedGaps(jobPodOf(backup, CATALOG, { namespace: 'demo' }))).toContain('update-status-1: runAsNonRoot');
  });
});

describe('the default security context', () => {
  const standalone = constructDefaults().filter((d) => !d.invokers.some(isClusterRestore));
  test.each(standalone.map((d) => [d.construct, d]))('%s: every Job meets "restricted" in the model', (_name, d) => {
    expect(d.invokers.length).toBeGreaterThan(0);
    for (const invoker of d.invokers) {
      expect(restrictedGaps(jobPodOf(invoker, CATALOG, { namespace: 'demo' }))).toEqual([]);
    }
  });

  test.each(constructDefaults(false).map((d) => [d.construct, d]))('%s with defaultSecurityContext: false emits no security context, and misses "restricted"', (_name, d) => {
    for (const invoker of d.invokers) {
      expect(invoker.spec.runtimeSettings).toBeUndefined();
      expect(restrictedGaps(jobPodOf(invoker, CATALOG, { namespace: 'demo' })).length).toBeGreaterThan(0);
    }
  });

  test('the exact fields: non-root 65534, no privilege escalation, no capability, RuntimeDefault seccomp on the containers', () => {
    expect(restrictedJobContainerSecurityContext()).toEqual({
      runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(restrictedJobPodSecurityContext()).toEqual({ runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534 });
  });

  test('the user\'s fields win, field by field; the default fills the rest', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'demo' });
    new PerconaXtraDbBackup(chart, 'b', {
      ...backupProps,
      runtimeSettings: {
        container: { nice: 5, securityContext: { runAsUser: 1000, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } },
        pod: { securityContext: { fsGroup: 1000 } },
      },
    });
    const rs = Testing.synth(chart)[0].spec.runtimeSettings;
    expect(rs.container).toEqual({
      nice: { adjustment: 5 },
      securityContext: {
        runAsNonRoot: true, runAsUser: 1000, runAsGroup: 65534, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }, seccompProfile: { type: 'RuntimeDefault' },
      },
    });
    expect(rs.pod).toEqual({ securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, fsGroup: 1000 } });
  });

  test('a plan\'s switch also reaches its restore, unless the restore sets its own', () => {
    const off = constructDefaults(false).find((d) => d.construct === 'PerconaXtraDbBackupPlan')!;
    expect(off.invokers.map((i) => [i.kind, i.spec.runtimeSettings])).toEqual([['BackupConfiguration', undefined], ['RestoreSession', undefined]]);
  });

  test('runAsUser 0 under the default runAsNonRoot fails the synth (the kubelet would refuse to start it)', () => {
    expect(synthErrors((chart) => new PerconaXtraDbBackup(chart, 'b', { ...backupProps, runtimeSettings: { container: { securityContext: { runAsUser: 0 } } } })))
      .toMatch(/\[test\/b\] runtimeSettings\.container\.securityContext\.runAsUser: is 0 while runAsNonRoot is true/);
  });

  test('privileged or SYS_ADMIN under the default allowPrivilegeEscalation: false fails the synth (the API server refuses it)', () => {
    expect(synthErrors((chart) => new PerconaXtraDbRestore(chart, 'r', { database: 'db', version: '8.0.36', repository: REPO, runtimeSettings: { container: { securityContext: { privileged: true } } } })))
      .toMatch(/runtimeSettings\.container\.securityContext\.privileged: is true while allowPrivilegeEscalation is false/);
    expect(synthErrors((chart) => new PerconaXtraDbBackup(chart, 'b', { ...backupProps, runtimeSettings: { container: { securityContext: { capabilities: { add: ['SYS_ADMIN'] } } } } })))
      .toMatch(/capabilities: adds SYS_ADMIN while allowPrivilegeEscalation is false/);
  });
});

describe('cluster restores', () => {
  test('run as root with only CHOWN, DAC_OVERRIDE and FOWNER, no privilege escalation, RuntimeDefault seccomp', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'demo' });
    new PerconaXtraDbRestore(chart, 'r', clusterProps);
    const rs = Testing.synth(chart)[0].spec.runtimeSettings;
    expect(rs.container.securityContext).toEqual(clusterRestoreJobContainerSecurityContext());
    expect(rs.container.securityContext).toEqual({
      runAsNonRoot: false, runAsUser: 0, runAsGroup: 0, allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'], add: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER'] }, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(rs.pod.securityContext).toEqual({ runAsUser: 0, runAsGroup: 0 });
  });

  test('in a namespace of the app that enforces "restricted", the synth fails naming the level the restore needs', () => {
    expect(synthErrors((chart) => {
      namespace(chart, 'demo', 'restricted');
      new PerconaXtraDbRestore(chart, 'r', clusterProps);
    })).toMatch(/\[test\/r\] runtimeSettings: the cluster restore Job's pod would be refused in namespace "demo", which enforces Pod Security "restricted" \(runAsNonRoot is not true; runs as user 0; adds capabilities CHOWN, DAC_OVERRIDE, FOWNER\)\. Fix: .*"baseline"/);
  });

  test('"baseline" and "privileged" namespaces, and namespaces the app does not declare, pass', () => {
    for (const level of ['baseline', 'privileged']) {
      expect(synthErrors((chart) => {
        namespace(chart, 'demo', level);
        new PerconaXtraDbRestore(chart, 'r', clusterProps);
      })).toBe('');
    }
    expect(synthErrors((chart) => {
      namespace(chart, 'other', 'restricted');
      new PerconaXtraDbRestore(chart, 'r', clusterProps);
    })).toBe('');
  });
});

describe('namespaces that enforce "restricted"', () => {
  test('a backup with the default passes', () => {
    expect(synthErrors((chart) => {
      namespace(chart, 'demo', 'restricted');
      new PerconaXtraDbBackup(chart, 'b', backupProps);
      new PerconaXtraDbRestore(chart, 'r', { database: 'db2', version: '8.0.36', repository: REPO });
    })).toBe('');
  });

  test('a backup without it fails the synth; so does a restore whose pod-level seccompProfile the operator would drop', () => {
    expect(synthErrors((chart) => {
      namespace(chart, 'demo', 'restricted');
      new PerconaXtraDbBackup(chart, 'b', { ...backupProps, defaultSecurityContext: false });
    })).toMatch(/\[test\/b\] runtimeSettings: the backup Job's pod would be refused in namespace "demo", which enforces Pod Security "restricted" \(runAsNonRoot is not true; allowPrivilegeEscalation is not false; capabilities do not drop ALL; no RuntimeDefault or Localhost seccompProfile\)/);
    expect(synthErrors((chart) => {
      namespace(chart, 'demo', 'restricted');
      new PerconaXtraDbRestore(chart, 'r', {
        database: 'db', version: '8.0.36', repository: REPO, defaultSecurityContext: false,
        runtimeSettings: {
          container: { securityContext: { runAsNonRoot: true, runAsUser: 65534, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } },
          pod: { securityContext: { seccompProfile: { type: 'RuntimeDefault' } } },
        },
      });
    })).toMatch(/restore Job's pod would be refused .*no RuntimeDefault or Localhost seccompProfile/);
  });
});
