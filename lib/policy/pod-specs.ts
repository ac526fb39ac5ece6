/**
 * Finds every pod spec in a manifest: Pods, workload templates (Deployment, StatefulSet, DaemonSet, ReplicaSet,
 * Job, CronJob, PodTemplate, ReplicationController) and pod specs embedded in custom resources:
 *
 * - KServe `LLMInferenceService`: `spec.template`, `spec.worker`, `spec.prefill.template`, `spec.prefill.worker`
 *   (each a PodSpec).
 * - KServe `InferenceService`: `spec.predictor|transformer|explainer` (PodSpec fields inline; the predictor's `model`
 *   and framework specs such as `sklearn` are containers) and `spec.predictor.workerSpec`.
 * - MinIO `Tenant` (minio.min.io/v2): per pool, a pod with `pools[i].securityContext` and one `minio` container with
 *   `pools[i].containerSecurityContext` and `pools[i].resources`; plus `spec.initContainers` and
 *   `spec.sideCars.containers`. KES (`spec.kes`) is a pod of its own.
 * - CloudNativePG `Cluster` (postgresql.cnpg.io/v1): the operator builds the pods itself and its defaults already
 *   satisfy Pod Security `restricted` (non-root UID 26, seccomp RuntimeDefault, no privilege escalation, all
 *   capabilities dropped, read-only root filesystem). The spec only exposes overrides: `podSecurityContext`
 *   (replaces the pod security context), `securityContext` (replaces every container's security context),
 *   `seccompProfile` and `postgresUID`. The view applies the operator defaults where no override is given and the
 *   overrides as written, so an override that weakens the pod is caught and an absent one is not flagged.
 *
 * Every container view knows the JSON path of its fields, so findings point at the right place even for
 * the synthetic pods of operator-managed resources.
 */
import { Manifest, PolicyObject } from './types';

/* eslint-disable @typescript-eslint/no-explicit-any */
/** A loosely typed JSON object (manifests are untyped data). */
export type Json = Record<string, any>;

/** Where a container comes from in the pod spec. */
export enum ContainerKind {
  CONTAINER = 'containers',
  INIT = 'initContainers',
  EPHEMERAL = 'ephemeralContainers',
}

/** A container of a pod view. */
export interface ContainerView {
  readonly name: string;
  readonly kind: ContainerKind;
  /** The container (possibly synthetic) with its effective fields. */
  readonly container: Json;
  /** JSON path of the container. */
  readonly path: string;
  /** JSON path of a field of the container (e.g. `securityContext`, `resources`). */
  at(field: string): string;
}

/** A volume of a pod view. */
export interface VolumeView {
  readonly volume: Json;
  readonly path: string;
}

/** One pod (template) found in an object. */
export interface PodView {
  readonly object: PolicyObject;
  /** JSON path of the pod spec (or of the custom resource part that stands for it). */
  readonly path: string;
  /** The pod-level fields (hostNetwork, securityContext, volumes, affinity, ...), possibly synthetic. */
  readonly spec: Json;
  /** JSON path of a pod-level field. */
  at(field: string): string;
  /** Pod template labels and annotations. */
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly containers: readonly ContainerView[];
  readonly volumes: readonly VolumeView[];
  /** Namespace the pods run in. */
  readonly namespace: string;
  /** True when the pods are long-running (not Jobs/CronJobs/bare Pods that terminate). */
  readonly longRunning: boolean;
  /** True when an operator builds the pods from a custom resource (it provides probes, PDBs, ...). */
  readonly operatorManaged: boolean;
  /** True for KServe serving resources (always model servers). */
  readonly servingResource: boolean;
  /** Replica count when the object declares one. @default - 1 */
  readonly replicas: number;
}

/** Namespace an object lives in (`default` when not set). */
export function namespaceOf(m: Manifest): string {
  return m.metadata?.namespace || 'default';
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function arr(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter(isObj) : [];
}

interface Source {
  readonly spec: Json;
  readonly path: string;
  readonly meta?: Json;
  readonly longRunning: boolean;
  readonly replicas?: unknown;
  readonly servingResource?: boolean;
  /** Extra containers (already positioned) added to the `containers` of the spec. */
  readonly extraContainers?: readonly ContainerView[];
}

function standardContainers(spec: Json, path: string): ContainerView[] {
  const out: ContainerView[] = [];
  for (const kind of [ContainerKind.CONTAINER, ContainerKind.INIT, ContainerKind.EPHEMERAL]) {
    arr(spec[kind]).forEach((c, i) => {
      const cpath = `${path}.${kind}[${i}]`;
      out.push({ name: String(c.name ?? ''), kind, container: c, path: cpath, at: (f) => `${cpath}.${f}` });
    });
  }
  return out;
}

function fromSpec(object: PolicyObject, src: Source): PodView {
  const m = object.manifest;
  const spec = src.spec;
  const path = src.path;
  const containers = [...(src.extraContainers ?? []), ...standardContainers(spec, path)];
  const volumes = arr(spec.volumes).map((v, i) => ({ volume: v, path: `${path}.volumes[${i}]` }));
  const r = Number(src.replicas ?? 1);
  return {
    object,
    path,
    spec,
    at: (f) => `${path}.${f}`,
    labels: (isObj(src.meta?.labels) ? src.meta?.labels : {}) as Record<string, string>,
    annotations: (isObj(src.meta?.annotations) ? src.meta?.annotations : {}) as Record<string, string>,
    containers,
    volumes,
    namespace: namespaceOf(m),
    longRunning: src.longRunning,
    operatorManaged: false,
    servingResource: src.servingResource ?? false,
    replicas: Number.isFinite(r) ? r : 1,
  };
}

const TEMPLATE_KINDS: Record<string, boolean> = {
  Deployment: true,
  StatefulSet: true,
  DaemonSet: true,
  ReplicaSet: true,
  ReplicationController: true,
  Job: false,
};

const ISVC_FRAMEWORKS = [
  'model', 'sklearn', 'xgboost', 'tensorflow', 'pytorch', 'triton', 'onnx', 'huggingface', 'pmml', 'lightgbm', 'paddle',
];

/** Every pod view of one object (empty when the object runs no pods). */
export function podViews(object: PolicyObject): PodView[] {
  const m = object.manifest;
  const spec = isObj(m.spec) ? m.spec : undefined;
  const group = String(m.apiVersion ?? '').split('/')[0];
  const kind = m.kind;
  if (kind === 'Pod' && m.apiVersion === 'v1') {
    if (!spec) return [];
    const restart = spec.restartPolicy ?? 'Always';
    return [fromSpec(object, { spec, path: 'spec', meta: m.metadata as Json, longRunning: restart === 'Always' })];
  }
  if (kind === 'PodTemplate' && m.apiVersion === 'v1') {
    const t = isObj(m.template) ? m.template : undefined;
    if (!t || !isObj(t.spec)) return [];
    return [fromSpec(object, { spec: t.spec, path: 'template.spec', meta: t.metadata, longRunning: false })];
  }
  if (kind in TEMPLATE_KINDS && (group === 'apps' || group === 'batch' || m.apiVersion === 'v1')) {
    const t = spec && isObj(spec.template) ? spec.template : undefined;
    if (!t || !isObj(t.spec)) return [];
    const replicas = kind === 'DaemonSet' || kind === 'Job' ? 1 : spec?.replicas ?? 1;
    return [fromSpec(object, {
      spec: t.spec, path: 'spec.template.spec', meta: t.metadata, longRunning: TEMPLATE_KINDS[kind], replicas,
    })];
  }
  if (kind === 'CronJob' && group === 'batch') {
    const t = spec?.jobTemplate?.spec?.template;
    if (!isObj(t) || !isObj(t.spec)) return [];
    return [fromSpec(object, {
      spec: t.spec, path: 'spec.jobTemplate.spec.template.spec', meta: t.metadata, longRunning: false,
    })];
  }
  if (!spec) return [];
  if (kind === 'LLMInferenceService' && group === 'serving.kserve.io') {
    const meta = { labels: spec.labels, annotations: spec.annotations };
    const out: PodView[] = [];
    const add = (s: unknown, path: string, replicas: unknown, metaOf: Json) => {
      if (isObj(s)) {
        out.push(fromSpec(object, { spec: s, path, meta: metaOf, longRunning: true, replicas, servingResource: true }));
      }
    };
    add(spec.template, 'spec.template', spec.replicas, meta);
    add(spec.worker, 'spec.worker', spec.replicas, meta);
    if (isObj(spec.prefill)) {
      const pmeta = { labels: spec.prefill.labels ?? spec.labels, annotations: spec.prefill.annotations ?? spec.annotations };
      add(spec.prefill.template, 'spec.prefill.template', spec.prefill.replicas, pmeta);
      add(spec.prefill.worker, 'spec.prefill.worker', spec.prefill.replicas, pmeta);
    }
    return out;
  }
  if (kind === 'InferenceService' && group === 'serving.kserve.io') {
    const out: PodView[] = [];
    for (const component of ['predictor', 'transformer', 'explainer']) {
      const c = spec[component];
      if (!isObj(c)) continue;
      const path = `spec.${component}`;
      const extra: ContainerView[] = [];
      if (component === 'predictor') {
        for (const fw of ISVC_FRAMEWORKS) {
          if (isObj(c[fw])) {
            const cpath = `${path}.${fw}`;
            extra.push({
              name: String(c[fw].name ?? 'kserve-container'), kind: ContainerKind.CONTAINER, container: c[fw], path: cpath,
              at: (f) => `${cpath}.${f}`,
            });
          }
        }
      }
      out.push(fromSpec(object, {
        spec: c, path, meta: { labels: c.labels, annotations: c.annotations }, longRunning: true,
        replicas: c.minReplicas ?? 1, servingResource: true, extraContainers: extra,
      }));
      if (component === 'predictor' && isObj(c.workerSpec)) {
        out.push(fromSpec(object, {
          spec: c.workerSpec, path: `${path}.workerSpec`, meta: { labels: c.labels, annotations: c.annotations },
          longRunning: true, replicas: 1, servingResource: true,
        }));
      }
    }
    return out;
  }
  if (kind === 'Tenant' && group === 'minio.min.io') return minioViews(object, spec);
  if (kind === 'Cluster' && group === 'postgresql.cnpg.io') return [cnpgView(object, spec)];
  return [];
}

function synthetic(
  object: PolicyObject, spec: Json, fieldPaths: Record<string, string>, containers: ContainerView[], base: string,
  meta: Json, replicas: unknown,
): PodView {
  const r = Number(replicas ?? 1);
  return {
    object,
    path: base,
    spec,
    at: (f) => fieldPaths[f] ?? `${base}.${f}`,
    labels: (isObj(meta.labels) ? meta.labels : {}) as Record<string, string>,
    annotations: (isObj(meta.annotations) ? meta.annotations : {}) as Record<string, string>,
    containers,
    volumes: [],
    namespace: namespaceOf(object.manifest),
    longRunning: true,
    operatorManaged: true,
    servingResource: false,
    replicas: Number.isFinite(r) ? r : 1,
  };
}

function mapped(name: string, container: Json, base: string, fields: Record<string, string>): ContainerView {
  return { name, kind: ContainerKind.CONTAINER, container, path: base, at: (f) => fields[f] ?? `${base}.${f}` };
}

function minioViews(object: PolicyObject, spec: Json): PodView[] {
  const out: PodView[] = [];
  const probes: Json = {};
  if (isObj(spec.liveness)) probes.livenessProbe = spec.liveness;
  if (isObj(spec.readiness)) probes.readinessProbe = spec.readiness;
  if (isObj(spec.startup)) probes.startupProbe = spec.startup;
  const shared: ContainerView[] = [];
  arr(spec.initContainers).forEach((c, i) => {
    const p = `spec.initContainers[${i}]`;
    shared.push({ name: String(c.name ?? ''), kind: ContainerKind.INIT, container: c, path: p, at: (f) => `${p}.${f}` });
  });
  arr(spec.sideCars?.containers).forEach((c, i) => {
    const p = `spec.sideCars.containers[${i}]`;
    shared.push({ name: String(c.name ?? ''), kind: ContainerKind.CONTAINER, container: c, path: p, at: (f) => `${p}.${f}` });
  });
  arr(spec.pools).forEach((pool, i) => {
    const base = `spec.pools[${i}]`;
    const minio = mapped('minio', {
      name: 'minio',
      image: spec.image,
      ...(isObj(pool.containerSecurityContext) ? { securityContext: pool.containerSecurityContext } : {}),
      ...(isObj(pool.resources) ? { resources: pool.resources } : {}),
      ...(Array.isArray(spec.env) ? { env: spec.env } : {}),
      ...probes,
    }, base, {
      securityContext: `${base}.containerSecurityContext`,
      resources: `${base}.resources`,
      image: 'spec.image',
      env: 'spec.env',
      livenessProbe: 'spec.liveness',
      readinessProbe: 'spec.readiness',
      startupProbe: 'spec.startup',
    });
    const podSpec: Json = {
      ...(isObj(pool.securityContext) ? { securityContext: pool.securityContext } : {}),
      ...(isObj(pool.affinity) ? { affinity: pool.affinity } : {}),
      ...(Array.isArray(pool.topologySpreadConstraints) ? { topologySpreadConstraints: pool.topologySpreadConstraints } : {}),
      ...(spec.priorityClassName ? { priorityClassName: spec.priorityClassName } : {}),
    };
    out.push(synthetic(object, podSpec, {
      securityContext: `${base}.securityContext`, priorityClassName: 'spec.priorityClassName',
    }, [minio, ...shared], base, { labels: pool.labels, annotations: pool.annotations }, pool.servers));
  });
  if (isObj(spec.kes)) {
    const kes = spec.kes;
    const c = mapped('kes', {
      name: 'kes',
      image: kes.image,
      ...(isObj(kes.containerSecurityContext) ? { securityContext: kes.containerSecurityContext } : {}),
      ...(isObj(kes.resources) ? { resources: kes.resources } : {}),
      ...(Array.isArray(kes.env) ? { env: kes.env } : {}),
    }, 'spec.kes', { securityContext: 'spec.kes.containerSecurityContext', resources: 'spec.kes.resources', image: 'spec.kes.image' });
    const podSpec: Json = isObj(kes.securityContext) ? { securityContext: kes.securityContext } : {};
    out.push(synthetic(object, podSpec, { securityContext: 'spec.kes.securityContext' }, [c], 'spec.kes',
      { labels: kes.labels, annotations: kes.annotations }, kes.replicas));
  }
  return out;
}

function cnpgView(object: PolicyObject, spec: Json): PodView {
  const seccomp = isObj(spec.seccompProfile) ? spec.seccompProfile : { type: 'RuntimeDefault' };
  const uid = spec.postgresUID ?? 26;
  const gid = spec.postgresGID ?? 26;
  const podSc = isObj(spec.podSecurityContext)
    ? spec.podSecurityContext
    : { runAsNonRoot: true, runAsUser: uid, runAsGroup: gid, fsGroup: gid, seccompProfile: seccomp };
  const containerSc = isObj(spec.securityContext)
    ? spec.securityContext
    : {
      allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false,
      readOnlyRootFilesystem: true, runAsNonRoot: true, seccompProfile: seccomp,
    };
  // without an override the operator defaults apply; findings then point at the spec fields that feed them
  const scPath = isObj(spec.securityContext) ? 'spec.securityContext' : 'spec';
  const podScPath = isObj(spec.podSecurityContext) ? 'spec.podSecurityContext' : 'spec';
  const postgres = mapped('postgres', {
    name: 'postgres',
    image: spec.imageName,
    securityContext: containerSc,
    ...(isObj(spec.resources) ? { resources: spec.resources } : {}),
    ...(Array.isArray(spec.env) ? { env: spec.env } : {}),
  }, 'spec', { securityContext: scPath, resources: 'spec.resources', image: 'spec.imageName', env: 'spec.env' });
  const podSpec: Json = {
    securityContext: podSc,
    ...(isObj(spec.affinity) ? { affinity: spec.affinity } : {}),
    ...(Array.isArray(spec.topologySpreadConstraints) ? { topologySpreadConstraints: spec.topologySpreadConstraints } : {}),
    ...(spec.priorityClassName ? { priorityClassName: spec.priorityClassName } : {}),
  };
  const meta = isObj(spec.inheritedMetadata) ? spec.inheritedMetadata : {};
  return synthetic(object, podSpec, { securityContext: podScPath }, [postgres], 'spec', meta, spec.instances);
}
