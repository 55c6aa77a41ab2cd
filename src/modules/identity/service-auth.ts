import { recordAudit, recordAuditAlone, type AuditInput } from '../../platform/audit/index.ts';
import type { Actor, RequestContext } from '../../platform/context.ts';
import { Unauthenticated } from '../../platform/errors.ts';
import {
  decryptSecret,
  encryptSecret,
  hashPassword,
  newTotpSecret,
  randomToken,
  sha256,
  signJwt,
  totpStep,
  totpUri,
  verifyJwt,
  verifyPassword,
} from './crypto.ts';
import {
  CurrentPasswordWrong,
  LoginChallengeExpired,
  LoginFailed,
  PasswordTooWeak,
  TotpInvalid,
  TotpNotPending,
} from './errors.ts';
import { normaliseEmail, normalisePhone } from './citizen-ids.ts';
import { acceptablePassword, toAccountView, type AccountView, type ServiceDeps } from './model.ts';
import type { AccountRecord, SessionWithAccount } from './repo.ts';

export type LoginResult =
  | { status: 'signed_in'; sessionToken: string; sessionId: string; expiresAt: Date }
  | { status: 'totp_required'; challenge: string };

export interface SessionActor {
  actor: Actor;
  displayName: string;
}

const minute = 60_000;

/** Sign-in, sessions, second factor and what a person does on their own account. */
export function createAuthService(deps: ServiceDeps) {
  const { repo, options, keys, db, sessions } = deps;
  const now = () => options.now();
  // Verified against when the username is unknown, so both answers take the same time.
  const dummyHash = hashPassword(randomToken(), options.passwordHashing);

  const refuse = async (
    ctx: RequestContext,
    reason: string,
    account: AccountRecord | null,
  ): Promise<never> => {
    // The typed username is not recorded: people sometimes type their password into it.
    await recordAuditAlone(db, ctx, {
      action: 'identity.login',
      outcome: 'failure',
      subjectType: account ? 'account' : undefined,
      subjectIds: account ? [account.id] : [],
      agencyId: account?.agency_id ?? null,
      details: { reason },
    });
    deps.logger.info({ action: 'identity.login.refused', reason }, 'sign-in refused');
    throw LoginFailed();
  };

  /** Counts a wrong password or code; the threshold-th failure in a row locks the account. */
  const registerFailure = async (ctx: RequestContext, account: AccountRecord, reason: string) => {
    await repo.transaction(async (trx, kernelTx) => {
      await repo.lockAccount(trx, account.id);
      const fresh = await repo.accountById(account.id, trx);
      const attempts = (fresh?.failed_attempts ?? 0) + 1;
      const lock = attempts >= options.lockoutThreshold;
      await repo.updateAccount(trx, account.id, {
        failed_attempts: lock ? 0 : attempts,
        ...(lock ? { locked_until: new Date(now().getTime() + options.lockoutMinutes * minute) } : {}),
      });
      await recordAudit(kernelTx, ctx, {
        action: 'identity.login',
        outcome: 'failure',
        subjectType: 'account',
        subjectIds: [account.id],
        agencyId: account.agency_id,
        details: { reason, locked: lock },
      });
    });
  };

  const startSession = async (
    ctx: RequestContext,
    account: AccountRecord,
    o: { userAgent: string | null; totpStep?: number; method: string },
  ): Promise<LoginResult> => {
    const token = randomToken();
    const at = now();
    const expiresAt = new Date(at.getTime() + options.sessionAbsoluteHours * 60 * minute);
    const sessionId = await repo.transaction(async (trx, kernelTx) => {
      await repo.updateAccount(trx, account.id, {
        failed_attempts: 0,
        locked_until: null,
        ...(o.totpStep === undefined ? {} : { totp_last_step: String(o.totpStep) }),
      });
      const id = await repo.insertSession(trx, {
        accountId: account.id,
        tokenHash: sha256(token),
        now: at,
        expiresAt,
        ip: ctx.ip,
        userAgent: o.userAgent ? o.userAgent.slice(0, 300) : null,
      });
      await recordAudit(kernelTx, ctx, {
        action: 'identity.login',
        subjectType: 'account',
        subjectIds: [account.id],
        agencyId: account.agency_id,
        details: { method: o.method, sessionId: id },
      });
      return id;
    });
    deps.logger.info({ action: 'identity.login', accountId: account.id, sessionId }, 'signed in');
    return { status: 'signed_in', sessionToken: token, sessionId, expiresAt };
  };

  const usable = (account: AccountRecord): string | null => {
    if (account.status !== 'active') return 'disabled';
    if (account.kind === 'official' && account.agency_id === null) return 'no_membership';
    return null;
  };

  const selfAccount = async (ctx: RequestContext): Promise<AccountRecord> => {
    const actor = ctx.actor;
    if (actor.kind !== 'official' && actor.kind !== 'citizen') throw Unauthenticated();
    const account = await repo.accountById(actor.accountId);
    if (!account) throw Unauthenticated();
    return account;
  };

  const selfAudit = (
    _ctx: RequestContext,
    account: AccountRecord,
    action: string,
    details: Record<string, unknown> = {},
  ): AuditInput => ({
    action,
    subjectType: 'account',
    subjectIds: [account.id],
    agencyId: account.agency_id,
    details,
  });

  /** Officials sign in by username; citizens and businesses by their email or phone as well. */
  const findForLogin = async (typed: string): Promise<AccountRecord | null> => {
    const byUsername = await repo.accountByUsername(typed);
    if (byUsername) return byUsername;
    if (typed.includes('@')) {
      const email = normaliseEmail(typed);
      return email ? repo.citizenAccountByContact({ email }) : null;
    }
    const phone = normalisePhone(typed);
    return phone ? repo.citizenAccountByContact({ phone }) : null;
  };

  /** The actor of a session row that passed every check. */
  const sessionActor = (s: SessionWithAccount): SessionActor | null => {
    if (s.kind !== 'official')
      return {
        actor: { kind: 'citizen', accountId: s.account_id, sessionId: s.session_id },
        displayName: s.full_name,
      };
    if (!s.agency_id) return null;
    return {
      actor: {
        kind: 'official',
        accountId: s.account_id,
        agencyId: s.agency_id,
        roles: s.roles,
        sessionId: s.session_id,
        unitId: s.unit_id,
      },
      displayName: s.full_name,
    };
  };

  return {
    /**
     * Opens a session for an account whose owner proved themselves another way (a verified
     * registration code, an upstream identity provider). Never for officials.
     */
    async signInVerified(
      ctx: RequestContext,
      accountId: string,
      o: { userAgent: string | null; method: string },
    ): Promise<Extract<LoginResult, { status: 'signed_in' }>> {
      const account = await repo.accountById(accountId);
      if (!account || account.kind === 'official' || usable(account)) throw LoginFailed();
      const result = await startSession(ctx, account, o);
      if (result.status !== 'signed_in') throw LoginFailed();
      return result;
    },

    /** First step of sign-in: username and password. */
    async login(
      ctx: RequestContext,
      input: { username: string; password: string; userAgent?: string | null },
    ): Promise<LoginResult> {
      const account = await findForLogin(input.username.trim());
      if (!account) {
        await verifyPassword(await dummyHash, input.password);
        return refuse(ctx, 'unknown_username', null);
      }
      if (account.locked_until && account.locked_until > now()) return refuse(ctx, 'locked', account);
      if (!(await verifyPassword(account.password_hash, input.password))) {
        await registerFailure(ctx, account, 'wrong_password');
        throw LoginFailed();
      }
      const unusable = usable(account);
      if (unusable) return refuse(ctx, unusable, account);
      if (account.totp_enabled_at) {
        const exp = Math.floor(now().getTime() / 1000) + options.loginChallengeSeconds;
        // Bound to the password's age, so a reset password voids a pending second step.
        const pwd = account.password_changed_at.getTime();
        return {
          status: 'totp_required',
          challenge: signJwt({ typ: 'login', sub: account.id, pwd, exp }, keys.loginChallenge),
        };
      }
      return startSession(ctx, account, { userAgent: input.userAgent ?? null, method: 'password' });
    },

    /** Second step of sign-in when TOTP is on: the challenge from `login` and a 6-digit code. */
    async completeTotp(
      ctx: RequestContext,
      input: { challenge: string; code: string; userAgent?: string | null },
    ): Promise<LoginResult> {
      const payload = verifyJwt(input.challenge, keys.loginChallenge, now().getTime() / 1000);
      if (payload?.['typ'] !== 'login' || typeof payload['sub'] !== 'string') throw LoginChallengeExpired();
      const account = await repo.accountById(payload['sub']);
      if (!account?.totp_secret || account.password_changed_at.getTime() !== payload['pwd'])
        throw LoginChallengeExpired();
      if (account.locked_until && account.locked_until > now()) return refuse(ctx, 'locked', account);
      const unusable = usable(account);
      if (unusable) return refuse(ctx, unusable, account);
      const step = totpStep(
        decryptSecret(account.totp_secret, keys.totpEncryption),
        input.code.trim(),
        now(),
      );
      if (step === null || (account.totp_last_step !== null && step <= Number(account.totp_last_step))) {
        await registerFailure(ctx, account, 'wrong_totp');
        throw TotpInvalid();
      }
      return startSession(ctx, account, {
        userAgent: input.userAgent ?? null,
        totpStep: step,
        method: 'password+totp',
      });
    },

    /**
     * The actor behind a session cookie, or null when it is unknown, revoked or expired. A session
     * validated in the last few seconds comes from the session cache (no database round trip);
     * whatever the cache cannot vouch for — idle expiry near, activity to record — is read again.
     */
    async resolveSession(token: string): Promise<SessionActor | null> {
      if (token.length < 20 || token.length > 100) return null;
      const hash = sha256(token);
      const key = hash.toString('base64');
      const at = now();
      const idleMs = options.sessionIdleMinutes * minute;
      const cached = sessions.get(key, at.getTime());
      // Expiry is final; but another process may have recorded activity since the row was read,
      // so an idle-looking or due-for-a-touch entry is checked against the database.
      if (cached && cached.expires_at <= at) return null;
      const sinceSeen = cached ? at.getTime() - cached.last_seen_at.getTime() : Infinity;
      if (cached && sinceSeen <= minute && sinceSeen < idleMs) return sessionActor(cached);
      const ticket = sessions.ticket();
      const s = await repo.sessionByTokenHash(hash);
      if (!s || s.status !== 'active' || s.expires_at <= at) return null;
      if (s.last_seen_at.getTime() + idleMs <= at.getTime()) return null;
      if (s.kind === 'official' && !s.agency_id) return null;
      // Writing on every request would make every page a write; a minute's precision is enough.
      let seen = s.last_seen_at;
      if (at.getTime() - seen.getTime() > minute) {
        await repo.touchSession(s.session_id, at);
        seen = at;
      }
      const valid = { ...s, last_seen_at: seen };
      sessions.set(key, valid, ticket, at.getTime());
      return sessionActor(valid);
    },

    /** Ends the actor's current session. */
    async logout(ctx: RequestContext): Promise<void> {
      const actor = ctx.actor;
      if ((actor.kind !== 'official' && actor.kind !== 'citizen') || !actor.sessionId) return;
      const sessionId = actor.sessionId;
      await repo.transaction(async (trx, kernelTx) => {
        await repo.revokeSession(trx, sessionId, now());
        await recordAudit(kernelTx, ctx, {
          action: 'identity.logout',
          subjectType: 'account',
          subjectIds: [actor.accountId],
          details: { sessionId },
        });
      });
      // Other processes forget it when the commit's notice reaches them.
      sessions.forgetAccount(actor.accountId);
    },

    /** Ends the session a cookie token names (sign-out through the OpenID Connect provider). */
    async logoutByToken(ctx: RequestContext, token: string): Promise<void> {
      if (token.length < 20 || token.length > 100) return;
      const s = await repo.sessionByTokenHash(sha256(token));
      if (!s) return;
      await repo.transaction(async (trx, kernelTx) => {
        await repo.revokeSession(trx, s.session_id, now());
        await recordAudit(kernelTx, ctx, {
          action: 'identity.logout',
          subjectType: 'account',
          subjectIds: [s.account_id],
          agencyId: s.agency_id,
          details: { sessionId: s.session_id, via: 'oidc_end_session' },
        });
      });
      sessions.forgetAccount(s.account_id);
    },

    /** Ends every session of the actor's account, this one included. */
    async logoutEverywhere(ctx: RequestContext): Promise<number> {
      const account = await selfAccount(ctx);
      const count = await repo.transaction(async (trx, kernelTx) => {
        const ended = await repo.revokeAllSessions(trx, account.id, now());
        await recordAudit(
          kernelTx,
          ctx,
          selfAudit(ctx, account, 'identity.logout_everywhere', { sessions: ended }),
        );
        return ended;
      });
      sessions.forgetAccount(account.id);
      return count;
    },

    /** The signed-in person's own account. */
    async me(ctx: RequestContext): Promise<AccountView> {
      return toAccountView(await selfAccount(ctx), now());
    },

    /** Live sessions of the signed-in person, newest activity first. */
    async mySessions(ctx: RequestContext) {
      const account = await selfAccount(ctx);
      const at = now();
      const rows = await repo.activeSessions(
        account.id,
        at,
        new Date(at.getTime() - options.sessionIdleMinutes * minute),
      );
      const current =
        ctx.actor.kind === 'official' || ctx.actor.kind === 'citizen' ? ctx.actor.sessionId : null;
      return rows.map((r) => ({
        id: r.id,
        createdAt: r.created_at.toISOString(),
        lastSeenAt: r.last_seen_at.toISOString(),
        expiresAt: r.expires_at.toISOString(),
        ip: r.ip,
        userAgent: r.user_agent,
        current: r.id === current,
      }));
    },

    /** Changes one's own password; other sessions end. */
    async changePassword(
      ctx: RequestContext,
      input: { currentPassword: string; newPassword: string },
    ): Promise<void> {
      const account = await selfAccount(ctx);
      if (!(await verifyPassword(account.password_hash, input.currentPassword))) {
        await recordAuditAlone(db, ctx, {
          ...selfAudit(ctx, account, 'identity.password.changed'),
          outcome: 'failure',
          details: { reason: 'wrong_current_password' },
        });
        throw CurrentPasswordWrong();
      }
      if (!acceptablePassword(input.newPassword, account.username)) throw PasswordTooWeak();
      const hash = await hashPassword(input.newPassword, options.passwordHashing);
      const current =
        ctx.actor.kind === 'official' || ctx.actor.kind === 'citizen' ? ctx.actor.sessionId : null;
      await repo.transaction(async (trx, kernelTx) => {
        const at = now();
        await repo.updateAccount(trx, account.id, {
          password_hash: hash,
          password_changed_at: at,
          must_change_password: false,
          updated_at: at,
        });
        const ended = await repo.revokeAllSessions(trx, account.id, at, current);
        await recordAudit(
          kernelTx,
          ctx,
          selfAudit(ctx, account, 'identity.password.changed', { otherSessionsEnded: ended }),
        );
      });
      sessions.forgetAccount(account.id);
    },

    /** Starts TOTP enrolment: a new secret waits for a confirming code. */
    async startTotp(ctx: RequestContext): Promise<{ secret: string; uri: string }> {
      const account = await selfAccount(ctx);
      const secret = newTotpSecret();
      await repo.transaction(async (trx, kernelTx) => {
        await repo.updateAccount(trx, account.id, {
          totp_pending_secret: encryptSecret(secret, keys.totpEncryption),
          updated_at: now(),
        });
        await recordAudit(kernelTx, ctx, selfAudit(ctx, account, 'identity.totp.enrolment_started'));
      });
      return { secret, uri: totpUri(secret, account.username) };
    },

    /** The enrolment waiting for confirmation, if any (shown on the account page). */
    async pendingTotp(ctx: RequestContext): Promise<{ secret: string; uri: string } | null> {
      const account = await selfAccount(ctx);
      if (!account.totp_pending_secret) return null;
      const secret = decryptSecret(account.totp_pending_secret, keys.totpEncryption);
      return { secret, uri: totpUri(secret, account.username) };
    },

    /** Turns TOTP on once the person proves their app holds the pending secret. */
    async confirmTotp(ctx: RequestContext, input: { code: string }): Promise<void> {
      const account = await selfAccount(ctx);
      if (!account.totp_pending_secret) throw TotpNotPending();
      const secret = decryptSecret(account.totp_pending_secret, keys.totpEncryption);
      const step = totpStep(secret, input.code.trim(), now());
      if (step === null) {
        await recordAuditAlone(db, ctx, {
          ...selfAudit(ctx, account, 'identity.totp.enabled'),
          outcome: 'failure',
          details: { reason: 'wrong_code' },
        });
        throw TotpInvalid();
      }
      await repo.transaction(async (trx, kernelTx) => {
        await repo.updateAccount(trx, account.id, {
          totp_secret: account.totp_pending_secret,
          totp_pending_secret: null,
          totp_enabled_at: now(),
          totp_last_step: String(step),
          updated_at: now(),
        });
        await recordAudit(kernelTx, ctx, selfAudit(ctx, account, 'identity.totp.enabled'));
      });
    },

    /** Turns one's own TOTP off (needs the password). */
    async disableTotp(ctx: RequestContext, input: { password: string }): Promise<void> {
      const account = await selfAccount(ctx);
      if (!(await verifyPassword(account.password_hash, input.password))) {
        await recordAuditAlone(db, ctx, {
          ...selfAudit(ctx, account, 'identity.totp.disabled'),
          outcome: 'failure',
          details: { reason: 'wrong_password' },
        });
        throw CurrentPasswordWrong();
      }
      await repo.transaction(async (trx, kernelTx) => {
        await repo.updateAccount(trx, account.id, {
          totp_secret: null,
          totp_pending_secret: null,
          totp_enabled_at: null,
          updated_at: now(),
        });
        await recordAudit(kernelTx, ctx, selfAudit(ctx, account, 'identity.totp.disabled'));
      });
    },
  };
}
export type AuthService = ReturnType<typeof createAuthService>;
