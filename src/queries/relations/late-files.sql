-- The early files of the folder after a span: AWS files a record by the time its log file was
-- created, so the records that started in the span's last minutes sit in the next day's folder,
-- in the files delivered first. File names end _<YYYYMMDDTHHmm>Z_<hash>.log.gz; only files
-- delivered up to {{delivered_by}} are read (Athena: the "$path" pseudo-column; locally the
-- table's "$path" view column, which DuckDB turns into the file list). A name without that
-- stamp counts as early (coalesce: Trino's regexp_extract gives NULL, DuckDB's '' on no match).
dt = {{late_dt}}
AND coalesce(regexp_extract("$path", '_([0-9]{8}T[0-9]{4})Z_[^/]*$', 1), '') <= {{delivered_by}}
