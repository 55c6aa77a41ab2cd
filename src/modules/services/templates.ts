import type { FormField } from './form/definition.ts';
import type { Paper, ProcedureContent } from './schemas.ts';

/** A file a citizen downloads. */
export interface TemplateFile {
  fileName: string;
  mediaType: string;
  body: Buffer;
}

function fieldLines(fields: readonly FormField[], indent: string): string[] {
  const out: string[] = [];
  for (const f of fields) {
    const mark = f.required ? ' (*)' : '';
    if (f.type === 'group') {
      const copies = f.repeatable ? Math.max(f.minItems ?? 1, 2) : 1;
      for (let i = 1; i <= copies; i++) {
        out.push(`${indent}${f.label}${f.repeatable ? ` ${i}` : ''}${mark}:`);
        out.push(...fieldLines(f.fields ?? [], `${indent}    `));
      }
    } else if (f.type === 'select') {
      out.push(`${indent}${f.label}${mark}: ${(f.options ?? []).map((o) => `☐ ${o.label}`).join('   ')}`);
    } else if (f.type === 'checkbox') {
      out.push(`${indent}☐ ${f.label}${mark}`);
    } else {
      out.push(
        `${indent}${f.label}${mark}: ${'.'.repeat(Math.max(10, 60 - indent.length - f.label.length))}`,
      );
    }
  }
  return out;
}

/**
 * A printable declaration generated from the procedure's form (plain UTF-8 text): the same
 * fields as the online form, to fill by hand at the counter or by post.
 */
export function generatedTemplate(content: ProcedureContent, paper: Paper): TemplateFile {
  const lines = [
    'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
    'Độc lập - Tự do - Hạnh phúc',
    '',
    paper.name.toUpperCase(),
    `(Thủ tục: ${content.name} — mã ${content.code})`,
    '',
    `Kính gửi: ${content.agencies.description}`,
    '',
    ...fieldLines(content.form.fields, ''),
    '',
    '(*) thông tin bắt buộc.',
    '',
    'Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật về cam đoan của mình.',
    '',
    '                                        Làm tại: ............, ngày ..... tháng ..... năm ........',
    '                                        Người yêu cầu (ký, ghi rõ họ tên)',
    '',
  ];
  return {
    fileName: `${content.code}-${paper.key}.txt`,
    mediaType: 'text/plain; charset=utf-8',
    body: Buffer.from(`\ufeff${lines.join('\r\n')}`, 'utf8'),
  };
}
