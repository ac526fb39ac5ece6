import { ApiObject, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { ValidationError } from '../../lib/core';
import { KubeNamespace } from '../../lib/imports/k8s';
import {
  ClusterPurgeMode, ConflictResolution, KarmadaFleet, KarmadaPropagation, LabelOperator, Placement, Preemption, PurgeMode,
  ReplicaScheduling, SpreadConstraint,
} from '../../lib/federation';
import { describeWithSchemas } from '../support/schemas';
import { expectConformant } from '../support/conformance';
import { fleetOf, ofKind, setup, statelessApp } from './helpers';

describe('KarmadaPropagation: selection', () => {
  test('one PropagationPolicy per namespace and one ClusterPropagationPolicy, each object selected by name', () => {
    const { workloads, karmada } = setup();
    const a = statelessApp(workloads, 'Chat', 'chat');
    const b = statelessApp(workloads, 'Rag', 'rag');
    new KarmadaPropagation(karmada, 'Models', { constructs: [a, b], placement: Placement.clusters(['eu-fra-1']) });
    const out = Testing.synth(karmada);
    expect(out.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual([
      'ClusterPropagationPolicy /models',
      'PropagationPolicy chat/models',
      'PropagationPolicy rag/models',
    ]);
    expect(out[0].spec.resourceSelectors).toEqual([
      { apiVersion: 'v1', kind: 'Namespace', name: 'chat' },
      { apiVersion: 'resource.k8s.io/v1', kind: 'DeviceClass', name: 'chat-gpu' },
      { apiVersion: 'v1', kind: 'Namespace', name: 'rag' },
      { apiVersion: 'resource.k8s.io/v1', kind: 'DeviceClass', name: 'rag-gpu' },
    ]);
    expect(out[1].spec.resourceSelectors).toEqual([
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'chat-config' },
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'chat-server' },
      { apiVersion: 'resource.k8s.io/v1', kind: 'ResourceClaimTemplate', name: 'chat-claim' },
    ]);
  });

  test('defaults are emitted literally', () => {
    const { workloads, karmada } = setup();
    const p = new KarmadaPropagation(karmada, 'Models', {
      constructs: [statelessApp(workloads, 'Chat', 'chat')], placement: Placement.clusters(['eu-fra-1', 'eu-ams-1']),
    });
    const pp = ofKind(Testing.synth(karmada), 'PropagationPolicy')[0];
    expect(pp).toEqual({
      apiVersion: 'policy.karmada.io/v1alpha1',
      kind: 'PropagationPolicy',
      metadata: { name: 'models', namespace: 'chat', labels: { 'app.kubernetes.io/managed-by': 'sovereign-ai-platform' } },
      spec: {
        resourceSelectors: pp.spec.resourceSelectors,
        placement: { clusterAffinity: { clusterNames: ['eu-fra-1', 'eu-ams-1'] } },
        priority: 0,
        preemption: 'Never',
        conflictResolution: 'Abort',
      },
    });
    expect(p.priority).toBe(0);
    expect(p.preemption).toBe(Preemption.NEVER);
    expect(p.conflictResolution).toBe(ConflictResolution.ABORT);
    expect(p.propagateDeps).toBe(false);
    expect(p.jurisdiction).toBeUndefined();
    expect(p.policyName).toBe('models');
  });

  test('selection is lazy: constructs and objects added after the propagation are selected', () => {
    const { workloads, karmada } = setup();
    const late = new Construct(workloads, 'Late');
    const p = new KarmadaPropagation(karmada, 'Models', { constructs: [late], placement: Placement.clusters(['a']) });
    new KubeNamespace(late, 'Ns', { metadata: { name: 'late' } });
    p.propagate(statelessApp(workloads, 'Later', 'later'));
    const out = Testing.synth(karmada);
    expect(out.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual([
      'ClusterPropagationPolicy /models', 'PropagationPolicy later/models',
    ]);
    expect(out[0].spec.resourceSelectors.map((s: any) => s.name)).toEqual(['late', 'later', 'later-gpu']);
    expect(p.policies).toHaveLength(2);
  });

  test('synth twice gives the same output (policy creation is idempotent)', () => {
    const { workloads, karmada } = setup();
    new KarmadaPropagation(karmada, 'Models', { constructs: [statelessApp(workloads, 'Chat', 'chat')], placement: Placement.clusters(['a']) });
    expect(Testing.synth(karmada)).toEqual(Testing.synth(karmada));
  });

  test('Karmada objects and the propagation itself are never selected', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'all');
    const apps = statelessApp(chart, 'Chat', 'chat');
    const p = new KarmadaPropagation(chart, 'Models', { constructs: [apps], placement: Placement.clusters(['a']) });
    new KarmadaPropagation(apps, 'Inner', { constructs: [new Construct(apps, 'Empty')], placement: Placement.clusters(['a']) });
    expect(() => Testing.synth(chart)).toThrow(/invalid constructs\[0\]/);
    expect(p.selectedObjects().every((o) => !o.apiVersion.includes('karmada.io'))).toBe(true);
  });

  test('an object under two propagated constructs is selected once', () => {
    const { workloads, karmada } = setup();
    const a = statelessApp(workloads, 'Chat', 'chat');
    new KarmadaPropagation(karmada, 'Models', { constructs: [workloads, a], placement: Placement.clusters(['a']) });
    const pp = ofKind(Testing.synth(karmada), 'PropagationPolicy')[0];
    expect(pp.spec.resourceSelectors).toHaveLength(3);
  });

  test('scope overrides: a custom cluster-scoped kind goes to the ClusterPropagationPolicy', () => {
    const { workloads, karmada } = setup();
    const c = new Construct(workloads, 'Custom');
    new ApiObject(c, 'W', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } });
    new KarmadaPropagation(karmada, 'P', { constructs: [c], placement: Placement.clusters(['a']), clusterScopedKinds: ['Widget.example.com'] });
    const out = Testing.synth(karmada);
    expect(out.map((o) => o.kind)).toEqual(['ClusterPropagationPolicy']);
    expect(out[0].spec.resourceSelectors).toEqual([{ apiVersion: 'example.com/v1', kind: 'Widget', name: 'w' }]);
  });
});

describe('KarmadaPropagation: placement and scheduling', () => {
  const spec = (props: Partial<ConstructorParameters<typeof KarmadaPropagation>[2]>, withFleet = false) => {
    const { workloads, karmada } = setup();
    const fleet = withFleet ? fleetOf(karmada) : undefined;
    new KarmadaPropagation(karmada, 'P', {
      constructs: [statelessApp(workloads, 'Chat', 'chat')], placement: Placement.clusters(['eu-fra-1']), fleet, ...props,
    });
    return ofKind(Testing.synth(karmada), 'PropagationPolicy')[0].spec;
  };

  test('labels placement with expressions and exclusions', () => {
    expect(spec({
      placement: Placement.labels({ tier: 'dc' }, {
        matchExpressions: [{ key: 'gpu', operator: LabelOperator.EXISTS }, { key: 'zone', operator: LabelOperator.IN, values: ['a', 'b'] }],
        exclude: ['eu-ams-1'],
      }),
    }, true).placement).toEqual({
      clusterAffinity: {
        labelSelector: { matchLabels: { tier: 'dc' }, matchExpressions: [{ key: 'gpu', operator: 'Exists' }, { key: 'zone', operator: 'In', values: ['a', 'b'] }] },
        exclude: ['eu-ams-1'],
      },
    });
  });

  test('all clusters: no cluster affinity', () => {
    expect(spec({ placement: Placement.allClusters() }).placement).toEqual({});
  });

  test('ordered groups become clusterAffinities', () => {
    expect(spec({
      placement: Placement.groups([
        { name: 'primary', placement: Placement.clusters(['eu-fra-1']) },
        { name: 'backup', placement: Placement.labels({ tier: 'dc' }) },
      ]),
    }, true).placement).toEqual({
      clusterAffinities: [
        { affinityName: 'primary', clusterNames: ['eu-fra-1'] },
        { affinityName: 'backup', labelSelector: { matchLabels: { tier: 'dc' } } },
      ],
    });
  });

  test('duplicated replicas', () => {
    expect(spec({ replicaScheduling: ReplicaScheduling.duplicated() }).placement.replicaScheduling).toEqual({ replicaSchedulingType: 'Duplicated' });
  });

  test('divided by static weights (weight 0 left out)', () => {
    expect(spec({
      placement: Placement.clusters(['eu-fra-1', 'eu-ams-1', 'edge-zrh-1']),
      replicaScheduling: ReplicaScheduling.divided.staticWeights({ 'eu-fra-1': 2, 'eu-ams-1': 1, 'edge-zrh-1': 0 }),
    }, true).placement.replicaScheduling).toEqual({
      replicaSchedulingType: 'Divided',
      replicaDivisionPreference: 'Weighted',
      weightPreference: {
        staticWeightList: [
          { targetCluster: { clusterNames: ['eu-fra-1'] }, weight: 2 },
          { targetCluster: { clusterNames: ['eu-ams-1'] }, weight: 1 },
        ],
      },
    });
  });

  test('divided by available replicas, and aggregated', () => {
    expect(spec({ replicaScheduling: ReplicaScheduling.divided.availableReplicas() }).placement.replicaScheduling).toEqual({
      replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Weighted', weightPreference: { dynamicWeight: 'AvailableReplicas' },
    });
    expect(spec({ replicaScheduling: ReplicaScheduling.divided.aggregated() }).placement.replicaScheduling).toEqual({
      replicaSchedulingType: 'Divided', replicaDivisionPreference: 'Aggregated',
    });
  });

  test('spread constraints', () => {
    expect(spec({ spreadConstraints: [SpreadConstraint.byCluster({ minGroups: 2, maxGroups: 3 }), SpreadConstraint.byRegion({ minGroups: 1 })] })
      .placement.spreadConstraints).toEqual([
      { spreadByField: 'cluster', maxGroups: 3, minGroups: 2 },
      { spreadByField: 'region', minGroups: 1 },
    ]);
    expect(spec({ spreadConstraints: [SpreadConstraint.byLabel('site', { maxGroups: 2 })] }).placement.spreadConstraints)
      .toEqual([{ spreadByLabel: 'site', maxGroups: 2 }]);
  });

  test('priority, preemption, conflict resolution, schedule priority', () => {
    const s = spec({
      priority: 50, preemption: Preemption.ALWAYS, conflictResolution: ConflictResolution.OVERWRITE, schedulingPriorityClassName: 'inference',
    });
    expect(s.priority).toBe(50);
    expect(s.preemption).toBe('Always');
    expect(s.conflictResolution).toBe('Overwrite');
    expect(s.schedulePriority).toEqual({ priorityClassSource: 'KubePriorityClass', priorityClassName: 'inference' });
  });

  test('application failover defaults: toleration 300 s, graceful purge after 600 s, propagateDeps on', () => {
    const s = spec({ failover: { application: {} } });
    expect(s.failover).toEqual({ application: { decisionConditions: { tolerationSeconds: 300 }, purgeMode: 'Gracefully', gracePeriodSeconds: 600 } });
    expect(s.propagateDeps).toBe(true);
  });

  test('application failover with direct purge, and cluster failover', () => {
    const s = spec({ failover: { application: { tolerationSeconds: 60, purgeMode: PurgeMode.DIRECTLY }, clusterPurgeMode: ClusterPurgeMode.GRACEFULLY }, propagateDeps: false });
    expect(s.failover).toEqual({
      application: { decisionConditions: { tolerationSeconds: 60 }, purgeMode: 'Directly' },
      cluster: { purgeMode: 'Gracefully' },
    });
    expect(s.propagateDeps).toBeUndefined();
  });
});

describe('KarmadaPropagation: bad input', () => {
  const make = (props: Partial<ConstructorParameters<typeof KarmadaPropagation>[2]>, withFleet = true) => {
    const { workloads, karmada } = setup();
    const fleet = withFleet ? fleetOf(karmada) : undefined;
    return () => {
      new KarmadaPropagation(karmada, 'P', {
        constructs: [statelessApp(workloads, 'Chat', 'chat')], placement: Placement.clusters(['eu-fra-1']), fleet, ...props,
      });
      Testing.synth(karmada);
    };
  };

  test('empty cluster list', () => {
    expect(make({ placement: Placement.clusters([]) })).toThrow(new ValidationError('karmada/P',
      'invalid placement.clusterNames: []. Allowed: at least one cluster name. Fix: name the member clusters, or use Placement.labels({...}) to select clusters by label.'));
  });
  test('unknown cluster name when the fleet is declared', () => {
    expect(make({ placement: Placement.clusters(['eu-fra-1', 'eu-par-1']) })).toThrow(
      'karmada/P: invalid placement.clusterNames: "eu-par-1". Allowed: a cluster declared in the fleet (eu-fra-1, eu-ams-1, edge-zrh-1, lab-1). Fix: fix the name, or declare the cluster in KarmadaFleet clusters.');
  });
  test('unknown cluster name in a static weight', () => {
    expect(make({ placement: Placement.labels({ tier: 'dc' }), replicaScheduling: ReplicaScheduling.divided.staticWeights({ 'eu-fra-1': 1, 'eu-xyz-1': 1 }) })).toThrow(
      'karmada/P: invalid replicaScheduling.staticWeights: "eu-xyz-1". Allowed: a cluster declared in the fleet (eu-fra-1, eu-ams-1, edge-zrh-1, lab-1). Fix: fix the name, or declare the cluster in KarmadaFleet clusters.');
  });
  test('unknown cluster name in a group', () => {
    expect(make({ placement: Placement.groups([{ name: 'a', placement: Placement.clusters(['nope']) }]) })).toThrow(
      'karmada/P: invalid placement.groups[0].clusterNames: "nope". Allowed: a cluster declared in the fleet (eu-fra-1, eu-ams-1, edge-zrh-1, lab-1). Fix: fix the name, or declare the cluster in KarmadaFleet clusters.');
  });
  test('weights summing to zero', () => {
    expect(make({ replicaScheduling: ReplicaScheduling.divided.staticWeights({ 'eu-fra-1': 0 }) })).toThrow(
      'karmada/P: invalid replicaScheduling.staticWeights: {"eu-fra-1":0}. Allowed: weights that sum to at least 1. Fix: give at least one cluster a positive weight (weight 0 means no replicas on that cluster).');
  });
  test('no weights at all', () => {
    expect(make({ replicaScheduling: ReplicaScheduling.divided.staticWeights({}) })).toThrow(
      'karmada/P: invalid replicaScheduling.staticWeights: {}. Allowed: at least one cluster with a weight. Fix: give each cluster a weight, e.g. { \'eu-fra-1\': 2, \'eu-ams-1\': 1 }.');
  });
  test('negative weight', () => {
    expect(make({ replicaScheduling: ReplicaScheduling.divided.staticWeights({ 'eu-fra-1': -1 }) })).toThrow(
      'karmada/P: invalid replicaScheduling.staticWeights["eu-fra-1"]: -1. Allowed: an integer >= 0.');
  });
  test('weight for a cluster the placement does not select', () => {
    expect(make({ replicaScheduling: ReplicaScheduling.divided.staticWeights({ 'eu-fra-1': 1, 'eu-ams-1': 1 }) })).toThrow(
      'karmada/P: invalid replicaScheduling.staticWeights: "eu-ams-1". Allowed: clusters of the placement (eu-fra-1). Fix: weight only clusters the placement selects.');
  });
  test('propagating a construct with no objects', () => {
    const { workloads, karmada } = setup();
    new KarmadaPropagation(karmada, 'P', { constructs: [new Construct(workloads, 'Nothing')], placement: Placement.clusters(['a']) });
    expect(() => Testing.synth(karmada)).toThrow(
      'karmada/P: invalid constructs[0]: "workloads/Nothing". Allowed: constructs that emit at least one Kubernetes object. Fix: propagate the construct that holds the objects (a stack, tenant or bucket), or remove this entry.');
  });
  test('propagating nothing at all', () => {
    const { karmada } = setup();
    new KarmadaPropagation(karmada, 'P', { placement: Placement.clusters(['a']) });
    expect(() => Testing.synth(karmada)).toThrow(
      'karmada/P: invalid constructs: []. Allowed: at least one construct to propagate. Fix: pass constructs: [...] or call propagate(construct).');
  });
  test('propagating a scope of the propagation', () => {
    const { karmada } = setup();
    expect(() => new KarmadaPropagation(karmada, 'P', { constructs: [karmada], placement: Placement.clusters(['a']) })).toThrow(
      'karmada/P: invalid constructs: "karmada". Allowed: constructs that do not contain the propagation. Fix: keep the Karmada policies in their own chart and propagate the workload charts or constructs.');
  });
  test('an object whose scope is unknown', () => {
    const { workloads, karmada } = setup();
    const c = new Construct(workloads, 'Custom');
    new ApiObject(c, 'W', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } });
    new KarmadaPropagation(karmada, 'P', { constructs: [c], placement: Placement.clusters(['a']) });
    expect(() => Testing.synth(karmada)).toThrow(
      'karmada/P: cannot tell the scope of Widget.example.com "w" (construct workloads/Custom/W): it has no metadata.namespace and is not a known cluster-scoped kind. Fix: add \'Widget.example.com\' to clusterScopedKinds if it is cluster-scoped, or set metadata.namespace.');
  });
  test('empty label selector', () => {
    expect(make({ placement: Placement.labels({}) })).toThrow(
      'karmada/P: invalid placement.labelSelector: {}. Allowed: at least one label or label requirement. Fix: use Placement.allClusters() to select every member cluster on purpose.');
  });
  test('empty group list', () => {
    expect(make({ placement: Placement.groups([]) })).toThrow(
      'karmada/P: invalid placement.groups: []. Allowed: at least one group. Fix: list the groups in order of preference.');
  });
  test('spread by region without a cluster constraint', () => {
    expect(make({ spreadConstraints: [SpreadConstraint.byRegion({ minGroups: 1 })] })).toThrow(
      'karmada/P: invalid spreadConstraints: [{"spreadByField":"region","minGroups":1}]. Allowed: field constraints that include a cluster constraint. Fix: add SpreadConstraint.byCluster({...}) (Karmada requires it with region, zone or provider spreading).');
  });
  test('spread by label and by field', () => {
    expect(make({ spreadConstraints: [SpreadConstraint.byCluster({}), SpreadConstraint.byLabel('site', {})] })).toThrow(
      'karmada/P: invalid spreadConstraints: [{"spreadByField":"cluster"},{"spreadByLabel":"site"}]. Allowed: either field constraints (cluster, region, zone, provider) or label constraints, not both.');
  });
  test('minGroups above maxGroups', () => {
    expect(make({ spreadConstraints: [SpreadConstraint.byCluster({ minGroups: 3, maxGroups: 2 })] })).toThrow(
      'karmada/P: invalid spreadConstraints[0]: {"minGroups":3,"maxGroups":2}. Allowed: minGroups <= maxGroups.');
  });
  test('grace period without graceful purge', () => {
    expect(make({ failover: { application: { purgeMode: PurgeMode.NEVER, gracePeriodSeconds: 60 } } })).toThrow(
      'karmada/P: invalid failover.application.gracePeriodSeconds: 60. Allowed: only with purgeMode PurgeMode.GRACEFULLY. Fix: remove gracePeriodSeconds or purge gracefully.');
  });
  test('non-integer priority', () => {
    expect(make({ priority: 1.5 })).toThrow('karmada/P: invalid priority: 1.5. Allowed: an integer.');
  });
});

describe('KarmadaFleet', () => {
  test('declares clusters and answers questions about them', () => {
    const fleet = fleetOf(Testing.chart(), { dataJurisdiction: 'eu' });
    expect(fleet.clusterNames).toEqual(['eu-fra-1', 'eu-ams-1', 'edge-zrh-1', 'lab-1']);
    expect(fleet.jurisdictionLabel).toBe('sovereign-ai.dev/jurisdiction');
    expect(fleet.jurisdictionOf('edge-zrh-1')).toBe('ch');
    expect(fleet.clustersMatching({ tier: 'dc' }).map((c) => c.name)).toEqual(['eu-fra-1', 'eu-ams-1']);
    expect(fleet.dataJurisdiction).toBe('eu');
  });
  test('emits nothing', () => {
    const chart = Testing.chart();
    fleetOf(chart);
    expect(Testing.synth(chart)).toEqual([]);
  });
  test('empty cluster list', () => {
    expect(() => new KarmadaFleet(Testing.chart(), 'Fleet', { clusters: [] })).toThrow(
      'test/Fleet: invalid clusters: []. Allowed: at least one member cluster. Fix: declare the clusters registered with the Karmada control plane, e.g. [{ name: \'eu-fra-1\', labels: {...} }].');
  });
  test('duplicate cluster', () => {
    expect(() => new KarmadaFleet(Testing.chart(), 'Fleet', { clusters: [{ name: 'a' }, { name: 'a' }] })).toThrow(
      'test/Fleet: invalid clusters[1].name: "a". Allowed: unique cluster names. Fix: declare each cluster once.');
  });
  test('invalid cluster name', () => {
    expect(() => new KarmadaFleet(Testing.chart(), 'Fleet', { clusters: [{ name: 'EU_1' }] })).toThrow(
      'test/Fleet: invalid clusters[0].name: "EU_1". Allowed: a DNS-1123 label of at most 48 characters. Fix: use the name the cluster was registered with in Karmada.');
  });
});

describeWithSchemas('KarmadaPropagation: conformance', () => {
  test('every policy shape conforms strictly', () => {
    const { workloads, karmada } = setup();
    const fleet = fleetOf(karmada);
    const apps = statelessApp(workloads, 'Chat', 'chat');
    new KarmadaPropagation(karmada, 'A', {
      fleet, constructs: [apps], placement: Placement.labels({ tier: 'dc' }, { matchExpressions: [{ key: 'gpu', operator: LabelOperator.EXISTS }], exclude: ['eu-ams-1'] }),
      replicaScheduling: ReplicaScheduling.divided.staticWeights({ 'eu-fra-1': 3, 'eu-ams-1': 1 }),
      spreadConstraints: [SpreadConstraint.byCluster({ minGroups: 1, maxGroups: 2 }), SpreadConstraint.byZone({ minGroups: 1 })],
      failover: { application: {}, clusterPurgeMode: ClusterPurgeMode.DIRECTLY }, priority: 10, preemption: Preemption.ALWAYS,
      conflictResolution: ConflictResolution.OVERWRITE, schedulingPriorityClassName: 'high',
    });
    new KarmadaPropagation(karmada, 'B', {
      fleet, constructs: [apps], placement: Placement.groups([{ name: 'p', placement: Placement.clusters(['eu-fra-1']) }, { name: 's', placement: Placement.labels({ tier: 'dc' }) }]),
      replicaScheduling: ReplicaScheduling.divided.availableReplicas(),
    });
    new KarmadaPropagation(karmada, 'C', { constructs: [apps], placement: Placement.allClusters(), replicaScheduling: ReplicaScheduling.duplicated() });
    const out = Testing.synth(karmada);
    expect(out).toHaveLength(6);
    expectConformant(out);
  });
});
