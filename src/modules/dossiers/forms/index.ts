// The one-stop forms of TT 03/2025 (Phụ lục I) as PDFs with Vietnamese text: 02 supplement
// request, 03 refusal, 04 apology and extension, 05 stop of processing, 06 process control
// sheet, and the result document. Each is rendered from data the service already holds.
import { formatDate, formatDateTime } from '../../../platform/i18n/index.ts';
import { createPdf, type PdfBuilder } from '../../../platform/pdf/index.ts';

export interface DossierHeader {
  code: string;
  agencyName: string;
  applicantName: string;
  procedureName: string;
  submittedAt: Date | null;
  receivedAt: Date | null;
  dueAt: Date | null;
}

const timelinessVi = { early: 'Trước hạn', on_time: 'Đúng hạn', late: 'Quá hạn' } as const;

async function document(title: string, formNo: string | null, h: DossierHeader): Promise<PdfBuilder> {
  const pdf = await createPdf({ title, subject: h.code, author: h.agencyName, language: 'vi' });
  if (formNo) pdf.paragraph(`Mẫu số ${formNo}`, { size: 9 });
  return pdf
    .centered(h.agencyName.toUpperCase(), { size: 11 })
    .centered('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM')
    .centered('Độc lập - Tự do - Hạnh phúc', { bold: false })
    .space(8)
    .centered(title.toUpperCase(), { size: 14 })
    .centered(`Mã hồ sơ: ${h.code}`, { size: 11, bold: false })
    .space(8);
}

const basics = (h: DossierHeader): [string, string][] => [
  ['Người nộp hồ sơ', h.applicantName],
  ['Thủ tục', h.procedureName],
  ['Ngày nộp', h.submittedAt ? formatDateTime(h.submittedAt) : '—'],
];

/** Form 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ — the list of what is missing. */
export async function renderSupplementRequest(
  h: DossierHeader,
  o: { items: string[]; officer: string; at: Date },
): Promise<Buffer> {
  const pdf = await document('Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ', '02', h);
  return pdf
    .fields(basics(h))
    .paragraph('Sau khi kiểm tra, đề nghị ông/bà bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:')
    .table(
      ['STT', 'Nội dung cần bổ sung, hoàn thiện'],
      o.items.map((t, i) => [String(i + 1), t]),
      [0.1, 0.9],
    )
    .paragraph(`Thời điểm yêu cầu: ${formatDateTime(o.at)}.`)
    .paragraph('Xin lỗi ông/bà vì sự bất tiện này.', { size: 10 })
    .signatures([{ title: 'NGƯỜI HƯỚNG DẪN', name: o.officer }])
    .toBuffer();
}

/** Form 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ — with the reasons. */
export async function renderRefusal(
  h: DossierHeader,
  o: { reasons: string[]; officer: string; at: Date },
): Promise<Buffer> {
  const pdf = await document('Phiếu từ chối tiếp nhận giải quyết hồ sơ', '03', h);
  return pdf
    .fields(basics(h))
    .paragraph('Cơ quan, đơn vị từ chối tiếp nhận giải quyết hồ sơ này vì các lý do sau:')
    .table(
      ['STT', 'Lý do'],
      o.reasons.map((t, i) => [String(i + 1), t]),
      [0.1, 0.9],
    )
    .paragraph(`Thời điểm: ${formatDateTime(o.at)}.`)
    .paragraph('Xin trân trọng thông báo!', { size: 10 })
    .signatures([{ title: 'NGƯỜI TIẾP NHẬN', name: o.officer }])
    .toBuffer();
}

/** Form 04: Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết — original and new due dates. */
export async function renderApology(
  h: DossierHeader,
  o: { reason: string; originalDue: Date; newDue: Date; officer: string; at: Date },
): Promise<Buffer> {
  const pdf = await document('Văn bản xin lỗi và hẹn lại ngày trả kết quả', '04', h);
  return pdf
    .fields([
      ...basics(h),
      ['Ngày hẹn trả ban đầu', formatDate(o.originalDue)],
      ['Ngày hẹn trả mới', formatDate(o.newDue)],
    ])
    .paragraph(`Lý do chậm trễ: ${o.reason}`)
    .paragraph(
      `Cơ quan giải quyết xin lỗi ông/bà vì sự chậm trễ và hẹn trả kết quả vào ngày ${formatDate(o.newDue)}.`,
    )
    .paragraph(`Ngày lập: ${formatDateTime(o.at)}.`, { size: 10 })
    .signatures([{ title: 'THỦ TRƯỞNG CƠ QUAN', name: o.officer }])
    .toBuffer();
}

/** Form 05: Thông báo dừng giải quyết hồ sơ — with the reason. */
export async function renderStop(
  h: DossierHeader,
  o: { reason: string; officer: string; at: Date },
): Promise<Buffer> {
  const pdf = await document('Thông báo về việc dừng giải quyết hồ sơ', '05', h);
  return pdf
    .fields(basics(h))
    .paragraph(`Cơ quan giải quyết thông báo dừng giải quyết hồ sơ vì lý do: ${o.reason}`)
    .paragraph(`Thời điểm: ${formatDateTime(o.at)}.`)
    .signatures([{ title: 'THỦ TRƯỞNG CƠ QUAN', name: o.officer }])
    .toBuffer();
}

export interface ControlLine {
  stepName: string;
  sender: string;
  receiver: string;
  startedAt: Date;
  dueAt: Date | null;
  finishedAt: Date | null;
  timeliness: 'early' | 'on_time' | 'late' | null;
  outcome: string;
}

/** Form 06: Phiếu kiểm soát quá trình giải quyết hồ sơ — every hand-off with its timeliness. */
export async function renderControlSheet(h: DossierHeader, lines: ControlLine[]): Promise<Buffer> {
  const pdf = await document('Phiếu kiểm soát quá trình giải quyết hồ sơ', '06', h);
  return pdf
    .fields([
      ...basics(h),
      ['Ngày tiếp nhận', h.receivedAt ? formatDateTime(h.receivedAt) : '—'],
      ['Ngày hẹn trả', h.dueAt ? formatDate(h.dueAt) : '—'],
    ])
    .table(
      ['Bước', 'Bên giao', 'Bên nhận', 'Bắt đầu', 'Hạn', 'Hoàn thành', 'Kết quả'],
      lines.map((l) => [
        l.stepName,
        l.sender,
        l.receiver,
        formatDateTime(l.startedAt),
        l.dueAt ? formatDateTime(l.dueAt) : '—',
        l.finishedAt ? formatDateTime(l.finishedAt) : 'Đang xử lý',
        l.timeliness ? `${timelinessVi[l.timeliness]} (${l.outcome})` : l.outcome,
      ]),
      [0.16, 0.14, 0.14, 0.15, 0.15, 0.14, 0.12],
    )
    .toBuffer();
}

/** The result document from the template: number in the register, content, signer. */
export async function renderResult(
  h: DossierHeader,
  o: { title: string; reference: string; body: string; values: [string, string][]; signer: string; at: Date },
): Promise<Buffer> {
  const pdf = await createPdf({ title: o.title, subject: h.code, author: h.agencyName, language: 'vi' });
  return pdf
    .centered(h.agencyName.toUpperCase(), { size: 11 })
    .centered(`Số: ${o.reference}`, { size: 10, bold: false })
    .centered('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM')
    .centered('Độc lập - Tự do - Hạnh phúc', { bold: false })
    .space(8)
    .centered(o.title.toUpperCase(), { size: 14 })
    .centered(`Mã hồ sơ: ${h.code}`, { size: 11, bold: false })
    .space(8)
    .fields([['Người nộp hồ sơ', h.applicantName], ['Thủ tục', h.procedureName], ...o.values])
    .paragraph(o.body)
    .paragraph(`Ngày ban hành: ${formatDate(o.at)}.`)
    .signatures([{ title: 'THỦ TRƯỞNG CƠ QUAN', name: o.signer }])
    .toBuffer();
}
