/**
 * Bad values of the per-database chart: each one is refused by the constructs (the values
 * model) and by `helm template` with Helm 3 and Helm 4, and both name the same values path.
 */
import * as fs from 'fs';
import * as path from 'path';
import { backupValuesSchema } from '../../generator/backup-chart/schema';
import { constructRender, helmRender, normalizeHelmPaths, writeTempBackupChart, writeValuesFile } from '../support/backup-chart';
import { findHelm, HelmBinary } from '../support/helm';

/** A valid base: one database; each case changes one thing. */
const BASE = {
  defaults: {
    version: '8.0.36',
    backend: { provider: 'gcs', gcs: { bucket: 'acme-db-backups' } },
    storageSecretName: 'gcs-secret',
    schedule: { cron: '0 2 * * *' },
    retentionPolicy: { keepLast: 5 },
  },
  databases: [{ name: 'orders' }],
};

const BLUEPRINT = { enabled: true, name: 'bp', backend: { provider: 'gcs', gcs: { bucket: 'acme-db-backups' } }, prefix: 'stash/${TARGET_NAME}', storageSecretName: 's', schedule: { cron: '@daily' }, retentionPolicy: { keepLast: 3 } };
const db = (extra: object) => ({ ...BASE, databases: [{ name: 'orders', ...extra }] });
const defaults = (extra: object, databases: object[] = BASE.databases) => ({ ...BASE, defaults: { ...BASE.defaults, ...extra }, databases });
const restore = (r: object, databases: object[] = [{ name: 'orders' }]) => ({ ...BASE, databases, restores: [{ name: 'restore-1', database: 'orders-copy', from: 'orders', ...r }] });
/** A copy on another bucket; each case changes one thing. */
const OFFSITE = { name: 'offsite', backend: { provider: 's3', s3: { bucket: 'acme-offsite', region: 'eu-central-1' } }, storageSecretName: 's3-offsite' };
const copies = (...list: object[]) => db({ copies: list });
const cluster = (extra: object) => restore({ cluster: { replicas: 3, volumeClaimTemplates: [{ name: 'data-orders-copy-${POD_ORDINAL}', storage: '10Gi' }], ...extra } });

/** [case, values, the values path both must name]. */
const CASES: Array<[string, object, string]> = [
  ['database name with upper case', { ...BASE, databases: [{ name: 'Orders' }] }, 'databases[0].name'],
  ['database name too long for <name>-backup', { ...BASE, databases: [{ name: 'a'.repeat(57) }] }, 'databases[0].name'],
  ['database name too long for its restore drill', { ...BASE, databases: [{ name: 'd'.repeat(42), drill: { enabled: true } }] }, 'databases[0].name'],
  ['drill rule with an operator KubeStash does not have', db({ drill: { enabled: true, rowCountRules: [{ database: 'shop', table: 'orders', rowCount: { operator: '=~', value: 1 } }] } }), 'databases[0].drill.rowCountRules[0].rowCount.operator'],
  ['drill with an unknown key', defaults({ drill: { enabled: true, galera: true } }), 'defaults.drill'],
  ['drill schedule inside the backup window', db({ drill: { enabled: true, schedule: { cron: '30 2 * * 6' } } }), 'databases[0].drill.schedule'],
  ['drill schedule from defaults inside a backup window', defaults({ drill: { enabled: true, schedule: { cron: '15 2 * * 0' } } }), 'defaults.drill.schedule'],
  ['default drill window placed inside the backup window (same window)', db({ schedule: { window: { start: '10:00', end: '16:00', days: [6] } }, drill: { enabled: true } }), 'databases[0].drill.schedule'],
  ['drill inside a longer backupDuration', db({ drill: { enabled: true, schedule: { cron: '30 4 * * 6' }, backupDuration: '3h' } }), 'databases[0].drill.schedule'],
  ['drill backupDuration under a minute', db({ drill: { enabled: true, backupDuration: '30s' } }), 'databases[0].drill.backupDuration'],
  ['KubeDB drill name longer than KubeDB takes', { ...BASE, databases: [{ name: 'a'.repeat(27), drill: { enabled: true, throwaway: { kubedb: {} } } }] }, 'databases[0].name'],
  ['KubeDB drill version of another line', db({ drill: { enabled: true, throwaway: { kubedb: { version: '5.7.44' } } } }), 'databases[0].drill.throwaway.kubedb.version'],
  ['KubeDB drill version the addon does not have', db({ drill: { enabled: true, throwaway: { kubedb: { version: '9.1' } } } }), 'databases[0].drill.throwaway.kubedb.version'],
  ['KubeDB drill of a line KubeDB has no PerconaXtraDB of', db({ version: '8.4.3', drill: { enabled: true, throwaway: { kubedb: {} } } }), 'databases[0].drill.throwaway.kubedb'],
  ['KubeDB drill with fewer than 3 members', defaults({ drill: { enabled: true, throwaway: { kubedb: { replicas: 1 } } } }), 'defaults.drill.throwaway.kubedb.replicas'],
  ['KubeDB drill StorageClass without storage', db({ drill: { enabled: true, throwaway: { kubedb: { storageClassName: 'fast' } } } }), 'databases[0].drill.throwaway.kubedb.storageClassName'],
  ['KubeDB drill with network policies', { ...db({ drill: { enabled: true, throwaway: { kubedb: {} } } }), networkPolicy: { enabled: true, apiServerCidrs: ['10.0.0.1/32'] } }, 'databases[0].drill.throwaway.kubedb'],
  ['drill pushing to another Pushgateway under network policies, without pushgatewayPeer', { ...db({ drill: { enabled: true, pushgatewayUrl: 'http://pushgateway.monitoring.svc:9091' } }), networkPolicy: { enabled: true, apiServerCidrs: ['10.0.0.1/32'] } }, 'networkPolicy.pushgatewayPeer'],
  ['drill pushing to the operator\'s port in another namespace, without pushgatewayPeer', { ...db({ drill: { enabled: true, pushgatewayUrl: 'http://stash-stash-pxc.ops.svc:56789' } }), networkPolicy: { enabled: true, apiServerCidrs: ['10.0.0.1/32'] } }, 'networkPolicy.pushgatewayPeer'],
  ['pushgatewayPeer that selects nothing', { ...db({}), networkPolicy: { enabled: true, apiServerCidrs: ['10.0.0.1/32'], pushgatewayPeer: { namespace: 'monitoring' } } }, 'networkPolicy.pushgatewayPeer'],
  ['Galera drill without a claim size', db({ galera: true, drill: { enabled: true } }), 'databases[0].drill.claimStorage'],
  ['database name too long for its Galera drill\'s second restore Job', { ...BASE, databases: [{ name: 'g'.repeat(40), galera: true, drill: { enabled: true, claimStorage: '20Gi' } }] }, 'databases[0].name'],
  ['Galera drill run by KubeDB', db({ galera: true, drill: { enabled: true, claimStorage: '20Gi', throwaway: { kubedb: {} } } }), 'databases[0].drill.throwaway.kubedb'],
  ['database listed twice', { ...BASE, databases: [{ name: 'orders' }, { name: 'orders' }] }, 'databases[1].name'],
  ['one database name in two namespaces (one BackupConfiguration name)', { ...BASE, databases: [{ name: 'orders' }, { name: 'orders', namespace: 'lab' }] }, 'databases[1].name'],
  ['version without an addon Task (database)', db({ version: '9.1.0' }), 'databases[0].version'],
  ['version without an addon Task (defaults)', defaults({ version: '5.6.1' }), 'defaults.version'],
  ['version missing', { ...BASE, defaults: { ...BASE.defaults, version: undefined } }, 'defaults.version'],
  ['cron that never fires', db({ schedule: { cron: '0 0 31 2 *' } }), 'databases[0].schedule'],
  ['cron with a seconds field', defaults({ schedule: { cron: '0 0 2 * * *' } }), 'defaults.schedule'],
  ['cron minute out of range', db({ schedule: { cron: '61 2 * * *' } }), 'databases[0].schedule'],
  ['cron range that starts after it ends', db({ schedule: { cron: '50-10 * * * *' } }), 'databases[0].schedule'],
  ['cron weekday range that starts after it ends', db({ schedule: { cron: '0 2 * * FRI-MON' } }), 'databases[0].schedule'],
  ['cron step 0', db({ schedule: { cron: '*/0 * * * *' } }), 'databases[0].schedule'],
  ['cron weekday that is no name', db({ schedule: { cron: '0 2 * * FUNDAY' } }), 'databases[0].schedule'],
  ['schedule with cron and window', db({ schedule: { cron: '0 2 * * *', window: { start: '01:00', end: '02:00' } } }), 'databases[0].schedule'],
  ['spread window of zero length', db({ schedule: { window: { start: '01:00', end: '01:00' } } }), 'databases[0].schedule.window'],
  ['spread window start not a time', db({ schedule: { window: { start: '25:00', end: '01:00' } } }), 'databases[0].schedule.window'],
  ['retention policy without a rule', defaults({ retentionPolicy: {} }), 'defaults.retentionPolicy'],
  ['retention keepLast 0', db({ retentionPolicy: { keepLast: 0 } }), 'databases[0].retentionPolicy.keepLast'],
  ['backend without provider', defaults({ backend: {} }), 'defaults.backend.provider'],
  ['S3 insecureTls with a custom CA', db({ backend: { provider: 's3', s3: { bucket: 'backups', endpoint: 'https://minio:9000', insecureTls: true, customCaCertificate: true } } }), 'databases[0].backend.s3.insecureTls'],
  ['GCS bucket with upper case and underscore', db({ backend: { provider: 'gcs', gcs: { bucket: 'Bad_Bucket' } } }), 'databases[0].backend.gcs.bucket'],
  ['two databases sharing one repository location', defaults({ prefix: 'stash/${DATABASE_NAMESPACE}' }, [{ name: 'orders' }, { name: 'billing' }]), 'defaults.prefix'],
  ['two databases whose prefixes are equal after normalising slashes', { ...BASE, databases: [{ name: 'orders', prefix: 'stash/shop' }, { name: 'billing', prefix: '/stash/shop/' }] }, 'databases[1].prefix'],
  ['a prefix inside another database\'s', { ...BASE, databases: [{ name: 'orders', prefix: 'stash' }, { name: 'billing', prefix: 'stash/billing' }] }, 'databases[1].prefix'],
  ['an empty prefix (the bucket root) beside a prefix', { ...BASE, databases: [{ name: 'billing' }, { name: 'orders', prefix: '' }] }, 'databases[1].prefix'],
  ['two databases on one REST server path', defaults({ backend: { provider: 'rest', rest: { url: 'https://rest.storage.svc:8000/shared/' } } }, [{ name: 'orders' }, { name: 'billing' }]), 'defaults.backend.rest.url'],
  ['a blueprint whose prefix pattern can expand onto a database\'s', { ...BASE, blueprint: { ...BLUEPRINT, prefix: 'stash/${TARGET_NAMESPACE}/${TARGET_NAME}' } }, 'blueprint.prefix'],
  ['prefix with an empty segment', db({ prefix: 'stash//${DATABASE_NAME}' }), 'databases[0].prefix'],
  ['prefix with a variable only a blueprint resolves', defaults({ prefix: 'stash/${TARGET_NAME}/${DATABASE_NAME}' }), 'defaults.prefix'],
  ['local backend with an absolute subPath', db({ prefix: '/backups/${DATABASE_NAME}', backend: { provider: 'local', local: { persistentVolumeClaim: { claimName: 'backups' } } } }), 'databases[0].prefix'],
  ['local backend mounted over /tmp', db({ backend: { provider: 'local', local: { nfs: { server: 'nfs', path: '/exports' }, mountPath: '/tmp/backups' } } }), 'databases[0].backend.local.mountPath'],
  ['storage Secret name missing', defaults({ storageSecretName: '' }), 'defaults.storageSecretName'],
  ['timeout shorter than a Job start', db({ timeout: '30s' }), 'databases[0].timeout'],
  ['niceness out of range', db({ runtimeSettings: { container: { nice: 25 } } }), 'databases[0].runtimeSettings.container.nice'],
  ['pre-backup hook with an execution policy', db({ preBackupHook: { exec: { command: ['/bin/true'] }, executionPolicy: 'OnFailure' } }), 'databases[0].preBackupHook.executionPolicy'],
  ['empty mysqldump args', db({ args: '  ' }), 'databases[0].args'],
  ['waitTimeout 0', db({ waitTimeout: 0 }), 'databases[0].waitTimeout'],
  ['restore name with underscore', restore({ name: 'Restore_1' }), 'restores[0].name'],
  ['restore into a database this release backs up', restore({ database: 'orders' }), 'restores[0].database'],
  ['restore from a database the release does not back up', restore({ from: 'unknown' }), 'restores[0].from'],
  ['restore from a database in another namespace', restore({ fromNamespace: 'other' }, [{ name: 'orders', namespace: 'other' }]), 'restores[0].from'],
  ['restore snapshot that is not an id', restore({ snapshot: 'abc' }), 'restores[0].snapshot'],
  ['cluster restore claim without ${POD_ORDINAL}', cluster({ volumeClaimTemplates: [{ name: 'data-copy', storage: '10Gi' }] }), 'restores[0].cluster.volumeClaimTemplates[0].name'],
  ['cluster restore claim with the ordinal written out', cluster({ volumeClaimTemplates: [{ name: 'data-orders-copy-0', storage: '10Gi' }] }), 'restores[0].cluster.volumeClaimTemplates[0].name'],
  ['cluster restore claim with ${POD_ORDINAL} after no dash', cluster({ volumeClaimTemplates: [{ name: 'data-orders-copy${POD_ORDINAL}', storage: '10Gi' }] }), 'restores[0].cluster.volumeClaimTemplates[0].name'],
  ['cluster restore claim of another database', cluster({ volumeClaimTemplates: [{ name: 'data-orders-${POD_ORDINAL}', storage: '10Gi' }] }), 'restores[0].cluster.volumeClaimTemplates[0].name'],
  ['cluster restore data volume matching no template', cluster({ dataVolumeName: 'mysql' }), 'restores[0].cluster.dataVolumeName'],
  ['cluster restore with mysql args', restore({ args: '--one-database x', cluster: { replicas: 3, volumeClaimTemplates: [{ name: 'data-orders-copy-${POD_ORDINAL}', storage: '10Gi' }] } }), 'restores[0].args'],
  ['cluster restore claim smaller than a data directory', cluster({ volumeClaimTemplates: [{ name: 'data-orders-copy-${POD_ORDINAL}', storage: '512Ki' }] }), 'restores[0].cluster.volumeClaimTemplates[0].storage'],
  ['pre-restore hook with an execution policy', restore({ overwrite: true, preRestoreHook: { exec: { command: ['/bin/true'] }, executionPolicy: 'Always' } }), 'restores[0].preRestoreHook.executionPolicy'],
  ['pre-restore hook where the restore guard runs', restore({ preRestoreHook: { exec: { command: ['/bin/true'] } } }), 'restores[0].preRestoreHook'],
  ['overwrite on a cluster restore', restore({ overwrite: true, cluster: { replicas: 3, volumeClaimTemplates: [{ name: 'data-orders-copy-${POD_ORDINAL}', storage: '10Gi' }] } }), 'restores[0].overwrite'],
  ['clone of one member (KubeDB refuses fewer than 3)', { ...BASE, clones: [{ name: 'orders-copy', from: 'orders', storage: '10Gi', replicas: 1 }] }, 'clones[0].replicas'],
  ['clone cluster of two', { ...BASE, clones: [{ name: 'orders-copy', from: 'orders', storage: '10Gi', mode: 'Cluster', replicas: 2 }] }, 'clones[0].replicas'],
  ['clone name longer than KubeDB takes', { ...BASE, clones: [{ name: 'orders-copy-for-the-audit-of-2026', from: 'orders', storage: '10Gi' }] }, 'clones[0].name'],
  ['clone into a database this release backs up', { ...BASE, clones: [{ name: 'orders', from: 'orders', storage: '10Gi' }] }, 'clones[0].name'],
  ['clone of an unknown version', { ...BASE, clones: [{ name: 'orders-copy', from: 'orders', version: '9.9.1', storage: '10Gi' }] }, 'clones[0].version'],
  ['clone storage that is not a quantity', { ...BASE, clones: [{ name: 'orders-copy', from: 'orders', storage: '10 GB' }] }, 'clones[0].storage'],
  ['clone storage too small for a data directory', { ...BASE, clones: [{ name: 'orders-copy', from: 'orders', storage: '512Ki' }] }, 'clones[0].storage'],
  ['restore point in time before every snapshot', restore({ snapshotNotAfter: '2026-01-01T00:00:00Z', snapshots: [{ id: '2222bbbb', time: '2026-11-30T02:00:04Z' }] }), 'restores[0].snapshotNotAfter'],
  ['restore point in time with no snapshot list', restore({ snapshotNotAfter: '2026-12-01T00:00:00Z' }), 'restores[0].snapshotNotAfter'],
  ['restore point in time together with snapshot', restore({ snapshot: 'latest', snapshotNotAfter: '2026-12-01T00:00:00Z', snapshots: [] }), 'restores[0].snapshotNotAfter'],
  ['restore point in time that is not RFC 3339', restore({ snapshotNotAfter: 'yesterday', snapshots: [] }), 'restores[0].snapshotNotAfter'],
  ['clone point in time before every snapshot', { ...BASE, clones: [{ name: 'orders-copy', from: 'orders', storage: '10Gi', snapshotNotAfter: '2026-01-01T00:00:00Z', snapshots: [{ id: '2222bbbb', time: '2026-11-30T02:00:04Z' }] }] }, 'clones[0].snapshotNotAfter'],
  ['guard container name with upper case', restore({ guardContainerName: 'MySQL' }), 'restores[0].guardContainerName'],
  ['post-restore hook on final retry failure', restore({ postRestoreHook: { exec: { command: ['/bin/true'] }, executionPolicy: 'OnFinalRetryFailure' } }), 'restores[0].postRestoreHook.executionPolicy'],
  ['restore annotation key with a space', restore({ annotations: { 'bad key': 'x' } }), 'restores[0].annotations'],
  ['storage Secret without a key the backend needs', { ...BASE, storageSecret: { create: true, data: { RESTIC_PASSWORD: 'x' } } }, 'storageSecret.data.GOOGLE_PROJECT_ID'],
  ['S3 endpoint with an ftp scheme', db({ backend: { provider: 's3', s3: { bucket: 'backups', endpoint: 'ftp://minio:9000' } } }), 'databases[0].backend.s3.endpoint'],
  ['S3 endpoint with embedded credentials', db({ backend: { provider: 's3', s3: { bucket: 'backups', endpoint: 'https://admin:secret@minio:9000' } } }), 'databases[0].backend.s3.endpoint'],
  ['S3 endpoint host with credentials and no scheme', defaults({ backend: { provider: 's3', s3: { bucket: 'backups', endpoint: 'admin:secret@minio:9000' } } }), 'defaults.backend.s3.endpoint'],
  ['S3 endpoint that is no URL', db({ backend: { provider: 's3', s3: { bucket: 'backups', endpoint: 'minio server' } } }), 'databases[0].backend.s3.endpoint'],
  ['S3 endpoint with a port out of range', db({ backend: { provider: 's3', s3: { bucket: 'backups', endpoint: 'https://minio:99999' } } }), 'databases[0].backend.s3.endpoint'],
  ['REST URL with a user name', db({ backend: { provider: 'rest', rest: { url: 'https://admin@rest.storage.svc:8000/${DATABASE_NAME}' } } }), 'databases[0].backend.rest.url'],
  ['S3 bucket that looks like an IP address', db({ backend: { provider: 's3', s3: { bucket: '192.168.1.10' } } }), 'databases[0].backend.s3.bucket'],
  ['S3 bucket with ".."', db({ backend: { provider: 's3', s3: { bucket: 'acme..backups' } } }), 'databases[0].backend.s3.bucket'],
  ['S3 bucket with ".-"', db({ backend: { provider: 's3', s3: { bucket: 'acme.-backups' } } }), 'databases[0].backend.s3.bucket'],
  ['S3 bucket with "-."', defaults({ backend: { provider: 's3', s3: { bucket: 'acme-.backups' } } }), 'defaults.backend.s3.bucket'],
  ['GCS bucket starting with "goog"', db({ backend: { provider: 'gcs', gcs: { bucket: 'goog-backups' } } }), 'databases[0].backend.gcs.bucket'],
  ['GCS bucket containing "google"', defaults({ backend: { provider: 'gcs', gcs: { bucket: 'acme-google-backups' } } }), 'defaults.backend.gcs.bucket'],
  ['GCS bucket of 64 characters without a dot', db({ backend: { provider: 'gcs', gcs: { bucket: 'a'.repeat(64) } } }), 'databases[0].backend.gcs.bucket'],
  ['GCS bucket with a dot-separated part over 63', db({ backend: { provider: 'gcs', gcs: { bucket: `${'a'.repeat(64)}.example.com` } } }), 'databases[0].backend.gcs.bucket'],
  ['Azure container with "--"', db({ backend: { provider: 'azure', azure: { container: 'acme--backups' } } }), 'databases[0].backend.azure.container'],
  ['B2 bucket starting with "b2-"', db({ backend: { provider: 'b2', b2: { bucket: 'b2-backups' } } }), 'databases[0].backend.b2.bucket'],
  ['Swift container with "/"', db({ backend: { provider: 'swift', swift: { container: 'backups/xtradb' } } }), 'databases[0].backend.swift.container'],
  ['CPU request above the limit', db({ runtimeSettings: { container: { resources: { requests: { cpu: '2' }, limits: { cpu: '500m' } } } } }), 'databases[0].runtimeSettings.container.resources.cpu'],
  ['memory request above the limit (defaults)', defaults({ runtimeSettings: { container: { resources: { requests: { memory: '2Gi' }, limits: { memory: '1536Mi' } } } } }), 'defaults.runtimeSettings.container.resources.memory'],
  ['CPU request under 1m', db({ runtimeSettings: { container: { resources: { requests: { cpu: '0.0005' } } } } }), 'databases[0].runtimeSettings.container.resources.cpu.request'],
  ['restore CPU request above the limit', restore({ runtimeSettings: { container: { resources: { requests: { cpu: '1500m' }, limits: { cpu: '1' } } } } }), 'restores[0].runtimeSettings.container.resources.cpu'],
  ['blueprint memory request above the limit', { blueprint: { enabled: true, name: 'bp', backend: { provider: 'gcs', gcs: { bucket: 'acme-db-backups' } }, prefix: 'stash/${TARGET_NAMESPACE}/${TARGET_NAME}', storageSecretName: 's', schedule: { cron: '@daily' }, retentionPolicy: { keepLast: 3 }, runtimeSettings: { container: { resources: { requests: { memory: '1Gi' }, limits: { memory: '512Mi' } } } } } }, 'blueprint.runtimeSettings.container.resources.memory'],
  ['cluster restore claim too long for the last member', cluster({ replicas: 10, volumeClaimTemplates: [{ name: `${'d'.repeat(252)}-\${POD_ORDINAL}`, storage: '10Gi' }] }), 'restores[0].cluster.volumeClaimTemplates[0].name'],
  ['cluster restore claim with upper case', cluster({ volumeClaimTemplates: [{ name: 'Data-${POD_ORDINAL}', storage: '10Gi' }] }), 'restores[0].cluster.volumeClaimTemplates[0].name'],
  ['cluster restore claim with another variable', cluster({ volumeClaimTemplates: [{ name: 'data-${DATABASE_NAME}-${POD_ORDINAL}', storage: '10Gi' }] }), 'restores[0].cluster.volumeClaimTemplates[0].name'],
  ['variable in both env and secretEnv', db({ runtimeSettings: { container: { env: { MYSQL_PWD: 'x' }, secretEnv: { MYSQL_PWD: { secretName: 'auth', key: 'password' } } } } }), 'databases[0].runtimeSettings.container.env'],
  ['secretEnv without a key', db({ runtimeSettings: { container: { secretEnv: { MYSQL_PWD: { secretName: 'auth' } } } } }), 'databases[0].runtimeSettings.container.secretEnv.MYSQL_PWD'],
  ['tempDir smaller than 1Mi', db({ tempDir: { sizeLimit: '512Ki' } }), 'databases[0].tempDir.sizeLimit'],
  ['tempDir medium that is no medium', defaults({ tempDir: { medium: 'Disk' } }), 'defaults.tempDir.medium'],
  ['restore tempDir smaller than 1Mi', restore({ tempDir: { sizeLimit: '100Ki' } }), 'restores[0].tempDir.sizeLimit'],
  ['restore from another namespace its usage policy does not allow', restore({ fromNamespace: 'dbs' }, [{ name: 'orders', namespace: 'dbs', usagePolicy: { namespaces: ['other'] } }]), 'restores[0].from'],
  ['usage policy with two choices', db({ usagePolicy: { allNamespaces: true, namespaces: ['a'] } }), 'databases[0].usagePolicy'],
  ['usage policy naming no namespace', db({ usagePolicy: { namespaces: [] } }), 'databases[0].usagePolicy'],
  ['usage policy with no label', db({ usagePolicy: { namespacesWithLabels: {} } }), 'databases[0].usagePolicy'],
  ['HTTP hook header name with a space', db({ preBackupHook: { httpGet: { port: 80, headers: { 'bad header': 'x' } } } }), 'databases[0].preBackupHook.httpGet.headers'],
  ['HTTP hook header value over two lines', db({ postBackupHook: { httpPost: { port: 80, headers: { 'X-A': 'a\nb' } } } }), 'databases[0].postBackupHook.httpPost.headers.X-A'],
  ['blueprint repositoryNamespace with upper case', { blueprint: { ...BLUEPRINT, repositoryNamespace: 'Bad_NS' } }, 'blueprint.repositoryNamespace'],
  ['blueprint tempDir smaller than 1Mi', { blueprint: { ...BLUEPRINT, tempDir: { sizeLimit: '1Ki' } } }, 'blueprint.tempDir.sizeLimit'],
  ['restore rules together with snapshot', restore({ snapshot: '4bc21d6f', rules: [{ snapshots: ['latest'] }] }), 'restores[0].snapshot'],
  ['restore rules empty', restore({ rules: [] }), 'restores[0].rules'],
  ['restore rule with no snapshot', restore({ rules: [{ snapshots: [] }] }), 'restores[0].rules[0].snapshots'],
  ['restore rule snapshot that is not an id', restore({ rules: [{}, { snapshots: ['abc'] }] }), 'restores[0].rules[1].snapshots'],
  ['restore rule with an empty sourceHost', restore({ rules: [{ sourceHost: ' ' }] }), 'restores[0].rules[0].sourceHost'],
  ['cluster restore rule target host beyond replicas', restore({ cluster: { replicas: 3, volumeClaimTemplates: [{ name: 'data-orders-copy-${POD_ORDINAL}', storage: '10Gi' }] }, rules: [{ targetHosts: ['host-0', 'host-3'], sourceHost: 'host-0' }] }), 'restores[0].rules[0].targetHosts'],
  ['restore rule target host that is no host name', restore({ rules: [{ targetHosts: ['orders-0'] }] }), 'restores[0].rules[0].targetHosts'],
  ['memory request of zero', db({ runtimeSettings: { container: { resources: { requests: { memory: '0Mi' } } } } }), 'databases[0].runtimeSettings.container.resources.memory.request'],
  ['memory limit beyond a quantity', db({ runtimeSettings: { container: { resources: { limits: { memory: '99999999999Ti' } } } } }), 'databases[0].runtimeSettings.container.resources.memory.limit'],
  ['CPU limit beyond a quantity', db({ runtimeSettings: { container: { resources: { limits: { cpu: '99999999999999999' } } } } }), 'databases[0].runtimeSettings.container.resources.cpu.limit'],
  ['tempDir of zero', db({ tempDir: { sizeLimit: '0Mi' } }), 'databases[0].tempDir.sizeLimit'],
  ['network policy without the API server\'s addresses', { ...BASE, networkPolicy: { enabled: true } }, 'networkPolicy.apiServerCidrs'],
  ['network policy API server address with an octet over 255', { ...BASE, networkPolicy: { enabled: true, apiServerCidrs: ['10.0.0.300/32'] } }, 'networkPolicy.apiServerCidrs'],
  ['network policy object store given by host name', { ...BASE, networkPolicy: { enabled: true, apiServerCidrs: ['10.0.0.1/32'], objectStoreCidrs: ['storage.googleapis.com'] } }, 'networkPolicy.objectStoreCidrs'],
  ['network policy operator label key with a space', { ...BASE, networkPolicy: { enabled: true, apiServerCidrs: ['10.0.0.1/32'], operatorPodLabels: { 'bad key': 'x' } } }, 'networkPolicy.operatorPodLabels'],
  ['copy in the primary\'s bucket and prefix', copies({ ...OFFSITE, backend: { provider: 'gcs', gcs: { bucket: 'acme-db-backups' } } }), 'databases[0].copies[0].prefix'],
  ['copy inside the primary\'s prefix', copies({ ...OFFSITE, backend: { provider: 'gcs', gcs: { bucket: 'acme-db-backups' } }, prefix: 'stash/${DATABASE_NAMESPACE}/${DATABASE_NAME}/copy' }), 'databases[0].copies[0].prefix'],
  ['two copies in one location', copies(OFFSITE, { ...OFFSITE, name: 'second' }), 'databases[0].copies[1].prefix'],
  ['a defaults copy in one location for two databases', defaults({ copies: [{ ...OFFSITE, prefix: 'copies/${DATABASE_NAMESPACE}' }] }, [{ name: 'orders' }, { name: 'billing' }]), 'defaults.copies[0].prefix'],
  ['two copies with one name', copies(OFFSITE, { ...OFFSITE, backend: { provider: 's3', s3: { bucket: 'acme-offsite-2' } } }), 'databases[0].copies[1].name'],
  ['copy name with upper case', copies({ ...OFFSITE, name: 'OffSite' }), 'databases[0].copies[0].name'],
  ['copy name too long for <database>-copy-<name>-backup', { ...BASE, databases: [{ name: 'orders-of-the-european-webshop', copies: [{ ...OFFSITE, name: 'offsite-frankfurt-region' }] }] }, 'databases[0].copies[0].name'],
  ['two copies whose trigger CronJobs Stash shortens to one name', copies({ ...OFFSITE, backupName: 'orders-copy-aaaa-offsite-backup-0123456789' }, { ...OFFSITE, name: 'second', backend: { provider: 's3', s3: { bucket: 'acme-offsite-2' } }, backupName: 'orders-copy-bbbb-offsite-backup-0123456789' }), 'databases[0].copies[1].backupName'],
  ['copy without a storage Secret', copies({ name: 'offsite', backend: OFFSITE.backend }), 'databases[0].copies[0]'],
  ['copy retention policy without a rule', copies({ ...OFFSITE, retentionPolicy: {} }), 'databases[0].copies[0].retentionPolicy'],
  ['copy cron that never fires', copies({ ...OFFSITE, schedule: { cron: '0 0 30 2 *' } }), 'databases[0].copies[0].schedule'],
  ['restore from a copy the database does not have', restore({ fromCopy: 'ofsite' }, [{ name: 'orders', copies: [OFFSITE] }]), 'restores[0].fromCopy'],
  ['restore from a copy of a database without copies', restore({ fromCopy: 'offsite' }), 'restores[0].fromCopy'],
  ['restore from a copy of a Repository given by name', restore({ from: undefined, version: '8.0.36', repository: { name: 'orders-repo' }, fromCopy: 'offsite' }), 'restores[0].fromCopy'],
  ['clone from a copy the database does not have', { ...BASE, databases: [{ name: 'orders', copies: [OFFSITE] }], clones: [{ name: 'orders-clone', from: 'orders', fromCopy: 'nas', storage: '10Gi' }] }, 'clones[0].fromCopy'],
  ['drill of a copy the database does not have', db({ copies: [OFFSITE], drill: { enabled: true, fromCopy: 'nas' } }), 'databases[0].drill.fromCopy'],
  ['blueprint prefix without ${TARGET_NAME}', { blueprint: { enabled: true, name: 'bp', backend: { provider: 'gcs', gcs: { bucket: 'acme-db-backups' } }, prefix: 'stash/all', storageSecretName: 's', schedule: { cron: '@daily' }, retentionPolicy: { keepLast: 3 } } }, 'blueprint.prefix'],
];

/**
 * Values where the schema only repeats what a template checks better: the schema takes any string
 * there, so Helm shows the template's message with its fix, not a pattern. [case, values, the
 * path Helm names, what it says, the path the constructs name (with a fix on the same line)].
 */
const TEMPLATE_FIRST: Array<[string, object, string, string, string]> = [
  ['cron with a seconds field', defaults({ schedule: { cron: '0 0 2 * * *' } }), 'defaults.schedule.cron', '"0 0 2 * * *" has 6 fields, but a Kubernetes cron schedule has exactly 5: minute hour day-of-month month day-of-week (a seconds field is not supported). Fix: write five fields', 'defaults.schedule'],
  ['cron of one word', db({ schedule: { cron: 'nightly' } }), 'databases[0].schedule.cron', '"nightly" has 1 fields, but a Kubernetes cron schedule has exactly 5', 'databases[0].schedule'],
  ['cron macro that does not exist', db({ schedule: { cron: '@fortnightly' } }), 'databases[0].schedule.cron', '"@fortnightly" is not a known macro (use one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or "@every <duration>"). Fix: ', 'databases[0].schedule'],
  ['cron with a time zone', db({ schedule: { cron: 'TZ=UTC 0 2 * * *' } }), 'databases[0].schedule.cron', '"TZ=UTC 0 2 * * *" sets a time zone, which Kubernetes refuses in a CronJob schedule', 'databases[0].schedule'],
  ['blueprint cron with a seconds field', { blueprint: { ...BLUEPRINT, schedule: { cron: '0 0 3 * * *' } } }, 'blueprint.schedule.cron', '"0 0 3 * * *" has 6 fields', 'blueprint.schedule'],
  ['version that is no version', db({ version: 'latest' }), 'databases[0].version', '"latest" is not a Percona XtraDB version the Stash addon supports. Fix: use the database\'s version, which must be in a supported line', 'databases[0].version'],
  ['restore version that is no version', restore({ version: 'eight' }), 'restores[0].version', '"eight" is not a Percona XtraDB version the Stash addon supports. Fix: ', 'restores[0].version'],
  ['REST URL without a scheme', db({ backend: { provider: 'rest', rest: { url: 'rest.storage.svc:8000/orders' } } }), 'databases[0].backend.rest.url', 'is not a valid REST server URL. Fix: use a URL such as "https://host:8000/"', 'databases[0].backend.rest.url'],
];

describe('stash-pxc-backup: where the template checks better than the schema, Helm shows the template\'s message and fix', () => {
  const chart = writeTempBackupChart();
  const dir = path.dirname(chart.dir);
  const helms: HelmBinary[] = [findHelm(3), findHelm(4)];
  afterAll(() => chart.cleanup());

  test.each(TEMPLATE_FIRST)('%s', async (name, values, where, says, constructWhere) => {
    const file = writeValuesFile(dir, `first-${name.replace(/[^a-z0-9]+/gi, '-')}.yaml`, JSON.parse(JSON.stringify(values)));
    const fromConstructs = constructRender(file);
    const line = (fromConstructs.error ?? '').split('\n').map((l) => l.trim()).find((l) => l.startsWith(`${constructWhere}: `));
    expect(line).toMatch(/\. Fix: \S/);
    for (const helm of helms) {
      const fromHelm = await helmRender(helm, chart.dir, file);
      expect({ helm: helm.label, error: fromHelm.error?.includes(`${where}: `) && fromHelm.error.includes(says) ? says : fromHelm.error }).toEqual({ helm: helm.label, error: says });
    }
    fs.rmSync(file);
  }, 60000);
});

/** Clone values KubeDB would refuse: Helm and the constructs say the same line. [case, values, the line]. */
const SAME_LINE: Array<[string, object, string]> = [
  ['clone of one member', { ...BASE, clones: [{ name: 'orders-copy', from: 'orders', storage: '10Gi', replicas: 1 }] },
    'clones[0].replicas: 1 members, but KubeDB runs every PerconaXtraDB as a Galera cluster and refuses fewer than 3. Fix: leave replicas out (3), or give 3 or more.'],
  ['clone of a cluster backup with two members', { ...BASE, clones: [{ name: 'orders-copy', from: 'orders', storage: '10Gi', mode: 'Cluster', replicas: 2 }] },
    'clones[0].replicas: 2 members, but KubeDB runs every PerconaXtraDB as a Galera cluster and refuses fewer than 3. Fix: leave replicas out (3), or give 3 or more.'],
  ['clone name longer than KubeDB takes', { ...BASE, clones: [{ name: 'orders-copy-for-the-audit-of-2026', from: 'orders', storage: '10Gi' }] },
    'clones[0].name: "orders-copy-for-the-audit-of-2026" is 33 characters, and KubeDB refuses a PerconaXtraDB whose name (its Galera cluster name) is longer than 32. Fix: give the clone a name of at most 32 characters.'],
];

describe('stash-pxc-backup: a clone KubeDB would refuse reads the same from Helm and the constructs', () => {
  const chart = writeTempBackupChart();
  const dir = path.dirname(chart.dir);
  const helms: HelmBinary[] = [findHelm(3), findHelm(4)];
  afterAll(() => chart.cleanup());

  test.each(SAME_LINE)('%s', async (name, values, says) => {
    const file = writeValuesFile(dir, `same-${name.replace(/[^a-z0-9]+/gi, '-')}.yaml`, JSON.parse(JSON.stringify(values)));
    const fromConstructs = constructRender(file);
    expect((fromConstructs.error ?? '').split('\n').map((l) => l.trim())).toContain(says);
    for (const helm of helms) {
      const fromHelm = await helmRender(helm, chart.dir, file);
      expect({ helm: helm.label, error: fromHelm.error?.includes(says) ? says : fromHelm.error }).toEqual({ helm: helm.label, error: says });
    }
    fs.rmSync(file);
  }, 60000);
});

describe('stash-pxc-backup: bad values are refused by both front ends, naming the same path', () => {
  const chart = writeTempBackupChart();
  const dir = path.dirname(chart.dir);
  const helms: HelmBinary[] = [findHelm(3), findHelm(4)];
  afterAll(() => chart.cleanup());

  test('every value with a pattern says the fix in its schema description (Helm prints the path and the pattern only)', () => {
    const missing: string[] = [];
    const walk = (node: any, at: string): void => {
      if (!node || typeof node !== 'object') return;
      if (typeof node.pattern === 'string' && !/Fix if refused: \S/.test(node.description ?? '')) missing.push(`${at}: ${node.pattern}`);
      for (const [k, v] of Object.entries(node)) walk(v, `${at}/${k}`);
    };
    const schema = backupValuesSchema();
    walk(schema, '');
    expect(missing).toEqual([]);
    expect(schema.properties.databases.items.properties.name.description).toContain('Fix if refused: use lower-case letters, digits and "-"');
  });

  test('the table has 20 or more cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(20);
  });

  test.each(CASES)('%s', async (name, values, expected) => {
    const file = writeValuesFile(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.yaml`, JSON.parse(JSON.stringify(values)));
    const fromConstructs = constructRender(file);
    expect(fromConstructs.objects).toBeUndefined();
    expect(fromConstructs.error).toContain(`${expected}`);
    expect(fromConstructs.error).toMatch(/Fix: /);
    for (const helm of helms) {
      const fromHelm = await helmRender(helm, chart.dir, file);
      expect({ helm: helm.label, rendered: fromHelm.objects !== undefined }).toEqual({ helm: helm.label, rendered: false });
      expect({ helm: helm.label, error: normalizeHelmPaths(fromHelm.error!).includes(expected) ? expected : fromHelm.error }).toEqual({ helm: helm.label, error: expected });
    }
    fs.rmSync(file);
  }, 60000);
});
