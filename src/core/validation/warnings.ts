/**
 * Synth-time warnings: things that work but are probably not what was meant (a copy that can
 * start while its primary runs). Unlike problems they do not stop the synth. They are kept as
 * construct metadata (the constructs library's own mechanism, which cdk tooling reads), under
 * one type, and `warningsOf` lists them with their construct paths, in the same
 * `[path] field: what. Fix: how.` form as problems.
 */
import { IConstruct } from 'constructs';

/** The metadata type warnings are recorded under. */
export const WARNING_METADATA = 'stash-pxc:warning';

/** Records a warning (a `problem()` message) on `scope`. */
export function addWarning(scope: IConstruct, message: string): void {
  scope.node.addMetadata(WARNING_METADATA, message);
}

/** Every warning recorded under `scope`, each prefixed with `[construct path]`. */
export function warningsOf(scope: IConstruct): string[] {
  const out: string[] = [];
  for (const child of scope.node.findAll()) {
    for (const entry of child.node.metadata) {
      if (entry.type === WARNING_METADATA) out.push(`[${child.node.path}] ${entry.data}`);
    }
  }
  return out;
}
