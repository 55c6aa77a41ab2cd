import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { Actor } from '../../src/platform/context.ts';
import { createHttpServer } from '../../src/platform/http/server.ts';
import type { App } from '../../src/platform/http/types.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { renderErrorPage } from '../../src/platform/pages/home.ts';
import { closeVerifyPool, createPkiModule, type PkiModule } from '../../src/modules/pki/index.ts';
import { api, PageClient } from '../support/client.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { testConfig } from '../support/config.ts';

const unsigned = readFileSync(new URL('../fixtures/edxml/signed/unsigned.edxml', import.meta.url));
const otherCa = readFileSync(new URL('../fixtures/edxml/signed/other-ca.pem', import.meta.url), 'utf8');
const agencyA = randomUUID();
const agencyB = randomUUID();

// The identity module is built in parallel; until then, requests name their actor in a header
// (this resolver is the test's composition root, not code under test).
const actors: Record<string, Actor> = {
  admin: {
    kind: 'official',
    accountId: randomUUID(),
    agencyId: agencyA,
    roles: ['platform_admin'],
    sessionId: null,
  },
  clerkA: {
    kind: 'official',
    accountId: randomUUID(),
    agencyId: agencyA,
    roles: ['records_clerk'],
    sessionId: null,
  },
  adminB: { kind: 'official', accountId: randomUUID(), agencyId: agencyB, roles: ['admin'], sessionId: null },
};

describe('PKI over HTTP', () => {
  let db: TestDatabase;
  let app: App;
  let pki: PkiModule;
  let baseUrl: string;
  const bodies: string[] = [];
  const as = async <T = unknown>(who: string, method: string, path: string, body?: unknown) => {
    const r = await api<T>(baseUrl, method, path, { headers: { 'x-test-actor': who }, body });
    bodies.push(JSON.stringify(r.body));
    return r;
  };

  before(async () => {
    db = await createTestDatabase();
    const config = testConfig({
      DATABASE_URL: db.url,
      DATA_DIR: '/tmp',
    });
    const logger = createLogger(config.logLevel);
    pki = createPkiModule({ db: db.database.db, logger, config });
    app = await createHttpServer({
      config,
      logger,
      resolveActor: (request) => {
        const who = request.headers['x-test-actor'];
        return Promise.resolve((typeof who === 'string' && actors[who]) || { kind: 'anonymous' });
      },
      isReady: () => Promise.resolve(true),
      renderErrorPage,
      modules: [pki.http],
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  after(async () => {
    await app.close();
    await closeVerifyPool();
    await db.drop();
  });

  let certificateId = '';

  it('issues an agency certificate (platform admin only) and signs a packet that verifies valid', async () => {
    const input = {
      holderKind: 'agency',
      agencyId: agencyA,
      agencyCode: '000.00.09.H99',
      agencyName: 'Sở Nội vụ tỉnh Minh Sơn',
      organizationInCharge: 'UBND tỉnh Minh Sơn',
    };
    const refused = await as<{ code: string }>('clerkA', 'POST', '/api/v1/pki/certificates', input);
    assert.equal(refused.status, 403);
    const r = await as<{ id: string; subject: string; status: string }>(
      'admin',
      'POST',
      '/api/v1/pki/certificates',
      input,
    );
    assert.equal(r.status, 201);
    assert.equal(r.body.status, 'active');
    assert.match(r.body.subject, /CN=Sở Nội vụ tỉnh Minh Sơn.*UID=000\.00\.09\.H99/);
    certificateId = r.body.id;

    const signed = await pki.service.signEdxml(
      { actor: actors['clerkA']!, requestId: 't', ip: null, locale: 'vi' },
      agencyA,
      unsigned,
    );
    const verdict = await pki.service.verifyEdxml(signed);
    assert.equal(verdict.result, 'valid');
    assert.equal(verdict.algorithm, 'RSA-SHA256');
    // Another agency's clerk cannot sign in agency A's name.
    await assert.rejects(
      pki.service.signEdxml(
        { actor: actors['adminB']!, requestId: 't', ip: null, locale: 'vi' },
        agencyA,
        unsigned,
      ),
      { code: 'NO_SIGNING_CERTIFICATE' },
    );
  });

  it('serves the CA certificate, hides another agency’s certificate (404) and lists the own agency’s', async () => {
    const ca = await fetch(`${baseUrl}/api/v1/pki/ca/certificate`);
    assert.equal(ca.status, 200);
    const doc = await api<{ paths: Record<string, unknown> }>(baseUrl, 'GET', '/openapi.json');
    assert.ok(doc.body.paths['/api/v1/pki/certificates/{id}/revoke'], 'routes are documented');
    assert.match(await ca.text(), /^-----BEGIN CERTIFICATE-----/);
    assert.equal((await as('adminB', 'GET', `/api/v1/pki/certificates/${certificateId}`)).status, 404);
    assert.equal((await as('admin', 'GET', `/api/v1/pki/certificates/${certificateId}`)).status, 200);
    const own = await as<{ certificates: unknown[] }>(
      'adminB',
      'GET',
      `/api/v1/pki/certificates?agencyId=${agencyB}`,
    );
    assert.equal(own.status, 200);
    assert.equal(own.body.certificates.length, 0);
  });

  it('revokes with a reason, publishes the CRL, and verification then says revoked', async () => {
    const ctx = { actor: actors['clerkA']!, requestId: 't', ip: null, locale: 'vi' as const };
    const ctxB = { ...ctx, actor: actors['adminB']! };
    assert.equal(await pki.service.canSign(ctx, agencyA), true, 'the clerk can sign for the own agency');
    assert.equal(await pki.service.canSign(ctx, agencyB), false, 'never for another agency');
    assert.equal(await pki.service.canSign(ctxB, agencyB), false, 'not without a certificate');
    const signed = await pki.service.signEdxml(ctx, agencyA, unsigned);
    const r = await as<{ status: string; revocationReason: string }>(
      'admin',
      'POST',
      `/api/v1/pki/certificates/${certificateId}/revoke`,
      {
        reason: 'keyCompromise',
      },
    );
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'revoked');
    const again = await as<{ code: string }>(
      'admin',
      'POST',
      `/api/v1/pki/certificates/${certificateId}/revoke`,
      { reason: 'superseded' },
    );
    assert.equal(again.body.code, 'CERTIFICATE_ALREADY_REVOKED');
    const crl = await fetch(`${baseUrl}/api/v1/pki/ca/crl?format=pem`);
    assert.match(await crl.text(), /^-----BEGIN X509 CRL-----/);
    const der = await fetch(`${baseUrl}/api/v1/pki/ca/crl`);
    assert.equal(der.headers.get('content-type'), 'application/pkix-crl');
    assert.equal((await der.arrayBuffer()).byteLength > 100, true);
    const verdict = await pki.service.verifyEdxml(signed);
    assert.equal(verdict.result, 'untrusted');
    assert.equal(verdict.reason, 'certificate revoked (keyCompromise)');
    await assert.rejects(pki.service.signEdxml(ctx, agencyA, unsigned), { code: 'NO_SIGNING_CERTIFICATE' });
    assert.equal(await pki.service.canSign(ctx, agencyA), false, 'not with a revoked certificate');
  });

  it('adds and removes an external CA in the trust list, and verification follows it', async () => {
    const e = readFileSync(new URL('../fixtures/edxml/signed/e-unknown-ca.edxml', import.meta.url));
    assert.equal((await pki.service.verifyEdxml(e)).result, 'untrusted');
    assert.equal(
      (await as('clerkA', 'POST', '/api/v1/pki/trust-anchors', { name: 'X', certificatePem: otherCa }))
        .status,
      403,
    );
    const bad = await as<{ code: string }>('admin', 'POST', '/api/v1/pki/trust-anchors', {
      name: 'X',
      certificatePem: 'nope',
    });
    assert.equal(bad.body.code, 'TRUST_ANCHOR_INVALID');
    const added = await as<{ id: string; kind: string }>('admin', 'POST', '/api/v1/pki/trust-anchors', {
      name: 'Unknown Test CA',
      certificatePem: otherCa,
    });
    assert.equal(added.status, 201);
    assert.equal(added.body.kind, 'external');
    const dup = await as<{ code: string }>('admin', 'POST', '/api/v1/pki/trust-anchors', {
      name: 'again',
      certificatePem: otherCa,
    });
    assert.equal(dup.body.code, 'TRUST_ANCHOR_DUPLICATE');
    assert.equal((await pki.service.verifyEdxml(e)).result, 'valid');
    const list = await as<{ trustAnchors: { kind: string }[] }>('admin', 'GET', '/api/v1/pki/trust-anchors');
    assert.deepEqual(
      list.body.trustAnchors.map((a) => a.kind),
      ['internal', 'external'],
    );
    assert.equal((await as('admin', 'DELETE', `/api/v1/pki/trust-anchors/${added.body.id}`)).status, 204);
    assert.equal((await pki.service.verifyEdxml(e)).result, 'untrusted');
  });

  it('shows certificates and the trust list on /admin/pki to platform administrators', async () => {
    const client = new PageClient(baseUrl);
    const page = await client.request('GET', '/admin/pki', { headers: { 'x-test-actor': 'admin' } });
    const text = await page.text();
    assert.equal(page.status, 200);
    assert.match(text, /Chứng thư số và danh sách tin cậy/);
    assert.match(text, /000\.00\.09\.H99/);
    assert.match(text, /Đã thu hồi/);
    assert.equal(
      (await client.request('GET', '/admin/pki', { headers: { 'x-test-actor': 'clerkA' } })).status,
      403,
    );
  });

  it('never lets a private key out: no API answer carries one, and the database holds none in clear', async () => {
    assert.ok(bodies.length > 10);
    for (const body of bodies) assert.doesNotMatch(body, /PRIVATE KEY|"privateKey"|private_key/i);
    const rows = await sql<{ k: Buffer }>`SELECT private_key_enc AS k FROM pki_certificates
      UNION ALL SELECT private_key_enc FROM pki_authorities`.execute(db.database.db);
    assert.ok(rows.rows.length >= 2);
    for (const { k } of rows.rows) {
      assert.doesNotMatch(k.toString('latin1'), /PRIVATE KEY/);
      // PKCS#8 DER of an RSA key starts with SEQUENCE + version 0 + rsaEncryption OID; sealed bytes do not.
      assert.equal(k.includes(Buffer.from('2a864886f70d010101', 'hex')), false);
    }
    const dump = await sql<{ t: string }>`SELECT row_to_json(c)::text AS t FROM pki_certificates c`.execute(
      db.database.db,
    );
    for (const { t } of dump.rows) assert.doesNotMatch(t, /PRIVATE KEY/);
  });
});
