/**
 * The Galera path of `PerconaXtraDbRestoreDrill`: a cluster backup is a physical copy (xbstream of
 * host-0's data directory), which the operator restores into volume claims it creates from the
 * RestoreSession's template. The drill's Job runs a runner (`drill-galera.sh`) that creates the
 * RestoreSession, then a server pod on the restored claim (`drill-galera-server.sh`), and deletes
 * them all when it ends.
 * @internal
 */
import { Size } from 'cdk8s';
import { IConstruct } from 'constructs';
import { registeredObjectCount } from '../../core/validation/app-checks';
import { nameProblems, NameRule } from '../../core/validation/names';
import { problem } from '../../core/validation/problems';
import { quantity, sizeProblems } from '../../core/validation/quantities';
import { JOB_RUN_AS_USER } from '../jobs/job-security';
import { PerconaXtraDbAppBinding } from '../targets/perconaxtradb-app-binding';
import { MYSQL_DATA_DIR, POD_ORDINAL } from './perconaxtradb-restore';

/**
 * Members of the drill's restore. Two, not one: the addon picks its restore path from the
 * number of the target's replicas (`--target-app-replicas`, which Stash sets from
 * `spec.target.replicas` and a task param cannot override), and with 1 it runs the standalone
 * path (`mysql` fed a dump, which a cluster backup does not hold). Both claims get host-0's copy;
 * the server starts on the first.
 */
export const GALERA_DRILL_REPLICAS = 2;

/**
 * The longest name of a Galera drill: Stash names the restore Jobs `stash-restore-<name>-0-<n>`,
 * which Kubernetes copies into a label value of 63 characters.
 */
export const MAX_GALERA_DRILL_NAME = 63 - 'stash-restore-'.length - `-0-${GALERA_DRILL_REPLICAS - 1}`.length;

/** The annotation through which the runner tells the server pod how long the restore took. */
export const RESTORE_SECONDS_ANNOTATION = 'stash-pxc/restore-seconds';

/** What the server step adds to the image's server command: a standalone start, no Galera. */
export const GALERA_DRILL_MYSQLD_ARGS = '--wsrep-provider=none';

/** The user and group the addon's restore script gives the restored files to (`mysql` of the PXC images). */
export const RESTORED_FILES_OWNER = 1001;

/** Where the server step keeps its socket, pid file and error log (an emptyDir of the pod). */
export const GALERA_DRILL_RUN_DIR = '/drill/run';

/** Names of a Galera drill's objects, all derived from the drill's name. */
export interface GaleraDrillNames {
  /** The claim template (`<name>-data-${POD_ORDINAL}`). */
  readonly claimTemplate: string;
  /** The claims the operator creates from it; the server pod mounts the first. */
  readonly claims: string[];
  /** The volume the restore Jobs mount (the template's name without the ordinal). */
  readonly dataVolume: string;
  /** The server pod. */
  readonly serverPod: string;
}

/** The names of the Galera drill `name`. */
export function galeraDrillNames(name: string): GaleraDrillNames {
  const base = `${name}-data`;
  return {
    claimTemplate: `${base}-${POD_ORDINAL}`,
    claims: Array.from({ length: GALERA_DRILL_REPLICAS }, (_, i) => `${base}-${i}`),
    dataVolume: base,
    serverPod: `${name}-server`,
  };
}

/** The RestoreSession target's fields of a Galera drill (besides its ref). */
export function galeraRestoreTarget(names: GaleraDrillNames, storage: Size | undefined, storageClassName: string | undefined): { [key: string]: any } {
  let size = '';
  try {
    size = storage ? quantity(storage) : '';
  } catch {
    size = '';
  }
  return {
    replicas: GALERA_DRILL_REPLICAS,
    volumeMounts: [{ name: names.dataVolume, mountPath: MYSQL_DATA_DIR }],
    volumeClaimTemplates: [{
      metadata: { name: names.claimTemplate },
      spec: {
        accessModes: ['ReadWriteOnce'],
        ...(storageClassName !== undefined ? { storageClassName } : {}),
        resources: { requests: { storage: size } },
      },
    }],
    // host-0's backup on every member (the cluster backup is taken as host-0).
    rules: [{ sourceHost: 'host-0', snapshots: ['latest'] }],
  };
}

/** The Role rules of a Galera drill: its RestoreSession, its server pod and its claims, by name where RBAC can say so. */
export function galeraRoleRules(name: string, names: GaleraDrillNames, restoreSessionGroup: string, appBindingGroup: string): Array<{ [key: string]: any }> {
  return [
    { apiGroups: [restoreSessionGroup], resources: ['restoresessions'], verbs: ['create'] },
    { apiGroups: [restoreSessionGroup], resources: ['restoresessions'], resourceNames: [name], verbs: ['get', 'watch', 'delete'] },
    { apiGroups: [appBindingGroup], resources: ['appbindings'], resourceNames: [name], verbs: ['get'] },
    // create cannot be limited by name: the admission policy holds it to the server pod.
    { apiGroups: [''], resources: ['pods'], verbs: ['create'] },
    { apiGroups: [''], resources: ['pods'], resourceNames: [names.serverPod], verbs: ['get', 'watch', 'delete'] },
    // The operator creates the claims; the drill only removes them (`kubectl delete --wait` watches).
    { apiGroups: [''], resources: ['persistentvolumeclaims'], resourceNames: [...names.claims], verbs: ['get', 'watch', 'delete'] },
  ];
}

/** The admission policy's rule and check for the server pod the drill's ServiceAccount creates. */
export function galeraAdmission(name: string, names: GaleraDrillNames): { rule: { [key: string]: any }; validation: { expression: string; message: string } } {
  return {
    rule: { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] },
    validation: {
      expression: `request.resource.resource != 'pods' || (object.metadata.name == '${names.serverPod}'`
        + ` && has(object.spec.serviceAccountName) && object.spec.serviceAccountName == '${name}'`
        + ' && has(object.spec.automountServiceAccountToken) && object.spec.automountServiceAccountToken == false'
        + ` && has(object.spec.volumes) && object.spec.volumes.all(v, !has(v.persistentVolumeClaim) || v.persistentVolumeClaim.claimName == '${names.claims[0]}'))`,
      message: `the drill ${name} may only create the pod ${names.serverPod}, without a token, mounting no claim but ${names.claims[0]}`,
    },
  };
}

/** What the server pod and the runner need to render. */
export interface GaleraPodInputs {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: { [key: string]: string };
  readonly serverLabels: { [key: string]: string };
  readonly names: GaleraDrillNames;
  readonly serverImage: string;
  readonly kubectlImage: string;
  readonly runAsUser: number;
  readonly imagePullSecrets?: string[];
  readonly serverResources: { [key: string]: any };
  /** Environment of drill-check.sh (what to check and where to push), shared with the standalone drill. */
  readonly checkEnv: Array<{ [key: string]: any }>;
  /** The environment every step gets (drill and database names, namespace, state directory). */
  readonly commonEnv: Array<{ [key: string]: any }>;
  /** The run's Job (downward API), for the owner references. */
  readonly jobEnv: Array<{ [key: string]: any }>;
  readonly scriptsDir: string;
  readonly configDir: string;
  readonly stateDir: string;
  readonly scriptsConfigMap: string;
  readonly configMap: string;
  readonly seconds: { readonly restore: number; readonly serverStart: number; readonly check: number };
}

const restricted = (user: number) => ({
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  runAsNonRoot: user !== 0,
  runAsUser: user,
  runAsGroup: user,
  seccompProfile: { type: 'RuntimeDefault' },
});

/** Slack of the server pod beyond its budgets: scheduling, attaching the claim, pulling the image. */
export const GALERA_POD_SLACK_SECONDS = 300;

/**
 * The server pod (rendered into the drill's ConfigMap as `server-pod.json`, created by the
 * runner): the PXC image on the restored claim, one container that starts the server, checks
 * and reports. No Service, no token: nothing reaches it and it reaches nothing but the Pushgateway.
 */
export function galeraServerPod(o: GaleraPodInputs): { [key: string]: any } {
  const root = o.runAsUser === 0;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: o.names.serverPod,
      ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
      labels: { ...o.labels, ...o.serverLabels },
    },
    spec: {
      serviceAccountName: o.name,
      automountServiceAccountToken: false,
      restartPolicy: 'Never',
      // Bounded on its own too: the runner deletes it at its budget, this covers a runner gone.
      activeDeadlineSeconds: o.seconds.serverStart + o.seconds.check + GALERA_POD_SLACK_SECONDS,
      ...(o.imagePullSecrets?.length ? { imagePullSecrets: o.imagePullSecrets.map((n) => ({ name: n })) } : {}),
      securityContext: {
        runAsNonRoot: !root,
        runAsUser: o.runAsUser,
        runAsGroup: o.runAsUser,
        // The restored files already belong to 1001: no recursive walk of a large claim.
        fsGroup: root ? 0 : o.runAsUser,
        fsGroupChangePolicy: 'OnRootMismatch',
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [{
        name: 'check',
        image: o.serverImage,
        command: ['bash', `${o.scriptsDir}/drill-galera-server.sh`],
        env: [
          ...o.commonEnv,
          { name: 'DRILL_RUN_DIR', value: GALERA_DRILL_RUN_DIR },
          { name: 'DRILL_DATA_DIR', value: MYSQL_DATA_DIR },
          { name: 'DRILL_MYSQLD_ARGS', value: GALERA_DRILL_MYSQLD_ARGS },
          { name: 'DRILL_RESTORE_SECONDS', valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${RESTORE_SECONDS_ANNOTATION}']` } } },
          ...o.checkEnv,
        ],
        volumeMounts: [
          { name: 'data', mountPath: MYSQL_DATA_DIR },
          { name: 'state', mountPath: o.stateDir },
          { name: 'run', mountPath: GALERA_DRILL_RUN_DIR },
          { name: 'tmp', mountPath: '/tmp' },
          { name: 'scripts', mountPath: o.scriptsDir, readOnly: true },
          { name: 'config', mountPath: o.configDir, readOnly: true },
        ],
        securityContext: restricted(o.runAsUser),
        resources: o.serverResources,
      }],
      volumes: [
        { name: 'data', persistentVolumeClaim: { claimName: o.names.claims[0] } },
        { name: 'state', emptyDir: { sizeLimit: '16Mi' } },
        { name: 'run', emptyDir: { sizeLimit: '64Mi' } },
        { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } },
        { name: 'scripts', configMap: { name: o.scriptsConfigMap, defaultMode: 0o555 } },
        { name: 'config', configMap: { name: o.configMap, defaultMode: 0o444 } },
      ],
    },
  };
}

/** The pod of the drill's Job: the runner, in the kubectl image, as `nobody`. */
export function galeraRunnerPodSpec(o: GaleraPodInputs, pushgatewayUrl: string): { [key: string]: any } {
  const user = JOB_RUN_AS_USER;
  return {
    serviceAccountName: o.name,
    restartPolicy: 'Never',
    ...(o.imagePullSecrets?.length ? { imagePullSecrets: o.imagePullSecrets.map((n) => ({ name: n })) } : {}),
    securityContext: { runAsNonRoot: true, runAsUser: user, runAsGroup: user, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{
      name: 'run',
      image: o.kubectlImage,
      command: ['bash', `${o.scriptsDir}/drill-galera.sh`],
      env: [
        ...o.commonEnv,
        ...o.jobEnv,
        { name: 'DRILL_RESTORE_SESSION_FILE', value: `${o.configDir}/restoresession.json` },
        { name: 'DRILL_SERVER_POD_FILE', value: `${o.configDir}/server-pod.json` },
        { name: 'DRILL_SERVER_POD_NAME', value: o.names.serverPod },
        { name: 'DRILL_CLAIMS', value: o.names.claims.join(' ') },
        { name: 'DRILL_RESTORE_TIMEOUT_SECONDS', value: String(o.seconds.restore) },
        { name: 'DRILL_SERVER_TIMEOUT_SECONDS', value: String(o.seconds.serverStart) },
        { name: 'DRILL_CHECK_TIMEOUT_SECONDS', value: String(o.seconds.check) },
        { name: 'DRILL_POD_SLACK_SECONDS', value: String(GALERA_POD_SLACK_SECONDS) },
        { name: 'PUSHGATEWAY_URL', value: pushgatewayUrl },
        { name: 'HOME', value: '/tmp' },
      ],
      volumeMounts: [
        { name: 'state', mountPath: o.stateDir },
        { name: 'tmp', mountPath: '/tmp' },
        { name: 'scripts', mountPath: o.scriptsDir, readOnly: true },
        { name: 'config', mountPath: o.configDir, readOnly: true },
      ],
      securityContext: { ...restricted(user), readOnlyRootFilesystem: true },
      resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
    }],
    volumes: [
      { name: 'state', emptyDir: { sizeLimit: '16Mi' } },
      { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
      { name: 'scripts', configMap: { name: o.scriptsConfigMap, defaultMode: 0o555 } },
      { name: 'config', configMap: { name: o.configMap, defaultMode: 0o444 } },
    ],
  };
}

/** Whether the app declares the AppBinding `name` in `namespace` as a Galera cluster (undefined: not declared here). */
const CLUSTERS = new WeakMap<IConstruct, { objects: number; byKey: Map<string, boolean> }>();
export function declaredAsCluster(scope: IConstruct, namespace: string | undefined, name: string): boolean | undefined {
  const root = scope.node.root;
  const objects = registeredObjectCount(root);
  let cached = CLUSTERS.get(root);
  if (!cached || cached.objects !== objects) {
    const byKey = new Map<string, boolean>();
    for (const c of root.node.findAll()) {
      if (c instanceof PerconaXtraDbAppBinding) byKey.set(`${c.namespace ?? ''}/${c.name}`, c.isCluster);
    }
    cached = { objects, byKey };
    CLUSTERS.set(root, cached);
  }
  return cached.byKey.get(`${namespace ?? ''}/${name}`);
}

/** The props a Galera drill reads. */
export interface GaleraDrillProblemInputs {
  readonly galera: boolean;
  readonly name: string;
  readonly nameGiven: boolean;
  readonly database: string;
  readonly claimStorage?: Size;
  readonly storageClassName?: string;
  readonly dataSizeLimit?: Size;
  readonly serverRunAsUser?: number;
  /** Whether the app declares the database's AppBinding as a cluster (undefined: unknown). */
  readonly sourceIsCluster?: boolean;
}

/** The mistakes of the Galera options, and of a drill whose kind does not match its database's backups. */
export function galeraDrillProblems(p: GaleraDrillProblemInputs): string[] {
  const out: string[] = [];
  if (p.sourceIsCluster === true && !p.galera) {
    out.push(problem('galera', `"${p.database}" is a Galera cluster (its PerconaXtraDbAppBinding has galera), so its backups are physical copies that a standalone drill cannot restore`,
      'set galera: true and claimStorage on the drill'));
  }
  if (p.sourceIsCluster === false && p.galera) {
    out.push(problem('galera', `"${p.database}" is a standalone database (its PerconaXtraDbAppBinding has no galera), so its backups are dumps that a Galera drill cannot restore`,
      'leave galera out for this database'));
  }
  if (!p.galera) {
    if (p.claimStorage !== undefined) out.push(problem('claimStorage', 'is set on a drill without galera, which restores into an emptyDir', 'remove claimStorage, or set galera: true'));
    if (p.storageClassName !== undefined) out.push(problem('storageClassName', 'is set on a drill without galera, which restores into an emptyDir', 'remove storageClassName, or set galera: true'));
    return out;
  }
  if (p.claimStorage === undefined) {
    out.push(problem('claimStorage', 'is missing: a Galera drill restores host-0\'s data directory into a claim of this size (two, see the docs)',
      'pass at least the size of a member\'s data volume, e.g. Size.gibibytes(20)'));
  } else {
    out.push(...sizeProblems('claimStorage', p.claimStorage, 1024, 'the size of a member\'s data volume', 'cannot hold a data directory'));
  }
  out.push(...nameProblems('storageClassName', p.storageClassName, NameRule.DNS_SUBDOMAIN));
  if (p.dataSizeLimit !== undefined) {
    out.push(problem('dataSizeLimit', 'is set on a Galera drill, whose server runs on the restored claim, not an emptyDir', 'remove dataSizeLimit; size the claim with claimStorage'));
  }
  const user = p.serverRunAsUser ?? RESTORED_FILES_OWNER;
  if (user !== RESTORED_FILES_OWNER && user !== 0) {
    out.push(problem('serverRunAsUser', `${user} cannot read the restored data directory: the addon's restore gives it to ${RESTORED_FILES_OWNER}:${RESTORED_FILES_OWNER}`,
      `leave serverRunAsUser at ${RESTORED_FILES_OWNER}`));
  }
  if (typeof p.name === 'string' && p.name.length > MAX_GALERA_DRILL_NAME) {
    out.push(problem(p.nameGiven ? 'name' : 'database', `the drill name "${p.name}" is ${p.name.length} characters; Stash names a Galera drill's restore Jobs "stash-restore-${p.name}-0-1" and Kubernetes copies it into a label value of at most 63 characters`,
      `give the drill a name of at most ${MAX_GALERA_DRILL_NAME} characters with name`));
  }
  return out;
}
