import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { systemContext } from '../../src/platform/context.ts';
import {
  createHttpSmsTransport,
  createSmtpTransport,
  smsLength,
  smtpFromUrl,
} from '../../src/modules/notify/index.ts';
import { startFakeSmsProvider, type FakeSmsProvider } from '../support/fakes/sms.ts';
import { startFakeSmtp, type FakeSmtp } from '../support/fakes/smtp.ts';
import { portalUrl, startNotifyHarness, type NotifyHarness } from './harness.ts';

const ctx = systemContext('dossiers');
const citizenEmail = 'nguyen.van.an@example.vn';
const citizenPhone = '0912 345 678';
const mailFrom = 'Cổng Dịch vụ công Minh Sơn <no-reply@dichvucong.minhson.gov.vn>';
const dossierCode = '000.00.01.H41-251103-0001';

describe('notify: delivery through the fake SMTP server and SMS gateway', () => {
  let h: NotifyHarness;
  let smtp: FakeSmtp;
  let sms: FakeSmsProvider;

  before(async () => {
    smtp = await startFakeSmtp({ auth: { user: 'lienthong', pass: 'mật-khẩu thư 1' } });
    sms = await startFakeSmsProvider();
    h = await startNotifyHarness(() => ({
      email: createSmtpTransport(smtpFromUrl(smtp.url, mailFrom)),
      sms: createHttpSmsTransport({ url: sms.url, apiKey: sms.apiKey, brandname: 'MINHSON' }),
    }));
  });
  after(async () => {
    await h.close();
    await smtp.close();
    await sms.close();
  });

  it('mails a Vietnamese recipient in Vietnamese, with UTF-8 subject and bodies and escaped HTML', async () => {
    const { notifications } = await h.notify.service.notify(ctx, {
      recipient: { email: citizenEmail },
      template: 'dossier_received',
      params: { dossierCode, procedureName: 'Đăng ký khai sinh <b>', dueDate: '2025-12-05' },
      channels: ['email'],
    });
    const [email] = notifications;
    assert.ok(email);
    const row = await h.waitForStatus(email.id, 'sent');
    assert.equal(row.attempts, 1);
    const mail = (await smtp.waitForMessages(1)).at(-1)!;
    assert.deepEqual(mail.to, [citizenEmail]);
    assert.equal(mail.from, 'no-reply@dichvucong.minhson.gov.vn');
    assert.match(mail.headers.get('from') ?? '', /no-reply@dichvucong\.minhson\.gov\.vn/);
    assert.equal(mail.subject, `Hồ sơ ${dossierCode} đã được tiếp nhận`);
    assert.match(
      mail.text,
      /Hồ sơ 000\.00\.01\.H41-251103-0001 \(Đăng ký khai sinh <b>\) đã được tiếp nhận\./,
    );
    assert.match(mail.text, /Ngày hẹn trả kết quả: 05\/12\/2025\./);
    assert.match(mail.text, /Theo dõi tình trạng hồ sơ tại https:\/\/dichvucong\.minhson\.gov\.vn\./);
    assert.match(mail.html, /<html lang="vi">/);
    assert.match(mail.html, /Đăng ký khai sinh &lt;b&gt;/);
    assert.doesNotMatch(mail.html, /<b>/);
  });

  it('mails an English recipient in English, picking the English half of bilingual parameters', async () => {
    const before = smtp.messages.length;
    const { notifications } = await h.notify.service.notify(ctx, {
      recipient: { email: 'john.smith@example.com', locale: 'en' },
      template: 'dossier_status_changed',
      params: { dossierCode, statusName: { vi: 'Đang xử lý', en: 'Being processed' } },
      channels: ['email'],
    });
    await h.waitForStatus(notifications[0]!.id, 'sent');
    const mail = (await smtp.waitForMessages(before + 1)).at(-1)!;
    assert.equal(mail.subject, `Dossier ${dossierCode}: Being processed`);
    assert.match(mail.text, /The status of dossier .* is now: Being processed\./);
    assert.match(mail.text, /please do not reply/);
    assert.match(mail.html, /<html lang="en">/);
  });

  it('sends SMS without diacritics, in one GSM message, with the brandname and the notification as request id', async () => {
    const { notifications } = await h.notify.service.notify(ctx, {
      recipient: { phone: citizenPhone },
      template: 'dossier_status_changed',
      params: { dossierCode, statusName: { vi: 'Đã xử lý xong', en: 'Processed' } },
      channels: ['sms'],
    });
    const id = notifications[0]!.id;
    await h.waitForStatus(id, 'sent');
    const message = (await sms.waitForMessages(1)).at(-1)!;
    assert.equal(message.phone, '84912345678');
    assert.equal(message.brandname, 'MINHSON');
    assert.equal(message.requestId, id);
    assert.equal(message.message, `Ho so ${dossierCode}: Da xu ly xong. Chi tiet tai ${portalUrl}`);
    assert.deepEqual(smsLength(message.message), {
      encoding: 'gsm7',
      units: message.message.length,
      segments: 1,
    });
  });

  it('retries a failing gateway with backoff, marks the notice failed after the last attempt, and sends it again once the gateway recovers', async () => {
    sms.failWith({ status: 500 });
    const requestsBefore = sms.requests;
    const delivered = sms.messages.length;
    const { notifications } = await h.notify.service.notify(ctx, {
      recipient: { phone: '0987654321' },
      template: 'result_ready',
      params: { dossierCode },
      channels: ['sms'],
    });
    const id = notifications[0]!.id;
    const failed = await h.waitForStatus(id, 'failed');
    assert.equal(failed.attempts, 3);
    assert.equal(failed.maxAttempts, 3);
    assert.equal(failed.lastErrorCode, 'SMS_HTTP_500');
    assert.equal(sms.requests - requestsBefore, 3, 'three tries reached the gateway');
    assert.equal(sms.messages.length, delivered, 'nothing was delivered');

    sms.failWith(null);
    await h.notify.service.retry(systemContext('operator'), id);
    const sent = await h.waitForStatus(id, 'sent');
    assert.equal(sent.attempts, 4);
    assert.equal(sent.lastErrorCode, null);
    const message = (await sms.waitForMessages(delivered + 1)).at(-1)!;
    assert.equal(message.phone, '84987654321');
    assert.match(message.message, /^Ho so 000\.00\.01\.H41-251103-0001 da co ket qua giai quyet\./);
    // A notice that is not failed cannot be retried.
    await assert.rejects(h.notify.service.retry(systemContext('operator'), id), {
      code: 'NOTIFICATION_NOT_RETRYABLE',
    });
  });

  it('gives up at once when the gateway refuses a message with a non-retryable code', async () => {
    sms.failWith({ code: '01' });
    const requestsBefore = sms.requests;
    const { notifications } = await h.notify.service.notify(ctx, {
      recipient: { phone: '0356789012' },
      template: 'result_ready',
      params: { dossierCode },
      channels: ['sms'],
    });
    const failed = await h.waitForStatus(notifications[0]!.id, 'failed');
    sms.failWith(null);
    assert.equal(failed.attempts, 1);
    assert.equal(failed.lastErrorCode, 'SMS_PROVIDER_01');
    assert.equal(sms.requests - requestsBefore, 1);
  });

  it('succeeds on a later attempt when a temporary SMTP failure clears, and gives up at once on a permanent refusal', async () => {
    smtp.failWith(451);
    const before = smtp.messages.length;
    const first = await h.notify.service.notify(ctx, {
      recipient: { email: 'tran.thi.binh@example.vn' },
      template: 'supplement_requested',
      params: { dossierCode, reason: 'Bản sao giấy chứng nhận kết hôn có chứng thực' },
      channels: ['email'],
    });
    const id = first.notifications[0]!.id;
    // Let the first attempt fail, then let the server accept again.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const row = (await h.notify.service.recent(ctx, { limit: 50 })).find((r) => r.id === id);
      if (row && row.attempts >= 1) break;
      if (Date.now() > deadline) throw new Error('the first attempt did not happen');
      await new Promise((r) => setTimeout(r, 50));
    }
    smtp.failWith(null);
    const sent = await h.waitForStatus(id, 'sent');
    assert.equal(sent.attempts, 2);
    const mail = (await smtp.waitForMessages(before + 1)).at(-1)!;
    assert.equal(mail.subject, `Hồ sơ ${dossierCode} cần bổ sung, hoàn thiện`);
    assert.match(mail.text, /Nội dung cần bổ sung: Bản sao giấy chứng nhận kết hôn có chứng thực/);

    smtp.failWith(550);
    const refused = await h.notify.service.notify(ctx, {
      recipient: { email: 'khong.ton.tai@example.vn' },
      template: 'result_ready',
      params: { dossierCode },
      channels: ['email'],
    });
    const failed = await h.waitForStatus(refused.notifications[0]!.id, 'failed');
    smtp.failWith(null);
    assert.equal(failed.attempts, 1, 'a permanent refusal is not retried');
    assert.equal(failed.lastErrorCode, 'SMTP_550');
  });

  it('never sends a notice written in a transaction that rolled back', async () => {
    const rolledBackCode = '000.00.01.H41-251103-0999';
    const committedCode = '000.00.01.H41-251103-0998';
    await assert.rejects(
      h.db.database.db.transaction().execute(async (trx) => {
        await h.notify.service.notify(
          ctx,
          {
            recipient: { email: citizenEmail, phone: citizenPhone },
            template: 'result_ready',
            params: { dossierCode: rolledBackCode },
            channels: ['email', 'sms'],
          },
          trx,
        );
        throw new Error('the dossier change failed');
      }),
      /the dossier change failed/,
    );
    // A notice committed afterwards is delivered: the worker is running, the first never will be.
    const mailsBefore = smtp.messages.length;
    await h.db.database.db.transaction().execute(async (trx) => {
      await h.notify.service.notify(
        ctx,
        {
          recipient: { email: citizenEmail },
          template: 'result_ready',
          params: { dossierCode: committedCode },
          channels: ['email'],
        },
        trx,
      );
    });
    const mails = await smtp.waitForMessages(mailsBefore + 1);
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(mails.some((m) => m.subject.includes(committedCode)));
    assert.ok(!smtp.messages.some((m) => m.subject.includes(rolledBackCode)));
    assert.ok(!sms.messages.some((m) => m.message.includes(rolledBackCode)));
    const rows = await sql<{ n: string }>`SELECT count(*) AS n FROM notify_notifications
      WHERE params->>'dossierCode' = ${rolledBackCode}`.execute(h.db.database.db);
    assert.equal(rows.rows[0]?.n, '0');
  });

  it('writes and sends a notice once per dedupe key, however often it is asked', async () => {
    const request = {
      recipient: { email: citizenEmail, accountId: '6f1d3c52-2d5b-4c4e-9a57-0c1f4f7b9a10' },
      template: 'result_ready' as const,
      params: { dossierCode: '000.00.01.H41-251103-0777' },
      channels: ['email' as const, 'in_app' as const],
      dedupeKey: 'dossier:0777:result_ready',
    };
    const mailsBefore = smtp.messages.length;
    const first = await h.notify.service.notify(ctx, request);
    const second = await h.notify.service.notify(ctx, request);
    assert.deepEqual(
      first.notifications.map((n) => n.deduplicated),
      [false, false],
    );
    assert.deepEqual(
      second.notifications.map((n) => [n.id, n.deduplicated]),
      first.notifications.map((n) => [n.id, true]),
    );
    await h.waitForStatus(first.notifications[0]!.id, 'sent');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(smtp.messages.filter((m) => m.subject.includes('0777')).length, 1);
    assert.equal(smtp.messages.length, mailsBefore + 1);
  });

  it('mails a verification code, then erases the code from the database once it is delivered', async () => {
    const before = smtp.messages.length;
    const { notifications } = await h.notify.service.notify(ctx, {
      recipient: { email: 'le.thi.cuc@example.vn' },
      template: 'account_verification',
      params: { code: '482913', minutes: 10 },
      channels: ['email'],
    });
    const id = notifications[0]!.id;
    await h.waitForStatus(id, 'sent');
    const mail = (await smtp.waitForMessages(before + 1)).at(-1)!;
    assert.equal(mail.subject, 'Mã xác thực tài khoản Liên thông');
    assert.match(mail.text, /Mã xác thực tài khoản của bạn là: 482913/);
    const stored = await sql<{
      params: unknown;
    }>`SELECT params FROM notify_notifications WHERE id = ${id}`.execute(h.db.database.db);
    assert.deepEqual(stored.rows[0]?.params, {});
  });

  it('refuses bad requests naming the fields, never their values', async () => {
    await assert.rejects(
      h.notify.service.notify(ctx, {
        recipient: { email: 'not-an-address' },
        template: 'dossier_received',
        params: { dossierCode },
        channels: ['email'],
      }),
      (error: { code: string; details: { fields: string[] } }) => {
        assert.equal(error.code, 'NOTIFY_REQUEST_INVALID');
        assert.deepEqual(error.details.fields, ['recipient.email']);
        return true;
      },
    );
    await assert.rejects(
      h.notify.service.notify(ctx, {
        recipient: { email: citizenEmail },
        template: 'dossier_received',
        params: { dossierCode },
        channels: ['email'],
      }),
      (error: { code: string; details: { fields: string[] } }) => {
        assert.deepEqual(error.details.fields.sort(), ['params.dueDate', 'params.procedureName']);
        return true;
      },
    );
    await assert.rejects(
      h.notify.service.notify(ctx, {
        recipient: { email: citizenEmail },
        template: 'result_ready',
        params: { dossierCode },
        channels: ['sms'],
      }),
      { code: 'NOTIFY_NO_CHANNEL' },
    );
    await assert.rejects(
      h.notify.service.notify(ctx, {
        recipient: { accountId: '6f1d3c52-2d5b-4c4e-9a57-0c1f4f7b9a10' },
        template: 'password_reset',
        params: { code: '123456', minutes: 15 },
        channels: ['in_app'],
      }),
      { code: 'NOTIFY_REQUEST_INVALID' },
    );
  });

  it('never logs addresses, phone numbers, codes or message texts', () => {
    const logs = h.logs.join('\n');
    assert.match(logs, /notification sent/);
    assert.match(logs, /delivery failed; will retry/);
    for (const secret of [
      citizenEmail,
      'nguyen.van.an',
      '912345678',
      '987654321',
      '356789012',
      '482913',
      'Hồ sơ',
      'Ho so',
      'kết hôn',
      'mật-khẩu',
    ])
      assert.ok(!logs.includes(secret), `the logs contain ${secret}`);
  });
});
