// Observers of the axis, called inside the transaction that records what they observe, so whatever
// they write (an inter-agency dossier created from a packet, a part's progress) commits or rolls
// back with the delivery or the status itself. Other modules register them with `observe`.
import type { Tx } from '../../platform/db/database.ts';

/** A packet delivered to the inbox of an agency hosted here (status 01 recorded). */
export interface PacketArrived {
  packetId: string;
  deliveryId: string;
  kind: 'edoc' | 'status';
  businessType: number | null;
  documentId: string;
  senderAgencyId: string;
  senderCode: string;
  recipientAgencyId: string;
  /** The codes the packet named this recipient by. */
  addressedCodes: string[];
  codeNumber: string | null;
  codeNotation: string | null;
  promulgationDate: string | null;
  subject: string | null;
  /** Decoded attachments, kept in the blob store under their sha256. */
  attachments: { n: number; name: string | null; sniffedType: string; bytes: number; sha256: string }[];
}

/** A status (02–06, 13, 15, 16) recorded on one delivery of a packet sent from here. */
export interface StatusRecorded {
  /** The document the status is about (the packet as the sender sent it). */
  packetId: string;
  documentId: string;
  deliveryId: string;
  recipientAgencyId: string;
  code: string;
  description: string | null;
  at: Date;
}

export interface ExchangeObserver {
  /** Name, for logs. */
  name: string;
  packetArrived?(trx: Tx, e: PacketArrived): Promise<void>;
  statusRecorded?(trx: Tx, e: StatusRecorded): Promise<void>;
}
