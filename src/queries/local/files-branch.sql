-- One partition's files sharing one header line, read by field name; a - field is NULL, like Athena's table.
SELECT {{columns}}, filename AS "$path" FROM read_csv([{{files}}], delim = ' ', header = true, nullstr = '-', quote = '', escape = '', auto_detect = false, filename = true, columns = { {{file_columns}} })
