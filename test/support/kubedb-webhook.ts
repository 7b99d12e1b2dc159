/**
 * What KubeDB's admission webhook refuses in a `kubedb.com/v1` PerconaXtraDB, modelled from its
 * code (kubedb/apimachinery `pkg/webhooks/kubedb/v1/perconaxtradb.go`: `ValidateCreate` calls
 * `ValidatePerconaXtraDB`; the facts are theirs, the code is ours). Only the checks that need no
 * cluster: the PerconaXtraDBVersion lookup, storage classes and the deprecated-version check are
 * left out. The webhook returns its first error; so does this model.
 *
 * Older releases ran the same `ValidatePerconaXtraDB` from the controller instead of the webhook
 * (the database was admitted, then never provisioned); the outcome for a clone is the same.
 */

/** KubeDB's `PerconaXtraDBDefaultClusterSize`: the fewest members it takes. */
export const KUBEDB_WEBHOOK_MIN_REPLICAS = 3;
/** KubeDB's `PerconaXtraDBMaxClusterNameLength`: the cluster name is the object's name. */
export const KUBEDB_WEBHOOK_MAX_CLUSTER_NAME = 32;

/** The webhook's refusal of a PerconaXtraDB, in its words, or undefined when it admits it. */
export function kubedbPerconaXtraDbRefusal(db: any): string | undefined {
  const spec = db?.spec ?? {};
  if (!spec.version) return '\'spec.version\' is missing';
  if (spec.replicas === undefined || spec.replicas === null) return '\'spec.replicas\' is missing';
  // KubeDB formats the pointer `spec.replicas` with %v, so its message shows an address where
  // this one shows the count; the rest is its text.
  if (spec.replicas < KUBEDB_WEBHOOK_MIN_REPLICAS) {
    return `'spec.replicas' "${spec.replicas}" invalid. Value must be atleast ${KUBEDB_WEBHOOK_MIN_REPLICAS} for xtradb cluster`;
  }
  const clusterName = String(db?.metadata?.name ?? '');
  if (clusterName.length > KUBEDB_WEBHOOK_MAX_CLUSTER_NAME) {
    return `'spec.px.clusterName' "${clusterName}" shouldn't have more than ${KUBEDB_WEBHOOK_MAX_CLUSTER_NAME} characters'`;
  }
  if (!spec.storageType) return '\'spec.storageType\' is missing';
  if (spec.storageType !== 'Durable' && spec.storageType !== 'Ephemeral') return `'spec.storageType' ${spec.storageType} is invalid`;
  if (spec.authSecret?.externallyManaged && !spec.authSecret?.name) {
    return 'for externallyManaged auth secret, user need to provide "spec.authSecret.name"';
  }
  if (!spec.deletionPolicy) return '\'spec.terminationPolicy\' is missing';
  if (spec.storageType === 'Ephemeral' && spec.deletionPolicy === 'Halt') return '\'spec.terminationPolicy: Halt\' can not be used for \'Ephemeral\' storage';
  return undefined;
}
