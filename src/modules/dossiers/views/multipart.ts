/**
 * The upload forms' `multipart/form-data` (a browser without JavaScript posts a file input this
 * way), read by the kernel's reader (`src/platform/http/multipart.ts`): the route's body limit
 * bounds the whole; parts, each field's size and the files are bounded there.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../../platform/http/types.ts';
import { table } from '../../../platform/pages/components.ts';
import { html, type HtmlValue } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import { multipartParser } from '../../../platform/http/multipart.ts';

export interface PostedFile {
  field: string;
  filename: string;
  data: Buffer;
}

/** A parsed form: text fields (repeated names become lists) and files. */
export type PostedForm = Record<string, string | string[] | PostedFile[]> & { files: PostedFile[] };

/** Lets routes registered in `scope` (only) accept multipart bodies up to `bodyLimit` bytes. */
export function acceptMultipart(scope: FastifyInstance, bodyLimit: number, maxFiles: number): void {
  scope.addContentTypeParser(
    'multipart/form-data',
    { parseAs: 'buffer', bodyLimit },
    multipartParser({ maxParts: 100, maxFieldBytes: 64 * 1024, maxFiles }),
  );
}

/**
 * Registers a POST `path` (with an `:id` parameter) that takes a multipart upload, in its own
 * scope; `handle` gets the dossier id and the parsed form.
 */
export async function registerUpload(
  app: App,
  path: string,
  bodyLimit: number,
  handle: (request: FastifyRequest, reply: FastifyReply, id: string, posted: PostedForm) => Promise<unknown>,
): Promise<void> {
  await app.register((scope, _o, done) => {
    acceptMultipart(scope, bodyLimit, 1);
    scope
      .withTypeProvider<ZodTypeProvider>()
      .post(
        path,
        { bodyLimit, schema: { hide: true, params: z.object({ id: z.uuid() }) } },
        (request, reply) => handle(request, reply, request.params.id, request.body as PostedForm),
      );
    done();
  });
}

/** The link to the next page of a cursor-paged list (none on the last page). */
export function nextPageLink(href: string | null, label: string): HtmlValue {
  return href ? html`<p><a rel="next" href="${href}">${label} →</a></p>` : '';
}

/** A page with a heading and one table (lists and statistics). */
export function tablePage(
  request: FastifyRequest,
  reply: FastifyReply,
  o: { title: string; headers: string[]; rows: HtmlValue[][]; empty: string },
): string {
  return renderPage(request, reply, {
    title: o.title,
    body: html`<h1>${o.title}</h1>
      ${table({ caption: o.title, headers: o.headers, rows: o.rows, empty: o.empty })}`,
  });
}
