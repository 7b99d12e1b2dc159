/**
 * Types that several Stash kinds share: kmodules.xyz (client-go, offshoot-api, prober,
 * objectstore-api) and stash.appscode.com/v1beta1 building blocks.
 */
import { resolveKubernetesSchema } from '../k8s-openapi';
import { Infer, KubernetesValue, Schema, t } from '../schema';

// ---------------------------------------------------------------------------------------------
// Status
// ---------------------------------------------------------------------------------------------

/** kmodules.xyz/client-go/api/v1.Condition: the condition type of every Stash status. */
export const condition = t.object({
  lastTransitionTime: t.dateTime().doc('When the condition last changed status.'),
  message: t.string().doc('A human-readable explanation.'),
  observedGeneration: t.int64().doc('The .metadata.generation this condition was set for.'),
  reason: t.string().doc('A machine-readable reason for the last transition.'),
  severity: t.string().doc('Error, Warning or Info, for conditions that are False.'),
  status: t.string().doc('True, False or Unknown.'),
  type: t.string().doc('The type of the condition.'),
}, { required: ['lastTransitionTime', 'status', 'type'] });
export type Condition = Infer<typeof condition>;

// ---------------------------------------------------------------------------------------------
// References
// ---------------------------------------------------------------------------------------------

/** The workload or AppBinding that a backup or restore acts on. */
export const targetRef = t.object({
  apiVersion: t.string().doc('API version of the target, e.g. appcatalog.appscode.com/v1alpha1 or apps/v1.'),
  kind: t.string().doc('Kind of the target, e.g. AppBinding, StatefulSet or PersistentVolumeClaim.'),
  name: t.string().doc('Name of the target.'),
  namespace: t.string().doc('Namespace of the target; defaults to the namespace of the referring object.'),
});
export type TargetRef = Infer<typeof targetRef>;

/** kmodules.xyz/client-go/api/v1.ObjectReference: a named object, optionally in another namespace. */
export const objectReference = t.object({
  name: t.string().doc('Name of the referenced object.'),
  namespace: t.string().doc('Namespace of the referenced object; defaults to the namespace of the referring object.'),
}, { required: ['name'] });
export type ObjectReference = Infer<typeof objectReference>;

/** kmodules.xyz/client-go/api/v1.TypedObjectReference: an object of any kind, by group, kind and name. */
export const typedObjectReference = t.object({
  apiGroup: t.string().doc('API group of the referenced object (empty for the core group).'),
  kind: t.string().doc('Kind of the referenced object.'),
  name: t.string().doc('Name of the referenced object.'),
  namespace: t.string().doc('Namespace of the referenced object.'),
}, { required: ['name'] });
export type TypedObjectReference = Infer<typeof typedObjectReference>;

// ---------------------------------------------------------------------------------------------
// Tasks and their parameters
// ---------------------------------------------------------------------------------------------

/** One name/value parameter handed to a Task or to one of its Functions. */
export const param = t.object({
  name: t.string().doc('Name of the parameter, as the Function refers to it (${NAME}).'),
  value: t.string().doc('Value of the parameter.'),
}, { required: ['name', 'value'] });
export type Param = Infer<typeof param>;

/** Which Task runs the backup or restore, with parameters that override its defaults. */
export const taskRef = t.object({
  name: t.string().doc('Name of the Task, e.g. perconaxtradb-backup-8.0; empty for workload (sidecar) backups.'),
  params: t.array(param).doc('Parameters passed to every step of the Task.'),
});
export type TaskRef = Infer<typeof taskRef>;

// ---------------------------------------------------------------------------------------------
// Scheduling policy
// ---------------------------------------------------------------------------------------------

/** Which snapshots restic keeps when it cleans up old ones (restic forget flags). */
export const retentionPolicy = t.object({
  dryRun: t.boolean().doc('Only report which snapshots would be removed, remove nothing.'),
  keepDaily: t.int64().doc('Keep the last snapshot of this many days.'),
  keepHourly: t.int64().doc('Keep the last snapshot of this many hours.'),
  keepLast: t.int64().doc('Keep this many most recent snapshots.'),
  keepMonthly: t.int64().doc('Keep the last snapshot of this many months.'),
  keepTags: t.array(t.string()).doc('Keep every snapshot that carries one of these tags.'),
  keepWeekly: t.int64().doc('Keep the last snapshot of this many weeks.'),
  keepYearly: t.int64().doc('Keep the last snapshot of this many years.'),
  name: t.string().doc('Name of the policy, used to tell policies apart in reports.'),
  prune: t.boolean().doc('Also delete the data no snapshot refers to any more (restic prune).'),
}, { required: ['name', 'prune'] });
export type RetentionPolicy = Infer<typeof retentionPolicy>;

/** How a failed backup session is retried. */
export const retryConfig = t.object({
  delay: t.string().doc('How long to wait between two attempts, as a Go duration (e.g. 5m).'),
  maxRetry: t.int32().withDefault(1).doc('How many times a failed session is retried.'),
});
export type RetryConfig = Infer<typeof retryConfig>;

/** The driver that takes the backup or does the restore. */
export const driver = t.enum(['Restic', 'VolumeSnapshotter'])
  .withDefault('Restic')
  .doc('Restic copies data into the Repository; VolumeSnapshotter takes CSI VolumeSnapshots.');
export type Driver = Infer<typeof driver>;

/** The scratch volume (an emptyDir) that the backup or restore job uses for restic's cache and temporary files. */
export const emptyDirSettings = t.object({
  disableCaching: t.boolean().doc('Do not keep a restic cache in the temporary directory.'),
  medium: t.string().doc('Storage medium of the emptyDir: empty for the node disk, Memory for tmpfs.'),
  sizeLimit: t.k8s<number | string>('io.k8s.apimachinery.pkg.api.resource.Quantity')
    .doc('Upper bound of the space the temporary directory may use, e.g. 2Gi.'),
});
export type EmptyDirSettings = Infer<typeof emptyDirSettings>;

// ---------------------------------------------------------------------------------------------
// Runtime settings (kmodules.xyz/offshoot-api/api/v1)
// ---------------------------------------------------------------------------------------------

/** CPU priority of the backup or restore process (nice). */
export const niceSettings = t.object({
  adjustment: t.int32().doc('Niceness adjustment, from -20 (highest priority) to 19 (lowest).'),
});
export type NiceSettings = Infer<typeof niceSettings>;

/** Disk I/O priority of the backup or restore process (ionice). */
export const ioNiceSettings = t.object({
  class: t.int32().doc('I/O scheduling class: 1 realtime, 2 best-effort, 3 idle.'),
  classData: t.int32().doc('Priority within the class, from 0 (highest) to 7 (lowest).'),
});
export type IONiceSettings = Infer<typeof ioNiceSettings>;

/** Settings of the container that runs the backup or restore. */
export const containerRuntimeSettings = t.object({
  env: t.array(t.k8s('io.k8s.api.core.v1.EnvVar')).doc('Extra environment variables of the container.'),
  envFrom: t.array(t.k8s('io.k8s.api.core.v1.EnvFromSource')).doc('ConfigMaps and Secrets whose keys become environment variables.'),
  ionice: ioNiceSettings.doc('Disk I/O priority of the backup or restore process.'),
  lifecycle: t.k8s('io.k8s.api.core.v1.Lifecycle').doc('postStart and preStop handlers of the container.'),
  livenessProbe: t.k8s('io.k8s.api.core.v1.Probe').doc('Probe that restarts the container when it fails.'),
  nice: niceSettings.doc('CPU priority of the backup or restore process.'),
  readinessProbe: t.k8s('io.k8s.api.core.v1.Probe').doc('Probe that marks the container ready.'),
  resources: t.k8s('io.k8s.api.core.v1.ResourceRequirements').doc('CPU and memory requests and limits of the container.'),
  securityContext: t.k8s('io.k8s.api.core.v1.SecurityContext').doc('Security options of the container (user, capabilities, ...).'),
});
export type ContainerRuntimeSettings = Infer<typeof containerRuntimeSettings>;

/** Settings of the pod (job or sidecar host) that runs the backup or restore. */
export const podRuntimeSettings = t.object({
  affinity: t.k8s('io.k8s.api.core.v1.Affinity').doc('Node and pod (anti-)affinity of the pod.'),
  automountServiceAccountToken: t.boolean().doc('Whether the service account token is mounted into the pod.'),
  enableServiceLinks: t.boolean().doc('Whether Service environment variables are injected into the pod.'),
  imagePullSecrets: t.array(t.k8s('io.k8s.api.core.v1.LocalObjectReference')).doc('Secrets used to pull the images of the pod.'),
  nodeName: t.string().doc('Run the pod on exactly this node.'),
  nodeSelector: t.map(t.string()).doc('Labels a node must carry to run the pod.'),
  podAnnotations: t.map(t.string()).doc('Annotations added to the pod.'),
  podLabels: t.map(t.string()).doc('Labels added to the pod.'),
  priority: t.int32().doc('Priority value of the pod (normally set from priorityClassName).'),
  priorityClassName: t.string().doc('PriorityClass of the pod.'),
  readinessGates: t.array(t.k8s('io.k8s.api.core.v1.PodReadinessGate')).doc('Extra conditions the pod needs to be ready.'),
  runtimeClassName: t.string().doc('RuntimeClass the pod runs with.'),
  schedulerName: t.string().doc('Scheduler that places the pod.'),
  securityContext: t.k8s('io.k8s.api.core.v1.PodSecurityContext').doc('Pod-level security options (fsGroup, runAsUser, ...).'),
  serviceAccountAnnotations: t.map(t.string()).doc('Annotations added to the service account Stash creates for the pod.'),
  serviceAccountName: t.string().doc('Service account the pod runs as.'),
  tolerations: t.array(t.k8s('io.k8s.api.core.v1.Toleration')).doc('Taints the pod tolerates.'),
  topologySpreadConstraints: t.array(t.k8s('io.k8s.api.core.v1.TopologySpreadConstraint'), {
    listType: 'map',
    mapKeys: ['topologyKey', 'whenUnsatisfiable'],
  }).doc('How pods spread across zones, nodes or other topology domains.'),
});
export type PodRuntimeSettings = Infer<typeof podRuntimeSettings>;

/** Container and pod settings of the backup or restore job (or sidecar). */
export const runtimeSettings = t.object({
  container: containerRuntimeSettings.doc('Settings of the container that runs the backup or restore.'),
  pod: podRuntimeSettings.doc('Settings of the pod that runs the backup or restore.'),
});
export type RuntimeSettings = Infer<typeof runtimeSettings>;

// ---------------------------------------------------------------------------------------------
// Hooks (kmodules.xyz/prober/api/v1)
// ---------------------------------------------------------------------------------------------

/** An HTTP POST request sent by a hook, with a raw body or form values. */
export const httpPostAction = t.object({
  body: t.string().doc('Raw body of the request.'),
  form: t.array(t.object({
    key: t.string().doc('Name of the form field.'),
    values: t.array(t.string()).doc('Values of the form field.'),
  })).doc('Form fields sent as application/x-www-form-urlencoded (instead of body).'),
  host: t.string().doc('Host to connect to; defaults to the pod IP.'),
  httpHeaders: t.array(t.k8s('io.k8s.api.core.v1.HTTPHeader')).doc('Headers of the request.'),
  path: t.string().doc('Path of the request.'),
  port: t.intOrString().doc('Port number or name to connect to.'),
  scheme: t.string().doc('HTTP or HTTPS; defaults to HTTP.'),
}, { required: ['port'] });
export type HTTPPostAction = Infer<typeof httpPostAction>;

const hookHandlerFields = {
  containerName: t.string().doc('Container in which the exec command runs; defaults to the first container.'),
  exec: t.k8s('io.k8s.api.core.v1.ExecAction').doc('Command to run in the container.'),
  httpGet: t.k8s('io.k8s.api.core.v1.HTTPGetAction').doc('HTTP GET request to send.'),
  httpPost: httpPostAction.doc('HTTP POST request to send.'),
  tcpSocket: t.k8s('io.k8s.api.core.v1.TCPSocketAction').doc('TCP port to open.'),
};

/** One hook action: exactly one of exec, httpGet, httpPost or tcpSocket. */
export const hookHandler = t.object(hookHandlerFields);
export type HookHandler = Infer<typeof hookHandler>;

/** A hook that runs after the backup, depending on its outcome. */
export const postBackupHook = t.object({
  ...hookHandlerFields,
  executionPolicy: t.enum(['Always', 'OnFailure', 'OnSuccess', 'OnFinalRetryFailure'])
    .withDefault('Always')
    .doc('When the hook runs: always, only after a failure, only after a success, or only once all retries failed.'),
});
export type PostBackupHook = Infer<typeof postBackupHook>;

/** A hook that runs after the restore, depending on its outcome. */
export const postRestoreHook = t.object({
  ...hookHandlerFields,
  executionPolicy: t.enum(['Always', 'OnFailure', 'OnSuccess'])
    .withDefault('Always')
    .doc('When the hook runs: always, only after a failure or only after a success.'),
});
export type PostRestoreHook = Infer<typeof postRestoreHook>;

/** Actions run before and after a backup (e.g. flush tables, notify a webhook). */
export const backupHooks = t.object({
  postBackup: postBackupHook.doc('Action run after the backup.'),
  preBackup: hookHandler.doc('Action run before the backup; the backup is skipped if it fails.'),
});
export type BackupHooks = Infer<typeof backupHooks>;

/** Actions run before and after a restore. */
export const restoreHooks = t.object({
  postRestore: postRestoreHook.doc('Action run after the restore.'),
  preRestore: hookHandler.doc('Action run before the restore; the restore is skipped if it fails.'),
});
export type RestoreHooks = Infer<typeof restoreHooks>;

// ---------------------------------------------------------------------------------------------
// Volume claim templates (kmodules.xyz/offshoot-api/api/v1)
// ---------------------------------------------------------------------------------------------

/** The metadata a template may set on the PersistentVolumeClaim it produces. */
export const partialObjectMeta = t.object({
  annotations: t.map(t.string()).doc('Annotations of the claim.'),
  generateName: t.string().doc('Prefix for a generated name, when name is empty.'),
  labels: t.map(t.string()).doc('Labels of the claim.'),
  name: t.string().doc('Name of the claim; may contain ${POD_ORDINAL} for per-replica claims.'),
  namespace: t.string().doc('Namespace of the claim; defaults to the namespace of the referring object.'),
  ownerReferences: t.array(t.k8s('io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference')).doc('Owners of the claim, for garbage collection.'),
});
export type PartialObjectMeta = Infer<typeof partialObjectMeta>;

/** A PersistentVolumeClaim to create, with the partial metadata above. */
export const persistentVolumeClaimTemplate = t.object({
  apiVersion: t.string().doc('v1 (informational).'),
  kind: t.string().doc('PersistentVolumeClaim (informational).'),
  metadata: partialObjectMeta.doc('Name, labels and annotations of the claim.'),
  spec: t.k8s('io.k8s.api.core.v1.PersistentVolumeClaimSpec').doc('Size, access modes and storage class of the claim.'),
  status: t.k8s('io.k8s.api.core.v1.PersistentVolumeClaimStatus').doc('Observed state of the claim (not set by users).'),
});
export type PersistentVolumeClaimTemplate = Infer<typeof persistentVolumeClaimTemplate>;

// ---------------------------------------------------------------------------------------------
// Storage backend (stash.appscode.com/v1alpha1 Backend) and usage policy
// ---------------------------------------------------------------------------------------------

/** A Kubernetes volume source (the fields of core/v1 Volume without its name). */
const volumeSource = new Schema<KubernetesValue>(() => {
  const volume = resolveKubernetesSchema('io.k8s.api.core.v1.Volume');
  delete volume.properties?.name;
  const required = (volume.required ?? []).filter((r) => r !== 'name');
  if (required.length) volume.required = required;
  else delete volume.required;
  return volume;
});

const localBackendFields = t.object({
  mountPath: t.string().doc('Where the volume is mounted in the backup or restore container.'),
  subPath: t.string().doc('Directory inside the volume that holds the repository.'),
}, { required: ['mountPath'] });

/** A repository on a Kubernetes volume: any volume source, plus where to mount it. */
export const localBackend = new Schema<KubernetesValue & Infer<typeof localBackendFields>>(() => {
  const source = volumeSource.toJson();
  const own = localBackendFields.toJson();
  return { ...source, properties: { ...source.properties, ...own.properties }, required: own.required };
});
export type LocalBackend = Infer<typeof localBackend>;

const maxConnections = (): Schema<number> => t.int64().doc('Upper bound of concurrent connections restic opens to the bucket.');
const prefix = (): Schema<string> => t.string().doc('Directory inside the bucket or container that holds the repository.');

/** Where restic stores the snapshots: exactly one backend, plus the Secret with its credentials. */
export const backend = t.object({
  azure: t.object({
    container: t.string().doc('Azure Blob Storage container.'),
    maxConnections: maxConnections(),
    prefix: prefix(),
  }, { required: ['container'] }).doc('Azure Blob Storage.'),
  b2: t.object({
    bucket: t.string().doc('Backblaze B2 bucket.'),
    maxConnections: maxConnections(),
    prefix: prefix(),
  }, { required: ['bucket'] }).doc('Backblaze B2.'),
  gcs: t.object({
    bucket: t.string().doc('Google Cloud Storage bucket.'),
    maxConnections: maxConnections(),
    prefix: prefix(),
  }, { required: ['bucket'] }).doc('Google Cloud Storage.'),
  local: localBackend.doc('A Kubernetes volume (NFS, PVC, hostPath, ...).'),
  rest: t.object({
    url: t.string().doc('URL of the restic REST server, credentials included if needed.'),
  }).doc('A restic REST server.'),
  s3: t.object({
    bucket: t.string().doc('S3 bucket.'),
    endpoint: t.string().doc('S3 endpoint, e.g. s3.amazonaws.com or a MinIO URL.'),
    insecureTLS: t.boolean().doc('Skip TLS certificate verification of the endpoint.'),
    prefix: prefix(),
    region: t.string().doc('Region of the bucket.'),
  }, { required: ['bucket', 'endpoint'] }).doc('AWS S3 or any S3-compatible store (MinIO, Ceph, ...).'),
  storageSecretName: t.string().doc('Secret with RESTIC_PASSWORD and the credentials of the backend.'),
  swift: t.object({
    container: t.string().doc('OpenStack Swift container.'),
    prefix: prefix(),
  }, { required: ['container'] }).doc('OpenStack Swift.'),
});
export type Backend = Infer<typeof backend>;

/** Which namespaces may use a Repository. */
export const usagePolicy = t.object({
  allowedNamespaces: t.object({
    from: t.enum(['All', 'Selector', 'Same']).withDefault('Same')
      .doc('All namespaces, those matching selector, or only the Repository\'s own (Same).'),
    selector: t.k8s('io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector').doc('Labels of the allowed namespaces, with from: Selector.'),
  }).doc('Namespaces whose BackupConfigurations and RestoreSessions may use the Repository.'),
});
export type UsagePolicy = Infer<typeof usagePolicy>;

// ---------------------------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------------------------

/** What a BackupConfiguration backs up. */
export const backupTarget = t.object({
  alias: t.string().doc('Name to record the snapshots under instead of the host name (to tell several targets apart in one Repository).'),
  args: t.array(t.string()).doc('Extra arguments passed to the backup tool (e.g. mysqldump options).'),
  exclude: t.array(t.string()).doc('Glob patterns of files not to back up.'),
  paths: t.array(t.string()).doc('Directories to back up (workload backups).'),
  ref: targetRef.doc('The object to back up (an AppBinding for databases).'),
  replicas: t.int32().doc('How many replicas of a StatefulSet to back up.'),
  snapshotClassName: t.string().doc('VolumeSnapshotClass, with the VolumeSnapshotter driver.'),
  volumeMounts: t.array(t.k8s('io.k8s.api.core.v1.VolumeMount')).doc('Volumes of the target to mount into the backup container.'),
});
export type BackupTarget = Infer<typeof backupTarget>;

/** Which snapshots are restored to which hosts. */
export const restoreRule = t.object({
  exclude: t.array(t.string()).doc('Glob patterns of files not to restore.'),
  include: t.array(t.string()).doc('Glob patterns of the only files to restore.'),
  paths: t.array(t.string()).doc('Paths to restore from the latest snapshot (alternative to snapshots).'),
  snapshots: t.array(t.string()).doc('IDs of the snapshots to restore.'),
  sourceHost: t.string().doc('Host whose snapshots are restored; defaults to the restoring host.'),
  targetHosts: t.array(t.string()).doc('Hosts this rule applies to; empty means every host.'),
});
export type RestoreRule = Infer<typeof restoreRule>;

/** What a RestoreSession restores into. */
export const restoreTarget = t.object({
  alias: t.string().doc('Name the snapshots were recorded under at backup time.'),
  args: t.array(t.string()).doc('Extra arguments passed to the restore tool.'),
  ref: targetRef.doc('The object to restore into (an AppBinding for databases).'),
  replicas: t.int32().doc('How many replicas to restore into (for volumeClaimTemplates).'),
  rules: t.array(restoreRule).doc('Which snapshots are restored to which hosts.'),
  volumeClaimTemplates: t.array(persistentVolumeClaimTemplate).doc('PersistentVolumeClaims to create and restore into.'),
  volumeMounts: t.array(t.k8s('io.k8s.api.core.v1.VolumeMount')).doc('Volumes of the target to mount into the restore container.'),
});
export type RestoreTarget = Infer<typeof restoreTarget>;
