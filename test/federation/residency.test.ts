import { Testing } from 'cdk8s';
import { Labels } from '../../lib/core';
import { KarmadaOverride, KarmadaPropagation, LabelOperator, Placement, isDataBearing, apiObjectsOf } from '../../lib/federation';
import { KubeConfigMap } from '../../lib/imports/k8s';
import { dataApp, fleetOf, ofKind, setup, statelessApp } from './helpers';

const J = Labels.JURISDICTION;
const FIX = `Fix: place data-bearing constructs only on clusters labelled ${J}=eu (Placement.labels({ '${J}': 'eu' }) or the names of such clusters), and propagate the rest separately.`;

function propagate(placement: Placement, opts: { sort?: 'secret' | 'pvc' | 'statefulset' | 'label'; fleet?: boolean; jurisdiction?: string } = {}) {
  const { workloads, karmada } = setup();
  const fleet = opts.fleet === false ? undefined : fleetOf(karmada, { dataJurisdiction: 'eu' });
  const data = dataApp(workloads, 'Vectors', 'vectors', opts.sort ?? 'secret');
  new KarmadaPropagation(karmada, 'Data', { fleet, constructs: [data], placement, jurisdiction: opts.jurisdiction });
  return () => Testing.synth(karmada);
}

describe('data residency: allowed placements', () => {
  test.each([
    ['labels requiring the jurisdiction', Placement.labels({ [J]: 'eu' })],
    ['labels requiring the jurisdiction and more', Placement.labels({ [J]: 'eu', tier: 'dc' })],
    ['an In expression with only the jurisdiction', Placement.labels({ tier: 'dc' }, { matchExpressions: [{ key: J, operator: LabelOperator.IN, values: ['eu'] }] })],
    ['names of declared clusters in the jurisdiction', Placement.clusters(['eu-fra-1', 'eu-ams-1'])],
    ['groups all inside the jurisdiction', Placement.groups([
      { name: 'primary', placement: Placement.clusters(['eu-fra-1']) },
      { name: 'secondary', placement: Placement.labels({ [J]: 'eu' }) },
    ])],
  ])('%s', (_name, placement) => {
    const out = propagate(placement)();
    expect(ofKind(out, 'PropagationPolicy')[0].spec.resourceSelectors).toEqual([{ apiVersion: 'v1', kind: 'Secret', name: 'creds' }]);
  });

  test('no jurisdiction in force: any placement', () => {
    const { workloads, karmada } = setup();
    new KarmadaPropagation(karmada, 'Data', { constructs: [dataApp(workloads, 'V', 'v', 'secret')], placement: Placement.allClusters() });
    expect(() => Testing.synth(karmada)).not.toThrow();
  });

  test('non-data constructs may go anywhere under a jurisdiction', () => {
    const { workloads, karmada } = setup();
    const fleet = fleetOf(karmada, { dataJurisdiction: 'eu' });
    new KarmadaPropagation(karmada, 'Models', { fleet, constructs: [statelessApp(workloads, 'Chat', 'chat')], placement: Placement.clusters(['edge-zrh-1']) });
    expect(Testing.synth(karmada)).toHaveLength(2);
  });

  test('what is data-bearing', () => {
    const { workloads } = setup();
    for (const sort of ['secret', 'pvc', 'statefulset', 'label'] as const) {
      const objs = apiObjectsOf(dataApp(workloads, `D-${sort}`, 'x', sort));
      expect(objs.map(isDataBearing)).toEqual([true]);
    }
    expect(apiObjectsOf(statelessApp(workloads, 'S', 's')).map(isDataBearing)).toEqual([false, false, false, false, false]);
  });
});

describe('data residency: violations fail synth', () => {
  test('a label selector that does not require the jurisdiction', () => {
    expect(propagate(Placement.labels({ tier: 'dc' }))).toThrow(
      'karmada/Data: data residency: Secret vectors/creds (construct workloads/Vectors/Creds) is data-bearing and must stay in jurisdiction "eu", ' +
      `but PropagationPolicy vectors/data may place it elsewhere: cluster selector {"labelSelector":{"matchLabels":{"tier":"dc"}}}: it does not require ${J}=eu. ${FIX}`);
  });
  test('a NotIn expression does not pin the jurisdiction', () => {
    expect(propagate(Placement.labels({}, { matchExpressions: [{ key: J, operator: LabelOperator.NOT_IN, values: ['ch'] }] }))).toThrow(
      `cluster selector {"labelSelector":{"matchExpressions":[{"key":"${J}","operator":"NotIn","values":["ch"]}]}}: it does not require ${J}=eu.`);
  });
  test('an In expression that also allows another jurisdiction', () => {
    expect(propagate(Placement.labels({}, { matchExpressions: [{ key: J, operator: LabelOperator.IN, values: ['eu', 'ch'] }] }))).toThrow(
      `it does not require ${J}=eu.`);
  });
  test('every member cluster', () => {
    expect(propagate(Placement.allClusters(), { sort: 'pvc' })).toThrow(
      'karmada/Data: data residency: PersistentVolumeClaim vectors/vol (construct workloads/Vectors/Vol) is data-bearing and must stay in jurisdiction "eu", ' +
      `but PropagationPolicy vectors/data may place it elsewhere: cluster selector {}: it has no cluster selector, so it selects every member cluster. ${FIX}`);
  });
  test('a cluster name in another jurisdiction', () => {
    expect(propagate(Placement.clusters(['eu-fra-1', 'edge-zrh-1']), { sort: 'statefulset' })).toThrow(
      'karmada/Data: data residency: StatefulSet vectors/db (construct workloads/Vectors/Db) is data-bearing and must stay in jurisdiction "eu", ' +
      `but PropagationPolicy vectors/data may place it elsewhere: cluster selector {"clusterNames":["eu-fra-1","edge-zrh-1"]}: it names cluster "edge-zrh-1", labelled ${J}=ch. ${FIX}`);
  });
  test('a cluster without a jurisdiction label', () => {
    expect(propagate(Placement.clusters(['lab-1']), { sort: 'label' })).toThrow(
      'karmada/Data: data residency: ConfigMap vectors/index (construct workloads/Vectors/Index) is data-bearing and must stay in jurisdiction "eu", ' +
      `but PropagationPolicy vectors/data may place it elsewhere: cluster selector {"clusterNames":["lab-1"]}: it names cluster "lab-1", which has no ${J} label. ${FIX}`);
  });
  test('a cluster name without a declared fleet', () => {
    expect(propagate(Placement.clusters(['eu-fra-1']), { fleet: false, jurisdiction: 'eu' })).toThrow(
      'karmada/Data: data residency: Secret vectors/creds (construct workloads/Vectors/Creds) is data-bearing and must stay in jurisdiction "eu", ' +
      `but PropagationPolicy vectors/data may place it elsewhere: cluster selector {"clusterNames":["eu-fra-1"]}: it names cluster "eu-fra-1", whose jurisdiction is unknown (no KarmadaFleet declared). ${FIX}`);
  });
  test('a failover group outside the jurisdiction', () => {
    expect(propagate(Placement.groups([
      { name: 'primary', placement: Placement.clusters(['eu-fra-1']) },
      { name: 'fallback', placement: Placement.labels({ tier: 'edge' }) },
    ]))).toThrow(
      'karmada/Data: data residency: Secret vectors/creds (construct workloads/Vectors/Creds) is data-bearing and must stay in jurisdiction "eu", ' +
      `but PropagationPolicy vectors/data may place it elsewhere: cluster selector {"labelSelector":{"matchLabels":{"tier":"edge"}}}: it does not require ${J}=eu (group "fallback"). ${FIX}`);
  });
  test('a data-bearing object added after the propagation is checked too', () => {
    const { workloads, karmada } = setup();
    const fleet = fleetOf(karmada, { dataJurisdiction: 'eu' });
    const app = statelessApp(workloads, 'Chat', 'chat');
    new KarmadaPropagation(karmada, 'Models', { fleet, constructs: [app], placement: Placement.clusters(['edge-zrh-1']) });
    expect(() => Testing.synth(karmada)).not.toThrow();
    new KubeConfigMap(app, 'Docs', { metadata: { name: 'docs', namespace: 'chat', labels: { [Labels.DATA_BEARING]: 'true' } } });
    expect(() => Testing.synth(karmada)).toThrow(/ConfigMap chat\/docs \(construct workloads\/Chat\/Docs\) is data-bearing/);
  });
  test('propagateDeps outside the jurisdiction would carry referenced Secrets along', () => {
    const { workloads, karmada } = setup();
    const fleet = fleetOf(karmada, { dataJurisdiction: 'eu' });
    new KarmadaPropagation(karmada, 'Models', {
      fleet, constructs: [statelessApp(workloads, 'Chat', 'chat')], placement: Placement.labels({ tier: 'edge' }), propagateDeps: true,
    });
    expect(() => Testing.synth(karmada)).toThrow(
      'karmada/Models: data residency: propagateDeps would carry the Secrets and PVCs that the workloads of policy models reference to clusters outside jurisdiction "eu": ' +
      `cluster selector {"labelSelector":{"matchLabels":{"tier":"edge"}}}: it does not require ${J}=eu. Fix: set propagateDeps: false (every object of the constructs is selected explicitly), or place the propagation inside "eu".`);
  });
  test('an override that targets data-bearing objects outside the jurisdiction', () => {
    const { workloads, karmada } = setup();
    const fleet = fleetOf(karmada, { dataJurisdiction: 'eu' });
    const data = dataApp(workloads, 'Vectors', 'vectors', 'statefulset');
    new KarmadaOverride(karmada, 'Mirrors', {
      fleet, constructs: [data],
      rules: [
        { target: Placement.clusters(['eu-fra-1']), imageRegistry: 'registry.fra.example' },
        { target: Placement.clusters(['edge-zrh-1']), imageRegistry: 'registry.zrh.example' },
      ],
    });
    expect(() => Testing.synth(karmada)).toThrow(
      'karmada/Mirrors: data residency: StatefulSet vectors/db (construct workloads/Vectors/Db) is data-bearing and must stay in jurisdiction "eu", ' +
      `but OverridePolicy vectors/mirrors targets clusters outside it: cluster selector {"clusterNames":["edge-zrh-1"]}: it names cluster "edge-zrh-1", labelled ${J}=ch. ` +
      `Fix: target only clusters labelled ${J}=eu, or override the non-data constructs separately.`);
  });
  test('a custom jurisdiction label', () => {
    const { workloads, karmada } = setup();
    const data = dataApp(workloads, 'Vectors', 'vectors', 'secret');
    new KarmadaPropagation(karmada, 'Data', { constructs: [data], placement: Placement.labels({ [J]: 'eu' }), jurisdiction: 'eu', jurisdictionLabel: 'bank.example/region' });
    expect(() => Testing.synth(karmada)).toThrow('it does not require bank.example/region=eu.');
  });
});
