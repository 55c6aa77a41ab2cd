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

/**
 * Holds one pooled connection that LISTENs on `channel` for an in-process cache. A dropped
 * connection is replaced after a short wait; `onGap` runs when it drops and when it is back.
 */
export function listenForNotices(
  pool: pg.Pool,
  channel: string,
  handlers: NoticeHandlers,
  logger: Logger,
): ChangeListener {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name ${channel}`);
  let client: pg.PoolClient | null = null;
  let listening = false;
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
        if (msg.channel === channel) handlers.onNotice(msg.payload ?? '');
      });
      // A connection is given back once: an error after stop() (the server shutting down) or a
      // second error of the same connection finds it already released.
      c.on('error', () => {
        if (client !== c) return;
        client = null;
        listening = false;
        c.release(true);
        handlers.onGap();
        schedule();
      });
      await c.query(`LISTEN ${channel}`);
      if (client !== c) return;
      listening = true;
      handlers.onGap();
    } catch (error) {
      logger.warn({ action: 'db.listen.failed', channel, err: error }, 'change listener failed');
      const c = client;
      client = null;
      listening = false;
      c?.release(true);
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
    get live() {
      return listening && !stopped;
    },
    async stop() {
      stopped = true;
      listening = false;
      if (timer) clearTimeout(timer);
      const c = client;
      client = null;
      if (c) {
        await c.query(`UNLISTEN ${channel}`).catch(() => undefined);
        c.release();
      }
    },
  };
}
