import { closeSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'fs';
import { join } from 'path';
import { ApiObject, App, Chart, Yaml, YamlOutputType } from 'cdk8s';
import { PreparedChart, PrepareTimings, prepareApp } from './prepare';
import { openRenderCache, takeRendered } from './render-cache';

/** A rendered Kubernetes object, as `ApiObject.toJson()` returns it. */
export interface SynthesizedObject {
  /** e.g. `apps/v1` */
  readonly apiVersion: string;
  /** e.g. `Deployment` */
  readonly kind: string;
  /** Object metadata (`name`, `namespace`, `labels`, ...). */
  readonly metadata: { readonly name?: string; readonly namespace?: string; readonly [key: string]: unknown };
  /** Every other top-level field (`spec`, `data`, ...). */
  readonly [key: string]: unknown;
}

/** One chart's rendered objects, in the order `chart.toJson()` returns them. */
export interface SynthesizedChart {
  /** The chart. */
  readonly chart: Chart;
  /** The chart's ApiObjects, dependencies first (`apiObjects[i]` rendered `objects[i]`). */
  readonly apiObjects: readonly ApiObject[];
  /** The chart's objects, dependencies first: what `chart.toJson()` returns. */
  readonly objects: readonly SynthesizedObject[];
}

/** Options of `synthesize`. Each defaults to the app's own setting, so the output is that of `app.synth()`. */
export interface SynthesizeOptions {
  /**
   * Directory to write the manifests into.
   * @see https://cdk8s.io/docs/latest/reference/cdk8s/typescript/#appprops
   * @default - `app.outdir`
   */
  readonly outdir?: string;
  /**
   * Extension of the manifest files.
   * @see https://cdk8s.io/docs/latest/reference/cdk8s/typescript/#appprops
   * @default - `app.outputFileExtension` (`.k8s.yaml`)
   */
  readonly outputFileExtension?: string;
  /**
   * How objects are divided into files.
   * @see https://cdk8s.io/docs/latest/reference/cdk8s/typescript/#yamloutputtype
   * @default - `app.yamlOutputType` (`YamlOutputType.FILE_PER_CHART`)
   */
  readonly yamlOutputType?: YamlOutputType;
  /**
   * Write `construct-metadata.json` (ApiObject name -> construct path), read by cdk8s validation plugins.
   * @see https://cdk8s.io/docs/latest/reference/cdk8s/typescript/#appprops
   * @default - the app's setting (`recordConstructMetadata`, or `CDK8S_RECORD_CONSTRUCT_METADATA=true`, which
   * `cdk8s synth` sets when `cdk8s.yaml` lists validations)
   */
  readonly recordConstructMetadata?: boolean;
}

/** Milliseconds spent in each phase of `synthesize`. */
export interface SynthesizeTimings extends PrepareTimings {
  /** Validation, dependencies and ordering together. */
  readonly prepareMs: number;
  /** Rendering objects to JSON (`ApiObject.toJson()`: lazy values, resolvers, JSON patches, key sorting). */
  readonly renderMs: number;
  /** Rendering JSON to YAML. */
  readonly yamlMs: number;
  /** Writing files. */
  readonly writeMs: number;
}

/** What `synthesize` wrote. */
export interface SynthesizeResult {
  /** The directory written into. */
  readonly outdir: string;
  /** Paths of the files written, in writing order (`construct-metadata.json` last when recorded). */
  readonly files: readonly string[];
  /** Number of objects written. */
  readonly objectCount: number;
  /** Total bytes of YAML written. */
  readonly bytes: number;
  /** Where the time went. */
  readonly timings: SynthesizeTimings;
}

/**
 * Whether the app records construct metadata. cdk8s keeps that setting private (`App.recordConstructMetadata`,
 * set from `AppProps.recordConstructMetadata` or `CDK8S_RECORD_CONSTRUCT_METADATA`); it is read here, with the
 * environment variable as fallback should the field ever move.
 */
export function recordsConstructMetadata(app: App): boolean {
  const value = (app as unknown as { readonly recordConstructMetadata?: unknown }).recordConstructMetadata;
  if (typeof value === 'boolean') return value;
  return process.env.CDK8S_RECORD_CONSTRUCT_METADATA === 'true';
}

/** What `Yaml.stringify` puts between two documents. */
const DOCUMENT_SEPARATOR = '---\n';

/** Bytes of YAML gathered before a write. */
const CHUNK_BYTES = 1 << 16;

/** A file written in chunks of about `CHUNK_BYTES` (UTF-8), created or truncated as `writeFileSync` does. */
class ChunkedWriter {
  /** Bytes written so far. */
  public bytes = 0;
  private readonly fd: number;
  private pending: string[] = [];
  private pendingLength = 0;

  constructor(private readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  /** Buffers `text`; writes the buffer once it holds `CHUNK_BYTES`. */
  public write(text: string): void {
    this.pending.push(text);
    this.pendingLength += text.length;
    if (this.pendingLength >= CHUNK_BYTES) this.flush();
  }

  /** Writes what is buffered and closes the file. */
  public close(): void {
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }

  /** Closes and removes the file (after a failure). */
  public abort(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    rmSync(this.path, { force: true });
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const data = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingLength = 0;
    let offset = 0;
    while (offset < data.length) offset += writeSync(this.fd, data, offset, data.length - offset);
    this.bytes += data.length;
  }
}

function resourceFileName(object: SynthesizedObject): string {
  return `${object.kind}.${object.metadata.name}`.replace(/[^0-9a-zA-Z-_.]/g, '');
}

/**
 * Synthesizes an app to YAML files: the same files with the same bytes as `app.synth()` (and the same
 * `construct-metadata.json`), but the app is prepared once (validations including policy packs, dependency
 * resolution) and then each chart is serialized, so the cost is linear in the size of the app whatever the
 * chart layout. A failing validation throws the same error as `app.synth()`, before any file is written.
 *
 * Files are written object by object: each object is rendered, turned into YAML and dropped before the next,
 * and the YAML goes out in chunks of about 1 MiB, so neither the rendered objects of a chart nor the YAML of a
 * file are ever held in memory at once (a file left half-written by an object that fails to render is removed).
 */
export function synthesize(app: App, options: SynthesizeOptions = {}): SynthesizeResult {
  const outdir = options.outdir ?? app.outdir;
  const extension = options.outputFileExtension ?? app.outputFileExtension;
  const outputType = options.yamlOutputType ?? app.yamlOutputType;
  const recordMetadata = options.recordConstructMetadata ?? recordsConstructMetadata(app);

  // Objects rendered by the policy packs during validation are written from that rendering (see render-cache).
  const closeRenderCache = openRenderCache();
  try {
    return write(app, outdir, extension, outputType, recordMetadata);
  } finally {
    closeRenderCache();
  }
}

function write(app: App, outdir: string, extension: string, outputType: YamlOutputType, recordMetadata: boolean): SynthesizeResult {
  const tStart = performance.now();
  mkdirSync(outdir, { recursive: true });
  const prepared = prepareApp(app);
  const prepareMs = performance.now() - tStart;

  let renderMs = 0;
  let yamlMs = 0;
  let writeMs = 0;
  let objectCount = 0;
  let bytes = 0;
  const files: string[] = [];

  const render = (o: ApiObject): SynthesizedObject => {
    const t = performance.now();
    const object = takeRendered(o) as SynthesizedObject;
    renderMs += performance.now() - t;
    objectCount++;
    return object;
  };
  /**
   * Writes the objects as one multi-document YAML file, object by object: each object is rendered, turned into
   * YAML and dropped before the next one, and the YAML goes out in chunks, so neither the chart's rendered
   * objects nor its whole YAML are ever held at once. The bytes are those of `Yaml.stringify(...objects)`
   * (each document rendered alone, joined with `---\n`). A file left half-written by a failing object is removed.
   */
  const save = (file: string, groups: ReadonlyArray<readonly ApiObject[]>): void => {
    const out = new ChunkedWriter(file);
    let ok = false;
    try {
      let first = true;
      for (const apiObjects of groups) {
        for (const o of apiObjects) {
          const object = render(o);
          const t0 = performance.now();
          const doc = Yaml.stringify(object);
          const t1 = performance.now();
          if (!first) out.write(DOCUMENT_SEPARATOR);
          out.write(doc);
          first = false;
          writeMs += performance.now() - t1;
          yamlMs += t1 - t0;
        }
      }
      const t = performance.now();
      out.close();
      writeMs += performance.now() - t;
      ok = true;
    } finally {
      if (!ok) out.abort();
    }
    bytes += out.bytes;
    files.push(file);
  };
  /** Writes one object to its own file. */
  const saveOne = (file: (object: SynthesizedObject) => string, o: ApiObject): void => {
    const object = render(o);
    const t0 = performance.now();
    const data = Yaml.stringify(object);
    const t1 = performance.now();
    const path = file(object);
    writeFileSync(path, data, { encoding: 'utf8' });
    writeMs += performance.now() - t1;
    yamlMs += t1 - t0;
    bytes += Buffer.byteLength(data, 'utf8');
    files.push(path);
  };

  switch (outputType) {
    case YamlOutputType.FILE_PER_APP:
      if (prepared.charts.length > 0) save(join(outdir, `app${extension}`), prepared.charts.map((c) => c.apiObjects));
      break;
    case YamlOutputType.FILE_PER_CHART:
      for (const c of prepared.charts) save(join(outdir, c.fileName + extension), [c.apiObjects]);
      break;
    case YamlOutputType.FILE_PER_RESOURCE:
      for (const c of prepared.charts) {
        for (const o of c.apiObjects) saveOne((object) => join(outdir, resourceFileName(object) + extension), o);
      }
      break;
    case YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE:
      for (const c of prepared.charts) {
        const dir = join(outdir, c.fileName);
        mkdirSync(dir, { recursive: true });
        for (const o of c.apiObjects) saveOne((object) => join(dir, resourceFileName(object) + extension), o);
      }
      break;
    default:
      break;
  }

  if (recordMetadata) {
    const t = performance.now();
    const resources: { [name: string]: { path: string } } = {};
    for (const c of prepared.charts) {
      for (const o of c.apiObjects) resources[o.name] = { path: o.node.path };
    }
    const file = join(outdir, 'construct-metadata.json');
    writeFileSync(file, JSON.stringify({ version: '1.0.0', resources }));
    files.push(file);
    writeMs += performance.now() - t;
  }

  return {
    outdir,
    files,
    objectCount,
    bytes,
    timings: { ...prepared.timings, prepareMs, renderMs, yamlMs, writeMs },
  };
}

function renderChart(c: PreparedChart): SynthesizedChart {
  return { chart: c.chart, apiObjects: c.apiObjects, objects: c.apiObjects.map((o) => o.toJson() as SynthesizedObject) };
}

/**
 * Charts' objects as JSON: for each chart what `chart.toJson()` returns, with each app prepared once (where
 * calling `toJson()` on every chart redoes validation and dependency resolution of the whole app per chart).
 * The input of the Pulumi backend, of conformance validation and of policy reports.
 *
 * @param scope an app (all its charts, in `app.charts` order after dependency resolution, as `app.synth()`
 *   writes them), or some charts (in the order given; their apps are prepared once each)
 */
export function synthesizeCharts(scope: App | readonly Chart[]): SynthesizedChart[] {
  if (!Array.isArray(scope)) return prepareApp(scope as App).charts.map(renderChart);
  const charts = scope as readonly Chart[];
  const prepared = new Map<App, Map<Chart, PreparedChart>>();
  return charts.map((chart) => {
    const app = App.of(chart);
    let byChart = prepared.get(app);
    if (!byChart) {
      byChart = new Map(prepareApp(app).charts.map((c) => [c.chart, c] as const));
      prepared.set(app, byChart);
    }
    const c = byChart.get(chart);
    if (!c) throw new Error(`${chart.node.path}: not a chart of its app`);
    return renderChart(c);
  });
}

/** All objects of the app in output order (the documents of `app.synthYaml()`), with the app prepared once. */
export function toManifests(app: App): SynthesizedObject[] {
  return synthesizeCharts(app).flatMap((c) => c.objects);
}

/** The app as one multi-document YAML string: the same string as `app.synthYaml()`, prepared once. */
export function synthesizeYaml(app: App): string {
  return Yaml.stringify(...toManifests(app));
}
