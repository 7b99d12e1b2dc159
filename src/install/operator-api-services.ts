/**
 * The APIServices that register the operator's API server with the kube-apiserver: the
 * admission API groups its webhooks call (`admission.stash.appscode.com`, v1alpha1 and v1beta1)
 * and the snapshot listing API (`repositories.stash.appscode.com`). Names are upstream's and
 * cluster-wide, so one cluster holds one Stash operator.
 *
 * The operator serves the admission groups only while a webhook is on, but the snapshot group
 * always (stashed/stash, pkg/server/server.go): so the snapshot APIService always exists and
 * the admission ones only with a webhook, and none is ever left unavailable (an unavailable
 * APIService breaks discovery and namespace deletion cluster-wide).
 *
 * Every backup and restore Job of an addon looks up the APIService named by the operator's
 * `--license-apiservice` and calls `https://<its service>.<namespace>.svc/appscode/license`
 * (port 443), trusting its `caBundle`: one of these must always be that APIService.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { integerProblems } from '../core/validation/problems';
import { metadataOf, OperatorIdentity } from './operator-identity';
import { ServingCertificatesBinding } from './serving-certificates';

/** The admission API groups and versions the operator serves while a webhook is on, as upstream registers them. */
export const ADMISSION_API_SERVICES: ReadonlyArray<{ readonly group: string; readonly version: string }> = [
  { group: 'admission.stash.appscode.com', version: 'v1alpha1' },
  { group: 'admission.stash.appscode.com', version: 'v1beta1' },
];

/** The snapshot API the operator always serves. */
export const REPOSITORIES_API_SERVICE = { group: 'repositories.stash.appscode.com', version: 'v1alpha1' } as const;

/** The API groups and versions the operator serves, as upstream registers them. */
export const OPERATOR_API_SERVICES: ReadonlyArray<{ readonly group: string; readonly version: string }> = [
  ...ADMISSION_API_SERVICES,
  REPOSITORIES_API_SERVICE,
];

/** The name of the APIService of a group and version (`<version>.<group>`). */
export function apiServiceName(api: { readonly group: string; readonly version: string }): string {
  return `${api.version}.${api.group}`;
}

/** The APIService the addons ask for the license while a webhook is on (upstream's default). */
export const DEFAULT_LICENSE_API_SERVICE = apiServiceName(ADMISSION_API_SERVICES[1]);

/** The APIService the addons ask for the license when every webhook is off: the one the operator always serves. */
export const WEBHOOKLESS_LICENSE_API_SERVICE = apiServiceName(REPOSITORIES_API_SERVICE);

/** Props of `OperatorApiServices`. */
export interface OperatorApiServicesProps {
  /** The operator the objects belong to. */
  readonly identity: OperatorIdentity;
  /** The Service in front of the operator's API server (port 443). */
  readonly serviceName: string;
  /** Where the serving certificate's CA comes from. */
  readonly certificates: ServingCertificatesBinding;
  /**
   * Register the admission API groups (the operator serves them only while a webhook is on).
   * @default true
   */
  readonly admission?: boolean;
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

/** The APIServices of the Stash operator. */
export class OperatorApiServices extends Construct {
  /** Every APIService created, in `OPERATOR_API_SERVICES` order. */
  public readonly apiServices: k8s.KubeApiService[];
  /** The admission APIServices, when created. */
  public readonly admissionApiServices: k8s.KubeApiService[];
  /** The snapshot APIService (always created). */
  public readonly repositoriesApiService: k8s.KubeApiService;

  constructor(scope: Construct, id: string, props: OperatorApiServicesProps) {
    super(scope, id);
    const { identity, certificates } = props;
    // The API server's ranges (kube-aggregator's APIService validation).
    this.node.addValidation({
      validate: () => [
        ...integerProblems('groupPriorityMinimum', props.groupPriorityMinimum, 1, 20000, 'use a whole number from 1 to 20000 (the API server\'s range), e.g. 10000'),
        ...integerProblems('versionPriority', props.versionPriority, 1, 1000, 'use a whole number from 1 to 1000 (the API server\'s range), e.g. 15'),
      ],
    });
    const define = ({ group, version }: { group: string; version: string }) => new k8s.KubeApiService(this, `${version}.${group}`, {
      metadata: metadataOf(identity, apiServiceName({ group, version }), false, certificates.apiServiceAnnotations),
      spec: {
        group,
        version,
        // The addons' license check ignores the port and always calls 443.
        service: { namespace: identity.namespace, name: props.serviceName, port: 443 },
        ...(certificates.caBundle !== undefined ? { caBundle: certificates.caBundle } : {}),
        groupPriorityMinimum: props.groupPriorityMinimum ?? 10000,
        versionPriority: props.versionPriority ?? 15,
      },
    });
    this.admissionApiServices = (props.admission ?? true) ? ADMISSION_API_SERVICES.map(define) : [];
    this.repositoriesApiService = define(REPOSITORIES_API_SERVICE);
    this.apiServices = [...this.admissionApiServices, this.repositoriesApiService];
  }

  /** The names of the APIServices created. */
  public get names(): string[] {
    return this.apiServices.map((a) => a.name);
  }
}
