-- Reads every field of every row of some files (count of each column), to find one that cannot be read at all
-- (damaged gzip); lines that do not parse are skipped here as in the table's view.
SELECT count(COLUMNS(*)) FROM read_csv([{{files}}], delim = ' ', header = true, nullstr = '-', quote = '', escape = '', auto_detect = false, ignore_errors = true, columns = { {{file_columns}} })
