import { withDefaults, type RecordsDeps } from './deps.ts';
import { createIncomingService } from './service-incoming.ts';
import { createOutgoingService } from './service-outgoing.ts';

/** The records desk: the incoming register and steps, the outgoing register and follow-up. */
export function createRecordsService(deps: RecordsDeps) {
  const c = withDefaults(deps);
  return {
    incoming: createIncomingService(c),
    outgoing: createOutgoingService(c),
    /** Limits of PDF attachments, for the compose page. */
    limits: { maxAttachmentBytes: c.maxAttachmentBytes, maxAttachments: c.maxAttachments },
  };
}

export type RecordsService = ReturnType<typeof createRecordsService>;
