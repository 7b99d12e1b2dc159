/** stash.appscode.com/v1beta1 BackupSession: one run of a backup. */
import type { ResourceDefinition } from '../../crd';
import { Infer, t } from '../../schema';
import { condition } from '../common';

export const backupSessionSpec = t.object({
  invoker: t.object({
    apiGroup: t.string().doc('API group of the invoker (stash.appscode.com).'),
    kind: t.string().doc('Kind of the invoker: BackupConfiguration or BackupBatch.'),
    name: t.string().doc('Name of the invoker.'),
  }, { required: ['kind', 'name'] }).doc('The object that triggered this session.'),
  retryLeft: t.int32().doc('How many more times a failed session is retried.'),
});
export type BackupSessionSpec = Infer<typeof backupSessionSpec>;

export const backupSessionPhase = t.enum(['Pending', 'Skipped', 'Running', 'Succeeded', 'Failed', 'Unknown']);

const hostBackupStats = t.object({
  duration: t.string().doc('How long the backup of this host took.'),
  error: t.string().doc('Why the backup of this host failed.'),
  hostname: t.string().doc('Name of the host (or the alias of the target).'),
  phase: t.enum(['Succeeded', 'Failed']),
  snapshots: t.array(t.object({
    fileStats: t.object({
      modifiedFiles: t.int64(),
      newFiles: t.int64(),
      totalFiles: t.int64(),
      unmodifiedFiles: t.int64(),
    }),
    name: t.string().doc('ID of the snapshot.'),
    path: t.string().doc('The path that this snapshot holds.'),
    processingTime: t.string(),
    totalSize: t.string(),
    uploaded: t.string(),
  })),
});

export const backupSessionStatus = t.object({
  conditions: t.array(condition),
  nextRetry: t.dateTime(),
  phase: backupSessionPhase,
  retried: t.boolean(),
  sessionDeadline: t.dateTime(),
  sessionDuration: t.string(),
  targets: t.array(t.object({
    conditions: t.array(condition),
    phase: t.enum(['Pending', 'Succeeded', 'Running', 'Failed']),
    postBackupActions: t.array(t.string()),
    preBackupActions: t.array(t.string()),
    ref: t.object({
      apiVersion: t.string(),
      kind: t.string(),
      name: t.string(),
      namespace: t.string(),
    }),
    stats: t.array(hostBackupStats),
    totalHosts: t.int32(),
  })),
});
export type BackupSessionStatus = Infer<typeof backupSessionStatus>;

export const BACKUP_SESSION: ResourceDefinition = {
  group: 'stash.appscode.com',
  version: 'v1beta1',
  kind: 'BackupSession',
  plural: 'backupsessions',
  singular: 'backupsession',
  listKind: 'BackupSessionList',
  categories: ['stash', 'appscode', 'all'],
  scope: 'Namespaced',
  description: 'BackupSession is one run of the backup that a BackupConfiguration describes.',
  spec: backupSessionSpec,
  status: backupSessionStatus,
  printerColumns: [
    { name: 'Invoker-Type', type: 'string', jsonPath: '.spec.invoker.kind' },
    { name: 'Invoker-Name', type: 'string', jsonPath: '.spec.invoker.name' },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
    { name: 'Duration', type: 'string', jsonPath: '.status.sessionDuration' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
};
