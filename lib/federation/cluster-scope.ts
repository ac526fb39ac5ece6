/**
 * Which kinds are cluster-scoped. Kubernetes itself knows this only from API discovery, which a synthesizer does
 * not have; so the library keeps a table of the cluster-scoped kinds it (and the upstream operators it targets)
 * can emit. Every kind not listed is namespaced. Users add their own kinds with the `clusterScopedKinds` /
 * `namespacedKinds` props of the constructs that need the distinction.
 *
 * Keys are `Kind` for the core group and `Kind.group` otherwise (the `kubectl api-resources` spelling),
 * independent of the version.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/#not-all-objects-are-in-a-namespace
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  // core
  'Namespace', 'Node', 'PersistentVolume', 'ComponentStatus',
  // rbac
  'ClusterRole.rbac.authorization.k8s.io', 'ClusterRoleBinding.rbac.authorization.k8s.io',
  // scheduling, node, storage
  'PriorityClass.scheduling.k8s.io', 'RuntimeClass.node.k8s.io',
  'StorageClass.storage.k8s.io', 'CSIDriver.storage.k8s.io', 'CSINode.storage.k8s.io',
  'VolumeAttachment.storage.k8s.io', 'VolumeAttributesClass.storage.k8s.io',
  // dynamic resource allocation
  'DeviceClass.resource.k8s.io', 'ResourceSlice.resource.k8s.io', 'DeviceTaintRule.resource.k8s.io',
  // API machinery, admission, networking, certificates, flow control
  'CustomResourceDefinition.apiextensions.k8s.io', 'APIService.apiregistration.k8s.io',
  'MutatingWebhookConfiguration.admissionregistration.k8s.io',
  'ValidatingWebhookConfiguration.admissionregistration.k8s.io',
  'ValidatingAdmissionPolicy.admissionregistration.k8s.io',
  'ValidatingAdmissionPolicyBinding.admissionregistration.k8s.io',
  'MutatingAdmissionPolicy.admissionregistration.k8s.io',
  'MutatingAdmissionPolicyBinding.admissionregistration.k8s.io',
  'IngressClass.networking.k8s.io', 'IPAddress.networking.k8s.io', 'ServiceCIDR.networking.k8s.io',
  'CertificateSigningRequest.certificates.k8s.io', 'ClusterTrustBundle.certificates.k8s.io',
  'FlowSchema.flowcontrol.apiserver.k8s.io', 'PriorityLevelConfiguration.flowcontrol.apiserver.k8s.io',
  // Kueue
  'ClusterQueue.kueue.x-k8s.io', 'ResourceFlavor.kueue.x-k8s.io', 'WorkloadPriorityClass.kueue.x-k8s.io',
  'Cohort.kueue.x-k8s.io', 'Topology.kueue.x-k8s.io', 'AdmissionCheck.kueue.x-k8s.io',
  'MultiKueueCluster.kueue.x-k8s.io', 'MultiKueueConfig.kueue.x-k8s.io', 'ProvisioningRequestConfig.kueue.x-k8s.io',
  // Gateway API
  'GatewayClass.gateway.networking.k8s.io',
  // KServe
  'ClusterServingRuntime.serving.kserve.io', 'ClusterStorageContainer.serving.kserve.io',
  'LocalModelCache.serving.kserve.io', 'LocalModelNode.serving.kserve.io', 'LocalModelNodeGroup.serving.kserve.io',
  // CloudNativePG, KEDA
  'ClusterImageCatalog.postgresql.cnpg.io', 'ClusterTriggerAuthentication.keda.sh',
  // Karmada control plane
  'ClusterPropagationPolicy.policy.karmada.io', 'ClusterOverridePolicy.policy.karmada.io',
  'ClusterTaintPolicy.policy.karmada.io', 'Cluster.cluster.karmada.io',
  'ClusterResourceBinding.work.karmada.io',
]);

/** The table key of a kind: `Kind` for the core group, `Kind.group` otherwise. */
export function kindKey(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? kind : `${kind}.${apiVersion.slice(0, slash)}`;
}

/** The API group of an apiVersion (`''` for the core group). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** Scope overrides for kinds the table does not know (or knows differently). */
export interface ScopeOverrides {
  /** Extra cluster-scoped kinds (`Kind` or `Kind.group`). @default - none */
  readonly clusterScopedKinds?: readonly string[];
  /** Kinds to treat as namespaced even if the table lists them (`Kind` or `Kind.group`). @default - none */
  readonly namespacedKinds?: readonly string[];
}

/** True if objects of this kind are cluster-scoped, per {@link CLUSTER_SCOPED_KINDS} and the overrides. */
export function isClusterScoped(apiVersion: string, kind: string, overrides: ScopeOverrides = {}): boolean {
  const key = kindKey(apiVersion, kind);
  if (overrides.namespacedKinds?.includes(key)) return false;
  if (overrides.clusterScopedKinds?.includes(key)) return true;
  return CLUSTER_SCOPED_KINDS.has(key);
}
