/**
 * The Percona XtraDB addon of Stash: which database versions it supports, the names of its
 * Functions and Tasks, which the operator resolves by name (so they must stay upstream's), and
 * the command line that each Function gives the addon image.
 */

/** Registry of the upstream addon image. */
export const ADDON_IMAGE_REGISTRY = 'ghcr.io';

/** Repository of the upstream addon image inside its registry. */
export const ADDON_IMAGE_REPOSITORY = 'stashed/stash-percona-xtradb';

/**
 * Name of the Function that every Task runs last to report the result of the step before it.
 * The Stash operator creates this Function itself at start-up (with its own image), so a
 * catalog only references it and never defines it.
 */
export const UPDATE_STATUS_FUNCTION = 'update-status';

/** Scratch folder of the addon container; restic's cache and the step outputs live here. */
export const ADDON_SCRATCH_DIR = '/stash-tmp';

/** Folder where each Task step writes its output for `update-status` to read. */
export const ADDON_OUTPUT_DIR = `${ADDON_SCRATCH_DIR}/output`;

/** Name of the Task parameter that passes `ADDON_OUTPUT_DIR` to every step. */
export const OUTPUT_DIR_PARAM = 'outputDir';

/**
 * One command-line flag of the addon image, as a Function passes it. With a `variable` the
 * operator substitutes the value at run time: the flag renders as `--name=${VARIABLE:=value}`,
 * and `value` is what the addon gets when the operator leaves the variable unset.
 */
export interface AddonFlag {
  /** The flag without its leading dashes, e.g. `bucket`. */
  readonly name: string;
  /**
   * The operator variable (or Task parameter) whose value the flag receives, e.g. `REPOSITORY_BUCKET`.
   * @default - none: the flag always gets `value`
   */
  readonly variable?: string;
  /** The default when `variable` is unset, or the fixed value when there is no variable. */
  readonly value: string;
}

/** Renders a flag as the Function argument the addon image parses. */
export function renderAddonFlag(flag: AddonFlag): string {
  return flag.variable === undefined
    ? `--${flag.name}=${flag.value}`
    : `--${flag.name}=\${${flag.variable}:=${flag.value}}`;
}

const v = (name: string, variable: string, value = ''): AddonFlag => ({ name, variable, value });

/** Where the backend is and how the addon talks to it: the same for backup and restore. */
const REPOSITORY_FLAGS: readonly AddonFlag[] = [
  v('provider', 'REPOSITORY_PROVIDER'),
  v('bucket', 'REPOSITORY_BUCKET'),
  v('endpoint', 'REPOSITORY_ENDPOINT'),
  v('insecure-tls', 'REPOSITORY_INSECURE_TLS'),
  v('region', 'REPOSITORY_REGION'),
  v('path', 'REPOSITORY_PREFIX'),
  v('storage-secret-name', 'REPOSITORY_SECRET_NAME'),
  v('storage-secret-namespace', 'REPOSITORY_SECRET_NAMESPACE'),
  { name: 'scratch-dir', value: ADDON_SCRATCH_DIR },
  v('enable-cache', 'ENABLE_CACHE', 'true'),
  v('max-connections', 'MAX_CONNECTIONS', '0'),
  v('hostname', 'HOSTNAME'),
];

/** How long the addon waits for the database before it gives up, in seconds. */
const WAIT_TIMEOUT_FLAG = v('wait-timeout', 'waitTimeout', '300');
const NAMESPACE_FLAG = v('namespace', 'NAMESPACE', 'default');
/** The AppBinding that tells the addon how to reach the database. */
const APPBINDING_FLAGS: readonly AddonFlag[] = [
  v('appbinding', 'TARGET_NAME'),
  v('appbinding-namespace', 'TARGET_NAMESPACE'),
];
/** Where the step leaves its result for `update-status`, and the license check. */
const TRAILING_FLAGS: readonly AddonFlag[] = [
  v('output-dir', OUTPUT_DIR_PARAM),
  v('license-apiservice', 'LICENSE_APISERVICE'),
];

const RETENTION_FLAGS: readonly AddonFlag[] = [
  ...['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'].map((period) =>
    v(`retention-keep-${period}`, `RETENTION_KEEP_${period.toUpperCase()}`, '0')),
  v('retention-keep-tags', 'RETENTION_KEEP_TAGS'),
  v('retention-prune', 'RETENTION_PRUNE', 'false'),
  v('retention-dry-run', 'RETENTION_DRY_RUN', 'false'),
];

/** Sub-command of the addon image that takes a backup. */
export const BACKUP_COMMAND = 'backup-percona-xtradb';

/** Sub-command of the addon image that restores a backup. */
export const RESTORE_COMMAND = 'restore-percona-xtradb';

/** Flags of `backup-percona-xtradb`, in the order upstream passes them. */
export const BACKUP_FLAGS: readonly AddonFlag[] = [
  ...REPOSITORY_FLAGS,
  v('xtradb-args', 'args', '--all-databases'),
  v('socat-retry', 'socatRetry', '30'),
  WAIT_TIMEOUT_FLAG,
  NAMESPACE_FLAG,
  v('backupsession', 'BACKUP_SESSION'),
  ...APPBINDING_FLAGS,
  ...RETENTION_FLAGS,
  ...TRAILING_FLAGS,
];

/** Flags of `restore-percona-xtradb`, in the order upstream passes them. */
export const RESTORE_FLAGS: readonly AddonFlag[] = [
  ...REPOSITORY_FLAGS,
  v('source-hostname', 'SOURCE_HOSTNAME'),
  v('xtradb-args', 'args'),
  v('target-app-replicas', 'TARGET_APP_REPLICAS', '1'),
  WAIT_TIMEOUT_FLAG,
  NAMESPACE_FLAG,
  ...APPBINDING_FLAGS,
  v('snapshot', 'RESTORE_SNAPSHOTS'),
  ...TRAILING_FLAGS,
];

/** A Percona XtraDB version line that the Stash addon supports. */
export class PerconaXtraDbVersion {
  public static readonly V5_7 = new PerconaXtraDbVersion('5.7', '5.7-v26');
  public static readonly V8_0 = new PerconaXtraDbVersion('8.0', '8.0');
  public static readonly V8_4 = new PerconaXtraDbVersion('8.4', '8.4');

  /** Every supported version, oldest first. */
  public static all(): PerconaXtraDbVersion[] {
    return [PerconaXtraDbVersion.V5_7, PerconaXtraDbVersion.V8_0, PerconaXtraDbVersion.V8_4];
  }

  /**
   * The version line of a database version string such as `8.0.36` or `8.0`.
   * Throws with the supported list when the line is not supported.
   */
  public static of(version: string): PerconaXtraDbVersion {
    const found = PerconaXtraDbVersion.all().find((v) => version === v.line || version.startsWith(`${v.line}.`));
    if (!found) {
      throw new Error(`Percona XtraDB version "${version}" is not supported by the Stash addon; use one of ${PerconaXtraDbVersion.all().map((v) => v.line).join(', ')}`);
    }
    return found;
  }

  private constructor(
    /** The version line, e.g. `8.0`. */
    public readonly line: string,
    /** The tag of the addon image (`ghcr.io/stashed/stash-percona-xtradb`) for this line. */
    public readonly addonImageTag: string,
  ) {}

  /** Name of the backup Task and Function, e.g. `perconaxtradb-backup-8.0`. */
  public get backupTaskName(): string {
    return `perconaxtradb-backup-${this.line}`;
  }

  /** Name of the restore Task and Function, e.g. `perconaxtradb-restore-8.0`. */
  public get restoreTaskName(): string {
    return `perconaxtradb-restore-${this.line}`;
  }

  /** The upstream addon image of this line, e.g. `ghcr.io/stashed/stash-percona-xtradb:8.0`. */
  public get addonImage(): string {
    return `${ADDON_IMAGE_REGISTRY}/${ADDON_IMAGE_REPOSITORY}:${this.addonImageTag}`;
  }

  /** Arguments of the backup Function: the sub-command, then every flag. */
  public get backupArgs(): string[] {
    return [BACKUP_COMMAND, ...BACKUP_FLAGS.map(renderAddonFlag)];
  }

  /** Arguments of the restore Function: the sub-command, then every flag. */
  public get restoreArgs(): string[] {
    return [RESTORE_COMMAND, ...RESTORE_FLAGS.map(renderAddonFlag)];
  }
}
