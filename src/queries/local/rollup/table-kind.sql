-- Whether the rollup is a table (a state file written before the rollup became a view), a view, or absent ($1 catalog, $2 schema, $3 name).
SELECT table_type FROM information_schema.tables WHERE table_catalog = $1 AND table_schema = $2 AND table_name = $3
