import client from 'prom-client';

/** Prometheus metrics of one process: Node defaults plus request counts and durations. */
export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'lienthong_' });
  const duration = new client.Histogram({
    name: 'lienthong_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return {
    contentType: registry.contentType,
    observe(method: string, route: string, status: number, elapsedMs: number) {
      duration.observe({ method, route, status: String(status) }, elapsedMs / 1000);
    },
    render: () => registry.metrics(),
  };
}
