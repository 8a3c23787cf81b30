-- Records the table's keys and format ($1 database, $2 table, $3 keys, $4 format string).
INSERT OR REPLACE INTO {{state}}.table_definitions VALUES ($1, $2, $3, $4)
