import { LRUCache } from 'lru-cache';
import type pg from 'pg';
import type { Logger } from 'pino';
import { listenForNotices, type ChangeListener } from '../../platform/db/listen.ts';
import { UUID_PATTERN as UUID } from '../../platform/ids.ts';
import type { SessionWithAccount } from './repo.ts';

/** The notice channel: payload the account whose sessions changed (migration 202611240201). */
const SESSIONS_CHANGED = 'identity_sessions_changed';

/**
 * Validated sessions of this process, so that a request does not read its session row: an
 * entry is used for a few seconds at most, and only while this process listens for
 * `identity_sessions_changed` (a trigger sends it, with the account's id, at the commit of
 * anything that ends a session or changes its holder's name, status, agency, roles or unit).
 * The service forgets an account here itself right after such a commit, so this process refuses
 * at once; other processes forget it when the notice arrives. Only sessions that passed every
 * check are kept: an unknown, revoked or expired token always goes to the database.
 */
export interface SessionCache {
  /** The row kept for `key` (the token's hash) if it is younger than the bound at `now`. */
  get(key: string, now: number): SessionWithAccount | undefined;
  /** Taken before reading a session from the database; `set` drops a row whose account was forgotten since. */
  ticket(): number;
  set(key: string, row: SessionWithAccount, ticket: number, now: number): void;
  /** Drops every session of an account (sign-out, revocation, a change of the account). */
  forgetAccount(accountId: string): void;
  clear(): void;
  /** Listens for other processes' changes; the cache is used only while this listener is live. */
  listen(pool: pg.Pool, logger: Logger): ChangeListener;
  /** True while sessions are kept: the listener is live. */
  readonly listening: boolean;
}

interface Entry {
  row: SessionWithAccount;
  storedAt: number;
}

/** A cache of at most `max` sessions, each trusted for `ttlMs` (by the identity clock). */
export function createSessionCache(o: { ttlMs?: number; max?: number } = {}): SessionCache {
  const ttlMs = o.ttlMs ?? 5_000;
  const lru = new LRUCache<string, Entry>({ max: o.max ?? 10_000 });
  let listener: ChangeListener | null = null;
  // Every forget gets the next number. A row read from the database after `ticket()` gave T is
  // stale if its account was forgotten with a number above T, or everything was (`floor`).
  let counter = 0;
  let floor = 0;
  const forgottenAt = new LRUCache<string, number>({
    max: 10_000,
    // Forgetting that an account was forgotten would trust rows read before: everything older goes.
    dispose: (n, _account, reason) => {
      if (reason === 'evict') floor = Math.max(floor, n);
    },
  });
  const enabled = () => listener?.live === true;
  const clear = () => {
    counter += 1;
    floor = counter;
    forgottenAt.clear();
    lru.clear();
  };
  const forgetAccount = (accountId: string) => {
    counter += 1;
    forgottenAt.set(accountId, counter);
    const keys: string[] = [];
    lru.forEach((e, key) => {
      if (e.row.account_id === accountId) keys.push(key);
    });
    for (const key of keys) lru.delete(key);
  };
  return {
    get listening() {
      return enabled();
    },
    get(key, now) {
      if (!enabled()) return undefined;
      const e = lru.get(key);
      if (!e) return undefined;
      // A clock going backwards (tests, a corrected host clock) counts as stale too.
      if (now - e.storedAt >= ttlMs || now < e.storedAt) {
        lru.delete(key);
        return undefined;
      }
      return e.row;
    },
    ticket: () => counter,
    set(key, row, ticket, now) {
      if (!enabled() || floor > ticket || (forgottenAt.get(row.account_id) ?? 0) > ticket) return;
      lru.set(key, { row, storedAt: now });
    },
    forgetAccount,
    clear,
    listen(pool, logger) {
      const l = listenForNotices(
        pool,
        SESSIONS_CHANGED,
        {
          onNotice: (payload) => (UUID.test(payload) ? forgetAccount(payload) : clear()),
          onGap: clear,
        },
        logger,
      );
      listener = l;
      return {
        get live() {
          return l.live;
        },
        async stop() {
          if (listener === l) listener = null;
          clear();
          await l.stop();
        },
      };
    },
  };
}
