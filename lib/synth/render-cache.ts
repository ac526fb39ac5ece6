import { ApiObject } from 'cdk8s';

/**
 * Objects rendered during one synthesis, by ApiObject. `synthesize` opens the cache once the app's validations
 * have run, before the policy packs (which render every object of the app to check them) look at the tree, and
 * takes each object out as it writes it, so an object is rendered once per synthesis and its JSON dropped as soon
 * as it is written. Outside a synthesis nothing is cached.
 */
let active: Map<ApiObject, unknown> | undefined;

/**
 * `apiObject.toJson()`, rendered once per synthesis: during a `synthesize` call the result is kept until the
 * synthesis writes the object. Callers must not modify the returned JSON.
 */
export function renderApiObject(apiObject: ApiObject): unknown {
  if (!active) return apiObject.toJson();
  if (active.has(apiObject)) return active.get(apiObject);
  const json = apiObject.toJson();
  active.set(apiObject, json);
  return json;
}

/** Opens the render cache (idempotent); returns a function that closes it. */
export function openRenderCache(): () => void {
  if (active) return () => undefined;
  active = new Map();
  return () => {
    active = undefined;
  };
}

/** The object's JSON, from the cache if it was rendered during this synthesis (and out of the cache), else rendered now. */
export function takeRendered(apiObject: ApiObject): unknown {
  if (active?.has(apiObject)) {
    const json = active.get(apiObject);
    active.delete(apiObject);
    return json;
  }
  return apiObject.toJson();
}
