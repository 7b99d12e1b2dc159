/**
 * What every object of the Stash operator install shares: its base name, namespace, labels and
 * ServiceAccount; plus the checks its constructs run on names and URLs. Values may be Helm
 * template expressions (`{{ ... }}`): the chart generator passes them and renders them later, so
 * checks look at the literal text around them only.
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

const HELM_EXPRESSION = /\{\{(?:(?!\}\})[\s\S])*\}\}/g;

/** The literal text of a value: each Helm expression becomes `x`, so shape checks still apply around it. */
export function literalOf(value: string): string {
  return value.replace(HELM_EXPRESSION, 'x');
}

/** True when a value holds a Helm template expression (then its final text is only known at install). */
export function hasHelmExpression(value: string): boolean {
  return /\{\{/.test(value);
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A problem with a DNS-1123 label (Service and namespace names), or undefined. */
export function dnsLabelProblem(value: string): string | undefined {
  const literal = literalOf(value);
  if (!DNS_LABEL.test(literal)) return 'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending alphanumeric';
  if (!hasHelmExpression(value) && literal.length > 63) return 'must be at most 63 characters';
  return undefined;
}

/** A problem with a DNS-1123 subdomain (most object names), or undefined. */
export function dnsSubdomainProblem(value: string): string | undefined {
  const literal = literalOf(value);
  if (!DNS_SUBDOMAIN.test(literal)) return 'must be a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending alphanumeric';
  if (!hasHelmExpression(value) && literal.length > 253) return 'must be at most 253 characters';
  return undefined;
}

/** Throws one error that names the construct, each bad field and its fix. */
export function throwProblems(kind: string, path: string, problems: string[]): void {
  if (problems.length === 0) return;
  throw new Error(`${kind} "${path}" has invalid props:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}
