-- One partition's files sharing one header line, read by field name; a - field is NULL, like Athena's table.
-- A line that does not parse (wrong field count, a non-number in a number column, bytes that are not
-- UTF-8) is skipped alone and recorded in DuckDB's reject tables (read back by read-rejects.sql). The
-- WHERE makes every field of every line be parsed, so count(*) skips exactly the lines any other query skips.
SELECT {{columns}}, filename AS "$path" FROM read_csv([{{files}}], delim = ' ', header = true, nullstr = '-', quote = '', escape = '', auto_detect = false, ignore_errors = true, store_rejects = true, filename = true, columns = { {{file_columns}} }) WHERE hash(COLUMNS(*)) IS NOT NULL
