import { Construct } from 'constructs';
import * as stash from '../../imports/stash.appscode.com';
import { IBackupConfigurationRef, metadataOf, namespaceOf, StashObjectOptions } from '../core/metadata';
import { onePass } from '../core/render';
import { nameProblems, NameRule } from '../core/validation/names';
import { problem } from '../core/validation/problems';

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
export class InstantBackup extends Construct {
  /** Name of the BackupSession. */
  public readonly name: string;
  /** Namespace of the BackupSession. */
  public readonly namespace?: string;
  /** The BackupSession object. */
  public readonly apiObject: stash.BackupSession;

  constructor(scope: Construct, id: string, props: InstantBackupProps) {
    super(scope, id);
    const invoker = props.backup.backupConfigurationName;
    this.name = props.name ?? `${invoker}-instant`;
    // A BackupSession must live next to its BackupConfiguration: Stash looks the invoker up there.
    this.namespace = props.namespace ?? props.backup.backupConfigurationNamespace ?? namespaceOf(this);
    const spec = {
      invoker: { apiGroup: 'stash.appscode.com', kind: 'BackupConfiguration', name: invoker },
    };
    this.apiObject = onePass(stash.BackupSession, this, 'Resource', {
      metadata: metadataOf(this.name, {
        ...props,
        namespace: this.namespace,
        labels: {
          ...(props.labels ?? {}),
          'stash.appscode.com/invoker-type': 'BackupConfiguration',
          'stash.appscode.com/invoker-name': invoker,
        },
      }),
      spec,
    }, spec);

    this.node.addValidation({
      validate: () => {
        const out = [
          ...nameProblems('name', this.name, NameRule.DNS_LABEL, 'Stash puts it in label values'),
          ...nameProblems('backup', invoker, NameRule.DNS_LABEL),
        ];
        const home = props.backup.backupConfigurationNamespace;
        if (home !== undefined && this.namespace !== home) {
          out.push(problem('namespace', `"${this.namespace}" differs from the BackupConfiguration's namespace "${home}"; Stash only finds the invoker in its own namespace`,
            'leave namespace out (it follows the backup) or create the InstantBackup in the same namespace'));
        }
        return out;
      },
    });
  }
}
