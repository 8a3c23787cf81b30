-- The lines DuckDB skipped in scans after scan $1: file, line number (the header is line 1) and why, one row per error.
SELECT s.scan_id AS scan_id, s.file_path AS file_path, e.line AS line, e.error_type AS error_type, e.column_name AS column_name, e.error_message AS error_message
FROM reject_errors AS e JOIN reject_scans AS s ON e.scan_id = s.scan_id AND e.file_id = s.file_id
WHERE e.scan_id > $1
ORDER BY s.file_path, e.line, e.column_idx
