import { PodView, podViews } from './pod-specs';
import { PolicyObject, RuleContext } from './types';

const cache = new WeakMap<PolicyObject, PodView[]>();

/** {@link podViews}, computed once per policy object (objects are immutable during a run). */
export function cachedPodViews(o: PolicyObject): PodView[] {
  let v = cache.get(o);
  if (!v) {
    v = podViews(o);
    cache.set(o, v);
  }
  return v;
}

/** An object of a rule context that runs pods, with its pod views. */
export interface PodObject {
  readonly object: PolicyObject;
  readonly views: readonly PodView[];
}

const podObjectsCache = new WeakMap<RuleContext, readonly PodObject[]>();

/**
 * The objects of the context that have pod views, in context order, listed once per context (every rule of a
 * run gets the same context): rules that only look at pods iterate these instead of every object.
 */
export function podObjects(ctx: RuleContext): readonly PodObject[] {
  let list = podObjectsCache.get(ctx);
  if (!list) {
    const found: PodObject[] = [];
    for (const object of ctx.objects) {
      const views = cachedPodViews(object);
      if (views.length > 0) found.push({ object, views });
    }
    list = found;
    podObjectsCache.set(ctx, list);
  }
  return list;
}
