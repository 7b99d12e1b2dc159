/** Facts of the Stash operator that both the install and the per-database objects rely on. */

/** The port of the operator's Pushgateway (sidecar and Service), where backup and restore Jobs push their metrics; upstream's value. */
export const PUSHGATEWAY_PORT = 56789;

/**
 * The port of the operator's API server (webhooks, metrics, and `/appscode/license`, which every
 * backup and restore Job calls first through port 443 of the operator's Service); upstream's value.
 */
export const OPERATOR_SECURE_PORT = 8443;

/** The namespace of the install in `dist/install.yaml` and the README's `helm install` (release `stash`). */
export const INSTALL_NAMESPACE = 'stash';

/**
 * The labels that select the operator Pod of `dist/install.yaml` and of `charts/stash-pxc`
 * installed as release `stash` (its README's command): the chart's name and the release.
 */
export const INSTALL_OPERATOR_POD_LABELS: { readonly [key: string]: string } = Object.freeze({
  'app.kubernetes.io/name': 'stash-pxc',
  'app.kubernetes.io/instance': 'stash',
});
