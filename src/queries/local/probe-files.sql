-- Reads every row of some files, to find one that cannot be read.
SELECT count(*) FROM read_csv([{{files}}], delim = ' ', header = true, nullstr = '-', quote = '', escape = '', auto_detect = false, columns = { {{file_columns}} })
