// Problems of a workflow being saved, each with a stable code the editor turns into a message
// next to its field (the i18n catalog's `wf_<code>`), and the path of the field.
import type { z } from 'zod';

export const workflowIssueCodes = [
  'steps_count',
  'key_invalid',
  'key_duplicate',
  'name_vi_required',
  'name_en_required',
  'role_invalid',
  'unit_invalid',
  'allotted_invalid',
  'last_step_return',
  'clock_invalid',
  'invalid',
] as const;
export type WorkflowIssueCode = (typeof workflowIssueCodes)[number];

/** One problem: `path` as `2.allotted` (step index, field), a stable code, and English words. */
export interface WorkflowIssue {
  path: string;
  code: WorkflowIssueCode;
  message: string;
}

function codeOf(path: readonly PropertyKey[], message: string): WorkflowIssueCode {
  if (path.length === 0) return 'steps_count';
  const field = String(path[1] ?? '');
  if (field === 'key') return message === 'duplicate step key' ? 'key_duplicate' : 'key_invalid';
  if (field === 'name') return path[2] === 'en' ? 'name_en_required' : 'name_vi_required';
  if (field === 'role') return message.startsWith('the last step') ? 'last_step_return' : 'role_invalid';
  if (field === 'unit') return 'unit_invalid';
  if (field === 'allotted') return 'allotted_invalid';
  return 'invalid';
}

/** The zod issues of `workflowStepsSchema` as workflow issues (at most 50). */
export function workflowIssues(issues: readonly z.core.$ZodIssue[]): WorkflowIssue[] {
  return issues.slice(0, 50).map((i) => ({
    path: i.path.map(String).join('.'),
    code: codeOf(i.path, i.message),
    message: i.message,
  }));
}
