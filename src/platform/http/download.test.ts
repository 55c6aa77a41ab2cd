import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'content-disposition';
import { contentDisposition } from './download.ts';

describe('contentDisposition', () => {
  it('keeps a Vietnamese name in UTF-8 and gives old clients a fallback without diacritics', () => {
    const header = contentDisposition('Tờ khai đăng ký khai sinh.pdf');
    assert.match(header, /^attachment; filename="To khai dang ky khai sinh\.pdf"; filename\*=UTF-8''/);
    assert.equal(parse(header).parameters['filename'], 'Tờ khai đăng ký khai sinh.pdf');
  });

  it('plain ASCII names stay as they are; inline when asked', () => {
    const header = contentDisposition('bien-lai.pdf', { inline: true });
    assert.equal(parse(header).type, 'inline');
    assert.equal(parse(header).parameters['filename'], 'bien-lai.pdf');
    assert.doesNotMatch(header, /filename\*/);
  });

  it('quotes, backslashes, slashes and line breaks cannot break out of the header', () => {
    const header = contentDisposition('a"b\\c/d\r\nSet-Cookie: x=1.pdf');
    assert.doesNotMatch(header, /[\r\n]/);
    const name = parse(header).parameters['filename'] ?? '';
    assert.doesNotMatch(name, /[\r\n/\\]/);
    assert.ok(name.endsWith('.pdf'));
  });

  it('an empty name still downloads', () => {
    assert.equal(parse(contentDisposition('')).parameters['filename'], 'download');
  });
});
