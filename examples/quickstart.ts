/*
 * The README example, verbatim except for the import path (test/readme.test.ts keeps them in sync).
 */
import { App, Chart } from 'cdk8s';
import { GpuPool, GpuProduct, GpuSharing, Guardrails, MinioTenant, BucketRetention, SovereignInferenceStack, Tenant,
  ContainerImage, ModelSource, Precision } from '../lib';

const app = new App();
const reg = 'registry.hospital.internal';
Guardrails.configure(app, { approvedRegistries: [reg], internalCidrs: ['10.0.0.10/32'] }); // the API server
const chart = new Chart(app, 'platform');
const pool = new GpuPool(chart, 'Pool', { product: GpuProduct.H100_80GB, nodes: 2, gpusPerNode: 8, sharing: GpuSharing.memoryShares() });
const radiology = new Tenant(chart, 'radiology', { cpuQuota: 64, memoryGiB: 512, gpuQuota: 8, gpuPool: pool });
new Tenant(chart, 'storage', { cpuQuota: 16, memoryGiB: 64 });
const image = (repo: string, d: string) => ContainerImage.fromRegistry(reg, repo, `sha256:${d.repeat(64)}`);
const minio = new MinioTenant(chart, 'Minio', { namespace: 'storage', image: image('minio/minio', 'a'), clientImage: image('minio/mc', 'b') });
const weights = minio.addBucket('Models', { bucketName: 'models' });
const audit = minio.addBucket('Audit', { bucketName: 'audit', objectLock: true, retention: BucketRetention.compliance({ years: 10 }) });
const stack = new SovereignInferenceStack(chart, 'Inference', {
  registry: reg, tenants: [radiology], pool, auditBucket: audit, apiServerCidrs: ['10.0.0.10/32'],
  images: { modelServer: image('vllm/vllm-openai', 'c'), endpointPicker: image('llm-d/llm-d-inference-scheduler', 'd'), auditLogShipper: image('timberio/vector', 'e') },
});
stack.addModel({ name: 'llama-3-70b', tenant: radiology, source: ModelSource.fromBucket(weights, 'llama-3-70b'),
  parametersBillions: 70, precision: Precision.FP8, contextLength: 32768, minReplicas: 1, maxReplicas: 2 });
app.synth(); // or deploy the same app with sovereign-ai-platform/pulumi
