/**
 * The test's composition root for dossiers: directory, notify, identity, services, payments (with
 * the fake gateway on loopback) and dossiers on a fresh database, served on loopback — the same
 * wiring WIRING.md asks of src/main.ts. Citizens register through the real /register forms, or
 * act through the service with `citizenCtx`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDirectoryModule, type AgencySummary } from '../../src/modules/directory/index.ts';
import {
  createDossiersModule,
  officialsFromIdentity,
  type DossiersModule,
  type DossiersOptions,
} from '../../src/modules/dossiers/index.ts';
import { createIdentityModule, type IdentityModule } from '../../src/modules/identity/index.ts';
import { createPkiModule, type PkiModule } from '../../src/modules/pki/index.ts';
import { createNotifyModule, createNotifyTransports } from '../../src/modules/notify/index.ts';
import {
  createPaymentsModule,
  type PaidHook,
  type PaymentsModule,
} from '../../src/modules/payments/index.ts';
import {
  createServicesModule,
  type ProcedureContent,
  type ServicesModule,
} from '../../src/modules/services/index.ts';
import { createFileBlobStore } from '../../src/platform/blobs/index.ts';
import { createWorkCalendar } from '../../src/platform/calendar/index.ts';
import { systemContext, type RequestContext, type Role } from '../../src/platform/context.ts';
import { createHttpServer } from '../../src/platform/http/server.ts';
import type { App } from '../../src/platform/http/types.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { addNavigation } from '../../src/platform/pages/layout.ts';
import { createHomeModule, renderErrorPage } from '../../src/platform/pages/home.ts';
import type { TestApp } from '../support/app.ts';
import type { PageClient } from '../support/client.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { testConfig } from '../support/config.ts';
import { startFakeGateway, type FakeGateway } from '../support/fakes/gateway.ts';
import { citizenCtx, signInNewOfficial } from '../payments/harness.ts';

export { citizenCtx };

export interface DossiersHarness {
  baseUrl: string;
  db: TestDatabase;
  app: App;
  dossiers: DossiersModule;
  services: ServicesModule;
  payments: PaymentsModule;
  gateway: FakeGateway;
  pki: PkiModule;
  identity: IdentityModule;
  /** Issues the agency's signing certificate (results are signed with it). */
  certify(agency: { id: string; name: string; code: string }): Promise<void>;
  /** Enough of a TestApp for test/support/auth.ts (registerCitizen). */
  asTestApp: TestApp;
  makeAgency(kind?: 'commune' | 'department'): Promise<AgencySummary & { code: string }>;
  /** Publishes a small procedure for communes; `o` overrides parts of it. */
  makeProcedure(o?: Partial<ProcedureContent>): Promise<ProcedureContent>;
  official(agencyId: string, roles: Role[]): Promise<PageClient>;
  /** A one-stop officer's context of the agency (no account behind it). */
  officerCtxFor(agencyId: string): RequestContext;
  /** A real official account (so names reach form 06) acting through the service. */
  officialCtx(agencyId: string, roles: Role[], fullName?: string): Promise<RequestContext>;
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

/** A one-stop officer (or other roles) of an agency acting through the service. */
export function officerCtx(agencyId: string, roles: Role[] = ['one_stop_officer']): RequestContext {
  return {
    actor: { kind: 'official', accountId: randomUUID(), agencyId, roles, sessionId: null },
    requestId: `t-${randomUUID()}`,
    ip: '127.0.0.1',
    locale: 'vi',
  };
}

/** A wall-clock time in Vietnam (UTC+7), `yyyy-MM-ddTHH:mm:ss`, as a Date. */
export const vn = (s: string): Date => new Date(`${s}+07:00`);

/** For `assert.rejects`: the error carries this stable code and HTTP status. */
export const rejectsWith =
  (code: string, status: number) =>
  (e: { code?: string; status?: number }): boolean =>
    e.code === code && e.status === status;

export const minimalPdf = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

let procedureCounter = 0;

export async function startDossiersHarness(o: { options?: DossiersOptions } = {}): Promise<DossiersHarness> {
  const db = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lienthong-dossiers-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const config = testConfig({
    DATABASE_URL: db.url,
    DATA_DIR: dataDir,
    PORT: String(port),
    BASE_URL: baseUrl,
  });
  const logger = createLogger(config.logLevel);
  const database = db.database;
  const gateway = await startFakeGateway({
    port: 0,
    merchantCode: 'LTTEST01',
    secret: randomBytes(32).toString('hex'),
  });
  const directory = createDirectoryModule({ db: database.db, logger });
  const notify = createNotifyModule({
    db: database.db,
    logger,
    config,
    transports: createNotifyTransports({
      db: database.db,
      logger,
      config: { smtp: null, sms: null },
      env: 'test',
    }),
  });
  const identity = createIdentityModule({
    db: database.db,
    logger,
    config,
    directory: directory.service,
    notify: notify.service,
  });
  const services = createServicesModule({ db: database.db, logger, directory: directory.service });
  const pki = createPkiModule({ db: database.db, logger, config });
  // What WIRING.md asks of src/main.ts: officials' names and roles, read through identity.
  const officials = officialsFromIdentity(identity.service);
  let dossiersOnPaid: PaidHook = () => Promise.resolve();
  const payments = createPaymentsModule({
    db: database.db,
    logger,
    config: {
      baseUrl,
      gateway: { url: gateway.url, merchantCode: gateway.merchantCode, secret: gateway.secret },
    },
    onPaid: [(trx, payment) => dossiersOnPaid(trx, payment)],
  });
  const dossiers = createDossiersModule({
    db: database.db,
    logger,
    config,
    directory: directory.service,
    services: services.service,
    payments: payments.service,
    notify: notify.service,
    calendar: createWorkCalendar(),
    blobs: createFileBlobStore(path.join(dataDir, 'blobs')),
    officials,
    pki: pki.service,
    ...(o.options ? { options: o.options } : {}),
  });
  dossiersOnPaid = dossiers.onPaid;
  const modules = [directory, identity, services, payments, notify, pki, dossiers];
  addNavigation(...modules.flatMap((m) => m.nav));
  const app = await createHttpServer({
    config,
    logger,
    resolveActor: identity.resolveActor,
    isReady: () => Promise.resolve(true),
    renderErrorPage,
    modules: [createHomeModule(), ...modules.map((m) => m.http)],
  });
  await app.listen({ port, host: '127.0.0.1' });
  let n = 0;
  const system = systemContext('test');
  return {
    baseUrl,
    db,
    app,
    dossiers,
    services,
    payments,
    gateway,
    pki,
    identity,
    async certify(agency) {
      await pki.service.issue(system, {
        holderKind: 'agency',
        agencyId: agency.id,
        agencyCode: agency.code,
        agencyName: agency.name,
        validDays: 365,
      });
    },
    asTestApp: { baseUrl, database, platform: {}, config } as unknown as TestApp,
    async makeAgency(kind = 'commune') {
      n += 1;
      const code = `${String(100 + ((n * 7 + port) % 900))}.${String(10 + n).padStart(2, '0')}.${String(port % 100).padStart(2, '0')}.H41`;
      const agency = await directory.service.createAgency(system, {
        name: `Ủy ban nhân dân xã Thử Nghiệm ${port}-${n}`,
        kind,
        codes: [{ scheme: 'QD20', code }],
      });
      return { ...agency, code };
    },
    async makeProcedure(over = {}) {
      procedureCounter += 1;
      const content: ProcedureContent = {
        code: `9.${String(port).padStart(5, '0').slice(-3)}${String(procedureCounter).padStart(3, '0')}`,
        codeConfirmed: false,
        name: `Đăng ký thử nghiệm số ${procedureCounter}`,
        sector: { code: 'THU_NGHIEM', name: 'Thử nghiệm' },
        applicants: ['citizen'],
        agencies: { kinds: ['commune'], agencyIds: [], description: 'Ủy ban nhân dân cấp xã' },
        where: 'Bộ phận Một cửa',
        channels: ['online'],
        steps: [],
        papers: [
          {
            key: 'toKhai',
            name: 'Tờ khai',
            copyKind: 'electronic',
            count: 1,
            requirement: 'required',
            template: { kind: 'generated' },
          },
          {
            key: 'giayChungSinh',
            name: 'Giấy chứng sinh',
            copyKind: 'original',
            count: 1,
            requirement: 'required',
          },
        ],
        form: {
          fields: [
            {
              key: 'childName',
              type: 'text',
              label: 'Họ, chữ đệm, tên của trẻ',
              required: true,
              maxLength: 100,
            },
            { key: 'birthDate', type: 'date', label: 'Ngày sinh', required: true, maxDate: 'today' },
          ],
        },
        fees: [{ kind: 'le_phi', name: 'Lệ phí đăng ký', amount: 8000 }],
        timeLimit: { workingDays: 3 },
        level: { decree42: 'toan_trinh', legacy: 4 },
        result: { type: 'electronic', name: 'Giấy khai sinh điện tử' },
        legalBasis: [],
        ...over,
      };
      const summary = await services.service.createProcedure(system, { content });
      await services.service.publish(system, summary.id);
      return content;
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
    officerCtxFor: (agencyId) => officerCtx(agencyId),
    async officialCtx(agencyId, roles, fullName) {
      n += 1;
      const { account } = await identity.service.createAccount(system, {
        username: `cb${port}y${n}`,
        fullName: fullName ?? `Cán bộ ${n}`,
        email: `cb${port}y${n}@example.gov.vn`,
        agencyId,
        roles,
        password: `mat-khau-${randomBytes(6).toString('hex')}-thu`,
      });
      return {
        actor: { kind: 'official', accountId: account.id, agencyId, roles, sessionId: null },
        requestId: `t-${randomUUID()}`,
        ip: '127.0.0.1',
        locale: 'vi',
      };
    },
    async close() {
      await app.close();
      await gateway.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
