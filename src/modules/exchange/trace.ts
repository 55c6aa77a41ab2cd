import { Readable } from 'node:stream';
import { formatEdxmlTimestamp, isoAtUtc7 } from './edxml/index.ts';
import type { TraceInsertion } from './intake.ts';

const escapeXml = (s: string) =>
  s.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );

/** The XML of this hop's TraceHeader, with the prefix in scope at the insertion point. */
export function traceHeaderXml(insertion: TraceInsertion, organId: string, at: Date): string {
  const p = insertion.prefix;
  const header =
    `<${p}TraceHeader><${p}OrganId>${escapeXml(organId)}</${p}OrganId>` +
    `<${p}Timestamp>${formatEdxmlTimestamp(isoAtUtc7(at))}</${p}Timestamp></${p}TraceHeader>`;
  return insertion.mode === 'inside' ? header : `<${p}TraceHeaderList>${header}</${p}TraceHeaderList>`;
}

/**
 * The packet as delivered: the received bytes with this hop's TraceHeader spliced in at `offset`
 * (never a re-serialisation, so attachments and unknown elements travel byte for byte).
 */
export function deliveredStream(source: Readable, splice: { offset: number; xml: string } | null): Readable {
  if (!splice) return source;
  async function* spliced(): AsyncGenerator<Buffer> {
    let position = 0;
    let inserted = false;
    for await (const raw of source) {
      const chunk = raw as Buffer;
      const end = position + chunk.length;
      if (!inserted && splice && splice.offset <= end) {
        const cut = splice.offset - position;
        yield chunk.subarray(0, cut);
        yield Buffer.from(splice.xml, 'utf8');
        yield chunk.subarray(cut);
        inserted = true;
      } else yield chunk;
      position = end;
    }
  }
  return Readable.from(spliced());
}
