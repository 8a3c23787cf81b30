-- One partition's Parquet files sharing one schema, read by AWS's column names into the table's columns.
SELECT {{columns}}, filename AS "$path" FROM read_parquet([{{files}}], filename = true)
