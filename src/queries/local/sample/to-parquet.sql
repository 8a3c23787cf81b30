-- One text log file rewritten as AWS delivers it in Parquet: AWS's column names and types, gzip-compressed.
COPY (SELECT {{columns}} FROM read_csv([{{files}}], delim = ' ', header = true, nullstr = '-', quote = '', escape = '', auto_detect = false, columns = { {{file_columns}} })) TO {{target}} (FORMAT parquet, COMPRESSION gzip)
