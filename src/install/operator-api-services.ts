/**
 * The APIServices that register the operator's API server with the kube-apiserver: the
 * admission API groups its webhooks call (`admission.stash.appscode.com`, v1alpha1 and v1beta1)
 * and the snapshot listing API (`repositories.stash.appscode.com`). Names are upstream's and
 * cluster-wide, so one cluster holds one Stash operator.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { metadataOf, OperatorIdentity } from './operator-identity';
import { ServingCertificatesBinding } from './serving-certificates';

/** The API groups and versions the operator serves, as upstream registers them. */
export const OPERATOR_API_SERVICES: ReadonlyArray<{ readonly group: string; readonly version: string }> = [
  { group: 'admission.stash.appscode.com', version: 'v1alpha1' },
  { group: 'admission.stash.appscode.com', version: 'v1beta1' },
  { group: 'repositories.stash.appscode.com', version: 'v1alpha1' },
];

/** Props of `OperatorApiServices`. */
export interface OperatorApiServicesProps {
  /** The operator the objects belong to. */
  readonly identity: OperatorIdentity;
  /** The Service in front of the operator's API server (port 443). */
  readonly serviceName: string;
  /** Where the serving certificate's CA comes from. */
  readonly certificates: ServingCertificatesBinding;
  /**
   * Minimum priority of the API groups (upstream's value).
   * @default 10000
   */
  readonly groupPriorityMinimum?: number;
  /**
   * Priority of the versions inside their groups (upstream's value).
   * @default 15
   */
  readonly versionPriority?: number;
}

/** The three APIServices of the Stash operator. */
export class OperatorApiServices extends Construct {
  /** The APIServices, in `OPERATOR_API_SERVICES` order. */
  public readonly apiServices: k8s.KubeApiService[];

  constructor(scope: Construct, id: string, props: OperatorApiServicesProps) {
    super(scope, id);
    const { identity, certificates } = props;
    this.apiServices = OPERATOR_API_SERVICES.map(({ group, version }) => new k8s.KubeApiService(this, `${version}.${group}`, {
      metadata: metadataOf(identity, `${version}.${group}`, false, certificates.apiServiceAnnotations),
      spec: {
        group,
        version,
        service: { namespace: identity.namespace, name: props.serviceName, port: 443 },
        ...(certificates.caBundle !== undefined ? { caBundle: certificates.caBundle } : {}),
        groupPriorityMinimum: props.groupPriorityMinimum ?? 10000,
        versionPriority: props.versionPriority ?? 15,
      },
    }));
  }
}
