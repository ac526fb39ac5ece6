import { PodView, podViews } from './pod-specs';
import { PolicyObject } from './types';

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
