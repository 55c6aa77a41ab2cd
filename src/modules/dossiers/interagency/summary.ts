// The main dossier's result when every part is done: a PDF listing each agency's part, its result,
// due date, finishing time and timeliness (the parts' own results are downloaded from the dossier).
import type { WorkCalendar } from '../../../platform/calendar/index.ts';
import { formatDate, formatDateTime } from '../../../platform/i18n/index.ts';
import { createPdf } from '../../../platform/pdf/index.ts';
import type { DossierRow } from '../repo.ts';
import type { PartRow } from './repo.ts';
import { partTiming, wholeTiming } from './timeliness.ts';

const timelinessVi = { early: 'Trước hạn', on_time: 'Đúng hạn', late: 'Quá hạn' } as const;

/** Renders the summary of an inter-agency dossier whose parts are all done. */
export async function renderSummary(
  dossier: DossierRow,
  parts: readonly PartRow[],
  calendar: WorkCalendar,
): Promise<Buffer> {
  const now = new Date();
  const whole = wholeTiming(calendar, dossier.due_at, parts, now);
  const pdf = await createPdf({
    title: 'Kết quả giải quyết hồ sơ liên thông',
    subject: dossier.code ?? '',
    author: dossier.agency_name,
    language: 'vi',
  });
  pdf
    .centered(dossier.agency_name.toUpperCase(), { size: 11 })
    .centered('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM')
    .centered('Độc lập - Tự do - Hạnh phúc', { bold: false })
    .space(8)
    .centered('KẾT QUẢ GIẢI QUYẾT HỒ SƠ LIÊN THÔNG', { size: 14 })
    .centered(`Mã hồ sơ: ${dossier.code ?? ''}`, { size: 11, bold: false })
    .space(8)
    .fields([
      ['Thủ tục', dossier.procedure_name],
      ['Người nộp hồ sơ', dossier.applicant_name],
      ['Hạn giải quyết', formatDate(whole.dueAt)],
      ['Hoàn thành', whole.finishedAt ? formatDateTime(whole.finishedAt) : '—'],
      ['Đánh giá', whole.timeliness ? timelinessVi[whole.timeliness] : '—'],
    ])
    .heading('Các phần liên thông', 12)
    .table(
      ['Phần', 'Thủ tục', 'Cơ quan', 'Hạn', 'Hoàn thành', 'Đánh giá'],
      parts.map((p) => {
        const t = partTiming(calendar, p, now).timeliness;
        return [
          String(p.ord),
          p.procedure_name,
          p.agency_name ?? '—',
          formatDate(p.due_at),
          p.finished_at ? formatDateTime(p.finished_at) : '—',
          t ? timelinessVi[t] : '—',
        ];
      }),
      [0.07, 0.28, 0.25, 0.12, 0.16, 0.12],
    );
  return pdf.toBuffer();
}
