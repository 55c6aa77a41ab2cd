/**
 * Factories for the inter-agency tests: one Liên thông instance (the composition root of
 * src/main.ts on its own database, with its worker) plus the inter-agency module — the wired one
 * once main.ts has it —, agencies, small published procedures, and the citizen's filing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildPlatform, type Platform } from '../../src/main.ts';
import type { AgencySummary } from '../../src/modules/directory/index.ts';
import type { DossierObserver } from '../../src/modules/dossiers/index.ts';
import {
  createInteragencyModule,
  type InteragencyModule,
} from '../../src/modules/dossiers/interagency/index.ts';
import type { PartAgency } from '../../src/modules/dossiers/interagency/definition.ts';
import type { ProcedureContent } from '../../src/modules/services/index.ts';
import { createFileBlobStore } from '../../src/platform/blobs/index.ts';
import { createWorkCalendar } from '../../src/platform/calendar/index.ts';
import { systemContext, type RequestContext } from '../../src/platform/context.ts';
import { startWorker, type WorkerHandle } from '../../src/platform/jobs/index.ts';
import { createHttpServer } from '../../src/platform/http/server.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createHomeModule, renderErrorPage } from '../../src/platform/pages/home.ts';
import type { TestApp } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { testConfig } from '../support/config.ts';

export const system = systemContext('test');

export interface Instance extends TestApp {
  name: string;
  db: TestDatabase;
  /** Where the inter-agency pages and API are served: the platform once main.ts wires the module. */
  pagesUrl: string;
  dataDir: string;
  baseUrl: string;
  platform: Platform;
  interagency: InteragencyModule;
  worker: WorkerHandle | null;
  close(): Promise<void>;
}

/** Starts one instance (HTTP on loopback, a worker running every module's jobs and ours). */
export async function startInstance(name: string): Promise<Instance> {
  const db = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lt-lienthong-'));
  const config = testConfig({
    DATABASE_URL: db.url,
    DATA_DIR: dataDir,
    PORT: '0',
    BASE_URL: `http://${name}`,
  });
  const logger = createLogger(config.logLevel);
  const platform = await buildPlatform({ config, logger, database: db.database });
  const wired = (platform as unknown as { interagency?: InteragencyModule }).interagency;
  const dossiers = platform.dossiers as typeof platform.dossiers & { observers?: readonly DossierObserver[] };
  const interagency =
    wired ??
    createInteragencyModule({
      db: db.database.db,
      logger,
      directory: platform.directory.service,
      services: platform.services.service,
      dossiers,
      ...(dossiers.observers ? { dossierObservers: dossiers.observers } : {}),
      exchange: platform.exchange,
      pki: platform.pki.service,
      notify: platform.notify.service,
      calendar: createWorkCalendar(),
      blobs: createFileBlobStore(path.join(config.dataDir, 'blobs')),
    });
  await platform.app.listen({ port: 0, host: '127.0.0.1' });
  const address = platform.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const jobs = wired ? platform.jobs : [...platform.jobs, ...interagency.jobs];
  // Until the composition root wires the module: its routes on a server of their own, resolving
  // actors (session cookies) through the platform's identity module.
  const side = wired
    ? null
    : await createHttpServer({
        config,
        logger,
        resolveActor: platform.identity.resolveActor,
        isReady: () => Promise.resolve(true),
        renderErrorPage,
        modules: [createHomeModule(), interagency.http],
      });
  await side?.listen({ port: 0, host: '127.0.0.1' });
  const sideAddress = side?.server.address();
  const sidePort = typeof sideAddress === 'object' && sideAddress ? sideAddress.port : port;
  const worker = await startWorker({ pool: db.database.pool, jobs, concurrency: 2, logger });
  const instance: Instance = {
    name,
    db,
    dataDir,
    baseUrl: `http://127.0.0.1:${port}`,
    pagesUrl: `http://127.0.0.1:${sidePort}`,
    database: db.database,
    config,
    platform,
    interagency,
    worker,
    async close() {
      await instance.worker?.stop();
      instance.worker = null;
      await side?.close();
      await platform.app.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return instance;
}

let counter = 0;
const next = () => {
  counter += 1;
  return counter;
};

/** An agency with one QĐ20 code (give the same code on two instances: the directory is national). */
export async function agency(
  i: Instance,
  o: { code?: string; kind?: 'commune' | 'unit' | 'department'; name?: string; parentId?: string } = {},
): Promise<AgencySummary & { code: string }> {
  const n = next();
  const code =
    o.code ??
    `${String(100 + ((n * 37 + process.pid) % 900))}.${String(n % 100).padStart(2, '0')}.${String(process.pid % 100).padStart(2, '0')}.H${String(10 + (n % 89)).padStart(2, '0')}`;
  const a = await i.platform.directory.service.createAgency(system, {
    name: o.name ?? `Cơ quan thử nghiệm ${n}`,
    kind: o.kind ?? 'commune',
    parentId: o.parentId ?? null,
    validFrom: '2020-01-01',
    codes: [{ scheme: 'QD20', code, validFrom: '2020-01-01' }],
  });
  return { ...a, code };
}

/** Publishes a small procedure (one uploaded paper, one field) competent at `agencyIds`. */
export async function procedure(
  i: Instance,
  code: string,
  o: { name: string; agencyIds: string[]; workingDays: number },
): Promise<void> {
  const content: ProcedureContent = {
    code,
    codeConfirmed: false,
    name: o.name,
    sector: { code: 'THU_NGHIEM', name: 'Thử nghiệm' },
    applicants: ['citizen'],
    agencies: { kinds: [], agencyIds: o.agencyIds, description: 'Cơ quan thử nghiệm' },
    where: 'Bộ phận Một cửa',
    channels: ['online'],
    steps: [],
    papers: [
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
        { key: 'childName', type: 'text', label: 'Họ, chữ đệm, tên của trẻ', required: true, maxLength: 100 },
      ],
    },
    fees: [],
    timeLimit: { workingDays: o.workingDays },
    level: { decree42: 'toan_trinh', legacy: 4 },
    result: { type: 'electronic', name: 'Kết quả điện tử' },
    legalBasis: [],
  };
  const summary = await i.platform.services.service.createProcedure(system, { content });
  await i.platform.services.service.publish(system, summary.id);
}

export const pdf = (text: string) =>
  Buffer.from(
    `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% ${text}\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
  );

/** A citizen, and an official of an agency, acting through the services (the dossiers harness's). */
export { citizenCtx as citizen, officerCtx as official } from './harness.ts';

/** The citizen files the main dossier once (form, a paper, submit); returns its id. */
export async function fileOnce(
  i: Instance,
  ctx: RequestContext,
  procedureCode: string,
  agencyId: string,
): Promise<string> {
  const s = i.platform.dossiers.service;
  const draft = await s.createDraft(ctx, { procedureCode, agencyId, applicantName: 'Nguyễn Văn An' });
  await s.saveValues(ctx, draft.id, { childName: 'Nguyễn Thị Bình' });
  await s.addPaper(ctx, draft.id, {
    paperKey: 'giayChungSinh',
    fileName: 'giay-chung-sinh.pdf',
    bytes: pdf('chung sinh'),
  });
  await s.submit(ctx, draft.id);
  return draft.id;
}

export { until } from '../support/until.ts';

/** The test group: part 1 (a birth registration) and part 2 (a health-insurance card). */
export interface TestGroup {
  code: string;
  codes: { group: string; birth: string; insurance: string };
  /** Where the group is filed and part 1 is competent. */
  commune: { id: string };
  /** Where part 2 is competent on this instance. */
  office: { id: string };
  part1: PartAgency;
  part2: PartAgency;
  part2After: number[];
}

/** Publishes the group's three small procedures and defines the group on `i`. */
export async function defineGroup(i: Instance, g: TestGroup): Promise<void> {
  await procedure(i, g.codes.group, {
    name: 'Liên thông thử nghiệm',
    agencyIds: [g.commune.id],
    workingDays: 3,
  });
  await procedure(i, g.codes.birth, {
    name: 'Đăng ký khai sinh (thử)',
    agencyIds: [g.commune.id],
    workingDays: 1,
  });
  await procedure(i, g.codes.insurance, {
    name: 'Cấp thẻ BHYT (thử)',
    agencyIds: [g.office.id],
    workingDays: 2,
  });
  await i.interagency.service.saveProcedure(system, {
    code: g.code,
    name: 'Liên thông khai sinh và BHYT (thử)',
    procedureCode: g.codes.group,
    workingDays: 3,
    parts: [
      {
        order: 1,
        procedureCode: g.codes.birth,
        procedureName: 'Đăng ký khai sinh (thử)',
        agency: g.part1,
        agencyDescription: 'Ủy ban nhân dân cấp xã',
        workingDays: 1,
        after: [],
        result: 'Giấy khai sinh',
      },
      {
        order: 2,
        procedureCode: g.codes.insurance,
        procedureName: 'Cấp thẻ BHYT (thử)',
        agency: g.part2,
        agencyDescription: 'Bảo hiểm xã hội cơ sở',
        workingDays: 2,
        after: g.part2After,
        result: 'Thẻ bảo hiểm y tế',
      },
    ],
  });
}
