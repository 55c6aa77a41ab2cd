/**
 * The test's composition root for payments: directory, identity and payments on a fresh test
 * database, served on loopback, with the fake gateway as a real HTTP server beside it.
 *
 * Citizen accounts are being built elsewhere; until they land, an HTTP request acts as a citizen
 * when it carries `x-test-citizen: <account id>` — a hook of this test server only, never of src/.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { systemContext, type RequestContext, type Role } from '../../src/platform/context.ts';
import { createHttpServer } from '../../src/platform/http/server.ts';
import type { App } from '../../src/platform/http/types.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { addNavigation } from '../../src/platform/pages/layout.ts';
import { renderErrorPage } from '../../src/platform/pages/home.ts';
import { createDirectoryModule } from '../../src/modules/directory/index.ts';
import { createIdentityModule, type IdentityModule } from '../../src/modules/identity/index.ts';
import {
  createPaymentsModule,
  type CreatePaymentInput,
  type PaidHook,
  type PaymentsModule,
  type PaymentView,
} from '../../src/modules/payments/index.ts';
import { PageClient } from '../support/client.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { testConfig } from '../support/config.ts';
import { startFakeGateway, type FakeGateway, type IpnMode } from '../support/fakes/gateway.ts';

export interface PaymentsHarness {
  baseUrl: string;
  db: TestDatabase;
  app: App;
  payments: PaymentsModule;
  gateway: FakeGateway;
  /** Payments the onPaid hook saw, in order. */
  paidHookCalls: PaymentView[];
  /** Runs `fn` while the fake gateway's IPN behaves as `mode`, then back to normal. */
  withIpnMode<T>(mode: IpnMode, fn: () => Promise<T>): Promise<T>;
  /** The RspCodes our IPN endpoint answered for one reference, in order. */
  ipnAnswers(txnRef: string): (string | null)[];
  /** Moves the payments module's clock. */
  advanceMinutes(minutes: number): void;
  makeAgency(): Promise<{ id: string; name: string }>;
  official(agencyId: string, roles: Role[]): Promise<PageClient>;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** A citizen acting through the service, as the dossiers module will call it. */
export function citizenCtx(accountId: string = randomUUID()): RequestContext {
  return {
    actor: { kind: 'citizen', accountId, sessionId: null },
    requestId: `test-${randomUUID()}`,
    ip: '127.0.0.1',
    locale: 'vi',
  };
}

/** A browser-like client acting as a citizen (see the header above). */
export function citizenClient(baseUrl: string, accountId: string): PageClient {
  const client = new PageClient(baseUrl);
  const request = client.request.bind(client);
  client.request = (method, p, init = {}) =>
    request(method, p, { ...init, headers: { ...init.headers, 'x-test-citizen': accountId } });
  return client;
}

/** A payment of a birth registration's charge for `payer`, owned by `agency`. */
export function birthPayment(
  payer: string,
  agency: { id: string; name: string },
  o: Partial<CreatePaymentInput> = {},
): CreatePaymentInput {
  const dossierId = randomUUID();
  return {
    payerAccountId: payer,
    payerName: 'Nguyễn Thị Ánh Tuyết',
    agencyId: agency.id,
    agencyName: agency.name,
    reference: {
      kind: 'dossier',
      id: dossierId,
      code: `000.00.01.H41-251121-${String(Math.floor(Math.random() * 9000) + 1000)}`,
    },
    items: [
      { kind: 'le_phi', code: 'LP-KS', name: 'Lệ phí đăng ký khai sinh', amount: 8000 },
      { kind: 'phi', code: 'P-BS', name: 'Phí cấp bản sao trích lục', amount: 1_226_000 },
    ],
    description: 'Lệ phí đăng ký khai sinh',
    returnPath: `/dossiers/${dossierId}`,
    ...o,
  };
}

export async function startPaymentsHarness(o: { failHook?: () => boolean } = {}): Promise<PaymentsHarness> {
  const db = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lienthong-payments-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const config = testConfig({
    DATABASE_URL: db.url,
    DATA_DIR: dataDir,
    PORT: String(port),
    BASE_URL: baseUrl,
  });
  const logger = createLogger(config.logLevel);
  const gateway = await startFakeGateway({
    port: 0,
    merchantCode: 'LTTEST01',
    secret: randomBytes(32).toString('hex'),
  });
  let offsetMs = 0;
  const paidHookCalls: PaymentView[] = [];
  const hook: PaidHook = async (trx, payment) => {
    // Proves the hook runs inside the paying transaction: it sees the row already paid.
    const row = await trx
      .withTables<{ payments_payments: { id: string; status: string } }>()
      .selectFrom('payments_payments')
      .select('status')
      .where('id', '=', payment.id)
      .executeTakeFirstOrThrow();
    if (row.status !== 'paid') throw new Error('hook outside the paying transaction');
    if (o.failHook?.()) throw new Error('dossier update failed');
    paidHookCalls.push(payment);
  };
  const directory = createDirectoryModule({ db: db.database.db, logger, pool: db.database.pool });
  const identity = createIdentityModule({ db: db.database.db, logger, config, directory: directory.service });
  const payments = createPaymentsModule({
    db: db.database.db,
    logger,
    config: {
      baseUrl,
      gateway: { url: gateway.url, merchantCode: gateway.merchantCode, secret: gateway.secret },
    },
    onPaid: [hook],
    now: () => new Date(Date.now() + offsetMs),
  });
  addNavigation(...payments.nav);
  const app = await createHttpServer({
    config,
    logger,
    resolveActor: async (request) => {
      const citizen = request.headers['x-test-citizen'];
      if (typeof citizen === 'string') return { kind: 'citizen', accountId: citizen, sessionId: null };
      return identity.resolveActor(request);
    },
    isReady: () => Promise.resolve(true),
    renderErrorPage,
    modules: [identity.http, payments.http],
  });
  await app.listen({ port, host: '127.0.0.1' });
  let n = 0;
  return {
    baseUrl,
    db,
    app,
    payments,
    gateway,
    paidHookCalls,
    async withIpnMode(mode, fn) {
      gateway.setIpnMode(mode);
      try {
        return await fn();
      } finally {
        gateway.setIpnMode('normal');
      }
    },
    ipnAnswers: (txnRef) => gateway.ipnDeliveries.filter((d) => d.txnRef === txnRef).map((d) => d.rspCode),
    advanceMinutes(minutes) {
      offsetMs += minutes * 60_000;
    },
    async makeAgency() {
      n += 1;
      const code = `${String(100 + ((n + port) % 900))}.${String(10 + n).padStart(2, '0')}.${String(port % 100).padStart(2, '0')}.H41`;
      const agency = await directory.service.createAgency(systemContext('test'), {
        name: `Ủy ban nhân dân xã Thử Nghiệm ${n}`,
        kind: 'department',
        codes: [{ scheme: 'QD20', code }],
      });
      return { id: agency.id, name: agency.name };
    },
    async official(agencyId, roles) {
      n += 1;
      return signInNewOfficial(identity, baseUrl, {
        agencyId,
        roles,
        username: `canbo${port}x${n}`,
        fullName: `Cán bộ ${n}`,
      });
    },
    async close() {
      await app.close();
      await gateway.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates an official through the identity service and signs in through the real /login form. */
export async function signInNewOfficial(
  identity: Pick<IdentityModule, 'service'>,
  baseUrl: string,
  o: { agencyId: string; roles: Role[]; username: string; fullName: string },
): Promise<PageClient> {
  const password = `mat-khau-${randomBytes(6).toString('hex')}-thu`;
  await identity.service.createAccount(systemContext('test'), {
    username: o.username,
    fullName: o.fullName,
    email: `${o.username}@example.gov.vn`,
    agencyId: o.agencyId,
    roles: o.roles,
    password,
  });
  const client = new PageClient(baseUrl);
  await client.get('/login');
  const r = await client.post('/login', { username: o.username, password });
  if (r.status !== 303) throw new Error(`sign-in failed: ${r.status}`);
  return client;
}
