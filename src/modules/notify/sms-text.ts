/**
 * SMS text: Vietnamese gateways carry plain GSM 03.38 text (160 characters a message) far more
 * cheaply and reliably than UCS-2 (70), so notices go out without diacritics, as is common
 * practice: "Hồ sơ đã được tiếp nhận" → "Ho so da duoc tiep nhan".
 */

const gsmBasic =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const gsmExtension = '^{}\\[~]|€\f';
const basic = new Set(gsmBasic);
const extension = new Set(gsmExtension);

// Punctuation that word processors and translators like, mapped to what every phone shows.
const lookalikes: Record<string, string> = {
  '‘': "'",
  '’': "'",
  '“': '"',
  '”': '"',
  '–': '-',
  '—': '-',
  '…': '...',
  '\u00a0': ' ',
  '•': '-',
  '\t': ' ',
};

/** Strips Vietnamese diacritics (đ → d) and replaces what GSM 03.38 cannot carry. */
export function toSmsText(text: string): string {
  const stripped = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D');
  let out = '';
  for (const ch of stripped) {
    const mapped = lookalikes[ch] ?? ch;
    for (const c of mapped) out += basic.has(c) || extension.has(c) ? c : '?';
  }
  return out;
}

export interface SmsLength {
  encoding: 'gsm7' | 'ucs2';
  /** Septets for GSM (extension characters count two), UTF-16 code units for UCS-2. */
  units: number;
  /** Messages the text is split into (concatenated SMS leave room for their header). */
  segments: number;
}

/** How long an SMS is, in the units gateways bill by. */
export function smsLength(text: string): SmsLength {
  let units = 0;
  let gsm = true;
  for (const ch of text) {
    if (basic.has(ch)) units += 1;
    else if (extension.has(ch)) units += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) return { encoding: 'gsm7', units, segments: units <= 160 ? 1 : Math.ceil(units / 153) };
  const ucs = text.length;
  return { encoding: 'ucs2', units: ucs, segments: ucs <= 70 ? 1 : Math.ceil(ucs / 67) };
}
