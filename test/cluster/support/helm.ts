/**
 * Helm against the test cluster. The binary comes from the shared finder in
 * `test/support/helm.ts` (HELM_BIN, the tools cache of `bash scripts/install-tools.sh`, PATH);
 * a missing Helm fails with the command that installs it.
 */
import { Cluster } from '../harness';
import { findHelm, helmTemplate, HelmBinary, HelmResult, parseManifests, runHelm } from '../../support/helm';
import { CHART_DIR, requireChartTemplates } from './repo';
import { withoutClientNoise } from './objects';

export { HelmResult, parseManifests };

/** Helm 3, the version the chart's README documents first. */
export function helm3(): HelmBinary {
  return findHelm(3);
}

/**
 * Runs Helm against the cluster (`--kubeconfig`), with client noise (discovery of the operator's
 * unavailable APIServices, client-go's throttling and own-watch log lines) removed from stderr
 * (see `withoutClientNoise`).
 */
export async function helmOn(cluster: Cluster, args: string[], helm: HelmBinary = helm3()): Promise<HelmResult> {
  const r = await runHelm(helm, ['--kubeconfig', cluster.kubeconfig, ...args]);
  return { ...r, stderr: withoutClientNoise(r.stderr) };
}

/** Like `helmOn`, but throws with Helm's output when it fails. */
export async function helmOnOk(cluster: Cluster, args: string[], helm: HelmBinary = helm3()): Promise<HelmResult> {
  const r = await helmOn(cluster, args, helm);
  if (r.code !== 0) throw new Error(`helm ${args.join(' ')} exited ${r.code}:\n${r.stderr}${r.stdout}`);
  return r;
}

/**
 * `helm template` of the generated chart with Helm 3 (no cluster: `lookup` finds nothing, as on a
 * first install); the rendered objects.
 */
export async function renderChart(release: string, namespace: string, values: { set?: string[]; valuesFiles?: string[] } = {}): Promise<any[]> {
  requireChartTemplates();
  return helmTemplate(helm3(), CHART_DIR, { release, namespace, ...values });
}

/** The objects a release installed (`helm get manifest`); hooks and `crds/` are not in it. */
export async function releaseManifest(cluster: Cluster, release: string, namespace: string): Promise<any[]> {
  const r = await helmOnOk(cluster, ['get', 'manifest', release, '--namespace', namespace]);
  return parseManifests(r.stdout);
}
