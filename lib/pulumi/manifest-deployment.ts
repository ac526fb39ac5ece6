import * as pulumi from '@pulumi/pulumi';
import { ApiObject, App, Chart } from 'cdk8s';
import { apiGroupOf, planDeployment, PlannedObject } from './deployment-plan';
import { KubernetesObject } from './kubernetes-object';

/**
 * Deploys the objects of cdk8s charts with the `kubernetes` Pulumi provider: the base of `ChartDeployment` and
 * `AppDeployment`.
 *
 * How: one `KubernetesObject` (a `kubernetes:<group>/<version>:<Kind>` resource) per object, registered in
 * dependency order, each with `dependsOn` on its Namespace, the CRD of its kind and its cdk8s dependencies.
 * Not `yaml.v2.ConfigGroup`, because:
 * - ConfigGroup is a provider-side component: its objects are created by the provider plugin, so a program (and
 *   its tests under `pulumi.runtime.setMocks`) never sees them, and nothing can `dependsOn` one object of it;
 * - it orders objects by its own heuristics plus `config.kubernetes.io/depends-on` annotations, so honouring
 *   cdk8s dependencies would mean adding annotations, i.e. deploying objects different from `chart.toJson()`;
 * - per-object resources give one Pulumi diff line per Kubernetes object and stable URNs per object.
 *
 * Child resource names are `<deployment name>:<apiVersion>:<kind>:<namespace>/<name>`: derived from the objects
 * (not from construct ids or order), and prefixed with the deployment name so the same charts can be deployed to
 * several clusters (one deployment and one provider per cluster) in one stack.
 *
 * The `provider` resource option (or `providers: [provider]`) selects the cluster (or the Karmada control plane):
 * every object inherits it.
 */
export abstract class ManifestDeployment extends pulumi.ComponentResource {
  /** The objects deployed, in registration (dependency) order, exactly as the charts' `toJson()` returned them. */
  public readonly objects: readonly PlannedObject[];
  /** The Pulumi resource of each object, by object key (`<apiVersion>:<kind>:<namespace>/<name>`). */
  public readonly resources: ReadonlyMap<string, KubernetesObject>;
  /** Names of the Namespaces this deployment creates. */
  public readonly namespaces: readonly string[];
  /** In-cluster DNS name of every Service deployed, by `<namespace>/<name>`, e.g. `vllm.radiology.svc.cluster.local`. */
  public readonly serviceHosts: Readonly<Record<string, string>>;
  /**
   * S3 endpoint of every MinIO Tenant deployed, by `<namespace>/<tenant>`: the operator's `minio` Service in the
   * tenant namespace, `https` unless the tenant sets `requestAutoCert: false`.
   */
  public readonly bucketEndpoints: Readonly<Record<string, string>>;
  /**
   * Addresses of every Gateway API Gateway deployed, by `<namespace>/<name>`, from the live objects'
   * `status.addresses` (empty until the gateway controller has programmed the Gateway; `pulumi refresh` reads
   * them later).
   */
  public readonly gatewayAddresses: pulumi.Output<Record<string, string[]>>;

  private readonly byConstructPath: ReadonlyMap<string, KubernetesObject>;

  protected constructor(
    type: string,
    name: string,
    source: App | readonly Chart[],
    opts: pulumi.ComponentResourceOptions | undefined,
    describe: string,
  ) {
    // Plan first: bad input fails before anything is registered.
    const plan = planDeployment(source, describe);
    super(type, name, {}, opts);
    const resources = new Map<string, KubernetesObject>();
    const byPath = new Map<string, KubernetesObject>();
    withCheapStackTraces(() => {
      for (const planned of plan) {
        const resource = new KubernetesObject(`${name}:${planned.key}`, planned.manifest, {
          parent: this,
          dependsOn: planned.dependsOn.map((key) => resources.get(key)!),
        });
        resources.set(planned.key, resource);
        byPath.set(planned.constructPath, resource);
      }
    });
    this.objects = plan;
    this.resources = resources;
    this.byConstructPath = byPath;

    const namespaces: string[] = [];
    const serviceHosts: Record<string, string> = {};
    const bucketEndpoints: Record<string, string> = {};
    const gateways: Array<[string, KubernetesObject]> = [];
    for (const { key, manifest } of plan) {
      const group = apiGroupOf(manifest.apiVersion);
      const objName = manifest.metadata.name!;
      const ns = manifest.metadata.namespace ?? 'default';
      if (manifest.apiVersion === 'v1' && manifest.kind === 'Namespace') namespaces.push(objName);
      if (manifest.apiVersion === 'v1' && manifest.kind === 'Service') {
        serviceHosts[`${ns}/${objName}`] = `${objName}.${ns}.svc.cluster.local`;
      }
      if (group === 'minio.min.io' && manifest.kind === 'Tenant') {
        const tls = (manifest.spec as { requestAutoCert?: boolean } | undefined)?.requestAutoCert !== false;
        bucketEndpoints[`${ns}/${objName}`] = `${tls ? 'https' : 'http'}://minio.${ns}.svc.cluster.local`;
      }
      if (group === 'gateway.networking.k8s.io' && manifest.kind === 'Gateway') {
        gateways.push([`${ns}/${objName}`, resources.get(key)!]);
      }
    }
    this.namespaces = namespaces;
    this.serviceHosts = serviceHosts;
    this.bucketEndpoints = bucketEndpoints;
    this.gatewayAddresses = pulumi.all(gateways.map(([, r]) => r.status)).apply((statuses) => {
      const out: Record<string, string[]> = {};
      statuses.forEach((status, i) => {
        const addresses = (status as { addresses?: Array<{ value?: string }> } | undefined)?.addresses ?? [];
        out[gateways[i][0]] = addresses.map((a) => a.value).filter((v): v is string => typeof v === 'string');
      });
      return out;
    });

    this.registerOutputs({
      namespaces: this.namespaces,
      serviceHosts: this.serviceHosts,
      bucketEndpoints: this.bucketEndpoints,
      gatewayAddresses: this.gatewayAddresses,
    });
  }

  /**
   * The Pulumi resource that deploys `apiObject` (e.g. to make another resource `dependsOn` it).
   * @throws Error when the object is not part of this deployment
   */
  public resourceOf(apiObject: ApiObject): KubernetesObject {
    const resource = this.byConstructPath.get(apiObject.node.path);
    if (!resource) {
      throw new Error(`${apiObject.node.path}: not deployed by this deployment. Fix: add its chart to the deployment.`);
    }
    return resource;
  }
}

/**
 * Runs `register` with `Error.stackTraceLimit` at 0, then restores it. Registering a resource makes the Pulumi SDK
 * create several `Error`s only for their stack traces: one per promise it tracks for leak reports
 * (`debuggablePromise`) and one preallocated per RPC in case it fails. Formatting those traces is more than half of
 * the cost of a registration. What is registered does not change: the SDK captures the resource's own source
 * position with an unlimited trace of its own. Failed registrations still report the resource, type and cause in
 * their message. Left alone when `PULUMI_DEBUG_PROMISE_LEAKS` is set (leak reports then print those traces).
 */
function withCheapStackTraces<T>(register: () => T): T {
  if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) return register();
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return register();
  } catch (e) {
    // an error raised here has no trace: give it the trace of this call site
    Error.stackTraceLimit = limit;
    if (e instanceof Error) Error.captureStackTrace(e, withCheapStackTraces);
    throw e;
  } finally {
    Error.stackTraceLimit = limit;
  }
}
