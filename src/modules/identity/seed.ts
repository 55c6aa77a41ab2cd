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
}

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
      password,
    });
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  const admin = stored['admin'];
  if (!admin) throw new Error('demo administrator missing');
  return { username: 'admin', password: admin.password };
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
