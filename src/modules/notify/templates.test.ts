import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { notifyConfigFromEnv } from './config.ts';
import { smsLength } from './sms-text.ts';
import { renderTemplate, templateKeys, type TemplateKey } from './templates.ts';

const portalUrl = 'https://dichvucong.thanhphohochiminh.gov.vn';
// The longest parameters each template allows in its SMS, to prove every SMS fits one message.
const longest: Record<TemplateKey, Record<string, unknown>> = {
  account_verification: { code: 'ABCDEF123456', minutes: 1440 },
  password_reset: { code: 'ABCDEF123456', minutes: 1440 },
  dossier_received: {
    dossierCode: '000.00.01.H41-251103-0001-ABCDEFGHIJKLMNOPQRSTUVW',
    procedureName: { vi: 'Đăng ký khai sinh', en: 'Birth registration' },
    dueDate: '2025-12-05',
  },
  dossier_status_changed: {
    dossierCode: '000.00.01.H41-251103-0001',
    statusName: { vi: 'Yêu cầu thực hiện nghĩa vụ tài chính', en: 'Financial obligation requested' },
  },
  dossier_step_due: {
    dossierCode: '000.00.01.H41-251103-0001',
    stepName: { vi: 'Thẩm định hồ sơ', en: 'Examination' },
    dueAt: '2026-12-01T10:00:00.000Z',
    state: 'overdue',
  },
  supplement_requested: { dossierCode: '000.00.01.H41-251103-0001-ABCDEFGHIJKL', reason: 'Thiếu giấy tờ' },
  result_ready: { dossierCode: '000.00.01.H41-251103-0001-ABCDEFGHIJKLMNOPQRSTUVW' },
  report_deadline_reminder: {
    reportName: 'Báo cáo tình hình kinh tế - xã hội',
    periodName: { vi: 'Quý IV năm 2025 (lũy kế cả năm)', en: 'Q4 2025 (cumulative for the year)' },
    deadline: '2026-01-15',
  },
  report_overdue: {
    reportName: 'Báo cáo tình hình kinh tế - xã hội',
    periodName: { vi: 'Quý IV năm 2025 (lũy kế cả năm)', en: 'Q4 2025 (cumulative for the year)' },
    deadline: '2026-01-15',
  },
};

describe('notice templates', () => {
  for (const key of templateKeys) {
    it(`${key}: renders in Vietnamese and English with every placeholder filled, SMS in one GSM message`, () => {
      for (const locale of ['vi', 'en'] as const) {
        const n = renderTemplate(key, locale, longest[key], { portalUrl });
        for (const text of [n.subject, n.text, n.html, n.sms, n.title, n.body])
          assert.doesNotMatch(text, /\{\w+\}/, `${locale}: a placeholder is left in ${text}`);
        const length = smsLength(n.sms);
        assert.equal(length.encoding, 'gsm7', `${locale}: ${n.sms}`);
        assert.ok(length.units <= 160, `${locale}: ${length.units} characters: ${n.sms}`);
        assert.doesNotMatch(n.subject, /[\r\n]/);
      }
      // Vietnamese comes with its diacritics (the catalog is not stripped, only the SMS).
      assert.match(
        renderTemplate(key, 'vi', longest[key], { portalUrl }).text,
        /[ạảãàáâậầấẩẫăặằắẳẵệềếểễộồốổỗơợờớởỡưựừứửữđ]/,
      );
    });
  }

  it('escapes parameters in the HTML body and keeps them verbatim in the text body', () => {
    const n = renderTemplate(
      'supplement_requested',
      'vi',
      { dossierCode: 'H41-1', reason: '<script>alert("x")</script> & "bản sao"' },
      { portalUrl },
    );
    assert.match(n.text, /<script>alert\("x"\)<\/script> & "bản sao"/);
    assert.match(n.html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; &quot;bản sao&quot;/);
    assert.doesNotMatch(n.html, /<script>/);
  });

  it('keeps line breaks out of the subject whatever a parameter holds', () => {
    const n = renderTemplate(
      'dossier_status_changed',
      'vi',
      { dossierCode: 'H41-1', statusName: 'A\r\nBcc: x@y' },
      { portalUrl },
    );
    assert.equal(n.subject, 'Hồ sơ H41-1: A Bcc: x@y');
  });
});

describe('notifyConfigFromEnv', () => {
  it('reads SMTP_URL into host, port, TLS and credentials, and the SMS gateway', () => {
    const c = notifyConfigFromEnv({
      SMTP_URL: 'smtps://thu%40so:m%E1%BA%ADt@mail.minhson.gov.vn',
      MAIL_FROM: 'Liên thông <no-reply@minhson.gov.vn>',
      SMS_PROVIDER_URL: 'https://sms.example.vn/api/send',
      SMS_API_KEY: 'k-0123456789',
    });
    assert.deepEqual(c.smtp, {
      host: 'mail.minhson.gov.vn',
      port: 465,
      secure: true,
      auth: { user: 'thu@so', pass: 'mật' },
      from: 'Liên thông <no-reply@minhson.gov.vn>',
    });
    assert.deepEqual(c.sms, {
      url: 'https://sms.example.vn/api/send',
      apiKey: 'k-0123456789',
      brandname: 'LIENTHONG',
    });
    assert.equal(
      notifyConfigFromEnv({ SMTP_URL: 'smtp://localhost:2525', MAIL_FROM: 'a@b.vn' }).smtp?.secure,
      false,
    );
  });

  it('lets development run without mail or SMS, and lists every problem otherwise', () => {
    assert.deepEqual(notifyConfigFromEnv({}), { smtp: null, sms: null });
    assert.throws(
      () => notifyConfigFromEnv({ NODE_ENV: 'production', SMS_PROVIDER_URL: 'https://sms.example.vn' }),
      (e: Error) => /SMTP_URL: required in production/.test(e.message) && /SMS_API_KEY/.test(e.message),
    );
    assert.throws(() => notifyConfigFromEnv({ SMTP_URL: 'http://mail' }), /SMTP_URL/);
  });
});
