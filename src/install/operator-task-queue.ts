/**
 * The task queue of Stash Enterprise: the operator (with `--enable-task-queue`) files each
 * BackupSession as a PendingTask, and the TaskQueue operator (kubeops.dev, chart
 * `oci://ghcr.io/appscode-charts/taskqueue`, which brings the TaskQueue and PendingTask CRDs)
 * runs at most `maxConcurrentTasks` of them at once. This construct creates the TaskQueue object
 * with upstream's name and phase rules; the TaskQueue operator is a prerequisite.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { integerProblems } from '../core/validation/problems';
import { metadataOf, OperatorIdentity } from './operator-identity';

/** Upstream's name of the Stash TaskQueue (cluster-scoped). */
export const STASH_TASK_QUEUE_NAME = 'appscode-stash-task-queue';

/** Options of the task queue. */
export interface TaskQueueOptions {
  /**
   * How many BackupSessions may run at the same time.
   * @default 10
   */
  readonly maxConcurrentSessions?: number;
}

/** Props of `OperatorTaskQueue`. */
export interface OperatorTaskQueueProps extends TaskQueueOptions {
  /** The operator the object belongs to (for its labels). */
  readonly identity: OperatorIdentity;
}

/** The TaskQueue that limits concurrent BackupSessions. */
export class OperatorTaskQueue extends Construct {
  /** The TaskQueue object. */
  public readonly taskQueue: ApiObject;

  constructor(scope: Construct, id: string, props: OperatorTaskQueueProps) {
    super(scope, id);
    const max = props.maxConcurrentSessions ?? 10;
    this.node.addValidation({
      validate: () => integerProblems('maxConcurrentSessions', max, 1, Number.MAX_SAFE_INTEGER, 'use a whole number of at least 1, e.g. 10'),
    });
    this.taskQueue = new ApiObject(this, 'TaskQueue', {
      apiVersion: 'batch.k8s.appscode.com/v1alpha1',
      kind: 'TaskQueue',
      metadata: metadataOf(props.identity, STASH_TASK_QUEUE_NAME, false),
      spec: {
        maxConcurrentTasks: max,
        tasks: [{
          type: { group: 'stash.appscode.com', kind: 'BackupSession' },
          // CEL over the BackupSession: how the queue knows a task has finished.
          rules: {
            success: "has(self.status.phase) && self.status.phase == 'Succeeded'",
            inProgress: "has(self.status.phase) && self.status.phase == 'Running'",
            failed: "has(self.status.phase) && self.status.phase == 'Failed'",
          },
        }],
      },
    });
  }
}
