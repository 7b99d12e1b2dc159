import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { Function as StashFunction, Task as StashTask } from '../../imports/stash.appscode.com';
import {
  ADDON_IMAGE_REGISTRY,
  ADDON_IMAGE_REPOSITORY,
  ADDON_OUTPUT_DIR,
  OUTPUT_DIR_PARAM,
  PerconaXtraDbVersion,
  UPDATE_STATUS_FUNCTION,
} from '../api/perconaxtradb';
import { literalOf } from '../core/validation/helm-expressions';
import { labelValueViolation, qualifiedNameViolation } from '../core/validation/metadata';
import { problem } from '../core/validation/problems';

/** Where the catalog's Functions pull the Percona XtraDB addon image from. */
export interface PerconaXtraDbAddonImage {
  /**
   * Registry host, with an optional port and no scheme or path, e.g. `registry.example.com:5000`.
   * A Helm template expression such as `{{ .Values.catalog.image.registry }}` is kept verbatim.
   * @default 'ghcr.io'
   */
  readonly registry?: string;
  /**
   * Repository inside the registry, without a tag, e.g. `mirror/stash-percona-xtradb`.
   * A Helm template expression is kept verbatim.
   * @default 'stashed/stash-percona-xtradb'
   */
  readonly repository?: string;
  /**
   * Image tag per version line (`'5.7'`, `'8.0'`, `'8.4'`); lines left out keep upstream's tag.
   * A Helm template expression is kept verbatim.
   * @default - upstream's tag of each line (`PerconaXtraDbVersion.addonImageTag`): `5.7-v26`, `8.0`, `8.4`
   */
  readonly tags?: { [versionLine: string]: string };
}

/** Props of `PerconaXtraDbCatalog`. */
export interface PerconaXtraDbCatalogProps {
  /**
   * The Percona XtraDB versions to install the backup and restore Functions and Tasks for.
   * Each version gets four objects; the order given does not matter.
   * @default - every supported version (`PerconaXtraDbVersion.all()`)
   */
  readonly versions?: PerconaXtraDbVersion[];
  /**
   * Where to pull the addon image from, e.g. a mirror in an air-gapped cluster.
   * @default - upstream's image `ghcr.io/stashed/stash-percona-xtradb` with upstream's tags
   */
  readonly image?: PerconaXtraDbAddonImage;
  /**
   * Labels for every Function and Task. Values may be Helm template expressions.
   * @default - `app.kubernetes.io/name: stash-catalog` and `app.kubernetes.io/part-of: stash-pxc`
   */
  readonly labels?: { [key: string]: string };
}

/** The labels the catalog's objects carry unless told otherwise. */
export const CATALOG_LABELS = { 'app.kubernetes.io/name': 'stash-catalog', 'app.kubernetes.io/part-of': 'stash-pxc' };

/**
 * The Stash catalog for Percona XtraDB: per version, the backup and restore `Function`s (which
 * run the addon image with its flags) and `Task`s (which run that Function, then the operator's
 * own `update-status`). The objects are cluster-scoped and keep upstream's names, e.g.
 * `perconaxtradb-backup-8.0`, because BackupConfigurations and the operator refer to them by name.
 *
 * The `update-status` Function is not part of the catalog: the Stash operator creates it at start-up.
 *
 * @example
 * new PerconaXtraDbCatalog(chart, 'Catalog', {
 *   versions: [PerconaXtraDbVersion.V8_0],
 *   image: { registry: 'registry.example.com', repository: 'mirror/stash-percona-xtradb' },
 * });
 */
export class PerconaXtraDbCatalog extends Construct {
  /** The versions in this catalog, oldest first. */
  public readonly versions: PerconaXtraDbVersion[];
  /** Every Function, in `versions` order, backup before restore. */
  public readonly functions: StashFunction[] = [];
  /** Every Task, in `versions` order, backup before restore. */
  public readonly tasks: StashTask[] = [];
  /** The backup Functions, in `versions` order. */
  public readonly backupFunctions: StashFunction[] = [];
  /** The restore Functions, in `versions` order. */
  public readonly restoreFunctions: StashFunction[] = [];
  /** The backup Tasks, in `versions` order. */
  public readonly backupTasks: StashTask[] = [];
  /** The restore Tasks, in `versions` order. */
  public readonly restoreTasks: StashTask[] = [];

  private readonly images = new Map<PerconaXtraDbVersion, string>();

  constructor(scope: Construct, id: string, props: PerconaXtraDbCatalogProps = {}) {
    super(scope, id);
    const problems: string[] = [];
    this.versions = checkVersions(props.versions, problems);
    const image = props.image ?? {};
    const registry = image.registry ?? ADDON_IMAGE_REGISTRY;
    const repository = image.repository ?? ADDON_IMAGE_REPOSITORY;
    checkRegistry(registry, problems);
    checkRepository(repository, problems);
    checkTags(image.tags ?? {}, problems);
    const labels = props.labels ?? CATALOG_LABELS;
    checkLabels(labels, problems);
    // Reported at synth with every other construct's problems.
    this.node.addValidation({ validate: () => problems });

    for (const version of this.versions) {
      const tag = image.tags?.[version.line] ?? version.addonImageTag;
      const ref = `${registry}/${repository}:${tag}`;
      this.images.set(version, ref);
      const backupFn = this.defineFunction(`BackupFunction-${version.line}`, version.backupTaskName, ref, version.backupArgs, labels);
      const restoreFn = this.defineFunction(`RestoreFunction-${version.line}`, version.restoreTaskName, ref, version.restoreArgs, labels);
      const backupTask = this.defineTask(`BackupTask-${version.line}`, version.backupTaskName, labels);
      const restoreTask = this.defineTask(`RestoreTask-${version.line}`, version.restoreTaskName, labels);
      this.backupFunctions.push(backupFn);
      this.restoreFunctions.push(restoreFn);
      this.backupTasks.push(backupTask);
      this.restoreTasks.push(restoreTask);
      this.functions.push(backupFn, restoreFn);
      this.tasks.push(backupTask, restoreTask);
    }
  }

  /** The backup Task of a version; throws when the catalog does not hold that version. */
  public backupTaskOf(version: PerconaXtraDbVersion): StashTask {
    return this.backupTasks[this.indexOf(version)];
  }

  /** The restore Task of a version; throws when the catalog does not hold that version. */
  public restoreTaskOf(version: PerconaXtraDbVersion): StashTask {
    return this.restoreTasks[this.indexOf(version)];
  }

  /** The addon image reference that the Functions of a version run. */
  public imageOf(version: PerconaXtraDbVersion): string {
    return this.images.get(this.versions[this.indexOf(version)])!;
  }

  private indexOf(version: PerconaXtraDbVersion): number {
    const index = this.versions.indexOf(version);
    if (index < 0) {
      throw new Error(`PerconaXtraDbCatalog "${this.node.path}" has no objects for Percona XtraDB ${version?.line}; add it to versions (it holds ${this.versions.map((v) => v.line).join(', ')})`);
    }
    return index;
  }

  private defineFunction(id: string, name: string, image: string, args: string[], labels: { [key: string]: string }): StashFunction {
    return clusterScoped(new StashFunction(this, id, {
      metadata: { name, labels: { ...labels } },
      spec: { args, image },
    }));
  }

  private defineTask(id: string, functionName: string, labels: { [key: string]: string }): StashTask {
    // Each step writes its result to the output folder; update-status reads it from there.
    const step = (fn: string) => ({ name: fn, params: [{ name: OUTPUT_DIR_PARAM, value: ADDON_OUTPUT_DIR }] });
    return clusterScoped(new StashTask(this, id, {
      metadata: { name: functionName, labels: { ...labels } },
      spec: { steps: [step(functionName), step(UPDATE_STATUS_FUNCTION)] },
    }));
  }
}

/** Functions and Tasks are cluster-scoped: drop the namespace a namespaced Chart would give them. */
function clusterScoped<T extends ApiObject>(obj: T): T {
  if (obj.metadata.namespace !== undefined) obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return obj;
}

function checkVersions(versions: PerconaXtraDbVersion[] | undefined, problems: string[]): PerconaXtraDbVersion[] {
  const supported = PerconaXtraDbVersion.all();
  const lines = supported.map((v) => v.line).join(', ');
  if (versions === undefined || versions === null) return supported;
  if (!Array.isArray(versions)) {
    problems.push(problem('versions', `${JSON.stringify(versions)} is not a list`, `list versions such as [PerconaXtraDbVersion.V8_0] (supported: ${lines}), or leave versions out to install all of them`));
    return [];
  }
  if (versions.length === 0) {
    problems.push(problem('versions', 'is empty', `list at least one of ${lines}, or leave versions out to install all of them`));
    return [];
  }
  const seen = new Set<PerconaXtraDbVersion>();
  versions.forEach((version, i) => {
    if (!supported.includes(version)) {
      problems.push(problem(`versions[${i}]`, `${JSON.stringify(version)} is not a PerconaXtraDbVersion`,
        `use PerconaXtraDbVersion.V8_0 or PerconaXtraDbVersion.of('8.0') (supported: ${lines})`));
    } else if (seen.has(version)) {
      problems.push(problem(`versions[${i}]`, `repeats ${version.line}`, 'list each version once'));
    }
    seen.add(version);
  });
  return supported.filter((v) => seen.has(v));
}

const HOST = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::[0-9]{1,5})?$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

function checkRegistry(registry: string, problems: string[]): void {
  const field = 'image.registry';
  const quoted = JSON.stringify(registry);
  const literal = literalOf(registry);
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(literal);
  if (literal === '') {
    problems.push(problem(field, 'is empty', `give a registry host such as "docker.io", or leave it out for "${ADDON_IMAGE_REGISTRY}"`));
  } else if (scheme) {
    problems.push(problem(field, `${quoted} starts with a scheme`,
      `write only the host, e.g. ${JSON.stringify(registry.slice(scheme[0].length).replace(/\/+$/, ''))}`));
  } else if (literal.includes('/')) {
    problems.push(problem(field, `${quoted} has a path`, 'keep only host[:port] here and move the path into image.repository, e.g. "mirror/stash-percona-xtradb"'));
  } else if (!HOST.test(literal)) {
    problems.push(problem(field, `${quoted} is not a registry host[:port]`,
      'use letters, digits, "-" and "." with an optional ":port", e.g. "registry.example.com:5000"; a Helm expression must be a whole "{{ ... }}" block'));
  }
}

function checkRepository(repository: string, problems: string[]): void {
  const field = 'image.repository';
  const quoted = JSON.stringify(repository);
  const literal = literalOf(repository);
  if (literal === '') {
    problems.push(problem(field, 'is empty', `give a repository such as "${ADDON_IMAGE_REPOSITORY}", or leave it out`));
  } else if (/[:@]/.test(literal)) {
    problems.push(problem(field, `${quoted} holds a tag or digest`, "drop it and set the tag per version in image.tags, e.g. { '8.0': '8.0' }"));
  } else if (/[A-Z]/.test(literal)) {
    problems.push(problem(field, `${quoted} has uppercase letters`, `use ${JSON.stringify(repository.toLowerCase())}`));
  } else if (!literal.split('/').every((c) => PATH_COMPONENT.test(c))) {
    problems.push(problem(field, `${quoted} is not a repository path`,
      `use "/"-separated lowercase components of letters and digits joined by ".", "_" or "-", e.g. "${ADDON_IMAGE_REPOSITORY}"`));
  }
}

function checkTags(tags: { [versionLine: string]: string }, problems: string[]): void {
  const lines = PerconaXtraDbVersion.all().map((v) => v.line);
  for (const [line, tag] of Object.entries(tags)) {
    const field = `image.tags[${JSON.stringify(line)}]`;
    if (!lines.includes(line)) {
      problems.push(problem(field, `${JSON.stringify(line)} is no supported version line`, `key the tags by ${lines.join(', ')}`));
    } else if (typeof tag !== 'string' || !TAG.test(literalOf(tag))) {
      problems.push(problem(field, `${JSON.stringify(tag)} is not an image tag`,
        `use up to 128 letters, digits, "_", "." and "-", not starting with "." or "-", e.g. "${PerconaXtraDbVersion.of(line).addonImageTag}"`));
    }
  }
}

function checkLabels(labels: { [key: string]: string }, problems: string[]): void {
  if (typeof labels !== 'object' || Array.isArray(labels)) {
    problems.push(problem('labels', `${JSON.stringify(labels)} is not a map of label keys to values`, 'pass { "app.kubernetes.io/name": "stash" }, or leave labels out'));
    return;
  }
  for (const [key, value] of Object.entries(labels)) {
    const field = `labels[${JSON.stringify(key)}]`;
    if (qualifiedNameViolation(key) !== undefined) {
      problems.push(problem(field, 'has a key that is no label key',
        'use an optional DNS-subdomain prefix and "/", then up to 63 letters, digits, "-", "_" or "." that start and end alphanumeric, e.g. "app.kubernetes.io/name"'));
    }
    // A Helm expression counts as one character: its rendered value is only known at install.
    if (typeof value !== 'string' || labelValueViolation(literalOf(value)) !== undefined) {
      problems.push(problem(field, `${JSON.stringify(value)} is not a label value`,
        'use up to 63 letters, digits, "-", "_" or "." that start and end alphanumeric, or a Helm "{{ ... }}" expression'));
    }
  }
}
