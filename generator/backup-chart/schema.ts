/**
 * `values.schema.json` of `charts/stash-pxc-backup`, from the constructs' props: the same key
 * names, the enums of the construct library (backends, Swift auth, hook policies, access modes),
 * the name rules and the version lines. What a schema cannot say (a version line without an
 * addon Task, a cron that never fires, a cluster restore without `${POD_ORDINAL}`, a restore into
 * a backed-up database) the templates check with `fail`, as `fromValues` does.
 */
import { BackendProvider, HostPathType, SwiftAuth } from '../../src/database/storage/backend';
import { HookExecutionPolicy, HttpScheme } from '../../src/database/jobs/hook';
import { VolumeAccessMode } from '../../src/database/restores/perconaxtradb-restore';
import { CloneDeletionPolicy, CloneMode } from '../../src/database/restores/perconaxtradb-clone';
import { KUBEDB_MAX_DATABASE_NAME, KUBEDB_MIN_REPLICAS } from '../../src/database/restores/drill-kubedb';
import { IoNiceClass } from '../../src/database/jobs/runtime-settings';
import { GO_DURATION_PATTERN } from './durations';
import { backupChartDefaults, NAME_VAR, NAMESPACE_VAR, RETENTION_RULES, SETTING_KEYS, versionLines } from './values-model';

/** A JSON schema fragment. */
export type JsonSchema = { [key: string]: any };

const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
/** A DNS-1123 subdomain (claim, Secret, ServiceAccount names). */
export const DNS_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const QUALIFIED_NAME = '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$';
const QUANTITY = '^[0-9]+(Ki|Mi|Gi|Ti)$';
const RFC3339 = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$';
const CPU = '^([0-9]+m|[0-9]+(\\.[0-9]+)?)$';
const S3_BUCKET = '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$';
const GCS_BUCKET = '^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$';
const AZURE_CONTAINER = '^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$';
const B2_BUCKET = '^[A-Za-z0-9-]{6,50}$';
const HEADER_NAME = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$";
const ENV_NAME = '^[-._a-zA-Z][-._a-zA-Z0-9]*$';
const LABEL_VALUE = '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$';
const MYSQL_NAME = '^[A-Za-z0-9_$]{1,64}$';
const MYSQL_TABLE = '^[A-Za-z0-9_$]{1,64}\\.[A-Za-z0-9_$]{1,64}$';
// The drill's Pushgateway URL (no template re-checks it, so the schema does).
const HTTP_URL = '^[hH][tT][tT][pP][sS]?://[^\\s/]+(/\\S*)?$';
const HHMM = '^([01]?[0-9]|2[0-3]):[0-5][0-9]$';
const CIDR = '^([0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}|[0-9A-Fa-f:]*:[0-9A-Fa-f:]*/[0-9]{1,3})$';

const d = (description: string, schema: JsonSchema): JsonSchema => ({ description, ...schema });
const str = (description: string, extra: JsonSchema = {}): JsonSchema => d(description, { type: 'string', ...extra });
const bool = (description: string): JsonSchema => d(description, { type: 'boolean' });
const int = (description: string, minimum?: number, maximum?: number): JsonSchema => d(description, {
  type: 'integer', ...(minimum !== undefined ? { minimum } : {}), ...(maximum !== undefined ? { maximum } : {}),
});
const object = (description: string, properties: { [k: string]: JsonSchema }, extra: JsonSchema = {}): JsonSchema =>
  d(description, { type: 'object', additionalProperties: false, properties, ...extra });
const stringMap = (description: string): JsonSchema => d(description, { type: 'object', additionalProperties: { type: 'string' } });
const free = (description: string): JsonSchema => d(description, { type: 'object' });


/** The backend (one provider, its settings under its key). */
function backendSchema(): JsonSchema {
  const maxConnections = int('Maximum concurrent connections (restic default 5).', 1, 1000);
  const providers = Object.values(BackendProvider);
  return object('Where the snapshots go: `provider` and its settings under the provider\'s key (the Backend factories).', {
    provider: str('The storage service.', { enum: providers }),
    s3: object('Amazon S3 or S3-compatible (MinIO, Ceph RGW).', {
      bucket: str('Bucket name.', { pattern: S3_BUCKET }),
      endpoint: str('Endpoint host or URL (default s3.amazonaws.com), e.g. https://minio.storage.svc:9000.', { minLength: 1 }),
      region: str('Region of the bucket.', { pattern: '^[a-z0-9-]+$' }),
      insecureTls: bool('Skip TLS verification (prefer customCaCertificate).'),
      customCaCertificate: bool('The endpoint\'s CA is in the storage Secret under CA_CERT_DATA.'),
    }, { required: ['bucket'] }),
    gcs: object('Google Cloud Storage.', { bucket: str('Bucket name.', { pattern: GCS_BUCKET }), maxConnections }, { required: ['bucket'] }),
    azure: object('Azure Blob Storage.', { container: str('Container name.', { pattern: AZURE_CONTAINER }), maxConnections }, { required: ['container'] }),
    swift: object('OpenStack Swift.', {
      container: str('Container name.', { minLength: 1 }),
      auth: str('Authentication (decides the Secret keys).', { enum: Object.values(SwiftAuth) }),
    }, { required: ['container'] }),
    b2: object('Backblaze B2.', { bucket: str('Bucket name.', { pattern: B2_BUCKET }), maxConnections }, { required: ['bucket'] }),
    rest: object(`restic REST server; \`url\` may hold ${NAMESPACE_VAR} and ${NAME_VAR}.`, {
      // Type only: the template checks the URL (scheme, host, port, credentials) and says the fix.
      url: str('Server URL with the repository path.'),
      basicAuth: bool('HTTP basic auth (REST_SERVER_USERNAME, REST_SERVER_PASSWORD).'),
      customCaCertificate: bool('The server\'s CA is in the storage Secret under CA_CERT_DATA.'),
    }, { required: ['url'] }),
    local: object('A volume mounted into the Jobs (one of persistentVolumeClaim, nfs, hostPath); the prefix becomes its subPath.', {
      persistentVolumeClaim: object('An existing claim.', { claimName: str('Claim name.', { pattern: DNS_SUBDOMAIN }), readOnly: bool('Mount read-only.') }, { required: ['claimName'] }),
      nfs: object('An NFS export.', { server: str('NFS server.', { minLength: 1 }), path: str('Exported path.', { pattern: '^/' }), readOnly: bool('Mount read-only.') }, { required: ['server', 'path'] }),
      hostPath: object('A node directory (single-node clusters only).', {
        path: str('Absolute path.', { pattern: '^/' }),
        type: str('HostPathType.', { enum: Object.values(HostPathType).filter((t) => t !== '') }),
      }, { required: ['path'] }),
      mountPath: str('Mount path in the Jobs (default /safe/data).', { pattern: '^/' }),
    }),
  }, {
    allOf: providers.map((p) => ({ if: { required: ['provider'], properties: { provider: { const: p } } }, then: { required: [p] } })),
  });
}

function scheduleSchema(): JsonSchema {
  return object('When backups run: `cron`, or a spread `window` (the databases of the release in one window are placed jointly, as `PerconaXtraDbBackupFleet` places them).', {
    // Any string: the template checks the cron as the constructs do and says the fix (a schema pattern would be shown first, without it).
    cron: str('Cron expression (5 fields or a macro such as @daily).',),
    window: object('A window to spread starts over.', {
      start: str('Earliest start, HH:MM.', { pattern: HHMM }),
      end: str('End (exclusive), HH:MM; before start crosses midnight.', { pattern: HHMM }),
      days: d('Weekdays (0 = Sunday ... 6) for a weekly window; each database gets one.', { type: 'array', minItems: 1, items: { type: 'integer', minimum: 0, maximum: 6 } }),
    }, { required: ['start', 'end'] }),
  }, { not: { required: ['cron', 'window'] } });
}

function retentionSchema(): JsonSchema {
  const rules = Object.fromEntries(RETENTION_RULES.map((r) => [r, int(`restic --${r.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.`, 1)]));
  return object('Which snapshots to keep (at least one rule).', {
    name: str('Policy name (default from the rules, e.g. keep-last-5).', { minLength: 1, maxLength: 253 }),
    ...rules,
    keepTags: d('Keep snapshots with these tags.', { type: 'array', items: { type: 'string', pattern: '^[^\\s,]+$' } }),
    prune: bool('Prune unreferenced data (default true).'),
    dryRun: bool('Only report what would be forgotten.'),
  });
}

function runtimeSchema(): JsonSchema {
  const amounts = (what: string) => object(what, { cpu: str('CPU, e.g. 500m or 2.', { pattern: CPU }), memory: str('Memory, e.g. 512Mi.', { pattern: QUANTITY }) });
  return object('Resources, priority and placement of the Jobs.', {
    container: object('The backup container.', {
      resources: object('Requests and limits.', { requests: amounts('Requests.'), limits: amounts('Limits.') }),
      nice: int('CPU niceness adjustment, -20 to 19.', -20, 19),
      ionice: object('I/O priority.', {
        class: d('ionice class: 1 realtime, 2 best effort, 3 idle.', { type: 'integer', enum: Object.values(IoNiceClass).filter((v) => typeof v === 'number') }),
        classData: int('Priority within the class, 0 to 7.', 0, 7),
      }, { required: ['class'] }),
      securityContext: free('Container securityContext.'),
      env: d('Literal environment variables (never credentials).', { type: 'object', patternProperties: { [ENV_NAME]: { type: 'string' } }, additionalProperties: false }),
      secretEnv: d('Environment variables read from Secret keys: NAME: { secretName, key } (a name not also in env).', {
        type: 'object', additionalProperties: false,
        patternProperties: { [ENV_NAME]: object('A Secret key.', { secretName: str('Secret (same namespace).', { pattern: DNS_SUBDOMAIN }), key: str('Key in the Secret.', { pattern: '^[-._a-zA-Z0-9]+$' }) }, { required: ['secretName', 'key'] }) },
      }),
    }),
    pod: object('The backup pod.', {
      nodeSelector: stringMap('Node labels.'),
      tolerations: d('Tolerations.', { type: 'array', items: { type: 'object' } }),
      affinity: free('Affinity.'),
      priorityClassName: str('PriorityClass.'),
      serviceAccountName: str('ServiceAccount.', { pattern: DNS_SUBDOMAIN }),
      imagePullSecrets: d('Pull Secret names.', { type: 'array', items: { type: 'string', pattern: DNS_SUBDOMAIN } }),
      securityContext: free('Pod securityContext.'),
    }),
  });
}

function hookSchema(what: string): JsonSchema {
  const http = (extra: { [k: string]: JsonSchema } = {}) => object('HTTP request.', {
    port: int('Port.', 1, 65535), path: str('Path.'), host: str('Host (default the pod IP).'),
    scheme: str('Scheme.', { enum: Object.values(HttpScheme) }),
    headers: d('Request headers, name: value (never credentials: they land in Git).', {
      type: 'object', additionalProperties: false, patternProperties: { [HEADER_NAME]: { type: 'string', pattern: '^[^\\r\\n]*$' } },
    }),
    ...extra,
  }, { required: ['port'] });
  return object(`${what} (one of exec, httpGet, httpPost, tcpSocket).`, {
    exec: object('Command in the target pod.', { command: d('Command and arguments.', { type: 'array', minItems: 1, items: { type: 'string' } }) }, { required: ['command'] }),
    httpGet: http(),
    httpPost: http({ body: str('Body.') }),
    tcpSocket: object('TCP connect.', { port: int('Port.', 1, 65535), host: str('Host.') }, { required: ['port'] }),
    containerName: str('Container for an exec hook.'),
    executionPolicy: str('When a post hook runs.', { enum: Object.values(HookExecutionPolicy) }),
  }, { minProperties: 1 });
}

const duration = (what: string) => str(`${what} (Go duration, e.g. 2h or 1h30m).`, { pattern: GO_DURATION_PATTERN, minLength: 2 });

function tempDirSchema(what: string): JsonSchema {
  return object(`The scratch emptyDir Stash mounts at /tmp of the ${what} Job.`, {
    medium: str('Storage medium: "" (the node\'s disk) or Memory.', { enum: ['', 'Memory'] }),
    sizeLimit: str('Size limit, at least 1Mi, e.g. 1Gi.', { pattern: QUANTITY }),
    disableCaching: bool('Do not keep restic\'s cache in it.'),
  });
}

function usagePolicySchema(): JsonSchema {
  return object('Which namespaces may use the Repository (restore from it): one of the UsagePolicy factories.', {
    sameNamespace: d('Only its own namespace (Stash\'s default).', { const: true }),
    allNamespaces: d('Any namespace.', { const: true }),
    namespaces: d('The named namespaces.', { type: 'array', minItems: 1, items: { type: 'string', pattern: DNS_LABEL } }),
    namespacesWithLabels: d('Namespaces carrying all these labels.', { type: 'object', minProperties: 1, patternProperties: { [QUALIFIED_NAME]: { type: 'string', pattern: LABEL_VALUE } }, additionalProperties: false }),
  }, { minProperties: 1, maxProperties: 1 });
}

/** The settings a database shares with `defaults:`. */
function settingsProperties(): { [k: string]: JsonSchema } {
  const lines = versionLines().join(', ');
  return {
    // Type only: the template refuses a version outside the addon's lines and names them in the fix.
    version: str(`Database version, e.g. 8.0.36 (addon lines ${lines}).`),
    backend: backendSchema(),
    storageSecretName: str('Secret (in the database\'s namespace) with RESTIC_PASSWORD and the backend credentials.', { pattern: `^$|${DNS_SUBDOMAIN}` }),
    prefix: str(`Prefix (subPath for local) of each Repository; ${NAMESPACE_VAR} and ${NAME_VAR} are replaced. Keep it unique per database.`),
    schedule: scheduleSchema(),
    retentionPolicy: retentionSchema(),
    runtimeSettings: runtimeSchema(),
    defaultSecurityContext: bool('Put the Pod Security "restricted" securityContext under runtimeSettings (non-root 65534, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp); your runtimeSettings fields win.'),
    preBackupHook: hookSchema('Runs before each backup'),
    postBackupHook: hookSchema('Runs after each backup'),
    timeout: duration('Give up a backup session after this'),
    paused: bool('Create the BackupConfiguration paused.'),
    backupHistoryLimit: int('Finished BackupSessions to keep.', 0, 2147483647),
    retry: object('Retry failed sessions.', { maxRetry: int('Retries.', 1, 100), delay: duration('Wait between retries') }, { required: ['maxRetry'] }),
    args: str('mysqldump arguments (replace --all-databases), e.g. "--databases shop --single-transaction".', { pattern: '\\S' }),
    waitTimeout: int('Seconds the Job waits for the database.', 1),
    wipeOut: bool('Delete the backed-up data when the Repository is deleted.'),
    tempDir: tempDirSchema('backup'),
    usagePolicy: usagePolicySchema(),
    keepRepository: bool('Annotate the Repository with helm.sh/resource-policy: keep, so uninstall and removing the database keep it (and the snapshots).'),
    drill: drillSchema(),
    expectedDuration: duration('How long a backup of the database is expected to run: copies without a schedule start at least this long after the primary (default an hour), and NOTES warn about a copy schedule that can start while the primary runs'),
    copies: d('More copies of every backup (3-2-1), each one more Repository and BackupConfiguration (<name>-copy-<copy>-repo, <name>-copy-<copy>-backup) on a backend of its own, with the database\'s Job settings, paused and keepRepository, and none of its hooks. A database\'s list replaces the defaults\' list (an empty list: no copies).', {
      type: 'array', items: copySchema(),
    }),
  };
}

/** One copy of a database's backups (BackupCopy): its keys are the props'. */
function copySchema(): JsonSchema {
  return object('One copy.', {
    name: str('Names the copy\'s objects (<database>-copy-<name>-repo, -backup) and labels its alerts (copy="<name>").', { pattern: DNS_LABEL, maxLength: 63 }),
    backend: backendSchema(),
    storageSecretName: str('Secret (in the database\'s namespace) with RESTIC_PASSWORD and the copy backend\'s credentials.', { pattern: DNS_SUBDOMAIN }),
    prefix: str(`Prefix (subPath for local) of the copy's Repository; ${NAMESPACE_VAR} and ${NAME_VAR} are replaced (default: the database's prefix).`),
    schedule: scheduleSchema(),
    retentionPolicy: retentionSchema(),
    repositoryName: str('Name of the copy\'s Repository (default <database>-copy-<name>-repo).', { pattern: DNS_SUBDOMAIN, maxLength: 253 }),
    backupName: str('Name of the copy\'s BackupConfiguration (default <database>-copy-<name>-backup; at most 63 characters).', { pattern: DNS_LABEL, maxLength: 63 }),
    wipeOut: bool('Delete the copy\'s data when its Repository is deleted.'),
    usagePolicy: usagePolicySchema(),
    preBackupHook: hookSchema('Runs before each copy (the database\'s hooks do not)'),
    postBackupHook: hookSchema('Runs after each copy'),
  }, { required: ['name', 'backend', 'storageSecretName'] });
}

/** A restore drill of the database (PerconaXtraDbRestoreDrill): its keys are the props'. */
function drillSchema(): JsonSchema {
  const image = (what: string) => object(`The ${what} image, in parts (a part left out keeps upstream's).`, {
    registry: str('Registry and path, e.g. docker.io/percona.'), repository: str('Repository.'), tag: str('Tag.'),
  });
  const quantities = (what: string) => object(what, { cpu: str('CPU.', { pattern: CPU }), memory: str('Memory.', { pattern: QUANTITY }) });
  return object('A restore drill: on a schedule (default weekly, Saturday 10:00-16:00, spread per database), restore the latest snapshot into a throwaway server, check it and push the outcome; objects <name>-drill.', {
    enabled: bool('Run the drill.'),
    fromCopy: str('Drill a copy of the backups instead (the name of one of the database\'s copies): restore from its Repository.', { pattern: DNS_LABEL }),
    schedule: scheduleSchema(),
    schemas: d('Schemas that must exist (default: at least one user schema).', { type: 'array', items: { type: 'string', pattern: MYSQL_NAME } }),
    tables: d('Tables (schema.table) checked with CHECK TABLE ... QUICK (default: every table).', { type: 'array', items: { type: 'string', pattern: MYSQL_TABLE } }),
    rowCountRules: d('Row-count rules, KubeStash\'s shape.', {
      type: 'array',
      items: object('One rule.', {
        database: str('Schema.', { pattern: MYSQL_NAME }),
        table: str('Table.', { pattern: MYSQL_NAME }),
        rowCount: object('The condition.', { operator: str('Comparison.', { enum: ['==', '!=', '>', '>=', '<', '<='] }), value: int('Row count.', 0) }, { required: ['operator', 'value'] }),
      }, { required: ['database', 'table', 'rowCount'] }),
    }),
    sql: str('SQL whose first row must exist and not be 0, false, NULL or empty.', { pattern: '\\S' }),
    backupDuration: duration('How long a backup of the database may run: the drill may not start between a backup\'s start and this long after it (default 1h)'),
    restoreTimeout: duration('How long the restore may take (default 1h)'),
    checkTimeout: duration('Budget of the table checks (default 10m)'),
    serverStartTimeout: duration('How long the throwaway server may take to start (default 5m)'),
    ttlAfterFinished: duration('How long a finished run (its Job, RestoreSession and Secret) is kept (default 24h)'),
    serverImage: image('throwaway server (default: Percona XtraDB Cluster of the version line)'),
    kubectlImage: image('kubectl steps (default docker.io/alpine/k8s)'),
    imagePullSecrets: d('Secrets to pull the images with.', { type: 'array', items: { type: 'string', pattern: DNS_SUBDOMAIN } }),
    serverResources: object('Resources of the throwaway server (default requests 500m, 1Gi; limit 2Gi).', { requests: quantities('Requests.'), limits: quantities('Limits.') }),
    dataSizeLimit: str('Size limit of its data directory (default 10Gi; not for a database with galera, whose server runs on the restored claim).', { pattern: QUANTITY }),
    claimStorage: str('A database with galera: the size of each of the two claims its drill restores host-0\'s data directory into (required there).', { pattern: QUANTITY }),
    storageClassName: str('A database with galera: the StorageClass of those claims (default the cluster\'s).', { pattern: DNS_SUBDOMAIN }),
    pushgatewayUrl: str('Where the drill pushes its metrics (default the operator of release stash in namespace stash).', { pattern: HTTP_URL }),
    admissionPolicy: bool('Emit the ValidatingAdmissionPolicy that holds the drill\'s creates to its own names (default true; needs Kubernetes 1.30).'),
    throwaway: object('Who runs the throwaway database (default a server in the drill\'s pod).', {
      kubedb: object('A KubeDB PerconaXtraDB named <name>-drill, created by each run (waiting for the restore, wiped on deletion) and deleted after the checks; serverResources apply to each member. Needs KubeDB.', {
        version: str('KubeDB\'s PerconaXtraDBVersion, of the database\'s version line (default the database\'s version).'),
        replicas: int('Members (KubeDB runs at least 3).', 3, 99),
        storage: str('Size of each member\'s data claim (default: Ephemeral storage, no claim).', { pattern: QUANTITY }),
        storageClassName: str('StorageClass of the claims (with storage).', { pattern: DNS_SUBDOMAIN }),
      }),
    }),
  });
}

/**
 * The fix for a value its pattern refuses, by pattern. Helm's schema errors name the values path
 * and the pattern but not the fix; the description (values.schema.json, the README table, editors
 * that read the schema) says it, in the constructs' words.
 */
function patternFixes(): { [pattern: string]: string } {
  return {
    [DNS_LABEL]: 'use lower-case letters, digits and "-", starting and ending with a letter or digit',
    [DNS_SUBDOMAIN]: 'use lower-case letters, digits, "-" and ".", each dot-separated part starting and ending with a letter or digit',
    [`^$|${DNS_SUBDOMAIN}`]: 'use lower-case letters, digits, "-" and ".", each dot-separated part starting and ending with a letter or digit',
    [QUANTITY]: 'write a whole number with Ki, Mi, Gi or Ti, e.g. 512Mi or 10Gi',
    [CPU]: 'write millicores such as 500m, or cores such as 2 or 0.5',
    [HHMM]: 'write HH:MM from 00:00 to 23:59',
    [HTTP_URL]: 'write an http:// or https:// URL of the Pushgateway, e.g. "http://stash-stash-pxc.stash.svc:56789"',
    [CIDR]: 'write an address with its prefix length, e.g. "10.0.0.10/32"',
    [GO_DURATION_PATTERN]: 'write hours, minutes and seconds such as 2h, 90m or 1h30m',
    [ENV_NAME]: 'use letters, digits, "-", "_" and ".", not starting with a digit',
    [QUALIFIED_NAME]: 'use an optional DNS prefix and "/", then letters, digits, "-", "_" and "." (at most 63), e.g. example.com/team',
    [LABEL_VALUE]: 'use at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
    ['^(latest|[0-9a-f]{8}|[0-9a-f]{64})$']: 'write latest, or the 8- or 64-character snapshot id that `kubectl get snapshots` shows',
    ['^([0-9a-f]{8}|[0-9a-f]{64})$']: 'write the 8- or 64-character snapshot id that `kubectl get snapshots` shows after the repository name',
    [RFC3339]: 'write an RFC 3339 time with a zone, e.g. "2026-12-01T02:00:00Z" or "2026-12-01T03:00:00+01:00"',
    ['^/']: 'give an absolute path, starting with "/"',
    ['\\S']: 'give the arguments, or remove the key',
    [S3_BUCKET]: 'use the exact name of an existing bucket: 3 to 63 lower-case letters, digits, "." and "-", starting and ending with a letter or digit',
    [GCS_BUCKET]: 'use the exact name of an existing bucket: lower-case letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
    [AZURE_CONTAINER]: 'use the exact name of an existing container: 3 to 63 lower-case letters, digits and "-", starting and ending with a letter or digit',
    [B2_BUCKET]: 'use the exact name of an existing bucket: 6 to 50 letters, digits and "-"',
    ['^[a-z0-9-]+$']: 'use the region name, e.g. us-east-1',
    ['^[-._a-zA-Z0-9]+$']: 'use the key as it is in the Secret (letters, digits, "-", "_", ".")',
    ['^[^\\r\\n]*$']: 'write the value on one line',
    [HEADER_NAME]: 'use a header name such as "X-Token"',
    ['^[^\\s,]+$']: 'write each tag without spaces or commas',
    [MYSQL_NAME]: 'use the schema or table name: at most 64 letters, digits, "_" and "$"',
    [MYSQL_TABLE]: 'write "schema.table", e.g. "shop.orders"',
  };
}

/** The schema with "Fix: ..." after the description of every value with a known pattern. */
function withFixes(schema: JsonSchema, fixes = patternFixes()): JsonSchema {
  if (Array.isArray(schema)) return schema.map((s) => withFixes(s, fixes));
  if (!schema || typeof schema !== 'object') return schema;
  const out: JsonSchema = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === 'enum' || k === 'const' || k === 'default' ? v : withFixes(v, fixes)]));
  const fix = typeof schema.pattern === 'string' ? fixes[schema.pattern] : undefined;
  if (fix) out.description = `${schema.description ? `${schema.description} ` : ''}Fix if refused: ${fix}.`;
  return out;
}

/** `values.schema.json`. */
export function backupValuesSchema(): JsonSchema {
  return withFixes(rawValuesSchema());
}

function rawValuesSchema(): JsonSchema {
  const settings = settingsProperties();
  const restoreRuntime = runtimeSchema();
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'stash-pxc-backup values',
    type: 'object',
    additionalProperties: false,
    properties: {
      global: free('Global values (Helm passes them to every chart).'),
      nameOverride: str('app.kubernetes.io/name label value.'),
      defaults: object('What most databases share; a database overrides any top-level key.', settings),
      databases: d('Databases to back up: a Repository <name>-repo and a BackupConfiguration <name>-backup each.', {
        type: 'array',
        items: object('One database.', {
          name: str('AppBinding name (for KubeDB, the PerconaXtraDB name).', { pattern: DNS_LABEL, maxLength: 56 }),
          namespace: str('Namespace (default: the release\'s).', { pattern: DNS_LABEL, maxLength: 63 }),
          enabled: bool('false leaves the database out (its objects are removed; a kept Repository stays).'),
          galera: bool('The database is a Galera cluster (backed up through garbd): with networkPolicy, its backup Jobs also reach the members on 4567 and take the donor\'s SST stream on 4444.'),
          ...settings,
        }, { required: ['name'] }),
      }),
      restores: d('On-demand restores: one RestoreSession each, named by `name` (re-rendering never creates a second one; a standalone restore is guarded: it refuses a database that holds data or that it already restored, unless overwrite).', {
        type: 'array',
        items: object('One restore.', {
          name: str('RestoreSession name.', { pattern: DNS_LABEL, maxLength: 63 }),
          database: str('AppBinding to restore into (for a new KubeDB database, its name).', { pattern: DNS_LABEL, maxLength: 63 }),
          namespace: str('Namespace (default: the release\'s).', { pattern: DNS_LABEL, maxLength: 63 }),
          version: str('Version of the backed-up database (default: the `from` database\'s).'),
          from: str('A database of this release to restore from (its Repository).', { pattern: DNS_LABEL }),
          fromNamespace: str('Namespace of the `from` database (default: the restore\'s).', { pattern: DNS_LABEL }),
          fromCopy: str('Restore from this copy of the `from` database (the name of one of its copies): its Repository.', { pattern: DNS_LABEL }),
          repository: object('A Repository by name instead of `from` (e.g. one a removed database left).', {
            name: str('Repository name.', { pattern: DNS_SUBDOMAIN }), namespace: str('Its namespace.', { pattern: DNS_LABEL }),
          }, { required: ['name'] }),
          snapshot: str('latest, or a restic snapshot id.', { pattern: '^(latest|[0-9a-f]{8}|[0-9a-f]{64})$' }),
          snapshotNotAfter: str('Point in time (RFC 3339): restore the newest of snapshots taken at or before it, chosen when the chart renders (instead of snapshot).', { pattern: RFC3339 }),
          snapshots: d('The Repository\'s snapshots for snapshotNotAfter, as kubectl get snapshots lists them (id, and creationTimestamp as time).', {
            type: 'array',
            items: object('One snapshot.', { id: str('restic snapshot id.', { pattern: '^([0-9a-f]{8}|[0-9a-f]{64})$' }), time: str('When it was taken (RFC 3339).', { pattern: RFC3339 }) }, { required: ['id', 'time'] }),
          }),
          rules: d('Which snapshots go to which restore hosts (instead of snapshot): the RestoreSession\'s target.rules.', {
            type: 'array',
            items: object('One rule.', {
              sourceHost: str('Host whose backup is restored ("host-0" for a cluster backup; default: the restoring host\'s own name).'),
              targetHosts: d('Restore hosts this rule applies to (host-0 ... host-<replicas-1>); [] for all.', { type: 'array', items: { type: 'string' } }),
              snapshots: d('Snapshots: latest or restic ids (default [latest]).', { type: 'array', items: { type: 'string', pattern: '^(latest|[0-9a-f]{8}|[0-9a-f]{64})$' } }),
            }),
          }),
          cluster: object('Restore a Percona XtraDB Cluster into new volumes.', {
            replicas: int('Members of the new cluster.', 1, 1000),
            volumeClaimTemplates: d('Claims per member; names carry ${POD_ORDINAL}.', {
              type: 'array', minItems: 1,
              items: object('One claim template.', {
                name: str('Claim name with ${POD_ORDINAL}, e.g. data-<database>-${POD_ORDINAL}.', { minLength: 1 }),
                storage: str('Size, e.g. 10Gi.', { pattern: QUANTITY }),
                storageClassName: str('StorageClass.'),
                accessModes: d('Access modes.', { type: 'array', items: { type: 'string', enum: Object.values(VolumeAccessMode) } }),
              }, { required: ['name', 'storage'] }),
            }),
            dataVolumeName: str('Volume mounted at /var/lib/mysql (default: first template without -${POD_ORDINAL}).', { pattern: DNS_LABEL }),
          }, { required: ['replicas', 'volumeClaimTemplates'] }),
          allowRestoreIntoBackedUpDatabase: bool('Allow restoring into a database this release backs up (pause it first).'),
          overwrite: bool('Replace what the target database holds. Without it a standalone restore is guarded: its first step refuses a database that holds user schemas or that this RestoreSession already restored (a cluster restore is guarded by the operator, which refuses claims that exist: overwrite is refused there).'),
          guardContainerName: str('Container of the database\'s pod that runs the restore guard (default: perconaxtradb, KubeDB\'s).', { pattern: DNS_LABEL, maxLength: 63 }),
          args: str('mysql arguments (standalone).', { pattern: '\\S' }),
          waitTimeout: int('Seconds the Job waits for the database.', 1),
          timeout: duration('Give up after this'),
          runtimeSettings: restoreRuntime,
          tempDir: tempDirSchema('restore'),
          defaultSecurityContext: bool('Put the library\'s securityContext under runtimeSettings: "restricted" for a standalone restore, root with CHOWN, DAC_OVERRIDE and FOWNER ("baseline") for a cluster restore.'),
          preRestoreHook: hookSchema('Runs before the restore'),
          postRestoreHook: hookSchema('Runs after the restore'),
          annotations: d('Extra annotations of the RestoreSession (e.g. argocd.argoproj.io/sync-options: Prune=false).', { type: 'object', patternProperties: { [QUALIFIED_NAME]: { type: 'string' } }, additionalProperties: false }),
        }, { required: ['name', 'database'] }),
      }),
      clones: d('New databases from a backup: a KubeDB PerconaXtraDB with init.waitForInitialRestore and the guarded RestoreSession into it, each.', {
        type: 'array',
        items: object('One clone.', {
          name: str(`Name of the new database (the PerconaXtraDB and its AppBinding): at most ${KUBEDB_MAX_DATABASE_NAME} characters, KubeDB's limit for the Galera cluster name it derives from it.`, { pattern: DNS_LABEL, maxLength: 63 }),
          namespace: str('Namespace (default: the release\'s).', { pattern: DNS_LABEL, maxLength: 63 }),
          version: str('Version (default: the `from` database\'s): KubeDB\'s PerconaXtraDBVersion and the addon Task line.'),
          from: str('A database of this release to clone (its Repository).', { pattern: DNS_LABEL }),
          fromNamespace: str('Namespace of the `from` database (default: the clone\'s).', { pattern: DNS_LABEL }),
          fromCopy: str('Clone from this copy of the `from` database (the name of one of its copies): its Repository.', { pattern: DNS_LABEL }),
          repository: object('A Repository by name instead of `from`.', {
            name: str('Repository name.', { pattern: DNS_SUBDOMAIN }), namespace: str('Its namespace.', { pattern: DNS_LABEL }),
          }, { required: ['name'] }),
          mode: str('How the source was backed up: Standalone (a dump, piped into one member through the clone\'s Service; Galera replicates it) or Cluster (a cluster backup: host-0\'s data directory into every member\'s claim). The clone is a Galera cluster either way.', { enum: Object.values(CloneMode) }),
          replicas: int(`Members of the clone's Galera cluster: ${KUBEDB_MIN_REPLICAS} or more (KubeDB refuses fewer; default ${KUBEDB_MIN_REPLICAS}).`, 1, 1000),
          storage: str('Size of each member\'s data volume, e.g. 20Gi.', { pattern: QUANTITY }),
          storageClassName: str('StorageClass of the data volumes.', { pattern: DNS_SUBDOMAIN }),
          deletionPolicy: str('What KubeDB does with the data when the PerconaXtraDB is deleted (default Halt: keep the volumes).', { enum: Object.values(CloneDeletionPolicy) }),
          authSecretName: str('The source\'s auth Secret (a dump restores its root password).', { pattern: DNS_SUBDOMAIN }),
          snapshot: str('latest, or a restic snapshot id.', { pattern: '^(latest|[0-9a-f]{8}|[0-9a-f]{64})$' }),
          snapshotNotAfter: str('Point in time (RFC 3339): restore the newest of snapshots taken at or before it, chosen when the chart renders (instead of snapshot).', { pattern: RFC3339 }),
          snapshots: d('The Repository\'s snapshots for snapshotNotAfter, as kubectl get snapshots lists them (id, and creationTimestamp as time).', {
            type: 'array',
            items: object('One snapshot.', { id: str('restic snapshot id.', { pattern: '^([0-9a-f]{8}|[0-9a-f]{64})$' }), time: str('When it was taken (RFC 3339).', { pattern: RFC3339 }) }, { required: ['id', 'time'] }),
          }),
          restoreName: str('Name of the RestoreSession (default: <name>-restore).', { pattern: DNS_LABEL, maxLength: 63 }),
        }, { required: ['name', 'storage'] }),
      }),
      blueprint: object('Auto-backup BackupBlueprint (cluster-scoped); databases opt in with the annotation stash.appscode.com/backup-blueprint: <name>.', {
        enabled: bool('Render the BackupBlueprint.'),
        name: str('Blueprint name.', { pattern: DNS_SUBDOMAIN }),
        backend: backendSchema(),
        prefix: str('Prefix with ${TARGET_NAMESPACE}, ${TARGET_NAME} (Stash replaces them).'),
        storageSecretName: str('Storage Secret name in every opted-in namespace.', { pattern: DNS_SUBDOMAIN }),
        version: settings.version,
        wipeOut: settings.wipeOut,
        schedule: scheduleSchema(),
        retentionPolicy: retentionSchema(),
        timeout: settings.timeout,
        backupHistoryLimit: settings.backupHistoryLimit,
        runtimeSettings: runtimeSchema(),
        tempDir: settings.tempDir,
        usagePolicy: settings.usagePolicy,
        repositoryNamespace: str('Namespace of the generated Repositories (default: each database\'s).', { pattern: DNS_LABEL }),
        backupNamespace: str('Namespace of the generated BackupConfigurations and Jobs (default: each database\'s).', { pattern: DNS_LABEL }),
        defaultSecurityContext: settings.defaultSecurityContext,
        args: settings.args,
      }, { if: { properties: { enabled: { const: true } }, required: ['enabled'] }, then: { required: ['name', 'backend', 'storageSecretName', 'schedule', 'retentionPolicy'] } }),
      storageSecret: object('Render the storage Secret in each database namespace. Only with values given at install time (--set-file), never committed.', {
        create: bool('Render it.'),
        data: stringMap('Keys (RESTIC_PASSWORD and the backend\'s).'),
      }),
      networkPolicy: object('Confine the backup and restore Jobs with a NetworkPolicy <backup or restore>-jobs each: egress only to DNS, the API server, the stash-pxc operator (license endpoint 8443, Pushgateway 56789, or pushgatewayPeer), the database and the object store; and each drill\'s restore Job (<drill>-jobs) and pod (<drill>).', {
        enabled: bool('Render the NetworkPolicies (and the stash-pxc/invoker label that selects the Jobs).'),
        apiServerCidrs: d('The API server\'s endpoint addresses as CIDRs (kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes); required when enabled.', { type: 'array', items: { type: 'string', pattern: CIDR } }),
        apiServerPorts: d('Ports of those endpoints.', { type: 'array', minItems: 1, items: { type: 'integer', minimum: 1, maximum: 65535 } }),
        operatorNamespace: str('Namespace of the stash-pxc install chart\'s release.', { pattern: DNS_LABEL, maxLength: 63 }),
        operatorRelease: str('Release name of the stash-pxc install chart: its operator pod is labelled app.kubernetes.io/name: stash-pxc, app.kubernetes.io/instance: <release>.', { pattern: LABEL_VALUE, minLength: 1, maxLength: 63 }),
        operatorPodLabels: d('Labels of the operator pod instead (another install, or the install chart with nameOverride).', { type: 'object', patternProperties: { [QUALIFIED_NAME]: { type: 'string', pattern: LABEL_VALUE, maxLength: 63 } }, additionalProperties: false }),
        dnsNamespace: str('Namespace of the cluster DNS.', { pattern: DNS_LABEL, maxLength: 63 }),
        dnsPodLabels: d('Labels of the cluster DNS pods (empty: k8s-app: kube-dns).', { type: 'object', patternProperties: { [QUALIFIED_NAME]: { type: 'string', pattern: LABEL_VALUE, maxLength: 63 } }, additionalProperties: false }),
        objectStoreCidrs: d('Addresses of the object store as CIDRs (empty: from the backend: its IP, the namespace of an in-cluster *.svc endpoint, else any address on the port).', { type: 'array', items: { type: 'string', pattern: CIDR } }),
        objectStorePort: int('Port of the object store (for an in-cluster store, the pods\' port behind its Service; default: the endpoint\'s, else 443, 80 for http).', 1, 65535),
        pushgatewayPeer: object('The Pushgateway when it is not the operator\'s sidecar (the install\'s pushgateway.externalUrl, to which Stash\'s Jobs push; a drill\'s pushgatewayUrl elsewhere): the Jobs and drills reach it instead of the operator\'s port 56789. Required for a drill whose pushgatewayUrl is not a Service in operatorNamespace on 56789.', {
          namespace: str('Namespace of the Pushgateway\'s pods (empty: the policy\'s).', { pattern: DNS_LABEL, maxLength: 63 }),
          podLabels: d('Labels of the Pushgateway\'s pods.', { type: 'object', patternProperties: { [QUALIFIED_NAME]: { type: 'string', pattern: LABEL_VALUE, maxLength: 63 } }, additionalProperties: false }),
          cidrs: d('Addresses of the Pushgateway as CIDRs, when it runs outside the cluster.', { type: 'array', items: { type: 'string', pattern: CIDR } }),
          port: int('Port of the Pushgateway\'s pods (not its Service\'s; default 9091).', 1, 65535),
        }),
      }),
    },
  };
}

/** The defaults as values.yaml (with a comment per key). */
export function backupValuesYaml(): string {
  const schema = backupValuesSchema();
  const defaults = backupChartDefaults();
  const lines: string[] = ['# Generated by `npm run synth` from generator/backup-chart; see README.md for every key.', ''];
  const yamlScalar = (v: any): string => (typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v));
  const emit = (obj: any, props: JsonSchema, indent: string) => {
    for (const [k, v] of Object.entries(obj)) {
      const s = props?.[k] ?? {};
      if (s.description) lines.push(`${indent}# -- ${s.description}`);
      if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0) {
        lines.push(`${indent}${k}:`);
        emit(v, s.properties, `${indent}  `);
      } else {
        lines.push(`${indent}${k}: ${yamlScalar(v)}`);
      }
    }
  };
  emit(defaults, schema.properties, '');
  return `${lines.join('\n')}\n`;
}

/** The README's values table: every key of the schema with its type and default. */
export function backupValuesTable(): string {
  const defaults = backupChartDefaults();
  const rows: string[] = ['| Key | Type | Default | Description |', '| --- | --- | --- | --- |'];
  const get = (path: string[]): any => path.reduce((o, k) => (o === undefined ? undefined : o[k]), defaults);
  const walk = (props: JsonSchema, path: string[]) => {
    for (const [k, s] of Object.entries(props ?? {})) {
      const here = [...path, k];
      const type = s.type ?? (s.enum ? 'string' : '');
      const enumText = s.enum ? ` One of: ${s.enum.map((e: any) => `\`${e}\``).join(', ')}.` : '';
      if (path.join('.') === 'databases.[]' && (SETTING_KEYS as readonly string[]).includes(k)) {
        rows.push(`| \`databases[].${k}\` | ${type} |  | This database's \`defaults.${k}\` (replaces it as a whole). |`);
        continue;
      }
      const def = get(here.filter((p) => p !== '[]'));
      rows.push(`| \`${here.join('.').replace(/\.\[\]/g, '[]')}\` | ${type} | ${def === undefined ? '' : `\`${JSON.stringify(def)}\``} | ${String(s.description ?? '').replace(/\|/g, '\\|')}${enumText} |`);
      if (s.type === 'object' && s.properties && !['settings'].includes(k)) walk(s.properties, here);
      if (s.type === 'array' && s.items?.properties) walk(s.items.properties, [...here, '[]']);
    }
  };
  walk(backupValuesSchema().properties, []);
  return rows.join('\n');
}
