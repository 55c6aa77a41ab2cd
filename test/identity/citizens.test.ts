import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemContext } from '../../src/platform/context.ts';
import { startWorker, type WorkerHandle } from '../../src/platform/jobs/index.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createOfficial, makeAgency, registerCitizen, signIn, signInCitizen } from '../support/auth.ts';
import { PageClient } from '../support/client.ts';
import { startFakeSmtp, type FakeSmtp } from '../support/fakes/smtp.ts';

const json = { accept: 'application/json' };

describe('identity: citizen and business accounts', () => {
  let t: TestApp;
  let smtp: FakeSmtp;
  let worker: WorkerHandle;

  before(async () => {
    smtp = await startFakeSmtp();
    t = await startTestApp({ SMTP_URL: smtp.url, MAIL_FROM: 'Liên thông <no-reply@lienthong.test>' });
    worker = await startWorker({
      pool: t.database.pool,
      jobs: t.platform.jobs,
      concurrency: 2,
      logger: createLogger('silent'),
    });
  });
  after(async () => {
    await worker.stop();
    await t.close();
    await smtp.close();
  });

  /** Fills /register and returns the verification page's path. */
  async function startRegistration(browser: PageClient, fields: Record<string, string>) {
    await browser.get('/register');
    return browser.post('/register', { kind: 'citizen', phone: '', taxCode: '', ...fields });
  }

  async function mailedCode(to: string): Promise<string> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const mail = smtp.messages.filter((m) => m.to.includes(to)).at(-1);
      const code = mail ? /\b(\d{6})\b/.exec(mail.text)?.[1] : undefined;
      if (code) return code;
      if (Date.now() > deadline) throw new Error(`no code mailed to ${to}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('registers with a code sent by email, refuses a wrong code, then activates and signs in', async () => {
    const browser = new PageClient(t.baseUrl);
    const email = 'pham.thi.dung@example.vn';
    const r = await startRegistration(browser, {
      fullName: 'Phạm Thị Dung',
      email,
      personalId: '001195012345',
      password: 'hoa sen nở 2025!',
    });
    assert.equal(r.status, 303);
    const verify = await browser.get(r.location ?? '');
    assert.match(verify.html, /p•••@example\.vn/);
    const id = new URL(r.location ?? '', t.baseUrl).searchParams.get('id') ?? '';
    const code = await mailedCode(email);
    const mail = smtp.messages.find((m) => m.to.includes(email));
    assert.equal(mail?.subject, 'Mã xác thực tài khoản Liên thông');

    const wrong = await browser.post('/register/verify', {
      id,
      code: code === '000000' ? '111111' : '000000',
      action: 'verify',
    });
    assert.equal(wrong.status, 400);
    assert.match(wrong.html, /Còn 4 lần thử/);
    // Not active yet: the password does not sign in.
    const early = new PageClient(t.baseUrl);
    await early.get('/login');
    assert.equal((await early.post('/login', { username: email, password: 'hoa sen nở 2025!' })).status, 401);

    const ok = await browser.post('/register/verify', { id, code, action: 'verify' });
    assert.equal(ok.status, 303);
    assert.equal(ok.location, '/account/profile');
    const profile = await browser.get('/account/profile');
    assert.match(profile.html, /Phạm Thị Dung/);
    assert.match(profile.html, /001••••••345/);

    // Sign-in by email on the same /login as officials, and the code cannot be used twice.
    await signInCitizen(t, { login: 'Pham.Thi.Dung@example.vn', password: 'hoa sen nở 2025!' });
    const reused = await browser.post('/register/verify', { id, code, action: 'verify' });
    assert.equal(reused.status, 410);
  });

  it('stops after 5 wrong codes and after 10 minutes', async () => {
    const browser = new PageClient(t.baseUrl);
    const r = await startRegistration(browser, {
      fullName: 'Hoàng Văn Em',
      email: 'hoang.van.em@example.vn',
      personalId: '038090000111',
      password: 'sông Lam xanh 1990',
    });
    const id = new URL(r.location ?? '', t.baseUrl).searchParams.get('id') ?? '';
    await browser.get(r.location ?? '');
    const code = await mailedCode('hoang.van.em@example.vn');
    const other = code === '123456' ? '654321' : '123456';
    for (let i = 0; i < 5; i++) await browser.post('/register/verify', { id, code: other, action: 'verify' });
    const late = await browser.post('/register/verify', { id, code, action: 'verify' });
    assert.equal(late.status, 410, 'the right code no longer works after 5 wrong ones');

    const second = new PageClient(t.baseUrl);
    const r2 = await startRegistration(second, {
      fullName: 'Hoàng Văn Em',
      email: 'hoang.van.em@example.vn',
      personalId: '038090000111',
      password: 'sông Lam xanh 1990',
    });
    const id2 = new URL(r2.location ?? '', t.baseUrl).searchParams.get('id') ?? '';
    await second.get(r2.location ?? '');
    const code2 = await mailedCode('hoang.van.em@example.vn');
    await t.database.pool.query(
      `UPDATE identity_registrations SET expires_at = now() - interval '1 second' WHERE id = $1`,
      [id2],
    );
    const expired = await second.post('/register/verify', { id: id2, code: code2, action: 'verify' });
    assert.equal(expired.status, 410);
  });

  it('checks the form next to each field and refuses duplicates without naming anyone', async () => {
    const browser = new PageClient(t.baseUrl);
    const bad = await startRegistration(browser, {
      fullName: 'A',
      email: 'khong-phai-email',
      personalId: '003090123456',
      password: 'ngan',
    });
    assert.equal(bad.status, 400);
    assert.match(bad.html, /Ba chữ số đầu phải là mã tỉnh nơi đăng ký khai sinh/);
    assert.match(bad.html, /Thư điện tử không đúng dạng/);
    assert.match(bad.html, /Mật khẩu cần từ 10 đến 200 ký tự/);

    const existing = await registerCitizen(t, { fullName: 'Đỗ Thị Giang' });
    const dupEmail = await startRegistration(browser, {
      fullName: 'Người khác',
      email: existing.email,
      personalId: '001090999999',
      password: 'mat khau rat dai 1',
    });
    assert.equal(dupEmail.status, 409);
    assert.match(dupEmail.html, /đã được dùng cho một tài khoản/);
    assert.doesNotMatch(dupEmail.html, /Đỗ Thị Giang/);
    const dupId = await startRegistration(browser, {
      fullName: 'Người khác',
      email: 'nguoi.khac@example.vn',
      personalId: existing.personalId,
      password: 'mat khau rat dai 1',
    });
    assert.equal(dupId.status, 409);
    assert.match(dupId.html, /Số định danh cá nhân này đã gắn với một tài khoản/);
    assert.doesNotMatch(dupId.html, /Đỗ Thị Giang/);
  });

  it('registers a business with its tax code and checks the check digit', async () => {
    const browser = new PageClient(t.baseUrl);
    const wrong = await browser.get('/register').then(() =>
      browser.post('/register', {
        kind: 'business',
        fullName: 'Công ty TNHH Minh Sơn',
        email: 'ketoan@minhson.example.vn',
        phone: '',
        personalId: '',
        taxCode: '0100107371',
        password: 'cong ty minh son 2025',
      }),
    );
    assert.equal(wrong.status, 400);
    assert.match(wrong.html, /sai chữ số kiểm tra/);
    const ok = await browser.post('/register', {
      kind: 'business',
      fullName: 'Công ty TNHH Minh Sơn',
      email: 'ketoan@minhson.example.vn',
      phone: '',
      personalId: '',
      taxCode: '0100107370-001',
      password: 'cong ty minh son 2025',
    });
    assert.equal(ok.status, 303);
  });

  it('keeps the number encrypted at rest and lets an official find it by keyed hash, access-logged', async () => {
    const person = await registerCitizen(t, { fullName: 'Vũ Minh Hải' });
    const { rows } = await t.database.pool.query<Record<string, unknown>>(
      `SELECT row_to_json(p)::text AS row FROM identity_citizen_profiles p WHERE account_id = $1`,
      [person.accountId],
    );
    const stored = String(rows[0]?.['row']);
    assert.ok(stored.includes('k1:'), 'ciphertext with its key id');
    assert.ok(!stored.includes(person.personalId), 'the plain number is not in the table');
    const everywhere = await t.database.pool.query(
      `SELECT count(*)::int AS n FROM identity_accounts a WHERE a::text LIKE '%' || $1 || '%'`,
      [person.personalId],
    );
    assert.equal(everywhere.rows[0].n, 0);

    const agency = await makeAgency(t, { name: 'UBND xã Hưng Lộc' });
    const officer = await signIn(
      t,
      await createOfficial(t, {
        agencyId: agency.id,
        roles: ['one_stop_officer'],
        fullName: 'Cán bộ Lý Thị Hoa',
      }),
    );
    const found = await officer.request('POST', '/api/v1/identity/citizens/lookup', {
      headers: { ...json, 'content-type': 'application/json' },
      body: JSON.stringify({ personalId: person.personalId }),
    });
    assert.equal(found.status, 200);
    assert.equal(((await found.json()) as { accountId: string }).accountId, person.accountId);

    const view = await officer.get(`/admin/citizens/${person.accountId}`);
    assert.equal(view.status, 200);
    assert.match(view.html, /Vũ Minh Hải/);
    assert.doesNotMatch(view.html, new RegExp(person.personalId));
    const revealed = await officer.post(`/admin/citizens/${person.accountId}/reveal`, {});
    assert.match(revealed.html, new RegExp(person.personalId));

    const log = await person.client.get('/account/access-log');
    assert.match(log.html, /Cán bộ Lý Thị Hoa/);
    assert.match(log.html, /UBND xã Hưng Lộc/);
    assert.match(log.html, /Tra cứu theo số định danh/);
    assert.match(log.html, /Xem hồ sơ cá nhân/);
    assert.match(log.html, /Xem đầy đủ số định danh/);
    const audit = await t.database.pool.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'identity.personal_data.read' AND $1 = ANY(subject_ids)`,
      [person.accountId],
    );
    assert.equal(audit.rows[0].n, 3);

    // An official without a role that needs citizens' data is refused.
    const clerk = await signIn(t, await createOfficial(t, { agencyId: agency.id, roles: ['records_clerk'] }));
    const refused = await clerk.request('GET', `/api/v1/identity/citizens/${person.accountId}`, {
      headers: json,
    });
    assert.equal(refused.status, 403);
  });

  it("keeps citizens out of officials' pages and out of each other's data (404)", async () => {
    const one = await registerCitizen(t);
    const two = await registerCitizen(t);
    for (const path of [
      `/api/v1/identity/citizens/${two.accountId}`,
      `/api/v1/identity/accounts/${two.accountId}`,
    ]) {
      const r = await one.client.request('GET', path, { headers: json });
      assert.equal(r.status, 404, path);
    }
    const page = await one.client.get(`/admin/citizens/${two.accountId}`);
    assert.equal(page.status, 404);
    const reveal = await one.client.request(
      'POST',
      `/api/v1/identity/citizens/${two.accountId}/reveal-personal-id`,
      {
        headers: json,
      },
    );
    assert.equal(reveal.status, 404);
    for (const path of ['/admin/accounts', '/admin/clients', '/admin/oidc-clients', '/admin/citizens']) {
      const r = await one.client.get(path);
      assert.ok([403, 404].includes(r.status), `${path}: ${r.status}`);
    }
    // Their own profile shows their data only.
    const mine = (await (
      await one.client.request('GET', '/api/v1/identity/me/profile', { headers: json })
    ).json()) as {
      accountId: string;
    };
    assert.equal(mine.accountId, one.accountId);
  });

  it('keeps addresses with the 2025 province and commune and the old triple as entered', async () => {
    await t.platform.directory.seed(systemContext('test'));
    const person = await registerCitizen(t);
    const picker = await person.client.get('/account/profile/address/permanent?province=01');
    assert.equal(picker.status, 200);
    assert.match(picker.html, /Phường Hoàn Kiếm/);
    const saved = await person.client.post('/account/profile/address/permanent', {
      provinceCode: '01',
      communeCode: '00070',
      street: 'Số 12 phố Hàng Bạc',
      oldProvinceName: 'Thành phố Hà Nội',
      oldProvinceCode: '01',
      oldDistrictName: 'Quận Hoàn Kiếm',
      oldDistrictCode: '002',
      oldCommuneName: 'Phường Hàng Bạc',
      oldCommuneCode: '00058',
    });
    assert.equal(saved.status, 303);
    const profile = (await (
      await person.client.request('GET', '/api/v1/identity/me/profile', { headers: json })
    ).json()) as {
      addresses: {
        province: { code: string };
        commune: { name: string };
        old: { district: { name: string } };
        mappingVersion: string;
      }[];
    };
    const address = profile.addresses[0];
    assert.equal(address?.province.code, '01');
    assert.equal(address?.commune.name, 'Phường Hoàn Kiếm');
    assert.equal(address?.old.district.name, 'Quận Hoàn Kiếm');
    assert.equal(address?.mappingVersion, '2025-07-01');

    const wrongCommune = await person.client.post('/account/profile/address/current', {
      provinceCode: '01',
      communeCode: '99999',
      street: 'Số 1',
    });
    assert.equal(wrongCommune.status, 400);
    assert.match(wrongCommune.html, /Chọn một đơn vị hành chính trong danh sách/);
  });
});
