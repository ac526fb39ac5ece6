import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ConformanceValidation, ConformanceValidationContext } from '../../lib/validate';
import { describeWithSchemas } from '../support/schemas';

interface Recorded {
  readonly violations: Array<Parameters<ConformanceValidationContext['report']['addViolation']>[0]>;
  status?: string;
  metadata?: { readonly [key: string]: string };
}

/** A stand-in for the cdk8s-cli ValidationContext, recording what the plugin reports. */
function fakeContext(manifests: string[]): { context: ConformanceValidationContext; recorded: Recorded } {
  const recorded: Recorded = { violations: [] };
  const context: ConformanceValidationContext = {
    manifests,
    report: {
      addViolation: (v) => { recorded.violations.push(v); },
      submit: (status, metadata) => { recorded.status = status; recorded.metadata = metadata; },
    },
    logger: { log: () => undefined },
  };
  return { context, recorded };
}

function manifest(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'validate-plugin-'));
  const file = join(dir, 'chart.k8s.yaml');
  writeFileSync(file, text);
  return file;
}

const BAD = `apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: team-a
spec:
  ports:
    - port: 80
      targetPorts: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: team-a
spec:
  ports:
    - port: 80
      targetPorts: 8080
`;

describeWithSchemas('ConformanceValidation (cdk8s validation plugin)', (schemaDir) => {
  test('resolved defaults', () => {
    const plugin = new ConformanceValidation({ schemas: schemaDir });
    expect(plugin.kubernetesVersion).toBe('1.34');
    expect(plugin.schemaDir).toBe(schemaDir);
  });

  test('an unquoted YAML version (a number) is read as major.minor', () => {
    expect(new ConformanceValidation({ kubernetesVersion: 1.3 as unknown as string }).kubernetesVersion).toBe('1.30');
    expect(new ConformanceValidation({ kubernetesVersion: 1.36 as unknown as string }).kubernetesVersion).toBe('1.36');
  });

  test('conformant manifests: success, no violations', async () => {
    const { context, recorded } = fakeContext([manifest('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n')]);
    await new ConformanceValidation({ schemas: schemaDir, kubernetesVersion: '1.34' }).validate(context);
    expect(recorded).toEqual({ violations: [], status: 'success', metadata: { kubernetesVersion: '1.34', errors: '0', warnings: '0' } });
  });

  test('problems: one violation per distinct message listing each resource and path; failure', async () => {
    const file = manifest(BAD);
    const { context, recorded } = fakeContext([file]);
    await new ConformanceValidation({ schemas: schemaDir }).validate(context);
    expect(recorded.status).toBe('failure');
    expect(recorded.violations).toEqual([{
      ruleName: 'unknown field "targetPorts"',
      recommendation: `${file}: Service/team-a/api: spec.ports[0].targetPorts: unknown field "targetPorts"`,
      fix: 'Change the construct or props that emit this field so the object matches the schema of its apiVersion/kind.',
      violatingResources: [
        { resourceName: 'api', manifestPath: file, locations: ['spec.ports[0].targetPorts'] },
        { resourceName: 'web', manifestPath: file, locations: ['spec.ports[0].targetPorts'] },
      ],
    }]);
  });

  test('warnings only: success', async () => {
    const { context, recorded } = fakeContext([manifest('apiVersion: kueue.x-k8s.io/v1beta1\nkind: ResourceFlavor\nmetadata:\n  name: gpu\n')]);
    await new ConformanceValidation({ schemas: schemaDir }).validate(context);
    expect(recorded.status).toBe('success');
    expect(recorded.violations.map((v) => v.ruleName)).toEqual([
      'warning: apiVersion kueue.x-k8s.io/v1beta1 of ResourceFlavor is deprecated: This version is deprecated. Use v1beta2 instead.',
    ]);
  });
});

describe('ConformanceValidation without schemas', () => {
  test('a missing schema directory is a failure with one clear message', async () => {
    const { context, recorded } = fakeContext([]);
    await new ConformanceValidation({ schemas: '/nonexistent/schemas' }).validate(context);
    expect(recorded).toEqual({
      status: 'failure',
      metadata: { schemas: '/nonexistent/schemas' },
      violations: [{
        ruleName: 'schema directory',
        recommendation: 'schema directory not found or not readable: /nonexistent/schemas',
        fix: 'Set the plugin property `schemas` or $SOVEREIGN_SCHEMAS to a directory holding kubernetes/<version>/openapi-v3 and crds/.',
        violatingResources: [],
      }],
    });
  });

  test('the schema directory defaults to $SOVEREIGN_SCHEMAS', () => {
    const saved = process.env.SOVEREIGN_SCHEMAS;
    process.env.SOVEREIGN_SCHEMAS = '/opt/schemas';
    try {
      expect(new ConformanceValidation().schemaDir).toBe('/opt/schemas');
    } finally {
      if (saved === undefined) delete process.env.SOVEREIGN_SCHEMAS;
      else process.env.SOVEREIGN_SCHEMAS = saved;
    }
  });
});
