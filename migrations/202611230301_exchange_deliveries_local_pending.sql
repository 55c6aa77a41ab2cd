-- Local deliveries are claimed in batches, oldest first (exchange/delivery.ts, claimLocalPending):
-- the pending local rows in the order they were written, without sorting every pending row.
CREATE INDEX exchange_deliveries_local_pending ON exchange_deliveries (created_at)
  WHERE state = 'pending' AND route = 'local';
