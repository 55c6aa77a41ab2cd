// Pages of the workflow editor: GET shows the workflow in force (the editor for agency
// administrators), POST either changes the draft (add, remove, move a step: the page comes back
// with the change, nothing saved) or saves it as a new version. The JSON API stays in
// routes-backoffice.ts.
import { z } from 'zod';
import { hasRole, isPlatformAdmin } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http/types.ts';
import type { DossierService } from './service.ts';
import type { WorkflowIssue } from './workflow/issues.ts';
import {
  actionOf,
  applyAction,
  draftFromForm,
  errorsOf,
  renderWorkflowEditor,
  stepsOf,
  type Draft,
} from './views/workflow-editor.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';

const codeParams = z.object({ code: z.string().min(1).max(100) });
const formValue = z.union([z.string().max(1000), z.array(z.string().max(1000)).max(5)]);
/** Up to 21 steps × 7 fields and a few more: anything bigger is not this form. */
const editorBody = z
  .record(z.string().max(40), formValue)
  .refine((b) => Object.keys(b).length <= 200, 'too many fields');

/** Registers the workflow editor's pages. */
export function registerWorkflowRoutes(app: App, service: DossierService): void {
  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    code: string,
    o: {
      draft?: Draft;
      errors?: { field: string; message: string }[];
      unsaved?: boolean;
      saved?: number;
    } = {},
  ) {
    const ctx = request.ctx;
    const [workflow, history, units] = await Promise.all([
      service.workflowOf(ctx, code),
      service.workflowHistory(ctx, code),
      service.workflowUnits(ctx),
    ]);
    const mayEdit = hasRole(ctx.actor, 'admin') || isPlatformAdmin(ctx.actor);
    return renderWorkflowEditor(request, reply, {
      code,
      workflow,
      history,
      units,
      mayEdit,
      draft: o.draft,
      errors: o.errors,
      unsaved: o.unsaved,
      savedVersion: o.saved,
    });
  }

  app.get(
    '/admin/workflows/:code',
    {
      schema: {
        hide: true,
        params: codeParams,
        querystring: z.object({ saved: z.coerce.number().int().min(1).max(1_000_000).optional() }),
      },
    },
    (request, reply) =>
      page(request, reply, request.params.code, {
        ...(request.query.saved ? { saved: request.query.saved } : {}),
      }),
  );

  app.post(
    '/admin/workflows/:code',
    { schema: { hide: true, params: codeParams, body: editorBody } },
    async (request, reply) => {
      const { code } = request.params;
      const l = request.locale;
      const body = request.body;
      const draft = draftFromForm(body);
      const rawAction = body['action'];
      const action = actionOf(Array.isArray(rawAction) ? rawAction[0] : rawAction);
      if (action.kind !== 'save')
        return page(request, reply, code, { draft: applyAction(draft, action, l), unsaved: true });
      try {
        const saved = await service.saveWorkflow(request.ctx, code, {
          steps: stepsOf(draft),
          supplementClock: draft.supplementClock,
        });
        return reply.redirect(`/admin/workflows/${encodeURIComponent(code)}?saved=${saved.version}`, 303);
      } catch (error) {
        const issues =
          error instanceof AppError && error.code === 'DOSSIER_WORKFLOW_INVALID'
            ? (error.details as { issues?: WorkflowIssue[] } | undefined)?.issues
            : undefined;
        if (!issues) throw error;
        return page(request, reply, code, { draft, errors: errorsOf(issues, l) });
      }
    },
  );
}
