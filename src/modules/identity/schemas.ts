import { z } from 'zod';
import { officialRoles } from '../../platform/context.ts';

export const roleSchema = z.enum(officialRoles);
export const usernameSchema = z
  .string()
  .min(3)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, underscore and hyphen only');
export const scopeSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9_.:-]*$/, 'lower-case letters, digits and . _ : -');
const isoDateTime = z.string().max(40);

/** An account as the API shows it: never a password hash or a TOTP secret. */
export const accountSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(['official', 'citizen', 'business']),
    username: z.string().max(64),
    fullName: z.string().max(200),
    email: z.string().max(254),
    phone: z.string().max(32).nullable(),
    status: z.enum(['active', 'disabled']),
    agencyId: z.uuid().nullable(),
    unitId: z
      .uuid()
      .nullable()
      .describe('The unit (a directory agency below the agency) the official belongs to'),
    roles: z.array(roleSchema).max(officialRoles.length),
    totpEnabled: z.boolean(),
    lockedUntil: isoDateTime.nullable(),
    mustChangePassword: z.boolean(),
    createdAt: isoDateTime,
  })
  .meta({ id: 'Account' });

export const listAccountsQuery = z.object({
  agencyId: z.uuid().optional(),
  q: z.string().max(100).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
});

export const createAccountBody = z.object({
  username: usernameSchema,
  fullName: z.string().trim().min(1).max(200),
  email: z.email().max(254),
  phone: z.string().max(32).nullable().optional(),
  agencyId: z.uuid(),
  unitId: z.uuid().nullable().optional().describe('A unit of the agency the official belongs to'),
  roles: z.array(roleSchema).max(officialRoles.length),
  password: z.string().min(10).max(200).optional(),
});

export const updateAccountBody = z.object({
  fullName: z.string().trim().min(1).max(200).optional(),
  email: z.email().max(254).optional(),
  phone: z.string().max(32).nullable().optional(),
  status: z.enum(['active', 'disabled']).optional(),
});

export const membershipBody = z.object({
  agencyId: z.uuid(),
  roles: z.array(roleSchema).max(officialRoles.length),
  unitId: z
    .uuid()
    .nullable()
    .optional()
    .describe('A unit of the agency (null: none; absent: unchanged, or none after a move)'),
});

export const membershipSchema = z.object({
  agencyId: z.uuid(),
  unitId: z.uuid().nullable(),
  roles: z.array(roleSchema).max(officialRoles.length),
  validFrom: isoDateTime,
  validTo: isoDateTime.nullable(),
});

export const clientSchema = z
  .object({
    id: z.uuid().describe('The client_id for the token endpoint'),
    agencyId: z.uuid(),
    name: z.string().max(200),
    scopes: z.array(z.string().max(64)).max(20),
    status: z.enum(['active', 'disabled']),
    createdAt: isoDateTime,
  })
  .meta({ id: 'MachineClient' });

export const createClientBody = z.object({
  agencyId: z.uuid().optional(),
  name: z.string().trim().min(1).max(200),
  scopes: z.array(scopeSchema).max(20).default([]),
});

export const statusBody = z.object({ status: z.enum(['active', 'disabled']) });
export const idParams = z.object({ id: z.uuid() });

/** The token request: form or JSON; fields are checked by hand to answer RFC 6749 errors. */
export const tokenRequest = z.object({
  grant_type: z.string().max(100).optional(),
  client_id: z.string().max(200).optional(),
  client_secret: z.string().max(200).optional(),
  scope: z.string().max(1000).optional(),
});
export const tokenResponse = z
  .object({
    access_token: z.string().max(4096),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int(),
    scope: z.string().max(1000),
  })
  .meta({ id: 'AccessToken' });
export const oauthErrorSchema = z
  .object({
    error: z.enum(['invalid_request', 'invalid_client', 'invalid_scope', 'unsupported_grant_type']),
    error_description: z.string().max(500).optional(),
  })
  .meta({ id: 'OAuthError' });

export const whoamiSchema = z.object({
  kind: z.enum(['anonymous', 'official', 'client', 'citizen', 'system']),
  accountId: z.uuid().nullable(),
  clientId: z.uuid().nullable(),
  agencyId: z.uuid().nullable(),
  unitId: z.uuid().nullable(),
  roles: z.array(roleSchema).max(officialRoles.length),
  scopes: z.array(z.string().max(64)).max(50),
});
