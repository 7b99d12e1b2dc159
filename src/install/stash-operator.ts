/**
 * The Stash Enterprise operator as upstream installs it (stashed/installer, charts/stash-enterprise):
 * its Deployment with the Pushgateway sidecar, Service, RBAC, APIServices, admission webhooks,
 * serving certificate, license, task queue and ServiceMonitors. The objects are exactly what the
 * upstream operator expects; only security and placement are ours to choose, and every
 * container meets the Pod Security Standard "restricted".
 */
import { ImagePullPolicy, k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AdmissionWebhooks, AdmissionWebhooksOptions, excludedNamespacesProblems, WebhookFailurePolicy } from './admission-webhooks';
import { OperatorApiServices } from './operator-api-services';
import { dnsLabelProblem, literalOf, OperatorIdentity, metadataOf, throwProblems } from './operator-identity';
import { LICENSE_MOUNT_PATH, LICENSE_SECRET_KEY, OperatorLicense } from './operator-license';
import { OperatorRbac } from './operator-rbac';
import { OperatorMonitoringOptions, OperatorServiceMonitors } from './operator-service-monitors';
import { OperatorAlerts } from './operator-alerts';
import { BackupDashboard } from './backup-dashboard';
import { OperatorTaskQueue, TaskQueueOptions } from './operator-task-queue';
import { ImageReference, Pushgateway, PUSHGATEWAY_IMAGE, PUSHGATEWAY_PORT } from './pushgateway';
import { ServingCertificates, ServingCertificatesBinding } from './serving-certificates';

/** The operator image upstream publishes; the tag is the chart's appVersion. */
export const OPERATOR_IMAGE = { registry: 'ghcr.io/stashed', repository: 'stash-enterprise', tag: 'v0.42.1' } as const;

/** The port of the operator's API server (webhooks, metrics), upstream's value. */
export const OPERATOR_SECURE_PORT = 8443;

/** Where the operator reads its serving certificate. */
export const SERVING_CERT_MOUNT_PATH = '/var/serving-cert';

/** The APIService the addons ask for license verification (upstream's default). */
export const DEFAULT_LICENSE_API_SERVICE = 'v1beta1.admission.stash.appscode.com';

/** The security context of every container unless overridden: Pod Security Standard "restricted". */
export function restrictedSecurityContext(): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    // `nobody`, as upstream; the images run as any non-root user.
    runAsUser: 65534,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** The Pod security context unless overridden. */
export function defaultPodSecurityContext(): k8s.PodSecurityContext {
  // fsGroup: upstream's value, so the mounted Secrets and emptyDirs are readable by the group.
  return { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, fsGroup: 65535 };
}

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
   * @default - none: the construct throws and asks for a choice
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
   * The admission webhooks. With both off, the APIServices are not created either (as upstream).
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
   * @default 'v1beta1.admission.stash.appscode.com'
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
   * Compute resources of the operator container.
   * @default - requests `cpu: 100m` (upstream's)
   */
  readonly resources?: k8s.ResourceRequirements;
  /**
   * Security context of the operator container; must stay "restricted" (checked).
   * @default - `restrictedSecurityContext()`
   */
  readonly securityContext?: k8s.SecurityContext;
  /**
   * Security context of the Pod; must keep `runAsNonRoot` and a RuntimeDefault or Localhost seccomp profile (checked).
   * @default - `defaultPodSecurityContext()`
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
  /** The APIServices, when a webhook is on. */
  public readonly apiServices?: OperatorApiServices;
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

  constructor(scope: Construct, id: string, props: StashOperatorProps = {}) {
    super(scope, id);
    const name = props.name ?? 'stash';
    const namespace = props.namespace ?? 'stash';
    const problems = checkProps(props, name, namespace);
    throwProblems('StashOperator', this.node.path, problems);

    const selectorLabels = props.selectorLabels ?? { 'app.kubernetes.io/name': 'stash', 'app.kubernetes.io/instance': name };
    this.identity = {
      name,
      namespace,
      labels: { ...selectorLabels, 'app.kubernetes.io/component': 'operator', 'app.kubernetes.io/part-of': 'stash-pxc', ...(props.labels ?? {}) },
      selectorLabels,
      serviceAccountName: name,
    };
    const identity = this.identity;
    const pushgateway = props.pushgateway ?? Pushgateway.sidecar();
    const webhooks = props.webhooks ?? {};
    const mutating = webhooks.mutating ?? true;
    const validating = webhooks.validating ?? true;

    this.rbac = new OperatorRbac(this, 'Rbac', {
      identity,
      serviceAccountAnnotations: props.serviceAccountAnnotations,
      taskQueue: props.taskQueue !== undefined,
      createLicenseRoles: props.createLicenseRoles,
    });
    this.certificates = props.certificates!.bind(this, { identity, serviceName: name });
    if (mutating || validating) {
      this.apiServices = new OperatorApiServices(this, 'ApiServices', {
        identity,
        serviceName: name,
        certificates: this.certificates,
        groupPriorityMinimum: props.apiServiceGroupPriorityMinimum,
        versionPriority: props.apiServiceVersionPriority,
      });
    }
    this.webhooks = new AdmissionWebhooks(this, 'Webhooks', {
      identity,
      mutating,
      validating,
      failurePolicy: webhooks.failurePolicy,
      excludedNamespaces: webhooks.excludedNamespaces,
    });
    const licenseSecret = props.license?.bind(this, identity);

    this.pushgatewayUrl = pushgateway.externalUrl ?? `http://${name}.${namespace}.svc:${PUSHGATEWAY_PORT}`;
    this.deployment = this.createDeployment(props, pushgateway, { mutating, validating, licenseSecret });
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
    const pullSecrets = props.imagePullSecrets ?? [];
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
      `--license-apiservice=${props.licenseApiService ?? DEFAULT_LICENSE_API_SERVICE}`,
    ];
  }

  private createDeployment(
    props: StashOperatorProps,
    pushgateway: Pushgateway,
    flags: { mutating: boolean; validating: boolean; licenseSecret?: string },
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
      ],
      resources: props.resources ?? { requests: { cpu: k8s.Quantity.fromString('100m') } },
      securityContext: props.securityContext ?? restrictedSecurityContext(),
      volumeMounts: [
        { name: 'serving-cert', mountPath: SERVING_CERT_MOUNT_PATH, readOnly: true },
        // The root filesystem is read-only: scratch space for the operator.
        { name: 'tmp', mountPath: '/tmp' },
        ...(flags.licenseSecret !== undefined ? [{ name: 'license', mountPath: LICENSE_MOUNT_PATH, readOnly: true }] : []),
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
        resources: options.resources ?? {},
        securityContext: options.securityContext ?? restrictedSecurityContext(),
        volumeMounts: [
          // Metrics survive container restarts (not Pod restarts), as upstream.
          { name: 'pushgateway-data', mountPath: '/var/pv' },
          { name: 'tmp', mountPath: '/tmp' },
        ],
      });
      volumes.push({ name: 'pushgateway-data', emptyDir: {} });
    }
    if (flags.licenseSecret !== undefined) {
      volumes.push({ name: 'license', secret: { secretName: flags.licenseSecret, defaultMode: 0o444 } });
    }
    const pullSecrets = props.imagePullSecrets ?? [];
    const deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: metadataOf(identity, identity.name, true, props.annotations),
      spec: {
        replicas: props.replicas ?? 1,
        // No two operators at once: they would both serve webhooks and run controllers.
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
            securityContext: props.podSecurityContext ?? defaultPodSecurityContext(),
            nodeSelector: props.nodeSelector ?? { 'kubernetes.io/os': 'linux' },
            ...(props.tolerations && props.tolerations.length > 0 ? { tolerations: props.tolerations } : {}),
            ...(props.affinity ? { affinity: props.affinity } : {}),
            ...(props.priorityClassName ? { priorityClassName: props.priorityClassName } : {}),
          },
        },
      },
    });
    return deployment;
  }
}

function checkProps(props: StashOperatorProps, name: string, namespace: string): string[] {
  const problems: string[] = [];
  if (props.certificates === undefined) {
    problems.push('certificates is not set: choose ServingCertificates.certManager() (cert-manager issues and injects the certificate) or ServingCertificates.provided({ secretName, caBundle }) (your own Secret); manifests never carry a generated private key');
  } else if (!(props.certificates instanceof ServingCertificates)) {
    problems.push('certificates is not a ServingCertificates; use ServingCertificates.certManager() or ServingCertificates.provided({ secretName, caBundle })');
  }
  const nameProblem = dnsLabelProblem(name);
  if (nameProblem) problems.push(`name ${JSON.stringify(name)} ${nameProblem} (it names the Service), e.g. "stash"`);
  const nsProblem = dnsLabelProblem(namespace);
  if (nsProblem) problems.push(`namespace ${JSON.stringify(namespace)} ${nsProblem}, e.g. "stash"`);
  const replicas = props.replicas ?? 1;
  if (replicas !== 0 && replicas !== 1) {
    problems.push(`replicas ${JSON.stringify(replicas)} must be 1 (or 0 to stop the operator): the Stash operator has no leader election`);
  }
  const logLevel = props.logLevel ?? 3;
  if (!Number.isInteger(logLevel) || logLevel < 0 || logLevel > 10) problems.push(`logLevel ${JSON.stringify(logLevel)} must be a whole number from 0 to 10`);
  if (props.webhooks?.failurePolicy !== undefined && !Object.values(WebhookFailurePolicy).includes(props.webhooks.failurePolicy)) {
    problems.push(`webhooks.failurePolicy ${JSON.stringify(props.webhooks.failurePolicy)} is not a WebhookFailurePolicy; use WebhookFailurePolicy.IGNORE or WebhookFailurePolicy.FAIL`);
  }
  problems.push(...excludedNamespacesProblems(props.webhooks?.excludedNamespaces));
  for (const [field, value] of [['image.registry', props.image?.registry], ['image.repository', props.image?.repository], ['image.tag', props.image?.tag]] as const) {
    if (value !== undefined && (literalOf(value) === '' || /\s/.test(literalOf(value)))) problems.push(`${field} ${JSON.stringify(value)} must be a non-empty string without spaces`);
  }
  problems.push(...restrictedProblems('securityContext', props.securityContext));
  problems.push(...restrictedProblems('pushgateway sidecar securityContext', props.pushgateway?.sidecarOptions?.securityContext));
  const pod = props.podSecurityContext;
  if (pod !== undefined) {
    if (pod.runAsNonRoot !== true) problems.push('podSecurityContext.runAsNonRoot must be true (Pod Security Standard "restricted")');
    if (pod.seccompProfile !== undefined && !['RuntimeDefault', 'Localhost'].includes(pod.seccompProfile.type)) {
      problems.push('podSecurityContext.seccompProfile.type must be RuntimeDefault or Localhost (Pod Security Standard "restricted")');
    }
  }
  return problems;
}

/** What keeps a container security context from the Pod Security Standard "restricted". */
export function restrictedProblems(field: string, context: k8s.SecurityContext | undefined): string[] {
  if (context === undefined) return [];
  const problems: string[] = [];
  const fix = `start from restrictedSecurityContext() and change only runAsUser/runAsGroup`;
  if (context.allowPrivilegeEscalation !== false) problems.push(`${field}.allowPrivilegeEscalation must be false; ${fix}`);
  if (context.privileged === true) problems.push(`${field}.privileged must not be true; ${fix}`);
  if (context.runAsNonRoot !== true) problems.push(`${field}.runAsNonRoot must be true; ${fix}`);
  if (context.readOnlyRootFilesystem !== true) problems.push(`${field}.readOnlyRootFilesystem must be true (writable paths are emptyDir volumes); ${fix}`);
  if (!(context.capabilities?.drop ?? []).includes('ALL')) problems.push(`${field}.capabilities.drop must include ALL; ${fix}`);
  if ((context.capabilities?.add ?? []).some((c) => c !== 'NET_BIND_SERVICE')) problems.push(`${field}.capabilities.add may only hold NET_BIND_SERVICE; ${fix}`);
  if (!['RuntimeDefault', 'Localhost'].includes(context.seccompProfile?.type ?? '')) problems.push(`${field}.seccompProfile.type must be RuntimeDefault or Localhost; ${fix}`);
  return problems;
}
