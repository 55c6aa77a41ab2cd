// Sections other modules add to a dossier's pages (e.g. the inter-agency parts), each rendered
// for the request's actor: a section that has nothing to show for this dossier answers null.
import type { RequestContext } from '../../../platform/context.ts';
import type { SafeHtml } from '../../../platform/pages/html.ts';

/** `base` is the page's own path (`/dossiers/:id` or `/one-stop/dossiers/:id`). */
export type DossierPageSection = (
  ctx: RequestContext,
  dossierId: string,
  base: string,
) => Promise<SafeHtml | null>;

/** Renders every registered section, in registration order, leaving out the empty ones. */
export async function renderSections(
  sections: readonly DossierPageSection[],
  ctx: RequestContext,
  dossierId: string,
  base: string,
): Promise<SafeHtml[]> {
  const out = await Promise.all(sections.map((s) => s(ctx, dossierId, base)));
  return out.filter((x): x is SafeHtml => x !== null);
}
