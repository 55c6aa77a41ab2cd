import type { RequestContext } from '../../platform/context.ts';
import type { DirectoryService } from '../directory/index.ts';
import type { LinkedSetContent, ProcedureContent } from './schemas.ts';
import {
  constructionPermit,
  enterpriseRegistration,
  householdBusiness,
  landCertificateCorrection,
} from './seed/business-land.ts';
import {
  birthRegistration,
  criminalRecord,
  deathRegistration,
  marriageRegistration,
} from './seed/civil-status.ts';
import type { SeedProcedure } from './seed/common.ts';
import {
  childHealthInsurance,
  driverLicenceRenewal,
  passport,
  permanentResidence,
} from './seed/police-health.ts';
import type { ServicesService } from './service.ts';

/** The real procedures seeded on a new instance (facts not confirmed are marked in each `note`). */
export const seedProcedures: readonly SeedProcedure[] = [
  birthRegistration,
  permanentResidence,
  criminalRecord,
  marriageRegistration,
  householdBusiness,
  enterpriseRegistration,
  constructionPermit,
  driverLicenceRenewal,
  childHealthInsurance,
  deathRegistration,
  landCertificateCorrection,
  passport,
];

/** Birth registration, permanent residence and health insurance for a child under six, filed once. */
export const birthLinkedSet: LinkedSetContent = {
  code: 'LT-KS-TT-BHYT',
  name: 'Liên thông các thủ tục hành chính: Đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi',
  description:
    'Người yêu cầu nộp một hồ sơ trên Cổng Dịch vụ công quốc gia hoặc VNeID; Ủy ban nhân dân cấp xã đăng ký khai sinh, Giấy khai sinh điện tử được chuyển tới Công an cấp xã để đăng ký thường trú và tới cơ quan Bảo hiểm xã hội để cấp thẻ bảo hiểm y tế.',
  workingDays: 3,
  legalBasis: [
    {
      number: '63/2024/NĐ-CP',
      title: 'Nghị định quy định thực hiện liên thông điện tử hai nhóm thủ tục hành chính',
      issuedOn: '2024-06-10',
    },
    {
      number: '296/QĐ-VPCP',
      title: 'Quyết định công bố hai nhóm thủ tục hành chính liên thông điện tử (2024)',
    },
  ],
  parts: [
    {
      order: 1,
      procedureCode: birthRegistration.content.code,
      agencyKind: 'commune',
      agencyDescription: 'Ủy ban nhân dân cấp xã',
      workingDays: 1,
      result: 'Giấy khai sinh điện tử',
    },
    {
      order: 2,
      procedureCode: permanentResidence.content.code,
      agencyKind: 'commune',
      agencyDescription: 'Công an cấp xã',
      workingDays: 2,
      result: 'Thông báo kết quả đăng ký thường trú',
    },
    {
      order: 3,
      procedureCode: childHealthInsurance.content.code,
      agencyKind: 'unit',
      agencyDescription: 'Bảo hiểm xã hội cơ sở',
      workingDays: 2,
      result: 'Thẻ bảo hiểm y tế',
    },
  ],
  note: 'Thời hạn cả nhóm 03 ngày làm việc (05 ngày nếu phải xác minh) theo tin của Văn phòng Chính phủ về QĐ 296/QĐ-VPCP (06/2024); các bước 2 và 3 chạy song song sau bước 1. Mã nhóm là mã nội bộ (unconfirmed).',
};

/**
 * Creates and publishes each seeded procedure that is missing, and the linked set. Procedures
 * already present (by code) are left as they are, so running it again changes nothing.
 */
export async function seedServices(
  service: ServicesService,
  directory: DirectoryService,
  ctx: RequestContext,
): Promise<Record<string, number>> {
  let created = 0;
  let kept = 0;
  for (const seed of seedProcedures) {
    if (await service.exists(seed.content.code)) {
      kept += 1;
      continue;
    }
    const agencyIds: string[] = [];
    for (const code of seed.agencyCodes ?? []) {
      const r = await directory.resolveCode(code);
      if (r) agencyIds.push(r.current.id);
    }
    const content: ProcedureContent = { ...seed.content, agencies: { ...seed.content.agencies, agencyIds } };
    const summary = await service.createProcedure(ctx, { content });
    await service.publish(ctx, summary.id);
    created += 1;
  }
  const sets = await service.linkedSets();
  const same = sets.find((s) => s.code === birthLinkedSet.code);
  if (!same || JSON.stringify(same) !== JSON.stringify(birthLinkedSet))
    await service.saveLinkedSet(ctx, birthLinkedSet);
  return { procedures: created, proceduresKept: kept, linkedSets: same ? 0 : 1 };
}
