/**
 * The operator's admission webhooks: a MutatingWebhookConfiguration that injects the backup
 * sidecar into workloads, and a ValidatingWebhookConfiguration for the Stash kinds. Both carry
 * upstream's name `admission.stash.appscode.com`, which the operator looks up.
 *
 * As upstream, each webhook calls the kube-apiserver itself (`default/kubernetes`) at the path of
 * the operator's aggregated admission API, so the kube-apiserver's own serving certificate
 * answers. Hence the `caBundle` is the cluster CA, not the operator's: the operator writes it into
 * both configurations at start and keeps it current (kmodules `Sync*WebhookCABundle`), so the
 * manifests leave it out and nothing (no cert-manager injection) competes with the operator.
 *
 * The workload webhooks skip the operator's own namespace and kube-system (a `namespaceSelector`
 * on `kubernetes.io/metadata.name`): with failure policy Fail, a down operator would otherwise
 * refuse every Deployment, DaemonSet and StatefulSet write there, its own upgrade included.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { nameProblems, NameRule } from '../core/validation/names';
import { problem } from '../core/validation/problems';
import { metadataOf, OperatorIdentity } from './operator-identity';

/** Upstream's name of both webhook configurations. */
export const WEBHOOK_CONFIGURATION_NAME = 'admission.stash.appscode.com';

/** What the API server does when the webhook cannot be called. */
export enum WebhookFailurePolicy {
  /** Admit the request anyway (upstream's default): workloads stay deployable while the operator is down. */
  IGNORE = 'Ignore',
  /** Reject the request: no workload escapes the sidecar injection or validation. */
  FAIL = 'Fail',
}

/** Options of the admission webhooks. */
export interface AdmissionWebhooksOptions {
  /**
   * Install the mutating webhook (sidecar injection into Deployments, DaemonSets, StatefulSets,
   * DeploymentConfigs; RestoreSession defaults).
   * @default true
   */
  readonly mutating?: boolean;
  /**
   * Install the validating webhook for the Stash kinds.
   * @default true
   */
  readonly validating?: boolean;
  /**
   * The failure policy of every webhook.
   * @default WebhookFailurePolicy.IGNORE
   */
  readonly failurePolicy?: WebhookFailurePolicy;
  /**
   * Namespaces whose workloads (Deployments, DaemonSets, StatefulSets, DeploymentConfigs) the
   * mutating webhooks skip, besides the operator's own namespace, which they always skip: with
   * `WebhookFailurePolicy.FAIL`, a down operator would otherwise block its own upgrade and the
   * system workloads. Rendered as a `namespaceSelector` (`kubernetes.io/metadata.name NotIn`).
   * @default ['kube-system']
   */
  readonly excludedNamespaces?: string[];
}

/** One webhook of upstream's configurations. */
export interface WebhookDefinition {
  /** First label of the webhook's name (`<name>.admission.stash.appscode.com`). */
  readonly name: string;
  /** Version of the admission API that serves it. */
  readonly version: string;
  /** Resource of the admission API that serves it. */
  readonly resource: string;
  /** Operations it intercepts. */
  readonly operations: string[];
  /** API groups of the intercepted resources. */
  readonly apiGroups: string[];
  /** Intercepted resources. */
  readonly resources: string[];
  /**
   * Intercepts workloads (Pod templates) in any namespace: skips the excluded namespaces.
   * @default false
   */
  readonly workload?: boolean;
}

/** Namespaces the workload webhooks skip unless told otherwise (besides the operator's own). */
export const DEFAULT_EXCLUDED_NAMESPACES: readonly string[] = ['kube-system'];

/** The label every namespace carries with its own name (Kubernetes 1.21 and later). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

const WORKLOADS = ['apps', 'extensions'];
const STASH = ['stash.appscode.com'];
const CREATE_UPDATE = ['CREATE', 'UPDATE'];

/** The mutating webhooks, as upstream defines them. */
export const MUTATING_WEBHOOKS: readonly WebhookDefinition[] = [
  { name: 'deployment', version: 'v1alpha1', resource: 'deploymentmutators', operations: CREATE_UPDATE, apiGroups: WORKLOADS, resources: ['deployments'], workload: true },
  { name: 'daemonset', version: 'v1alpha1', resource: 'daemonsetmutators', operations: CREATE_UPDATE, apiGroups: WORKLOADS, resources: ['daemonsets'], workload: true },
  // StatefulSet pod templates are immutable in parts, so only creation is mutated.
  { name: 'statefulset', version: 'v1alpha1', resource: 'statefulsetmutators', operations: ['CREATE'], apiGroups: ['apps'], resources: ['statefulsets'], workload: true },
  { name: 'deploymentconfig', version: 'v1alpha1', resource: 'deploymentconfigmutators', operations: CREATE_UPDATE, apiGroups: ['apps.openshift.io'], resources: ['deploymentconfigs'], workload: true },
  { name: 'restoresession', version: 'v1beta1', resource: 'restoresessionmutators', operations: CREATE_UPDATE, apiGroups: STASH, resources: ['restoresessions'] },
];

/** The validating webhooks, as upstream defines them. */
export const VALIDATING_WEBHOOKS: readonly WebhookDefinition[] = [
  { name: 'restic', version: 'v1alpha1', resource: 'resticvalidators', operations: CREATE_UPDATE, apiGroups: STASH, resources: ['restics'] },
  { name: 'recovery', version: 'v1alpha1', resource: 'recoveryvalidators', operations: CREATE_UPDATE, apiGroups: STASH, resources: ['recoveries'] },
  { name: 'repository', version: 'v1alpha1', resource: 'repositoryvalidators', operations: CREATE_UPDATE, apiGroups: STASH, resources: ['repositories'] },
  { name: 'restoresession', version: 'v1beta1', resource: 'restoresessionvalidators', operations: CREATE_UPDATE, apiGroups: STASH, resources: ['restoresessions'] },
  { name: 'restorebatch', version: 'v1beta1', resource: 'restorebatchvalidators', operations: CREATE_UPDATE, apiGroups: STASH, resources: ['restorebatches'] },
  { name: 'backupconfiguration', version: 'v1beta1', resource: 'backupconfigurationvalidators', operations: CREATE_UPDATE, apiGroups: STASH, resources: ['backupconfigurations'] },
  { name: 'backupbatch', version: 'v1beta1', resource: 'backupbatchvalidators', operations: CREATE_UPDATE, apiGroups: STASH, resources: ['backupbatches'] },
  { name: 'backupblueprint', version: 'v1beta1', resource: 'backupblueprintvalidators', operations: CREATE_UPDATE, apiGroups: STASH, resources: ['backupblueprints'] },
];

function webhookOf(def: WebhookDefinition, failurePolicy: WebhookFailurePolicy, excludedNamespaces: string[]): k8s.MutatingWebhook & k8s.ValidatingWebhook {
  return {
    name: `${def.name}.admission.stash.appscode.com`,
    clientConfig: {
      // Through the kube-apiserver, which proxies to the operator's aggregated API (see above).
      service: { namespace: 'default', name: 'kubernetes', path: `/apis/admission.stash.appscode.com/${def.version}/${def.resource}` },
    },
    rules: [{ operations: [...def.operations], apiGroups: [...def.apiGroups], apiVersions: ['*'], resources: [...def.resources] }],
    // The operator's admission API speaks admission.k8s.io/v1beta1 only.
    admissionReviewVersions: ['v1beta1'],
    failurePolicy,
    ...(def.workload
      ? { namespaceSelector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: [...excludedNamespaces] }] } }
      : {}),
    sideEffects: 'None',
  };
}

/** Props of `AdmissionWebhooks`. */
export interface AdmissionWebhooksProps extends AdmissionWebhooksOptions {
  /** The operator the objects belong to. */
  readonly identity: OperatorIdentity;
}

/** The operator's Mutating- and ValidatingWebhookConfiguration (each optional). */
export class AdmissionWebhooks extends Construct {
  /** The MutatingWebhookConfiguration, when on. */
  public readonly mutating?: k8s.KubeMutatingWebhookConfiguration;
  /** The ValidatingWebhookConfiguration, when on. */
  public readonly validating?: k8s.KubeValidatingWebhookConfiguration;

  constructor(scope: Construct, id: string, props: AdmissionWebhooksProps) {
    super(scope, id);
    const failurePolicy = props.failurePolicy ?? WebhookFailurePolicy.IGNORE;
    this.node.addValidation({ validate: () => admissionWebhooksProblems(props) });
    // The operator's namespace first, then the others, each once.
    const given = Array.isArray(props.excludedNamespaces) ? props.excludedNamespaces : DEFAULT_EXCLUDED_NAMESPACES;
    const excludedNamespaces = [...new Set([props.identity.namespace, ...given])];
    const metadata = metadataOf(props.identity, WEBHOOK_CONFIGURATION_NAME, false);
    if (props.mutating ?? true) {
      this.mutating = new k8s.KubeMutatingWebhookConfiguration(this, 'Mutating', {
        metadata,
        webhooks: MUTATING_WEBHOOKS.map((def) => webhookOf(def, failurePolicy, excludedNamespaces)),
      });
    }
    if (props.validating ?? true) {
      this.validating = new k8s.KubeValidatingWebhookConfiguration(this, 'Validating', {
        metadata,
        webhooks: VALIDATING_WEBHOOKS.map((def) => webhookOf(def, failurePolicy, excludedNamespaces)),
      });
    }
  }
}

/** What is wrong with the webhook options (fields relative to the options). */
export function admissionWebhooksProblems(options: AdmissionWebhooksOptions): string[] {
  const out: string[] = [];
  if (options.failurePolicy !== undefined && !Object.values(WebhookFailurePolicy).includes(options.failurePolicy)) {
    out.push(problem('failurePolicy', `${JSON.stringify(options.failurePolicy)} is not a WebhookFailurePolicy`, 'use WebhookFailurePolicy.IGNORE or WebhookFailurePolicy.FAIL'));
  }
  out.push(...excludedNamespacesProblems(options.excludedNamespaces));
  return out;
}

/** What is wrong with `excludedNamespaces` (each must be a namespace name). */
export function excludedNamespacesProblems(namespaces: readonly string[] | undefined): string[] {
  if (namespaces === undefined) return [];
  if (!Array.isArray(namespaces)) return [problem('excludedNamespaces', 'is not a list', "give a list of namespace names, e.g. ['kube-system']")];
  return namespaces.flatMap((ns, i) => nameProblems(`excludedNamespaces[${i}]`, ns, NameRule.DNS_LABEL, 'a namespace name', { helmExpressions: true }));
}
