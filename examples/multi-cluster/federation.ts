import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Labels } from '../../lib/core';
import {
  AutoscalingMetric, FederatedAutoscaler, FederatedTenantQuota, KarmadaFleet, KarmadaOverride, KarmadaPropagation,
  Placement, PurgeMode, ReplicaScheduling,
} from '../../lib/federation';
import { BankWorkloads, MODELS } from './workloads';

/** The bank's sites: two EU data centres and an edge site at the Zurich branch (Swiss jurisdiction). */
export const SITES = [
  { name: 'eu-fra-1', gpus: 16, jurisdiction: 'eu', siteType: 'datacentre', mirror: 'registry.fra.bank.internal' },
  { name: 'eu-ams-1', gpus: 8, jurisdiction: 'eu', siteType: 'datacentre', mirror: 'registry.ams.bank.internal' },
  { name: 'edge-zrh-1', gpus: 2, jurisdiction: 'ch', siteType: 'edge', mirror: 'registry.zrh.bank.internal' },
] as const;

/** The two EU data centres (the only sites the platform and its data are propagated to). */
export const DATA_CENTRES = SITES.filter((s) => s.siteType === 'datacentre');

/** Cluster label carrying the site type. */
export const SITE_TYPE_LABEL = 'bank.example/site-type';

/** The data jurisdiction of the bank. */
export const JURISDICTION = 'eu';

/** The Karmada control-plane objects of the fleet: one chart with every policy, quota and autoscaler. */
export interface BankFederation {
  /** The chart. */
  readonly chart: Chart;
  /** The fleet. */
  readonly fleet: KarmadaFleet;
  /** The model servers, divided over the data centres by GPU capacity. */
  readonly models: KarmadaPropagation;
  /** The rest of the serving platform (tenant, GPU pool, gateway, routing, audit, monitoring) in both data centres. */
  readonly platform: KarmadaPropagation;
  /** The A100 device class, to eu-ams-1 only. */
  readonly amsGpus: KarmadaPropagation;
  /** The object store (weights and WORM audit trail) in both EU data centres. */
  readonly data: KarmadaPropagation;
  /** The pgvector store: primary in eu-fra-1, failing over to eu-ams-1. */
  readonly rag: KarmadaPropagation;
  /** The FederatedHPAs of the model server Deployments. */
  readonly autoscalers: readonly FederatedAutoscaler[];
}

/**
 * The constructs that cover `root`'s subtree except the `excluded` subtrees (only those that emit objects): how a
 * stack is propagated apart from its model servers without listing objects by hand.
 */
export function allBut(root: IConstruct, excluded: readonly IConstruct[]): IConstruct[] {
  if (excluded.includes(root)) return [];
  if (!root.node.findAll().some((c) => ApiObject.isApiObject(c))) return [];
  if (!excluded.some((e) => e.node.scopes.includes(root))) return [root];
  return root.node.children.flatMap((c) => allBut(c, excluded));
}

/**
 * The federation of the bank.
 *
 * - Models: the model server Deployments are divided over the two EU data centres by static weights equal to their
 *   GPUs (16:8), scaled across the fleet by one FederatedHPA each, and fail over between the data centres
 *   (application failover). They are plain `apps/v1` Deployments, so Karmada's built-in interpreter reads and
 *   divides their replicas and the FederatedHPA scales them through the scale subresource: no
 *   ResourceInterpreterCustomization is needed.
 * - Platform: everything else of the stack (tenant, GPU pool, gateway, endpoint pickers, audit shipper, monitoring,
 *   network edges) is duplicated to both data centres. The endpoint pickers and the audit shipper are Deployments
 *   too; they must run in full in each data centre, hence a separate, duplicated policy.
 * - Data: pinned to the EU. The object store (weights, WORM audit) runs in both data centres (MinIO site
 *   replication keeps them in sync, configured in MinIO); the pgvector store runs in eu-fra-1 and fails over to
 *   eu-ams-1. The label placement requires the jurisdiction label, so a cluster that joins later outside the EU is
 *   never selected; the edge site (Swiss jurisdiction) gets no data.
 * - Overrides per site: the registry mirror of each data centre and, in eu-ams-1, the A100 device class.
 * - A FederatedResourceQuota per tenant, split between the data centres by capacity.
 */
export function buildBankFederation(scope: Construct, workloads: BankWorkloads): BankFederation {
  const chart = new Chart(scope, 'karmada', { disableResourceNameHashes: true });
  const fleet = new KarmadaFleet(chart, 'Fleet', {
    clusters: SITES.map((s) => ({
      name: s.name,
      labels: { [Labels.JURISDICTION]: s.jurisdiction, [SITE_TYPE_LABEL]: s.siteType },
    })),
    dataJurisdiction: JURISDICTION,
  });
  const euDataCentres = Placement.labels({ [Labels.JURISDICTION]: JURISDICTION, [SITE_TYPE_LABEL]: 'datacentre' });
  const dcNames = DATA_CENTRES.map((s) => s.name);
  const servers = workloads.models.map((m) => m.server);

  const models = new KarmadaPropagation(chart, 'Models', {
    fleet,
    constructs: servers,
    placement: Placement.clusters(dcNames),
    replicaScheduling: ReplicaScheduling.divided.staticWeights(Object.fromEntries(DATA_CENTRES.map((s) => [s.name, s.gpus]))),
    failover: { application: { tolerationSeconds: 120, purgeMode: PurgeMode.GRACEFULLY } },
    // every object of the model servers is selected explicitly (their ServiceAccount and claim templates by Platform)
    propagateDeps: false,
  });

  const platform = new KarmadaPropagation(chart, 'Platform', {
    fleet,
    constructs: [workloads.modelsTenant, workloads.pool, ...allBut(workloads.stack, servers)],
    placement: euDataCentres,
    replicaScheduling: ReplicaScheduling.duplicated(),
  });

  const amsGpus = new KarmadaPropagation(chart, 'AmsGpus', {
    fleet,
    constructs: [workloads.amsPool],
    placement: Placement.clusters(['eu-ams-1']),
  });

  const data = new KarmadaPropagation(chart, 'Data', {
    fleet,
    constructs: [workloads.dataTenant, workloads.objectStore],
    placement: euDataCentres,
    // the bucket setup Jobs must run in full in each data centre (Karmada would divide their parallelism)
    replicaScheduling: ReplicaScheduling.duplicated(),
  });

  const rag = new KarmadaPropagation(chart, 'Rag', {
    fleet,
    constructs: [workloads.ragTenant, workloads.vectorStore],
    placement: Placement.groups([
      { name: 'primary', placement: Placement.clusters(['eu-fra-1']) },
      { name: 'secondary', placement: Placement.clusters(['eu-ams-1']) },
    ]),
    replicaScheduling: ReplicaScheduling.duplicated(),
    failover: { application: { tolerationSeconds: 300, purgeMode: PurgeMode.GRACEFULLY } },
    priority: 100,
  });

  new KarmadaOverride(chart, 'SiteOverrides', {
    fleet,
    constructs: [workloads.stack],
    rules: DATA_CENTRES.map((s) => ({ target: Placement.clusters([s.name]), imageRegistry: s.mirror })),
  });
  new KarmadaOverride(chart, 'AmsDevices', {
    fleet,
    constructs: [workloads.pool],
    rules: [{ target: Placement.clusters(['eu-ams-1']), deviceClassName: workloads.amsPool.deviceClassName }],
  });

  const [fra, ams] = DATA_CENTRES;
  const h100 = workloads.pool.deviceClassName!;
  const a100 = workloads.amsPool.deviceClassName!;
  new FederatedTenantQuota(chart, 'ModelsQuota', {
    fleet,
    namespace: workloads.modelsTenant.namespace,
    overall: { cpu: 144, memoryGiB: 1152, pods: 100, devices: { [h100]: fra.gpus, [a100]: ams.gpus } },
    staticAssignments: {
      [fra.name]: { cpu: 96, memoryGiB: 768, pods: 60, devices: { [h100]: fra.gpus } },
      [ams.name]: { cpu: 48, memoryGiB: 384, pods: 40, devices: { [a100]: ams.gpus } },
    },
  });
  new FederatedTenantQuota(chart, 'DataQuota', {
    fleet,
    namespace: workloads.dataTenant.namespace,
    overall: { cpu: 64, memoryGiB: 256 },
    staticAssignments: { [fra.name]: { cpu: 32, memoryGiB: 128 }, [ams.name]: { cpu: 32, memoryGiB: 128 } },
  });
  new FederatedTenantQuota(chart, 'RagQuota', {
    fleet,
    namespace: workloads.ragTenant.namespace,
    overall: { cpu: 32, memoryGiB: 128 },
    staticAssignments: { [fra.name]: { cpu: 16, memoryGiB: 64 }, [ams.name]: { cpu: 16, memoryGiB: 64 } },
  });

  const autoscalers = workloads.models.map((m) => {
    const bounds = MODELS.find((b) => b.name === m.name)!;
    return new FederatedAutoscaler(chart, `Autoscaler-${m.name}`, {
      target: m.server.resource,
      minReplicas: bounds.minReplicas,
      maxReplicas: bounds.maxReplicas,
      metrics: [AutoscalingMetric.podsAverage('vllm:num_requests_waiting', '5')],
    });
  });

  return { chart, fleet, models, platform, amsGpus, data, rag, autoscalers };
}
