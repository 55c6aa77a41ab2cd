-- Workflows of the seeded procedures whose time limit the platform default (about 2.5 working
-- days) does not fit: same-day civil-status registrations get a workflow in hours, the longer
-- procedures give the examination most of their time. The others (3–5 working days) keep the
-- default ('*'). Agencies may add their own versions from /admin/workflows/{code}.
INSERT INTO dossiers_workflows (id, procedure_code, agency_id, version, steps, created_by) VALUES
  -- Đăng ký khai sinh: trong ngày
  ('0b5a7c1e-2026-4b22-8202-000000000002', '1.001193', NULL, 1,
   '[{"key": "tham_dinh", "name": {"vi": "Thẩm định hồ sơ", "en": "Examination"}, "role": "specialist", "allotted": {"workingHours": 2}}, {"key": "ky", "name": {"vi": "Ký, cấp số kết quả", "en": "Signing and numbering"}, "role": "unit_leader", "allotted": {"workingHours": 1}}, {"key": "tra_ket_qua", "name": {"vi": "Trả kết quả", "en": "Returning the result"}, "role": "one_stop_officer", "allotted": {"workingHours": 1}}]'::jsonb, 'migration'),
  -- Đăng ký kết hôn: trong ngày
  ('0b5a7c1e-2026-4b22-8202-000000000003', '1.000894', NULL, 1,
   '[{"key": "tham_dinh", "name": {"vi": "Thẩm định hồ sơ", "en": "Examination"}, "role": "specialist", "allotted": {"workingHours": 2}}, {"key": "ky", "name": {"vi": "Ký, cấp số kết quả", "en": "Signing and numbering"}, "role": "unit_leader", "allotted": {"workingHours": 1}}, {"key": "tra_ket_qua", "name": {"vi": "Trả kết quả", "en": "Returning the result"}, "role": "one_stop_officer", "allotted": {"workingHours": 1}}]'::jsonb, 'migration'),
  -- Đăng ký khai tử: trong ngày
  ('0b5a7c1e-2026-4b22-8202-000000000004', '1.000656', NULL, 1,
   '[{"key": "tham_dinh", "name": {"vi": "Thẩm định hồ sơ", "en": "Examination"}, "role": "specialist", "allotted": {"workingHours": 2}}, {"key": "ky", "name": {"vi": "Ký, cấp số kết quả", "en": "Signing and numbering"}, "role": "unit_leader", "allotted": {"workingHours": 1}}, {"key": "tra_ket_qua", "name": {"vi": "Trả kết quả", "en": "Returning the result"}, "role": "one_stop_officer", "allotted": {"workingHours": 1}}]'::jsonb, 'migration'),
  -- 7 ngày
  ('0b5a7c1e-2026-4b22-8202-000000000005', '1.004194', NULL, 1,
   '[{"key": "tham_dinh", "name": {"vi": "Thẩm định hồ sơ", "en": "Examination"}, "role": "specialist", "allotted": {"workingDays": 4}}, {"key": "phe_duyet", "name": {"vi": "Phê duyệt", "en": "Approval"}, "role": "unit_leader", "allotted": {"workingDays": 1}}, {"key": "ky", "name": {"vi": "Ký, cấp số kết quả", "en": "Signing and numbering"}, "role": "unit_leader", "allotted": {"workingDays": 1}}, {"key": "tra_ket_qua", "name": {"vi": "Trả kết quả", "en": "Returning the result"}, "role": "one_stop_officer", "allotted": {"workingHours": 4}}]'::jsonb, 'migration'),
  -- 8 ngày
  ('0b5a7c1e-2026-4b22-8202-000000000006', '2.001620', NULL, 1,
   '[{"key": "tham_dinh", "name": {"vi": "Thẩm định hồ sơ", "en": "Examination"}, "role": "specialist", "allotted": {"workingDays": 5}}, {"key": "phe_duyet", "name": {"vi": "Phê duyệt", "en": "Approval"}, "role": "unit_leader", "allotted": {"workingDays": 1}}, {"key": "ky", "name": {"vi": "Ký, cấp số kết quả", "en": "Signing and numbering"}, "role": "unit_leader", "allotted": {"workingDays": 1}}, {"key": "tra_ket_qua", "name": {"vi": "Trả kết quả", "en": "Returning the result"}, "role": "one_stop_officer", "allotted": {"workingHours": 4}}]'::jsonb, 'migration'),
  -- 10 ngày
  ('0b5a7c1e-2026-4b22-8202-000000000007', '1.004227', NULL, 1,
   '[{"key": "tham_dinh", "name": {"vi": "Thẩm định hồ sơ", "en": "Examination"}, "role": "specialist", "allotted": {"workingDays": 6}}, {"key": "phe_duyet", "name": {"vi": "Phê duyệt", "en": "Approval"}, "role": "unit_leader", "allotted": {"workingDays": 2}}, {"key": "ky", "name": {"vi": "Ký, cấp số kết quả", "en": "Signing and numbering"}, "role": "unit_leader", "allotted": {"workingDays": 1}}, {"key": "tra_ket_qua", "name": {"vi": "Trả kết quả", "en": "Returning the result"}, "role": "one_stop_officer", "allotted": {"workingHours": 4}}]'::jsonb, 'migration'),
  -- 10 ngày
  ('0b5a7c1e-2026-4b22-8202-000000000008', '2.000488', NULL, 1,
   '[{"key": "tham_dinh", "name": {"vi": "Thẩm định hồ sơ", "en": "Examination"}, "role": "specialist", "allotted": {"workingDays": 6}}, {"key": "phe_duyet", "name": {"vi": "Phê duyệt", "en": "Approval"}, "role": "unit_leader", "allotted": {"workingDays": 2}}, {"key": "ky", "name": {"vi": "Ký, cấp số kết quả", "en": "Signing and numbering"}, "role": "unit_leader", "allotted": {"workingDays": 1}}, {"key": "tra_ket_qua", "name": {"vi": "Trả kết quả", "en": "Returning the result"}, "role": "one_stop_officer", "allotted": {"workingHours": 4}}]'::jsonb, 'migration'),
  -- 15 ngày
  ('0b5a7c1e-2026-4b22-8202-000000000009', '1.009974', NULL, 1,
   '[{"key": "tham_dinh", "name": {"vi": "Thẩm định hồ sơ", "en": "Examination"}, "role": "specialist", "allotted": {"workingDays": 10}}, {"key": "phe_duyet", "name": {"vi": "Phê duyệt", "en": "Approval"}, "role": "unit_leader", "allotted": {"workingDays": 2}}, {"key": "ky", "name": {"vi": "Ký, cấp số kết quả", "en": "Signing and numbering"}, "role": "unit_leader", "allotted": {"workingDays": 2}}, {"key": "tra_ket_qua", "name": {"vi": "Trả kết quả", "en": "Returning the result"}, "role": "one_stop_officer", "allotted": {"workingHours": 4}}]'::jsonb, 'migration')
ON CONFLICT DO NOTHING;
