// An inter-agency procedure (thủ tục liên thông) as data: the catalogue procedure the citizen files
// once, and its parts — each with its own procedure, the competent agency (a directory code, or an
// agency kind resolved near the filing agency), its time limit in working days and the parts it
// waits for. The seeds' example: birth registration + permanent residence + health insurance card
// for a child under six (Nghị định 63/2024/NĐ-CP).
import { z } from 'zod';
import { agencyKinds } from '../../directory/index.ts';

/** MaTTHC as the catalogue writes it (`1.001193`, with an optional local suffix). */
const procedureCode = z
  .string()
  .trim()
  .max(50)
  .regex(/^\d{1,2}\.\d{6}(\.[0-9A-Z.]{1,30})?$/, 'INTERAGENCY_BAD_PROCEDURE_CODE');
const text = (max: number) => z.string().trim().min(1).max(max);

export const partAgencySchema = z.union([
  /** A specific agency, by any of its directory codes (QĐ20 or a short code). */
  z.object({ code: z.string().trim().min(3).max(60) }).strict(),
  /** The agency of this kind nearest the filing agency: itself, its children, then its ancestors' children. */
  z.object({ kind: z.enum(agencyKinds), near: z.literal('filing') }).strict(),
]);
export type PartAgency = z.infer<typeof partAgencySchema>;

export const interagencyPartSchema = z
  .object({
    order: z.number().int().min(1).max(20),
    procedureCode,
    procedureName: text(500),
    agency: partAgencySchema,
    agencyDescription: text(500),
    workingDays: z.number().int().min(0).max(365),
    /** Orders of the parts this one waits for (their results are its input). */
    after: z.array(z.number().int().min(1).max(20)).max(19).default([]),
    result: text(300),
  })
  .strict();
export type InteragencyPart = z.infer<typeof interagencyPartSchema>;

export const interagencyProcedureSchema = z
  .object({
    code: z
      .string()
      .trim()
      .min(1)
      .max(50)
      .regex(/^[A-Z0-9][A-Z0-9._-]*$/, 'INTERAGENCY_BAD_CODE'),
    name: text(500),
    /** The catalogue procedure the citizen files (the main dossier). */
    procedureCode,
    /** The time limit of the whole, in working days from receipt (the due of the whole is the later of this and the parts'). */
    workingDays: z.number().int().min(0).max(365),
    parts: z.array(interagencyPartSchema).min(2).max(20),
    note: z.string().trim().max(2000).optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    const orders = d.parts.map((p) => p.order);
    if (new Set(orders).size !== orders.length)
      ctx.addIssue({ code: 'custom', path: ['parts'], message: 'INTERAGENCY_DUPLICATE_ORDER' });
    d.parts.forEach((p, i) => {
      for (const a of p.after)
        if (a >= p.order || !orders.includes(a))
          ctx.addIssue({ code: 'custom', path: ['parts', i, 'after'], message: 'INTERAGENCY_BAD_AFTER' });
    });
  })
  .meta({ id: 'InteragencyProcedure' });
export type InteragencyProcedure = z.infer<typeof interagencyProcedureSchema>;

/** The catalogue codes the seeded example reuses (all three are in the services seed). */
export const seedCodes = {
  birth: '1.001193',
  residence: '1.004194',
  healthInsurance: '1.000291',
  /** The procedure filed once: the group, published in the catalogue by the seed. */
  group: '1.001193.LT',
} as const;

/** Birth registration, permanent residence and a health insurance card for a child under six, filed once. */
export const birthGroup: InteragencyProcedure = {
  code: 'LT-KS-TT-BHYT',
  name: 'Liên thông các thủ tục hành chính: Đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi',
  procedureCode: seedCodes.group,
  workingDays: 3,
  parts: [
    {
      order: 1,
      procedureCode: seedCodes.birth,
      procedureName: 'Đăng ký khai sinh',
      agency: { kind: 'commune', near: 'filing' },
      agencyDescription: 'Ủy ban nhân dân cấp xã',
      workingDays: 1,
      after: [],
      result: 'Giấy khai sinh điện tử',
    },
    {
      order: 2,
      procedureCode: seedCodes.residence,
      procedureName: 'Đăng ký thường trú',
      agency: { kind: 'commune', near: 'filing' },
      agencyDescription: 'Công an cấp xã',
      workingDays: 2,
      after: [1],
      result: 'Thông báo kết quả đăng ký thường trú',
    },
    {
      order: 3,
      procedureCode: seedCodes.healthInsurance,
      procedureName: 'Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi',
      agency: { kind: 'unit', near: 'filing' },
      agencyDescription: 'Bảo hiểm xã hội cơ sở',
      workingDays: 2,
      after: [1],
      result: 'Thẻ bảo hiểm y tế',
    },
  ],
  note: 'Thời hạn cả nhóm 03 ngày làm việc theo QĐ 296/QĐ-VPCP (2024); phần 2 và 3 chạy song song sau phần 1. Thư mục cơ quan không có loại "Công an cấp xã": triển khai thực tế ghi mã cơ quan công an xã (agency.code) cho phần 2.',
};
