-- Registered partitions of one table whose dt lies in a range ($1 database, $2 table, $3 first dt, $4 last dt).
SELECT partition_id, partition_values, location FROM {{state}}.partitions WHERE database = $1 AND table_name = $2 AND dt BETWEEN $3 AND $4 ORDER BY partition_id
