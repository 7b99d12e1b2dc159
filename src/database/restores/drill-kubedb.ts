/**
 * The restore drill's throwaway database run by KubeDB (`DrillServer.kubedb()`): the
 * PerconaXtraDB each run creates, what the drill's Role, pod and admission policy become, and the
 * checks of the option. The drill construct calls these; the chart's templates render the same.
 */
import { Size } from 'cdk8s';
import { compact } from '../../core/metadata';
import { nameProblems, NameRule } from '../../core/validation/names';
import { integerProblems, problem } from '../../core/validation/problems';
import { quantity, sizeProblems } from '../../core/validation/quantities';
import { versionOf } from '../backups/backup-options';
import { KUBEDB_PERCONAXTRADB_CONTAINER } from './restore-guard';
import { DrillServer, DrillServerKind, KubeDbDrillServerProps } from './drill-server';

/** KubeDB's PerconaXtraDB as a drill creates it: `kubedb.com/v1`, the version KubeDB's CRD serves and stores. */
export const KUBEDB_DRILL_DATABASE = { group: 'kubedb.com', version: 'v1', kind: 'PerconaXtraDB', resource: 'perconaxtradbs' } as const;

/**
 * The addon lines whose versions KubeDB's catalog has as PerconaXtraDBVersions (the drill's
 * database must be of one: KubeDB cannot run the others).
 */
export const KUBEDB_PERCONAXTRADB_LINES: readonly string[] = ['5.7', '8.0'];

/** KubeDB refuses a PerconaXtraDB of fewer members (it always runs a Galera cluster). */
export const KUBEDB_MIN_REPLICAS = 3;

/** KubeDB refuses a PerconaXtraDB whose name (its Galera cluster name) is longer. */
export const KUBEDB_MAX_DATABASE_NAME = 32;

/** The key of the drill's ConfigMap that holds the PerconaXtraDB each run creates. */
export const KUBEDB_DATABASE_FILE = 'perconaxtradb.json';

/** The script of the step that deletes the PerconaXtraDB once the checks are done. */
export const DRILL_CLEANUP_SCRIPT = 'drill-cleanup.sh';

/** Whether a drill's throwaway database is KubeDB's. */
export function isKubeDbServer(server: DrillServer | undefined): boolean {
  return server instanceof DrillServer && server.kind === DrillServerKind.KUBEDB;
}

/**
 * The PerconaXtraDB of one drill run (without the owner reference, which the run adds): named
 * after the drill, so KubeDB's AppBinding, Service and Secret are `<name>` and `<name>-auth`; no
 * `authSecret` (KubeDB makes a new one; the source's is never used); waiting for the drill's
 * restore; wiped with everything it made when deleted.
 */
export function kubedbDrillDatabase(o: {
  name: string; namespace?: string; labels: { [key: string]: string }; version: string;
  server: KubeDbDrillServerProps; resources: { [key: string]: any };
}): { [key: string]: any } {
  const storage = o.server.storage instanceof Size ? quantityOr(o.server.storage) : undefined;
  return {
    apiVersion: `${KUBEDB_DRILL_DATABASE.group}/${KUBEDB_DRILL_DATABASE.version}`,
    kind: KUBEDB_DRILL_DATABASE.kind,
    metadata: compact({ name: o.name, namespace: o.namespace, labels: { ...o.labels } }),
    spec: compact({
      version: o.server.version ?? o.version,
      replicas: o.server.replicas ?? KUBEDB_MIN_REPLICAS,
      storageType: storage !== undefined ? 'Durable' : 'Ephemeral',
      storage: storage !== undefined ? compact({
        storageClassName: o.server.storageClassName,
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage } },
      }) : undefined,
      podTemplate: { spec: { containers: [{ name: KUBEDB_PERCONAXTRADB_CONTAINER, resources: o.resources }] } },
      init: { waitForInitialRestore: true },
      deletionPolicy: 'WipeOut',
    }),
  };
}

/**
 * The drill's Role with a KubeDB database: the RestoreSession as before; the PerconaXtraDB by
 * name (create cannot be limited by name: the admission policy holds it); the AppBinding and the
 * Secret KubeDB makes for it, read by name. No Secret is created or deleted by the drill.
 */
export function kubedbDrillRoleRules(o: { name: string; authSecret: string; restoreSessionGroup: string; appBindingGroup: string }): Array<{ [key: string]: unknown }> {
  return [
    { apiGroups: [o.restoreSessionGroup], resources: ['restoresessions'], verbs: ['create'] },
    { apiGroups: [o.restoreSessionGroup], resources: ['restoresessions'], resourceNames: [o.name], verbs: ['get', 'watch', 'delete'] },
    { apiGroups: [KUBEDB_DRILL_DATABASE.group], resources: [KUBEDB_DRILL_DATABASE.resource], verbs: ['create'] },
    { apiGroups: [KUBEDB_DRILL_DATABASE.group], resources: [KUBEDB_DRILL_DATABASE.resource], resourceNames: [o.name], verbs: ['get', 'watch', 'delete'] },
    { apiGroups: [''], resources: ['secrets'], resourceNames: [o.authSecret], verbs: ['get'] },
    { apiGroups: [o.appBindingGroup], resources: ['appbindings'], resourceNames: [o.name], verbs: ['get'] },
  ];
}

/** The admission policy's rule and check for the PerconaXtraDB the drill's ServiceAccount creates. */
export function kubedbAdmission(name: string): { resourceRule: { [key: string]: unknown }; validation: { expression: string; message: string } } {
  return {
    resourceRule: { apiGroups: [KUBEDB_DRILL_DATABASE.group], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: [KUBEDB_DRILL_DATABASE.resource] },
    validation: {
      expression: `request.resource.resource != '${KUBEDB_DRILL_DATABASE.resource}' || (object.metadata.name == '${name}' && !has(object.spec.authSecret) && has(object.spec.init) && has(object.spec.init.waitForInitialRestore) && object.spec.init.waitForInitialRestore == true && has(object.spec.deletionPolicy) && object.spec.deletionPolicy == 'WipeOut')`,
      message: `the drill ${name} may only create the PerconaXtraDB ${name}, with a new auth Secret, waiting for its restore and wiped on deletion`,
    },
  };
}

/**
 * The drill pod with a KubeDB database: no credentials step and no server in the pod; the restore
 * step first creates the PerconaXtraDB and waits for its AppBinding, Secret and Service; the
 * checks reach the Service `<name>` with KubeDB's Secret; a cleanup step deletes the
 * PerconaXtraDB once the checks are done.
 */
export function kubedbDrillPodSpec(spec: { [key: string]: any }, o: { name: string; authSecret: string; configDir: string; scriptsDir: string; cleanupWaitSeconds: number }): { [key: string]: any } {
  const host = (env: Array<{ name: string; value?: string }>) => env.map((e) => (e.name === 'MYSQL_HOST' ? { name: 'MYSQL_HOST', value: o.name } : e));
  const restore = spec.initContainers.find((c: any) => c.name === 'restore');
  const check = spec.containers.find((c: any) => c.name === 'check');
  const common = restore.env.filter((e: any) => ['DRILL_NAME', 'DRILL_NAMESPACE', 'DATABASE_NAME', 'DRILL_STATE_DIR'].includes(e.name));
  return {
    ...spec,
    initContainers: [{
      ...restore,
      env: [...host(restore.env).filter((e) => e.name !== 'HOME'),
        { name: 'DRILL_DATABASE_FILE', value: `${o.configDir}/${KUBEDB_DATABASE_FILE}` },
        { name: 'DRILL_AUTH_SECRET', value: o.authSecret },
        { name: 'HOME', value: '/tmp' }],
    }],
    containers: [
      { ...check, env: host(check.env) },
      {
        name: 'cleanup',
        image: restore.image,
        command: ['bash', `${o.scriptsDir}/${DRILL_CLEANUP_SCRIPT}`],
        env: [...common, { name: 'DRILL_CLEANUP_WAIT_SECONDS', value: String(o.cleanupWaitSeconds) }, { name: 'HOME', value: '/tmp' }],
        volumeMounts: restore.volumeMounts,
        securityContext: restore.securityContext,
        resources: restore.resources,
      },
    ],
    volumes: spec.volumes.filter((v: any) => v.name !== 'data'),
  };
}

/** What is wrong with a drill's `throwaway`, in the drill's terms. */
export function drillServerProblems(server: DrillServer | undefined, o: { name: string; nameField: string; version: string; networkPolicy: boolean }): string[] {
  if (server === undefined) return [];
  if (!(server instanceof DrillServer)) {
    return [problem('throwaway', `${JSON.stringify(server)} is not a DrillServer`, 'pass DrillServer.sidecar() or DrillServer.kubedb({...})')];
  }
  if (server.kind !== DrillServerKind.KUBEDB) return [];
  const k = server.kubedbProps ?? {};
  const out: string[] = [];
  if (typeof o.name === 'string' && o.name.length > KUBEDB_MAX_DATABASE_NAME) {
    out.push(problem(o.nameField, `the drill name "${o.name}" is ${o.name.length} characters, and KubeDB refuses a PerconaXtraDB whose name (its Galera cluster name) is longer than ${KUBEDB_MAX_DATABASE_NAME}`,
      `give the drill a name of at most ${KUBEDB_MAX_DATABASE_NAME} characters with name, or use DrillServer.sidecar()`));
  }
  const databaseLine = versionOf(o.version).line?.line;
  const version = k.version ?? o.version;
  const own = k.version !== undefined ? versionOf(k.version) : undefined;
  if (own?.problem) {
    out.push(own.problem.replace(/^version:/, 'throwaway.version:'));
  } else {
    const line = (own?.line ?? versionOf(o.version).line)?.line;
    if (line !== undefined && databaseLine !== undefined && line !== databaseLine) {
      out.push(problem('throwaway.version', `"${version}" is of the ${line} line, but the database's backups are of the ${databaseLine} line, restored with that line's Task`,
        `leave throwaway.version out (the database's ${o.version}), or give a KubeDB PerconaXtraDBVersion of the ${databaseLine} line`));
    } else if (line !== undefined && !KUBEDB_PERCONAXTRADB_LINES.includes(line)) {
      out.push(problem('throwaway', `KubeDB's catalog has no PerconaXtraDB of the ${line} line (it has ${KUBEDB_PERCONAXTRADB_LINES.join(', ')})`,
        'use DrillServer.sidecar() for this version'));
    }
  }
  if (k.replicas !== undefined) out.push(...integerProblems('throwaway.replicas', k.replicas, KUBEDB_MIN_REPLICAS, 99, `give ${KUBEDB_MIN_REPLICAS} or more members (KubeDB runs a Galera cluster)`));
  if (k.storage !== undefined) {
    out.push(...(k.storage instanceof Size ? sizeProblems('throwaway.storage', k.storage, 1024 * 64, 'Size.gibibytes(10)', 'cannot hold a data directory')
      : [problem('throwaway.storage', `${JSON.stringify(k.storage)} is not a Size`, 'pass a Size, e.g. Size.gibibytes(10)')]));
  }
  if (k.storageClassName !== undefined) {
    out.push(...nameProblems('throwaway.storageClassName', k.storageClassName, NameRule.DNS_SUBDOMAIN));
    if (k.storage === undefined) {
      out.push(problem('throwaway.storageClassName', 'is set without storage, so the database has no claim (Ephemeral storage)', 'give storage too, or leave storageClassName out'));
    }
  }
  if (o.networkPolicy) {
    out.push(problem('throwaway', 'DrillServer.kubedb() does not support networkPolicy yet (the drill\'s policies confine its own pod, not the pods KubeDB runs)',
      'leave networkPolicy out of this drill, or use DrillServer.sidecar()'));
  }
  return out;
}

function quantityOr(size: Size): string | undefined {
  try {
    return quantity(size);
  } catch {
    return undefined;
  }
}
