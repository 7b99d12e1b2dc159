/** Facts of the Stash operator that both the install and the per-database objects rely on. */

/** The port of the operator's Pushgateway (sidecar and Service), where backup and restore Jobs push their metrics; upstream's value. */
export const PUSHGATEWAY_PORT = 56789;
