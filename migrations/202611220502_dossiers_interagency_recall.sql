-- A part received through the axis whose sender recalled it (status 13): when the recall arrived,
-- and whether it was answered (15) once the local dossier was stopped and reported.
ALTER TABLE dossiers_interagency_inbound
  ADD COLUMN recall_requested_at timestamptz,
  ADD COLUMN recall_answered_at timestamptz;
