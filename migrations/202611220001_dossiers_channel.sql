-- How a dossier reached the agency (the national portal's receiving channel, plus dossiers pulled
-- in from the national portal): 'online' on this platform, 'counter' (trực tiếp), 'post' (bưu
-- chính công ích), 'national_portal' (filed on dichvucong.gov.vn and pulled in).
ALTER TABLE dossiers_dossiers
  ADD COLUMN channel text NOT NULL DEFAULT 'online'
    CHECK (channel IN ('online', 'counter', 'post', 'national_portal'));
