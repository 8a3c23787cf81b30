-- Moves the rows of a rollup table written before the rollup became a view into the builds table,
-- under build {{build}}, and points each of its partitions at them; the table is then dropped.
INSERT INTO {{builds}} SELECT {{rollup_columns}}, {{build}}, {{keys}} FROM {{rollup}};
INSERT INTO {{current}} (build, {{keys}}) SELECT DISTINCT {{build}}, {{keys}} FROM {{rollup}};
DROP TABLE {{rollup}}
