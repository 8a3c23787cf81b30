-- Every registered partition of one table ($1 database, $2 table), in key order.
SELECT partition_id, partition_values, location FROM {{state}}.partitions WHERE database = $1 AND table_name = $2 ORDER BY partition_id
