import { randomInt, randomUUID } from 'node:crypto';
import { recordAudit, recordAuditAlone } from '../../platform/audit/index.ts';
import type { RequestContext } from '../../platform/context.ts';
import {
  checkPersonalId,
  checkTaxCode,
  normaliseEmail,
  normalisePersonalId,
  normalisePhone,
} from './citizen-ids.ts';
import { hashPassword, randomToken, sameBytes, sha256 } from './crypto.ts';
import {
  CitizenInputInvalid,
  ContactTaken,
  NotifyUnavailable,
  PersonalIdTaken,
  RegistrationExpired,
  TaxCodeTaken,
  VerificationCodeWrong,
} from './errors.ts';
import { isUniqueViolation, type CitizenServiceDeps } from './model.ts';
import { personalIdHash, sealPersonalId } from './pii-crypto.ts';

export interface RegistrationInput {
  kind: 'citizen' | 'business';
  fullName: string;
  /** Email or phone (at least one). */
  email?: string | undefined;
  phone?: string | undefined;
  password: string;
  /** Citizens: the 12-digit personal identification number. */
  personalId?: string | undefined;
  /** Businesses: the tax code. */
  taxCode?: string | undefined;
}

/** Field → rule that failed (stable codes the pages turn into sentences). */
export type FieldProblems = Record<string, string>;

const COMMON_PASSWORDS = new Set([
  '1234567890',
  '12345678910',
  '0123456789',
  'matkhau123',
  'matkhau1234',
  'password123',
  'password1234',
  'qwertyuiop',
  'abc1234567',
  'iloveyou123',
  '1111111111',
  'aaaaaaaaaa',
]);

/**
 * Password rule for citizens and businesses: 10–200 characters, at least one letter and one
 * character that is not a letter, not a well-known password, and not the email, phone or number given.
 */
export function passwordProblem(password: string, personal: (string | null | undefined)[]): string | null {
  if (password.length < 10 || password.length > 200) return 'length';
  if (!/\p{L}/u.test(password) || !/[^\p{L}]/u.test(password)) return 'classes';
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) return 'common';
  if (personal.some((p) => p && lower.includes(p.toLowerCase()))) return 'personal';
  return null;
}

const sixDigits = () => String(randomInt(0, 1_000_000)).padStart(6, '0');
const codeHash = (registrationId: string, code: string) => sha256(`${registrationId}:${code}`);

/** Self-registration of citizens and businesses, confirmed by a code sent through notify. */
export function createRegistrationService(deps: CitizenServiceDeps) {
  const { citizens, options, pii, db } = deps;
  const now = () => options.now();

  /** Checks the form; returns the normalised values or throws with every problem at once. */
  const validate = (input: RegistrationInput) => {
    const fields: FieldProblems = {};
    const fullName = input.fullName.trim().replace(/\s+/g, ' ');
    if (fullName.length < 2 || fullName.length > 200) fields['fullName'] = 'required';
    const email = input.email?.trim() ? normaliseEmail(input.email) : null;
    if (input.email?.trim() && !email) fields['email'] = 'email_format';
    const phone = input.phone?.trim() ? normalisePhone(input.phone) : null;
    if (input.phone?.trim() && !phone) fields['phone'] = 'phone_format';
    if (!input.email?.trim() && !input.phone?.trim()) fields['email'] = 'contact_required';
    let personalId: string | null = null;
    let taxCode: string | null = null;
    if (input.kind === 'citizen') {
      const checked = checkPersonalId(input.personalId ?? '', now());
      if (checked.ok) personalId = normalisePersonalId(input.personalId ?? '');
      else fields['personalId'] = `personal_id_${checked.problem}`;
    } else {
      const checked = checkTaxCode(input.taxCode ?? '');
      if (checked.ok) taxCode = checked.taxCode;
      else fields['taxCode'] = `tax_code_${checked.problem}`;
    }
    const weak = passwordProblem(input.password, [
      email?.split('@')[0],
      phone,
      personalId,
      taxCode?.slice(0, 10),
    ]);
    if (weak) fields['password'] = `password_${weak}`;
    if (Object.keys(fields).length > 0) throw CitizenInputInvalid({ fields });
    return { fullName, email, phone, personalId, taxCode };
  };

  /** Duplicates answer with what the person typed only; see README "Duplicates". */
  const assertFree = async (v: {
    email: string | null;
    phone: string | null;
    personalIdHash: Buffer | null;
    taxCode: string | null;
  }) => {
    if (await citizens.contactTaken(v)) throw ContactTaken();
    if (v.personalIdHash && (await citizens.profileByPersonalIdHash(v.personalIdHash)))
      throw PersonalIdTaken();
    if (v.taxCode && (await citizens.profileByTaxCode(v.taxCode))) throw TaxCodeTaken();
  };

  const sendCode = async (
    trx: Parameters<Parameters<typeof citizens.transaction>[0]>[2],
    ctx: RequestContext,
    o: { registrationId: string; email: string | null; phone: string | null; code: string },
  ) => {
    if (!deps.notify) throw NotifyUnavailable();
    await deps.notify.notify(
      ctx,
      {
        recipient: { ...(o.email ? { email: o.email } : { phone: o.phone ?? '' }), locale: ctx.locale },
        template: 'account_verification',
        params: { code: o.code, minutes: deps.codeMinutes },
        channels: [o.email ? 'email' : 'sms'],
        dedupeKey: `identity:registration:${o.registrationId}:${randomToken(6)}`,
      },
      trx,
    );
  };

  return {
    /**
     * Starts a registration: checks the details, hashes the password, keeps the number encrypted
     * and sends a 6-digit code (by email when given, else by SMS). The account exists once verified.
     */
    async register(
      ctx: RequestContext,
      input: RegistrationInput,
    ): Promise<{ registrationId: string; channel: 'email' | 'sms'; expiresAt: Date }> {
      const v = validate(input);
      const idHash = v.personalId ? personalIdHash(v.personalId, pii) : null;
      await assertFree({ email: v.email, phone: v.phone, personalIdHash: idHash, taxCode: v.taxCode });
      const passwordHash = await hashPassword(input.password, options.passwordHashing);
      const id = randomUUID();
      const code = sixDigits();
      const expiresAt = new Date(now().getTime() + deps.codeMinutes * 60_000);
      await citizens.transaction(async (trx, _accountTx, kernelTx) => {
        await citizens.insertRegistration(trx, {
          id,
          kind: input.kind,
          full_name: v.fullName,
          email: v.email,
          phone: v.phone,
          password_hash: passwordHash,
          personal_id_cipher: v.personalId ? sealPersonalId(v.personalId, pii) : null,
          personal_id_hash: idHash,
          tax_code: v.taxCode,
          code_hash: codeHash(id, code),
          attempts: 0,
          expires_at: expiresAt,
          created_at: now(),
        });
        await sendCode(kernelTx, ctx, { registrationId: id, email: v.email, phone: v.phone, code });
        await recordAudit(kernelTx, ctx, {
          action: 'identity.registration.started',
          subjectType: 'registration',
          subjectIds: [id],
          agencyId: null,
          details: { kind: input.kind, channel: v.email ? 'email' : 'sms' },
        });
      });
      deps.logger.info(
        { action: 'identity.registration.started', registrationId: id },
        'registration started',
      );
      return { registrationId: id, channel: v.email ? 'email' : 'sms', expiresAt };
    },

    /** Sends a new code for a registration still waiting (the old code stops working). */
    async resendCode(ctx: RequestContext, registrationId: string): Promise<void> {
      const code = sixDigits();
      await citizens.transaction(async (trx, _a, kernelTx) => {
        const r = await citizens.registrationForUpdate(trx, registrationId);
        if (!r) throw RegistrationExpired();
        await citizens.replaceCode(
          trx,
          r.id,
          codeHash(r.id, code),
          new Date(now().getTime() + deps.codeMinutes * 60_000),
        );
        await sendCode(kernelTx, ctx, { registrationId: r.id, email: r.email, phone: r.phone, code });
        await recordAudit(kernelTx, ctx, {
          action: 'identity.registration.code_resent',
          subjectType: 'registration',
          subjectIds: [r.id],
          agencyId: null,
        });
      });
    },

    /**
     * Checks the code: right → the account is created (active) and returned; wrong → one attempt
     * used; expired or out of attempts → the registration is gone and the person starts again.
     */
    async verifyRegistration(
      ctx: RequestContext,
      input: { registrationId: string; code: string },
    ): Promise<{ accountId: string }> {
      const code = input.code.replace(/\s/g, '');
      const outcome = await citizens
        .transaction(async (trx, accountTx, kernelTx) => {
          const r = await citizens.registrationForUpdate(trx, input.registrationId);
          if (!r) return { kind: 'expired' as const };
          if (r.expires_at <= now() || r.attempts >= deps.codeAttempts) {
            await citizens.deleteRegistration(trx, r.id);
            return { kind: 'expired' as const };
          }
          if (!/^\d{6}$/.test(code) || !sameBytes(codeHash(r.id, code), r.code_hash)) {
            await citizens.countAttempt(trx, r.id);
            return { kind: 'wrong' as const, left: deps.codeAttempts - r.attempts - 1 };
          }
          const at = now();
          const accountId = await deps.repo.insertAccount(accountTx, {
            kind: r.kind,
            username: `cd-${randomToken(9)
              .toLowerCase()
              .replace(/[^a-z0-9]/g, 'x')}`,
            fullName: r.full_name,
            email: r.email ?? '',
            phone: r.phone,
            passwordHash: r.password_hash,
            mustChangePassword: false,
            now: at,
          });
          await citizens.upsertProfile(trx, {
            account_id: accountId,
            personal_id_cipher: r.personal_id_cipher,
            personal_id_hash: r.personal_id_hash,
            personal_id_verified_at: null,
            tax_code: r.tax_code,
            date_of_birth: null,
            updated_at: at,
          });
          await citizens.deleteRegistration(trx, r.id);
          await recordAudit(kernelTx, ctx, {
            action: 'identity.registration.verified',
            subjectType: 'account',
            subjectIds: [accountId, r.id],
            agencyId: null,
            details: { kind: r.kind },
          });
          return { kind: 'created' as const, accountId };
        })
        .catch((error: unknown) => {
          // Someone verified the same address or number a moment earlier.
          if (isUniqueViolation(error)) {
            const constraint = (error as { constraint?: string }).constraint ?? '';
            if (constraint.includes('personal_id')) throw PersonalIdTaken();
            if (constraint.includes('tax_code')) throw TaxCodeTaken();
            throw ContactTaken();
          }
          throw error;
        });
      if (outcome.kind === 'created') return { accountId: outcome.accountId };
      await recordAuditAlone(db, ctx, {
        action: 'identity.registration.verified',
        outcome: 'failure',
        subjectType: 'registration',
        subjectIds: [input.registrationId],
        agencyId: null,
        details: { reason: outcome.kind === 'wrong' ? 'wrong_code' : 'expired' },
      });
      if (outcome.kind === 'wrong') throw VerificationCodeWrong({ attemptsLeft: Math.max(0, outcome.left) });
      throw RegistrationExpired();
    },

    /** Where the code went, masked, for the verification page (null when the registration is gone). */
    async registrationDestination(registrationId: string): Promise<string | null> {
      const r = await citizens.registration(registrationId);
      if (!r || r.expires_at <= now()) return null;
      if (r.email) {
        const [local = '', domain = ''] = r.email.split('@');
        return `${local.slice(0, 1)}•••@${domain}`;
      }
      return r.phone ? `•••••••${r.phone.slice(-3)}` : null;
    },
  };
}
export type RegistrationService = ReturnType<typeof createRegistrationService>;
