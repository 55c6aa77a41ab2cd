-- Deliveries by packet are found through the unique (packet_id, recipient_agency_id) index, whose
-- first column is the packet: the separate index on packet_id alone only cost every accepted
-- packet one more index insertion per recipient.
DROP INDEX IF EXISTS exchange_deliveries_packet;
