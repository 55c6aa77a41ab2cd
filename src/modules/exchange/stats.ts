import { sql } from 'kysely';
import {
  createWorkCalendar,
  dayOfIsoDate,
  localDay,
  type WorkCalendar,
} from '../../platform/calendar/index.ts';
import { ValidationFailed } from '../../platform/errors.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db/database.ts';
import { NoAgency, PacketNotFound } from './errors.ts';
import { canViewStats, exchangeAgencyOf } from './policies.ts';

/** The exchange figures of one agency over a period (dates inclusive, Vietnam time). */
export interface ExchangeStats {
  agencyId: string;
  from: string;
  to: string;
  sent: {
    documents: number;
    deliveries: number;
    /** Deliveries that reached the recipient's system electronically. */
    delivered: number;
    medianSecondsToArrival: number | null;
  };
  received: {
    documents: number;
    registered: number;
    rejected: number;
    completed: number;
    medianSecondsToRegistration: number | null;
    medianSecondsToCompletion: number | null;
    /** Completed documents that had a DueDate, and those done by it (working-day calendar). */
    completedWithDueDate: number;
    completedOnTime: number;
    onTimeShare: number | null;
  };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const startOf = (iso: string) => new Date(`${iso}T00:00:00+07:00`);
const num = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v)));

/** Statistics of the axis per agency and period; officials of the agency, platform admins any. */
export function createStats(deps: { db: Db; calendar?: WorkCalendar | undefined }) {
  let calendar = deps.calendar;
  const cal = () => (calendar ??= createWorkCalendar());

  return async function stats(
    ctx: RequestContext,
    q: { agencyId?: string | undefined; from: string; to: string },
  ): Promise<ExchangeStats> {
    const agencyId = q.agencyId ?? exchangeAgencyOf(ctx.actor);
    if (!agencyId) throw NoAgency();
    if (!canViewStats(ctx.actor, agencyId)) throw PacketNotFound();
    if (!ISO_DATE.test(q.from) || !ISO_DATE.test(q.to) || q.from > q.to)
      throw ValidationFailed({ fields: [{ field: 'from', message: 'from ≤ to, yyyy-MM-dd' }] });
    const from = startOf(q.from);
    const until = new Date(startOf(q.to).getTime() + 24 * 3600_000);

    const sent = await sql<{
      documents: string;
      deliveries: string;
      delivered: string;
      arrival: string | null;
    }>`
      SELECT count(DISTINCT p.id) AS documents,
             count(d.id) FILTER (WHERE d.state <> 'withdrawn') AS deliveries,
             count(d.id) FILTER (WHERE d.delivered_at IS NOT NULL AND d.state <> 'withdrawn') AS delivered,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM d.delivered_at - p.received_at))
               FILTER (WHERE d.delivered_at IS NOT NULL) AS arrival
      FROM exchange_packets p LEFT JOIN exchange_deliveries d ON d.packet_id = p.id
      WHERE p.sender_agency_id = ${agencyId} AND p.kind = 'edoc' AND p.business_type IN (0, 3)
        AND p.received_at >= ${from} AND p.received_at < ${until}`.execute(deps.db);

    const received = await sql<{
      documents: string;
      registered: string;
      rejected: string;
      completed: string;
      registration: string | null;
      completion: string | null;
    }>`
      SELECT count(*) AS documents,
             count(r.at) AS registered, count(x.at) AS rejected, count(f.at) AS completed,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.at - d.delivered_at)) AS registration,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM f.at - d.delivered_at)) AS completion
      FROM exchange_deliveries d
      JOIN exchange_packets p ON p.id = d.packet_id AND p.kind = 'edoc' AND p.business_type IN (0, 3)
      LEFT JOIN LATERAL (SELECT occurred_at AS at FROM exchange_status_events WHERE delivery_id = d.id AND code = '03') r ON true
      LEFT JOIN LATERAL (SELECT occurred_at AS at FROM exchange_status_events WHERE delivery_id = d.id AND code = '02') x ON true
      LEFT JOIN LATERAL (SELECT occurred_at AS at FROM exchange_status_events WHERE delivery_id = d.id AND code = '06') f ON true
      WHERE d.recipient_agency_id = ${agencyId} AND d.state = 'delivered'
        AND d.delivered_at >= ${from} AND d.delivered_at < ${until}`.execute(deps.db);

    const due = await sql<{ due_date: string; done_at: Date }>`
      SELECT p.due_date, e.occurred_at AS done_at
      FROM exchange_deliveries d
      JOIN exchange_packets p ON p.id = d.packet_id AND p.due_date IS NOT NULL
      JOIN exchange_status_events e ON e.delivery_id = d.id AND e.code = '06'
      WHERE d.recipient_agency_id = ${agencyId} AND d.state = 'delivered'
        AND d.delivered_at >= ${from} AND d.delivered_at < ${until}
      LIMIT 500000`.execute(deps.db);
    // A DueDate on a day off moves to the next working day.
    const onTime = due.rows.filter((row) => {
      const dueDay = dayOfIsoDate(row.due_date);
      let deadline = dueDay;
      try {
        deadline = cal().addWorkingDays(dueDay, 0);
      } catch {
        // outside the calendar's years: the date as written
      }
      return localDay(row.done_at) <= deadline;
    }).length;

    const s = sent.rows[0];
    const r = received.rows[0];
    return {
      agencyId,
      from: q.from,
      to: q.to,
      sent: {
        documents: Number(s?.documents ?? 0),
        deliveries: Number(s?.deliveries ?? 0),
        delivered: Number(s?.delivered ?? 0),
        medianSecondsToArrival: num(s?.arrival),
      },
      received: {
        documents: Number(r?.documents ?? 0),
        registered: Number(r?.registered ?? 0),
        rejected: Number(r?.rejected ?? 0),
        completed: Number(r?.completed ?? 0),
        medianSecondsToRegistration: num(r?.registration),
        medianSecondsToCompletion: num(r?.completion),
        completedWithDueDate: due.rows.length,
        completedOnTime: onTime,
        onTimeShare: due.rows.length > 0 ? onTime / due.rows.length : null,
      },
    };
  };
}

export type StatsFn = ReturnType<typeof createStats>;
