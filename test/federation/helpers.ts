import { App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { Labels } from '../../lib/core';
import {
  KubeConfigMap, KubeDeployment, KubeDeviceClass, KubeNamespace, KubePersistentVolumeClaim, KubeResourceClaimTemplate,
  KubeSecret, KubeStatefulSet, Quantity,
} from '../../lib/imports/k8s';
import { KarmadaFleet } from '../../lib/federation';

/** A workloads chart and a karmada chart in one app. */
export function setup(): { app: App; workloads: Chart; karmada: Chart } {
  const app = Testing.app();
  return { app, workloads: new Chart(app, 'workloads'), karmada: new Chart(app, 'karmada') };
}

/** Three clusters: two EU data centres and a Swiss edge site. */
export function fleetOf(scope: Construct, props: { dataJurisdiction?: string } = {}): KarmadaFleet {
  return new KarmadaFleet(scope, 'Fleet', {
    clusters: [
      { name: 'eu-fra-1', labels: { [Labels.JURISDICTION]: 'eu', tier: 'dc' } },
      { name: 'eu-ams-1', labels: { [Labels.JURISDICTION]: 'eu', tier: 'dc' } },
      { name: 'edge-zrh-1', labels: { [Labels.JURISDICTION]: 'ch', tier: 'edge' } },
      { name: 'lab-1', labels: { tier: 'lab' } },
    ],
    ...props,
  });
}

/** A stateless app: Namespace, ConfigMap and Deployment in `ns`, plus a DeviceClass. */
export function statelessApp(scope: Construct, id: string, ns: string): Construct {
  const c = new Construct(scope, id);
  new KubeNamespace(c, 'Ns', { metadata: { name: ns } });
  new KubeConfigMap(c, 'Config', { metadata: { name: `${id.toLowerCase()}-config`, namespace: ns }, data: { a: 'b' } });
  new KubeDeployment(c, 'Server', {
    metadata: { name: `${id.toLowerCase()}-server`, namespace: ns },
    spec: {
      selector: { matchLabels: { app: id.toLowerCase() } },
      template: { metadata: { labels: { app: id.toLowerCase() } }, spec: { containers: [{ name: 'main', image: 'r.example/x@sha256:' + 'a'.repeat(64) }] } },
    },
  });
  new KubeDeviceClass(c, 'Gpu', { metadata: { name: `${id.toLowerCase()}-gpu` }, spec: { selectors: [{ cel: { expression: 'device.driver == "gpu.nvidia.com"' } }] } });
  new KubeResourceClaimTemplate(c, 'Claim', {
    metadata: { name: `${id.toLowerCase()}-claim`, namespace: ns },
    spec: { spec: { devices: { requests: [
      { name: 'gpu', exactly: { deviceClassName: `${id.toLowerCase()}-gpu` } },
      { name: 'alt', firstAvailable: [{ name: 'small', deviceClassName: 'small-gpu' }] },
    ] } } },
  });
  return c;
}

/** A data construct whose only data-bearing object is of the given sort. */
export function dataApp(scope: Construct, id: string, ns: string, sort: 'secret' | 'pvc' | 'statefulset' | 'label'): Construct {
  const c = new Construct(scope, id);
  switch (sort) {
    case 'secret':
      new KubeSecret(c, 'Creds', { metadata: { name: 'creds', namespace: ns }, type: 'Opaque' });
      break;
    case 'pvc':
      new KubePersistentVolumeClaim(c, 'Vol', {
        metadata: { name: 'vol', namespace: ns },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: Quantity.fromString('1Gi') } } },
      });
      break;
    case 'statefulset':
      new KubeStatefulSet(c, 'Db', {
        metadata: { name: 'db', namespace: ns },
        spec: {
          serviceName: 'db', selector: { matchLabels: { app: 'db' } },
          template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'r.example/db@sha256:' + 'b'.repeat(64) }] } },
          volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: Quantity.fromString('1Gi') } } } }],
        },
      });
      break;
    case 'label':
      new KubeConfigMap(c, 'Index', { metadata: { name: 'index', namespace: ns, labels: { [Labels.DATA_BEARING]: 'true' } }, data: {} });
      break;
  }
  return c;
}

/** Objects of a synthesized chart by kind. */
export function ofKind(objects: any[], kind: string): any[] {
  return objects.filter((o) => o.kind === kind);
}
