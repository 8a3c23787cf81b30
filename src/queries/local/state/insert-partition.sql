-- Registers one partition ($1 database, $2 table, $3 id, $4 values as JSON, $5 location, $6 dt).
INSERT INTO {{state}}.partitions VALUES ($1, $2, $3, $4, $5, $6, current_timestamp::TIMESTAMP)
