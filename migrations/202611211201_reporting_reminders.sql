-- Reminders before and after a period's deadline (through notify): how many working days
-- before the deadline a regime reminds, and where each unit receives them (its reporting
-- contact: a mailbox and/or the account of its reporting officer).

ALTER TABLE reporting_regime_versions
  ADD COLUMN reminder_days smallint NOT NULL DEFAULT 2 CHECK (reminder_days BETWEEN 0 AND 30);

CREATE TABLE reporting_contacts (
  agency_id  uuid PRIMARY KEY,
  email      text CHECK (length(email) <= 254),
  account_id uuid,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (email IS NOT NULL OR account_id IS NOT NULL)
);
CREATE INDEX reporting_contacts_account ON reporting_contacts (account_id);
