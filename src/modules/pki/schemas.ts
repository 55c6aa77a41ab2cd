import { z } from 'zod';
import { revocationReasons } from './ca.ts';

const pem = z.string().max(20_000);

export const certificateSchema = z
  .object({
    id: z.uuid(),
    holderKind: z.enum(['agency', 'official']),
    agencyId: z.uuid(),
    agencyCode: z.string().max(100),
    accountId: z.uuid().nullable(),
    subject: z.string().max(1000),
    serialNumber: z.string().max(100),
    fingerprintSha256: z.string().max(64),
    notBefore: z.string().max(40),
    notAfter: z.string().max(40),
    status: z.enum(['active', 'revoked', 'expired']),
    revokedAt: z.string().max(40).nullable(),
    revocationReason: z.string().max(50).nullable(),
    certificatePem: pem,
  })
  .meta({ id: 'PkiCertificate' });

export const issueBodySchema = z
  .object({
    holderKind: z.enum(['agency', 'official']),
    agencyId: z.uuid(),
    agencyCode: z.string().min(1).max(100),
    agencyName: z.string().min(1).max(300),
    organizationInCharge: z.string().min(1).max(300).optional(),
    accountId: z.uuid().optional(),
    fullName: z.string().min(1).max(200).optional(),
    validDays: z.number().int().min(1).max(3650).default(730),
  })
  .refine((b) => b.holderKind === 'agency' || (b.fullName && b.accountId), {
    message: 'fullName and accountId are required for an official',
    path: ['fullName'],
  });

export const revokeBodySchema = z.object({ reason: z.enum(revocationReasons) });

export const trustAnchorSchema = z
  .object({
    id: z.uuid(),
    name: z.string().max(300),
    kind: z.enum(['internal', 'external']),
    subject: z.string().max(1000),
    fingerprintSha256: z.string().max(64),
    notBefore: z.string().max(40),
    notAfter: z.string().max(40),
    certificatePem: pem,
  })
  .meta({ id: 'PkiTrustAnchor' });

export const addTrustAnchorBodySchema = z.object({
  name: z.string().min(1).max(300),
  certificatePem: pem.min(1),
});

export const idParams = z.object({ id: z.uuid() });
export const listQuery = z.object({
  agencyId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
