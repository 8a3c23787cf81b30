-- Records what is known of one file ($1 path, $2 size, $3 mtime, $4 header, $5 status, $6 reason, $7 probed).
INSERT OR REPLACE INTO {{state}}.file_facts VALUES ($1, $2, $3, $4, $5, $6, $7)
