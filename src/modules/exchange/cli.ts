/**
 * `lienthong edxml inspect FILE [--trust CA.pem]` and `lienthong edxml validate FILE`: what an
 * integrator's packet contains and whether the axis would accept it, as JSON. No database.
 */
import { readFile, stat } from 'node:fs/promises';
import { closeVerifyPool, verifyEdxmlSignature } from '../pki/index.ts';
import {
  DEFAULT_MAX_PACKET_BYTES,
  EdxmlError,
  businessDocTypeNames,
  canonicalDocumentId,
  edxmlError,
  readEdxml,
  type EdxmlPacket,
} from './edxml/index.ts';

type SignatureReport = Awaited<ReturnType<typeof verifyEdxmlSignature>>;

interface CliArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function errorJson(error: unknown): { error: Record<string, unknown> } {
  if (error instanceof EdxmlError)
    return {
      error: {
        code: error.code,
        message: error.text.vi,
        messages: error.text,
        field: error.field,
        issues: error.issues,
      },
    };
  const message = error instanceof Error ? error.message : String(error);
  return { error: { code: 'EDXML_FILE_UNREADABLE', message, messages: { vi: message, en: message } } };
}

/** Reads the file whole (inspection needs the exact bytes for the signature), refusing oversize files first. */
async function readPacketFile(file: string): Promise<{ bytes: Buffer; packet: EdxmlPacket }> {
  const info = await stat(file);
  if (info.size > DEFAULT_MAX_PACKET_BYTES)
    throw edxmlError('EDXML_TOO_LARGE', null, `limit ${DEFAULT_MAX_PACKET_BYTES} bytes`);
  const bytes = await readFile(file);
  return { bytes, packet: await readEdxml(bytes) };
}

/** The signature result, from the pki module (the one place the codec meets signatures). */
async function signatureOf(bytes: Buffer, trustFile: string | undefined): Promise<SignatureReport> {
  const extraTrustAnchorsPem = trustFile ? [await readFile(trustFile, 'utf8')] : [];
  try {
    return await verifyEdxmlSignature(bytes, { extraTrustAnchorsPem });
  } finally {
    await closeVerifyPool();
  }
}

/** The packet as integrators read it: what it says, what its files are, who signed it. */
export function describePacket(packet: EdxmlPacket, signature: SignatureReport): Record<string, unknown> {
  const h = packet.header;
  const b = packet.business;
  const common = {
    attachments: packet.attachments.map((a) => ({
      contentId: a.contentId,
      name: a.name,
      contentType: a.declaredContentType,
      sniffedType: a.sniffedType,
      zipped: a.zipped,
      innerName: a.innerName,
      bytes: a.bytes,
      sha256: a.sha256,
    })),
    traces: packet.traces,
    signature,
    unknown: packet.unknown,
  };
  if (packet.kind === 'status' || !h) {
    const s = packet.status;
    return {
      kind: packet.kind,
      statusCode: s?.statusCode ?? null,
      responseFor: s?.responseFor ?? null,
      from: s?.from ?? null,
      description: s?.description ?? null,
      timestamp: s?.timestamp ?? null,
      staffInfo: s?.staffInfo ?? null,
      ...common,
    };
  }
  return {
    kind: packet.kind,
    businessType: b?.docType ?? null,
    businessTypeName:
      b?.docType !== null && b?.docType !== undefined ? businessDocTypeNames[b.docType] : null,
    businessTarget: b?.documentId ?? null,
    from: h.from,
    to: h.to,
    documentId: h.documentId,
    canonicalDocumentId: canonicalDocumentId(
      h.from?.organId ?? null,
      h.promulgationInfo.date,
      h.code.number,
      h.code.notation,
    ),
    code: h.code,
    promulgationDate: h.promulgationInfo.date,
    place: h.promulgationInfo.place,
    documentType: h.documentType,
    subject: h.subject,
    priority: h.otherInfo?.priority ?? null,
    steeringType: h.steeringType,
    dueDate: h.dueDate,
    signer: h.signerInfo,
    responseFor: h.responseFor,
    receivers: b?.documentInfo?.receivers ?? [],
    replacements: b?.replacements ?? [],
    ...common,
  };
}

async function inspect({ values, positionals }: CliArgs): Promise<number> {
  const file = positionals[0];
  if (!file) {
    process.stderr.write('usage: lienthong edxml inspect FILE [--trust CA.pem]\n');
    return 2;
  }
  try {
    const { bytes, packet } = await readPacketFile(file);
    const trust = typeof values['trust'] === 'string' ? values['trust'] : undefined;
    print(describePacket(packet, await signatureOf(bytes, trust)));
    return 0;
  } catch (error) {
    print(errorJson(error));
    return 1;
  }
}

async function validate({ positionals }: CliArgs): Promise<number> {
  const file = positionals[0];
  if (!file) {
    process.stderr.write('usage: lienthong edxml validate FILE\n');
    return 2;
  }
  try {
    const { packet } = await readPacketFile(file);
    print({ valid: true, kind: packet.kind, issues: [] });
    return 0;
  } catch (error) {
    print({ valid: false, ...errorJson(error) });
    return 1;
  }
}

/** The exchange module's CLI commands, merged into `lienthong`'s table by src/cli/commands.ts. */
export const exchangeCliCommands = {
  'edxml inspect': {
    summary: 'Print an edXML packet as JSON: header, attachments (sniffed, sha256), signature, or the error',
    usage: 'lienthong edxml inspect FILE [--trust CA.pem]',
    options: {
      trust: { type: 'string' as const, description: 'PEM file of a CA certificate to trust for this run' },
    },
    run: inspect,
  },
  'edxml validate': {
    summary: 'Check an edXML packet as the axis would: exits 0 when valid, 1 with every issue otherwise',
    usage: 'lienthong edxml validate FILE',
    run: validate,
  },
};
