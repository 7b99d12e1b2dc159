/**
 * The Percona XtraDB addon of Stash: which database versions it supports and the names of its
 * Functions and Tasks, which the operator resolves by name (so they must stay upstream's).
 */

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
}
