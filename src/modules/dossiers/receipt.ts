// Form 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả, as a PDF with Vietnamese text.
import { formatDate, formatDateTime } from '../../platform/i18n/index.ts';
import { createPdf } from '../../platform/pdf/index.ts';

export interface ReceiptData {
  code: string;
  /** Printed only on the receipt issued at submission; null on the one re-issued at acceptance. */
  lookupSecret: string | null;
  /** Receiving channel (default online). */
  channel?: string;
  /** When the desk accepted the dossier (the appointment then counts from it). */
  receivedAt?: Date | null;
  applicantName: string;
  procedureName: string;
  agencyName: string;
  submittedAt: Date;
  dueAt: Date;
  papers: { name: string; files: number }[];
  /** Fees as computed from the submitted values; `quantity` > 1 prints `unit × quantity`. */
  fees: { name: string; amount: number; quantity?: number; unitAmount?: number }[];
}

const channelNames: Record<string, string> = {
  online: 'Trực tuyến',
  counter: 'Trực tiếp',
  post: 'Qua dịch vụ bưu chính công ích',
  national_portal: 'Trực tuyến (Cổng Dịch vụ công quốc gia)',
};

/**
 * What a receipt is made of, as JSON, kept in the blob store until the receipt is first
 * downloaded: laying Vietnamese text out in a PDF costs about 100 ms of CPU, too much to spend
 * inside every submission (issue 4: 300 submissions/s). The rendered PDF then replaces it.
 */
const SOURCE_KIND = 'lienthong.dossiers.receipt-source/1';

export function receiptSource(r: ReceiptData): Buffer {
  return Buffer.from(JSON.stringify({ kind: SOURCE_KIND, data: r }), 'utf8');
}

/** The receipt data of a source blob, or null when the bytes are something else (a PDF). */
export function parseReceiptSource(bytes: Buffer): ReceiptData | null {
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return null;
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as {
      kind?: unknown;
      data?: ReceiptData & Record<string, unknown>;
    };
    if (parsed.kind !== SOURCE_KIND || !parsed.data) return null;
    const d = parsed.data;
    const date = (v: unknown) => new Date(String(v));
    return {
      ...d,
      submittedAt: date(d.submittedAt),
      dueAt: date(d.dueAt),
      receivedAt: d.receivedAt ? date(d.receivedAt) : null,
    };
  } catch {
    return null;
  }
}

const vnd = (n: number) => `${new Intl.NumberFormat('vi-VN').format(n)} đồng`;

/** Renders the receipt; the lookup key printed on it lets anyone holding it follow the status. */
export async function renderReceipt(r: ReceiptData): Promise<Buffer> {
  const pdf = await createPdf({
    title: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
    subject: r.code,
    author: r.agencyName,
    language: 'vi',
  });
  pdf
    .centered(r.agencyName.toUpperCase(), { size: 11 })
    .centered('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM')
    .centered('Độc lập - Tự do - Hạnh phúc', { bold: false })
    .space(8)
    .centered('GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ', { size: 14 })
    .centered(`Mã hồ sơ: ${r.code}`, { size: 11, bold: false })
    .space(8)
    .fields([
      ['Cơ quan tiếp nhận', r.agencyName],
      ['Người nộp hồ sơ', r.applicantName],
      ['Thủ tục', r.procedureName],
      ['Hình thức nộp', channelNames[r.channel ?? 'online'] ?? 'Trực tuyến'],
      ['Thời điểm nộp', formatDateTime(r.submittedAt)],
      ...(r.receivedAt ? [['Thời điểm tiếp nhận', formatDateTime(r.receivedAt)] as const] : []),
      ['Ngày hẹn trả kết quả', formatDate(r.dueAt)],
      ['Mã tra cứu', r.lookupSecret ?? 'như trên giấy tiếp nhận khi nộp hồ sơ'],
    ])
    .heading('Thành phần hồ sơ', 12)
    .table(
      ['STT', 'Tên giấy tờ', 'Số tệp'],
      r.papers.map((p, i) => [String(i + 1), p.name, String(p.files)]),
      [0.1, 0.7, 0.2],
    );
  if (r.fees.length > 0) {
    const total = r.fees.reduce((s, f) => s + f.amount, 0);
    pdf
      .heading('Phí, lệ phí', 12)
      .table(
        ['Khoản', 'Số tiền'],
        [
          ...r.fees.map((f) => [
            f.quantity && f.quantity > 1 && f.unitAmount !== undefined
              ? `${f.name} (${vnd(f.unitAmount)} × ${f.quantity})`
              : f.name,
            vnd(f.amount),
          ]),
          ['Tổng cộng', vnd(total)],
        ],
        [0.7, 0.3],
      );
  } else pdf.paragraph('Phí, lệ phí: không thu.');
  pdf
    .paragraph(
      'Tra cứu tình trạng hồ sơ tại trang "Tra cứu hồ sơ" của Cổng dịch vụ công bằng mã hồ sơ và mã tra cứu trên.',
      { size: 10 },
    )
    .signatures([{ title: 'NGƯỜI NỘP HỒ SƠ' }, { title: 'NGƯỜI TIẾP NHẬN' }]);
  return pdf.toBuffer();
}
