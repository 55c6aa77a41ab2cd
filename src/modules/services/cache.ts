import { LRUCache } from 'lru-cache';

/**
 * Published versions by procedure code, kept in this process. Publishing or unpublishing here
 * drops the entry at once; another process's change is seen after at most `ttlMs`.
 */
export function createPublishedCache<V extends object>(o: { max?: number; ttlMs?: number } = {}) {
  const cache = new LRUCache<string, V>({ max: o.max ?? 5000, ttl: o.ttlMs ?? 30_000 });
  return {
    get: (code: string) => cache.get(code),
    set: (code: string, value: V) => void cache.set(code, value),
    drop: (code: string) => void cache.delete(code),
    clear: () => cache.clear(),
  };
}
export type PublishedCache<V extends object> = ReturnType<typeof createPublishedCache<V>>;
