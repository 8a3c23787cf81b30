-- The stored (compressed) bytes of each column of each Parquet file, summed over its row groups:
-- what a reader that fetches only some columns reads of the data, besides the file's footer.
SELECT file_name, path_in_schema AS column_name, CAST(sum(total_compressed_size) AS BIGINT) AS bytes
FROM parquet_metadata([{{files}}])
GROUP BY file_name, path_in_schema
ORDER BY file_name, column_name
