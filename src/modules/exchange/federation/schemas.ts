import { z } from 'zod';

export const peerIdParams = z.object({ id: z.uuid() });
export const peerAgencyParams = z.object({ id: z.uuid(), agencyId: z.uuid() });

const nodeId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._:-]+$/)
  .describe("The peer's node id: the OrganId of its TraceHeader (its NODE_ID / host of BASE_URL)");
const baseUrl = z
  .string()
  .max(500)
  .regex(/^https?:\/\/[^\s]+$/)
  .describe("The peer's base URL, e.g. https://lienthong.tinh.gov.vn");
const publicKey = z.string().min(40).max(4000).describe("The peer's public key, PEM (SPKI), Ed25519 or RSA");

export const peerCreateBody = z.object({
  name: z.string().min(1).max(200),
  nodeId,
  baseUrl,
  publicKey,
  status: z.enum(['active', 'disabled']).optional(),
});
export const peerUpdateBody = peerCreateBody.omit({ nodeId: true }).partial();
export const hostBody = z.object({
  agency: z
    .string()
    .min(1)
    .max(64)
    .describe('Directory id or a code (QĐ20) of the agency hosted on the peer'),
});

export const peerSchema = z.object({
  id: z.uuid(),
  name: z.string().max(200),
  nodeId: z.string().max(64),
  baseUrl: z.string().max(500),
  publicKey: z.string().max(4000),
  status: z.enum(['active', 'disabled']),
  agencies: z.array(z.object({ id: z.uuid(), name: z.string().max(500).nullable() })).max(5000),
  updatedAt: z.string().max(40),
});
export const peerListSchema = z.object({ items: z.array(peerSchema).max(500) });

export const nodeSchema = z.object({
  nodeId: z.string().max(64),
  publicKey: z.string().max(4000),
});

export const handOverSchema = z.object({
  packetId: z.uuid().describe("The packet's id on this (receiving) instance"),
  duplicate: z.boolean(),
});
