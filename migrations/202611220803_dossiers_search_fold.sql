-- Search without diacritics in the back office ("nguyen van" finds "Nguyễn Văn"): an immutable
-- fold of Vietnamese letters to ASCII, then lower case (translate first: lower() of the database's
-- locale may leave capital letters with diacritics as they are), and trigram indexes on the folded
-- applicant and procedure names for LIKE '%…%' at a million dossiers.
CREATE FUNCTION lt_fold(value text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT lower(translate(value,
    'àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ',
    'aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyydaaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd')) $$;

CREATE INDEX dossiers_dossiers_applicant_fold_trgm
  ON dossiers_dossiers USING gin (lt_fold(applicant_name) gin_trgm_ops);
CREATE INDEX dossiers_dossiers_procedure_fold_trgm
  ON dossiers_dossiers USING gin (lt_fold(procedure_name) gin_trgm_ops);
DROP INDEX IF EXISTS dossiers_dossiers_applicant_trgm;
DROP INDEX IF EXISTS dossiers_dossiers_procedure_trgm;
