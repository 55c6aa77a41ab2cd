import { LRUCache } from 'lru-cache';
import type pg from 'pg';
import type { Logger } from 'pino';

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

export interface ChangeListener {
  stop(): Promise<void>;
}

/**
 * Holds one connection that LISTENs on `directory_changed` and clears `cache` on every
 * notice. A dropped connection is replaced after a short wait, clearing the cache as well
 * (notices may have been missed meanwhile).
 */
export function listenForChanges(pool: pg.Pool, cache: ResolutionCache, logger: Logger): ChangeListener {
  let client: pg.PoolClient | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const connect = async (): Promise<void> => {
    if (stopped) return;
    try {
      const c = await pool.connect();
      if (stopped) {
        c.release();
        return;
      }
      client = c;
      c.on('notification', (msg) => {
        if (msg.channel === 'directory_changed') cache.clear();
      });
      // A connection is given back once: an error after stop() (the server shutting down) or a
      // second error of the same connection finds it already released.
      c.on('error', () => {
        if (client !== c) return;
        client = null;
        c.release(true);
        cache.clear();
        schedule();
      });
      await c.query('LISTEN directory_changed');
      cache.clear();
    } catch (error) {
      logger.warn({ action: 'directory.listen.failed', err: error }, 'directory change listener failed');
      client = null;
      schedule();
    }
  };
  const schedule = () => {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, 1000);
    timer.unref();
  };
  void connect();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = null;
      if (c) {
        await c.query('UNLISTEN directory_changed').catch(() => undefined);
        c.release();
      }
    },
  };
}
