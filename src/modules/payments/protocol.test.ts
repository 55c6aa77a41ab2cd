import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  canonicalString,
  gatewayDate,
  gatewayTime,
  parseAmount,
  parseGatewayTime,
  percentEncode,
  signMessage,
  signature,
  signedQuery,
  verifyMessage,
} from './protocol.ts';

const secret = 'bi-mat-cua-don-vi-chap-nhan-thanh-toan-0123456789';

describe('gateway protocol: canonical string and signature', () => {
  it('sorts fields by name, drops empty ones and the hash, and percent-encodes UTF-8 (RFC 3986)', () => {
    const canonical = canonicalString({
      gw_TxnRef: 'LT251121101500ABCD2345',
      gw_Amount: '1234000',
      gw_OrderInfo: 'Lệ phí hộ tịch (khai sinh)*',
      gw_BankCode: '',
      gw_Empty: undefined,
      gw_SecureHash: 'ignored',
      gw_ReturnUrl: 'https://dvc.example.vn/payments/return?a=1&b=2',
    });
    assert.equal(
      canonical,
      'gw_Amount=1234000' +
        '&gw_OrderInfo=L%E1%BB%87%20ph%C3%AD%20h%E1%BB%99%20t%E1%BB%8Bch%20%28khai%20sinh%29%2A' +
        '&gw_ReturnUrl=https%3A%2F%2Fdvc.example.vn%2Fpayments%2Freturn%3Fa%3D1%26b%3D2' +
        '&gw_TxnRef=LT251121101500ABCD2345',
    );
  });

  it('ignores parameters outside the protocol (a page’s ?lang=en), so they do not break the signature', () => {
    const signed = signMessage({ gw_Amount: '8000', gw_TxnRef: 'LT1' }, secret);
    assert.equal(verifyMessage({ ...signed, lang: 'en' }, secret), true);
    assert.equal(canonicalString({ lang: 'en', gw_TxnRef: 'LT1' }), 'gw_TxnRef=LT1');
  });

  it('orders by code unit, so upper case sorts before lower case', () => {
    assert.equal(canonicalString({ gw_b: '2', gw_B: '1', gw_a: '3' }), 'gw_B=1&gw_a=3&gw_b=2');
  });

  it('writes a list as canonical JSON (sorted keys) so list answers can be signed too', () => {
    const a = canonicalString({ gw_Transactions: [{ gw_TxnRef: 'X', gw_Amount: '5' }] });
    const b = canonicalString({ gw_Transactions: [{ gw_Amount: '5', gw_TxnRef: 'X' }] });
    assert.equal(a, b);
    assert.equal(a, `gw_Transactions=${percentEncode('[{"gw_Amount":"5","gw_TxnRef":"X"}]')}`);
  });

  it('signs with HMAC-SHA512 of the canonical string, lowercase hex', () => {
    const message = { gw_Amount: '8000', gw_TxnRef: 'LT1' };
    const expected = createHmac('sha512', secret).update('gw_Amount=8000&gw_TxnRef=LT1').digest('hex');
    assert.equal(signature(message, secret), expected);
    assert.match(expected, /^[0-9a-f]{128}$/);
  });

  it('verifies a signed message and refuses any change, another secret, or a missing hash', () => {
    const signed = signMessage({ gw_Amount: '8000', gw_TxnRef: 'LT1', gw_ResponseCode: '00' }, secret);
    assert.equal(verifyMessage(signed, secret), true);
    assert.equal(
      verifyMessage({ ...signed, gw_SecureHash: signed.gw_SecureHash.toUpperCase() }, secret),
      true,
    );
    assert.equal(verifyMessage({ ...signed, gw_Amount: '80000' }, secret), false);
    assert.equal(verifyMessage({ ...signed, gw_Extra: 'x' }, secret), false);
    assert.equal(verifyMessage(signed, `${secret}x`), false);
    const { gw_SecureHash: _, ...unsigned } = signed;
    assert.equal(verifyMessage(unsigned, secret), false);
    assert.equal(verifyMessage({ ...signed, gw_SecureHash: 'abc' }, secret), false);
  });

  it('a signed query string read back by URLSearchParams verifies', () => {
    const message = { gw_OrderInfo: 'Le phi & phi: 100%', gw_TxnRef: 'LT2', gw_Amount: '1' };
    const parsed = Object.fromEntries(new URLSearchParams(signedQuery(message, secret)));
    assert.deepEqual({ ...parsed, gw_SecureHash: undefined }, { ...message, gw_SecureHash: undefined });
    assert.equal(verifyMessage(parsed, secret), true);
  });
});

describe('gateway protocol: times and amounts', () => {
  it('writes times as yyyyMMddHHmmss in Vietnam time and reads them back', () => {
    const at = new Date('2025-11-20T17:30:05Z');
    assert.equal(gatewayTime(at), '20251121003005');
    assert.equal(gatewayDate(at), '20251121');
    assert.equal(parseGatewayTime('20251121003005')?.toISOString(), at.toISOString());
    assert.equal(parseGatewayTime('20251332003005'), null);
    assert.equal(parseGatewayTime('2025-11-21'), null);
  });

  it('accepts whole đồng only', () => {
    assert.equal(parseAmount('1234000'), 1_234_000);
    for (const bad of ['0', '-5', '12.5', '1e6', ' 5', '0100', '1234567890123', 5])
      assert.equal(parseAmount(bad), null, String(bad));
  });
});
