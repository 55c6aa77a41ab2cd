/**
 * @peculiar/x509 registers its algorithms with tsyringe, which needs three `Reflect` metadata
 * functions (the `reflect-metadata` package is not a dependency). This module provides them,
 * with the same semantics for the calls tsyringe makes, and must be imported before x509.
 */
type Target = object;
const store = new WeakMap<Target, Map<unknown, unknown>>();

const reflect = Reflect as unknown as Record<string, unknown>;
if (typeof reflect['getMetadata'] !== 'function') {
  const own = (key: unknown, target: Target): unknown => store.get(target)?.get(key);
  reflect['defineMetadata'] = (key: unknown, value: unknown, target: Target): void => {
    let map = store.get(target);
    if (!map) store.set(target, (map = new Map()));
    map.set(key, value);
  };
  reflect['getOwnMetadata'] = own;
  reflect['getMetadata'] = (key: unknown, target: Target): unknown => {
    for (let t: Target | null = target; t; t = Object.getPrototypeOf(t) as Target | null) {
      const map = store.get(t);
      if (map?.has(key)) return map.get(key);
    }
    return undefined;
  };
}
