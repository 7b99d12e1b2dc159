/** stash.appscode.com/v1beta1 Task: the ordered Functions that make up a backup or a restore. */
import type { ResourceDefinition } from '../../crd';
import { Infer, t } from '../../schema';
import { param } from '../common';

/** One step of a Task: a Function and the parameters it runs with. */
export const functionRef = t.object({
  name: t.string().doc('Name of the Function, e.g. perconaxtradb-backup-8.0 or update-status.'),
  params: t.array(param).doc('Parameters of this step; a BackupConfiguration or RestoreSession may override them.'),
});
export type FunctionRef = Infer<typeof functionRef>;

export const taskSpec = t.object({
  steps: t.array(functionRef).doc('The Functions run in order, each in its own container of the job.'),
  volumes: t.array(t.k8s('io.k8s.api.core.v1.Volume')).doc('Volumes shared by the steps (mounted through the Functions\' volumeMounts).'),
}).doc('The steps of the Task and the volumes they share.');
export type TaskSpec = Infer<typeof taskSpec>;

export const TASK: ResourceDefinition = {
  group: 'stash.appscode.com',
  version: 'v1beta1',
  kind: 'Task',
  plural: 'tasks',
  singular: 'task',
  listKind: 'TaskList',
  shortNames: ['task'],
  categories: ['stash', 'appscode'],
  scope: 'Cluster',
  description: 'Task lists the Functions that Stash runs, in order, to back up or restore one kind of target.',
  spec: taskSpec,
  printerColumns: [
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
};
