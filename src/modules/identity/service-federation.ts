import { recordAudit } from '../../platform/audit/index.ts';
import type { RequestContext } from '../../platform/context.ts';
import { checkPersonalId, normaliseEmail, normalisePersonalId, normalisePhone } from './citizen-ids.ts';
import { randomToken } from './crypto.ts';
import type { CitizenServiceDeps } from './model.ts';
import { personalIdHash, sealPersonalId } from './pii-crypto.ts';

/** What an upstream identity provider told us about the person (already verified by signature). */
export interface UpstreamIdentity {
  issuer: string;
  subject: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  /** The personal identification number, when the provider releases it: treated as verified. */
  personalId: string | null;
}

/**
 * Accounts of people who sign in through an upstream provider (the national e-ID): the local
 * profile is found by the upstream subject, else by a verified personal identification number,
 * else created on first use (no password: the upstream provider is how they sign in).
 */
export function createFederationService(deps: CitizenServiceDeps) {
  const { citizens, repo, pii, options } = deps;
  const now = () => options.now();

  return {
    /** The local account of an upstream identity, linked (and created) on first use. */
    async accountForUpstream(
      ctx: RequestContext,
      who: UpstreamIdentity,
    ): Promise<{ accountId: string; created: boolean }> {
      const link = await citizens.upstreamLink(who.issuer, who.subject);
      if (link) {
        await citizens.transaction((trx) => citizens.touchUpstreamLink(trx, who.issuer, who.subject, now()));
        return { accountId: link.account_id, created: false };
      }
      const number =
        who.personalId && checkPersonalId(who.personalId, now()).ok
          ? normalisePersonalId(who.personalId)
          : null;
      const hash = number ? personalIdHash(number, pii) : null;
      const holder = hash ? await citizens.profileByPersonalIdHash(hash) : null;
      // Only a number an identity provider vouched for links accounts: a self-declared number
      // could have been typed by someone else to capture the real person's sign-in.
      if (holder?.personal_id_verified_at) {
        await citizens.transaction(async (trx, _a, kernelTx) => {
          await citizens.insertUpstreamLink(trx, {
            issuer: who.issuer,
            subject: who.subject,
            accountId: holder.account_id,
            now: now(),
          });
          await recordAudit(kernelTx, ctx, {
            action: 'identity.upstream.linked',
            subjectType: 'account',
            subjectIds: [holder.account_id],
            agencyId: null,
            details: { issuer: who.issuer, matchedBy: 'verified_personal_id' },
          });
        });
        return { accountId: holder.account_id, created: false };
      }
      const email = who.email ? normaliseEmail(who.email) : null;
      const phone = who.phone ? normalisePhone(who.phone) : null;
      // An address already used by another local account is not copied (never merged by address).
      const freeEmail = email && !(await repo.citizenAccountByContact({ email })) ? email : null;
      const freePhone = phone && !(await repo.citizenAccountByContact({ phone })) ? phone : null;
      const at = now();
      const accountId = await citizens.transaction(async (trx, accountTx, kernelTx) => {
        const id = await repo.insertAccount(accountTx, {
          kind: 'citizen',
          username: `cd-${randomToken(9)
            .toLowerCase()
            .replace(/[^a-z0-9]/g, 'x')}`,
          fullName: (who.name ?? '').trim().slice(0, 200) || 'Công dân',
          email: freeEmail ?? '',
          phone: freePhone,
          // Not a valid PHC string: no password ever matches it.
          passwordHash: '!upstream-only',
          mustChangePassword: false,
          now: at,
        });
        if (holder) {
          // The self-declared holder loses the number to the person the provider vouched for.
          await citizens.upsertProfile(trx, {
            ...holder,
            personal_id_cipher: null,
            personal_id_hash: null,
            updated_at: at,
          });
          await recordAudit(kernelTx, ctx, {
            action: 'identity.personal_id.superseded',
            subjectType: 'account',
            subjectIds: [holder.account_id, id],
            agencyId: null,
          });
        }
        await citizens.upsertProfile(trx, {
          account_id: id,
          personal_id_cipher: number ? sealPersonalId(number, pii) : null,
          personal_id_hash: hash,
          personal_id_verified_at: number ? at : null,
          tax_code: null,
          date_of_birth: null,
          updated_at: at,
        });
        await citizens.insertUpstreamLink(trx, {
          issuer: who.issuer,
          subject: who.subject,
          accountId: id,
          now: at,
        });
        await recordAudit(kernelTx, ctx, {
          action: 'identity.upstream.account_created',
          subjectType: 'account',
          subjectIds: [id],
          agencyId: null,
          details: { issuer: who.issuer, personalIdVerified: number !== null },
        });
        return id;
      });
      return { accountId, created: true };
    },
  };
}
