/**
 * The description of one custom resource kind, from which its CustomResourceDefinition is built.
 */
import type { JSONSchemaProps } from './json-schema';
import { Schema } from './schema';

/** One `additionalPrinterColumns` entry. */
export interface PrinterColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly jsonPath: string;
  readonly format?: string;
  readonly priority?: number;
  readonly description?: string;
}

/** A custom resource kind: names, scope, schema and columns, as upstream defines them. */
export interface ResourceDefinition {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly listKind: string;
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
  readonly scope: 'Namespaced' | 'Cluster';
  /** What the kind is for, as the CRD schema's description. */
  readonly description: string;
  readonly spec: Schema<unknown>;
  /** The status schema; a kind with a status also gets the status subresource. */
  readonly status?: Schema<unknown>;
  readonly printerColumns: readonly PrinterColumn[];
}

/** `group/version` of a kind. */
export function apiVersionOf(def: ResourceDefinition): string {
  return `${def.group}/${def.version}`;
}

/** The CRD object name, `<plural>.<group>`. */
export function crdNameOf(def: ResourceDefinition): string {
  return `${def.plural}.${def.group}`;
}

/** The complete `openAPIV3Schema` of a kind. */
export function openApiSchemaOf(def: ResourceDefinition): JSONSchemaProps {
  const properties: { [name: string]: JSONSchemaProps } = {
    apiVersion: { type: 'string', description: 'APIVersion of this representation of the object.' },
    kind: { type: 'string', description: 'Kind of this object.' },
    metadata: { type: 'object' },
    spec: def.spec.toJson(),
  };
  if (def.status) properties.status = def.status.toJson();
  return { type: 'object', description: def.description, properties };
}

/** The `spec` of the apiextensions.k8s.io/v1 CustomResourceDefinition of a kind. */
export function crdSpecOf(def: ResourceDefinition): { [key: string]: unknown } {
  return {
    group: def.group,
    names: {
      kind: def.kind,
      listKind: def.listKind,
      plural: def.plural,
      singular: def.singular,
      ...(def.shortNames?.length ? { shortNames: [...def.shortNames] } : {}),
      ...(def.categories?.length ? { categories: [...def.categories] } : {}),
    },
    scope: def.scope,
    versions: [
      {
        name: def.version,
        served: true,
        storage: true,
        schema: { openAPIV3Schema: openApiSchemaOf(def) },
        subresources: def.status ? { status: {} } : {},
        additionalPrinterColumns: def.printerColumns.map((c) => ({ ...c })),
      },
    ],
  };
}
