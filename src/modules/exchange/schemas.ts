import { z } from 'zod';

const text = (max: number) => z.string().max(max);
const opt = (max: number) => z.string().max(max).nullable();
const when = z.string().max(40).nullable();

export const idParams = z.object({ id: z.uuid() });
export const attachmentParams = z.object({ id: z.uuid(), n: z.coerce.number().int().min(0).max(99) });

export const cursorQuery = z.object({
  after: z
    .string()
    .regex(/^\d{1,18}$/)
    .optional()
    .describe('Cursor: the `nextCursor` of the previous page (default: from the start)'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const sendQuery = z.object({
  messagetype: z
    .enum(['edoc', 'status'])
    .optional()
    .describe('As in the VXP SDK; informative: the packet itself says whether it is an edoc or a status'),
});

export const sendResultSchema = z
  .object({
    id: z.uuid(),
    duplicate: z.boolean().describe('True when this packet was already accepted (answered 200 with its id)'),
    kind: z.enum(['edoc', 'status']),
    documentId: text(255),
    signature: z.enum(['valid', 'untrusted', 'none']),
    recipients: z
      .array(
        z.object({
          agencyId: z.uuid(),
          addressedCodes: z.array(text(64)).max(20),
          forwarded: z.boolean().describe('Addressed to a closed agency; delivered to its successor'),
        }),
      )
      .max(1000),
  })
  .meta({ id: 'ExchangeSendResult' });

const deliveryFields = {
  deliveryId: z.uuid(),
  state: z.enum(['pending', 'delivered', 'withdrawn']),
  addressedCodes: z.array(text(64)).max(20),
  forwarded: z.boolean(),
  addresseeAgencyId: z.uuid(),
  route: text(110),
  deliveredAt: when,
  acknowledgedAt: when,
  withdrawnAt: when,
  status: z
    .string()
    .max(2)
    .nullable()
    .describe('Current processing status: 01 arrived … 06 done, 02 rejected'),
  statusAt: when,
  recallState: z.enum(['requested', 'accepted', 'refused']).nullable(),
};
export const deliverySchema = z.object(deliveryFields);

const sender = z.object({ agencyId: z.uuid(), code: text(64), name: opt(300) });

export const inboxSchema = z
  .object({
    items: z
      .array(
        z.object({
          cursor: text(20),
          packetId: z.uuid(),
          kind: z.enum(['edoc', 'status']),
          businessType: z.number().int().min(0).max(3).nullable(),
          statusCode: z.string().max(2).nullable(),
          documentId: text(255),
          from: sender,
          subject: opt(500),
          ...deliveryFields,
        }),
      )
      .max(500),
    nextCursor: text(20),
  })
  .meta({ id: 'ExchangeInbox' });

export const sentSchema = z
  .object({
    items: z
      .array(
        z.object({
          cursor: text(20),
          packetId: z.uuid(),
          kind: z.enum(['edoc', 'status']),
          businessType: z.number().int().min(0).max(3).nullable(),
          statusCode: z.string().max(2).nullable(),
          documentId: text(255),
          subject: opt(500),
          receivedAt: text(40),
          recipients: z
            .array(
              z.object({
                agencyId: z.uuid(),
                state: z.enum(['pending', 'delivered', 'withdrawn']),
                status: z.string().max(2).nullable(),
              }),
            )
            .max(1000),
        }),
      )
      .max(500),
    nextCursor: text(20),
  })
  .meta({ id: 'ExchangeSent' });

export const packetSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(['edoc', 'status']),
    businessType: z.number().int().min(0).max(3).nullable().describe('0 new, 1 revoke, 2 update, 3 replace'),
    statusCode: z.string().max(2).nullable(),
    documentId: text(255),
    from: sender,
    code: z.object({ number: opt(50), notation: opt(100) }),
    subject: opt(500),
    typeName: opt(200),
    promulgationDate: opt(10),
    dueDate: opt(10),
    priority: z.number().int().nullable(),
    description: opt(1000),
    signature: z.object({
      result: z.enum(['valid', 'untrusted', 'none']),
      algorithm: opt(200),
      signerSubject: opt(1000),
    }),
    receivedAt: text(40),
    bytes: z.number().int(),
    trace: z.array(z.object({ organId: opt(64), timestamp: opt(40) })).max(200),
    targetPacketId: z.uuid().nullable(),
    replacedBy: z.uuid().nullable(),
    recallRequestedAt: when,
    attachments: z
      .array(
        z.object({
          n: z.number().int(),
          name: opt(200),
          description: opt(1000),
          contentType: opt(255),
          sniffedType: text(20),
          zipped: z.boolean(),
          bytes: z.number().int(),
          sha256: text(64),
        }),
      )
      .max(100),
    delivery: deliverySchema.nullable().describe("The reader's own delivery, when it is a recipient"),
  })
  .meta({ id: 'ExchangePacket' });

export const ackSchema = z.object({ acknowledgedAt: text(40) });

export const recipientsSchema = z
  .object({
    packetId: z.uuid(),
    recipients: z
      .array(
        z.object({
          agencyId: z.uuid(),
          name: opt(500),
          addresseeName: opt(500),
          ...deliveryFields,
          peer: z
            .object({
              peerId: z.uuid(),
              attempts: z.number().int(),
              lastError: opt(500),
              failedAt: when,
              failedReason: opt(500),
            })
            .nullable()
            .describe(
              'Federation: the hand-over to the peer instance hosting this recipient (route peer:<id>)',
            ),
          timeline: z
            .array(
              z.object({
                code: z.string().max(2),
                at: text(40),
                description: opt(1000),
                staff: opt(300),
                sourcePacketId: z.uuid().nullable(),
              }),
            )
            .max(20),
        }),
      )
      .max(1000),
  })
  .meta({ id: 'ExchangeRecipients' });

export const edxmlQuery = z.object({
  original: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .describe("true: the bytes exactly as received, without this hop's TraceHeader"),
});

export const statsQuery = z.object({
  agency: z
    .uuid()
    .optional()
    .describe("Agency id (default: the caller's agency; platform administrators: any)"),
  from: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .describe('First day, yyyy-MM-dd (Vietnam time)'),
  to: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .describe('Last day, inclusive'),
});

const seconds = z.number().int().nullable();
export const statsSchema = z
  .object({
    agencyId: z.uuid(),
    from: text(10),
    to: text(10),
    sent: z.object({
      documents: z.number().int(),
      deliveries: z.number().int(),
      delivered: z.number().int(),
      medianSecondsToArrival: seconds,
    }),
    received: z.object({
      documents: z.number().int(),
      registered: z.number().int(),
      rejected: z.number().int(),
      completed: z.number().int(),
      medianSecondsToRegistration: seconds,
      medianSecondsToCompletion: seconds,
      completedWithDueDate: z.number().int(),
      completedOnTime: z.number().int(),
      onTimeShare: z.number().min(0).max(1).nullable(),
    }),
  })
  .meta({ id: 'ExchangeStats' });
