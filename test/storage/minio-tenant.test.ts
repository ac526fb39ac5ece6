import { Testing } from 'cdk8s';
import { ContainerImage } from '../../lib/core';
import { checkManifests } from '../../lib/policy';
import { MinioEncryption, MinioTenant, MinioTls } from '../../lib/storage';
import { expectConformant } from '../support/conformance';
import { describeWithSchemas } from '../support/schemas';
import { MC_IMAGE, MINIO_IMAGE, errorOf, expectNoSecretValues } from './test-workload';

const restrictedContainer = {
  runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, allowPrivilegeEscalation: false, privileged: false,
  readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
};
const restrictedPod = {
  runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, fsGroupChangePolicy: 'OnRootMismatch',
  seccompProfile: { type: 'RuntimeDefault' },
};

function tenantOf(objects: any[]): any {
  return objects.find((o) => o.kind === 'Tenant');
}

describe('MinioTenant', () => {
  test('defaults', () => {
    const chart = Testing.chart();
    const t = new MinioTenant(chart, 'Objects', { image: MINIO_IMAGE, clientImage: MC_IMAGE });
    expect(t.namespace).toBe('minio');
    expect(t.tenantName).toBe('objects');
    expect(t.endpointUrl).toBe('https://minio.minio.svc.cluster.local');
    expect(t.port).toBe(9000);
    expect(t.serverEndpoint).toEqual({ namespace: 'minio', podSelector: { 'v1.min.io/tenant': 'objects' } });
    expect(t.configurationSecretName).toBe('objects-env-configuration');
    expect(t.prometheus).toBe(false);
    expect(t.tls.autoCert).toBe(true);
    const objects = Testing.synth(chart);
    expect(tenantOf(objects)).toEqual({
      apiVersion: 'minio.min.io/v2',
      kind: 'Tenant',
      metadata: {
        name: 'objects',
        namespace: 'minio',
        labels: {
          'app.kubernetes.io/managed-by': 'sovereign-ai-platform',
          'app.kubernetes.io/instance': 'objects',
          'sovereign-ai.dev/component': 'object-store',
          'sovereign-ai.dev/data-bearing': 'true',
        },
      },
      spec: {
        image: MINIO_IMAGE.reference,
        imagePullPolicy: 'IfNotPresent',
        configuration: { name: 'objects-env-configuration' },
        pools: [{
          name: 'pool-0',
          servers: 4,
          volumesPerServer: 2,
          volumeClaimTemplate: {
            metadata: { name: 'data', labels: { 'sovereign-ai.dev/data-bearing': 'true' } },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '100Gi' } } },
          },
          resources: { requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '1', memory: '4Gi' } },
          securityContext: restrictedPod,
          containerSecurityContext: restrictedContainer,
        }],
        requestAutoCert: true,
        exposeServices: { minio: false, console: false },
        features: { bucketDNS: false, enableSFTP: false },
        prometheusOperator: false,
        poolsMetadata: { labels: { 'sovereign-ai.dev/data-bearing': 'true' } },
      },
    });
    // Servers of an erasure set talk to each other on 9000, nothing else.
    const nps = objects.filter((o: any) => o.kind === 'NetworkPolicy');
    expect(nps.map((o: any) => o.metadata.name)).toEqual(['objects-minio-internode-egress', 'objects-minio-internode-ingress']);
    expect(t.requiredSecrets).toEqual([{
      namespace: 'minio', name: 'objects-env-configuration', keys: ['config.env'],
      purpose: 'MinIO root credentials (export MINIO_ROOT_USER=... / export MINIO_ROOT_PASSWORD=...)',
    }]);
  });

  test('no public exposure: no Service of type LoadBalancer and exposeServices off', () => {
    const chart = Testing.chart();
    new MinioTenant(chart, 'Objects', { image: MINIO_IMAGE, clientImage: MC_IMAGE });
    const objects = Testing.synth(chart);
    expect(objects.some((o: any) => o.kind === 'Service')).toBe(false);
    expect(tenantOf(objects).spec.exposeServices).toEqual({ minio: false, console: false });
  });

  test('pools, storage class, external certificate, KES, audit webhook, prometheus', () => {
    const chart = Testing.chart();
    const t = new MinioTenant(chart, 'Objects', {
      namespace: 'objects',
      image: MINIO_IMAGE,
      clientImage: MC_IMAGE,
      pools: [{ name: 'fast', servers: 1, volumesPerServer: 1, volumeSize: '1Ti', storageClassName: 'nvme', cpu: 0.5, memoryGiB: 2 }],
      tls: MinioTls.externalCertificate('objects-tls', { name: 'internal-ca', key: 'ca.crt' }),
      encryption: MinioEncryption.kes({ image: ContainerImage.fromReference(`registry.internal/minio/kes@sha256:${'b'.repeat(64)}`), configurationSecretName: 'kes-config' }),
      audit: {
        endpointUrl: 'https://audit-sink.audit.svc.cluster.local:8443/minio',
        authTokenSecret: { name: 'audit-token', key: 'token' },
        destination: { namespace: 'audit', podSelector: { 'app.kubernetes.io/name': 'audit-sink' } },
      },
      prometheus: true,
    });
    const objects = Testing.synth(chart);
    const spec = tenantOf(objects).spec;
    expect(spec.pools[0].volumeClaimTemplate.spec).toEqual({
      accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Ti' } }, storageClassName: 'nvme',
    });
    expect(spec.pools[0].resources).toEqual({ requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '500m', memory: '2Gi' } });
    expect(spec.requestAutoCert).toBe(false);
    expect(spec.externalCertSecret).toEqual([{ name: 'objects-tls', type: 'kubernetes.io/tls' }]);
    expect(spec.prometheusOperator).toBe(true);
    expect(spec.kes).toEqual({
      image: `registry.internal/minio/kes@sha256:${'b'.repeat(64)}`,
      imagePullPolicy: 'IfNotPresent',
      replicas: 2,
      kesSecret: { name: 'kes-config' },
      keyName: 'minio-default-key',
      resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '250m', memory: '256Mi' } },
      securityContext: restrictedPod,
      containerSecurityContext: restrictedContainer,
      labels: { 'app.kubernetes.io/managed-by': 'sovereign-ai-platform' },
    });
    expect(spec.env).toEqual([
      { name: 'MINIO_AUDIT_WEBHOOK_ENABLE_PLATFORM', value: 'on' },
      { name: 'MINIO_AUDIT_WEBHOOK_ENDPOINT_PLATFORM', value: 'https://audit-sink.audit.svc.cluster.local:8443/minio' },
      { name: 'MINIO_AUDIT_WEBHOOK_AUTH_TOKEN_PLATFORM', valueFrom: { secretKeyRef: { name: 'audit-token', key: 'token' } } },
    ]);
    // A single server: no inter-node flow; the audit flow goes to the sink on 8443 only.
    const nps = objects.filter((o: any) => o.kind === 'NetworkPolicy');
    expect(nps.map((o: any) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'objects/objects-minio-audit-egress', 'audit/objects-minio-audit-ingress',
    ]);
    expect(nps[0].spec.egress).toEqual([{
      to: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'audit' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'audit-sink' } },
      }],
      ports: [{ port: 8443, protocol: 'TCP' }],
    }]);
    expect(t.requiredSecrets.map((r) => `${r.namespace}/${r.name}`)).toEqual([
      'objects/objects-env-configuration', 'objects/objects-tls', 'objects/audit-token', 'objects/kes-config',
    ]);
    expectNoSecretValues(objects);
  });

  test('error: image tag without digest', () => {
    const chart = Testing.chart();
    const image = ContainerImage.fromReference('registry.internal/minio/minio:RELEASE.2025-04-22');
    expect(errorOf(() => new MinioTenant(chart, 'Objects', { image, clientImage: MC_IMAGE }))).toBe(
      'test/Objects: invalid image: "registry.internal/minio/minio:RELEASE.2025-04-22". Allowed: an image pinned by digest (`<registry>/<path>@sha256:<64 hex>`). Fix: use ContainerImage.fromRegistry(registry, repository, digest), or ContainerImage.unpinned(reference, { reason }) to opt out explicitly.',
    );
  });

  test('error: client image tag without digest', () => {
    const chart = Testing.chart();
    const clientImage = ContainerImage.fromReference('registry.internal/minio/mc:RELEASE.2025-04-16');
    expect(errorOf(() => new MinioTenant(chart, 'Objects', { image: MINIO_IMAGE, clientImage }))).toBe(
      'test/Objects: invalid clientImage: "registry.internal/minio/mc:RELEASE.2025-04-16". Allowed: an image pinned by digest (`<registry>/<path>@sha256:<64 hex>`). Fix: use ContainerImage.fromRegistry(registry, repository, digest), or ContainerImage.unpinned(reference, { reason }) to opt out explicitly.',
    );
  });

  test('error: KES image tag without digest', () => {
    const chart = Testing.chart();
    const encryption = MinioEncryption.kes({ image: ContainerImage.fromReference('registry.internal/minio/kes:2025-03-12'), configurationSecretName: 'kes' });
    expect(errorOf(() => new MinioTenant(chart, 'Objects', { image: MINIO_IMAGE, clientImage: MC_IMAGE, encryption }))).toBe(
      'test/Objects: invalid encryption.image: "registry.internal/minio/kes:2025-03-12". Allowed: an image pinned by digest (`<registry>/<path>@sha256:<64 hex>`). Fix: use ContainerImage.fromRegistry(registry, repository, digest), or ContainerImage.unpinned(reference, { reason }) to opt out explicitly.',
    );
  });

  test('a tag is accepted per image with ContainerImage.unpinned, and the reason recorded where the image runs', () => {
    const chart = Testing.chart();
    const t = new MinioTenant(chart, 'Objects', {
      image: ContainerImage.unpinned('registry.internal/minio/minio:v1', { reason: 'vendor build' }),
      clientImage: ContainerImage.unpinned('registry.internal/minio/mc:v1', { reason: 'mirror has no digests' }),
      encryption: MinioEncryption.kes({ image: ContainerImage.unpinned('registry.internal/minio/kes:v1', { reason: 'kms=vault; pinned later' }), configurationSecretName: 'kes' }),
    });
    t.addBucket('Models');
    expect(t.image.reference).toBe('registry.internal/minio/minio:v1');
    expect(t.clientImage.unpinnedReason).toBe('mirror has no digests');
    const objects = Testing.synth(chart);
    const tenant = tenantOf(objects);
    expect(tenant.spec.image).toBe('registry.internal/minio/minio:v1');
    expect(tenant.spec.kes.image).toBe('registry.internal/minio/kes:v1');
    expect(tenant.metadata.annotations).toEqual({
      'sovereign-ai.dev/suppressions': 'sovereignty/image-digest=vendor build / kms,vault, pinned later',
    });
    const job = objects.find((o: any) => o.kind === 'Job');
    expect(job.spec.template.spec.containers[0].image).toBe('registry.internal/minio/mc:v1');
    expect(job.metadata.annotations).toEqual({ 'sovereign-ai.dev/suppressions': 'sovereignty/image-digest=mirror has no digests' });
     // the policy engine reads the annotations: every digest finding is suppressed with its reason, none is left
    const report = checkManifests(objects);
    expect(report.findings.filter((f) => f.ruleId === 'sovereignty/image-digest')).toEqual([]);
    expect(report.suppressed.filter((x) => x.finding.ruleId === 'sovereignty/image-digest').map((x) => x.suppression.reason).sort()).toEqual([
      'mirror has no digests', 'vendor build / kms,vault, pinned later', 'vendor build / kms,vault, pinned later',
    ]);
  });

  test('pinned images add no annotation', () => {
    const chart = Testing.chart();
    new MinioTenant(chart, 'Objects', { image: MINIO_IMAGE, clientImage: MC_IMAGE });
    expect(tenantOf(Testing.synth(chart)).metadata.annotations).toBeUndefined();
  });

  test('error: unparseable volume size', () => {
    const chart = Testing.chart();
    expect(errorOf(() => new MinioTenant(chart, 'Objects', { image: MINIO_IMAGE, clientImage: MC_IMAGE, pools: [{ volumeSize: '100 GB' }] }))).toBe(
      'test/Objects: invalid pools[0].volumeSize: "100 GB". Allowed: a Kubernetes quantity greater than zero (e.g. "100Gi", "2Ti"). Fix: write the size with a binary suffix, e.g. "500Gi".',
    );
  });

  test('error: zero servers', () => {
    const chart = Testing.chart();
    expect(errorOf(() => new MinioTenant(chart, 'Objects', { image: MINIO_IMAGE, clientImage: MC_IMAGE, pools: [{ servers: 0 }] }))).toBe(
      'test/Objects: invalid pools[0].servers: 0. Allowed: an integer of at least 1.',
    );
  });

  test('error: two servers with one volume each (operator erasure-coding rule)', () => {
    const chart = Testing.chart();
    expect(errorOf(() => new MinioTenant(chart, 'Objects', { image: MINIO_IMAGE, clientImage: MC_IMAGE, pools: [{ servers: 2, volumesPerServer: 1 }] }))).toBe(
      'test/Objects: invalid pools[0].volumesPerServer: 1. Allowed: at least 2 volumes per server with 2 servers (erasure coding needs at least 4 drives in total). Fix: add volumes per server, or use 1 or at least 4 servers.',
    );
  });

  test('error: audit endpoint that is not a URL', () => {
    const chart = Testing.chart();
    expect(errorOf(() => new MinioTenant(chart, 'Objects', { image: MINIO_IMAGE, clientImage: MC_IMAGE, audit: { endpointUrl: 'audit-sink:8443' } }))).toBe(
      'test/Objects: invalid audit.endpointUrl: "audit-sink:8443". Allowed: an http(s) URL of an in-cluster receiver.',
    );
  });

  test('deterministic: same input, same output', () => {
    const synth = () => {
      const chart = Testing.chart();
      new MinioTenant(chart, 'Objects', { image: MINIO_IMAGE, clientImage: MC_IMAGE }).addBucket('Models');
      return JSON.stringify(Testing.synth(chart));
    };
    expect(synth()).toBe(synth());
  });
});

describeWithSchemas('MinioTenant conformance', () => {
  test('every emitted object conforms (defaults and full options)', () => {
    const chart = Testing.chart();
    new MinioTenant(chart, 'A', { image: MINIO_IMAGE, clientImage: MC_IMAGE, namespace: 'a' }).addBucket('Models');
    new MinioTenant(chart, 'B', {
      namespace: 'b', image: MINIO_IMAGE, clientImage: MC_IMAGE,
      tls: MinioTls.externalCertificate('b-tls', { name: 'ca', key: 'ca.crt' }),
      encryption: MinioEncryption.kes({ image: MINIO_IMAGE, configurationSecretName: 'kes', replicas: 3, keyName: 'k' }),
      audit: { endpointUrl: 'http://sink.audit.svc:8080', destination: { namespace: 'audit', podSelector: { app: 'sink' } } },
      pools: [{ servers: 4, volumesPerServer: 4, storageClassName: 'ssd' }, { name: 'p2', servers: 8 }],
    });
    const objects = Testing.synth(chart);
    expect(objects.length).toBeGreaterThan(5);
    expectConformant(objects);
  });
});
