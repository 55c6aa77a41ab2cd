/**
 * A small HTTP client that behaves like a browser without JavaScript: it keeps cookies,
 * follows nothing automatically, and fills the CSRF token from the last page it read.
 */
export class PageClient {
  readonly baseUrl: string;
  private cookies = new Map<string, string>();
  lastHtml = '';

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  private store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(
    method: string,
    path: string,
    init: { body?: string; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const response = await fetch(this.baseUrl + path, {
      method,
      redirect: 'manual',
      headers: { accept: 'text/html', cookie: this.cookieHeader(), ...init.headers },
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    this.store(response);
    return response;
  }

  /** GET a page and remember its HTML (for the CSRF token). */
  async get(path: string): Promise<{ status: number; html: string; response: Response }> {
    const response = await this.request('GET', path);
    const html = await response.text();
    if ((response.headers.get('content-type') ?? '').includes('text/html')) this.lastHtml = html;
    return { status: response.status, html, response };
  }

  csrfToken(): string {
    const match = /name="_csrf" value="([^"]+)"/.exec(this.lastHtml);
    if (!match?.[1]) throw new Error('no CSRF token on the last page');
    return match[1];
  }

  /** POST a form as a browser would, with the CSRF token of the last page. */
  async post(
    path: string,
    fields: Record<string, string | string[]>,
    withCsrf = true,
  ): Promise<{ status: number; html: string; location: string | null; response: Response }> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields))
      for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
    if (withCsrf && !('_csrf' in fields)) body.set('_csrf', this.csrfToken());
    const response = await this.request('POST', path, {
      body: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const html = await response.text();
    if ((response.headers.get('content-type') ?? '').includes('text/html')) this.lastHtml = html;
    return { status: response.status, html, location: response.headers.get('location'), response };
  }
}

/** JSON API calls with an optional bearer token. */
export async function api<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  o: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await fetch(baseUrl + path, {
    method,
    headers: {
      accept: 'application/json',
      ...(o.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
      ...o.headers,
    },
    ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: body as T, headers: response.headers };
}
