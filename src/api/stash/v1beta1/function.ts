/** stash.appscode.com/v1beta1 Function: a container image that does one step of a Task. */
import type { ResourceDefinition } from '../../crd';
import { Infer, t } from '../../schema';
import { containerRuntimeSettings } from '../common';

export const functionSpec = t.object({
  args: t.array(t.string()).doc('Arguments of the entrypoint; ${PARAM} placeholders are filled from the Task\'s params.'),
  command: t.array(t.string()).doc('Entrypoint of the container; defaults to the image\'s.'),
  image: t.string().doc('Container image that runs the step, e.g. ghcr.io/stashed/stash-percona-xtradb:8.0.'),
  podSecurityPolicyName: t.string().doc('PodSecurityPolicy the step needs (obsolete since Kubernetes 1.25).'),
  ports: t.array(t.k8s('io.k8s.api.core.v1.ContainerPort')).doc('Ports the container exposes.'),
  runtimeSettings: containerRuntimeSettings.doc('Default container settings of the step.'),
  volumeDevices: t.array(t.k8s('io.k8s.api.core.v1.VolumeDevice')).doc('Raw block devices the container uses.'),
  volumeMounts: t.array(t.k8s('io.k8s.api.core.v1.VolumeMount')).doc('Task volumes mounted into the container.'),
  workingDir: t.string().doc('Working directory of the container.'),
}).doc('The container that runs this step.');
export type FunctionSpec = Infer<typeof functionSpec>;

export const FUNCTION: ResourceDefinition = {
  group: 'stash.appscode.com',
  version: 'v1beta1',
  kind: 'Function',
  plural: 'functions',
  singular: 'function',
  listKind: 'FunctionList',
  shortNames: ['fn'],
  categories: ['stash', 'appscode'],
  scope: 'Cluster',
  description: 'Function is a container template that runs one step of a backup or restore Task.',
  spec: functionSpec,
  printerColumns: [
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
};
