/**
 * Our CRDs against upstream's: every upstream field path must exist in ours (a missing path is
 * data the API server would prune), with the same types, formats and enums, the same scope,
 * names, columns and status subresource.
 */
import { crdNameOf, crdSpecOf, compareSchemas, fieldPaths, openApiSchemaOf, STASH_RESOURCES, structuralErrors } from '../../src/api';
import { describeWithReference, upstreamCrds } from '../support/reference';

/** Kinds stash-pxc does not model (upstream has them, the seed does not use them). */
const NOT_MODELLED = ['backupbatches.stash.appscode.com', 'restorebatches.stash.appscode.com'];

describeWithReference('CRD conformance with upstream Stash', () => {
  const upstream = upstreamCrds();
  const ours = new Map(STASH_RESOURCES.map((def) => [crdNameOf(def), def]));

  test('every upstream CRD but BackupBatch and RestoreBatch is modelled', () => {
    const expected = [...upstream.keys()].filter((name) => !NOT_MODELLED.includes(name)).sort();
    expect([...ours.keys()].sort()).toEqual(expected);
  });

  describe.each([...upstream.keys()].filter((n) => !NOT_MODELLED.includes(n)))('%s', (name) => {
    const up = upstream.get(name);
    const upVersion = up.spec.versions[0];
    const def = ours.get(name)!;

    test('covers 100% of upstream field paths, spec and status', () => {
      const upPaths = fieldPaths(upVersion.schema.openAPIV3Schema);
      const ourPaths = new Set(fieldPaths(openApiSchemaOf(def)));
      const missing = upPaths.filter((p) => !ourPaths.has(p));
      expect(missing).toEqual([]);
      expect(upPaths.length).toBeGreaterThan(3);
    });

    test('types, formats, enums and required fields agree with upstream', () => {
      expect(compareSchemas(upVersion.schema.openAPIV3Schema, openApiSchemaOf(def))).toEqual([]);
    });

    test('names, scope, version, subresources and printer columns match', () => {
      const spec = crdSpecOf(def) as any;
      expect(spec.group).toBe(up.spec.group);
      expect(spec.scope).toBe(up.spec.scope);
      expect(spec.names).toEqual(up.spec.names);
      const version = spec.versions[0];
      expect(version.name).toBe(upVersion.name);
      expect(version.served && version.storage).toBe(true);
      expect(version.subresources).toEqual(upVersion.subresources ?? {});
      expect(version.additionalPrinterColumns).toEqual(upVersion.additionalPrinterColumns ?? []);
    });
  });
});

describe('our CRD schemas are structural', () => {
  test.each(STASH_RESOURCES.map((d) => [crdNameOf(d), d] as const))('%s', (_name, def) => {
    expect(structuralErrors(openApiSchemaOf(def))).toEqual([]);
  });
});
