/**
 * Names of buckets and containers as each storage service accepts them, and the `prefix`
 * (directory inside the bucket) that Stash joins to them. Catching these at synth time saves a
 * failed backup Job hours later.
 */
import { problem } from './problems';

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Variables that Stash resolves in a BackupBlueprint's backend prefix / subPath. */
export const BLUEPRINT_VARIABLES = [
  'TARGET_API_VERSION', 'TARGET_KIND', 'TARGET_NAMESPACE', 'TARGET_NAME', 'TARGET_RESOURCE',
  'TARGET_APP_GROUP', 'TARGET_APP_RESOURCE', 'TARGET_APP_TYPE', 'TARGET_APP_VERSION',
];

function lengthProblem(field: string, value: string, min: number, max: number, what: string): string[] {
  if (value.length < min || value.length > max) {
    return [problem(field, `"${value}" is ${value.length} characters long; ${what} names are ${min} to ${max} characters`, `use a ${what} name of ${min} to ${max} characters`)];
  }
  return [];
}

/** Amazon S3 (and S3-compatible stores such as MinIO, which apply the same rules). */
export function s3BucketProblems(field: string, bucket: string): string[] {
  const out = lengthProblem(field, bucket, 3, 63, 'S3 bucket');
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(bucket) && bucket.length >= 2) {
    out.push(problem(field, `"${bucket}" is not a valid S3 bucket name: only lower-case letters, digits, "." and "-", starting and ending with a letter or digit`, 'rename the bucket reference (S3 bucket names cannot be changed, so use the exact existing name)'));
  } else if (bucket.includes('..') || bucket.includes('.-') || bucket.includes('-.')) {
    out.push(problem(field, `"${bucket}" has adjacent "." and "." or "-", which S3 refuses`, 'use the exact name of an existing bucket'));
  } else if (IPV4.test(bucket)) {
    out.push(problem(field, `"${bucket}" looks like an IP address, which S3 refuses as a bucket name`, 'use the bucket name, and put the server address in endpoint'));
  }
  return out;
}

/** Google Cloud Storage. */
export function gcsBucketProblems(field: string, bucket: string): string[] {
  const max = bucket.includes('.') ? 222 : 63;
  const out = lengthProblem(field, bucket, 3, max, 'GCS bucket');
  if (!/^[a-z0-9][a-z0-9._-]*[a-z0-9]$/.test(bucket) && bucket.length >= 2) {
    out.push(problem(field, `"${bucket}" is not a valid GCS bucket name: only lower-case letters, digits, "-", "_" and ".", starting and ending with a letter or digit`, 'use the exact name of an existing bucket'));
  } else if (bucket.split('.').some((part) => part.length > 63)) {
    out.push(problem(field, `"${bucket}" has a dot-separated part longer than 63 characters`, 'use the exact name of an existing bucket'));
  } else if (bucket.startsWith('goog') || bucket.includes('google')) {
    out.push(problem(field, `"${bucket}" starts with "goog" or contains "google", which GCS refuses`, 'use the exact name of an existing bucket'));
  }
  return out;
}

/** Azure Blob Storage container. */
export function azureContainerProblems(field: string, container: string): string[] {
  const out = lengthProblem(field, container, 3, 63, 'Azure container');
  if (!/^[a-z0-9][a-z0-9-]*[a-z0-9]$/.test(container) && container.length >= 2) {
    out.push(problem(field, `"${container}" is not a valid Azure container name: only lower-case letters, digits and "-", starting and ending with a letter or digit`, 'use the exact name of an existing container'));
  } else if (container.includes('--')) {
    out.push(problem(field, `"${container}" has consecutive "-", which Azure refuses`, 'use the exact name of an existing container'));
  }
  return out;
}

/** Backblaze B2 bucket. */
export function b2BucketProblems(field: string, bucket: string): string[] {
  const out = lengthProblem(field, bucket, 6, 50, 'B2 bucket');
  if (!/^[A-Za-z0-9-]+$/.test(bucket)) {
    out.push(problem(field, `"${bucket}" is not a valid B2 bucket name: only letters, digits and "-"`, 'use the exact name of an existing bucket'));
  } else if (bucket.toLowerCase().startsWith('b2-')) {
    out.push(problem(field, `"${bucket}" starts with "b2-", which Backblaze reserves`, 'use the exact name of an existing bucket'));
  }
  return out;
}

/** OpenStack Swift container. */
export function swiftContainerProblems(field: string, container: string): string[] {
  const out = lengthProblem(field, container, 1, 256, 'Swift container');
  if (container.includes('/')) {
    out.push(problem(field, `"${container}" contains "/", which Swift refuses in a container name`, 'put the directory part in prefix instead'));
  }
  return out;
}

/**
 * The directory inside the bucket. `${VARIABLE}` references are only resolved by Stash in a
 * BackupBlueprint; elsewhere they would land in the bucket literally.
 */
export function prefixProblems(field: string, prefix: string | undefined, allowVariables: boolean): string[] {
  if (prefix === undefined) return [];
  const out: string[] = [];
  if (prefix.trim() !== prefix || /[\u0000-\u001f\\]/.test(prefix)) {
    out.push(problem(field, `"${prefix}" has surrounding whitespace, control characters or "\\"`, 'use a plain path such as "demo/xtradb/sample-xtradb"'));
  }
  if (prefix.split('/').some((segment) => segment === '..' || segment === '.')) {
    out.push(problem(field, `"${prefix}" has a "." or ".." path segment`, 'use a path without relative segments'));
  }
  if (/\/\//.test(prefix)) {
    out.push(problem(field, `"${prefix}" has an empty path segment ("//")`, 'remove the doubled slash'));
  }
  const variables = [...prefix.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]);
  if (!allowVariables && (variables.length > 0 || prefix.includes('$'))) {
    out.push(problem(field, `"${prefix}" references variables, which Stash resolves only in a BackupBlueprint`, 'write the concrete path, or move the backend into a PerconaXtraDbBackupBlueprint'));
  } else if (allowVariables) {
    const unknown = variables.filter((v) => !BLUEPRINT_VARIABLES.includes(v));
    if (unknown.length > 0) {
      out.push(problem(field, `"${prefix}" references unknown variables ${unknown.map((v) => `\${${v}}`).join(', ')}`, `use only ${BLUEPRINT_VARIABLES.map((v) => `\${${v}}`).join(', ')}`));
    }
  }
  return out;
}

/** An http(s) URL, for endpoints and REST servers. */
export function urlProblems(field: string, value: string, what: string, requireScheme: boolean): string[] {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : requireScheme ? value : `https://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return [problem(field, `"${value}" is not a valid ${what}`, requireScheme ? 'use a URL such as "https://host:8000/"' : 'use a host such as "s3.amazonaws.com" or a URL such as "https://minio.storage.svc:9000"')];
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return [problem(field, `"${value}" uses the scheme "${url.protocol.replace(/:$/, '')}"; ${what} must be http or https`, 'use an http:// or https:// URL')];
  }
  if (url.username || url.password) {
    return [problem(field, `"${value}" embeds credentials`, 'remove them from the URL; put them in the storage Secret instead')];
  }
  return [];
}
