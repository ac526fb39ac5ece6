/**
 * Sovereignty: nothing leaves the platform unless the user names it. Default-deny networking, no egress to
 * "anywhere", ipBlocks only inside the internal CIDRs, images from approved registries pinned by digest (supply
 * chain), model weights only from inside the platform, telemetry off on model servers, no NodePort/LoadBalancer
 * Services except declared ingress.
 */
import { fromApprovedRegistry, isDigestPinned } from './images';
import { PolicyLabels } from './labels';
import { modelServerContainers } from './model-servers';
import { cidrWithin, ipv4Literal, parseCidr } from './net';
import { cachedPodViews, podObjects } from './pod-cache';
import { ContainerView, Json, namespaceOf } from './pod-specs';
import { PolicyObject, Rule, RuleContext, RuleOptions, RulePack, Severity, Violation } from './types';

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function list(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter(isObj) : [];
}
function isNetworkPolicy(o: PolicyObject): boolean {
  return o.manifest.kind === 'NetworkPolicy' && o.manifest.apiVersion === 'networking.k8s.io/v1';
}
function emptySelector(s: unknown): boolean {
  if (s === undefined || s === null) return true;
  if (!isObj(s)) return false;
  const ml = s.matchLabels;
  const me = s.matchExpressions;
  return (ml === undefined || ml === null || (isObj(ml) && Object.keys(ml).length === 0))
    && (me === undefined || me === null || (Array.isArray(me) && me.length === 0));
}

/** True when the NetworkPolicy denies all ingress and egress of every pod of its namespace. */
export function isDefaultDeny(np: Json): boolean {
  const spec = isObj(np.spec) ? np.spec : undefined;
  if (!spec || !isObj(spec.podSelector) || !emptySelector(spec.podSelector)) return false;
  const types: unknown[] = Array.isArray(spec.policyTypes) ? spec.policyTypes : [];
  if (!types.includes('Ingress') || !types.includes('Egress')) return false;
  const noRules = (r: unknown) => r === undefined || r === null || (Array.isArray(r) && r.length === 0);
  return noRules(spec.ingress) && noRules(spec.egress);
}

const defaultDeny: Rule = {
  id: 'sovereignty/default-deny',
  description: 'every namespace that runs pods has a default-deny NetworkPolicy (Ingress and Egress, empty podSelector)',
  severity: Severity.ERROR,
  fix: 'add a NetworkPolicy with podSelector: {}, policyTypes: [Ingress, Egress] and no rules to the namespace; allow each flow explicitly.',
  check(ctx: RuleContext): Violation[] {
    const denied = new Set(ctx.objects.filter((o) => isNetworkPolicy(o) && isDefaultDeny(o.manifest)).map((o) => namespaceOf(o.manifest)));
    const first = new Map<string, PolicyObject>();
    for (const { object: o, views } of podObjects(ctx)) {
      for (const v of views) if (!first.has(v.namespace)) first.set(v.namespace, o);
    }
    const out: Violation[] = [];
    for (const [ns, o] of first) {
      if (denied.has(ns)) continue;
      out.push({
        object: o,
        path: 'metadata.namespace',
        message: `namespace "${ns}" runs pods but has no default-deny NetworkPolicy (podSelector: {}, policyTypes: [Ingress, Egress], no rules)`,
        fix: `add a NetworkPolicy to namespace "${ns}" with podSelector: {}, policyTypes: [Ingress, Egress] and no rules; allow each flow explicitly.`,
      });
    }
    return out;
  },
};

const egressDestination: Rule = {
  id: 'sovereignty/egress-destination',
  description: 'every NetworkPolicy egress rule names its destinations (a missing or empty "to" allows every destination)',
  severity: Severity.ERROR,
  fix: 'list the destinations in "to" (podSelector/namespaceSelector, or an ipBlock inside the internal CIDRs).',
  check(ctx: RuleContext): Violation[] {
    const out: Violation[] = [];
    for (const o of ctx.objects.filter(isNetworkPolicy)) {
      const egress = (o.manifest.spec as Json | undefined)?.egress;
      if (!Array.isArray(egress)) continue;
      egress.forEach((rule: unknown, i: number) => {
        const to = isObj(rule) ? rule.to : undefined;
        if (!Array.isArray(to) || to.length === 0) {
          out.push({
            object: o, path: `spec.egress[${i}]`,
            message: `egress rule ${i} has no destination ("to" is missing or empty), which allows every destination`,
          });
        }
      });
    }
    return out;
  },
};

const egressIpBlock: Rule = {
  id: 'sovereignty/egress-ip-block',
  description: 'NetworkPolicy egress ipBlocks lie inside the declared internal CIDRs',
  severity: Severity.ERROR,
  fix: 'use a podSelector/namespaceSelector peer, or declare the network as internal (internalCidrs) if it is inside the platform.',
  check(ctx: RuleContext): Violation[] {
    const internal = ctx.options.internalCidrs.map((c) => parseCidr(c)).filter((c) => c !== undefined);
    const declared = ctx.options.internalCidrs.length > 0 ? ctx.options.internalCidrs.join(', ') : 'none declared';
    const out: Violation[] = [];
    for (const o of ctx.objects.filter(isNetworkPolicy)) {
      list((o.manifest.spec as Json | undefined)?.egress).forEach((rule, i) => {
        list(rule.to).forEach((peer, j) => {
          if (!isObj(peer.ipBlock)) return;
          const raw = peer.ipBlock.cidr;
          const path = `spec.egress[${i}].to[${j}].ipBlock.cidr`;
          const cidr = parseCidr(String(raw));
          if (!cidr) {
            out.push({ object: o, path, message: `egress ipBlock ${JSON.stringify(raw)} is not a valid CIDR` });
          } else if (!internal.some((n) => cidrWithin(cidr, n))) {
            out.push({ object: o, path, message: `egress ipBlock ${raw} is not inside the internal CIDRs (${declared})` });
          }
        });
      });
    }
    return out;
  },
};

interface ImageRef {
  readonly object: PolicyObject;
  readonly what: string;
  readonly image: string;
  readonly path: string;
}

function images(ctx: RuleContext): ImageRef[] {
  const out: ImageRef[] = [];
  for (const { object: o, views } of podObjects(ctx)) {
    for (const v of views) {
      for (const c of v.containers) {
        if (typeof c.container.image === 'string' && c.container.image !== '') {
          out.push({ object: o, what: `container "${c.name}"`, image: c.container.image, path: c.at('image') });
        }
      }
    }
  }
  return dedupe(out);
}

function dedupe(refs: ImageRef[]): ImageRef[] {
  const seen = new Set<string>();
  return refs.filter((r) => {
    const k = `${ctxKey(r.object)}|${r.path}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const objectKeys = new WeakMap<PolicyObject, number>();
let nextKey = 0;
function ctxKey(o: PolicyObject): number {
  let k = objectKeys.get(o);
  if (k === undefined) {
    k = nextKey++;
    objectKeys.set(o, k);
  }
  return k;
}

const approvedRegistry: Rule = {
  id: 'sovereignty/approved-registry',
  description: 'images come only from the approved registries (when approvedRegistries is configured)',
  severity: Severity.ERROR,
  fix: 'mirror the image into an approved registry and reference it from there.',
  check(ctx: RuleContext): Violation[] {
    const approved = ctx.options.approvedRegistries;
    if (approved === undefined) return [];
    return images(ctx).filter((i) => !fromApprovedRegistry(i.image, approved)).map((i) => ({
      object: i.object, path: i.path,
      message: `${i.what} image "${i.image}" is not from an approved registry (${approved.length > 0 ? approved.join(', ') : 'none declared'})`,
    }));
  },
};

const imageDigest: Rule = {
  id: 'sovereignty/image-digest',
  description: 'images are pinned by digest (@sha256:<64 hex>), including the images of operator-managed resources',
  severity: Severity.ERROR,
  fix: 'reference the image by digest: <registry>/<repository>@sha256:<digest>.',
  check(ctx: RuleContext): Violation[] {
    const out: Violation[] = images(ctx).filter((i) => !isDigestPinned(i.image)).map((i) => ({
      object: i.object, path: i.path,
      message: `${i.what} image "${i.image}" is not pinned by digest (@sha256:<64 hex>)`,
    }));
    for (const o of ctx.objects) {
      const m = o.manifest;
      const spec = isObj(m.spec) ? m.spec : {};
      if (m.kind === 'Tenant' && m.apiVersion.startsWith('minio.min.io/') && !spec.image) {
        out.push({
          object: o, path: 'spec.image',
          message: 'Tenant does not set spec.image, so the operator\'s default (public, unpinned) MinIO image is used',
          fix: 'set spec.image to a digest-pinned MinIO image from an approved registry.',
        });
      }
      if (m.kind === 'Cluster' && m.apiVersion.startsWith('postgresql.cnpg.io/') && !spec.imageName && !spec.imageCatalogRef) {
        out.push({
          object: o, path: 'spec.imageName',
          message: 'Cluster sets neither spec.imageName nor spec.imageCatalogRef, so the operator\'s default (public, unpinned) PostgreSQL image is used',
          fix: 'set spec.imageName to a digest-pinned PostgreSQL image from an approved registry.',
        });
      }
    }
    return out;
  },
};

const CLUSTER_HOST = /^(localhost|[a-z0-9-]+|[a-z0-9.-]+\.(svc|svc\.cluster\.local|cluster\.local))$/;

function internalHost(host: string, options: RuleOptions): boolean {
  const h = host.toLowerCase().replace(/:\d+$/, '');
  if (CLUSTER_HOST.test(h)) return true;
  const ip = ipv4Literal(h);
  if (ip === undefined) return false;
  const addr = parseCidr(`${h}/32`)!;
  return options.internalCidrs.some((c) => {
    const n = parseCidr(c);
    return n !== undefined && cidrWithin(addr, n);
  });
}

/** True when a model source is inside the platform. */
export function modelSourceAllowed(uri: string, options: RuleOptions): boolean {
  const u = uri.trim();
  if (u.startsWith('s3://') || u.startsWith('pvc://')) return true;
  if (u.startsWith('/')) return true;
  if (u.startsWith('oci://')) {
    return options.approvedRegistries === undefined || fromApprovedRegistry(u.slice('oci://'.length), options.approvedRegistries);
  }
  const m = /^https?:\/\/([^/?#]+)/i.exec(u);
  if (m) return internalHost(m[1].replace(/^[^@]*@/, ''), options);
  return false;
}

const MODEL_FLAGS = new Set(['--model', '--tokenizer']);
const HF_ENDPOINT_ENV = /^(HF_|HUGGING_?FACE_)[A-Z0-9_]*(ENDPOINT|URL|MIRROR)$/;
const PUBLIC_HUB = /(^hf:\/\/)|huggingface\.co|(^|\/\/|\.)hf\.co(\/|$)/i;

interface Token {
  readonly text: string;
  readonly path: string;
}

function tokens(c: ContainerView): Token[] {
  const out: Token[] = [];
  for (const field of ['command', 'args']) {
    const items = c.container[field];
    if (!Array.isArray(items)) continue;
    items.forEach((item: unknown, i: number) => {
      for (const t of String(item).split(/\s+/).filter((x) => x !== '')) out.push({ text: t, path: `${c.at(field)}[${i}]` });
    });
  }
  return out;
}

const MODEL_SOURCE_FIX = 'copy the weights into the platform\'s object store and load them from s3:// (or a pvc://, a local path, or oci:// from an approved registry).';

function modelSourceViolations(o: PolicyObject, c: ContainerView, options: RuleOptions): Violation[] {
  const out: Violation[] = [];
  const bad = (uri: string, path: string) => out.push({
    object: o, path,
    message: `model source "${uri}" is outside the platform (allowed: s3://, pvc://, oci:// from an approved registry, in-cluster URLs, local paths)`,
  });
  const toks = tokens(c);
  toks.forEach((t, i) => {
    let value: string | undefined;
    const eq = t.text.indexOf('=');
    if (eq > 0 && MODEL_FLAGS.has(t.text.slice(0, eq))) value = t.text.slice(eq + 1);
    else if (MODEL_FLAGS.has(t.text) && i + 1 < toks.length) value = toks[i + 1].text;
    else if (t.text === 'serve' && i > 0 && /(^|\/)vllm$/.test(toks[i - 1].text) && i + 1 < toks.length && !toks[i + 1].text.startsWith('-')) {
      value = toks[i + 1].text;
    }
    if (value !== undefined) {
      const v = value.replace(/^["']|["']$/g, '');
      if (!modelSourceAllowed(v, options)) bad(v, MODEL_FLAGS.has(t.text) ? toks[i + 1].path : t.path);
    } else if (PUBLIC_HUB.test(t.text)) {
      bad(t.text, t.path);
    }
  });
  if (typeof c.container.storageUri === 'string' && !modelSourceAllowed(c.container.storageUri, options)) {
    bad(c.container.storageUri, c.at('storageUri'));
  }
  list(c.container.env).forEach((e, i) => {
    if (typeof e.value !== 'string') return;
    const name = String(e.name ?? '');
    const path = `${c.at('env')}[${i}].value`;
    if (HF_ENDPOINT_ENV.test(name)) {
      if (!modelSourceAllowed(e.value, options)) bad(e.value, path);
    } else if (PUBLIC_HUB.test(e.value)) {
      bad(e.value, path);
    }
  });
  return out;
}

const modelSource: Rule = {
  id: 'sovereignty/model-source',
  description: 'model weights come only from inside the platform (s3://, pvc://, oci:// from an approved registry; no hf:// or public hubs)',
  severity: Severity.ERROR,
  fix: MODEL_SOURCE_FIX,
  check(ctx: RuleContext): Violation[] {
    const out: Violation[] = [];
    for (const o of ctx.objects) {
      const m = o.manifest;
      const spec = isObj(m.spec) ? m.spec : {};
      if (m.kind === 'LLMInferenceService' && isObj(spec.model) && typeof spec.model.uri === 'string'
        && !modelSourceAllowed(spec.model.uri, ctx.options)) {
        out.push({
          object: o, path: 'spec.model.uri',
          message: `model source "${spec.model.uri}" is outside the platform (allowed: s3://, pvc://, oci:// from an approved registry, in-cluster URLs, local paths)`,
        });
      }
      if (m.kind === 'InferenceService' && isObj(spec.predictor)) {
        list(spec.predictor.storageUris).forEach((s, i) => {
          if (typeof s.uri === 'string' && !modelSourceAllowed(s.uri, ctx.options)) {
            out.push({
              object: o, path: `spec.predictor.storageUris[${i}].uri`,
              message: `model source "${s.uri}" is outside the platform (allowed: s3://, pvc://, oci:// from an approved registry, in-cluster URLs, local paths)`,
            });
          }
        });
      }
      const seen = new Set<string>();
      for (const v of cachedPodViews(o)) {
        for (const c of v.containers) {
          if (seen.has(c.path)) continue;
          seen.add(c.path);
          out.push(...modelSourceViolations(o, c, ctx.options));
        }
      }
    }
    return out;
  },
};

/** Environment variables that turn telemetry and hub access off on model servers. */
export const TELEMETRY_OFF_ENV: Readonly<Record<string, string>> = {
  VLLM_NO_USAGE_STATS: '1',
  DO_NOT_TRACK: '1',
  HF_HUB_OFFLINE: '1',
};

const telemetry: Rule = {
  id: 'sovereignty/telemetry',
  description: 'model-server containers set VLLM_NO_USAGE_STATS=1, DO_NOT_TRACK=1 and HF_HUB_OFFLINE=1',
  severity: Severity.ERROR,
  fix: 'set env VLLM_NO_USAGE_STATS=1, DO_NOT_TRACK=1 and HF_HUB_OFFLINE=1 on the model-server container.',
  check(ctx: RuleContext): Violation[] {
    const out: Violation[] = [];
    for (const { object: o, views } of podObjects(ctx)) {
      for (const v of views) {
        for (const c of modelServerContainers(v)) {
          const env = new Map(list(c.container.env).map((e) => [String(e.name), e.value]));
          const missing = Object.entries(TELEMETRY_OFF_ENV).filter(([k, val]) => env.get(k) !== val).map(([k, val]) => `${k}=${val}`);
          if (missing.length > 0) {
            out.push({ object: o, path: c.at('env'), message: `model server container "${c.name}" does not set ${missing.join(', ')}` });
          }
        }
      }
    }
    return out;
  },
};

const serviceExposure: Rule = {
  id: 'sovereignty/service-exposure',
  description: 'no NodePort or LoadBalancer Service unless declared as ingress (annotation sovereign-ai.dev/ingress: "true" or ingressServices)',
  severity: Severity.ERROR,
  fix: 'use a ClusterIP Service behind the platform gateway, or declare the Service as ingress (annotation sovereign-ai.dev/ingress: "true").',
  check(ctx: RuleContext): Violation[] {
    const out: Violation[] = [];
    for (const o of ctx.objects) {
      const m = o.manifest;
      if (m.kind !== 'Service' || m.apiVersion !== 'v1') continue;
      const type = (m.spec as Json | undefined)?.type;
      if (type !== 'NodePort' && type !== 'LoadBalancer') continue;
      if (m.metadata?.annotations?.[PolicyLabels.INGRESS] === 'true') continue;
      if (ctx.options.ingressServices.includes(`${namespaceOf(m)}/${m.metadata?.name ?? ''}`)) continue;
      out.push({
        object: o, path: 'spec.type',
        message: `Service type ${type} exposes the service outside the cluster but it is not declared as ingress`,
      });
    }
    return out;
  },
};

/** The sovereignty pack (ids `sovereignty/*`). */
export class SovereigntyPack {
  /** All sovereignty rules, supply chain (registries, digests) included. */
  public static create(): RulePack {
    return new RulePack('sovereignty', [
      defaultDeny, egressDestination, egressIpBlock, approvedRegistry, imageDigest, modelSource, telemetry, serviceExposure,
    ]);
  }

  private constructor() {}
}
