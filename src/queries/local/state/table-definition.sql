-- The stored definition of one table ($1 database, $2 table).
SELECT partition_keys, format FROM {{state}}.table_definitions WHERE database = $1 AND table_name = $2
