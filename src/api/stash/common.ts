/** Types that several Stash kinds share (kmodules.xyz and stash.appscode.com/v1beta1). */
import { Infer, t } from '../schema';

/** kmodules.xyz/client-go/api/v1.Condition: the condition type of every Stash status. */
export const condition = t.object({
  lastTransitionTime: t.dateTime().doc('When the condition last changed status.'),
  message: t.string().doc('A human-readable explanation.'),
  observedGeneration: t.int64().doc('The .metadata.generation this condition was set for.'),
  reason: t.string().doc('A machine-readable reason for the last transition.'),
  severity: t.string().doc('Error, Warning or Info, for conditions that are False.'),
  status: t.string().doc('True, False or Unknown.'),
  type: t.string().doc('The type of the condition.'),
}, { required: ['lastTransitionTime', 'status', 'type'] });
export type Condition = Infer<typeof condition>;
