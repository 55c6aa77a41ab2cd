import { LRUCache } from 'lru-cache';
import type pg from 'pg';
import type { Logger } from 'pino';
import { listenForNotices, type ChangeListener } from '../../platform/db/listen.ts';

/**
 * In-process cache of resolutions and agency summaries. Any directory write clears it here at
 * once and, through `NOTIFY directory_changed` sent in the write's transaction, in every other
 * process that runs `listenForChanges`.
 */
export interface ResolutionCache {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  clear(): void;
}

export function createResolutionCache(max = 20_000): ResolutionCache {
  // Null answers ("no such code") are cached too, as a sentinel: LRUCache refuses null values.
  const lru = new LRUCache<string, object>({ max });
  const NULL = { null: true };
  return {
    get<T>(key: string): T | undefined {
      const v = lru.get(key);
      if (v === undefined) return undefined;
      return (v === NULL ? null : v) as T;
    },
    set(key, value) {
      lru.set(key, value === null || value === undefined ? NULL : value);
    },
    clear() {
      lru.clear();
    },
  };
}

export type { ChangeListener };

/**
 * Clears `cache` on every `directory_changed` notice, and whenever the listening connection
 * drops or comes back (notices may have been missed meanwhile).
 */
export function listenForChanges(pool: pg.Pool, cache: ResolutionCache, logger: Logger): ChangeListener {
  return listenForNotices(
    pool,
    'directory_changed',
    { onNotice: () => cache.clear(), onGap: () => cache.clear() },
    logger,
  );
}
