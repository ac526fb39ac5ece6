/*
 * Typed stack configuration of the reference platform's Pulumi entry: parses the values of `Pulumi.<stack>.yaml`
 * into the same `ReferencePlatformConfig` the cdk8s entry uses. A pure function of the raw values (no Pulumi
 * runtime), so every error is testable.
 */
import { isDns1123Label, ValidationError } from '../../lib';
import {
  ModelPrecision,
  ReferenceClusterConfig,
  ReferenceModelConfig,
  ReferencePlatformConfig,
  ReferenceTenantConfig,
} from './config';

/** Where raw config values come from: `pulumi.Config#get` (structured values come back as JSON text). */
export interface ConfigSource {
  /** The raw value of `<project>:<key>`, or undefined when not set. */
  get(key: string): string | undefined;
}

/** What the Pulumi entry of the reference platform needs. */
export interface ReferencePulumiConfig {
  /** The backend-neutral platform configuration (same type as the cdk8s entry). */
  readonly platform: ReferencePlatformConfig;
  /** kubeconfig context of the target cluster. @default - the current context of the kubeconfig */
  readonly kubeContext?: string;
}

/** Where the values came from, for error messages. */
export interface ConfigLocation {
  /** Pulumi project name: the namespace of the config keys (`<project>:registry`). */
  readonly project: string;
  /** Stack name: errors are reported against `Pulumi.<stack>.yaml`. */
  readonly stack: string;
}

const PRECISIONS: readonly ModelPrecision[] = ['fp16', 'bf16', 'fp8', 'int4'];
const REGISTRY = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*$/;

type Json = unknown;

class Parser {
  private readonly scope: string;

  constructor(private readonly location: ConfigLocation) {
    this.scope = `Pulumi.${location.stack}.yaml`;
  }

  public key(path: string): string {
    return `${this.location.project}:${path}`;
  }

  public fail(path: string, value: Json, allowed: string, fix?: string): never {
    throw ValidationError.invalidProp(this.scope, {
      prop: this.key(path),
      value,
      allowed,
      fix: fix ?? `set it with \`pulumi config set --path '${this.key(path)}' <value>\` or edit ${this.scope}.`,
    });
  }

  public missing(path: string, allowed: string, example: string): never {
    throw new ValidationError(
      this.scope,
      `missing required config ${this.key(path)}. Allowed: ${allowed}. ` +
        `Fix: add it to ${this.scope} (e.g. \`${this.key(path)}: ${example}\`).`,
    );
  }

  public object(path: string, value: Json, fields: readonly string[], optional: readonly string[] = []): Record<string, Json> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(path, value, `an object with the fields ${fields.join(', ')}`);
    }
    const record = value as Record<string, Json>;
    const known = [...fields, ...optional];
    for (const field of Object.keys(record)) {
      if (!known.includes(field)) {
        this.fail(`${path}.${field}`, record[field], `only the fields ${known.join(', ')}`, 'remove the field or correct its spelling.');
      }
    }
    for (const field of fields) {
      if (record[field] === undefined || record[field] === null) {
        throw new ValidationError(
          this.scope,
          `missing required config ${this.key(`${path}.${field}`)}. Fix: add ${field} to ${this.key(path)} in ${this.scope}.`,
        );
      }
    }
    return record;
  }

  public list(path: string, value: Json, what: string): Json[] {
    if (!Array.isArray(value) || value.length === 0) this.fail(path, value, `a non-empty list of ${what}`);
    return value;
  }

  public string(path: string, value: Json, allowed: string, ok: (s: string) => boolean): string {
    if (typeof value !== 'string' || !ok(value)) this.fail(path, value, allowed);
    return value;
  }

  public integer(path: string, value: Json, min: number, allowed?: string): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      this.fail(path, value, allowed ?? `an integer >= ${min}`);
    }
    return value;
  }

  public positive(path: string, value: Json): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) this.fail(path, value, 'a number > 0');
    return value;
  }
}

function readJson(raw: string): Json {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/**
 * Parses the reference platform's stack configuration.
 *
 * Keys (all under the project namespace): `registry` (string), `tenants` (list of {name, gpuQuota, cpuQuota,
 * memoryGiB}), `models` (list of {name, tenant, parametersBillions, precision, contextLength, minReplicas,
 * maxReplicas, disaggregated?, priority?}), `cluster` ({nodes, gpusPerNode, gpuProduct}), and optionally
 * `kubeContext`.
 *
 * @throws ValidationError naming the config key (`<project>:models[1].precision`), the value given and what is
 *   allowed, for a missing or bad value
 */
export function parseReferencePulumiConfig(source: ConfigSource, location: ConfigLocation): ReferencePulumiConfig {
  const p = new Parser(location);
  const raw = (key: string, allowed: string, example: string): Json => {
    const value = source.get(key);
    return value === undefined || value === '' ? p.missing(key, allowed, example) : readJson(value);
  };

  const registry = p.string(
    'registry',
    source.get('registry') ?? p.missing('registry', 'a registry host with optional port and path, without scheme', 'registry.example.internal'),
    'a registry host with optional port and path, without scheme (e.g. registry.example.internal:5000/ai)',
    (s) => REGISTRY.test(s),
  );

  const tenantList = p.list('tenants', raw('tenants', 'a non-empty list of tenants {name, gpuQuota, cpuQuota, memoryGiB}', '[{name: radiology, gpuQuota: 8, cpuQuota: 64, memoryGiB: 512}]'), 'tenants {name, gpuQuota, cpuQuota, memoryGiB}');
  const tenants: ReferenceTenantConfig[] = tenantList.map((value, i) => {
    const path = `tenants[${i}]`;
    const t = p.object(path, value, ['name', 'gpuQuota', 'cpuQuota', 'memoryGiB']);
    return {
      name: p.string(`${path}.name`, t.name, 'a DNS-1123 label (lowercase letters, digits and -, at most 63 characters)', isDns1123Label),
      gpuQuota: p.integer(`${path}.gpuQuota`, t.gpuQuota, 0),
      cpuQuota: p.positive(`${path}.cpuQuota`, t.cpuQuota),
      memoryGiB: p.positive(`${path}.memoryGiB`, t.memoryGiB),
    };
  });
  tenants.forEach((t, i) => {
    if (tenants.findIndex((o) => o.name === t.name) !== i) {
      p.fail(`tenants[${i}].name`, t.name, 'a name no other tenant has', 'rename one of the tenants.');
    }
  });
  const tenantNames = tenants.map((t) => t.name);

  const modelList = p.list('models', raw('models', 'a non-empty list of models {name, tenant, parametersBillions, precision, contextLength, minReplicas, maxReplicas}', '[{name: llama-3-8b-instruct, tenant: radiology, ...}]'), 'models {name, tenant, parametersBillions, precision, contextLength, minReplicas, maxReplicas}');
  const models: ReferenceModelConfig[] = modelList.map((value, i) => {
    const path = `models[${i}]`;
    const m = p.object(
      path,
      value,
      ['name', 'tenant', 'parametersBillions', 'precision', 'contextLength', 'minReplicas', 'maxReplicas'],
      ['disaggregated', 'priority'],
    );
    const minReplicas = p.integer(`${path}.minReplicas`, m.minReplicas, 1);
    const model: ReferenceModelConfig = {
      name: p.string(`${path}.name`, m.name, 'a DNS-1123 label (lowercase letters, digits and -, at most 63 characters)', isDns1123Label),
      tenant: p.string(`${path}.tenant`, m.tenant, `one of the tenants: ${tenantNames.map((n) => JSON.stringify(n)).join(', ')}`, (s) => tenantNames.includes(s)),
      parametersBillions: p.positive(`${path}.parametersBillions`, m.parametersBillions),
      precision: p.string(`${path}.precision`, m.precision, `one of ${PRECISIONS.map((x) => JSON.stringify(x)).join(', ')}`, (s) => (PRECISIONS as readonly string[]).includes(s)) as ModelPrecision,
      contextLength: p.integer(`${path}.contextLength`, m.contextLength, 1),
      minReplicas,
      maxReplicas: p.integer(`${path}.maxReplicas`, m.maxReplicas, minReplicas, `an integer >= minReplicas (${minReplicas})`),
      ...(m.disaggregated === undefined ? {} : {
        disaggregated: typeof m.disaggregated === 'boolean' ? m.disaggregated : p.fail(`${path}.disaggregated`, m.disaggregated, 'true or false'),
      }),
      ...(m.priority === undefined ? {} : { priority: p.integer(`${path}.priority`, m.priority, Number.MIN_SAFE_INTEGER, 'an integer') }),
    };
    return model;
  });
  models.forEach((m, i) => {
    if (models.findIndex((o) => o.name === m.name) !== i) {
      p.fail(`models[${i}].name`, m.name, 'a name no other model has', 'rename one of the models.');
    }
  });

  const c = p.object('cluster', raw('cluster', 'an object {nodes, gpusPerNode, gpuProduct}', '{nodes: 2, gpusPerNode: 8, gpuProduct: NVIDIA-H100-80GB-HBM3}'), ['nodes', 'gpusPerNode', 'gpuProduct']);
  const cluster: ReferenceClusterConfig = {
    nodes: p.integer('cluster.nodes', c.nodes, 1),
    gpusPerNode: p.integer('cluster.gpusPerNode', c.gpusPerNode, 1),
    gpuProduct: p.string('cluster.gpuProduct', c.gpuProduct, 'a non-empty GPU product name (the nvidia.com/gpu.product node label)', (s) => s.trim().length > 0),
  };

  const kubeContext = source.get('kubeContext');
  return {
    platform: { registry, tenants, models, cluster },
    ...(kubeContext ? { kubeContext } : {}),
  };
}
