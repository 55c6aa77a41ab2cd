// Posting the counter intake page as a browser without JavaScript does (multipart, the page's
// CSRF token), for the intake tests.
import type { PageClient } from '../support/client.ts';

export interface IntakeFile {
  field: string;
  bytes: Buffer;
  name: string;
}

/** Opens the intake page of `procedureCode` and posts it with these fields and files. */
export async function postIntakePage(
  baseUrl: string,
  desk: PageClient,
  procedureCode: string,
  fields: Record<string, string>,
  files: IntakeFile[],
): Promise<{ status: number; html: string }> {
  await desk.get(`/one-stop/intake?procedure=${procedureCode}`);
  const body = new FormData();
  body.set('_csrf', desk.csrfToken());
  for (const [k, v] of Object.entries(fields)) body.set(k, v);
  for (const f of files) body.append(f.field, new Blob([new Uint8Array(f.bytes)]), f.name);
  const r = await fetch(`${baseUrl}/one-stop/intake?procedure=${procedureCode}`, {
    method: 'POST',
    body,
    redirect: 'manual',
    headers: { cookie: desk.cookieHeader(), accept: 'text/html' },
  });
  const html = await r.text();
  desk.lastHtml = html;
  return { status: r.status, html };
}
