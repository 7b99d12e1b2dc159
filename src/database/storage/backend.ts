import { nameProblems, NameRule } from '../../core/validation/names';
import { integerProblems, problem, within } from '../../core/validation/problems';
import {
  azureContainerProblems, b2BucketProblems, gcsBucketProblems, prefixProblems, s3BucketProblems,
  swiftContainerProblems, urlProblems,
} from '../../core/validation/storage-names';

/** The storage services Stash (restic) can write to. */
export enum BackendProvider {
  S3 = 's3',
  GCS = 'gcs',
  AZURE = 'azure',
  SWIFT = 'swift',
  B2 = 'b2',
  REST = 'rest',
  LOCAL = 'local',
}

/** One key of the storage Secret: its name, whether the backend needs it, and what it holds. */
export interface StorageSecretKey {
  /** The key in the Secret's data, e.g. `AWS_ACCESS_KEY_ID`. */
  readonly key: string;
  /** Whether the backend cannot work without it. */
  readonly required: boolean;
  /** What the value is. */
  readonly description: string;
}

/** Options shared by the object-store backends. */
export interface BucketBackendOptions {
  /**
   * Directory inside the bucket (or container) for this repository's data. One repository per
   * database and per prefix: two databases must not share a prefix.
   * @default - the bucket root
   */
  readonly prefix?: string;
}

/** Props of `Backend.s3()`: Amazon S3 and S3-compatible stores (MinIO, Ceph RGW, Wasabi...). */
export interface S3BackendProps extends BucketBackendOptions {
  /** Name of the bucket. */
  readonly bucket: string;
  /**
   * The S3 endpoint: a host (`s3.amazonaws.com`) or a URL (`https://minio.storage.svc:9000`).
   * @default 's3.amazonaws.com'
   */
  readonly endpoint?: string;
  /**
   * Region of the bucket.
   * @default - the SDK default (`us-east-1`)
   */
  readonly region?: string;
  /**
   * Skip TLS certificate verification of the endpoint. Prefer `customCaCertificate`.
   * @default false
   */
  readonly insecureTls?: boolean;
  /**
   * The endpoint's certificate is signed by a private CA, whose PEM the storage Secret holds
   * under `CA_CERT_DATA`.
   * @default false
   */
  readonly customCaCertificate?: boolean;
}

/** Props of `Backend.gcs()`: Google Cloud Storage. */
export interface GcsBackendProps extends BucketBackendOptions {
  /** Name of the bucket. */
  readonly bucket: string;
  /**
   * Maximum concurrent connections to GCS.
   * @default - restic's default (5)
   */
  readonly maxConnections?: number;
}

/** Props of `Backend.azure()`: Azure Blob Storage. */
export interface AzureBackendProps extends BucketBackendOptions {
  /** Name of the blob container. */
  readonly container: string;
  /**
   * Maximum concurrent connections to Azure.
   * @default - restic's default (5)
   */
  readonly maxConnections?: number;
}

/** How a Swift backend authenticates; decides which keys the storage Secret needs. */
export enum SwiftAuth {
  /** Keystone v1: `ST_AUTH`, `ST_USER`, `ST_KEY`. */
  KEYSTONE_V1 = 'keystone-v1',
  /** Keystone v2: `OS_AUTH_URL`, `OS_REGION_NAME`, `OS_USERNAME`, `OS_PASSWORD`, `OS_TENANT_ID`, `OS_TENANT_NAME`. */
  KEYSTONE_V2 = 'keystone-v2',
  /** Keystone v3 with a user and project. */
  KEYSTONE_V3 = 'keystone-v3',
  /** Keystone v3 application credential, by id. */
  APPLICATION_CREDENTIAL_ID = 'application-credential-id',
  /** Keystone v3 application credential, by name. */
  APPLICATION_CREDENTIAL_NAME = 'application-credential-name',
  /** A pre-issued token and storage URL: `OS_STORAGE_URL`, `OS_AUTH_TOKEN`. */
  TOKEN = 'token',
}

/** Props of `Backend.swift()`: OpenStack Swift. */
export interface SwiftBackendProps extends BucketBackendOptions {
  /** Name of the container. */
  readonly container: string;
  /**
   * How Stash authenticates to Swift (only changes which Secret keys are expected).
   * @default SwiftAuth.KEYSTONE_V3
   */
  readonly auth?: SwiftAuth;
}

/** Props of `Backend.b2()`: Backblaze B2. */
export interface B2BackendProps extends BucketBackendOptions {
  /** Name of the bucket. */
  readonly bucket: string;
  /**
   * Maximum concurrent connections to B2.
   * @default - restic's default (5)
   */
  readonly maxConnections?: number;
}

/** Props of `Backend.rest()`: a restic REST server. */
export interface RestBackendProps {
  /** URL of the server, including the repository path: `https://rest.example.com:8000/sample-xtradb/`. */
  readonly url: string;
  /**
   * The server requires HTTP basic auth (`REST_SERVER_USERNAME`, `REST_SERVER_PASSWORD`).
   * @default false
   */
  readonly basicAuth?: boolean;
  /**
   * The server's certificate is signed by a private CA held under `CA_CERT_DATA`.
   * @default false
   */
  readonly customCaCertificate?: boolean;
}

/** The volume types a local backend supports. */
export enum LocalVolumeType {
  PERSISTENT_VOLUME_CLAIM = 'persistentVolumeClaim',
  NFS = 'nfs',
  HOST_PATH = 'hostPath',
}

/** What a hostPath must be on the node (Kubernetes `HostPathType`). */
export enum HostPathType {
  /** No check. */
  UNSET = '',
  /** Created (mode 0755) if missing. */
  DIRECTORY_OR_CREATE = 'DirectoryOrCreate',
  /** Must exist. */
  DIRECTORY = 'Directory',
}

/** Options of `LocalVolume.persistentVolumeClaim()` and `LocalVolume.nfs()`. */
export interface LocalVolumeOptions {
  /**
   * Mount the volume read-only (enough for restores, not for backups).
   * @default false
   */
  readonly readOnly?: boolean;
}

/** Props of `LocalVolume.nfs()`. */
export interface NfsVolumeProps extends LocalVolumeOptions {
  /** Host name or IP of the NFS server. */
  readonly server: string;
  /** Exported path on the server. */
  readonly path: string;
}

/** Options of `LocalVolume.hostPath()`. */
export interface HostPathVolumeOptions {
  /**
   * What the path must be on the node.
   * @default HostPathType.DIRECTORY_OR_CREATE
   */
  readonly type?: HostPathType;
}

/** The Kubernetes volume behind a local backend. */
export class LocalVolume {
  /** An existing PersistentVolumeClaim (ReadWriteMany if backups of several pods share it). */
  public static persistentVolumeClaim(claimName: string, options: LocalVolumeOptions = {}): LocalVolume {
    return new LocalVolume(LocalVolumeType.PERSISTENT_VOLUME_CLAIM, { claimName, readOnly: options.readOnly },
      () => nameProblems('persistentVolumeClaim.claimName', claimName, NameRule.DNS_SUBDOMAIN));
  }

  /** An NFS export. */
  public static nfs(props: NfsVolumeProps): LocalVolume {
    return new LocalVolume(LocalVolumeType.NFS, { server: props.server, path: props.path, readOnly: props.readOnly }, () => [
      ...(props.server.trim() ? [] : [problem('nfs.server', 'is empty', 'pass the NFS server host name or IP')]),
      ...absolutePathProblems('nfs.path', props.path),
    ]);
  }

  /** A directory on the node (single-node clusters and tests only: data stays on that node). */
  public static hostPath(path: string, options: HostPathVolumeOptions = {}): LocalVolume {
    const type = options.type ?? HostPathType.DIRECTORY_OR_CREATE;
    return new LocalVolume(LocalVolumeType.HOST_PATH, { path, type: type === HostPathType.UNSET ? undefined : type },
      () => absolutePathProblems('hostPath.path', path));
  }

  private constructor(
    /** The volume type. */
    public readonly type: LocalVolumeType,
    private readonly source: { [key: string]: unknown },
    private readonly check: () => string[],
  ) {}

  /** Problems of the volume source, each starting with its field. */
  public problems(): string[] {
    return this.check();
  }

  /** The volume source as Kubernetes JSON, e.g. `{ nfs: { server, path } }`. */
  public toJson(): { [key: string]: any } {
    return { [this.type]: stripUndefined(this.source) };
  }
}

/** Props of `Backend.local()`. */
export interface LocalBackendProps {
  /** The volume that holds the repository. */
  readonly volume: LocalVolume;
  /**
   * Where the volume is mounted in the backup and restore Jobs.
   * @default '/safe/data'
   */
  readonly mountPath?: string;
  /**
   * Directory inside the volume for this repository.
   * @default - the volume root
   */
  readonly subPath?: string;
}

/** Options of `Backend.problems()`. */
export interface BackendCheckOptions {
  /**
   * The backend is part of a BackupBlueprint, where `${TARGET_*}` variables in the prefix are
   * resolved by Stash.
   * @default false
   */
  readonly blueprint?: boolean;
}

const RESTIC_PASSWORD: StorageSecretKey = {
  key: 'RESTIC_PASSWORD', required: true,
  description: 'password restic encrypts the repository with; losing it loses the backups',
};
const CA_CERT_DATA: StorageSecretKey = {
  key: 'CA_CERT_DATA', required: true,
  description: 'PEM of the CA that signed the server certificate',
};

function key(name: string, description: string, required = true): StorageSecretKey {
  return { key: name, required, description };
}

function stripUndefined(obj: { [key: string]: unknown }): { [key: string]: any } {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

function absolutePathProblems(field: string, path: string): string[] {
  if (!path.startsWith('/')) return [problem(field, `"${path}" is not an absolute path`, 'start the path with "/"')];
  if (path.split('/').includes('..')) return [problem(field, `"${path}" has a ".." segment`, 'use a path without ".."')];
  return [];
}

const SWIFT_KEYS: { [auth: string]: string[] } = {
  [SwiftAuth.KEYSTONE_V1]: ['ST_AUTH', 'ST_USER', 'ST_KEY'],
  [SwiftAuth.KEYSTONE_V2]: ['OS_AUTH_URL', 'OS_REGION_NAME', 'OS_USERNAME', 'OS_PASSWORD', 'OS_TENANT_ID', 'OS_TENANT_NAME'],
  [SwiftAuth.KEYSTONE_V3]: ['OS_AUTH_URL', 'OS_REGION_NAME', 'OS_USERNAME', 'OS_PASSWORD', 'OS_USER_DOMAIN_NAME', 'OS_PROJECT_NAME', 'OS_PROJECT_DOMAIN_NAME'],
  [SwiftAuth.APPLICATION_CREDENTIAL_ID]: ['OS_AUTH_URL', 'OS_APPLICATION_CREDENTIAL_ID', 'OS_APPLICATION_CREDENTIAL_SECRET'],
  [SwiftAuth.APPLICATION_CREDENTIAL_NAME]: ['OS_AUTH_URL', 'OS_USERNAME', 'OS_USER_DOMAIN_NAME', 'OS_APPLICATION_CREDENTIAL_NAME', 'OS_APPLICATION_CREDENTIAL_SECRET'],
  [SwiftAuth.TOKEN]: ['OS_STORAGE_URL', 'OS_AUTH_TOKEN'],
};

/**
 * Where a Repository keeps its snapshots. Create one with a static factory:
 *
 * ```ts
 * Backend.gcs({ bucket: 'my-backups', prefix: 'demo/sample-xtradb' })
 * Backend.s3({ endpoint: 'https://minio.storage.svc:9000', bucket: 'backups', customCaCertificate: true })
 * Backend.local({ volume: LocalVolume.nfs({ server: 'nfs.storage.svc', path: '/exports' }) })
 * ```
 *
 * The credentials live in a storage Secret that the Repository references by name;
 * `secretKeys()` lists the keys this backend needs.
 */
export abstract class Backend {
  /** Amazon S3 or an S3-compatible store. */
  public static s3(props: S3BackendProps): Backend {
    props = props ?? ({} as S3BackendProps);
    return new ProviderBackend(BackendProvider.S3, () => ({
      bucket: props.bucket,
      endpoint: props.endpoint ?? 's3.amazonaws.com',
      region: props.region,
      prefix: props.prefix,
      insecureTLS: props.insecureTls,
    }), [
      key('AWS_ACCESS_KEY_ID', 'access key id'),
      key('AWS_SECRET_ACCESS_KEY', 'secret access key'),
      ...(props.customCaCertificate ? [CA_CERT_DATA] : []),
    ], (options) => [
      ...(typeof props.bucket !== 'string' ? [problem('bucket', 'is missing', 'pass the bucket name')] : s3BucketProblems('bucket', props.bucket)),
      ...urlProblems('endpoint', props.endpoint ?? 's3.amazonaws.com', 'S3 endpoint', false),
      ...prefixProblems('prefix', props.prefix, !!options.blueprint),
      ...(props.region !== undefined && !/^[a-z0-9-]+$/.test(props.region)
        ? [problem('region', `"${props.region}" is not a region name`, 'use a region such as "us-east-1"')] : []),
      ...(props.insecureTls && props.customCaCertificate
        ? [problem('insecureTls', 'is set together with customCaCertificate, so the CA is never checked', 'keep only customCaCertificate')] : []),
      ...(props.insecureTls && /^http:\/\//.test(props.endpoint ?? '')
        ? [problem('insecureTls', 'is set for a plain http endpoint, where there is no TLS', 'leave insecureTls out or use https')] : []),
    ]);
  }

  /** Google Cloud Storage. */
  public static gcs(props: GcsBackendProps): Backend {
    props = props ?? ({} as GcsBackendProps);
    return new ProviderBackend(BackendProvider.GCS, () => ({
      bucket: props.bucket, prefix: props.prefix, maxConnections: props.maxConnections,
    }), [
      key('GOOGLE_PROJECT_ID', 'id of the Google Cloud project'),
      key('GOOGLE_SERVICE_ACCOUNT_JSON_KEY', 'JSON key of a service account that can write the bucket'),
    ], (options) => [
      ...(typeof props.bucket !== 'string' ? [problem('bucket', 'is missing', 'pass the bucket name')] : gcsBucketProblems('bucket', props.bucket)),
      ...prefixProblems('prefix', props.prefix, !!options.blueprint),
      ...integerProblems('maxConnections', props.maxConnections, 1, 1000),
    ]);
  }

  /** Azure Blob Storage. */
  public static azure(props: AzureBackendProps): Backend {
    props = props ?? ({} as AzureBackendProps);
    return new ProviderBackend(BackendProvider.AZURE, () => ({
      container: props.container, prefix: props.prefix, maxConnections: props.maxConnections,
    }), [
      key('AZURE_ACCOUNT_NAME', 'storage account name'),
      key('AZURE_ACCOUNT_KEY', 'storage account key'),
    ], (options) => [
      ...(typeof props.container !== 'string' ? [problem('container', 'is missing', 'pass the container name')] : azureContainerProblems('container', props.container)),
      ...prefixProblems('prefix', props.prefix, !!options.blueprint),
      ...integerProblems('maxConnections', props.maxConnections, 1, 1000),
    ]);
  }

  /** OpenStack Swift. */
  public static swift(props: SwiftBackendProps): Backend {
    props = props ?? ({} as SwiftBackendProps);
    const auth = props.auth ?? SwiftAuth.KEYSTONE_V3;
    return new ProviderBackend(BackendProvider.SWIFT, () => ({
      container: props.container, prefix: props.prefix,
    }), (SWIFT_KEYS[auth] ?? []).map((k) => key(k, `Swift ${auth} authentication`)), (options) => [
      ...(typeof props.container !== 'string' ? [problem('container', 'is missing', 'pass the container name')] : swiftContainerProblems('container', props.container)),
      ...prefixProblems('prefix', props.prefix, !!options.blueprint),
    ]);
  }

  /** Backblaze B2. */
  public static b2(props: B2BackendProps): Backend {
    props = props ?? ({} as B2BackendProps);
    return new ProviderBackend(BackendProvider.B2, () => ({
      bucket: props.bucket, prefix: props.prefix, maxConnections: props.maxConnections,
    }), [
      key('B2_ACCOUNT_ID', 'account id (or application key id)'),
      key('B2_ACCOUNT_KEY', 'account key (or application key)'),
    ], (options) => [
      ...(typeof props.bucket !== 'string' ? [problem('bucket', 'is missing', 'pass the bucket name')] : b2BucketProblems('bucket', props.bucket)),
      ...prefixProblems('prefix', props.prefix, !!options.blueprint),
      ...integerProblems('maxConnections', props.maxConnections, 1, 1000),
    ]);
  }

  /** A restic REST server. */
  public static rest(props: RestBackendProps): Backend {
    props = props ?? ({} as RestBackendProps);
    return new ProviderBackend(BackendProvider.REST, () => ({ url: props.url }), [
      ...(props.basicAuth ? [key('REST_SERVER_USERNAME', 'basic auth user'), key('REST_SERVER_PASSWORD', 'basic auth password')] : []),
      ...(props.customCaCertificate ? [CA_CERT_DATA] : []),
    ], () => (typeof props.url !== 'string' ? [problem('url', 'is missing', 'pass the REST server URL')] : urlProblems('url', props.url, 'REST server URL', true)));
  }

  /**
   * A Kubernetes volume (PVC, NFS or hostPath) mounted into the backup and restore Jobs.
   *
   * Works for database backups with the Stash Enterprise operator that `StashOperator` installs:
   * the operator mounts the volume (as `stash-local`, at `mountPath`) into every container of the
   * Jobs it builds from the Task, and the addon gets `--provider=local --path=<mountPath>/<subPath>`
   * (stashed/stash, pkg/controller/backup_session.go and restore_session.go, `AttachLocalBackend`,
   * until local backends became an enterprise feature: stashed/docs,
   * docs/guides/backends/local/index.md). A community build of the operator does not mount it.
   * The Jobs run as non-root, so the volume must be writable by their user (a PVC with `fsGroup`
   * in the runtime settings; an NFS export for that UID; a hostPath only as root), and namespaces
   * that enforce Pod Security "baseline" refuse hostPath, "restricted" also NFS.
   */
  public static local(props: LocalBackendProps): Backend {
    props = props ?? ({} as LocalBackendProps);
    const mountPath = props.mountPath ?? '/safe/data';
    return new ProviderBackend(BackendProvider.LOCAL, () => ({
      ...(props.volume instanceof LocalVolume ? props.volume.toJson() : {}), mountPath, subPath: props.subPath,
    }), [], (options) => [
      ...(props.volume instanceof LocalVolume ? props.volume.problems() : [problem('volume', 'is missing', 'pass LocalVolume.persistentVolumeClaim("name") or another LocalVolume')]),
      ...absolutePathProblems('mountPath', mountPath),
      ...(mountPath === '/' || mountPath.startsWith('/tmp') || mountPath.startsWith('/etc/repository')
        ? [problem('mountPath', `"${mountPath}" collides with a directory the backup Job uses`, 'use a dedicated path such as "/safe/data"')] : []),
      ...(props.subPath !== undefined && props.subPath.startsWith('/')
        ? [problem('subPath', `"${props.subPath}" is absolute; a subPath is relative to the volume root`, 'remove the leading "/"')] : []),
      ...prefixProblems('subPath', props.subPath, !!options.blueprint),
    ]);
  }

  /** The storage service. */
  public abstract readonly provider: BackendProvider;

  /** Every key the storage Secret can hold for this backend, `RESTIC_PASSWORD` first. */
  public abstract secretKeys(): StorageSecretKey[];

  /** The keys the storage Secret must hold, e.g. `['RESTIC_PASSWORD', 'GOOGLE_PROJECT_ID', ...]`. */
  public get requiredSecretKeys(): string[] {
    return this.secretKeys().filter((k) => k.required).map((k) => k.key);
  }

  /** Problems of the backend's fields, each starting with `<provider>.<field>`. */
  public abstract problems(options?: BackendCheckOptions): string[];

  /** The backend as Stash JSON without the Secret name, e.g. `{ gcs: { bucket, prefix } }`. */
  public abstract toJson(): { [key: string]: any };
}

class ProviderBackend extends Backend {
  constructor(
    public readonly provider: BackendProvider,
    private readonly render: () => { [key: string]: unknown },
    private readonly keys: StorageSecretKey[],
    private readonly check: (options: BackendCheckOptions) => string[],
  ) {
    super();
  }

  public secretKeys(): StorageSecretKey[] {
    return [RESTIC_PASSWORD, ...this.keys];
  }

  public problems(options: BackendCheckOptions = {}): string[] {
    return within(this.provider, this.check(options));
  }

  public toJson(): { [key: string]: any } {
    return { [this.provider]: stripUndefined(this.render()) };
  }
}
