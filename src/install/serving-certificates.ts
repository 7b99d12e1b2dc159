/**
 * The serving certificate of the operator's API server (port 8443), which the kube-apiserver
 * trusts through the `caBundle` of the operator's APIServices. Three ways to get one:
 * cert-manager, a Secret the user provides, or a certificate the Helm chart generates at install.
 */
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { hasHelmExpression, literalOf } from '../core/validation/helm-expressions';
import { nameProblems, NameRule } from '../core/validation/names';
import { problem } from '../core/validation/problems';
import { metadataOf, OperatorIdentity } from './operator-identity';

/** The annotation by which cert-manager's CA injector fills a `caBundle` from a Certificate. */
export const CERT_MANAGER_INJECT_CA_ANNOTATION = 'cert-manager.io/inject-ca-from';

/**
 * The Helm template variables that `ServingCertificates.helmGenerated()` reads: base64 PEM of the
 * CA, the server certificate and its private key. The template that renders the objects defines them.
 */
export const HELM_CERTIFICATE_VARIABLES = { caBundle: '$caCrt', certificate: '$tlsCrt', privateKey: '$tlsKey' } as const;

/** A cert-manager issuer, by reference. */
export interface CertManagerIssuerReference {
  /** Name of the Issuer or ClusterIssuer. */
  readonly name: string;
  /**
   * `Issuer` (in the operator's namespace) or `ClusterIssuer`, or an external issuer's kind.
   * @default 'Issuer'
   */
  readonly kind?: string;
  /**
   * API group of the issuer.
   * @default 'cert-manager.io'
   */
  readonly group?: string;
}

/** Options of `ServingCertificates.certManager()`. */
export interface CertManagerServingCertificatesOptions {
  /**
   * The issuer that signs the serving certificate.
   * @default - a self-signed Issuer created next to the operator (the APIServices trust it through CA injection)
   */
  readonly issuer?: CertManagerIssuerReference;
}

/** Options of `ServingCertificates.provided()`. */
export interface ProvidedServingCertificatesOptions {
  /**
   * Name of an existing Secret in the operator's namespace with `tls.crt` and `tls.key`
   * (and `ca.crt` if the operator ServiceMonitor is on), valid for `<name>.<namespace>.svc`.
   */
  readonly secretName: string;
  /** Base64 of the PEM CA certificate that signed `tls.crt` (as in `APIService.spec.caBundle`). */
  readonly caBundle: string;
}

/** Where the serving certificate of an operator is, as its objects need it. */
export interface ServingCertificatesBinding {
  /** The Secret with `tls.crt` and `tls.key` that the operator Pod mounts. */
  readonly secretName: string;
  /**
   * The `caBundle` of the APIServices.
   * @default - none: something injects it (cert-manager's CA injector)
   */
  readonly caBundle?: string;
  /** Annotations for the APIServices (cert-manager's CA injection). */
  readonly apiServiceAnnotations: { [key: string]: string };
}

/** Options of `ServingCertificates.bind()`. */
export interface ServingCertificatesBindOptions {
  /** The operator the certificate serves. */
  readonly identity: OperatorIdentity;
  /** The Service in front of the operator (the certificate's DNS names derive from it). */
  readonly serviceName: string;
}

/**
 * How the operator gets its serving certificate. Pick one with a static method.
 *
 * @example
 * new StashOperator(chart, 'Stash', { certificates: ServingCertificates.certManager() });
 */
export abstract class ServingCertificates {
  /**
   * cert-manager issues the certificate and injects its CA into the APIServices (cert-manager
   * must run in the cluster). No private key ever appears in the manifests.
   */
  public static certManager(options: CertManagerServingCertificatesOptions = {}): ServingCertificates {
    return new CertManagerCertificates(options);
  }

  /** A certificate the user manages in a Secret; its CA goes into the APIServices as given. */
  public static provided(options: ProvidedServingCertificatesOptions): ServingCertificates {
    return new ProvidedCertificates(options);
  }

  /**
   * For Helm templates only: a Secret whose data are the Helm variables named in
   * `HELM_CERTIFICATE_VARIABLES`, which the template must define (the stash-pxc chart generates a
   * CA and a server certificate at install and keeps them across upgrades). Plain manifests
   * rendered with this mode are not usable.
   */
  public static helmGenerated(): ServingCertificates {
    return new HelmGeneratedCertificates();
  }

  /** A short name of the mode, for messages: `certManager`, `provided` or `helmGenerated`. */
  public abstract readonly mode: string;

  /**
   * What is wrong with the options given to the factory (fields relative to `certificates`); the
   * construct that binds the certificates reports these at synth.
   */
  public problems(): string[] {
    return [];
  }

  /** Creates what the mode needs under `scope` and says where the certificate is. */
  public abstract bind(scope: Construct, options: ServingCertificatesBindOptions): ServingCertificatesBinding;
}

/** The Secret name that the generated and cert-manager modes use. */
export function servingCertSecretName(identity: OperatorIdentity): string {
  return `${identity.name}-apiserver-cert`;
}

/** DNS names the kube-apiserver may use to reach the operator's Service. */
function dnsNamesOf(serviceName: string, namespace: string): string[] {
  return [`${serviceName}.${namespace}`, `${serviceName}.${namespace}.svc`];
}

class CertManagerCertificates extends ServingCertificates {
  public readonly mode = 'certManager';

  constructor(private readonly options: CertManagerServingCertificatesOptions) {
    super();
  }

  public problems(): string[] {
    const issuer = this.options?.issuer;
    if (issuer === undefined) return [];
    return nameProblems('certManager.issuer.name', issuer.name ?? '', NameRule.DNS_SUBDOMAIN,
      'the name of an existing Issuer or ClusterIssuer; leave issuer out for a self-signed Issuer', { helmExpressions: true });
  }

  public bind(scope: Construct, options: ServingCertificatesBindOptions): ServingCertificatesBinding {
    const { identity, serviceName } = options;
    const secretName = servingCertSecretName(identity);
    let issuerRef = this.options.issuer;
    if (issuerRef === undefined) {
      const issuerName = `${identity.name}-selfsigned`;
      new ApiObject(scope, 'SelfSignedIssuer', {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Issuer',
        metadata: metadataOf(identity, issuerName, true),
        spec: { selfSigned: {} },
      });
      issuerRef = { name: issuerName };
    }
    new ApiObject(scope, 'ServingCertificate', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: metadataOf(identity, secretName, true),
      spec: {
        secretName,
        commonName: serviceName,
        dnsNames: dnsNamesOf(serviceName, identity.namespace),
        usages: ['server auth', 'digital signature', 'key encipherment'],
        // A new key at every renewal; the operator's API server reloads the mounted files.
        privateKey: { rotationPolicy: 'Always' },
        issuerRef: { name: issuerRef.name, kind: issuerRef.kind ?? 'Issuer', group: issuerRef.group ?? 'cert-manager.io' },
      },
    });
    return {
      secretName,
      apiServiceAnnotations: { [CERT_MANAGER_INJECT_CA_ANNOTATION]: `${identity.namespace}/${secretName}` },
    };
  }
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

class ProvidedCertificates extends ServingCertificates {
  public readonly mode = 'provided';

  constructor(private readonly options: ProvidedServingCertificatesOptions) {
    super();
  }

  public problems(): string[] {
    const out = nameProblems('provided.secretName', this.options?.secretName ?? '', NameRule.DNS_SUBDOMAIN,
      'the Secret that holds tls.crt and tls.key', { helmExpressions: true });
    const caBundle = this.options?.caBundle ?? '';
    if (typeof caBundle !== 'string' || (!hasHelmExpression(caBundle) && !isBase64Pem(caBundle))) {
      out.push(problem('provided.caBundle', 'is not the base64 of a PEM CA certificate ("-----BEGIN CERTIFICATE-----...")',
        'give the output of `base64 -w0 ca.crt` for the CA that signed tls.crt'));
    }
    return out;
  }

  public bind(): ServingCertificatesBinding {
    return { secretName: this.options?.secretName ?? '', caBundle: this.options?.caBundle, apiServiceAnnotations: {} };
  }
}

function isBase64Pem(value: string): boolean {
  if (!BASE64.test(literalOf(value))) return false;
  return Buffer.from(value, 'base64').toString('utf8').includes('-----BEGIN CERTIFICATE-----');
}

class HelmGeneratedCertificates extends ServingCertificates {
  public readonly mode = 'helmGenerated';

  public bind(scope: Construct, options: ServingCertificatesBindOptions): ServingCertificatesBinding {
    const secretName = servingCertSecretName(options.identity);
    const v = HELM_CERTIFICATE_VARIABLES;
    new k8s.KubeSecret(scope, 'ServingCertSecret', {
      metadata: metadataOf(options.identity, secretName, true),
      type: 'kubernetes.io/tls',
      data: { 'ca.crt': `{{ ${v.caBundle} }}`, 'tls.crt': `{{ ${v.certificate} }}`, 'tls.key': `{{ ${v.privateKey} }}` },
    });
    return { secretName, caBundle: `{{ ${v.caBundle} }}`, apiServiceAnnotations: {} };
  }
}
