import pino, { type Logger } from 'pino';

interface RequestLike {
  id?: unknown;
  method?: string;
  url?: string;
  routeOptions?: { url?: string };
}

/**
 * The process logger. Requests are logged by method, path and route only: query strings,
 * headers, cookies, bodies and client addresses can carry personal data or secrets.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'lienthong' },
      redact: {
        paths: [
          'password',
          '*.password',
          'token',
          '*.token',
          'secret',
          '*.secret',
          'authorization',
          '*.authorization',
          'cookie',
          '*.cookie',
          'headers',
          '*.headers',
        ],
        censor: '[redacted]',
      },
      serializers: {
        req: (req: RequestLike) => ({
          id: req.id,
          method: req.method,
          path: (req.url ?? '').split('?')[0],
          route: req.routeOptions?.url,
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
        err: pino.stdSerializers.err,
      },
    },
    destination,
  );
}
