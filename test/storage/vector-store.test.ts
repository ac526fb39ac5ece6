import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { BucketAccess, ContainerImage } from '../../lib/core';
import { MinioTenant, PgAuditClass, VectorEngine, VectorEngineKind, VectorStore } from '../../lib/storage';
import { expectConformant } from '../support/conformance';
import { describeWithSchemas } from '../support/schemas';
import { MC_IMAGE, MINIO_IMAGE, PG_IMAGE, TestWorkload, errorOf, expectNoSecretValues } from './test-workload';

function tenant(chart: Construct): MinioTenant {
  return new MinioTenant(chart, 'Objects', { image: MINIO_IMAGE, clientImage: MC_IMAGE, pools: [{ servers: 1, volumesPerServer: 4 }] });
}

const kinds = (objects: any[]) => objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`);

describe('VectorStore pgvector', () => {
  test('defaults', () => {
    const chart = Testing.chart();
    const store = new VectorStore(chart, 'Rag', { engine: VectorEngine.pgvector({ image: PG_IMAGE }) });
    expect(store.engine).toBe(VectorEngineKind.PGVECTOR);
    expect(store.namespace).toBe('vector');
    expect(store.storeName).toBe('rag');
    expect(store.instances).toBe(3);
    expect(store.hnsw).toEqual({ m: 16, efConstruction: 64, efSearch: 40 });
    expect(store.connection).toEqual({
      engine: 'pgvector',
      uri: 'postgresql://rag-rw.vector.svc.cluster.local:5432/app',
      host: 'rag-rw.vector.svc.cluster.local',
      port: 5432,
      database: 'app',
      secretName: 'rag-app',
    });
    expect(store.connections.endpoint).toEqual({ namespace: 'vector', podSelector: { 'cnpg.io/cluster': 'rag' } });
    expect(store.connections.port).toBe(5432);
    const objects = Testing.synth(chart);
    expect(kinds(objects)).toEqual([
      'Cluster/vector/rag', 'Database/vector/rag-app',
      'NetworkPolicy/vector/rag-replication-egress', 'NetworkPolicy/vector/rag-replication-ingress',
    ]);
    const dataLabels = {
      'app.kubernetes.io/managed-by': 'sovereign-ai-platform',
      'app.kubernetes.io/instance': 'rag',
      'sovereign-ai.dev/component': 'vector-store',
      'sovereign-ai.dev/data-bearing': 'true',
    };
    expect(objects[0]).toEqual({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: 'rag', namespace: 'vector', labels: dataLabels },
      spec: {
        instances: 3,
        imageName: PG_IMAGE.reference,
        imagePullPolicy: 'IfNotPresent',
        enableSuperuserAccess: false,
        enablePDB: true,
        inheritedMetadata: { labels: { 'sovereign-ai.dev/data-bearing': 'true', 'app.kubernetes.io/managed-by': 'sovereign-ai-platform' } },
        bootstrap: { initdb: { database: 'app', owner: 'app', dataChecksums: true } },
        storage: { size: '20Gi' },
        resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '1', memory: '2Gi' } },
        seccompProfile: { type: 'RuntimeDefault' },
        securityContext: {
          runAsNonRoot: true, allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
        },
        postgresql: {
          shared_preload_libraries: ['pgaudit'],
          parameters: {
            'pgaudit.log': 'ddl, role, write',
            'pgaudit.log_catalog': 'off',
            'pgaudit.log_parameter': 'off',
            'pgaudit.log_relation': 'on',
            'hnsw.ef_search': '40',
          },
        },
      },
    });
    expect(objects[1]).toEqual({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Database',
      metadata: { name: 'rag-app', namespace: 'vector', labels: dataLabels },
      spec: {
        name: 'app', owner: 'app', cluster: { name: 'rag' }, ensure: 'present', databaseReclaimPolicy: 'retain',
        extensions: [{ name: 'vector', ensure: 'present' }, { name: 'pgaudit', ensure: 'present' }],
      },
    });
    // CloudNativePG creates the PDBs itself (enablePDB): none is emitted here.
    expect(objects.some((o: any) => o.kind === 'PodDisruptionBudget')).toBe(false);
  });

  test('single instance: no replication flow; options rendered', () => {
    const chart = Testing.chart();
    new VectorStore(chart, 'Rag', {
      namespace: 'rag',
      storeName: 'embeddings',
      engine: VectorEngine.pgvector({
        image: PG_IMAGE, instances: 1, storageSize: '100Gi', storageClassName: 'fast', database: 'rag',
        hnsw: { m: 32, efConstruction: 128, efSearch: 100 }, auditLog: [PgAuditClass.READ, PgAuditClass.WRITE],
        cpu: 2, memoryGiB: 8, parameters: { max_connections: '200' },
      }),
    });
    const objects = Testing.synth(chart);
    expect(kinds(objects)).toEqual(['Cluster/rag/embeddings', 'Database/rag/embeddings-rag']);
    const spec = objects[0].spec;
    expect(spec.instances).toBe(1);
    expect(spec.storage).toEqual({ size: '100Gi', storageClass: 'fast' });
    expect(spec.bootstrap.initdb).toEqual({ database: 'rag', owner: 'rag', dataChecksums: true });
    expect(spec.resources).toEqual({ requests: { cpu: '2', memory: '8Gi' }, limits: { cpu: '2', memory: '8Gi' } });
    expect(spec.postgresql.parameters).toEqual({
      'pgaudit.log': 'read, write', 'pgaudit.log_catalog': 'off', 'pgaudit.log_parameter': 'off', 'pgaudit.log_relation': 'on',
      'hnsw.ef_search': '100', max_connections: '200',
    });
  });

  test('backups to a bucket: barmanObjectStore with the bucket Secret, ScheduledBackup, flow to MinIO', () => {
    const chart = Testing.chart();
    const backups = tenant(chart).addBucket('Backups', { bucketName: 'pg-backups' });
    new VectorStore(chart, 'Rag', {
      engine: VectorEngine.pgvector({ image: PG_IMAGE, backupEndpointCA: { name: 'minio-ca', key: 'ca.crt' } }),
      backupBucket: backups,
    });
    const objects = Testing.synth(chart);
    const cluster = objects.find((o: any) => o.kind === 'Cluster');
    expect(cluster.spec.backup).toEqual({
      barmanObjectStore: {
        destinationPath: 's3://pg-backups/rag',
        endpointURL: 'https://minio.minio.svc.cluster.local',
        endpointCA: { name: 'minio-ca', key: 'ca.crt' },
        s3Credentials: {
          accessKeyId: { name: 'pg-backups-readwrite-s3-credentials', key: 'AWS_ACCESS_KEY_ID' },
          secretAccessKey: { name: 'pg-backups-readwrite-s3-credentials', key: 'AWS_SECRET_ACCESS_KEY' },
        },
        wal: { compression: 'gzip', maxParallel: 2 },
        data: { compression: 'gzip', jobs: 2 },
      },
      retentionPolicy: '30d',
      target: 'prefer-standby',
    });
    expect(cluster.spec.env).toEqual([
      { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 'pg-backups-readwrite-s3-credentials', key: 'AWS_ACCESS_KEY_ID' } } },
      { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'pg-backups-readwrite-s3-credentials', key: 'AWS_SECRET_ACCESS_KEY' } } },
      { name: 'AWS_ENDPOINT_URL', value: 'https://minio.minio.svc.cluster.local' },
      { name: 'AWS_REGION', value: 'us-east-1' },
      { name: 'S3_BUCKET', value: 'pg-backups' },
    ]);
    expect(objects.find((o: any) => o.kind === 'ScheduledBackup')).toEqual({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'ScheduledBackup',
      metadata: {
        name: 'rag-backup', namespace: 'vector',
        labels: { 'app.kubernetes.io/managed-by': 'sovereign-ai-platform', 'app.kubernetes.io/instance': 'rag', 'sovereign-ai.dev/component': 'vector-store-backup' },
      },
      spec: { cluster: { name: 'rag' }, schedule: '0 0 2 * * *', method: 'barmanObjectStore', backupOwnerReference: 'self', immediate: true },
    });
    const egress = objects.find((o: any) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'vector' && o.spec.policyTypes[0] === 'Egress' && o.metadata.name.startsWith('pg-backups'));
    expect(egress.spec).toEqual({
      podSelector: { matchLabels: { 'cnpg.io/cluster': 'rag' } },
      policyTypes: ['Egress'],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'minio' } }, podSelector: { matchLabels: { 'v1.min.io/tenant': 'objects' } } }],
        ports: [{ port: 9000, protocol: 'TCP' }],
      }],
    });
    expect(backups.requiredSecrets.map((r) => `${r.namespace}/${r.name}`)).toEqual([
      'vector/pg-backups-readwrite-s3-credentials', 'minio/pg-backups-readwrite-s3-credentials',
    ]);
  });

  test('grantReadWrite: libpq env from the CNPG app Secret, a flow to the instances on 5432 only', () => {
    const chart = Testing.chart();
    const store = new VectorStore(chart, 'Rag', { engine: VectorEngine.pgvector({ image: PG_IMAGE }) });
    const w = new TestWorkload(chart, 'Retriever', 'team-a');
    const grant = store.grantReadWrite(w);
    expect(grant.credentialsSecretName).toBe('rag-app');
    expect(grant.access).toBe(BucketAccess.READ_WRITE);
    expect(Object.fromEntries(w.env)).toEqual({
      PGHOST: { value: 'rag-rw.vector.svc.cluster.local' },
      PGPORT: { value: '5432' },
      PGDATABASE: { value: 'app' },
      PGUSER: { secretKeyRef: { name: 'rag-app', key: 'username' } },
      PGPASSWORD: { secretKeyRef: { name: 'rag-app', key: 'password' } },
      PGSSLMODE: { value: 'require' },
      PGVECTOR_HNSW_M: { value: '16' },
      PGVECTOR_HNSW_EF_CONSTRUCTION: { value: '64' },
      PGVECTOR_HNSW_EF_SEARCH: { value: '40' },
    });
    expect(store.grantReadWrite(w)).toBe(grant);
    const objects = Testing.synth(chart);
    const flow = objects.filter((o: any) => o.kind === 'NetworkPolicy' && o.metadata.name.startsWith('rag-db-retriever'));
    expect(flow.map((o: any) => `${o.metadata.namespace}/${o.spec.policyTypes[0]}`)).toEqual(['team-a/Egress', 'vector/Ingress']);
    expect(flow[1].spec).toEqual({
      podSelector: { matchLabels: { 'cnpg.io/cluster': 'rag' } },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team-a' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'retriever' } } }],
        ports: [{ port: 5432, protocol: 'TCP' }],
      }],
    });
    // The CNPG-generated Secret lives in the store namespace; another namespace needs a copy.
    expect(store.requiredSecrets).toEqual([{
      namespace: 'team-a', name: 'rag-app', keys: ['username', 'password'],
      purpose: 'copy of the CloudNativePG-generated rag-app Secret for grantees outside vector',
    }]);
    expect(objects.find((o: any) => o.kind === 'Cluster').spec.managed).toBeUndefined();
    expectNoSecretValues(objects);
  });

  test('grantRead: a managed read-only role with an out-of-band password Secret, the any-instance service', () => {
    const chart = Testing.chart();
    const store = new VectorStore(chart, 'Rag', { engine: VectorEngine.pgvector({ image: PG_IMAGE }) });
    const w = new TestWorkload(chart, 'Search', 'vector');
    const grant = store.grantRead(w);
    expect(grant.credentialsSecretName).toBe('rag-reader');
    expect(w.env.get('PGHOST')).toEqual({ value: 'rag-r.vector.svc.cluster.local' });
    expect(w.env.get('PGUSER')).toEqual({ secretKeyRef: { name: 'rag-reader', key: 'username' } });
    const objects = Testing.synth(chart);
    expect(objects.find((o: any) => o.kind === 'Cluster').spec.managed).toEqual({
      roles: [{ name: 'app_reader', ensure: 'present', login: true, inRoles: ['pg_read_all_data'], passwordSecret: { name: 'rag-reader' } }],
    });
    expect(store.requiredSecrets.map((r) => `${r.namespace}/${r.name}`)).toEqual(['vector/rag-reader']);
  });

  test('connections.allowFrom: the edge without credentials', () => {
    const chart = Testing.chart();
    const store = new VectorStore(chart, 'Rag', { engine: VectorEngine.pgvector({ image: PG_IMAGE, instances: 1 }) });
    const w = new TestWorkload(chart, 'Probe');
    const flow = store.connections.allowFrom(w);
    expect(store.connections.allowFrom(w)).toBe(flow);
    expect(w.env.size).toBe(0);
    expect(Testing.synth(chart).filter((o: any) => o.kind === 'NetworkPolicy')).toHaveLength(2);
  });

  test('error: read and read/write on the same workload', () => {
    const chart = Testing.chart();
    const store = new VectorStore(chart, 'Rag', { engine: VectorEngine.pgvector({ image: PG_IMAGE }) });
    const w = new TestWorkload(chart, 'Api');
    store.grantReadWrite(w);
    expect(errorOf(() => store.grantRead(w))).toBe(
      'test/Rag: invalid access: "read". Allowed: the access already granted to test/Api ("readwrite"). Fix: grant a workload either read or read/write access to a vector store, not both.',
    );
  });

  test('error: zero instances', () => {
    const chart = Testing.chart();
    expect(errorOf(() => new VectorStore(chart, 'Rag', { engine: VectorEngine.pgvector({ image: PG_IMAGE, instances: 0 }) }))).toBe(
      'test/Rag: invalid engine.instances: 0. Allowed: an integer of at least 1. Fix: use 1 for a single instance, or 3 for a primary with two standbys.',
    );
  });

  test('error: storage size that does not parse', () => {
    const chart = Testing.chart();
    expect(errorOf(() => new VectorStore(chart, 'Rag', { engine: VectorEngine.pgvector({ image: PG_IMAGE, storageSize: '20 gigabytes' }) }))).toBe(
      'test/Rag: invalid engine.storageSize: "20 gigabytes". Allowed: a Kubernetes quantity greater than zero (e.g. "20Gi", "1Ti"). Fix: write the size with a binary suffix, e.g. "50Gi".',
    );
  });

  test('error: zero storage size', () => {
    const chart = Testing.chart();
    expect(errorOf(() => new VectorStore(chart, 'Rag', { engine: VectorEngine.pgvector({ image: PG_IMAGE, storageSize: '0Gi' }) }))).toBe(
      'test/Rag: invalid engine.storageSize: "0Gi". Allowed: a Kubernetes quantity greater than zero (e.g. "20Gi", "1Ti"). Fix: write the size with a binary suffix, e.g. "50Gi".',
    );
  });

  test('error: image tag without digest', () => {
    const chart = Testing.chart();
    const image = ContainerImage.fromReference('ghcr.io/cloudnative-pg/postgresql:17');
    expect(errorOf(() => new VectorStore(chart, 'Rag', { engine: VectorEngine.pgvector({ image }) }))).toBe(
      'test/Rag: invalid engine.image: "ghcr.io/cloudnative-pg/postgresql:17". Allowed: an image pinned by digest (`<registry>/<path>@sha256:<64 hex>`). Fix: use ContainerImage.fromRegistry(registry, repository, digest), or ContainerImage.unpinned(reference, { reason }) to opt out explicitly.',
    );
  });

  test('an unpinned image is an explicit per-image opt-out, recorded on the Cluster', () => {
    const chart = Testing.chart();
    const image = ContainerImage.unpinned('registry.internal/cloudnative-pg/postgresql:17-standard', { reason: 'vendor; rebuilt=nightly' });
    new VectorStore(chart, 'Rag', { engine: VectorEngine.pgvector({ image }) });
    const cluster = Testing.synth(chart).find((o: any) => o.kind === 'Cluster');
    expect(cluster.spec.imageName).toBe('registry.internal/cloudnative-pg/postgresql:17-standard');
    expect(cluster.metadata.annotations).toEqual({ 'sovereign-ai.dev/suppressions': 'sovereignty/image-digest=vendor, rebuilt,nightly' });
  });

  test('error: HNSW ef_construction below 2 x m', () => {
    const chart = Testing.chart();
    expect(errorOf(() => new VectorStore(chart, 'Rag', { engine: VectorEngine.pgvector({ image: PG_IMAGE, hnsw: { m: 48, efConstruction: 64 } }) }))).toBe(
      'test/Rag: invalid engine.hnsw.efConstruction: 64. Allowed: an integer from 96 to 1000 (at least 2 x m).',
    );
  });

  test('error: five-field backup schedule', () => {
    const chart = Testing.chart();
    expect(errorOf(() => new VectorStore(chart, 'Rag', { engine: VectorEngine.pgvector({ image: PG_IMAGE, backupSchedule: '0 2 * * *' }) }))).toBe(
      'test/Rag: invalid engine.backupSchedule: "0 2 * * *". Allowed: a six-field cron expression with seconds (e.g. "0 0 2 * * *").',
    );
  });

  test('error: granting to something that is not a workload', () => {
    const chart = Testing.chart();
    const store = new VectorStore(chart, 'Rag', { engine: VectorEngine.pgvector({ image: PG_IMAGE }) });
    expect(errorOf(() => store.grantRead({ endpoint: { namespace: 'x', podSelector: { a: 'b' } } } as any))).toBe(
      'test/Rag: invalid grantee: "Object with keys [endpoint]". Allowed: an IWorkload (something that runs pods: a model server, a service, a cdk8s-plus workload wrapped with PlusWorkload.of(...)). Fix: granting to something that is not a workload is not possible; pass the workload whose pods need the access.',
    );
  });
});

describe('VectorStore lancedb', () => {
  test('defaults: a ConfigMap for embedded clients, no server', () => {
    const chart = Testing.chart();
    const bucket = tenant(chart).addBucket('Vectors');
    const store = new VectorStore(chart, 'Docs', { engine: VectorEngine.lancedb({ bucket }) });
    expect(store.engine).toBe(VectorEngineKind.LANCEDB);
    expect(store.connection).toEqual({
      engine: 'lancedb', uri: 's3://vectors/docs', host: 'https://minio.minio.svc.cluster.local', port: 9000, configMapName: 'docs-lancedb',
    });
    expect(store.connections.endpoint).toEqual(bucket.serverEndpoint);
    const objects = Testing.synth(chart);
    expect(objects.find((o: any) => o.kind === 'ConfigMap' && o.metadata.name === 'docs-lancedb')).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'docs-lancedb', namespace: 'vector',
        labels: { 'app.kubernetes.io/managed-by': 'sovereign-ai-platform', 'app.kubernetes.io/instance': 'docs', 'sovereign-ai.dev/component': 'vector-store' },
      },
      data: {
        LANCEDB_URI: 's3://vectors/docs',
        AWS_ENDPOINT: 'https://minio.minio.svc.cluster.local',
        AWS_REGION: 'us-east-1',
        AWS_ALLOW_HTTP: 'false',
        'storage_options.json': '{"endpoint":"https://minio.minio.svc.cluster.local","region":"us-east-1","allow_http":"false"}',
      },
    });
    expect(objects.some((o: any) => o.kind === 'Cluster' || o.kind === 'StatefulSet' || o.kind === 'Deployment')).toBe(false);
  });

  test('grants go through the bucket: credentials Secret, S3 edge, LanceDB settings', () => {
    const chart = Testing.chart();
    const bucket = tenant(chart).addBucket('Vectors');
    const store = new VectorStore(chart, 'Docs', { engine: VectorEngine.lancedb({ bucket, prefix: 'tables/docs' }) });
    const w = new TestWorkload(chart, 'Indexer');
    const grant = store.grantReadWrite(w);
    expect(grant.credentialsSecretName).toBe('vectors-readwrite-s3-credentials');
    expect(grant.flows).toHaveLength(1);
    expect(grant.envNames).toEqual(['LANCEDB_URI', 'AWS_ENDPOINT', 'AWS_ALLOW_HTTP']);
    expect(Object.fromEntries(w.env)).toEqual({
      AWS_ACCESS_KEY_ID: { secretKeyRef: { name: 'vectors-readwrite-s3-credentials', key: 'AWS_ACCESS_KEY_ID' } },
      AWS_SECRET_ACCESS_KEY: { secretKeyRef: { name: 'vectors-readwrite-s3-credentials', key: 'AWS_SECRET_ACCESS_KEY' } },
      AWS_ENDPOINT_URL: { value: 'https://minio.minio.svc.cluster.local' },
      AWS_REGION: { value: 'us-east-1' },
      S3_BUCKET: { value: 'vectors' },
      LANCEDB_URI: { value: 's3://vectors/tables/docs' },
      AWS_ENDPOINT: { value: 'https://minio.minio.svc.cluster.local' },
      AWS_ALLOW_HTTP: { value: 'false' },
    });
    expect(bucket.grantsMade.map((g) => g.access)).toEqual([BucketAccess.READ_WRITE]);
    expectNoSecretValues(Testing.synth(chart));
  });
});

describeWithSchemas('VectorStore conformance', () => {
  test('every emitted object conforms (pgvector with backups and grants, lancedb)', () => {
    const chart = Testing.chart();
    const t = tenant(chart);
    const backups = t.addBucket('Backups');
    const pg = new VectorStore(chart, 'Rag', { engine: VectorEngine.pgvector({ image: PG_IMAGE, backupEndpointCA: { name: 'ca', key: 'ca.crt' } }), backupBucket: backups });
    pg.grantRead(new TestWorkload(chart, 'Search'));
    pg.grantReadWrite(new TestWorkload(chart, 'Indexer'));
    const lance = new VectorStore(chart, 'Docs', { engine: VectorEngine.lancedb({ bucket: t.addBucket('Vectors') }) });
    lance.grantRead(new TestWorkload(chart, 'Reader'));
    const objects = Testing.synth(chart);
    expectConformant(objects);
    expectNoSecretValues(objects);
  });
});
