/**
 * The templates of `charts/stash-pxc-backup`: the hand-written files of
 * `generator/backup-chart/templates/` (copied as they are), and `_generated.tpl`, the one file
 * written here, with the facts that must come from the construct library (addon version lines
 * and their Task names, backend Secret keys, retention rules, the Jobs' security defaults, the
 * DNS-1123 subdomain pattern, Go's longest duration) and the values model's setting keys, each as
 * a define the hand-written templates include. The differential test
 * (`test/generator/backup-chart-diff.test.ts`) is the templates' judge: for every values file the
 * objects must equal what `fromValues` builds with the constructs.
 */
import * as fs from 'fs';
import { DEFAULT_COPY_GAP } from '../../src/database/backups/perconaxtradb-backup-copy';
import * as path from 'path';
import { PerconaXtraDbVersion } from '../../src/api/perconaxtradb';
import { CRON_MACROS } from '../../src/core/validation/cron';
import { MAX_GO_DURATION_MS } from '../../src/core/validation/quantities';
import { Backend, BackendProvider, LocalVolume, SwiftAuth } from '../../src/database/storage/backend';
import {
  BASELINE_CAPABILITIES, clusterRestoreJobContainerSecurityContext, clusterRestoreJobPodSecurityContext, JobKind, operatorPodSecurityContext,
  POD_SECURITY_ENFORCE_LABEL, RESTORE_POD_FIELDS, restrictedJobContainerSecurityContext, restrictedJobPodSecurityContext,
} from '../../src/database/jobs/job-security';
import { KUBEDB_PERCONAXTRADB_CONTAINER, standaloneGuardScript } from '../../src/database/restores/restore-guard';
import { INSTALL_OPERATOR_POD_LABELS, OPERATOR_SECURE_PORT, PUSHGATEWAY_PORT } from '../../src/api/stash/operator';
import {
  DEFAULT_DNS, EXTERNAL_PUSHGATEWAY_PORT, GALERA_PORT, INVOKER_LABEL, KUBEDB_POD_NAME, MYSQL_PORT, SST_PORT, STASH_BACKUP_COMPONENT, STASH_MANAGED_BY,
  STASH_RESTORE_COMPONENT,
} from '../../src/database/jobs/backup-network-policy';
import {
  DEFAULT_DRILL_PUSHGATEWAY_URL, DRILL_DEFAULT_DATA_SIZE_GIB, DRILL_DEFAULT_SECONDS, DRILL_DEFAULT_SERVER_RESOURCES, DRILL_KUBECTL_IMAGE,
  DRILL_SCRIPTS, DRILL_SERVER_IMAGES, PERCONA_MYSQL_USER, PerconaXtraDbRestoreDrill,
} from '../../src/database/restores/perconaxtradb-restore-drill';
import {
  DRILL_CLEANUP_SCRIPT, KUBEDB_DATABASE_FILE, KUBEDB_DRILL_DATABASE, KUBEDB_MAX_DATABASE_NAME, KUBEDB_MIN_REPLICAS, KUBEDB_PERCONAXTRADB_LINES,
  kubedbAdmission, kubedbDrillRoleRules,
} from '../../src/database/restores/drill-kubedb';
import { RESTORE_SESSION } from '../../src/api';
import { APP_BINDING } from '../../src/api/appcatalog/v1alpha1/appbinding';
import { REPO_ROOT } from '../paths';
import { DNS_SUBDOMAIN } from './schema';
import { BACKUP_CHART_NAME, RETENTION_RULES, SETTING_KEYS } from './values-model';

/** Where the hand-written templates live (the source, not the compiled `lib/`). */
export const BACKUP_TEMPLATES_DIR = path.join(REPO_ROOT, 'generator', 'backup-chart', 'templates');

/** The generated file's name; a hand-written template by that name would be overwritten. */
export const GENERATED_TPL = '_generated.tpl';

/** The library's Pod Security defaults of each Job kind, which the chart puts under the values' runtimeSettings. */
function jobSecurityDefaults(): { [kind: string]: { container: object; pod: object } } {
  const restricted = { container: restrictedJobContainerSecurityContext(), pod: restrictedJobPodSecurityContext() };
  return {
    'backup': restricted,
    'restore': restricted,
    'cluster-restore': { container: clusterRestoreJobContainerSecurityContext(), pod: clusterRestoreJobPodSecurityContext() },
  };
}

/** What the chart's Pod Security check needs of the library's model of the operator's Job pods. */
function podSecurityFacts(): object {
  return {
    enforceLabel: POD_SECURITY_ENFORCE_LABEL,
    baselineCapabilities: [...BASELINE_CAPABILITIES],
    // The pod securityContext the operator gives a Job whose runtimeSettings set none.
    operatorPodDefaults: { backup: operatorPodSecurityContext({}, JobKind.BACKUP), restore: operatorPodSecurityContext({}, JobKind.RESTORE) },
    restorePodFields: RESTORE_POD_FIELDS,
  };
}

/** The Secret keys each backend reads, from the Backend factories. */
function secretKeyTable(): object {
  const base: { [p: string]: string[] } = {
    [BackendProvider.S3]: Backend.s3({ bucket: 'b' }).requiredSecretKeys,
    [BackendProvider.GCS]: Backend.gcs({ bucket: 'b' }).requiredSecretKeys,
    [BackendProvider.AZURE]: Backend.azure({ container: 'c' }).requiredSecretKeys,
    [BackendProvider.B2]: Backend.b2({ bucket: 'b' }).requiredSecretKeys,
    [BackendProvider.REST]: Backend.rest({ url: 'https://r' }).requiredSecretKeys,
    [BackendProvider.LOCAL]: Backend.local({ volume: LocalVolume.hostPath('/x') }).requiredSecretKeys,
  };
  const swift = Object.fromEntries(Object.values(SwiftAuth).map((a) => [a, Backend.swift({ container: 'c', auth: a }).requiredSecretKeys]));
  const restBasicAuth = Backend.rest({ url: 'https://r', basicAuth: true }).requiredSecretKeys.filter((k) => !base[BackendProvider.REST].includes(k));
  const customCaCertificate = Backend.s3({ bucket: 'b', customCaCertificate: true }).requiredSecretKeys.find((k) => !base[BackendProvider.S3].includes(k))!;
  return { base, swift, swiftDefaultAuth: SwiftAuth.KEYSTONE_V3, restBasicAuth, customCaCertificate };
}

/** What the Jobs' NetworkPolicies are made of: Stash's pod labels, the ports, the default peers. */
function jobNetworkFacts(): object {
  return {
    managedBy: STASH_MANAGED_BY,
    components: { backup: STASH_BACKUP_COMPONENT, restore: STASH_RESTORE_COMPONENT },
    invokerLabel: INVOKER_LABEL,
    operatorPorts: [OPERATOR_SECURE_PORT, PUSHGATEWAY_PORT],
    pushgatewayPort: PUSHGATEWAY_PORT,
    operatorSecurePort: OPERATOR_SECURE_PORT,
    externalPushgatewayPort: EXTERNAL_PUSHGATEWAY_PORT,
    installChartName: INSTALL_OPERATOR_POD_LABELS['app.kubernetes.io/name'],
    dnsPodLabels: DEFAULT_DNS.podLabels,
    kubedbPodName: KUBEDB_POD_NAME,
    databasePort: MYSQL_PORT,
    galeraPort: GALERA_PORT,
    sstPort: SST_PORT,
  };
}

/** A define whose body is `text` as it is (JSON or a pattern: no template actions in it). */
function define(name: string, doc: string, text: string): string {
  if (text.includes('{{')) throw new Error(`the ${name} define would contain template delimiters`);
  return `{{/* ${doc} */}}\n{{- define "${BACKUP_CHART_NAME}.${name}" -}}\n${text}\n{{- end -}}\n`;
}

/** `templates/_generated.tpl`. */
export function backupGeneratedTpl(): string {
  const tasks = Object.fromEntries(PerconaXtraDbVersion.all().map((v) => [v.line, { backup: v.backupTaskName, restore: v.restoreTaskName }]));
  return [
    '{{/* Generated by `npm run synth` from generator/backup-chart/generated-tpl.ts; do not edit. */}}\n',
    define('versionTasks', 'The version lines the addon supports, each with its backup and restore Task (JSON).', JSON.stringify(tasks)),
    define('secretKeyTable', 'The Secret keys of each backend, of each Swift auth, of REST basic auth and of a custom CA (JSON).', JSON.stringify(secretKeyTable())),
    define('retentionRules', 'The keep rules in the order restic and the constructs name them (JSON).', JSON.stringify(RETENTION_RULES)),
    define('jobSecurityDefaults', "The library's container and pod security contexts of each Job kind (JSON).", JSON.stringify(jobSecurityDefaults())),
    define('podSecurityFacts', "The library's model of the operator's Job pods under Pod Security: baseline's capabilities, the operator's pod defaults, the restore pod fields it keeps (JSON).", JSON.stringify(podSecurityFacts())),
    define('settingKeys', 'The settings a database takes from defaults unless it sets them itself (JSON).', JSON.stringify(SETTING_KEYS)),
    define('dnsSubdomain', 'A DNS-1123 subdomain (a regular expression).', DNS_SUBDOMAIN),
    define('cronMacros', 'The cron macros the CronJob controller expands (JSON list).', JSON.stringify(Object.keys(CRON_MACROS))),
    define('cronMacroExpansions', 'What each cron macro stands for (JSON).', JSON.stringify(CRON_MACROS)),
    define('copyGapMinutes', 'How long after the primary a copy is placed when no expectedDuration is given, in minutes (DEFAULT_COPY_GAP).', String(Math.ceil(DEFAULT_COPY_GAP.toSeconds() / 60))),
    define('drillDefaults', "The restore drill's defaults: images by version line, budgets in seconds, resources, the data size, the Pushgateway, the user, the scripts, the window (JSON).", JSON.stringify({
      serverImages: DRILL_SERVER_IMAGES, kubectlImage: DRILL_KUBECTL_IMAGE, seconds: DRILL_DEFAULT_SECONDS, serverResources: DRILL_DEFAULT_SERVER_RESOURCES,
      dataSizeLimit: `${DRILL_DEFAULT_DATA_SIZE_GIB}Gi`, pushgatewayUrl: DEFAULT_DRILL_PUSHGATEWAY_URL, runAsUser: PERCONA_MYSQL_USER, scripts: DRILL_SCRIPTS,
      window: drillWindowValues(),
    })),
    define('drillKubeDb', "A drill's KubeDB database: its kind, container, members, name limit, version lines, the ConfigMap key and cleanup script, and the Role rules and admission check with __NAME__ and __AUTH__ for the drill's names (JSON).", JSON.stringify({
      apiVersion: `${KUBEDB_DRILL_DATABASE.group}/${KUBEDB_DRILL_DATABASE.version}`, kind: KUBEDB_DRILL_DATABASE.kind, container: KUBEDB_PERCONAXTRADB_CONTAINER,
      minReplicas: KUBEDB_MIN_REPLICAS, maxName: KUBEDB_MAX_DATABASE_NAME, lines: KUBEDB_PERCONAXTRADB_LINES, databaseFile: KUBEDB_DATABASE_FILE, cleanupScript: DRILL_CLEANUP_SCRIPT,
      roleRules: kubedbDrillRoleRules({ name: '__NAME__', authSecret: '__AUTH__', restoreSessionGroup: RESTORE_SESSION.group, appBindingGroup: APP_BINDING.group }),
      admission: kubedbAdmission('__NAME__'),
    })),
    define('maxGoDurationMs', "Go's longest duration in milliseconds.", String(MAX_GO_DURATION_MS)),
    define('restoreGuard', "The restore guard's shell script and the container it runs in by default (JSON; the constructs' src/database/restores/guard/standalone.sh).",
      JSON.stringify({ script: standaloneGuardScript(), container: KUBEDB_PERCONAXTRADB_CONTAINER })),
    define('jobNetworkFacts', "What the Jobs' NetworkPolicies are made of: Stash's pod labels, ports, default peers (JSON).", JSON.stringify(jobNetworkFacts())),
  ].join('\n');
}

/** The default drill window as values (`{ start, end, days }`), read back from the construct's window. */
function drillWindowValues(): { start: string; end: string; days: number[] } {
  const m = /^weekly on ([A-Z,]+) (\d\d:\d\d)-(\d\d:\d\d)$/.exec(PerconaXtraDbRestoreDrill.DEFAULT_WINDOW.toString());
  if (!m) throw new Error(`unexpected default drill window ${PerconaXtraDbRestoreDrill.DEFAULT_WINDOW}`);
  const names = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];
  return { start: m[2], end: m[3], days: m[1].split(',').map((d) => names.indexOf(d)) };
}

/** The header of a hand-written template's copy in the chart: where to edit it. */
function copiedHeader(name: string): string {
  return `{{- /* Copied by \`npm run synth\` from generator/backup-chart/templates/${name}; edit it there. */ -}}\n`;
}

/** Every template file of the chart, by name: the hand-written ones (sorted) and `_generated.tpl`. */
export function backupChartTemplates(dir = BACKUP_TEMPLATES_DIR): Array<{ name: string; content: string }> {
  const files = fs.readdirSync(dir).filter((f) => f !== GENERATED_TPL && fs.statSync(path.join(dir, f)).isFile()).sort();
  return [
    ...files.map((name) => ({ name, content: copiedHeader(name) + fs.readFileSync(path.join(dir, name), 'utf8') })),
    { name: GENERATED_TPL, content: backupGeneratedTpl() },
  ];
}
