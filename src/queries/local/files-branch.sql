-- One partition's files sharing one header line, read by field name; `-` is NULL, like Athena's table.
SELECT {{columns}} FROM read_csv([{{files}}], delim = ' ', header = true, nullstr = '-', quote = '', escape = '', auto_detect = false, columns = { {{file_columns}} })
