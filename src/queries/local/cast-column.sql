-- A field under another name and type (a Parquet file's AWS-named column as the table's column, or the reverse).
CAST({{source}} AS {{type}}) AS {{column}}
