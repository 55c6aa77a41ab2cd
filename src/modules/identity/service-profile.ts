import { recordAudit } from '../../platform/audit/index.ts';
import { systemContext, type RequestContext } from '../../platform/context.ts';
import { Unauthenticated } from '../../platform/errors.ts';
import { checkPersonalId, normalisePersonalId } from './citizen-ids.ts';
import { CitizenInputInvalid, CitizenNotFound } from './errors.ts';
import { enforce, type CitizenServiceDeps } from './model.ts';
import { maskPersonalId, openPersonalId, personalIdHash } from './pii-crypto.ts';
import { mayReadCitizenData } from './policies.ts';
import type { AccessRow, AddressRow } from './repo-citizens.ts';

/** The structure of administrative units the 2025 pair refers to (the reform took effect 01/07/2025). */
export const ADMIN_UNITS_VERSION = '2025-07-01';

export type AddressKind = 'permanent' | 'current';

export interface AddressInput {
  street: string;
  provinceCode: string;
  communeCode: string;
  oldProvinceCode?: string | undefined;
  oldProvinceName?: string | undefined;
  oldDistrictCode?: string | undefined;
  oldDistrictName?: string | undefined;
  oldCommuneCode?: string | undefined;
  oldCommuneName?: string | undefined;
}

export interface AddressView {
  kind: AddressKind;
  street: string;
  province: { code: string; name: string };
  commune: { code: string; name: string };
  /** The pre-2025 triple as the person entered it, when given. */
  old: {
    province: { code: string | null; name: string | null };
    district: { code: string | null; name: string | null };
    commune: { code: string | null; name: string | null };
  } | null;
  mappingVersion: string;
  updatedAt: string;
}

export interface CitizenProfileView {
  accountId: string;
  kind: 'citizen' | 'business';
  fullName: string;
  email: string | null;
  phone: string | null;
  /** `001•••••••789`; the full number only through `revealPersonalId` (logged). */
  personalIdMasked: string | null;
  personalIdVerified: boolean;
  taxCode: string | null;
  addresses: AddressView[];
}

export interface AccessLogEntry {
  at: string;
  accessorKind: AccessRow['accessor_kind'];
  accessorName: string;
  agencyName: string | null;
  what: AccessRow['what'];
  requestId: string;
}

export interface AdminUnit {
  code: string;
  name: string;
}

const toAddressView = (a: AddressRow): AddressView => {
  const hasOld = [a.old_province_code, a.old_province_name, a.old_district_name, a.old_commune_name].some(
    Boolean,
  );
  return {
    kind: a.kind,
    street: a.street,
    province: { code: a.province_code, name: a.province_name },
    commune: { code: a.commune_code, name: a.commune_name },
    old: hasOld
      ? {
          province: { code: a.old_province_code, name: a.old_province_name },
          district: { code: a.old_district_code, name: a.old_district_name },
          commune: { code: a.old_commune_code, name: a.old_commune_name },
        }
      : null,
    mappingVersion: a.mapping_version,
    updatedAt: a.updated_at.toISOString(),
  };
};

const optional = (v: string | undefined) => (v?.trim() ? v.trim() : null);

/** Profiles and addresses of citizens and businesses, officials' access-logged reads, the access log. */
export function createProfileService(deps: CitizenServiceDeps) {
  const { citizens, repo, pii, options, adminUnits } = deps;
  const now = () => options.now();
  let provinceCache: { at: number; units: (AdminUnit & { agencyId: string })[] } | null = null;

  const selfCitizen = (ctx: RequestContext): string => {
    if (ctx.actor.kind !== 'citizen') throw Unauthenticated();
    return ctx.actor.accountId;
  };

  const buildView = async (accountId: string): Promise<CitizenProfileView | null> => {
    const account = await repo.accountById(accountId);
    if (!account || account.kind === 'official') return null;
    const [profile, addresses] = await Promise.all([
      citizens.profile(accountId),
      citizens.addresses(accountId),
    ]);
    const number = profile?.personal_id_cipher ? openPersonalId(profile.personal_id_cipher, pii) : null;
    return {
      accountId,
      kind: account.kind,
      fullName: account.full_name,
      email: account.email || null,
      phone: account.phone,
      personalIdMasked: number ? maskPersonalId(number) : null,
      personalIdVerified: profile?.personal_id_verified_at != null,
      taxCode: profile?.tax_code ?? null,
      addresses: addresses.map(toAddressView),
    };
  };

  /** Writes the access-log row and its audit event in one transaction. */
  const logAccess = async (ctx: RequestContext, subjectAccountId: string, what: AccessRow['what']) => {
    const actor = ctx.actor;
    if (actor.kind !== 'official') return;
    const official = await repo.accountById(actor.accountId);
    await citizens.transaction(async (trx, _a, kernelTx) => {
      await citizens.insertAccess(trx, {
        subject_account_id: subjectAccountId,
        accessor_kind: 'official',
        accessor_id: actor.accountId,
        accessor_name: official?.full_name ?? null,
        accessor_agency_id: actor.agencyId,
        what,
        request_id: ctx.requestId.slice(0, 200),
        at: now(),
      });
      await recordAudit(kernelTx, ctx, {
        action: 'identity.personal_data.read',
        subjectType: 'account',
        subjectIds: [subjectAccountId],
        details: { what },
      });
    });
  };

  /** A citizen or business the official may read, or 404. */
  const readable = async (ctx: RequestContext, accountId: string): Promise<CitizenProfileView> => {
    enforce(mayReadCitizenData(ctx.actor), CitizenNotFound);
    const view = await buildView(accountId);
    if (!view) throw CitizenNotFound();
    return view;
  };

  const provinces = async () => {
    if (provinceCache && Date.now() - provinceCache.at < 5 * 60_000) return provinceCache.units;
    const found = await adminUnits.search({ kind: 'province_ubnd', status: 'active', pageSize: 100 });
    const units = found.items
      .flatMap((a) =>
        a.codes
          .filter((c) => c.scheme === 'ADMIN_UNIT' && /^\d{2}$/.test(c.code))
          .map((c) => ({ code: c.code, name: a.shortName ?? a.name, agencyId: a.id })),
      )
      .sort((x, y) => x.name.localeCompare(y.name, 'vi'));
    provinceCache = { at: Date.now(), units };
    return units;
  };

  const communes = async (provinceCode: string): Promise<AdminUnit[]> => {
    const province = (await provinces()).find((p) => p.code === provinceCode);
    if (!province) return [];
    const out: AdminUnit[] = [];
    for (let page = 1; page <= 10; page++) {
      const found = await adminUnits.search({
        kind: 'commune',
        parentId: province.agencyId,
        status: 'active',
        pageSize: 100,
        page,
      });
      for (const a of found.items) {
        const code = a.codes.find((c) => c.scheme === 'ADMIN_UNIT' && /^\d{5}$/.test(c.code));
        if (code) out.push({ code: code.code, name: a.name });
      }
      if (!found.hasNext) break;
    }
    return out.sort((x, y) => x.name.localeCompare(y.name, 'vi'));
  };

  /**
   * An official reads a citizen's profile; the read is logged once: as a profile view, or,
   * with `reveal`, as a view of the full number (then `personalId` holds it).
   */
  async function citizenProfile(
    ctx: RequestContext,
    accountId: string,
    o: { reveal?: boolean } = {},
  ): Promise<CitizenProfileView & { personalId?: string | null }> {
    const view = await readable(ctx, accountId);
    if (!o.reveal) {
      await logAccess(ctx, accountId, 'profile');
      return view;
    }
    const profile = await citizens.profile(accountId);
    await logAccess(ctx, accountId, 'personal_id');
    return {
      ...view,
      personalId: profile?.personal_id_cipher ? openPersonalId(profile.personal_id_cipher, pii) : null,
    };
  }

  return {
    /** Provinces of 2025 (ADMIN_UNIT codes of the directory), for the address picker. */
    async provinces(): Promise<AdminUnit[]> {
      return (await provinces()).map(({ code, name }) => ({ code, name }));
    },

    /** Communes of 2025 under a province, for the address picker. */
    communes,

    /** The signed-in citizen's or business's own profile. */
    async myProfile(ctx: RequestContext): Promise<CitizenProfileView> {
      const view = await buildView(selfCitizen(ctx));
      if (!view) throw Unauthenticated();
      return view;
    },

    /**
     * Sets the permanent or current address: the 2025 province and commune must be units of the
     * directory valid today, the commune inside the province; the old triple is kept as typed.
     */
    async setMyAddress(ctx: RequestContext, kind: AddressKind, input: AddressInput): Promise<AddressView> {
      const accountId = selfCitizen(ctx);
      const fields: Record<string, string> = {};
      const street = input.street.trim();
      if (street.length < 1 || street.length > 300) fields['street'] = 'required';
      const province = (await provinces()).find((p) => p.code === input.provinceCode);
      if (!province) fields['provinceCode'] = 'admin_unit_unknown';
      const commune = province
        ? (await communes(province.code)).find((c) => c.code === input.communeCode)
        : undefined;
      if (province && !commune) fields['communeCode'] = 'admin_unit_unknown';
      const old = {
        old_province_code: optional(input.oldProvinceCode),
        old_province_name: optional(input.oldProvinceName),
        old_district_code: optional(input.oldDistrictCode),
        old_district_name: optional(input.oldDistrictName),
        old_commune_code: optional(input.oldCommuneCode),
        old_commune_name: optional(input.oldCommuneName),
      };
      if (old.old_province_code && !/^\d{2}$/.test(old.old_province_code))
        fields['oldProvinceCode'] = 'code_format';
      if (old.old_district_code && !/^\d{3}$/.test(old.old_district_code))
        fields['oldDistrictCode'] = 'code_format';
      if (old.old_commune_code && !/^\d{5}$/.test(old.old_commune_code))
        fields['oldCommuneCode'] = 'code_format';
      if (Object.keys(fields).length > 0 || !province || !commune) throw CitizenInputInvalid({ fields });
      const row: AddressRow = {
        account_id: accountId,
        kind,
        street,
        province_code: province.code,
        province_name: province.name,
        commune_code: commune.code,
        commune_name: commune.name,
        ...old,
        mapping_version: ADMIN_UNITS_VERSION,
        updated_at: now(),
      };
      await citizens.transaction(async (trx, _a, kernelTx) => {
        await citizens.upsertAddress(trx, row);
        await recordAudit(kernelTx, ctx, {
          action: 'identity.address.set',
          subjectType: 'account',
          subjectIds: [accountId],
          agencyId: null,
          details: { kind, provinceCode: province.code, communeCode: commune.code },
        });
      });
      return toAddressView(row);
    },

    /** Who read the signed-in person's data, newest first. */
    async myAccessLog(ctx: RequestContext, limit = 100): Promise<AccessLogEntry[]> {
      const rows = await citizens.accessLog(selfCitizen(ctx), Math.min(limit, 500));
      const agencyNames = new Map<string, string | null>();
      for (const id of new Set(rows.map((r) => r.accessor_agency_id).filter((x): x is string => !!x)))
        agencyNames.set(id, (await adminUnits.getAgency(id))?.name ?? null);
      return rows.map((r) => ({
        at: r.at.toISOString(),
        accessorKind: r.accessor_kind,
        accessorName: r.accessor_name ?? r.accessor_id,
        agencyName: r.accessor_agency_id ? (agencyNames.get(r.accessor_agency_id) ?? null) : null,
        what: r.what,
        requestId: r.request_id,
      }));
    },

    /** Throws unless the actor may look up citizens (404 for a citizen, 403 for other officials). */
    assertMayReadCitizens(ctx: RequestContext): void {
      enforce(mayReadCitizenData(ctx.actor), CitizenNotFound);
    },

    /** An official finds a citizen by personal identification number through the keyed hash (logged). */
    async lookupByPersonalId(
      ctx: RequestContext,
      number: string,
    ): Promise<{ accountId: string; fullName: string }> {
      enforce(mayReadCitizenData(ctx.actor), CitizenNotFound);
      const normalised = normalisePersonalId(number);
      if (!checkPersonalId(normalised, now()).ok) throw CitizenNotFound();
      const profile = await citizens.profileByPersonalIdHash(personalIdHash(normalised, pii));
      const account = profile ? await repo.accountById(profile.account_id) : null;
      if (!account) throw CitizenNotFound();
      await logAccess(ctx, account.id, 'lookup');
      return { accountId: account.id, fullName: account.full_name };
    },

    citizenProfile,

    /** An official reveals a citizen's full number; the read is logged. */
    async revealPersonalId(ctx: RequestContext, accountId: string): Promise<string | null> {
      return (await citizenProfile(ctx, accountId, { reveal: true })).personalId ?? null;
    },

    /** The number released to a relying party with the person's consent (logged as the client's read). */
    async personalIdForClient(
      accountId: string,
      client: { id: string; name: string },
    ): Promise<string | null> {
      const profile = await citizens.profile(accountId);
      if (!profile?.personal_id_cipher) return null;
      const ctx = systemContext(`oidc:${client.id}`);
      await citizens.transaction(async (trx, _a, kernelTx) => {
        await citizens.insertAccess(trx, {
          subject_account_id: accountId,
          accessor_kind: 'oidc_client',
          accessor_id: client.id,
          accessor_name: client.name,
          accessor_agency_id: null,
          what: 'personal_id',
          request_id: ctx.requestId,
          at: now(),
        });
        await recordAudit(kernelTx, ctx, {
          action: 'identity.personal_data.released',
          subjectType: 'account',
          subjectIds: [accountId],
          agencyId: null,
          details: { clientId: client.id },
        });
      });
      return openPersonalId(profile.personal_id_cipher, pii);
    },
  };
}
export type ProfileService = ReturnType<typeof createProfileService>;
