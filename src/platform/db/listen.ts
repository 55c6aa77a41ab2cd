import type pg from 'pg';
import type { Logger } from 'pino';

export interface ChangeListener {
  /** True while the LISTEN connection is up: notices sent from now on will arrive. */
  readonly live: boolean;
  stop(): Promise<void>;
}

export interface NoticeHandlers {
  /** A notice on the channel, with its payload ('' when none). */
  onNotice(payload: string): void;
  /**
   * The connection was (re)established or lost: notices may have been missed meanwhile, so
   * whatever was kept on their strength must be dropped.
   */
  onGap(): void;
}

interface Subscription {
  channel: string;
  handlers: NoticeHandlers;
  live: boolean;
}

/** One connection of a pool that LISTENs for every subscription of the process. */
interface SharedConnection {
  subscriptions: Set<Subscription>;
  client: pg.PoolClient | null;
  connecting: boolean;
  timer: NodeJS.Timeout | null;
  /** LISTENs run one after another on the connection. */
  queue: Promise<void>;
  logger: Logger;
}

// Per pool, so that a process listening on several channels takes one pooled connection.
const shared = new WeakMap<pg.Pool, SharedConnection>();

/**
 * Calls `handlers` for notices on `channel`, for an in-process cache. All channels of a pool share
 * one pooled connection; a dropped one is replaced after a short wait, and `onGap` runs when it
 * drops and when it is back.
 */
export function listenForNotices(
  pool: pg.Pool,
  channel: string,
  handlers: NoticeHandlers,
  logger: Logger,
): ChangeListener {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name ${channel}`);
  let s = shared.get(pool);
  if (!s) {
    s = {
      subscriptions: new Set(),
      client: null,
      connecting: false,
      timer: null,
      queue: Promise.resolve(),
      logger,
    };
    shared.set(pool, s);
  }
  const conn = s;
  const sub: Subscription = { channel, handlers, live: false };
  conn.subscriptions.add(sub);
  if (conn.client) listenAll(pool, conn, conn.client);
  else connect(pool, conn);
  return {
    get live() {
      return sub.live;
    },
    async stop() {
      if (!conn.subscriptions.delete(sub)) return;
      sub.live = false;
      const c = conn.client;
      if (conn.subscriptions.size === 0) {
        if (conn.timer) clearTimeout(conn.timer);
        conn.timer = null;
        conn.client = null;
        if (c) {
          await conn.queue;
          await c.query('UNLISTEN *').catch(() => undefined);
          c.release();
        }
      } else if (c && ![...conn.subscriptions].some((other) => other.channel === channel)) {
        await c.query(`UNLISTEN ${channel}`).catch(() => undefined);
      }
    },
  };
}

function connect(pool: pg.Pool, s: SharedConnection): void {
  if (s.connecting || s.client || s.subscriptions.size === 0) return;
  s.connecting = true;
  void (async () => {
    try {
      const c = await pool.connect();
      s.connecting = false;
      if (s.subscriptions.size === 0) {
        c.release();
        return;
      }
      s.client = c;
      c.on('notification', (msg) => {
        for (const sub of s.subscriptions)
          if (sub.live && sub.channel === msg.channel) sub.handlers.onNotice(msg.payload ?? '');
      });
      // A connection is given back once: an error after the last stop (the server shutting
      // down) or a second error of the same connection finds it already released.
      c.on('error', () => drop(pool, s, c));
      listenAll(pool, s, c);
    } catch (error) {
      s.connecting = false;
      s.logger.warn({ action: 'db.listen.failed', err: error }, 'change listener failed');
      schedule(pool, s);
    }
  })();
}

/** LISTENs on the channels of the subscriptions not yet live, then tells them of the gap. */
function listenAll(pool: pg.Pool, s: SharedConnection, c: pg.PoolClient): void {
  s.queue = s.queue.then(async () => {
    const waiting = [...s.subscriptions].filter((sub) => !sub.live);
    try {
      for (const channel of new Set(waiting.map((sub) => sub.channel))) {
        if (s.client !== c) return;
        await c.query(`LISTEN ${channel}`);
      }
    } catch (error) {
      s.logger.warn({ action: 'db.listen.failed', err: error }, 'change listener failed');
      drop(pool, s, c);
      return;
    }
    if (s.client !== c) return;
    for (const sub of waiting) {
      if (!s.subscriptions.has(sub)) continue;
      sub.live = true;
      sub.handlers.onGap();
    }
  });
}

function drop(pool: pg.Pool, s: SharedConnection, c: pg.PoolClient): void {
  if (s.client !== c) return;
  s.client = null;
  c.release(true);
  for (const sub of s.subscriptions) {
    sub.live = false;
    sub.handlers.onGap();
  }
  schedule(pool, s);
}

function schedule(pool: pg.Pool, s: SharedConnection): void {
  if (s.timer || s.subscriptions.size === 0) return;
  s.timer = setTimeout(() => {
    s.timer = null;
    connect(pool, s);
  }, 1000);
  s.timer.unref();
}
