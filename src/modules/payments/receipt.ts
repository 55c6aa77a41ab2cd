/** The receipt (biên lai) of a paid payment as a PDF with Vietnamese text. */
import { formatDateTime, formatNumber, type Locale } from '../../platform/i18n/index.ts';
import { createPdf } from '../../platform/pdf/index.ts';
import type { PaymentView } from './schemas.ts';
import { paymentsMessages as m } from './views/messages.ts';

/** An amount as Vietnamese write it: 1.234.000 đ. */
export function formatVnd(amount: number, locale: Locale = 'vi'): string {
  return locale === 'vi' ? `${formatNumber(amount, 'vi')} đ` : `${formatNumber(amount, 'en')} VND`;
}

/** Renders the receipt of a paid payment. */
export async function renderReceipt(payment: PaymentView, locale: Locale): Promise<Buffer> {
  const t = (k: Parameters<typeof m.t>[0]) => m.t(k, locale);
  const pdf = await createPdf({
    title: `${t('receiptTitle')} ${payment.txnRef}`,
    author: payment.agencyName,
    subject: payment.description,
    language: locale,
  });
  pdf
    .centered('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM')
    .centered('Độc lập - Tự do - Hạnh phúc', { bold: false })
    .space(8)
    .heading(t('receiptHeading'))
    .paragraph(t('receiptLead'))
    .fields([
      [t('collectingAgency'), payment.agencyName],
      [t('payer'), payment.payerName],
      [t('content'), payment.description],
      [t('dossierCode'), payment.reference.code],
      [t('txnRef'), payment.txnRef],
      [t('gatewayTransactionNo'), payment.gatewayTransactionNo ?? '—'],
      [t('paidAt'), payment.paidAt ? formatDateTime(payment.paidAt) : '—'],
    ])
    .table(
      [t('no'), t('item'), t('kind'), t('amount')],
      payment.items.map((item, i) => [
        String(i + 1),
        item.quantity && item.quantity > 1 && item.unitAmount !== undefined
          ? `${item.name} (${formatVnd(item.unitAmount, locale)} × ${item.quantity})`
          : item.name,
        item.kind === 'phi' ? t('kindPhi') : t('kindLePhi'),
        formatVnd(item.amount, locale),
      ]),
      [0.08, 0.52, 0.15, 0.25],
    )
    .fields([[t('total'), formatVnd(payment.amount, locale)]]);
  if (payment.refundedAmount > 0) pdf.fields([[t('refunded'), formatVnd(payment.refundedAmount, locale)]]);
  pdf.space(8).paragraph(t('receiptNote'), { size: 9 });
  return pdf.toBuffer();
}
