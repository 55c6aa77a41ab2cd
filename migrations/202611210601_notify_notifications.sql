-- Notify: one row per notice and channel (email, SMS, in-app) with its delivery status, and the
-- local outbox where development keeps mail and SMS when no SMTP server or SMS gateway is set.
-- Rows hold the template key and its parameters, never rendered bodies: texts are rendered when
-- sent (email, SMS) or shown (in-app, in the reader's language).

CREATE TABLE notify_notifications (
  id                  uuid PRIMARY KEY,
  channel             text NOT NULL CHECK (channel IN ('email', 'sms', 'in_app')),
  template            text NOT NULL CHECK (length(template) <= 100),
  locale              text NOT NULL CHECK (locale IN ('vi', 'en')),
  params              jsonb NOT NULL DEFAULT '{}'::jsonb,
  account_id          uuid,
  email               text CHECK (length(email) <= 254),
  phone               text CHECK (length(phone) <= 20),
  status              text NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
  attempts            integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts        integer NOT NULL CHECK (max_attempts BETWEEN 1 AND 100),
  last_error_code     text CHECK (length(last_error_code) <= 100),
  provider_message_id text CHECK (length(provider_message_id) <= 200),
  dedupe_key          text CHECK (length(dedupe_key) <= 200),
  requested_by        text CHECK (length(requested_by) <= 200),
  request_id          text CHECK (length(request_id) <= 200),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  sent_at             timestamptz,
  read_at             timestamptz,
  CHECK (channel <> 'email' OR email IS NOT NULL),
  CHECK (channel <> 'sms' OR phone IS NOT NULL),
  CHECK (channel <> 'in_app' OR account_id IS NOT NULL)
);
-- The same notice asked twice (a retried request, a re-run job) is written once per channel.
CREATE UNIQUE INDEX notify_notifications_dedupe ON notify_notifications (dedupe_key, channel)
  WHERE dedupe_key IS NOT NULL;
-- A person's in-app notices, newest first, and their unread count.
CREATE INDEX notify_notifications_inbox ON notify_notifications (account_id, created_at DESC, id DESC)
  WHERE channel = 'in_app';
CREATE INDEX notify_notifications_unread ON notify_notifications (account_id)
  WHERE channel = 'in_app' AND read_at IS NULL;
-- The administrators' page: recent notices, optionally by status.
CREATE INDEX notify_notifications_recent ON notify_notifications (created_at DESC, id DESC);
CREATE INDEX notify_notifications_status ON notify_notifications (status, created_at DESC);

CREATE TABLE notify_outbox (
  id              uuid PRIMARY KEY,
  notification_id uuid NOT NULL REFERENCES notify_notifications (id),
  channel         text NOT NULL CHECK (channel IN ('email', 'sms')),
  recipient       text NOT NULL CHECK (length(recipient) <= 254),
  subject         text CHECK (length(subject) <= 1000),
  body            text NOT NULL CHECK (length(body) <= 100000),
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notify_outbox_notification ON notify_outbox (notification_id);
CREATE INDEX notify_outbox_recent ON notify_outbox (created_at DESC);
