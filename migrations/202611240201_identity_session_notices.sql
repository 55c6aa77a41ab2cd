-- Processes keep validated sessions in memory for a few seconds (identity's session cache). Every
-- change that can end a session or change who its holder is tells them at commit, whatever
-- wrote it: `NOTIFY identity_sessions_changed` with the account's id, and each process forgets
-- that account's sessions. Sign-ins and the once-a-minute last-activity write stay silent.

-- The trigger's argument names the column that holds the account's id.
CREATE FUNCTION identity_notify_sessions_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- Within one transaction PostgreSQL sends equal notices once, so ending every session of an
  -- account is one notice.
  PERFORM pg_notify('identity_sessions_changed',
    (CASE TG_OP WHEN 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END) ->> TG_ARGV[0]);
  RETURN NULL;
END;
$$;

-- Sign-out, sign-out everywhere, password change or reset, disabling: the session row changes.
CREATE TRIGGER identity_sessions_notify_update
  AFTER UPDATE ON identity_sessions FOR EACH ROW
  WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.expires_at IS DISTINCT FROM NEW.expires_at)
  EXECUTE FUNCTION identity_notify_sessions_changed('account_id');
CREATE TRIGGER identity_sessions_notify_delete
  AFTER DELETE ON identity_sessions FOR EACH ROW
  EXECUTE FUNCTION identity_notify_sessions_changed('account_id');

-- What a session carries of its account: kind, status and name (shown on every page).
CREATE TRIGGER identity_accounts_notify_update
  AFTER UPDATE ON identity_accounts FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.kind IS DISTINCT FROM NEW.kind
        OR OLD.full_name IS DISTINCT FROM NEW.full_name)
  EXECUTE FUNCTION identity_notify_sessions_changed('id');
CREATE TRIGGER identity_accounts_notify_delete
  AFTER DELETE ON identity_accounts FOR EACH ROW
  EXECUTE FUNCTION identity_notify_sessions_changed('id');

-- An official's agency, roles and unit: any change of a membership.
CREATE TRIGGER identity_memberships_notify
  AFTER INSERT OR UPDATE OR DELETE ON identity_memberships FOR EACH ROW
  EXECUTE FUNCTION identity_notify_sessions_changed('account_id');
