import { z } from 'zod';

export const registrationBody = z.object({
  kind: z.enum(['citizen', 'business']),
  fullName: z.string().max(200),
  email: z.string().max(254).optional(),
  phone: z.string().max(32).optional(),
  password: z.string().max(200),
  personalId: z.string().max(20).optional(),
  taxCode: z.string().max(20).optional(),
});
export const registrationStarted = z.object({
  registrationId: z.uuid(),
  channel: z.enum(['email', 'sms']),
  expiresAt: z.string().max(40),
});
export const verifyBody = z.object({ code: z.string().max(20) });
export const registrationParams = z.object({ id: z.uuid() });

const adminUnit = z.object({ code: z.string().max(10), name: z.string().max(200) });
const nullableUnit = z.object({ code: z.string().max(10).nullable(), name: z.string().max(200).nullable() });
export const addressSchema = z.object({
  kind: z.enum(['permanent', 'current']),
  street: z.string().max(300),
  province: adminUnit,
  commune: adminUnit,
  old: z.object({ province: nullableUnit, district: nullableUnit, commune: nullableUnit }).nullable(),
  mappingVersion: z.string().max(40),
  updatedAt: z.string().max(40),
});
export const addressBody = z.object({
  street: z.string().max(300),
  provinceCode: z.string().max(10),
  communeCode: z.string().max(10),
  oldProvinceCode: z.string().max(10).optional(),
  oldProvinceName: z.string().max(200).optional(),
  oldDistrictCode: z.string().max(10).optional(),
  oldDistrictName: z.string().max(200).optional(),
  oldCommuneCode: z.string().max(10).optional(),
  oldCommuneName: z.string().max(200).optional(),
});
export const profileSchema = z.object({
  accountId: z.uuid(),
  kind: z.enum(['citizen', 'business']),
  fullName: z.string().max(200),
  email: z.string().max(254).nullable(),
  phone: z.string().max(32).nullable(),
  personalIdMasked: z.string().max(40).nullable(),
  personalIdVerified: z.boolean(),
  taxCode: z.string().max(20).nullable(),
  addresses: z.array(addressSchema).max(2),
});
export const accessLogSchema = z.object({
  entries: z
    .array(
      z.object({
        at: z.string().max(40),
        accessorKind: z.enum(['official', 'oidc_client', 'system']),
        accessorName: z.string().max(200),
        agencyName: z.string().max(500).nullable(),
        what: z.enum(['profile', 'personal_id', 'lookup']),
        requestId: z.string().max(200),
      }),
    )
    .max(500),
});
export const lookupBody = z.object({ personalId: z.string().max(20) });
export const oidcClientSchema = z.object({
  clientId: z.string().max(100),
  name: z.string().max(200),
  redirectUris: z.array(z.string().max(500)).max(10),
  postLogoutRedirectUris: z.array(z.string().max(500)).max(10),
  scopes: z.array(z.string().max(40)).max(10),
  status: z.enum(['active', 'disabled']),
  createdAt: z.string().max(40),
});
export const oidcClientBody = z.object({
  name: z.string().max(200),
  redirectUris: z.array(z.string().max(500)).max(10),
  postLogoutRedirectUris: z.array(z.string().max(500)).max(10).optional(),
  scopes: z.array(z.string().max(40)).max(10),
});
export const oidcClientParams = z.object({ clientId: z.string().max(100) });
