import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';

const require = createRequire(import.meta.url);
const fontDir = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf').replace(/DejaVuSans\.ttf$/, '');
// DejaVu covers every Vietnamese letter with its diacritics; the fonts ship with the npm package.
const regularBytes = readFileSync(`${fontDir}DejaVuSans.ttf`);
const boldBytes = readFileSync(`${fontDir}DejaVuSans-Bold.ttf`);

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 56;

export interface PdfDocumentOptions {
  title: string;
  author?: string;
  subject?: string;
  language?: 'vi' | 'en';
  /** Landscape A4 for wide tables (registers); portrait by default. */
  orientation?: 'portrait' | 'landscape';
  /** "page / pages" at the foot of every page (long registers). */
  pageNumbers?: boolean;
}

/**
 * A4 documents with Vietnamese text for forms, receipts, results and exports. Content flows
 * top to bottom and breaks across pages; fonts are embedded (subset) so any reader shows
 * the diacritics.
 */
export interface PdfBuilder {
  /** Centred bold lines, e.g. "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and the motto. */
  centered(text: string, o?: { size?: number; bold?: boolean }): PdfBuilder;
  heading(text: string, size?: number): PdfBuilder;
  paragraph(text: string, o?: { size?: number; bold?: boolean }): PdfBuilder;
  /** Label–value rows. */
  fields(rows: readonly (readonly [string, string])[]): PdfBuilder;
  /** A simple table with column widths as fractions of the text width. */
  table(
    headers: readonly string[],
    rows: readonly (readonly string[])[],
    widths?: readonly number[],
    o?: { size?: number; repeatHeader?: boolean },
  ): PdfBuilder;
  space(points?: number): PdfBuilder;
  /** Two signature blocks side by side or one on the right. */
  signatures(blocks: readonly { title: string; name?: string }[]): PdfBuilder;
  toBuffer(): Promise<Buffer>;
}

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(candidate, size) <= width || !line) line = candidate;
      else {
        lines.push(line);
        line = word;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** Starts a PDF document; the returned builder writes top to bottom. */
export async function createPdf(options: PdfDocumentOptions): Promise<PdfBuilder> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const regular = await doc.embedFont(regularBytes, { subset: true });
  const bold = await doc.embedFont(boldBytes, { subset: true });
  doc.setTitle(options.title);
  doc.setLanguage(options.language === 'en' ? 'en' : 'vi');
  if (options.author) doc.setAuthor(options.author);
  if (options.subject) doc.setSubject(options.subject);
  doc.setProducer('Liên thông');
  doc.setCreationDate(new Date());

  const size: [number, number] = options.orientation === 'landscape' ? [A4[1], A4[0]] : A4;
  const textWidth = size[0] - 2 * MARGIN;
  let page: PDFPage = doc.addPage(size);
  let y = size[1] - MARGIN;
  /** Starts a new page when `height` does not fit; true when it did. */
  const ensure = (height: number): boolean => {
    if (y - height < MARGIN) {
      page = doc.addPage(size);
      y = size[1] - MARGIN;
      return true;
    }
    return false;
  };
  const line = (text: string, x: number, font: PDFFont, size: number) => {
    ensure(size * 1.4);
    page.drawText(text, { x, y: y - size, size, font, color: rgb(0.1, 0.1, 0.1) });
    y -= size * 1.4;
  };

  const builder: PdfBuilder = {
    centered(text, o = {}) {
      const size = o.size ?? 12;
      const font = o.bold === false ? regular : bold;
      for (const l of wrap(text, font, size, textWidth))
        line(l, MARGIN + (textWidth - font.widthOfTextAtSize(l, size)) / 2, font, size);
      return builder;
    },
    heading(text, size = 14) {
      y -= 4;
      for (const l of wrap(text, bold, size, textWidth)) line(l, MARGIN, bold, size);
      y -= 4;
      return builder;
    },
    paragraph(text, o = {}) {
      const size = o.size ?? 11;
      const font = o.bold ? bold : regular;
      for (const l of wrap(text, font, size, textWidth)) line(l, MARGIN, font, size);
      y -= 4;
      return builder;
    },
    fields(rows) {
      const size = 11;
      const labelWidth = textWidth * 0.38;
      for (const [label, value] of rows) {
        const labelLines = wrap(label, bold, size, labelWidth - 8);
        const valueLines = wrap(value, regular, size, textWidth - labelWidth);
        const height = Math.max(labelLines.length, valueLines.length) * size * 1.4;
        ensure(height);
        labelLines.forEach((l, i) =>
          page.drawText(l, { x: MARGIN, y: y - size - i * size * 1.4, size, font: bold }),
        );
        valueLines.forEach((l, i) =>
          page.drawText(l, { x: MARGIN + labelWidth, y: y - size - i * size * 1.4, size, font: regular }),
        );
        y -= height + 2;
      }
      return builder;
    },
    table(headers, rows, widths, o = {}) {
      const size = o.size ?? 9.5;
      const fractions = widths ?? headers.map(() => 1 / headers.length);
      const cols = fractions.map((f) => f * textWidth);
      const drawRow = (cells: readonly string[], font: PDFFont) => {
        const wrapped = cells.map((c, i) => wrap(c, font, size, (cols[i] ?? 50) - 6));
        const height = Math.max(...wrapped.map((w) => w.length)) * size * 1.35 + 4;
        // On a new page a long table repeats its header row first.
        if (ensure(height) && o.repeatHeader && cells !== headers) drawRow(headers, bold);
        let x = MARGIN;
        wrapped.forEach((cellLines, i) => {
          const w = cols[i] ?? 50;
          page.drawRectangle({
            x,
            y: y - height,
            width: w,
            height,
            borderColor: rgb(0.4, 0.4, 0.4),
            borderWidth: 0.5,
          });
          cellLines.forEach((l, j) =>
            page.drawText(l, { x: x + 3, y: y - size - 2 - j * size * 1.35, size, font }),
          );
          x += w;
        });
        y -= height;
      };
      drawRow(headers, bold);
      for (const r of rows) drawRow(r, regular);
      y -= 8;
      return builder;
    },
    space(points = 12) {
      y -= points;
      return builder;
    },
    signatures(blocks) {
      const size = 11;
      const width = textWidth / Math.max(blocks.length, 2);
      ensure(size * 7);
      blocks.forEach((b, i) => {
        const x = MARGIN + (blocks.length === 1 ? textWidth - width : i * width);
        const center = (t: string, font: PDFFont) => x + (width - font.widthOfTextAtSize(t, size)) / 2;
        page.drawText(b.title, { x: center(b.title, bold), y: y - size, size, font: bold });
        if (b.name) page.drawText(b.name, { x: center(b.name, bold), y: y - size * 6, size, font: bold });
      });
      y -= size * 7.5;
      return builder;
    },
    async toBuffer() {
      if (options.pageNumbers) {
        const pages = doc.getPages();
        pages.forEach((p, i) => {
          const text = `${i + 1} / ${pages.length}`;
          const w = regular.widthOfTextAtSize(text, 8);
          p.drawText(text, { x: (size[0] - w) / 2, y: MARGIN / 2, size: 8, font: regular });
        });
      }
      return Buffer.from(await doc.save());
    },
  };
  return builder;
}
