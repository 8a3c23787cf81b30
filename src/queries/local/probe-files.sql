-- Reads every field of every row of some files (count of each column), to find one that cannot be read.
SELECT count(COLUMNS(*)) FROM read_csv([{{files}}], delim = ' ', header = true, nullstr = '-', quote = '', escape = '', auto_detect = false, columns = { {{file_columns}} })
