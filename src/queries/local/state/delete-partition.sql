-- Forgets one partition ($1 database, $2 table, $3 id).
DELETE FROM {{state}}.partitions WHERE database = $1 AND table_name = $2 AND partition_id = $3
