-- A packet's received bytes without its attachments' base64 text, where that text is exactly the
-- standard encoding (one line, or lines of one width and one line ending) of an attachment blob:
-- the skeleton and, per run, where it goes back and how it was laid out. Such a packet has no
-- blob of its own (exchange_packets.original_sha256 still hashes the bytes as received); every
-- other packet is kept whole in the blob store as before.
CREATE TABLE exchange_packet_originals (
  packet_id  uuid PRIMARY KEY REFERENCES exchange_packets (id),
  skeleton   bytea NOT NULL,
  runs       jsonb NOT NULL CHECK (jsonb_typeof(runs) = 'array' AND jsonb_array_length(runs) BETWEEN 1 AND 100)
);
