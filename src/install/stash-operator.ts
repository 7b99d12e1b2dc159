/**
 * The Stash Enterprise operator as upstream installs it (stashed/installer, charts/stash-enterprise):
 * its Deployment with the Pushgateway sidecar, Service, RBAC, APIServices, admission webhooks,
 * serving certificate, license, task queue and ServiceMonitors. The objects are exactly what the
 * upstream operator expects; only security and placement are ours to choose, and every
 * container meets the Pod Security Standard "restricted".
 */
import { ImagePullPolicy, k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AdmissionWebhooks, AdmissionWebhooksOptions } from './admission-webhooks';
import { RESTRICTED_FS_GROUP, restrictedContainerProblems, restrictedContainerSecurityContext, restrictedPodProblems, restrictedPodSecurityContext } from '../core/security-context';
import { hasHelmExpression, literalOf } from '../core/validation/helm-expressions';
import { envVarsProblems, imagePartsProblems, resourceRequirementsProblems, volumeMountsProblems, volumesProblems } from '../core/validation/containers';
import { affinityProblems, containerSecurityContextProblems, podSecurityContextProblems, tolerationProblems } from '../core/validation/kubernetes';
import { annotationProblems, labelProblems } from '../core/validation/metadata';
import { nameProblems, NameRule } from '../core/validation/names';
import { guarded, integerProblems, problem, within } from '../core/validation/problems';
import { DEFAULT_LICENSE_API_SERVICE, OperatorApiServices, WEBHOOKLESS_LICENSE_API_SERVICE } from './operator-api-services';
import { OperatorIdentity, metadataOf } from './operator-identity';
import { LICENSE_MOUNT_PATH, LICENSE_SECRET_KEY, OperatorLicense } from './operator-license';
import { OperatorRbac } from './operator-rbac';
import { OperatorMonitoringOptions, OperatorServiceMonitors } from './operator-service-monitors';
import { OperatorAlerts } from './operator-alerts';
import { BackupDashboard } from './backup-dashboard';
import { OperatorTaskQueue, TaskQueueOptions } from './operator-task-queue';
import { OPERATOR_SECURE_PORT, PUSHGATEWAY_PORT } from '../api/stash/operator';
import { registerOperatorEndpoint } from '../core/operator-endpoint';
import { defaultPushgatewayResources, ImageReference, Pushgateway, PUSHGATEWAY_IMAGE } from './pushgateway';
import { HealthProbesOptions, healthProbesProblems, httpProbe, OPERATOR_PROBES, ProbeEndpoint, ProbeTiming, PUSHGATEWAY_PROBES } from './health-probes';
import { PushgatewayPersistence } from './pushgateway-persistence';
import { ServingCertificates, ServingCertificatesBinding } from './serving-certificates';

/** The operator image upstream publishes; the tag is the chart's appVersion. */
export const OPERATOR_IMAGE = { registry: 'ghcr.io/stashed', repository: 'stash-enterprise', tag: 'v0.42.1' } as const;


/**
 * Resources of the operator unless given: upstream's CPU request, and memory for its informer
 * caches (Stash objects, workloads and Jobs of the whole cluster) with room to grow; no CPU limit,
 * since throttling would slow the webhooks the API server waits on.
 */
export function defaultOperatorResources(): k8s.ResourceRequirements {
  return {
    requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('256Mi') },
    limits: { memory: k8s.Quantity.fromString('1Gi') },
  };
}

/** Where the operator reads its serving certificate. */
export const SERVING_CERT_MOUNT_PATH = '/var/serving-cert';


/** Props of `StashOperator`. */
export interface StashOperatorProps {
  /**
   * Base name of the objects (Deployment, Service, ServiceAccount, ClusterRole; others add a suffix).
   * A DNS-1123 label.
   * @default 'stash'
   */
  readonly name?: string;
  /**
   * Namespace of the namespaced objects (it must exist).
   * @default 'stash'
   */
  readonly namespace?: string;
  /**
   * How the operator's API server gets its serving certificate. There is no default on purpose:
   * choose `ServingCertificates.certManager()` (needs cert-manager) or
   * `ServingCertificates.provided({ secretName, caBundle })`; `ServingCertificates.helmGenerated()`
   * only inside Helm templates.
   * @default - none: synth fails and asks for a choice
   */
  readonly certificates?: ServingCertificates;
  /**
   * The operator image. `registry` and `repository` are also what the operator passes on to the
   * backup sidecars and Jobs it creates (`--docker-registry`, `--image`, `--image-tag`).
   * @default - `ghcr.io/stashed/stash-enterprise:v0.42.1`
   */
  readonly image?: ImageReference;
  /**
   * Pull policy of every container.
   * @default ImagePullPolicy.IF_NOT_PRESENT
   */
  readonly imagePullPolicy?: ImagePullPolicy;
  /**
   * Names of Secrets to pull images with (also passed on to the Jobs the operator creates).
   * @default - none
   */
  readonly imagePullSecrets?: string[];
  /**
   * Log verbosity of the operator (`--v`), 0 to 10.
   * @default 3
   */
  readonly logLevel?: number;
  /**
   * Where backup and restore Jobs push their metrics.
   * @default Pushgateway.sidecar()
   */
  readonly pushgateway?: Pushgateway;
  /**
   * The admission webhooks. With both off, the admission APIServices go too (the operator stops
   * serving them); the snapshot APIService stays and serves the license endpoint.
   * @default - both on, failure policy Ignore, workloads in the operator's namespace and kube-system skipped
   */
  readonly webhooks?: AdmissionWebhooksOptions;
  /**
   * `groupPriorityMinimum` of the APIServices.
   * @default 10000
   */
  readonly apiServiceGroupPriorityMinimum?: number;
  /**
   * `versionPriority` of the APIServices.
   * @default 15
   */
  readonly apiServiceVersionPriority?: number;
  /**
   * The license. Without one, the operator asks the cluster's license proxy server (if installed).
   * @default - none
   */
  readonly license?: OperatorLicense;
  /**
   * The APIService that addons use to find the license verification endpoint (`--license-apiservice`).
   * It must be one of the APIServices this construct creates (checked): every backup and restore
   * Job looks it up before it does anything.
   * @default - 'v1beta1.admission.stash.appscode.com' (upstream's) while a webhook is on, else 'v1alpha1.repositories.stash.appscode.com'
   */
  readonly licenseApiService?: string;
  /**
   * Create the shared ClusterRoles `appscode:license-checker` and `appscode:license-reader`; turn
   * off where another AppsCode install already has them.
   * @default true
   */
  readonly createLicenseRoles?: boolean;
  /**
   * Turns the task queue on, which limits concurrent BackupSessions. Needs the TaskQueue operator.
   * @default - off
   */
  readonly taskQueue?: TaskQueueOptions;
  /**
   * Prometheus Operator ServiceMonitors.
   * @default - none
   */
  readonly monitoring?: OperatorMonitoringOptions;
  /**
   * Replicas of the operator: 1, or 0 to stop it. The operator has no leader election, so never more.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Compute resources of the operator container (replaces the default as a whole).
   * @default - requests `cpu: 100m` (upstream's), `memory: 256Mi`; limits `memory: 1Gi`
   */
  readonly resources?: k8s.ResourceRequirements;
  /**
   * Readiness (`/readyz`) and liveness (`/livez`) probes of the operator container, over HTTPS on
   * its secure port; tune their timing or turn them off.
   * @default - both on (see `HealthProbesOptions`)
   */
  readonly probes?: HealthProbesOptions;
  /**
   * Security context of the operator container; must stay "restricted" (checked).
   * @default - `restrictedContainerSecurityContext()`
   */
  readonly securityContext?: k8s.SecurityContext;
  /**
   * Security context of the Pod; must keep `runAsNonRoot` and a RuntimeDefault or Localhost seccomp profile (checked).
   * @default - `restrictedPodSecurityContext()`
   */
  readonly podSecurityContext?: k8s.PodSecurityContext;
  /**
   * Node labels the Pod must match.
   * @default - `kubernetes.io/os: linux`
   */
  readonly nodeSelector?: { [key: string]: string };
  /**
   * Tolerations of the Pod.
   * @default - none
   */
  readonly tolerations?: k8s.Toleration[];
  /**
   * Affinity of the Pod.
   * @default - none
   */
  readonly affinity?: k8s.Affinity;
  /**
   * PriorityClass of the Pod.
   * @default - none
   */
  readonly priorityClassName?: string;
  /**
   * Labels of every object (added to the defaults).
   * @default - `app.kubernetes.io/part-of: stash-pxc` and `app.kubernetes.io/component: operator` besides the selector labels
   */
  readonly labels?: { [key: string]: string };
  /**
   * Labels that select the operator Pod; every object carries them too. Changing them later
   * needs the Deployment recreated (its selector is immutable).
   * @default - `app.kubernetes.io/name: stash` and `app.kubernetes.io/instance: <name>`
   */
  readonly selectorLabels?: { [key: string]: string };
  /**
   * Annotations of the Deployment.
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
  /**
   * Extra labels of the Pod.
   * @default - none
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * Annotations of the Pod.
   * @default - none
   */
  readonly podAnnotations?: { [key: string]: string };
  /**
   * Annotations of the operator's ServiceAccount.
   * @default - none
   */
  readonly serviceAccountAnnotations?: { [key: string]: string };
  /**
   * Create the operator's ServiceAccount; turn off to run the operator as an existing one
   * (`serviceAccountName`), which the bindings and the Deployment then name.
   * @default true
   */
  readonly createServiceAccount?: boolean;
  /**
   * Name of the operator's ServiceAccount.
   * @default - the base name (`name`)
   */
  readonly serviceAccountName?: string;
  /**
   * Arguments appended to the operator's (flags of `stash-enterprise run`, e.g. `--qps=100`).
   * @default - none
   */
  readonly extraArgs?: string[];
  /**
   * Environment variables added to the operator container.
   * @default - none
   */
  readonly extraEnv?: k8s.EnvVar[];
  /**
   * Volumes added to the operator Pod (mount them with `extraVolumeMounts`).
   * @default - none
   */
  readonly extraVolumes?: k8s.Volume[];
  /**
   * Volume mounts added to the operator container.
   * @default - none
   */
  readonly extraVolumeMounts?: k8s.VolumeMount[];
}

/**
 * The Stash Enterprise operator, with everything it needs to run: Deployment (operator +
 * Pushgateway sidecar), ServiceAccount and RBAC, Service, APIServices, admission webhooks,
 * serving certificate, optional license Secret, task queue and ServiceMonitors.
 *
 * @example
 * new StashOperator(chart, 'Stash', {
 *   namespace: 'stash',
 *   certificates: ServingCertificates.certManager(),
 *   license: OperatorLicense.fromSecret('stash-license'),
 * });
 */
export class StashOperator extends Construct {
  /** Names, namespace and labels shared by the objects. */
  public readonly identity: OperatorIdentity;
  /** The operator Deployment. */
  public readonly deployment: k8s.KubeDeployment;
  /** The Service in front of the API server (and the Pushgateway sidecar). */
  public readonly service: k8s.KubeService;
  /** ServiceAccount and RBAC. */
  public readonly rbac: OperatorRbac;
  /** Where the serving certificate is. */
  public readonly certificates: ServingCertificatesBinding;
  /** The APIServices: the admission ones while a webhook is on, the snapshot one always. */
  public readonly apiServices: OperatorApiServices;
  /** The APIService the addons ask for the license (`--license-apiservice`). */
  public readonly licenseApiService: string;
  /** The webhook configurations. */
  public readonly webhooks: AdmissionWebhooks;
  /** The ServiceMonitors, when any is on. */
  public readonly serviceMonitors?: OperatorServiceMonitors;
  /** The TaskQueue, when the task queue is on. */
  public readonly taskQueue?: OperatorTaskQueue;
  /** The operator-level alert rules, when `monitoring.alerts` is on. */
  public readonly alerts?: OperatorAlerts;
  /** The backup dashboard ConfigMap, when `monitoring.dashboard` is on. */
  public readonly dashboard?: BackupDashboard;
  /** The URL the operator gives Jobs for pushing metrics. */
  public readonly pushgatewayUrl: string;
  /** The PersistentVolumeClaim the Pushgateway sidecar keeps its file on, when it has one (created or existing). */
  public readonly pushgatewayClaimName?: string;

  constructor(scope: Construct, id: string, props: StashOperatorProps = {}) {
    super(scope, id);
    const name = props.name ?? 'stash';
    const namespace = props.namespace ?? 'stash';

    const selectorLabels = props.selectorLabels ?? { 'app.kubernetes.io/name': 'stash', 'app.kubernetes.io/instance': name };
    this.identity = {
      name,
      namespace,
      labels: { ...selectorLabels, 'app.kubernetes.io/component': 'operator', 'app.kubernetes.io/part-of': 'stash-pxc', ...(props.labels ?? {}) },
      selectorLabels,
      serviceAccountName: props.serviceAccountName ?? name,
    };
    const identity = this.identity;
    const pushgateway = props.pushgateway instanceof Pushgateway ? props.pushgateway : Pushgateway.sidecar();
    const webhooks = props.webhooks ?? {};
    const mutating = webhooks.mutating ?? true;
    const validating = webhooks.validating ?? true;

    this.rbac = new OperatorRbac(this, 'Rbac', {
      identity,
      serviceAccountAnnotations: props.serviceAccountAnnotations,
      createServiceAccount: props.createServiceAccount,
      taskQueue: props.taskQueue !== undefined,
      createLicenseRoles: props.createLicenseRoles,
    });
    // Without a valid choice, synth fails (see the validation); the objects still get a Secret name.
    this.certificates = props.certificates instanceof ServingCertificates
      ? props.certificates.bind(this, { identity, serviceName: name })
      : { secretName: `${name}-apiserver-cert`, apiServiceAnnotations: {} };
    this.apiServices = new OperatorApiServices(this, 'ApiServices', {
      identity,
      serviceName: name,
      certificates: this.certificates,
      admission: mutating || validating,
      groupPriorityMinimum: props.apiServiceGroupPriorityMinimum,
      versionPriority: props.apiServiceVersionPriority,
    });
    this.licenseApiService = props.licenseApiService ?? (mutating || validating ? DEFAULT_LICENSE_API_SERVICE : WEBHOOKLESS_LICENSE_API_SERVICE);
    this.webhooks = new AdmissionWebhooks(this, 'Webhooks', {
      identity,
      mutating,
      validating,
      failurePolicy: webhooks.failurePolicy,
      excludedNamespaces: webhooks.excludedNamespaces,
    });
    this.node.addValidation({ validate: () => guarded(() => operatorProblems(props, name, namespace, this.apiServices.names)) });
    const licenseSecret = props.license instanceof OperatorLicense ? props.license.bind(this, identity) : undefined;

    this.pushgatewayUrl = pushgateway.externalUrl ?? `http://${name}.${namespace}.svc:${PUSHGATEWAY_PORT}`;
    const persistence = pushgateway.sidecarOptions?.persistence;
    this.pushgatewayClaimName = persistence instanceof PushgatewayPersistence ? persistence.bind(this, identity) : undefined;
    this.deployment = this.createDeployment(props, pushgateway, { mutating, validating, licenseSecret, pushgatewayClaim: this.pushgatewayClaimName });
    // The backup and restore Jobs' NetworkPolicies of the same app take their operator peer from here.
    registerOperatorEndpoint(this, {
      path: this.node.path,
      namespace,
      selectorLabels: { ...selectorLabels },
      podLabels: { ...identity.labels, ...(props.podLabels ?? {}), ...identity.selectorLabels },
      externalPushgatewayUrl: pushgateway.externalUrl,
      pushgatewayUrl: this.pushgatewayUrl,
    });
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: metadataOf(identity, name, true),
      spec: {
        type: 'ClusterIP',
        selector: { ...selectorLabels },
        ports: [
          // The kube-apiserver calls the APIServices here; Prometheus scrapes the operator here.
          { name: 'api', port: 443, targetPort: k8s.IntOrString.fromNumber(OPERATOR_SECURE_PORT), protocol: 'TCP' },
          ...(pushgateway.isSidecar
            ? [{ name: 'pushgateway', port: PUSHGATEWAY_PORT, targetPort: k8s.IntOrString.fromNumber(PUSHGATEWAY_PORT), protocol: 'TCP' }]
            : []),
        ],
      },
    });

    const monitoring = props.monitoring ?? {};
    const monitorPushgateway = (monitoring.pushgateway ?? false) && pushgateway.isSidecar;
    if (monitoring.operator || monitorPushgateway) {
      this.serviceMonitors = new OperatorServiceMonitors(this, 'Monitoring', {
        identity,
        serviceName: name,
        servingCertSecretName: this.certificates.secretName,
        operator: monitoring.operator,
        pushgateway: monitorPushgateway,
        serviceMonitorLabels: monitoring.serviceMonitorLabels,
      });
    }
    if (monitoring.alerts) {
      this.alerts = new OperatorAlerts(this, 'Alerts', {
        identity,
        serviceName: name,
        operator: monitoring.operator,
        pushgateway: monitorPushgateway,
        ruleLabels: monitoring.alertRuleLabels,
      });
    }
    if (monitoring.dashboard) {
      this.dashboard = new BackupDashboard(this, 'Dashboard', { identity });
    }
    if (props.taskQueue !== undefined) {
      this.taskQueue = new OperatorTaskQueue(this, 'TaskQueue', { identity, ...props.taskQueue });
    }
  }

  /** The arguments of `stash-enterprise run`, in upstream's order. */
  private operatorArgs(props: StashOperatorProps, flags: { mutating: boolean; validating: boolean; licenseSecret?: string }): string[] {
    const image = { ...OPERATOR_IMAGE, ...(props.image ?? {}) };
    const pullSecrets = listOf(props.imagePullSecrets);
    return [
      'run',
      `--v=${props.logLevel ?? 3}`,
      `--docker-registry=${image.registry}`,
      `--image=${image.repository}`,
      `--image-tag=${image.tag}`,
      ...(pullSecrets.length > 0 ? [`--image-pull-secrets=${pullSecrets.join(',')}`] : []),
      `--secure-port=${OPERATOR_SECURE_PORT}`,
      // The client CA and request-header settings (the RoleBinding in kube-system reads them).
      '--authentication-configmap-namespace=kube-system',
      '--audit-log-path=-',
      `--tls-cert-file=${SERVING_CERT_MOUNT_PATH}/tls.crt`,
      `--tls-private-key-file=${SERVING_CERT_MOUNT_PATH}/tls.key`,
      `--pushgateway-url=${this.pushgatewayUrl}`,
      `--enable-mutating-webhook=${flags.mutating}`,
      `--enable-validating-webhook=${flags.validating}`,
      '--bypass-validating-webhook-xray=false',
      // Works around AKS's admission proxy (Azure/AKS#522); harmless elsewhere (upstream default).
      '--use-kubeapiserver-fqdn-for-aks=true',
      // The network volume accessor (enterprise) with upstream's defaults.
      '--nva-cpu=100m',
      '--nva-memory=128Mi',
      '--nva-user=2000',
      '--nva-privileged-mode=false',
      `--enable-task-queue=${props.taskQueue !== undefined}`,
      ...(flags.licenseSecret !== undefined ? [`--license-file=${LICENSE_MOUNT_PATH}/${LICENSE_SECRET_KEY}`] : []),
      `--license-apiservice=${this.licenseApiService}`,
      ...listOf(props.extraArgs),
    ];
  }

  private createDeployment(
    props: StashOperatorProps,
    pushgateway: Pushgateway,
    flags: { mutating: boolean; validating: boolean; licenseSecret?: string; pushgatewayClaim?: string },
  ): k8s.KubeDeployment {
    const identity = this.identity;
    const image = { ...OPERATOR_IMAGE, ...(props.image ?? {}) };
    const pullPolicy = props.imagePullPolicy ?? ImagePullPolicy.IF_NOT_PRESENT;
    const podLabels = { ...identity.labels, ...(props.podLabels ?? {}), ...identity.selectorLabels };

    const operator: k8s.Container = {
      name: 'operator',
      image: `${image.registry}/${image.repository}:${image.tag}`,
      imagePullPolicy: pullPolicy,
      args: this.operatorArgs(props, flags),
      ports: [{ name: 'api', containerPort: OPERATOR_SECURE_PORT, protocol: 'TCP' }],
      env: [
        { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        ...listOf(props.extraEnv),
      ],
      resources: props.resources ?? defaultOperatorResources(),
      ...probesOf({ ...OPERATOR_PROBES.readiness, port: OPERATOR_SECURE_PORT }, { ...OPERATOR_PROBES.liveness, port: OPERATOR_SECURE_PORT }, props.probes),
      securityContext: props.securityContext ?? restrictedContainerSecurityContext(),
      volumeMounts: [
        { name: 'serving-cert', mountPath: SERVING_CERT_MOUNT_PATH, readOnly: true },
        // The root filesystem is read-only: scratch space for the operator.
        { name: 'tmp', mountPath: '/tmp' },
        ...(flags.licenseSecret !== undefined ? [{ name: 'license', mountPath: LICENSE_MOUNT_PATH, readOnly: true }] : []),
        ...listOf(props.extraVolumeMounts),
      ],
    };
    const containers: k8s.Container[] = [operator];
    const volumes: k8s.Volume[] = [
      { name: 'serving-cert', secret: { secretName: this.certificates.secretName, defaultMode: 0o444 } },
      { name: 'tmp', emptyDir: {} },
    ];
    if (pushgateway.isSidecar) {
      const options = pushgateway.sidecarOptions!;
      const pgImage = { ...PUSHGATEWAY_IMAGE, ...(options.image ?? {}) };
      containers.push({
        name: 'pushgateway',
        image: `${pgImage.registry}/${pgImage.repository}:${pgImage.tag}`,
        imagePullPolicy: pullPolicy,
        args: [`--web.listen-address=:${PUSHGATEWAY_PORT}`, '--persistence.file=/var/pv/pushgateway.dat'],
        ports: [{ name: 'pushgateway', containerPort: PUSHGATEWAY_PORT, protocol: 'TCP' }],
        resources: options.resources ?? defaultPushgatewayResources(),
        ...probesOf({ ...PUSHGATEWAY_PROBES.readiness, port: PUSHGATEWAY_PORT }, { ...PUSHGATEWAY_PROBES.liveness, port: PUSHGATEWAY_PORT }, options.probes),
        securityContext: options.securityContext ?? restrictedContainerSecurityContext(),
        volumeMounts: [
          // Metrics survive container restarts (not Pod restarts), as upstream.
          { name: 'pushgateway-data', mountPath: '/var/pv' },
          { name: 'tmp', mountPath: '/tmp' },
        ],
      });
      // A claim keeps the series across Pods too; the Recreate strategy below lets a ReadWriteOnce
      // claim move to the new Pod on another node.
      volumes.push(flags.pushgatewayClaim !== undefined
        ? { name: 'pushgateway-data', persistentVolumeClaim: { claimName: flags.pushgatewayClaim } }
        : { name: 'pushgateway-data', emptyDir: {} });
    }
    if (flags.licenseSecret !== undefined) {
      volumes.push({ name: 'license', secret: { secretName: flags.licenseSecret, defaultMode: 0o444 } });
    }
    volumes.push(...listOf(props.extraVolumes));
    const pullSecrets = listOf(props.imagePullSecrets);
    const deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: metadataOf(identity, identity.name, true, props.annotations),
      spec: {
        replicas: props.replicas ?? 1,
        // No two operators at once: they would both serve webhooks and run controllers. It also
        // frees a ReadWriteOnce Pushgateway claim before the next Pod mounts it.
        strategy: { type: 'Recreate' },
        selector: { matchLabels: { ...identity.selectorLabels } },
        template: {
          metadata: {
            labels: podLabels,
            ...(props.podAnnotations && Object.keys(props.podAnnotations).length > 0 ? { annotations: { ...props.podAnnotations } } : {}),
          },
          spec: {
            serviceAccountName: identity.serviceAccountName,
            // The operator talks to the API server; its ServiceAccount does not mount tokens by default.
            automountServiceAccountToken: true,
            ...(pullSecrets.length > 0 ? { imagePullSecrets: pullSecrets.map((n) => ({ name: n })) } : {}),
            containers,
            volumes,
            securityContext: props.podSecurityContext ?? restrictedPodSecurityContext(),
            nodeSelector: props.nodeSelector ?? { 'kubernetes.io/os': 'linux' },
            ...(Array.isArray(props.tolerations) && props.tolerations.length > 0 ? { tolerations: props.tolerations } : {}),
            ...(props.affinity ? { affinity: props.affinity } : {}),
            ...(props.priorityClassName ? { priorityClassName: props.priorityClassName } : {}),
          },
        },
      },
    });
    return deployment;
  }
}

type Endpoint = ProbeEndpoint & { readonly timing: ProbeTiming };

/** A container's `readinessProbe` and `livenessProbe`, without the ones turned off. */
function probesOf(readiness: Endpoint, liveness: Endpoint, options: HealthProbesOptions | undefined): { readinessProbe?: k8s.Probe; livenessProbe?: k8s.Probe } {
  const given = options !== null && typeof options === 'object' ? options : {};
  const ready = httpProbe(readiness, readiness.timing, given.readiness);
  const live = httpProbe(liveness, liveness.timing, given.liveness);
  return { ...(ready ? { readinessProbe: ready } : {}), ...(live ? { livenessProbe: live } : {}) };
}

/** A list prop as given, or none when a JavaScript caller passed something else (reported by the validation). */
function listOf<T>(value: T[] | undefined): T[] {
  return Array.isArray(value) ? value : [];
}

/** The volumes and mounts the operator Pod has of its own (extra ones must not reuse the names). */
const OWN_VOLUMES = ['serving-cert', 'tmp', 'license', 'pushgateway-data'];

function operatorProblems(props: StashOperatorProps, name: string, namespace: string, apiServices: string[]): string[] {
  const out: string[] = [];
  if (props.certificates === undefined) {
    out.push(problem('certificates', 'is not set',
      'choose ServingCertificates.certManager() (cert-manager issues and injects the certificate) or ServingCertificates.provided({ secretName, caBundle }) (your own Secret); manifests never carry a generated private key'));
  } else if (!(props.certificates instanceof ServingCertificates)) {
    out.push(problem('certificates', 'is not a ServingCertificates', 'use ServingCertificates.certManager() or ServingCertificates.provided({ secretName, caBundle })'));
  } else {
    out.push(...within('certificates', props.certificates.problems()));
  }
  const helm = { helmExpressions: true };
  out.push(...nameProblems('name', name, NameRule.DNS_1035_LABEL, 'it names the Service', helm));
  out.push(...nameProblems('namespace', namespace, NameRule.DNS_LABEL, undefined, helm));
  out.push(...nameProblems('serviceAccountName', props.serviceAccountName, NameRule.DNS_SUBDOMAIN, undefined, helm));
  const replicas = props.replicas ?? 1;
  if (replicas !== 0 && replicas !== 1) {
    out.push(problem('replicas', `${JSON.stringify(replicas)} is neither 1 nor 0`, 'use 1 (or 0 to stop the operator): the Stash operator has no leader election'));
  }
  out.push(...integerProblems('logLevel', props.logLevel, 0, 10));
  if (props.pushgateway !== undefined && !(props.pushgateway instanceof Pushgateway)) {
    out.push(problem('pushgateway', 'is not a Pushgateway', 'use Pushgateway.sidecar() or Pushgateway.external(url)'));
  } else if (props.pushgateway !== undefined) {
    out.push(...within('pushgateway', props.pushgateway.problems()));
  }
  if (props.license !== undefined && !(props.license instanceof OperatorLicense)) {
    out.push(problem('license', `${JSON.stringify(props.license) ?? String(props.license)} is not an OperatorLicense`, 'use OperatorLicense.fromSecret(name) or OperatorLicense.fromKey(text)'));
  } else if (props.license !== undefined) out.push(...within('license', props.license.problems()));
  // An empty selector selects every Pod of the namespace; the API server refuses it for a Deployment.
  if (props.selectorLabels !== undefined && (props.selectorLabels === null || typeof props.selectorLabels !== 'object' || Object.keys(props.selectorLabels).length === 0)) {
    out.push(problem('selectorLabels', `${JSON.stringify(props.selectorLabels)} selects no labels, so the Deployment's selector would be empty`, 'give at least one label, or leave selectorLabels out for app.kubernetes.io/name and app.kubernetes.io/instance'));
  }
  for (const [field, value] of [['webhooks', props.webhooks], ['monitoring', props.monitoring], ['resources', props.resources]] as const) {
    if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      out.push(problem(field, `${JSON.stringify(value)} is not an options object`, `pass an object with the fields the API reference lists for ${field}, or leave it out`));
    }
  }
  const flags: Array<[string, unknown]> = [['createServiceAccount', props.createServiceAccount], ['createLicenseRoles', props.createLicenseRoles],
    ['webhooks.mutating', props.webhooks?.mutating], ['webhooks.validating', props.webhooks?.validating],
    ['monitoring.operator', props.monitoring?.operator], ['monitoring.pushgateway', props.monitoring?.pushgateway]];
  for (const [field, value] of flags) {
    if (value !== undefined && typeof value !== 'boolean') out.push(problem(field, `${JSON.stringify(value)} is not true or false`, 'pass true or false'));
  }
  out.push(...restrictedContainerProblems('securityContext', props.securityContext));
  out.push(...restrictedContainerProblems('pushgateway.sidecarOptions.securityContext', props.pushgateway?.sidecarOptions?.securityContext));
  out.push(...restrictedPodProblems('podSecurityContext', props.podSecurityContext));
  // A new volume belongs to root: only the Pod's fsGroup lets the non-root Pushgateway write it.
  if (props.pushgateway instanceof Pushgateway && props.pushgateway.sidecarOptions?.persistence !== undefined
    && props.podSecurityContext !== undefined && props.podSecurityContext !== null && typeof props.podSecurityContext === 'object'
    && props.podSecurityContext.fsGroup === undefined) {
    out.push(problem('podSecurityContext.fsGroup', 'is not set, so the Pushgateway (non-root) cannot write its persistent volume',
      `set fsGroup (e.g. ${RESTRICTED_FS_GROUP}, as restrictedPodSecurityContext() does), or leave pushgateway persistence out`));
  }
  // Every backup and restore Job looks the license APIService up before anything else.
  const license = props.licenseApiService;
  if (license !== undefined && !(typeof license === 'string' && hasHelmExpression(license)) && !apiServices.includes(license)) {
    const webhooksOff = props.webhooks?.mutating === false && props.webhooks?.validating === false;
    out.push(problem('licenseApiService', `${JSON.stringify(license)} is not one of the APIServices this operator registers (${apiServices.join(', ')}), so every backup and restore Job would fail its license check`,
      webhooksOff ? `leave it out (with every webhook off the license is served through ${WEBHOOKLESS_LICENSE_API_SERVICE}), or name that APIService`
        : `leave it out for ${DEFAULT_LICENSE_API_SERVICE}, or name one of the others`));
  }
  // Helm expressions (the chart's labels) count as their literal text around them.
  const literalMap = (map?: { [key: string]: string }) => (map === undefined ? undefined
    : Object.fromEntries(Object.entries(map).map(([k, v]) => [k, typeof v === 'string' ? literalOf(v) : v])));
  for (const field of ['labels', 'selectorLabels', 'podLabels'] as const) out.push(...labelProblems(field, literalMap(props[field])));
  // serviceAccountAnnotations: checked by OperatorRbac, which uses them when it creates the ServiceAccount.
  for (const field of ['annotations', 'podAnnotations'] as const) out.push(...annotationProblems(field, props[field]));
  if (props.extraArgs !== undefined && !Array.isArray(props.extraArgs)) {
    out.push(problem('extraArgs', 'is not a list', 'give a list of flags, e.g. ["--qps=100"]'));
  }
  listOf(props.extraArgs).forEach((arg, i) => {
    if (typeof arg !== 'string' || !/^--?[A-Za-z]/.test(arg)) out.push(problem(`extraArgs[${i}]`, `${JSON.stringify(arg)} is not a flag`, 'give flags of `stash-enterprise run`, e.g. "--qps=100"'));
  });
  out.push(...envVarsProblems('extraEnv', props.extraEnv, ['POD_NAME', 'POD_NAMESPACE']));
  // Mounts may name only the volumes this Pod has: no license volume without a license, no
  // Pushgateway data without the sidecar (the API server refuses a mount of a missing volume).
  const ownVolumes = props.pushgateway instanceof Pushgateway && !props.pushgateway.isSidecar ? OWN_VOLUMES.filter((v) => v !== 'pushgateway-data') : OWN_VOLUMES;
  out.push(...volumesProblems('extraVolumes', props.extraVolumes, OWN_VOLUMES, 'the operator Pod'));
  const volumes = [...(props.license instanceof OperatorLicense ? ownVolumes : ownVolumes.filter((v) => v !== 'license')), ...listOf(props.extraVolumes).map((v) => v?.name)];
  out.push(...volumeMountsProblems('extraVolumeMounts', props.extraVolumeMounts, volumes, [SERVING_CERT_MOUNT_PATH, '/tmp', ...(props.license instanceof OperatorLicense ? [LICENSE_MOUNT_PATH] : [])], 'the operator Pod'));
  // What the Pod passes through to Kubernetes: checked as the API server checks it.
  out.push(...imagePartsProblems('image', props.image));
  const policies: string[] = Object.values(ImagePullPolicy);
  if (props.imagePullPolicy !== undefined && !policies.includes(props.imagePullPolicy)) {
    out.push(problem('imagePullPolicy', `${JSON.stringify(props.imagePullPolicy)} is not one of ${policies.join(', ')}`, 'use ImagePullPolicy.IF_NOT_PRESENT, ALWAYS or NEVER'));
  }
  out.push(...resourceRequirementsProblems('resources', props.resources));
  out.push(...healthProbesProblems('probes', props.probes));
  out.push(...containerSecurityContextProblems('securityContext', props.securityContext));
  out.push(...podSecurityContextProblems('podSecurityContext', props.podSecurityContext));
  out.push(...labelProblems('nodeSelector', props.nodeSelector));
  out.push(...tolerationProblems('tolerations', props.tolerations));
  out.push(...affinityProblems('affinity', props.affinity));
  out.push(...nameProblems('priorityClassName', props.priorityClassName, NameRule.DNS_SUBDOMAIN, undefined, helm));
  if (props.imagePullSecrets !== undefined && !Array.isArray(props.imagePullSecrets)) {
    out.push(problem('imagePullSecrets', 'is not a list of Secret names', 'pass ["registry-credentials"]'));
  }
  listOf(props.imagePullSecrets).forEach((n, i, all) => {
    out.push(...nameProblems(`imagePullSecrets[${i}]`, n, NameRule.DNS_SUBDOMAIN, 'a Secret name', helm));
    // The API server warns about a repeated name (and apply may drop it).
    if (all.indexOf(n) < i) out.push(problem(`imagePullSecrets[${i}]`, `"${n}" is listed twice`, 'list each Secret once'));
  });
  const sidecar = props.pushgateway instanceof Pushgateway ? props.pushgateway.sidecarOptions : undefined;
  if (sidecar) {
    out.push(...imagePartsProblems('pushgateway.sidecarOptions.image', sidecar.image));
    out.push(...resourceRequirementsProblems('pushgateway.sidecarOptions.resources', sidecar.resources));
    out.push(...healthProbesProblems('pushgateway.sidecarOptions.probes', sidecar.probes));
    out.push(...containerSecurityContextProblems('pushgateway.sidecarOptions.securityContext', sidecar.securityContext));
  }
  // APIService priorities and ServiceMonitor labels: checked by OperatorApiServices and OperatorServiceMonitors.
  if (props.taskQueue !== undefined && (props.taskQueue === null || typeof props.taskQueue !== 'object')) {
    out.push(problem('taskQueue', `${JSON.stringify(props.taskQueue)} is not task queue options`, 'pass {} or { maxConcurrentSessions: 10 }'));
  }
  return out;
}
