/**
 * Checks manifests against CustomResourceDefinitions the way the API server would: strict
 * (every field the schema does not know is reported, since the server would prune it). Our
 * tests run every emitted object through it against the upstream Stash CRDs; users can do the
 * same in CI with the CRDs of their cluster.
 */
import type { JSONSchemaProps } from '../../api/json-schema';
import { SchemaFinding, validateValue } from '../../api/structural';

/** The schema that `crds` define for the apiVersion and kind of `manifest`, if any. */
export function schemaFor(manifest: { apiVersion?: string; kind?: string }, crds: readonly any[]): JSONSchemaProps | undefined {
  const [group, version] = (manifest.apiVersion ?? '').includes('/') ? manifest.apiVersion!.split('/') : ['', manifest.apiVersion];
  for (const crd of crds) {
    if (crd?.spec?.group !== group || crd?.spec?.names?.kind !== manifest.kind) continue;
    const v = (crd.spec.versions ?? []).find((x: any) => x.name === version && x.served !== false);
    if (v?.schema?.openAPIV3Schema) return v.schema.openAPIV3Schema;
  }
  return undefined;
}

/**
 * What the API server would refuse or prune in `manifest`, per the CRDs; a manifest of a kind
 * that no CRD defines is reported as such. `apiVersion`, `kind` and `metadata` are checked by
 * the server itself, not by the CRD schema.
 */
export function manifestProblems(manifest: any, crds: readonly any[]): SchemaFinding[] {
  const schema = schemaFor(manifest, crds);
  if (!schema) return [{ path: '<root>', message: `no CRD defines ${manifest?.apiVersion} ${manifest?.kind}` }];
  const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = manifest;
  const { apiVersion: _sa, kind: _sk, metadata: _sm, ...props } = schema.properties ?? {};
  return validateValue({ ...schema, properties: props }, rest);
}
