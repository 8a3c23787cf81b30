-- The local state: the table's definition, its registered partitions and what is known of each data file.
CREATE TABLE IF NOT EXISTS {{state}}.table_definitions (database VARCHAR, table_name VARCHAR, partition_keys VARCHAR, format VARCHAR, PRIMARY KEY (database, table_name));
CREATE TABLE IF NOT EXISTS {{state}}.partitions (database VARCHAR, table_name VARCHAR, partition_id VARCHAR, partition_values VARCHAR, location VARCHAR, dt VARCHAR, added_at TIMESTAMP, PRIMARY KEY (database, table_name, partition_id));
CREATE TABLE IF NOT EXISTS {{state}}.file_facts (path VARCHAR PRIMARY KEY, size_bytes BIGINT, mtime_ms DOUBLE, header VARCHAR, status VARCHAR, reason VARCHAR, probed BOOLEAN);
