import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { BACKUP_CONFIGURATION, BACKUP_SESSION, BackupSessionSpec } from '../../api';
import { StashObject, StashObjectOptions } from '../../core/stash-object';
import { nameProblems, NameRule } from '../../core/validation/names';
import { problem } from '../../core/validation/problems';
import { IBackupConfigurationRef, namedReferenceProblems, referenceKindProblems } from '../targets/references';

/** Props of `InstantBackup`. */
export interface InstantBackupProps extends StashObjectOptions {
  /** The BackupConfiguration to run now: a `PerconaXtraDbBackup` or `PerconaXtraDbBackup.fromBackupConfigurationName()`. */
  readonly backup: IBackupConfigurationRef;
  /**
   * Name of the BackupSession. A BackupSession runs once: to trigger another backup from Git,
   * give the next one a new name (a date or a counter).
   * @default - `<backup configuration name>-instant`
   */
  readonly name?: string;
}

/**
 * A backup now: a BackupSession invoking a BackupConfiguration, which is what the CronJob that
 * Stash creates does on schedule (and what `kubectl stash trigger` does by hand). Take one
 * before a risky change, or before restoring into another database.
 *
 * ```ts
 * new InstantBackup(chart, 'before-upgrade', { backup, name: 'sample-xtradb-before-upgrade' });
 * ```
 */
export class InstantBackup extends StashObject {
  /** The BackupSession object. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: InstantBackupProps) {
    const invoker = props?.backup?.name;
    super(scope, id, {
      kind: BACKUP_SESSION.kind, name: props?.name ?? `${invoker}-instant`,
      nameRule: NameRule.DNS_LABEL, nameReason: 'Stash puts it in label values', options: props,
      // A BackupSession must live next to its BackupConfiguration: Stash looks the invoker up there.
      namespace: props?.namespace ?? props?.backup?.namespace ?? Chart.of(scope).namespace,
    });
    props = props ?? ({} as InstantBackupProps);
    const spec: BackupSessionSpec = {
      invoker: { apiGroup: 'stash.appscode.com', kind: BACKUP_CONFIGURATION.kind, name: invoker },
    };
    this.apiObject = this.customResource(BACKUP_SESSION, spec, {
      'stash.appscode.com/invoker-type': BACKUP_CONFIGURATION.kind,
      'stash.appscode.com/invoker-name': invoker,
    });

    this.addProblems(() => {
        const kind = referenceKindProblems('backup', props.backup, BACKUP_CONFIGURATION.kind);
        if (kind.length > 0) return kind;
        if (typeof invoker !== 'string') return [problem('backup.name', 'is not a string', 'pass PerconaXtraDbBackup.fromBackupConfigurationName("name")')];
        const out = nameProblems('backup', invoker, NameRule.DNS_LABEL);
        out.push(...nameProblems('backup.namespace', props.backup.namespace, NameRule.DNS_LABEL));
        if (out.length === 0 && !(props.backup instanceof StashObject)) {
          out.push(...namedReferenceProblems(this, 'backup.name', props.backup, this.namespace, 'the BackupSession would find no invoker and never run', 'the backup construct (e.g. plan.backup)'));
        }
        const home = props.backup.namespace;
        if (home !== undefined && this.namespace !== home) {
          out.push(problem('namespace', `"${this.namespace}" differs from the BackupConfiguration's namespace "${home}"; Stash only finds the invoker in its own namespace`,
            'leave namespace out (it follows the backup) or create the InstantBackup in the same namespace'));
        }
        return out;
    });
  }
}
