import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import fc from 'fast-check';
import { BucketAccess } from '../../lib/core';
import { BucketRetention, MinioBucket, MinioTenant, isValidBucketName } from '../../lib/storage';
import { expectConformant } from '../support/conformance';
import { describeWithSchemas } from '../support/schemas';
import { MC_IMAGE, MINIO_IMAGE, TestWorkload, errorOf, expectNoSecretValues } from './test-workload';

function setup(): { chart: Chart; tenant: MinioTenant } {
  const chart = Testing.chart();
  const tenant = new MinioTenant(chart, 'Objects', { image: MINIO_IMAGE, clientImage: MC_IMAGE, pools: [{ servers: 1, volumesPerServer: 4 }] });
  return { chart, tenant };
}

const NAME_FIX = 'Fix: follow the S3 bucket naming rules (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).';

describe('MinioBucket', () => {
  test('defaults: in the Tenant bucket list, versioned, no lock, setup Job', () => {
    const { chart, tenant } = setup();
    const b = tenant.addBucket('Models');
    expect(b.bucketName).toBe('models');
    expect(b.versioned).toBe(true);
    expect(b.objectLock).toBe(false);
    expect(b.retention).toBeUndefined();
    expect(b.quotaGiB).toBeUndefined();
    expect(b.region).toBe('us-east-1');
    expect(b.envPrefix).toBe('');
    expect(b.managed).toBe(true);
    expect(b.endpointUrl).toBe('https://minio.minio.svc.cluster.local');
    expect(b.s3Uri()).toBe('s3://models');
    expect(b.s3Uri('/llama/')).toBe('s3://models/llama/');
    expect(b.credentialsSecretName(BucketAccess.READ)).toBe('models-read-s3-credentials');
    expect(b.credentialsSecretName(BucketAccess.READ_WRITE)).toBe('models-readwrite-s3-credentials');
    const objects = Testing.synth(chart);
    expect(objects.find((o: any) => o.kind === 'Tenant').spec.buckets).toEqual([{ name: 'models', objectLock: false }]);
    const job = objects.find((o: any) => o.kind === 'Job');
    expect(job.metadata.namespace).toBe('minio');
    expect(job.metadata.name).toMatch(/^models-bucket-setup-[0-9a-f]{8}$/);
    const pod = job.spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const c = pod.containers[0];
    expect(c.image).toBe(MC_IMAGE.reference);
    expect(job.metadata.annotations).toBeUndefined();
    expect(c.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, allowPrivilegeEscalation: false, privileged: false,
      readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } });
    expect(c.command[2]).toBe([
      'set -eu',
      '. /config/config.env',
      'mc() { command mc --config-dir /tmp/.mc "$@"; }',
      'mc alias set tenant "$MINIO_ENDPOINT" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null',
      'mc mb --ignore-existing tenant/models',
      'mc version enable tenant/models',
      'echo "no quota on tenant/models"',
      'if [ -n "${READ_ACCESS_KEY_ID:-}" ]; then',
      '  mc admin user add tenant "$READ_ACCESS_KEY_ID" "$READ_SECRET_ACCESS_KEY"',
      '  mc admin policy create tenant models-read /policies/read.json',
      '  mc admin policy attach tenant models-read --user "$READ_ACCESS_KEY_ID" || echo "policy models-read already attached"',
      'fi',
      'if [ -n "${READWRITE_ACCESS_KEY_ID:-}" ]; then',
      '  mc admin user add tenant "$READWRITE_ACCESS_KEY_ID" "$READWRITE_SECRET_ACCESS_KEY"',
      '  mc admin policy create tenant models-readwrite /policies/readwrite.json',
      '  mc admin policy attach tenant models-readwrite --user "$READWRITE_ACCESS_KEY_ID" || echo "policy models-readwrite already attached"',
      'fi',
      '',
    ].join('\n'));
    // The setup Job may reach the MinIO pods on 9000 and nothing else.
    const egress = objects.find((o: any) => o.kind === 'NetworkPolicy' && o.metadata.name === 'models-bucket-setup-egress');
    expect(egress.spec.egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'minio' } }, podSelector: { matchLabels: { 'v1.min.io/tenant': 'objects' } } }],
      ports: [{ port: 9000, protocol: 'TCP' }],
    }]);
    // The read policy only lists and gets objects of this bucket.
    expect(b.policyDocument(BucketAccess.READ)).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:GetBucketLocation', 's3:ListBucket'], Resource: ['arn:aws:s3:::models'] },
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: ['arn:aws:s3:::models/*'] },
      ],
    });
  });

  test('WORM audit bucket: object lock, compliance retention, quota', () => {
    const { chart, tenant } = setup();
    const b = tenant.addBucket('Audit', { bucketName: 'inference-audit', objectLock: true, retention: BucketRetention.compliance({ years: 7 }), quotaGiB: 500, region: 'eu-central-1' });
    expect(b.objectLock).toBe(true);
    const objects = Testing.synth(chart);
    expect(objects.find((o: any) => o.kind === 'Tenant').spec.buckets).toEqual([{ name: 'inference-audit', objectLock: true, region: 'eu-central-1' }]);
    const script: string = objects.find((o: any) => o.kind === 'Job').spec.template.spec.containers[0].command[2];
    expect(script).toContain('mc mb --ignore-existing --with-lock tenant/inference-audit\n');
    expect(script).toContain('mc quota set tenant/inference-audit --size 500GiB\n');
    expect(script).toContain('mc retention set --default COMPLIANCE 7y tenant/inference-audit\n');
    expect(BucketRetention.governance({ days: 30 }).validity).toBe('30d');
  });

  test.each([
    ['ab', 'a bucket name of 3 to 63 characters'],
    ['a'.repeat(64), 'a bucket name of 3 to 63 characters'],
    ['Models', 'only lowercase letters, digits, dots (.) and hyphens (-) in a bucket name'],
    ['my_bucket', 'only lowercase letters, digits, dots (.) and hyphens (-) in a bucket name'],
    ['-models', 'a bucket name that begins and ends with a lowercase letter or digit'],
    ['models.', 'a bucket name that begins and ends with a lowercase letter or digit'],
    ['my..bucket', 'a bucket name without two adjacent dots'],
    ['my.-bucket', 'a bucket name without a dot next to a hyphen'],
    ['192.168.5.4', 'a bucket name that is not formatted as an IP address'],
    ['xn--models', 'a bucket name that does not start with "xn--", "sthree-", "amzn-s3-demo-"'],
    ['models-s3alias', 'a bucket name that does not end with "-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"'],
    ['models--ol-s3', 'a bucket name that does not end with "-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"'],
  ])('error: invalid bucket name %j', (name, allowed) => {
    const { tenant } = setup();
    expect(errorOf(() => tenant.addBucket('B', { bucketName: name }))).toBe(
      `test/Objects/B: invalid bucketName: ${JSON.stringify(name)}. Allowed: ${allowed}. ${NAME_FIX}`,
    );
  });

  test('property: names built from the allowed alphabet with alphanumeric ends and no forbidden patterns are valid', () => {
    const alnum = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split(''));
    const middle = fc.array(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'.split('')), { minLength: 1, maxLength: 61 });
    fc.assert(fc.property(alnum, middle, alnum, (a, m, z) => {
      const name = `${a}${m.join('')}${z}`;
      const forbidden = name.startsWith('xn--') || name.startsWith('sthree-') || name.startsWith('amzn-s3-demo-')
        || ['-s3alias', '--ol-s3', '--x-s3', '--table-s3'].some((s) => name.endsWith(s));
      expect(isValidBucketName(name)).toBe(!forbidden);
    }));
    fc.assert(fc.property(fc.string(), (s) => {
      // Anything with an uppercase letter or an underscore is rejected.
      if (/[A-Z_]/.test(s)) expect(isValidBucketName(s)).toBe(false);
    }));
  });

  test('error: retention without object lock', () => {
    const { tenant } = setup();
    expect(errorOf(() => tenant.addBucket('Audit', { retention: BucketRetention.governance({ days: 30 }) }))).toBe(
      'test/Objects/Audit: invalid retention: {"mode":"GOVERNANCE","days":30}. Allowed: a retention only on a bucket with objectLock: true. Fix: set objectLock: true (WORM buckets must be created with object lock), or remove retention.',
    );
  });

  test('error: object lock without versioning', () => {
    const { tenant } = setup();
    expect(errorOf(() => tenant.addBucket('Audit', { objectLock: true, versioned: false }))).toBe(
      'test/Objects/Audit: invalid versioned: false. Allowed: true when objectLock is true (object lock works on object versions). Fix: remove versioned: false, or turn objectLock off.',
    );
  });

  test('error: retention with both days and years', () => {
    const { tenant } = setup();
    expect(errorOf(() => tenant.addBucket('Audit', { objectLock: true, retention: BucketRetention.compliance({ days: 1, years: 1 }) }))).toBe(
      'test/Objects/Audit: invalid retention: {"mode":"COMPLIANCE","days":1,"years":1}. Allowed: exactly one of days (1-36500) or years (1-100), a whole number. Fix: e.g. BucketRetention.compliance({ years: 7 }).',
    );
  });

  test('error: zero quota', () => {
    const { tenant } = setup();
    expect(errorOf(() => tenant.addBucket('Models', { quotaGiB: 0 }))).toBe(
      'test/Objects/Models: invalid quotaGiB: 0. Allowed: a whole number of GiB, at least 1.',
    );
  });

  test('error: duplicate bucket name in a tenant', () => {
    const { tenant } = setup();
    tenant.addBucket('Models');
    expect(errorOf(() => tenant.addBucket('Other', { bucketName: 'models' }))).toBe(
      'test/Objects/Other: invalid bucketName: "models". Allowed: a bucket name not already used in tenant objects (used by test/Objects/Models). Fix: give each bucket a distinct bucketName.',
    );
  });

  test('grantRead: env from the Secret, the NetworkPolicy edge on 9000, nothing broader', () => {
    const { chart, tenant } = setup();
    const b = tenant.addBucket('Models');
    const w = new TestWorkload(chart, 'Server', 'team-a');
    const grant = b.grantRead(w);
    expect(grant.access).toBe(BucketAccess.READ);
    expect(grant.credentialsSecretName).toBe('models-read-s3-credentials');
    expect(grant.bucket).toBe(b);
    expect(grant.grantee).toBe(w);
    expect(Object.fromEntries(w.env)).toEqual({
      AWS_ACCESS_KEY_ID: { secretKeyRef: { name: 'models-read-s3-credentials', key: 'AWS_ACCESS_KEY_ID' } },
      AWS_SECRET_ACCESS_KEY: { secretKeyRef: { name: 'models-read-s3-credentials', key: 'AWS_SECRET_ACCESS_KEY' } },
      AWS_ENDPOINT_URL: { value: 'https://minio.minio.svc.cluster.local' },
      AWS_REGION: { value: 'us-east-1' },
      S3_BUCKET: { value: 'models' },
    });
    const objects = Testing.synth(chart);
    const flowPolicies = objects.filter((o: any) => o.kind === 'NetworkPolicy' && o.metadata.name.startsWith('models-s3-server'));
    expect(flowPolicies).toHaveLength(2);
    const [egress, ingress] = flowPolicies;
    expect(egress.metadata.namespace).toBe('team-a');
    expect(egress.spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'server' } },
      policyTypes: ['Egress'],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'minio' } }, podSelector: { matchLabels: { 'v1.min.io/tenant': 'objects' } } }],
        ports: [{ port: 9000, protocol: 'TCP' }],
      }],
    });
    expect(ingress.metadata.namespace).toBe('minio');
    expect(ingress.spec).toEqual({
      podSelector: { matchLabels: { 'v1.min.io/tenant': 'objects' } },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team-a' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'server' } } }],
        ports: [{ port: 9000, protocol: 'TCP' }],
      }],
    });
    expect(b.requiredSecrets).toEqual([
      { namespace: 'team-a', name: 'models-read-s3-credentials', keys: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'], purpose: 'read credentials of bucket models' },
      { namespace: 'minio', name: 'models-read-s3-credentials', keys: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'], purpose: 'read credentials of bucket models (read by the bucket setup Job to create the MinIO user)' },
    ]);
    expectNoSecretValues(objects);
  });

  test('grants are idempotent per (bucket, workload, access)', () => {
    const { chart, tenant } = setup();
    const b = tenant.addBucket('Models');
    const w = new TestWorkload(chart, 'Server');
    const g1 = b.grantReadWrite(w);
    const g2 = b.grantReadWrite(w);
    expect(g2).toBe(g1);
    expect(g1.credentialsSecretName).toBe('models-readwrite-s3-credentials');
    const objects = Testing.synth(chart);
    expect(objects.filter((o: any) => o.kind === 'NetworkPolicy' && o.metadata.name.startsWith('models-s3-'))).toHaveLength(2);
  });

  test('error: granting to something that is not a workload', () => {
    const { chart, tenant } = setup();
    const b = tenant.addBucket('Models');
    const notAWorkload = new Construct(chart, 'Plain');
    expect(errorOf(() => b.grantRead(notAWorkload as any))).toBe(
      'test/Objects/Models: invalid grantee: "Construct at test/Plain". Allowed: an IWorkload (something that runs pods: a model server, a service, a cdk8s-plus workload wrapped with PlusWorkload.of(...)). Fix: granting to something that is not a workload is not possible; pass the workload whose pods need the access.',
    );
    expect(errorOf(() => b.grantReadWrite('server' as any))).toBe(
      'test/Objects/Models: invalid grantee: "\\"server\\"". Allowed: an IWorkload (something that runs pods: a model server, a service, a cdk8s-plus workload wrapped with PlusWorkload.of(...)). Fix: granting to something that is not a workload is not possible; pass the workload whose pods need the access.',
    );
  });

  test('error: read and read/write on the same workload', () => {
    const { chart, tenant } = setup();
    const b = tenant.addBucket('Models');
    const w = new TestWorkload(chart, 'Server');
    b.grantRead(w);
    expect(errorOf(() => b.grantReadWrite(w))).toBe(
      'test/Objects/Models: invalid access: "readwrite". Allowed: the access already granted to test/Server ("read"). Fix: grant a workload either read or read/write access to a bucket, not both.',
    );
  });

  test('two buckets on one workload need distinct env prefixes', () => {
    const { chart, tenant } = setup();
    const models = tenant.addBucket('Models');
    const audit = tenant.addBucket('Audit', { objectLock: true, envPrefix: 'AUDIT_' });
    const w = new TestWorkload(chart, 'Server');
    models.grantRead(w);
    audit.grantReadWrite(w);
    expect([...w.env.keys()]).toEqual([
      'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_ENDPOINT_URL', 'AWS_REGION', 'S3_BUCKET',
      'AUDIT_AWS_ACCESS_KEY_ID', 'AUDIT_AWS_SECRET_ACCESS_KEY', 'AUDIT_AWS_ENDPOINT_URL', 'AUDIT_AWS_REGION', 'AUDIT_S3_BUCKET',
    ]);
    const other = tenant.addBucket('Logs');
    expect(errorOf(() => other.grantRead(w))).toBe(
      'test/Objects/Logs: invalid envPrefix: "". Allowed: a prefix whose environment variables are not already set on test/Server (AWS_ACCESS_KEY_ID is set by test/Objects/Models). Fix: set a distinct envPrefix (e.g. "LOGS_") on one of them.',
    );
  });

  test('fromBucketName: imported bucket, grants work, nothing created for the bucket', () => {
    const chart = Testing.chart();
    const b = MinioBucket.fromBucketName(chart, 'Shared', 'shared-models', {
      endpointUrl: 'https://s3.storage.svc.cluster.local',
      serverEndpoint: { namespace: 'storage', podSelector: { app: 'minio' } },
    });
    expect(b.managed).toBe(false);
    expect(b.bucketName).toBe('shared-models');
    expect(b.port).toBe(9000);
    const w = new TestWorkload(chart, 'Server');
    b.grantRead(w);
    const objects = Testing.synth(chart);
    expect(objects.map((o: any) => o.kind)).toEqual(['NetworkPolicy', 'NetworkPolicy']);
    expect(b.requiredSecrets.map((r) => `${r.namespace}/${r.name}`)).toEqual(['apps/shared-models-read-s3-credentials']);
  });

  test('fromBucketName with a tenant: not in the Tenant bucket list, no setup Job', () => {
    const { chart, tenant } = setup();
    const b = MinioBucket.fromBucketName(chart, 'Legacy', 'legacy-data', { tenant });
    expect(b.endpointUrl).toBe(tenant.endpointUrl);
    expect(tenant.buckets).toEqual([b]);
    const objects = Testing.synth(chart);
    expect(objects.find((o: any) => o.kind === 'Tenant').spec.buckets).toBeUndefined();
    expect(objects.some((o: any) => o.kind === 'Job')).toBe(false);
  });

  test('error: fromBucketName with an invalid name', () => {
    const chart = Testing.chart();
    expect(errorOf(() => MinioBucket.fromBucketName(chart, 'X', 'Bad_Name', { endpointUrl: 'https://x', serverEndpoint: { namespace: 'x', podSelector: { a: 'b' } } }))).toBe(
      `test/X: invalid bucketName: "Bad_Name". Allowed: only lowercase letters, digits, dots (.) and hyphens (-) in a bucket name. ${NAME_FIX}`,
    );
  });

  test('error: fromBucketName without tenant or endpoint', () => {
    const chart = Testing.chart();
    expect(errorOf(() => MinioBucket.fromBucketName(chart, 'X', 'models', {}))).toBe(
      'test/X: invalid attrs: []. Allowed: a tenant, or both endpointUrl and serverEndpoint. Fix: pass { tenant } for a bucket of a MinioTenant of this app, or { endpointUrl, serverEndpoint } for one elsewhere.',
    );
  });

  test('no secret value in any emitted object', () => {
    const { chart, tenant } = setup();
    const w = new TestWorkload(chart, 'Server');
    tenant.addBucket('Models').grantRead(w);
    tenant.addBucket('Audit', { objectLock: true, retention: BucketRetention.compliance({ years: 1 }), envPrefix: 'AUDIT_' }).grantReadWrite(w);
    const objects = Testing.synth(chart);
    expect(objects.some((o: any) => o.kind === 'Secret')).toBe(false);
    expectNoSecretValues(objects);
    // Every credential reaches the workload as a Secret reference.
    for (const [name, source] of w.env) {
      if (/KEY/.test(name)) expect(source).toHaveProperty('secretKeyRef');
    }
  });
});

describeWithSchemas('MinioBucket conformance', () => {
  test('every emitted object conforms', () => {
    const { chart, tenant } = setup();
    const w = new TestWorkload(chart, 'Server');
    tenant.addBucket('Models', { quotaGiB: 100 }).grantRead(w);
    tenant.addBucket('Audit', { objectLock: true, retention: BucketRetention.compliance({ years: 7 }), envPrefix: 'AUDIT_' }).grantReadWrite(w);
    MinioBucket.fromBucketName(chart, 'Shared', 'shared', { tenant }).grantRead(new TestWorkload(chart, 'Other'));
    expectConformant(Testing.synth(chart));
  });
});
