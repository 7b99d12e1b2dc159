/**
 * Schema validation of rendered objects with the maintained `kubernetes-models` packages
 * (Kubernetes, cert-manager, Prometheus Operator). They are ES modules, which Jest's CommonJS
 * runtime cannot load, so a Node process (kubernetes-models.mjs) validates a whole batch.
 */
import { execFile } from 'child_process';
import * as path from 'path';
import { REPO_ROOT } from './reference';

/** The validation of one object: which model checked it (null: none models it) and its errors. */
export interface ModelValidation {
  readonly model: string | null;
  readonly errors: string[];
}

/** Validates objects; results are in the same order. */
export function validateWithModels(objects: readonly unknown[]): Promise<ModelValidation[]> {
  const script = path.join(REPO_ROOT, 'test', 'support', 'kubernetes-models.mjs');
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [script], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`kubernetes-models validation failed to run: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout));
    });
    child.stdin!.end(JSON.stringify(objects));
  });
}
