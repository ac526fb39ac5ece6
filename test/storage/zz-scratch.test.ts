import { Testing } from 'cdk8s';
import { MinioTenant, BucketRetention, VectorStore, VectorEngine, MinioEncryption } from '../../lib/storage';
import { conformanceProblems } from '../support/conformance';
import { TestWorkload, MINIO_IMAGE, MC_IMAGE, PG_IMAGE } from './test-workload';
test('x', () => {
  const chart = Testing.chart();
  const t = new MinioTenant(chart, 'Objects', { image: MINIO_IMAGE, clientImage: MC_IMAGE, encryption: MinioEncryption.kes({ image: MINIO_IMAGE, configurationSecretName: 'kes-config' }), audit: { endpointUrl: 'https://sink.audit.svc:8443/x', authTokenSecret: { name: 'a', key: 'token' }, destination: { namespace: 'audit', podSelector: { app: 'sink' } } } });
  const b = t.addBucket('Audit', { objectLock: true, retention: BucketRetention.compliance({ years: 7 }), quotaGiB: 100 });
  const w = new TestWorkload(chart, 'Rag');
  b.grantReadWrite(w);
  const s = new VectorStore(chart, 'Rag2', { engine: VectorEngine.pgvector({ image: PG_IMAGE }), backupBucket: b });
  s.grantRead(new TestWorkload(chart, 'Reader'));
  const l = new VectorStore(chart, 'Lance', { engine: VectorEngine.lancedb({ bucket: t.addBucket('Lance') }) });
  l.grantRead(new TestWorkload(chart, 'LReader'));
  const objs = Testing.synth(chart);
  console.log(JSON.stringify(conformanceProblems(objs), null, 1));
  console.log(JSON.stringify(objs.filter((o: any) => o.apiVersion.includes('cnpg') || o.kind === 'ConfigMap' ), null, 1));
});
