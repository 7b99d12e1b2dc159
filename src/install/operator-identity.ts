/**
 * What every object of the Stash operator install shares: its base name, namespace, labels and
 * ServiceAccount. Values may be Helm template expressions (`{{ ... }}`): the chart generator
 * passes them and Helm renders them later (see `core/validation/helm-expressions`).
 */
import { k8s } from 'cdk8s-plus-28';

/** Who the operator's objects belong to; built by `StashOperator` and handed to its parts. */
export interface OperatorIdentity {
  /** Base name: the Deployment, Service, ServiceAccount and ClusterRole carry it; others add a suffix. */
  readonly name: string;
  /** Namespace of the namespaced objects. */
  readonly namespace: string;
  /** Labels of every object. */
  readonly labels: { [key: string]: string };
  /** Labels that select the operator Pod (a subset of the Pod's labels). */
  readonly selectorLabels: { [key: string]: string };
  /** Name of the operator's ServiceAccount. */
  readonly serviceAccountName: string;
}

/** Object metadata for an object of the install; `namespaced` adds the install's namespace. */
export function metadataOf(identity: OperatorIdentity, name: string, namespaced: boolean, annotations?: { [key: string]: string }): k8s.ObjectMeta {
  return {
    name,
    ...(namespaced ? { namespace: identity.namespace } : {}),
    labels: { ...identity.labels },
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {}),
  };
}
