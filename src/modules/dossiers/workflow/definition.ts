// A procedure's processing workflow as data: the steps, the role (and optional unit) handling
// each, and the time allotted to it in working days or hours. Validated with zod on every save.
import { z } from 'zod';
import type { WorkCalendar } from '../../../platform/calendar/index.ts';
import { officialRoles } from '../../../platform/context.ts';
import type { Allotted, WorkflowStepDef } from '../tables.ts';

/** Roles a step may be given (platform administrators run the instance, not dossiers). */
export const stepRoles = officialRoles.filter((r) => r !== 'platform_admin');

export const allottedSchema = z.union([
  z.strictObject({ workingDays: z.number().int().min(0).max(365) }),
  z.strictObject({ workingHours: z.number().min(0.25).max(2000) }),
]);

export const workflowStepSchema = z.strictObject({
  key: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower-case letters, digits and _')
    .describe('Stable key of the step, e.g. tham_dinh'),
  name: z.strictObject({ vi: z.string().trim().min(1).max(200), en: z.string().trim().min(1).max(200) }),
  role: z.enum(stepRoles),
  unit: z.uuid().optional().describe('Sub-unit (agency id) handling the step; else the dossier’s agency'),
  allotted: allottedSchema,
});

/** Two steps or more, distinct keys, and a last step (the return of the result) at the desk. */
export const workflowStepsSchema = z
  .array(workflowStepSchema)
  .min(2)
  .max(20)
  .superRefine((steps, ctx) => {
    const keys = new Set<string>();
    steps.forEach((s, i) => {
      if (keys.has(s.key)) ctx.addIssue({ code: 'custom', path: [i, 'key'], message: 'duplicate step key' });
      keys.add(s.key);
    });
    const last = steps.at(-1);
    if (last && last.role !== 'one_stop_officer' && last.role !== 'admin')
      ctx.addIssue({
        code: 'custom',
        path: [steps.length - 1, 'role'],
        message: 'the last step returns the result: one_stop_officer or admin',
      });
  });

export const supplementClocks = ['restart', 'pause'] as const;
export type SupplementClock = (typeof supplementClocks)[number];

/** The due instant of a step started at `start` with `allotted` time, on the holiday calendar. */
export function stepDue(calendar: WorkCalendar, start: Date, allotted: Allotted): Date {
  if ('workingDays' in allotted) return calendar.dueAfterWorkingDays(start, allotted.workingDays);
  return calendar.addWorkingHours(start, allotted.workingHours);
}

/** Vietnamese / English text of an allotted time, e.g. "2 ngày làm việc", "4 giờ làm việc". */
export function allottedText(a: Allotted): { vi: string; en: string } {
  if ('workingDays' in a)
    return { vi: `${a.workingDays} ngày làm việc`, en: `${a.workingDays} working days` };
  return { vi: `${a.workingHours} giờ làm việc`, en: `${a.workingHours} working hours` };
}

/** ChucDanh of a role, for form 06 and the national portal. */
export const roleTitles: Record<string, { vi: string; en: string }> = {
  admin: { vi: 'Lãnh đạo cơ quan', en: 'Head of agency' },
  records_clerk: { vi: 'Văn thư', en: 'Records clerk' },
  one_stop_officer: { vi: 'Cán bộ Bộ phận Một cửa', en: 'One-stop officer' },
  specialist: { vi: 'Chuyên viên', en: 'Specialist' },
  unit_leader: { vi: 'Lãnh đạo phòng', en: 'Unit leader' },
  reporting_officer: { vi: 'Cán bộ báo cáo', en: 'Reporting officer' },
  cabinet_member: { vi: 'Thành viên', en: 'Cabinet member' },
  cabinet_secretariat: { vi: 'Thư ký', en: 'Secretariat' },
};

export type { WorkflowStepDef };
