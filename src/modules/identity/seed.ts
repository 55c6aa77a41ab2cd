import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { RequestContext, Role } from '../../platform/context.ts';
import type { DirectoryService } from '../directory/index.ts';
import { temporaryPassword } from './crypto.ts';
import { AgencyNotFound } from './errors.ts';
import type { IdentityService } from './service.ts';

interface DemoAccount {
  username: string;
  fullName: string;
  agencyCode: string;
  roles: Role[];
  /** Placed in the demo unit of the agency. */
  inUnit?: boolean;
}

/**
 * The demo unit of Nghệ An: the provincial one-stop hands justice dossiers to the Department of
 * Justice, so a workflow step routed to it goes to its specialist only. Found again by its code.
 */
const demoUnit = {
  parentCode: '000.00.00.H41',
  code: 'demo.H41.so-tu-phap',
  name: 'Sở Tư pháp tỉnh Nghệ An',
  shortName: 'Sở Tư pháp',
} as const;

/** The demo people: an operator at the Government Office and three officials of Nghệ An. */
const demoAccounts: DemoAccount[] = [
  {
    username: 'admin',
    fullName: 'Quản trị nền tảng',
    agencyCode: '000.00.00.G22',
    roles: ['platform_admin', 'admin'],
  },
  { username: 'nghean.quantri', fullName: 'Nguyễn Văn Quản', agencyCode: '000.00.00.H41', roles: ['admin'] },
  {
    username: 'nghean.vanthu',
    fullName: 'Trần Thị Thư',
    agencyCode: '000.00.00.H41',
    roles: ['records_clerk'],
  },
  {
    username: 'nghean.motcua',
    fullName: 'Lê Văn Cửa',
    agencyCode: '000.00.00.H41',
    roles: ['one_stop_officer'],
  },
  // The back office's processing steps (thẩm định → phê duyệt → ký) with their own officials.
  {
    username: 'nghean.chuyenvien',
    fullName: 'Phạm Thị Thẩm',
    agencyCode: '000.00.00.H41',
    roles: ['specialist'],
    inUnit: true,
  },
  {
    username: 'nghean.lanhdao',
    fullName: 'Hoàng Văn Duyệt',
    agencyCode: '000.00.00.H41',
    roles: ['unit_leader'],
  },
];

const storedSchema = z.record(z.string(), z.object({ password: z.string().min(10).max(200) }));

/**
 * Creates the demo accounts that are missing. Passwords are random, kept in
 * DATA_DIR/demo-admin.json, so a restart prints the same credentials.
 */
export async function seedDemoAccounts(
  service: IdentityService,
  directory: DirectoryService,
  ctx: RequestContext,
  dataDir: string,
): Promise<{ username: string; password: string }> {
  const file = path.join(dataDir, 'demo-admin.json');
  const stored = existsSync(file) ? storedSchema.parse(JSON.parse(readFileSync(file, 'utf8'))) : {};
  const unitId = await seedDemoUnit(directory, ctx);
  for (const demo of demoAccounts) {
    const resolved = await directory.resolveCode(demo.agencyCode);
    if (!resolved) {
      if (demo.username === 'admin') throw AgencyNotFound({ code: demo.agencyCode });
      continue;
    }
    const password = stored[demo.username]?.password ?? temporaryPassword();
    stored[demo.username] = { password };
    if (await service.accountExists(demo.username)) continue;
    await service.createAccount(ctx, {
      username: demo.username,
      fullName: demo.fullName,
      email: `${demo.username}@demo.lienthong.invalid`,
      agencyId: resolved.current.id,
      roles: demo.roles,
      ...(demo.inUnit && unitId ? { unitId } : {}),
      password,
    });
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  const admin = stored['admin'];
  if (!admin) throw new Error('demo administrator missing');
  return { username: 'admin', password: admin.password };
}

/** The demo unit below Nghệ An (created once; null when Nghệ An is not in the directory). */
async function seedDemoUnit(directory: DirectoryService, ctx: RequestContext): Promise<string | null> {
  const existing = await directory.resolveCode(demoUnit.code);
  if (existing) return existing.current.id;
  const parent = await directory.resolveCode(demoUnit.parentCode);
  if (!parent) return null;
  const unit = await directory.createAgency(ctx, {
    name: demoUnit.name,
    shortName: demoUnit.shortName,
    kind: 'department',
    parentId: parent.current.id,
    codes: [{ scheme: 'LOCAL', code: demoUnit.code }],
  });
  return unit.id;
}

/** `lienthong create-admin`: an administrator of the agency holding `agencyCode`. */
export async function createAdminAccount(
  service: IdentityService,
  directory: DirectoryService,
  ctx: RequestContext,
  o: {
    agencyCode: string;
    username: string;
    fullName: string;
    platformAdmin: boolean;
    password?: string | undefined;
  },
): Promise<{ username: string; agencyName: string; generatedPassword: string | null }> {
  const resolved = await directory.resolveCode(o.agencyCode);
  if (!resolved) throw AgencyNotFound({ code: o.agencyCode });
  const created = await service.createAccount(ctx, {
    username: o.username,
    fullName: o.fullName,
    email: '',
    agencyId: resolved.current.id,
    roles: o.platformAdmin ? ['platform_admin', 'admin'] : ['admin'],
    ...(o.password ? { password: o.password } : {}),
  });
  return {
    username: created.account.username,
    agencyName: resolved.current.name,
    generatedPassword: created.temporaryPassword,
  };
}
