import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Labels } from '../../lib/core';
import {
  AutoscalingMetric, FederatedAutoscaler, FederatedTenantQuota, KarmadaFleet, KarmadaOverride, KarmadaPropagation,
  Placement, PurgeMode, ReplicaScheduling, SpreadConstraint,
} from '../../lib/federation';
import { BankWorkloads } from './workloads';

/** The bank's sites: two EU data centres and an edge site at the Zurich branch (Swiss jurisdiction). */
export const SITES = [
  { name: 'eu-fra-1', gpus: 16, jurisdiction: 'eu', siteType: 'datacentre', mirror: 'registry.fra.bank.internal' },
  { name: 'eu-ams-1', gpus: 8, jurisdiction: 'eu', siteType: 'datacentre', mirror: 'registry.ams.bank.internal' },
  { name: 'edge-zrh-1', gpus: 2, jurisdiction: 'ch', siteType: 'edge', mirror: 'registry.zrh.bank.internal' },
] as const;

/** Cluster label carrying the site type. */
export const SITE_TYPE_LABEL = 'bank.example/site-type';

/** The Karmada control-plane objects of the fleet: one chart with every policy, quota and autoscaler. */
export interface BankFederation {
  /** The chart. */
  readonly chart: Chart;
  /** The fleet. */
  readonly fleet: KarmadaFleet;
  /** Propagation of the model tenant to every site. */
  readonly models: KarmadaPropagation;
  /** Propagation of the data tenant to the EU data centres. */
  readonly data: KarmadaPropagation;
}

/**
 * The federation of the bank: models divided over all three sites by GPU capacity, data pinned to the EU with
 * failover between the two data centres, a registry mirror per site, the edge GPU class at the edge, a federated
 * quota for the model tenant and a FederatedHPA on the model server.
 */
export function buildBankFederation(scope: Construct, workloads: BankWorkloads): BankFederation {
  const chart = new Chart(scope, 'karmada', { disableResourceNameHashes: true });
  const fleet = new KarmadaFleet(chart, 'Fleet', {
    clusters: SITES.map((s) => ({
      name: s.name,
      labels: { [Labels.JURISDICTION]: s.jurisdiction, [SITE_TYPE_LABEL]: s.siteType },
    })),
    dataJurisdiction: 'eu',
  });

  const models = new KarmadaPropagation(chart, 'Models', {
    fleet,
    constructs: [workloads.models],
    placement: Placement.clusters(SITES.map((s) => s.name)),
    replicaScheduling: ReplicaScheduling.divided.staticWeights(Object.fromEntries(SITES.map((s) => [s.name, s.gpus]))),
    spreadConstraints: [SpreadConstraint.byCluster({ minGroups: 2 })],
    failover: { application: { tolerationSeconds: 120, purgeMode: PurgeMode.GRACEFULLY } },
    propagateDeps: false,
  });

  const data = new KarmadaPropagation(chart, 'Data', {
    fleet,
    constructs: [workloads.data],
    placement: Placement.groups([
      { name: 'primary', placement: Placement.clusters(['eu-fra-1']) },
      { name: 'secondary', placement: Placement.clusters(['eu-ams-1']) },
    ]),
    replicaScheduling: ReplicaScheduling.divided.aggregated(),
    failover: { application: { tolerationSeconds: 300, purgeMode: PurgeMode.DIRECTLY } },
    priority: 100,
  });

  new KarmadaOverride(chart, 'SiteOverrides', {
    fleet,
    constructs: [workloads.models, workloads.data],
    rules: SITES.filter((s) => s.siteType === 'datacentre').map((s) => ({
      target: Placement.clusters([s.name]),
      imageRegistry: s.mirror,
    })),
  });
  new KarmadaOverride(chart, 'EdgeOverrides', {
    fleet,
    constructs: [workloads.models],
    rules: [{
      target: Placement.labels({ [SITE_TYPE_LABEL]: 'edge' }),
      imageRegistry: SITES[2].mirror,
      deviceClassName: workloads.edgePool.deviceClassName,
      nodeSelector: { 'bank.example/inference': 'true' },
    }],
  });

  new FederatedTenantQuota(chart, 'ModelsQuota', {
    fleet,
    namespace: workloads.modelsNamespace,
    overall: { cpu: 160, memoryGiB: 1280, pods: 120 },
    staticAssignments: {
      'eu-fra-1': { cpu: 96, memoryGiB: 768 },
      'eu-ams-1': { cpu: 48, memoryGiB: 384 },
      'edge-zrh-1': { cpu: 16, memoryGiB: 128 },
    },
  });

  new FederatedAutoscaler(chart, 'ModelAutoscaler', {
    target: workloads.modelServer,
    minReplicas: 3,
    maxReplicas: SITES.reduce((n, s) => n + s.gpus, 0),
    metrics: [AutoscalingMetric.podsAverage('vllm:num_requests_waiting', '5')],
  });

  return { chart, fleet, models, data };
}
