-- Fills one rollup partition with a finished build's rows: what pointing the partition at the
-- build's folder does on Athena.
INSERT INTO {{rollup}}
SELECT {{rollup_columns}}, {{keys}}
FROM {{builds}}
WHERE build = {{build}} AND {{conditions}}
