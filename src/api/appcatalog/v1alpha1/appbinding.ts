/**
 * appcatalog.appscode.com/v1alpha1 AppBinding: how to connect to an application (here, a
 * database): its service, credentials Secret and parameters. KubeDB creates one per database;
 * Stash backs up and restores through it.
 */
import type { ResourceDefinition } from '../../crd';
import { Infer, t } from '../../schema';

/** A Secret in the AppBinding's namespace, by group, kind and name. */
export const appBindingSecretRef = t.object({
  apiGroup: t.string().withDefault('').doc('API group of the referenced object; empty for the core group.'),
  kind: t.string().withDefault('Secret').doc('Kind of the referenced object; Secret.'),
  name: t.string().doc('Name of the Secret.'),
}, { required: ['kind', 'name'], mapType: 'atomic' });
export type AppBindingSecretRef = Infer<typeof appBindingSecretRef>;

/** A Kubernetes Service that serves the application. */
export const appBindingServiceReference = t.object({
  name: t.string().doc('Name of the Service.'),
  namespace: t.string().doc('Namespace of the Service; defaults to the AppBinding\'s.'),
  path: t.string().doc('URL path appended to requests.'),
  port: t.int32().doc('Port of the Service to connect to.'),
  query: t.string().doc('Encoded query string (without "?") appended to requests.'),
  scheme: t.string().doc('URL scheme prefixed to the address, e.g. mysql or https; empty for none.'),
}, { required: ['name', 'port', 'scheme'] });
export type AppBindingServiceReference = Infer<typeof appBindingServiceReference>;

/** How clients reach the application: a URL or a Service, plus TLS settings. */
export const clientConfig = t.object({
  caBundle: t.string().with({ format: 'byte' }).doc('PEM CA bundle (base64) that verifies the application\'s serving certificate.'),
  insecureSkipTLSVerify: t.boolean().doc('Skip verification of the application\'s certificate (discouraged).'),
  serverName: t.string().doc('Host name to verify the serving certificate against (TLS SNI).'),
  service: appBindingServiceReference.doc('The in-cluster Service of the application (instead of url).'),
  url: t.string().doc('Address of the application, [scheme://]host:port/path (instead of service).'),
});
export type ClientConfig = Infer<typeof clientConfig>;

/** One change applied to the credentials before they are handed to a consumer. */
export const secretTransform = t.object({
  addKey: t.object({
    key: t.string().doc('Name of the key to add.'),
    stringValue: t.string().doc('Text value of the key (wins over value).'),
    value: t.string().with({ format: 'byte' }).doc('Binary value of the key, base64-encoded.'),
  }, { required: ['key'] }).doc('Add a key with a fixed, non-secret value.'),
  addKeysFrom: t.object({
    secretRef: t.k8s('io.k8s.api.core.v1.LocalObjectReference').doc('Secret whose entries are merged in.'),
  }).doc('Merge every entry of another Secret.'),
  removeKey: t.object({
    key: t.string().doc('Name of the key to remove.'),
  }, { required: ['key'] }).doc('Drop a key.'),
  renameKey: t.object({
    from: t.string().doc('Current name of the key.'),
    to: t.string().doc('New name of the key.'),
  }, { required: ['from', 'to'] }).doc('Rename a key.'),
});
export type SecretTransform = Infer<typeof secretTransform>;

export const appBindingSpec = t.object({
  appRef: t.object({
    apiGroup: t.string().doc('API group of the application object, e.g. kubedb.com.'),
    kind: t.string().doc('Kind of the application object, e.g. PerconaXtraDB.'),
    name: t.string().doc('Name of the application object.'),
    namespace: t.string().doc('Namespace of the application object.'),
  }, { required: ['name'] }).doc('The object (e.g. the KubeDB database) this AppBinding describes.'),
  clientConfig: clientConfig.doc('How to connect to the application.'),
  parameters: t.freeForm().with({ 'x-kubernetes-embedded-resource': true })
    .doc('Application-specific settings as an embedded object with apiVersion and kind; never secrets.'),
  secret: appBindingSecretRef.doc('Secret with the credentials to connect with.'),
  secretTransforms: t.array(secretTransform).doc('Changes applied to the credentials before use.'),
  tlsSecret: appBindingSecretRef.doc('Secret with the client TLS certificate and key.'),
  type: t.string().doc('Type of the application, e.g. kubedb.com/perconaxtradb; Stash picks the addon by it.'),
  version: t.string().doc('Version of the application, e.g. 8.0.36; Stash picks the Task version by it.'),
}, { required: ['clientConfig'] }).doc('How to connect to the application.');
export type AppBindingSpec = Infer<typeof appBindingSpec>;

export const APP_BINDING: ResourceDefinition = {
  group: 'appcatalog.appscode.com',
  version: 'v1alpha1',
  kind: 'AppBinding',
  plural: 'appbindings',
  singular: 'appbinding',
  listKind: 'AppBindingList',
  categories: ['catalog', 'appscode', 'all'],
  scope: 'Namespaced',
  description: 'AppBinding tells clients such as Stash how to connect to an application: its address, credentials and parameters.',
  spec: appBindingSpec,
  printerColumns: [
    { name: 'Type', type: 'string', jsonPath: '.spec.type' },
    { name: 'Version', type: 'string', jsonPath: '.spec.version' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
};
