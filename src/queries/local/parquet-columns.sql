-- The column names of a Parquet file, in order (its leaf columns; the root schema element has children).
SELECT name FROM parquet_schema({{file}}) WHERE num_children IS NULL OR num_children = 0
