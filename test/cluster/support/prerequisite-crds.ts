/**
 * The CRDs of other projects that some of our manifests need in the cluster.
 *
 * - The Prometheus Operator's own CRDs (ServiceMonitor: `monitoring.*=true`; PrometheusRule:
 *   `monitoring.alerts.enabled` and the backup alerts), with their full schemas: the server judges
 *   our objects as a real cluster would. `scripts/cluster/build-binaries.sh` takes them from the
 *   pinned `github.com/prometheus-operator/prometheus-operator` Go module into the binaries' cache.
 * - Stand-ins for cert-manager (Issuer, Certificate: `dist/install.yaml` and
 *   `certificates.mode=certManager`): the same group, version, kind, scope and names as upstream,
 *   the fields that upstream requires (so a Certificate without `secretName` or `issuerRef.name` is
 *   still refused), and `x-kubernetes-preserve-unknown-fields` for the rest; the unit tests check
 *   our objects against cert-manager's schemas (kubernetes-models).
 *
 * Only what a set of objects needs is installed (`prerequisiteCrdsFor`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { binDir } from '../harness';

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

/** A CRD of the Prometheus Operator, as its pinned Go module ships it. */
function prometheusOperatorCrd(plural: string): any {
  const file = path.join(binDir(), 'crds', `monitoring.coreos.com_${plural}.yaml`);
  if (!fs.existsSync(file)) {
    throw new Error(`${file} is missing: run \`bash scripts/cluster/build-binaries.sh\` (it takes the Prometheus Operator CRDs from their Go module)`);
  }
  return parse(fs.readFileSync(file, 'utf8'));
}

/** monitoring.coreos.com/v1 ServiceMonitor (the Prometheus Operator's CRD). */
export const SERVICE_MONITOR_CRD = prometheusOperatorCrd('servicemonitors');

/** monitoring.coreos.com/v1 PrometheusRule (the Prometheus Operator's CRD). */
export const PROMETHEUS_RULE_CRD = prometheusOperatorCrd('prometheusrules');

const BY_KIND: Record<string, any> = {
  'Issuer.cert-manager.io': CERT_MANAGER_ISSUER_CRD,
  'Certificate.cert-manager.io': CERT_MANAGER_CERTIFICATE_CRD,
  'ServiceMonitor.monitoring.coreos.com': SERVICE_MONITOR_CRD,
  'PrometheusRule.monitoring.coreos.com': PROMETHEUS_RULE_CRD,
};

/** The CRDs of other projects that `objects` need (none when they use no such kind). */
export function prerequisiteCrdsFor(objects: readonly any[]): any[] {
  const needed = new Map<string, any>();
  for (const o of objects) {
    const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
    const c = BY_KIND[`${o.kind}.${group}`];
    if (c) needed.set(c.metadata.name, c);
  }
  return [...needed.values()];
}
