-- The aggregated-flows relation read from the stored daily rollup (src/queries/rollup/build-rollup.sql)
-- for whole UTC days. The rows are read as stored, not grouped again: an hour whose records were
-- delivered into two dt folders has a row in each, and every report query adds rows up (sum, min,
-- max, count(DISTINCT)), which two rows of one key do not change. Skipping the second grouping
-- is what makes a report over the rollup cheap. The hour filter equals the raw relation's
-- start-time filter because the span starts and ends on whole hours, and it leaves out the
-- rollup's marker rows (hour NULL).
SELECT
  {{rollup_columns}}
FROM {{rollup}}
WHERE dt IN ({{partitions}})
  AND hour >= {{start}}
  AND hour < {{end}}
