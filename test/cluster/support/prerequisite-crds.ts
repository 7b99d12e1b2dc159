/**
 * Stand-ins for the CRDs of other projects that some of our manifests need in the cluster:
 * cert-manager (Issuer, Certificate: `dist/install.yaml` and `certificates.mode=certManager`)
 * and the Prometheus Operator (ServiceMonitor: `monitoring.*=true`; PrometheusRule: `monitoring.alerts.enabled`
 * and the backup alerts example).
 *
 * They are minimal on purpose: the same group, version, kind, scope and names as upstream, the
 * fields that upstream requires (so a Certificate without `secretName` or `issuerRef.name` is
 * still refused), and `x-kubernetes-preserve-unknown-fields` for the rest. Their full schemas are
 * upstream's business and the unit tests check our objects against them (kubernetes-models);
 * here they only have to make the kinds exist so that the server accepts our objects at all.
 * Only what a set of objects needs is installed (`prerequisiteCrdsFor`).
 */

function crd(group: string, kind: string, plural: string, scope: 'Namespaced' | 'Cluster', spec: object): any {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}`, labels: { 'stash-pxc.test/stand-in': 'true' } },
    spec: {
      group,
      scope,
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase() },
      versions: [{
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: spec,
              status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        },
      }],
    },
  };
}

const open = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

/** cert-manager.io/v1 Issuer. */
export const CERT_MANAGER_ISSUER_CRD = crd('cert-manager.io', 'Issuer', 'issuers', 'Namespaced', open);

/** cert-manager.io/v1 Certificate (upstream requires `secretName` and `issuerRef.name`). */
export const CERT_MANAGER_CERTIFICATE_CRD = crd('cert-manager.io', 'Certificate', 'certificates', 'Namespaced', {
  ...open,
  required: ['issuerRef', 'secretName'],
  properties: {
    secretName: { type: 'string' },
    issuerRef: { ...open, required: ['name'], properties: { name: { type: 'string' }, kind: { type: 'string' }, group: { type: 'string' } } },
    dnsNames: { type: 'array', items: { type: 'string' } },
  },
});

/** monitoring.coreos.com/v1 ServiceMonitor. */
export const SERVICE_MONITOR_CRD = crd('monitoring.coreos.com', 'ServiceMonitor', 'servicemonitors', 'Namespaced', open);

/**
 * monitoring.coreos.com/v1 PrometheusRule (upstream requires a name for every group and an
 * `expr` for every rule).
 */
export const PROMETHEUS_RULE_CRD = crd('monitoring.coreos.com', 'PrometheusRule', 'prometheusrules', 'Namespaced', {
  ...open,
  properties: {
    groups: {
      type: 'array',
      items: {
        ...open,
        required: ['name'],
        properties: {
          name: { type: 'string', minLength: 1 },
          rules: { type: 'array', items: { ...open, required: ['expr'], properties: { expr: { 'x-kubernetes-int-or-string': true } } } },
        },
      },
    },
  },
});

const BY_KIND: Record<string, any> = {
  'Issuer.cert-manager.io': CERT_MANAGER_ISSUER_CRD,
  'Certificate.cert-manager.io': CERT_MANAGER_CERTIFICATE_CRD,
  'ServiceMonitor.monitoring.coreos.com': SERVICE_MONITOR_CRD,
  'PrometheusRule.monitoring.coreos.com': PROMETHEUS_RULE_CRD,
};

/** The stand-in CRDs that `objects` need (none when they use no such kind). */
export function prerequisiteCrdsFor(objects: readonly any[]): any[] {
  const needed = new Map<string, any>();
  for (const o of objects) {
    const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
    const c = BY_KIND[`${o.kind}.${group}`];
    if (c) needed.set(c.metadata.name, c);
  }
  return [...needed.values()];
}
